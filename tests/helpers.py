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
