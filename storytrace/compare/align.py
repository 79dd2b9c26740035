"""Sentence alignment between two versions of a story.

Method: every sentence of ``a`` is scored against every sentence of ``b`` by
the calibrated pair scorer (`storytrace.pairscore`), which combines MiniLM
cosine with lexical evidence. Inside one story every sentence is on topic, so
scores alone over-link; links are chosen by competitive linking (Melamed
2000, "Models of translational equivalence among words", Computational
Linguistics 26(2)): greedily by probability, one-to-one, down to the scorer's
decision threshold (fitted on MRPC train, see `pairscore`), never below the
MiniLM cosine ``link_cosine_floor`` (the 1st percentile of STS-B news train
pairs that share some details). Alignment is then
made many-to-many as in monolingual alignment for text reuse (Barzilay &
Elhadad 2003, "Sentence alignment for monolingual comparable corpora",
EMNLP): a sentence left unlinked joins a counterpart already taken when most
of its content words are contained in it, its figures (in digits) are all
there too, and the probability reaches half the decision threshold, so a
condensed sentence that carries two source sentences links to both. The containment cut-off ``merge_containment`` is fitted in
``training/fit_thresholds.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from storytrace.model import Alignment, Document, PairReuse
from storytrace.compare.pairfeatures import analyse
from storytrace.compare.pairscore import PairMatrix, PairScorer
from storytrace.fitted import threshold
from storytrace.compare.worddiff import word_changes

KIND_ORDER = {"verbatim": 0, "edited": 1, "paraphrase": 2}


@dataclass
class PairAlignment:
    """Alignments between documents ``a`` and ``b`` and the matrix they came from."""

    a: str
    b: str
    links: list[Alignment]
    matrix: PairMatrix

    def reversed_links(self) -> list[Alignment]:
        return [l.reversed() for l in self.links]


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
    kinds = matrix.kind
    # a pair whose sentence embeddings are further apart than pairs that share any detail is never aligned,
    # whatever the trees say: they were fitted on MRPC and STS-B pairs, which are all on one topic, and give
    # 0.6 to two sentences of one story about different things (cosine 0.13)
    prob = np.where(matrix.cosine < threshold("link_cosine_floor"), 0.0, matrix.probability)
    tau = scorer.decision_threshold
    merge_c = threshold("merge_containment")
    links: list[Alignment] = []
    if prob.size == 0:
        return PairAlignment(a.id, b.id, links, matrix)
    # containment of a_i's words in b_j (the matrix's), and of b_j's in a_i from the same shared-word counts
    contain_ab = matrix.containment
    a_size = np.array([max(len(analyse(t).content), 1) for t in a_texts], dtype=np.float64)
    b_size = np.array([max(len(analyse(t).content), 1) for t in b_texts], dtype=np.float64)
    contain_ba = contain_ab * a_size[:, None] / b_size[None, :]

    def make(i: int, j: int) -> Alignment:
        sa, sb = a.sentences[i], b.sentences[j]
        kind = kinds[i, j] if kinds[i, j] in KIND_ORDER else "paraphrase"
        if kind == "verbatim" and _normalised(sa.text) != _normalised(sb.text):
            kind = "edited"  # one changed word is an edit, however small
        return Alignment(a.id, b.id, i, j, (sa.start, sa.end), (sb.start, sb.end), kind,
                         round(float(prob[i, j]), 4), word_changes(sa.text, sa.start, sb.text, sb.start))

    # Competitive linking (Melamed 2000, "Models of translational equivalence
    # among words", Computational Linguistics 26(2)): inside one story every
    # sentence is on topic, so a sentence links to its best counterpart only,
    # greedily by score, one-to-one ...
    order = np.dstack(np.unravel_index(np.argsort(-prob, axis=None), prob.shape))[0]
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, j in order:
        if prob[i, j] < tau:
            break
        if i in used_a or j in used_b:
            continue
        if a.sentences[i].is_heading != b.sentences[j].is_heading:
            continue
        used_a.add(int(i))
        used_b.add(int(j))
        links.append(make(int(i), int(j)))
    # ... then a sentence left over joins a counterpart (taken or not) when its
    # content is contained in it: one condensed sentence carrying two.
    for i, j in order:
        if prob[i, j] < tau / 2:
            break
        i, j = int(i), int(j)
        if (i in used_a and j in used_b) or a.sentences[i].is_heading != b.sentences[j].is_heading:
            continue
        # the free one is carried in the taken one; both free: whichever is contained more
        if i in used_a or (j not in used_b and contain_ba[i, j] > contain_ab[i, j]):
            short_in_long, carried, carrier = contain_ba[i, j], b_texts[j], a_texts[i]
        else:
            short_in_long, carried, carrier = contain_ab[i, j], a_texts[i], b_texts[j]
        # a sentence whose figure the other lacks is not carried in it ("within 14 days" is its point)
        if short_in_long >= merge_c and _figures(carried) <= _figures(carrier):
            used_a.add(i)
            used_b.add(j)
            links.append(make(i, j))
    links.sort(key=lambda l: (l.a_index, l.b_index))
    return PairAlignment(a.id, b.id, links, matrix)


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _figures(text: str) -> set[str]:
    """The figures written in digits, separators dropped ("1,340" = "1340")."""
    return {re.sub(r"[.,]", "", m.group(0)) for m in _FIGURE.finditer(text)}


def _normalised(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def reuse_shares(doc: Document, other: str, links: list[Alignment]) -> PairReuse:
    """Share of ``doc``'s sentences found in ``other``, each counted once by its closest kind."""
    best: dict[int, str] = {}
    for l in links:
        if l.a != doc.id or l.b != other:
            continue
        cur = best.get(l.a_index)
        if l.kind in KIND_ORDER and (cur is None or KIND_ORDER[l.kind] < KIND_ORDER[cur]):
            best[l.a_index] = l.kind
    n = max(1, len(doc.sentences))
    counts = {"verbatim": 0, "edited": 0, "paraphrase": 0}
    for kind in best.values():
        counts[kind] += 1
    return PairReuse(doc.id, other, counts["verbatim"] / n, counts["edited"] / n, counts["paraphrase"] / n)
