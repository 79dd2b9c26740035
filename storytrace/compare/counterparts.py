"""A counterpart for every claim of a derived version that alignment left alone.

Method: alignment links only pairs that read as the same content (the pair
scorer's decision threshold), so a changed claim whose sentence no longer looks
like a paraphrase of its source (another verb, a speculation stated as fact,
one sentence split in three) would be reported as an addition, or not at all.
Every bi-encoder ranks such a sentence's true counterpart first inside a story
even when its score is below any threshold (../shared/DEPENDENCIES.md), so,
along each derivation edge ``source -> derived``: each sentence of the derived
version aligned to nothing in the source is paired with the source sentence of
highest pair probability, when that probability reaches the pair scorer's
``related_threshold`` (fitted on STS-B news train: pairs that "share some
details", see compare/pairscore.py) and the source sentence is either free
(aligned to nothing in the derived version: its content went somewhere) or
contains most of the derived sentence's content words (at ``merge_containment``,
fitted on synthetic merges of MRPC train pairs: one part of a sentence split in
several). A sentence whose best match is already accounted for by another
sentence, and that does not repeat it, is given its best *free* source
sentence instead when the two choose each other among what alignment left
alone on both sides (mutual best), at the same floor, and share at least
``MIN_SHARED_WORDS`` (2, set by hand) content words; else it says
something new and stays an addition. Not between a summary or excerpt and its
source (compare/grouping.py's ``is_excerpt_pair``), which leaves most of its
source free: there a mutual best among the leftovers is chance. When the claim verifier is installed, it vetoes a candidate below the pair
scorer's ``decision_threshold`` that it judges ``unrelated`` (argmax of its five
labels), except the part of a split sentence placed beside the part its
neighbour took that shares ``MIN_SHARED_WORDS`` content words with it (not in
a summary or excerpt, whose invented sentences sit beside summarised ones): the
neighbours are the evidence, and the verifier, trained on generated pairs,
calls such halves unrelated. At the threshold the scorer
already says "same content". The pair is added as a ``related`` link, so the
detectors judge what changed (a number, a speaker, a verb...) instead of
declaring the claim new. Competitive ranking inside a bitext follows Melamed
(2000), "Models of translational equivalence among words", Computational
Linguistics 26(2). No parameters of its own.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from storytrace.fitted import load, threshold
from storytrace.text import content_words
from storytrace.model import COMMON_SOURCE, Alignment, DerivationEdge, Document, Sentence
from storytrace.compare.grouping import is_excerpt_pair
from storytrace.compare.verifier import judged_unrelated
from storytrace.compare.worddiff import word_changes


# Set by hand, not fitted: content words a pairing the verifier may not veto, or a second choice,
# must share with the derived sentence (a participant and a predicate, say).
MIN_SHARED_WORDS = 2


def related_threshold() -> float:
    return float(load("pair_scorer")["related_threshold"])


def decision_threshold() -> float:
    return float(load("pair_scorer")["decision_threshold"])


def _free_mutual_best(prob: np.ndarray, row: np.ndarray, i: int, src_taken: set[int],
                      sources_of: dict[int, set[int]]) -> int | None:
    """The best source sentence still free, when derived sentence ``i`` is its best among the unaligned ones."""
    free = [k for k in range(len(row)) if k not in src_taken and row[k] >= 0]
    if not free:
        return None
    j = max(free, key=lambda k: row[k])
    loose = [d for d in range(prob.shape[0]) if d not in sources_of]
    return j if max(loose, key=lambda d: prob[d, j]) == i else None


def counterpart_links(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: list[DerivationEdge],
    probability: dict[tuple[str, str], np.ndarray],
    judge: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
) -> dict[tuple[str, str], list[Alignment]]:
    """``links`` plus, in both directions, a counterpart for each derived sentence left unaligned.

    ``judge`` (the claim verifier's ``predict``) vetoes a candidate it finds ``unrelated``: ranking
    always finds a best match, the verifier says whether it is about the same claim."""
    out = {k: list(v) for k, v in links.items()}
    candidates: list[Alignment] = []
    unvetoed: list[Alignment] = []  # same content by the scorer, or placed by their neighbours
    floor = related_threshold()
    tau = decision_threshold()
    merge_c = threshold("merge_containment")
    for e in derivation:
        if e.source == COMMON_SOURCE or (e.derived, e.source) not in probability:
            continue
        src, dst = docs[e.source], docs[e.derived]
        prob = probability[(dst.id, src.id)]  # dst sentences x src sentences
        sources_of: dict[int, set[int]] = {}  # dst sentence -> the src sentences it is aligned to
        for l in out[(dst.id, src.id)]:
            sources_of.setdefault(l.a_index, set()).add(l.b_index)
        src_taken = set().union(*sources_of.values())
        excerpt = is_excerpt_pair(src, dst)

        def related(s: Sentence, j: int, score: float) -> Alignment:
            t = src.sentences[j]
            return Alignment(dst.id, src.id, s.index, j, (s.start, s.end), (t.start, t.end), "related",
                             round(float(score), 4), word_changes(s.text, s.start, t.text, t.start))

        for s in dst.sentences:
            if s.is_heading or s.index in sources_of or prob.shape[1] == 0:
                continue
            row = prob[s.index].copy()
            for t in src.sentences:
                if t.is_heading:
                    row[t.index] = -1.0
            before, after = sources_of.get(s.index - 1, set()), sources_of.get(s.index + 1, set())
            middle = before & after
            if middle:  # between two parts of one split source sentence: its middle part
                j = max(middle, key=lambda k: row[k])
                unvetoed.append(related(s, j, row[j]))
                continue
            beside = [k for k in before | after if row[k] >= floor]
            # the neighbours' counterpart, when related at all, before the best match elsewhere
            j = max(beside, key=lambda k: row[k]) if beside else int(np.argmax(row))
            if row[j] < floor:
                continue
            words = content_words(s.text)

            def shared(k: int) -> int:
                return len(words & content_words(src.sentences[k].text))

            contained = bool(words) and shared(j) / len(words) >= merge_c
            if j in src_taken and not (contained or j in before | after):
                if excerpt:
                    continue  # a summary leaves most of its source free: a mutual best among them is chance
                j = _free_mutual_best(prob, row, s.index, src_taken, sources_of)
                if j is None or row[j] < floor or shared(j) < MIN_SHARED_WORDS:
                    continue
            # beside the part of a split sentence its neighbour took, and about the same things
            # (not in a summary: its invented sentences sit beside summarised ones and share their names)
            placed = not excerpt and j in before | after and shared(j) >= MIN_SHARED_WORDS
            (candidates if row[j] < tau and not placed else unvetoed).append(related(s, j, row[j]))
    if judge is not None and candidates:
        verdicts = judge([(docs[l.b].sentences[l.b_index].text, docs[l.a].sentences[l.a_index].text)
                          for l in candidates])
        candidates = [l for l, bad in zip(candidates, judged_unrelated(verdicts)) if not bad]
    for link in candidates + unvetoed:
        out[(link.a, link.b)].append(link)
        out[(link.b, link.a)].append(link.reversed())
    for ls in out.values():
        ls.sort(key=lambda l: (l.a_index, l.b_index))
    return out
