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
