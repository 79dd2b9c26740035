"""Sentence alignment between two versions of a story.

Method: every sentence of ``a`` is scored against every sentence of ``b`` by
the calibrated pair scorer (`storytrace.pairscore`), which combines MiniLM
cosine with lexical evidence. A pair is aligned when its probability of
stating the same content reaches the scorer's decision threshold (fitted on
MRPC train, see `pairscore`). Alignment is many-to-many, as in monolingual
sentence alignment for text reuse (Barzilay & Elhadad 2003, "Sentence
alignment for monolingual comparable corpora", EMNLP): a condensed sentence
that carries two source sentences links to both. Such a merged sentence is
long, which lowers its symmetric score, so a second route keeps a link when
most of the shorter sentence's content words are contained in the longer one
and the probability reaches half the decision threshold. The cut-off for that
containment is `MERGE_CONTAINMENT`, fitted in ``training/fit_thresholds.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Alignment, Document, PairReuse
from .pairscore import PairMatrix, PairScorer
from .thresholds import threshold

KIND_ORDER = {"verbatim": 0, "edited": 1, "paraphrase": 2}


@dataclass
class PairAlignment:
    """Alignments between documents ``a`` and ``b`` and the matrix they came from."""

    a: str
    b: str
    links: list[Alignment]
    matrix: PairMatrix

    def reversed_links(self) -> list[Alignment]:
        return [
            Alignment(l.b, l.a, l.b_index, l.a_index, l.b_span, l.a_span, l.kind, l.score)
            for l in self.links
        ]


def align_sentences(
    a: Document,
    b: Document,
    a_emb: np.ndarray,
    b_emb: np.ndarray,
    scorer: PairScorer,
) -> PairAlignment:
    """Many-to-many alignment of ``a``'s sentences with ``b``'s."""
    a_texts = [s.text for s in a.sentences]
    b_texts = [s.text for s in b.sentences]
    matrix = scorer.score_matrix(a_texts, b_texts, a_emb, b_emb)
    prob, kinds = matrix.probability, matrix.kind
    tau = scorer.decision_threshold
    merge_c = threshold("merge_containment")
    links: list[Alignment] = []
    if prob.size == 0:
        return PairAlignment(a.id, b.id, links, matrix)
    # containment of b_j's words in a_i: score b against a once and transpose
    contain_ab = matrix.containment
    contain_ba = scorer.score_matrix(b_texts, a_texts, b_emb, a_emb).containment.T
    for i, sa in enumerate(a.sentences):
        for j, sb in enumerate(b.sentences):
            p = float(prob[i, j])
            if sa.is_heading != sb.is_heading and p < tau:
                continue
            merged = max(contain_ab[i, j], contain_ba[i, j]) >= merge_c and p >= tau / 2
            if p < tau and not merged:
                continue
            kind = kinds[i, j] if kinds[i, j] in KIND_ORDER else "paraphrase"
            links.append(
                Alignment(a.id, b.id, i, j, (sa.start, sa.end), (sb.start, sb.end), kind, round(p, 4))
            )
    return PairAlignment(a.id, b.id, _prune(links, prob), matrix)


def _prune(links: list[Alignment], prob: np.ndarray) -> list[Alignment]:
    """Drop weak extra links: a sentence keeps links within reach of its best one.

    A sentence mentioning the same people can clear the threshold against
    several sentences; only links whose score is at least half of both ends'
    best link survive, which keeps genuine merges (both halves score alike).
    """
    if not links:
        return links
    best_a: dict[int, float] = {}
    best_b: dict[int, float] = {}
    for l in links:
        best_a[l.a_index] = max(best_a.get(l.a_index, 0.0), l.score)
        best_b[l.b_index] = max(best_b.get(l.b_index, 0.0), l.score)
    return [
        l for l in links if l.score >= 0.5 * best_a[l.a_index] and l.score >= 0.5 * best_b[l.b_index]
    ]


def reuse_shares(doc: Document, other: str, links: list[Alignment]) -> PairReuse:
    """Share of ``doc``'s sentences found in ``other``, each counted once by its closest kind."""
    best: dict[int, str] = {}
    for l in links:
        if l.a != doc.id or l.b != other:
            continue
        cur = best.get(l.a_index)
        if cur is None or KIND_ORDER[l.kind] < KIND_ORDER[cur]:
            best[l.a_index] = l.kind
    n = max(1, len(doc.sentences))
    counts = {"verbatim": 0, "edited": 0, "paraphrase": 0}
    for kind in best.values():
        counts[kind] += 1
    return PairReuse(doc.id, other, counts["verbatim"] / n, counts["edited"] / n, counts["paraphrase"] / n)
