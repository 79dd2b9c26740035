"""Claim alignment: content split or merged across sentences gets its counterpart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storytrace.compare.claimalign import claim_links
from storytrace.compare.claims import split_claims
from storytrace.compare.pairscore import PairMatrix
from tests.helpers import doc, link

MERGED = ["Veltrane will cut 3,200 jobs at its Dunmore plant, after losing 421 million euros in 2025."]
APART = ["Veltrane will cut 3,200 jobs at its Dunmore plant.", "The company lost 412 million euros in 2025."]


@dataclass
class FixedScorer:
    """The pair scorer's interface over a given claim-by-claim probability matrix."""

    prob: np.ndarray
    decision_threshold: float = 0.45
    related_threshold: float = 0.09

    def score_matrix(self, a_texts, b_texts, a_emb, b_emb) -> PairMatrix:
        assert self.prob.shape == (len(a_texts), len(b_texts))
        return PairMatrix(self.prob, np.full(self.prob.shape, "related", dtype=object), np.zeros(self.prob.shape),
                          np.zeros(self.prob.shape))


def _run(prob: np.ndarray, excerpt: bool = False, judge=None):
    a, b = doc("a", MERGED), doc("b", APART)
    a.claims = [c for s in a.sentences for c in split_claims(s)]
    b.claims = [c for s in b.sentences for c in split_claims(s)]
    assert len(a.claims) == 2 and len(b.claims) == 2
    emb = np.zeros((2, 4))
    return a, b, claim_links(a, b, a.claims, b.claims, emb, emb, [link(a, 0, b, 0)], FixedScorer(prob),
                                 excerpt=excerpt, judge=judge)


def test_the_merged_half_of_a_sentence_is_aligned_to_the_sentence_it_came_from() -> None:
    a, b, out = _run(np.array([[0.9, 0.05], [0.1, 0.3]]))
    [l] = out
    assert (l.a_index, l.b_index, l.kind) == (0, 1, "related")
    assert a.article.text[l.a_span[0]:l.a_span[1]] == "after losing 421 million euros in 2025"
    assert l.b_span == (b.sentences[1].start, b.sentences[1].end)


def test_a_claim_the_aligned_sentence_already_carries_gets_no_second_partner() -> None:
    _, _, out = _run(np.array([[0.9, 0.05], [0.6, 0.3]]))  # the loss is in b's first sentence too
    assert out == []


def test_leftovers_pair_only_as_mutual_best_matches_above_the_related_floor() -> None:
    _, _, below = _run(np.array([[0.9, 0.05], [0.1, 0.08]]))
    assert below == []
    _, _, not_mutual = _run(np.array([[0.9, 0.35], [0.1, 0.3]]))  # b's loss sentence is closer to a's first claim
    assert not_mutual == []


def test_between_a_summary_and_its_source_the_floor_is_half_the_decision_threshold() -> None:
    prob = np.array([[0.9, 0.05], [0.1, 0.2]])
    assert len(_run(prob)[2]) == 1
    assert _run(prob, excerpt=True)[2] == []


def test_the_verifier_vetoes_a_weak_claim_link_it_finds_unrelated() -> None:
    seen = []

    def unrelated(pairs):
        seen.extend(pairs)
        return np.array([[0, 0, 0, 0, 1.0] for _ in pairs])

    assert _run(np.array([[0.9, 0.05], [0.1, 0.3]]), judge=unrelated)[2] == []
    assert seen == [("after losing 421 million euros in 2025", APART[1])]
    # at the decision threshold the scorer already says "same content": no veto
    assert len(_run(np.array([[0.9, 0.05], [0.1, 0.5]]), judge=unrelated)[2]) == 1
