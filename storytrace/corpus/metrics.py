"""Clustering scores against gold labels, in linear time from contingency counts.

- BCubed precision/recall/F1 (Bagga & Baldwin 1998; Amigó et al. 2009, "A
  comparison of extrinsic clustering evaluation metrics"): for each item, the
  share of its predicted cluster that shares its gold class (precision) and the
  share of its gold class that shares its predicted cluster (recall), averaged
  over items. With n_ck items in cluster c and class k:
  P = sum n_ck^2 / |c| / N, R = sum n_ck^2 / |k| / N.
- Pairwise precision/recall/F1 over the item pairs put together:
  TP = sum C(n_ck, 2), predicted pairs = sum C(|c|, 2), gold pairs = sum C(|k|, 2).

Both need only the counts of (cluster, class) combinations, so they cost O(N)
(a sort), never the O(N^2) pairs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Hashable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class ClusterScores:
    n: int
    clusters: int
    classes: int
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pair_precision: float
    pair_recall: float
    pair_f1: float

    def as_dict(self) -> dict:
        return asdict(self)


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    _, inv = np.unique(np.asarray([str(x) for x in labels], dtype=object).astype(str), return_inverse=True)
    return inv.astype(np.int64)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def cluster_scores(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> ClusterScores:
    """Scores of the clustering ``pred`` against ``gold`` (parallel label lists)."""
    if len(pred) != len(gold):
        raise ValueError("pred and gold must have the same length")
    n = len(pred)
    if n == 0:
        return ClusterScores(0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    c = _codes(pred)
    k = _codes(gold)
    csize = np.bincount(c).astype(np.float64)
    ksize = np.bincount(k).astype(np.float64)
    joint = c * (int(k.max()) + 1) + k
    cells, nck = np.unique(joint, return_counts=True)
    cc = cells // (int(k.max()) + 1)
    kk = cells % (int(k.max()) + 1)
    nck = nck.astype(np.float64)
    bp = float((nck**2 / csize[cc]).sum() / n)
    br = float((nck**2 / ksize[kk]).sum() / n)
    tp = float((nck * (nck - 1) / 2).sum())
    pp = float((csize * (csize - 1) / 2).sum())
    gp = float((ksize * (ksize - 1) / 2).sum())
    prec = tp / pp if pp else 1.0
    rec = tp / gp if gp else 1.0
    return ClusterScores(
        n=n, clusters=len(csize), classes=len(ksize),
        bcubed_precision=bp, bcubed_recall=br, bcubed_f1=_f1(bp, br),
        pair_precision=prec, pair_recall=rec, pair_f1=_f1(prec, rec),
    )


def scores_for(assignment: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> ClusterScores:
    """Scores over the items of ``gold`` (each must be in ``assignment``)."""
    ids = list(gold)
    return cluster_scores([assignment[i] for i in ids], [gold[i] for i in ids])
