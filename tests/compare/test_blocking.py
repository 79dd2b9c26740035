"""Blocked scoring of big sentence grids (compare/pairscore.py): the same alignment, the trees on few pairs."""

from __future__ import annotations

import numpy as np

from storytrace.compare import pairscore
from storytrace.compare.align import align_sentences
from storytrace.compare.pairscore import PairScorer
from storytrace.compare.segment import segment
from storytrace.embed import default_encoder
from storytrace.model import Article

SENTENCES = [
    f"The {place} council voted on {day} to spend {n} million euros on {thing}."
    for place, day, n, thing in zip(
        ["Arden", "Belmont", "Carrow", "Dunmore", "Elbury", "Fenwick", "Garston", "Holloway", "Ilford", "Jarrow",
         "Kelso", "Lanark", "Morley", "Newry", "Oban", "Penrith", "Quorn", "Rugby", "Selby", "Thirsk"],
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] * 4,
        range(3, 23),
        ["roads", "schools", "a library", "flood walls", "buses", "a pool", "parks", "a bridge", "housing",
         "street lights", "a clinic", "bike lanes", "a museum", "drains", "a depot", "a market", "trams",
         "a theatre", "tree planting", "a sports hall"],
    )
]


def _docs():
    a = Article("a", "\n\n".join(SENTENCES))
    edited = [s.replace("voted on", "decided on") if k % 3 == 0 else s for k, s in enumerate(SENTENCES)]
    b = Article("b", "\n\n".join(reversed(edited[2:])))
    return segment(a), segment(b)


def test_a_blocked_grid_aligns_as_the_full_one_and_scores_few_pairs(monkeypatch) -> None:
    a, b = _docs()
    enc = default_encoder()
    ea, eb = enc.encode([s.text for s in a.sentences]), enc.encode([s.text for s in b.sentences])
    scorer = PairScorer.load()
    full = align_sentences(a, b, ea, eb, scorer)
    scored: list[int] = []
    original = PairScorer.probability_from_features

    def counting(self, X):
        scored.append(int(np.prod(X.shape[:-1])))
        return original(self, X)

    monkeypatch.setattr(pairscore, "FULL_GRID_UP_TO", 50)
    monkeypatch.setattr(PairScorer, "probability_from_features", counting)
    blocked = align_sentences(a, b, ea, eb, scorer)
    assert [(l.a_index, l.b_index, l.kind) for l in blocked.links] == [(l.a_index, l.b_index, l.kind)
                                                                       for l in full.links]
    assert {l.b_index for l in full.links} == set(range(len(b.sentences)))  # every b sentence placed
    n, m = len(a.sentences), len(b.sentences)
    assert scored and max(scored) <= (n + m) * pairscore.CANDIDATES < n * m
    # pairs outside the candidates are not the same content
    outside = blocked.matrix.probability == 0
    assert outside.sum() >= n * m - (n + m) * pairscore.CANDIDATES
