"""Claim alignment: the content that sentence alignment leaves unaccounted for, paired clause by clause.

Method: sentence alignment (compare/align.py) pairs whole sentences, so when
one version splits a sentence in two, or merges two into one, a part of the
content has no partner: the second half of the split becomes an "addition",
the figure in the merged half is never compared. Here every sentence is cut
into claims (compare/claims.py) and each claim is *accounted for* when a
sentence it belongs to is aligned to a sentence holding a claim of the same
content (pair probability at the scorer's ``decision_threshold``, fitted on
MRPC train; a sentence of one claim is accounted for by any alignment). The
claims left over on both sides are paired by competitive linking (Melamed
2000, "Models of translational equivalence among words", Computational
Linguistics 26(2)): greedily by pair probability, one-to-one, down to the
scorer's ``related_threshold`` (fitted on STS-B news train: pairs that share
some details). Between a summary or excerpt and its source (a third of its
length or less) the floor is half the ``decision_threshold``, the floor align's
merge step uses for a part carried inside a whole: a summary leaves most of its
source's claims over, and with the lower floor the invented claims of
one-sentence summaries found a weak mutual best among them (FRANK XSum
balanced accuracy fell from 0.604 to 0.563). Inside one story every claim is on topic, so a link is kept only
when it is the best partner of both claims among *all* claims of the other
version, accounted for or not (a claim whose best match is content already
carried elsewhere repeats that content or says something new; it is not the
counterpart of a leftover). Each link becomes an alignment of the two claims'
sentences, with the claims' spans, of kind ``related`` (the detectors judge
what changed inside it). Monolingual alignment below the sentence follows
Barzilay & Elhadad (2003, "Sentence alignment for monolingual comparable
corpora", EMNLP). When the claim verifier is installed it vetoes, as in
compare/counterparts.py, a link below the decision threshold that it judges
``unrelated``: without it, the invented claim of a one-sentence summary found a
weak partner among its source's leftovers and was no longer reported (FRANK
XSum balanced accuracy 0.604 -> 0.563). No parameters of its own.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from storytrace.compare.pairscore import PairScorer
from storytrace.compare.verifier import judged_unrelated
from storytrace.compare.worddiff import word_changes
from storytrace.model import Alignment, Claim, Document


def claim_links(
    a: Document,
    b: Document,
    a_claims: list[Claim],
    b_claims: list[Claim],
    a_emb: np.ndarray,
    b_emb: np.ndarray,
    links: list[Alignment],
    scorer: PairScorer,
    excerpt: bool = False,
    judge: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
) -> list[Alignment]:
    """Alignments (``a`` side first) between claims of ``a`` and ``b`` that ``links`` leave unaccounted for.

    ``a_claims``/``b_claims`` are the claims of the two documents' non-heading sentences and
    ``a_emb``/``b_emb`` their embeddings, row for row. ``excerpt``: one of the two is a summary or
    excerpt of the other (compare/grouping.py's ``is_excerpt_pair``), which raises the floor.
    ``judge`` (the claim verifier's ``predict``) vetoes a link below the decision threshold that it
    finds ``unrelated``, as in compare/counterparts.py."""
    if not a_claims or not b_claims:
        return []
    prob = scorer.score_matrix([c.text for c in a_claims], [c.text for c in b_claims], a_emb, b_emb).probability
    tau = scorer.decision_threshold
    # a summary leaves most of its source's claims over: among so many, a weak mutual best is chance
    floor = tau / 2 if excerpt else scorer.related_threshold
    a_rows = _rows_by_sentence(a_claims)
    b_rows = _rows_by_sentence(b_claims)
    linked_ab: dict[int, set[int]] = {}
    for l in links:
        linked_ab.setdefault(l.a_index, set()).add(l.b_index)
    linked_ba: dict[int, set[int]] = {}
    for l in links:
        linked_ba.setdefault(l.b_index, set()).add(l.a_index)

    def accounted(rows: dict[int, list[int]], claims: list[Claim], partners: dict[int, set[int]],
                  other_rows: dict[int, list[int]], p: np.ndarray) -> np.ndarray:
        done = np.zeros(len(claims), dtype=bool)
        for k, c in enumerate(claims):
            mates = [r for j in partners.get(c.sentence_index, ()) for r in other_rows.get(j, [])]
            if not mates:
                continue
            done[k] = len(rows[c.sentence_index]) == 1 or float(p[k, mates].max()) >= tau
        return done

    a_done = accounted(a_rows, a_claims, linked_ab, b_rows, prob)
    b_done = accounted(b_rows, b_claims, linked_ba, a_rows, prob.T)
    best_b = prob.argmax(axis=1)
    best_a = prob.argmax(axis=0)
    out: list[Alignment] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    order = np.dstack(np.unravel_index(np.argsort(-prob, axis=None), prob.shape))[0]
    for i, j in order:
        i, j = int(i), int(j)
        if prob[i, j] < floor:
            break
        if a_done[i] or b_done[j] or i in used_a or j in used_b:
            continue
        if best_b[i] != j or best_a[j] != i:
            continue
        ca, cb = a_claims[i], b_claims[j]
        if cb.sentence_index in linked_ab.get(ca.sentence_index, ()):
            continue  # the two sentences are aligned already; a leftover inside them is a dropped detail
        used_a.add(i)
        used_b.add(j)
        out.append(Alignment(a.id, b.id, ca.sentence_index, cb.sentence_index, (ca.start, ca.end), (cb.start, cb.end),
                             "related", round(float(prob[i, j]), 4),
                             word_changes(ca.text, ca.start, cb.text, cb.start)))
    weak = [l for l in out if l.score < tau]
    if judge is not None and weak:
        text_a, text_b = a.article.text, b.article.text
        verdicts = judge([(text_a[l.a_span[0]:l.a_span[1]], text_b[l.b_span[0]:l.b_span[1]]) for l in weak])
        vetoed = {id(l) for l, bad in zip(weak, judged_unrelated(verdicts)) if bad}
        out = [l for l in out if id(l) not in vetoed]
    return out


def _rows_by_sentence(claims: list[Claim]) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for k, c in enumerate(claims):
        rows.setdefault(c.sentence_index, []).append(k)
    return rows


__all__ = ["claim_links"]
