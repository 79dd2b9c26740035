"""Builders for hand-made documents and alignments (no models needed)."""
from __future__ import annotations

from pathlib import Path

from storytrace.model import Alignment, Article, Document, Sentence

REPO = Path(__file__).resolve().parent.parent  # the checkout
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"  # ../shared: seeds and real data, read in place
SEEDS = SHARED / "seeds"
ARTIFACTS = REPO / "tests" / "artifacts"  # screenshots (git-ignored)


def doc(aid: str, sentences: list[str], published_at: str | None = None) -> Document:
    text = " ".join(sentences)
    out, pos = [], 0
    for k, s in enumerate(sentences):
        out.append(Sentence(aid, k, pos, pos + len(s), s))
        pos += len(s) + 1
    return Document(Article(aid, text, published_at=published_at), out)


def link(a: Document, i: int, b: Document, j: int, kind: str = "edited", score: float = 0.9) -> Alignment:
    sa, sb = a.sentences[i], b.sentences[j]
    return Alignment(a.id, b.id, i, j, (sa.start, sa.end), (sb.start, sb.end), kind, score)


def split_front_matter(path: Path) -> tuple[dict[str, str], str]:
    """(front matter, body) of a .txt story; the front matter is optional."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise AssertionError(f"{path}: unterminated front matter") from None
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        assert sep, f"{path}: front matter line without a colon: {line!r}"
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[end + 1 :])


def gold_article_ids(gold: dict) -> list[str]:
    """Every article id a gold.json names (examples/ and bench/stories/ share its shape)."""
    ids = [a for s in gold["stories"] for a in s["articles"]] + list(gold["distractors"])
    ids += list(gold.get("faithful", []))
    for e in gold["derivation"]:
        ids += [e["source"], e["derived"]]
    for p in gold["planted"] + gold["not_findings"]:
        ids.append(p["article"])
        if p.get("counterpart_article"):
            ids.append(p["counterpart_article"])
    return ids


def both_ways(pairs: dict[tuple[str, str], list[Alignment]]) -> dict[tuple[str, str], list[Alignment]]:
    out = dict(pairs)
    for (a, b), ls in pairs.items():
        out[(b, a)] = [l.reversed() for l in ls]
    return out


# A short made-up wire report (for grouping and derivation tests of short versions).
FIRE_WIRE = [
    "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said.",
    "About 4,200 tonnes of wheat were lost and 60 firefighters fought the blaze for nine hours.",
    "Fire chief Ana Rusk said the cause was not yet known and an inquiry would begin on Friday.",
    "The depot, owned by Corran Mills, employs 85 people and supplies bakeries across the region.",
    "Residents of nearby streets were told to keep their windows closed because of the smoke.",
    "Corran Mills said it would pay its staff in full while the site was closed.",
    "The council said the main road past the depot would stay shut until Thursday.",
    "Insurers estimated the damage at several million pounds, a local newspaper reported.",
    "It was the second fire at the site in three years.",
]
