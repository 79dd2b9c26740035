"""Sentence-pair evaluation sets, their MiniLM embeddings and the kind cut-off fitting.

Shared by ``training/train_pair_scorer.py`` (which fits on the train splits) and
``bench/pairs.py`` (which measures on the test splits): MRPC (Dolan & Brockett
2005), STS-B news (Cer et al. 2017) and Clough & Stevenson (2011), read in place
from ``../shared/data``; an on-disk embedding cache; three-cut-off fitting of the
four Clough-Stevenson levels with repeated stratified CV, and the metrics it needs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

CACHE_DIR = Path(os.environ.get("STORYTRACE_CACHE", Path.home() / ".cache" / "storytrace")) / "emb"


@dataclass
class PairSet:
    name: str
    a: list[str]
    b: list[str]
    y: np.ndarray  # label (0/1, 0-5 score, or class index)


def load_mrpc(data: Path, split: str) -> PairSet:
    path = data / "mrpc" / f"msr_paraphrase_{split}.txt"
    a, b, y = [], [], []
    with open(path, encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) < 5:
                continue
            y.append(int(row[0]))
            a.append(row[3])
            b.append(row[4])
    return PairSet(f"mrpc-{split}", a, b, np.array(y, dtype=np.int64))


def load_stsb(data: Path, split: str) -> PairSet:
    path = data / "stsb-news" / "stsb_news.tsv"
    a, b, y = [], [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["split"] != split:
                continue
            y.append(float(row["score"]))
            a.append(row["sentence1"])
            b.append(row["sentence2"])
    return PairSet(f"stsb-{split}", a, b, np.array(y, dtype=np.float64))


CLOUGH_LEVELS = ("cut", "light", "heavy", "non")


def load_clough(data: Path) -> PairSet:
    """Each answer (a) against its source passage (b); y = index in CLOUGH_LEVELS."""
    path = data / "clough-stevenson" / "clough_stevenson_reuse.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in records}
    a, b, y = [], [], []
    for r in records:
        if r["category"] == "orig":
            continue
        a.append(r["text"])
        b.append(by_id[r["source_id"]]["text"])
        y.append(CLOUGH_LEVELS.index(r["category"]))
    return PairSet("clough-stevenson", a, b, np.array(y, dtype=np.int64))


def embed_cached(texts: Sequence[str], use_cache: bool = True) -> tuple[np.ndarray, int, float]:
    """MiniLM embeddings of ``texts``; returns (array, how many were encoded now, seconds spent encoding).

    Embeddings are cached on disk (``~/.cache/storytrace/emb``, one ``.npy`` per
    text set) so repeated bench runs do not spend minutes re-encoding; the
    embedding speed reported by the bench is measured separately.
    """
    import time

    from storytrace.embed import default_encoder

    texts = list(texts)
    digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
    path = CACHE_DIR / f"minilm-{digest}.npy"
    if use_cache and path.exists():
        arr = np.load(path)
        if arr.shape[0] == len(texts):
            return arr, 0, 0.0
    uniq = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    emb = default_encoder().encode(uniq)
    spent = time.perf_counter() - t0
    index = {t: i for i, t in enumerate(uniq)}
    arr = emb[[index[t] for t in texts]]
    if use_cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.save(path, arr)
    return arr, len(uniq), spent


def embed_pairs(ps: PairSet, use_cache: bool = True) -> tuple[np.ndarray, np.ndarray]:
    emb, _, _ = embed_cached(ps.a + ps.b, use_cache)
    return emb[: len(ps.a)], emb[len(ps.a) :]


# ---------------------------------------------------------------------------- metrics

def accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float((np.asarray(pred) == np.asarray(y)).mean()) if len(y) else float("nan")


def f1_binary(pred: np.ndarray, y: np.ndarray) -> float:
    pred, y = np.asarray(pred).astype(bool), np.asarray(y).astype(bool)
    tp = float((pred & y).sum())
    denom = float(pred.sum() + y.sum())
    return 2 * tp / denom if denom else 0.0


def macro_f1(pred: np.ndarray, y: np.ndarray, classes: int) -> float:
    return float(np.mean([f1_binary(pred == c, y == c) for c in range(classes)]))


# ---------------------------------------------------------------------------- kind cut-offs

def levels_from_cutoffs(score: np.ndarray, cut: tuple[float, float, float]) -> np.ndarray:
    return np.where(score >= cut[0], 0, np.where(score >= cut[1], 1, np.where(score >= cut[2], 2, 3)))


def fit_cutoffs(score: np.ndarray, y: np.ndarray) -> tuple[tuple[float, float, float], float]:
    """Three descending cut-offs on ``score`` for levels 0..3 (higher score = more copying), max accuracy.

    Candidates are the 41 quantiles (0, 2.5, ..., 100 %) of the scores being fitted.
    """
    import itertools

    qs = sorted(set(np.round(np.quantile(score, np.linspace(0, 1, 41)), 4).tolist()), reverse=True)
    best = (-1.0, (1.0, 1.0, 1.0))
    for t in itertools.combinations(qs, 3):
        acc = float((levels_from_cutoffs(score, t) == y).mean())
        if acc > best[0]:
            best = (acc, t)
    return tuple(float(v) for v in best[1]), best[0]  # type: ignore[return-value]


def stratified_folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        idx = idx[rng.permutation(len(idx))]
        fold[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(fold == f) for f in range(k)]


def cv_cutoffs(score: np.ndarray, y: np.ndarray, repeats: int = 10, k: int = 5) -> dict[str, float]:
    """Repeated stratified k-fold CV of `fit_cutoffs`: accuracy and macro-F1, mean and standard deviation."""
    accs, f1s = [], []
    k = max(2, min(k, int(np.bincount(y).min()) if len(y) else 2))
    for rep in range(repeats):
        for test in stratified_folds(y, k, rep):
            train = np.setdiff1d(np.arange(len(y)), test)
            cut, _ = fit_cutoffs(score[train], y[train])
            pred = levels_from_cutoffs(score[test], cut)
            accs.append(accuracy(pred, y[test]))
            f1s.append(macro_f1(pred, y[test], 4))
    return {"acc": float(np.mean(accs)), "acc_sd": float(np.std(accs)),
            "macro_f1": float(np.mean(f1s)), "macro_f1_sd": float(np.std(f1s))}
