"""Lexical vectors for story grouping: hashed TF-IDF over word uni- and bigrams, with a fixed IDF.

Method: an article's title and text are cut into lower-cased words (function
words of `storytrace.text.STOPWORDS` dropped), their unigrams and the bigrams
of consecutive kept words are hashed into ``2**HASH_BITS`` buckets (CRC-32,
the "hashing trick" of Weinberger et al. 2009, "Feature Hashing for Large
Scale Multitask Learning"), weighted by sublinear term frequency ``1 + ln tf``
times inverse document frequency ``ln((N + 1) / (df + 1)) + 1`` (Salton &
Buckley 1988, "Term-weighting approaches in automatic text retrieval"), and
L2-normalised; only the ``MAX_TERMS`` heaviest buckets are kept, so a vector
has a bounded size whatever the article's length.

The IDF is *fixed*: document frequencies counted once on a reference corpus
and shipped in ``storytrace/data/idf.npz`` (``python -m
training.fit_corpus_grouping idf``; the Multi-News test clusters with an even
cluster_id, the split the lead cut-off is fitted on), never updated from the
corpus being grouped. So an article's vector depends on the article alone, and
a grouping built from the vectors does not depend on the order articles come
in. A bucket the reference corpus never saw gets the largest IDF (a rare word,
a name).

Parameters: ``MAX_TERMS``, fitted with the average-link cut by ``python -m
training.fit_lexical_grouping`` (storytrace/data/corpus_grouping.json: on
Multi-News's even half and half of WikiRef220, whose texts are five times
longer: the fewer terms a long text keeps, the more its vector holds of what
the article is about). Set by hand: ``HASH_BITS`` = 22 (4M buckets: collisions
are rare for a news vocabulary), ``MAX_CHARS`` = 4,000 characters of text read.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

import numpy as np

from storytrace.fitted import corpus_value
from storytrace.text import STOPWORDS

HASH_BITS = 22
# fitted with the average-link cut (storytrace/data/corpus_grouping.json): long texts keep their heaviest terms
MAX_TERMS = int(corpus_value("avglink_max_terms"))
MAX_CHARS = 4000
IDF_FILE = "idf.npz"

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class SparseVector:
    """A unit-length sparse vector: bucket ids (ascending) and their weights."""

    index: np.ndarray  # int64
    value: np.ndarray  # float32

    def dot(self, other: SparseVector) -> float:
        common, ia, ib = np.intersect1d(self.index, other.index, assume_unique=True, return_indices=True)
        return float(np.dot(self.value[ia], other.value[ib])) if len(common) else 0.0


def terms(text: str) -> list[str]:
    """Content-word unigrams and the bigrams of consecutive content words, lower-cased, in order."""
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    words = [re.sub(r"'s$", "", w) for w in words]
    kept = [w for w in words if w not in STOPWORDS and len(w) > 1]
    return kept + [f"{a} {b}" for a, b in zip(kept, kept[1:])]


def bucket(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & ((1 << HASH_BITS) - 1)


def term_counts(text: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for t in terms(text[:MAX_CHARS]):
        b = bucket(t)
        out[b] = out.get(b, 0) + 1
    return out


@dataclass(frozen=True)
class Idf:
    """Document frequencies of a reference corpus: ``docs`` documents, ``df`` per bucket (sorted ``index``)."""

    docs: int
    index: np.ndarray  # int64, ascending
    df: np.ndarray  # int32

    def weights(self, buckets: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.index, buckets)
        pos = np.clip(pos, 0, max(len(self.index) - 1, 0))
        found = (self.index[pos] == buckets) if len(self.index) else np.zeros(len(buckets), bool)
        df = np.where(found, self.df[pos] if len(self.index) else 0, 0)
        return np.log((self.docs + 1) / (df + 1)) + 1.0

    @classmethod
    def count(cls, texts: Iterable[str]) -> Idf:
        df: dict[int, int] = {}
        n = 0
        for t in texts:
            n += 1
            for b in term_counts(t):
                df[b] = df.get(b, 0) + 1
        keys = np.fromiter(sorted(k for k, v in df.items() if v >= 2), dtype=np.int64)
        return cls(n, keys, np.asarray([df[int(k)] for k in keys], dtype=np.int32))

    def save(self, path) -> None:
        np.savez_compressed(path, docs=np.int64(self.docs), index=self.index.astype(np.int32),
                            df=self.df.astype(np.int32))


@lru_cache(maxsize=1)
def default_idf() -> Idf:
    """The shipped reference IDF (``storytrace/data/idf.npz``)."""
    with resources.files("storytrace.data").joinpath(IDF_FILE).open("rb") as fh:
        z = np.load(fh)
        return Idf(int(z["docs"]), z["index"].astype(np.int64), z["df"].astype(np.int32))


def vectorize(text: str, idf: Idf | None = None) -> SparseVector:
    """The hashed TF-IDF vector of ``text`` (unit length; empty for a text without content words)."""
    counts = term_counts(text)
    if not counts:
        return SparseVector(np.zeros(0, np.int64), np.zeros(0, np.float32))
    idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
    tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    w = tf * (idf or default_idf()).weights(idx)
    if len(w) > MAX_TERMS:
        keep = np.argsort(-w, kind="stable")[:MAX_TERMS]
        idx, w = idx[keep], w[keep]
    order = np.argsort(idx)
    idx, w = idx[order], w[order]
    norm = math.sqrt(float(np.dot(w, w)))
    return SparseVector(idx, (w / norm).astype(np.float32))


def vectorize_all(texts: Sequence[str], idf: Idf | None = None) -> list[SparseVector]:
    idf = idf or default_idf()
    return [vectorize(t, idf) for t in texts]


__all__ = ["HASH_BITS", "MAX_TERMS", "Idf", "SparseVector", "bucket", "default_idf", "terms", "vectorize",
           "vectorize_all"]
