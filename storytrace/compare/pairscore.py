"""Sentence-pair scoring: does sentence b state the content of sentence a, and how was it reused?

Interface (used by `align`)::

    scorer = PairScorer.load()
    m = scorer.score_matrix(a_texts, b_texts, a_emb, b_emb)
    m.probability[i, j]   # calibrated P(a_i and b_j state the same content)
    m.kind[i, j]          # "verbatim" | "edited" | "paraphrase" | "related" | "unrelated"
    m.containment[i, j]   # share of a_i's content words found in b_j (asymmetric)
    m.cosine[i, j]        # MiniLM cosine of the two embeddings
    scorer.decision_threshold   # probability from which a pair counts as "same content"

Method
------
For every pair, `storytrace.pairfeatures` computes 21 features at once for the
whole ``(n, m)`` grid: MiniLM cosine (the embeddings passed in), WordLlama
static-embedding cosine, word 1/2/3-gram and character 4-gram containment both
ways, word longest common subsequence, rapidfuzz token-set ratio, length ratio,
and mismatches of numbers, capitalised entities and negation.

* **probability** - gradient-boosted trees (300 trees of depth 3, learning rate
  0.05) fitted on MRPC train (Dolan & Brockett 2005, "Automatically Constructing
  a Corpus of Sentential Paraphrases") and STS-B news train pairs scored >= 4 or
  <= 2 (Cer et al. 2017, "SemEval-2017 Task 1: Semantic Textual Similarity"),
  log-loss, so the output is a probability. Evaluated with numpy from
  ``storytrace/data/pair_scorer.json`` (no sklearn at run time).
* **decision_threshold** - the probability from which a pair states the same
  content: maximises accuracy on 5-fold out-of-fold probabilities for MRPC train.
* **related_threshold** - below the decision threshold, pairs scoring at least
  this are "related": the cut-off separating STS-B news train pairs scored >= 2
  ("not equivalent, but share some details") from the rest, out of fold.
* **similarity** (`score_pairs`, not used by alignment) - graded 0-5 similarity,
  gradient-boosted regression trees fitted on STS-B news train.
* **kind** - a copy score (``copy_score`` in the json; as shipped ``w3+w2+lcs``:
  the mean of word trigram containment, word bigram containment and word LCS
  share, each the larger of the two directions, i.e. of the shorter text in the
  longer) against three cut-offs fitted on Clough & Stevenson (2011, "Developing a
  corpus of plagiarised short answers", LRE 45(1)) - answers labelled cut /
  light / heavy / non against their source, mapped to verbatim / edited /
  paraphrase / unrelated, cut-offs chosen by repeated stratified 5-fold CV
  accuracy and refitted on all 95 answers:

  1. ``verbatim``   identical after normalising case and spacing, or copy >= cut-off "verbatim"
  2. ``edited``     copy >= cut-off "edited"
  3. ``paraphrase`` copy >= cut-off "paraphrase" and probability >= related_threshold,
                    or probability >= decision_threshold
  4. ``related``    probability >= related_threshold
  5. ``unrelated``  otherwise

  A copied sentence with a changed number stays ``edited`` even when its
  probability is low: the kind says how text was reused, the probability
  whether the content is the same.

Fitted values as shipped: decision_threshold 0.45 (MRPC train out-of-fold
accuracy 0.771, F1 0.840); related_threshold 0.09 (STS-B train, 0.872);
kind cut-offs verbatim 0.911 / edited 0.599 / paraphrase 0.204 (Clough-Stevenson
10 x 5-fold CV accuracy 0.733 +/- 0.097). These and the data each was fitted on
are in the json's ``training`` entry; `training/train_pair_scorer.py` regenerates it (seeded, deterministic).
`bench/pairs.py` (``storytrace bench pairs``) measures all of it on the test splits.

Long texts: the trees are evaluated for every pair of a grid of up to ``FULL_GRID_UP_TO`` pairs.
A bigger grid (two texts of hundreds of sentences) is blocked as in record linkage (Christen 2012,
"A survey of indexing techniques for scalable record linkage and deduplication", IEEE TKDE 24(9)):
only each sentence's ``CANDIDATES`` nearest by MiniLM cosine, in either direction, and the pairs of
equal text are scored; every other pair gets probability 0, so the trees' work grows with the
sentences, not with their product. Set by hand: ``FULL_GRID_UP_TO`` = 40,000 (200 x 200 sentences,
about 2 s), ``CANDIDATES`` = 8 (a sentence's counterpart, when it has one, is among its 3 nearest
by cosine in all but a few cases; alignment links one-to-one and merges at most a few).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from storytrace.fitted import load
from storytrace.compare.pairfeatures import FEATURE_NAMES, STOPWORDS, pair_features

FULL_GRID_UP_TO = 40_000  # set by hand (see the module docstring)
CANDIDATES = 8  # set by hand
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_STOP = STOPWORDS
KINDS = ("verbatim", "edited", "paraphrase", "related", "unrelated")

_F = {name: k for k, name in enumerate(FEATURE_NAMES)}
# Candidate copy scores (how much of the shorter text was copied), chosen between on Clough-Stevenson by CV.
COPY_SCORES: dict[str, tuple[str, ...]] = {
    "w3+lcs": ("w3_max", "lcs_max"),
    "w2+lcs": ("w2_max", "lcs_max"),
    "w3+w2+lcs": ("w3_max", "w2_max", "lcs_max"),
    "w1": ("w1_max",),
    "c4": ("c4_max",),
    "w3": ("w3_max",),
}


def copy_score(features: np.ndarray, name: str) -> np.ndarray:
    cols = [_F[c] for c in COPY_SCORES[name]]
    return features[..., cols].mean(axis=-1)


def kind_from_copy(score: np.ndarray, cutoffs: Sequence[float]) -> np.ndarray:
    """Level 0 (verbatim/cut), 1 (edited/light), 2 (paraphrase/heavy) or 3 (below all cut-offs)."""
    return np.where(score >= cutoffs[0], 0, np.where(score >= cutoffs[1], 1, np.where(score >= cutoffs[2], 2, 3)))


def content_words(text: str) -> list[str]:
    return [w for w in (t.lower() for t in _WORD.findall(text)) if w not in _STOP]


@dataclass
class PairMatrix:
    probability: np.ndarray
    kind: np.ndarray
    containment: np.ndarray
    cosine: np.ndarray  # MiniLM cosine of each pair (the trees' "cos" feature)


class _Trees:
    """A gradient-boosted tree ensemble exported by training/train_pair_scorer.py, evaluated with numpy."""

    def __init__(self, spec: dict) -> None:
        self.classifier = spec["kind"] == "classifier"
        self.init = float(spec["init"])
        self.rate = float(spec["learning_rate"])
        self.depth = int(spec["depth"])
        self.feature = np.asarray(spec["feature"], dtype=np.int64)
        self.safe_feature = np.maximum(self.feature, 0)
        self.threshold = np.asarray(spec["threshold"], dtype=np.float64)
        self.left = np.asarray(spec["left"], dtype=np.int64)
        self.right = np.asarray(spec["right"], dtype=np.int64)
        self.value = np.asarray(spec["value"], dtype=np.float64)
        # Flat node numbering (tree * width + node) so traversal is 1-D `take`s.
        trees, width = self.feature.shape
        base = (np.arange(trees) * width)[:, None]
        self._roots = base.astype(np.int64)
        self._f = self.safe_feature.ravel()
        self._thr = self.threshold.ravel()
        self._left = (self.left + base).ravel()
        self._right = (self.right + base).ravel()
        self._value = self.value.ravel()

    def raw(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        n, nf = X.shape
        if n == 0:
            return np.zeros(0)
        flat = X.ravel()
        offs = (np.arange(n, dtype=np.int64) * nf)[None, :]
        node = np.repeat(self._roots, n, axis=1)
        for _ in range(self.depth):
            x = flat.take(offs + self._f.take(node))
            node = np.where(x <= self._thr.take(node), self._left.take(node), self._right.take(node))
        return self.init + self.rate * self._value.take(node).sum(axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        r = self.raw(X)
        return 1.0 / (1.0 + np.exp(-r)) if self.classifier else r


class PairScorer:
    """The trained pair scorer; `load()` reads the shipped ``pair_scorer.json``."""

    def __init__(self, spec: dict) -> None:
        if tuple(spec["feature_names"]) != FEATURE_NAMES:
            raise ValueError("pair_scorer.json was trained on other features: rerun python -m training.train_pair_scorer")
        self.spec = spec
        self.decision_threshold = float(spec["decision_threshold"])
        self.related_threshold = float(spec["related_threshold"])
        self.copy_score_name = spec["copy_score"]
        cut = spec["kind_cutoffs"]
        self.kind_cutoffs = (float(cut["verbatim"]), float(cut["edited"]), float(cut["paraphrase"]))
        self._prob = _Trees(spec["probability_head"])
        self._sim = _Trees(spec["similarity_head"])

    @classmethod
    def from_file(cls, path: str | Path) -> "PairScorer":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def load(cls) -> "PairScorer":
        return _load_default()

    # -- heads on precomputed features -------------------------------------------------
    def probability_from_features(self, X: np.ndarray) -> np.ndarray:
        shape = X.shape[:-1]
        return self._prob.predict(X.reshape(-1, X.shape[-1])).reshape(shape)

    def similarity_from_features(self, X: np.ndarray) -> np.ndarray:
        shape = X.shape[:-1]
        return np.clip(self._sim.predict(X.reshape(-1, X.shape[-1])), 0.0, 5.0).reshape(shape)

    def kind_from_features(self, X: np.ndarray, prob: np.ndarray, same_text: np.ndarray | None = None) -> np.ndarray:
        level = kind_from_copy(copy_score(X, self.copy_score_name), self.kind_cutoffs)
        # Below the Clough cut-offs, same content makes a paraphrase; at the passage-level
        # "paraphrase" cut-off, short sentences share little more than a few words, so it
        # counts only with at least a "related" probability.
        level = np.where((level == 2) & (prob < self.related_threshold), 3, level)
        level = np.where((level == 3) & (prob >= self.decision_threshold), 2, level)
        level = np.where((level == 3) & (prob >= self.related_threshold), 3, np.where(level == 3, 4, level))
        if same_text is not None:
            level = np.where(same_text, 0, level)
        return np.asarray(KINDS, dtype=object)[level]

    # -- public API -----------------------------------------------------------------------
    def score_matrix(
        self,
        a_texts: Sequence[str],
        b_texts: Sequence[str],
        a_emb: np.ndarray,
        b_emb: np.ndarray,
    ) -> PairMatrix:
        n, m = len(a_texts), len(b_texts)
        if n == 0 or m == 0:
            return PairMatrix(np.zeros((n, m)), np.empty((n, m), dtype=object), np.zeros((n, m)), np.zeros((n, m)))
        X, cont = pair_features(a_texts, b_texts, a_emb, b_emb)
        cos = X[..., FEATURE_NAMES.index("cos")]
        na = np.array([_norm(t) for t in a_texts], dtype=object)
        nb = np.array([_norm(t) for t in b_texts], dtype=object)
        same = na[:, None] == nb[None, :]
        if n * m <= FULL_GRID_UP_TO:
            prob = self.probability_from_features(X)
        else:  # blocked: the trees only for each sentence's nearest candidates (module docstring)
            k = min(CANDIDATES, m, n)
            keep = same.copy()
            rows = np.argpartition(-cos, k - 1, axis=1)[:, :k]
            keep[np.arange(n)[:, None], rows] = True
            cols = np.argpartition(-cos, k - 1, axis=0)[:k, :]
            keep[cols, np.arange(m)[None, :]] = True
            prob = np.zeros((n, m))
            prob[keep] = self.probability_from_features(X[keep])
        kind = self.kind_from_features(X, prob, same)
        return PairMatrix(prob, kind, cont.astype(np.float64), np.asarray(cos, dtype=np.float64))

    def score_pairs(
        self,
        a_texts: Sequence[str],
        b_texts: Sequence[str],
        a_emb: np.ndarray,
        b_emb: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For aligned pairs ``(a[k], b[k])``: (probability, similarity 0-5, kind)."""
        X, _ = pair_features(a_texts, b_texts, a_emb, b_emb, paired=True)
        prob = self.probability_from_features(X)
        same = np.array([_norm(a) == _norm(b) for a, b in zip(a_texts, b_texts)], dtype=bool)
        return prob, self.similarity_from_features(X), self.kind_from_features(X, prob, same)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@lru_cache(maxsize=1)
def _load_default() -> PairScorer:
    return PairScorer(load("pair_scorer"))
