"""Which pairs of versions to align: all of them for a few versions, each one's likeliest sources for many.

Method: up to ``ALL_PAIRS_UP_TO`` versions every pair is aligned (the full analysis; its cost is
quadratic, which a handful of versions can afford). Above it, each version is aligned only with its
``NEIGHBOURS`` nearest versions by document similarity, the cosine of the mean of its sentence
embeddings, and, when it has ``published_at``, also with the ``NEIGHBOURS`` nearest among the
versions published before it (where its sources must be). This is the candidate-generation step of
blocking for record linkage (Christen 2012, "A survey of indexing techniques for scalable record
linkage and deduplication", IEEE TKDE 24(9)): pairs outside the candidates are never judged, so the
work grows linearly with the number of versions. Derivation, differences and the brief then read
only the pairs that were computed; siblings are compared through their shared source, as before.

Parameters (set by hand; not fitted): ``ALL_PAIRS_UP_TO`` = 12 versions (66 pairs, about 6 s on 2
cores for news-length versions), ``NEIGHBOURS`` = 4.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from storytrace.model import Document

ALL_PAIRS_UP_TO = 12  # set by hand
NEIGHBOURS = 4  # set by hand


def document_vectors(docs: dict[str, Document], emb: dict[str, np.ndarray]) -> np.ndarray:
    """One L2-normalised vector per version (the mean of its sentence embeddings), in ``docs`` order."""
    rows = []
    for d in docs:
        v = emb[d].mean(axis=0) if len(emb[d]) else np.zeros(emb[d].shape[1] if emb[d].ndim == 2 else 1)
        rows.append(v / max(float(np.linalg.norm(v)), 1e-9))
    return np.stack(rows) if rows else np.zeros((0, 1))


def candidate_pairs(docs: dict[str, Document], vectors: np.ndarray) -> list[tuple[str, str]]:
    """The pairs to align, each once, in the order of ``docs`` (the first of a pair comes first)."""
    ids = list(docs)
    if len(ids) <= ALL_PAIRS_UP_TO:
        return list(combinations(ids, 2))
    sim = vectors @ vectors.T
    np.fill_diagonal(sim, -np.inf)
    chosen: set[tuple[int, int]] = set()
    for i, d in enumerate(ids):
        for j in np.argsort(-sim[i])[:NEIGHBOURS]:
            chosen.add((min(i, int(j)), max(i, int(j))))
        at = docs[d].article.published_at
        if at:
            earlier = [j for j, e in enumerate(ids) if (docs[e].article.published_at or at) < at]
            for j in sorted(earlier, key=lambda j: -sim[i, j])[:NEIGHBOURS]:
                chosen.add((min(i, j), max(i, j)))
    return [(ids[i], ids[j]) for i, j in sorted(chosen)]
