"""`storytrace bench pairs`: the sentence-pair scorer measured on data nobody here wrote.

Runs every evaluation and prints one table, our scorer beside what a user would
otherwise reach for, all in the same run:

* ``storytrace``  `storytrace.pairscore.PairScorer` (trained by training/train_pair_scorer.py on train splits only)
* ``minilm-cos``  all-MiniLM-L6-v2 cosine, threshold tuned on MRPC train
* ``tfidf-cos``   TF-IDF cosine (IDF from the set's train texts), threshold tuned on MRPC train
* ``token-set``   rapidfuzz ``token_set_ratio``, threshold tuned on MRPC train

Evaluations: MRPC test (Dolan & Brockett 2005) accuracy and F1; STS-B news test
(Cer et al. 2017) Pearson and Spearman (storytrace: its 0-5 similarity head;
baselines: the raw score); Clough & Stevenson (2011) 4-level reuse (cut / light /
heavy / non) accuracy and macro-F1 by 10 x stratified 5-fold CV of three
cut-offs on each method's score (storytrace: its copy score), mean and spread.
Speeds: pairs/s once embedded (storytrace: `score_matrix` on 25 x 25 blocks of
MRPC test sentences) and sentences embedded/s (MiniLM, on sentences not seen
before in this run).

Usage: ``python -m bench.pairs [--json] [--limit N] [--data DIR] [--no-cache]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from training import DEFAULT_DATA
from training.pairsets import (
    PairSet,
    accuracy,
    cv_cutoffs,
    embed_pairs,
    f1_binary,
    load_clough,
    load_mrpc,
    load_stsb,
)

# ---------------------------------------------------------------------------- metrics
# (accuracy, F1 and the kind cut-off fitting are shared with training, in training/pairsets.py)


def _rank(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=np.float64)
    # average ranks of ties
    uniq, inv = np.unique(x, return_inverse=True)
    sums = np.bincount(inv, weights=ranks)
    counts = np.bincount(inv)
    return (sums / counts)[inv]


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return pearson(_rank(x), _rank(y))


def tune_threshold(score: np.ndarray, y: np.ndarray) -> float:
    """The cut-off on ``score`` maximising accuracy (ties: the smallest)."""
    cand = np.unique(score)
    if len(cand) > 400:
        cand = np.unique(np.quantile(score, np.linspace(0, 1, 401)))
    accs = [((score >= t) == y).mean() for t in cand]
    return float(cand[int(np.argmax(accs))])


# ---------------------------------------------------------------------------- baselines

class TfidfCosine:
    """Plain TF-IDF (lowercase word tokens, smoothed IDF as in scikit-learn, L2-normalised) cosine."""

    def __init__(self, corpus: Sequence[str]) -> None:
        from storytrace.compare.pairfeatures import tokenize

        self._tok = tokenize
        df: dict[str, int] = {}
        for text in corpus:
            for w in set(tokenize(text)):
                df[w] = df.get(w, 0) + 1
        n = len(corpus)
        self.idf = {w: float(np.log((1 + n) / (1 + c)) + 1) for w, c in df.items()}
        self.default_idf = float(np.log(1 + n) + 1)

    def vector(self, text: str) -> dict[str, float]:
        tf: dict[str, float] = {}
        for w in self._tok(text):
            tf[w] = tf.get(w, 0.0) + 1.0
        v = {w: c * self.idf.get(w, self.default_idf) for w, c in tf.items()}
        norm = float(np.sqrt(sum(x * x for x in v.values()))) or 1.0
        return {w: x / norm for w, x in v.items()}

    def pairs(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(a))
        for k, (x, y) in enumerate(zip(a, b)):
            va, vb = self.vector(x), self.vector(y)
            if len(vb) < len(va):
                va, vb = vb, va
            out[k] = sum(v * vb.get(w, 0.0) for w, v in va.items())
        return out


def token_set(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    from rapidfuzz import fuzz, process

    return process.cpdist(list(a), list(b), scorer=fuzz.token_set_ratio, processor=str.lower, workers=1) / 100.0


# ---------------------------------------------------------------------------- the bench

METHODS = ("storytrace", "minilm-cos", "tfidf-cos", "token-set")


def _slice(ps: PairSet, limit: int | None) -> PairSet:
    if not limit:
        return ps
    if ps.name == "clough-stevenson":  # keep every level present
        idx = np.concatenate([np.flatnonzero(ps.y == c)[: max(2, limit // 4)] for c in range(4)])
    else:
        idx = np.arange(min(limit, len(ps.a)))
    return PairSet(ps.name, [ps.a[i] for i in idx], [ps.b[i] for i in idx], ps.y[idx])


def _timed(fn, *args):
    import time

    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def run(data: Path, limit: int | None = None, use_cache: bool = True, repeats: int = 10) -> dict:
    import time

    from storytrace.compare.pairfeatures import pair_features
    from storytrace.compare.pairscore import PairScorer, copy_score

    t_start = time.perf_counter()
    mrpc_tr = _slice(load_mrpc(data, "train"), limit)
    mrpc_te = _slice(load_mrpc(data, "test"), limit)
    sts_tr = _slice(load_stsb(data, "train"), limit)
    sts_te = _slice(load_stsb(data, "test"), limit)
    cs = _slice(load_clough(data), limit)
    emb = {ps.name: embed_pairs(ps, use_cache) for ps in (mrpc_tr, mrpc_te, sts_te, cs)}

    # embedding speed on sentences not encoded before in this process
    from storytrace.embed import SentenceEncoder

    sample = list(dict.fromkeys(mrpc_te.a + mrpc_te.b))[: (min(limit, 256) if limit else 512)]
    enc = SentenceEncoder()
    enc.encode(sample[:8])
    _, t_enc = _timed(enc.encode, sample)
    sent_per_s = len(sample) / t_enc

    scorer = PairScorer.load()
    res: dict[str, dict] = {m: {} for m in METHODS}

    # --- storytrace
    r = res["storytrace"]
    (p, _, _), _ = _timed(scorer.score_pairs, mrpc_te.a, mrpc_te.b, *emb[mrpc_te.name])
    pred = p >= scorer.decision_threshold
    r.update(mrpc_acc=accuracy(pred, mrpc_te.y), mrpc_f1=f1_binary(pred, mrpc_te.y))
    (_, sim, _), _ = _timed(scorer.score_pairs, sts_te.a, sts_te.b, *emb[sts_te.name])
    r.update(sts_pearson=pearson(sim, sts_te.y), sts_spearman=spearman(sim, sts_te.y))
    Xc, _ = pair_features(cs.a, cs.b, *emb[cs.name], paired=True)
    cv = cv_cutoffs(copy_score(Xc, scorer.copy_score_name), cs.y, repeats)
    r.update(cs_acc=cv["acc"], cs_acc_sd=cv["acc_sd"], cs_f1=cv["macro_f1"], cs_f1_sd=cv["macro_f1_sd"])
    # pairs/s as alignment uses it: score_matrix on 25 x 25 blocks of distinct sentences
    ea, eb = emb[mrpc_te.name]
    blocks = [(lo, min(lo + 25, len(mrpc_te.a))) for lo in range(0, len(mrpc_te.a), 25)]
    scorer.score_matrix(mrpc_te.a[:25], mrpc_te.b[:25], ea[:25], eb[:25])  # warm-up
    from storytrace.compare import pairfeatures

    pairfeatures.analyse.cache_clear()  # count text analysis in the timing
    n_pairs, t0 = 0, time.perf_counter()
    per_call = []
    for lo, hi in blocks:
        t1 = time.perf_counter()
        scorer.score_matrix(mrpc_te.a[lo:hi], mrpc_te.b[lo:hi], ea[lo:hi], eb[lo:hi])
        per_call.append(time.perf_counter() - t1)
        n_pairs += (hi - lo) ** 2
    r["pairs_per_s"] = n_pairs / (time.perf_counter() - t0)
    r["matrix_25x25_ms"] = float(np.median(per_call) * 1000)
    r["sent_per_s"] = sent_per_s

    # --- minilm cosine
    r = res["minilm-cos"]
    cos_tr = (emb[mrpc_tr.name][0] * emb[mrpc_tr.name][1]).sum(1)
    thr = tune_threshold(cos_tr, mrpc_tr.y)
    cos_te, dt = _timed(lambda e: (e[0] * e[1]).sum(1), emb[mrpc_te.name])
    r.update(mrpc_acc=accuracy(cos_te >= thr, mrpc_te.y), mrpc_f1=f1_binary(cos_te >= thr, mrpc_te.y), threshold=thr)
    cos_sts = (emb[sts_te.name][0] * emb[sts_te.name][1]).sum(1)
    r.update(sts_pearson=pearson(cos_sts, sts_te.y), sts_spearman=spearman(cos_sts, sts_te.y))
    cv = cv_cutoffs((emb[cs.name][0] * emb[cs.name][1]).sum(1), cs.y, repeats)
    r.update(cs_acc=cv["acc"], cs_acc_sd=cv["acc_sd"], cs_f1=cv["macro_f1"], cs_f1_sd=cv["macro_f1_sd"])
    r.update(pairs_per_s=len(cos_te) / max(dt, 1e-9), sent_per_s=sent_per_s)

    # --- TF-IDF cosine (IDF fitted on each set's train texts; Clough: on its own texts, unsupervised)
    r = res["tfidf-cos"]
    tf = TfidfCosine(mrpc_tr.a + mrpc_tr.b)
    thr = tune_threshold(tf.pairs(mrpc_tr.a, mrpc_tr.b), mrpc_tr.y)
    s_te, dt = _timed(tf.pairs, mrpc_te.a, mrpc_te.b)
    r.update(mrpc_acc=accuracy(s_te >= thr, mrpc_te.y), mrpc_f1=f1_binary(s_te >= thr, mrpc_te.y), threshold=thr)
    tf_sts = TfidfCosine(sts_tr.a + sts_tr.b).pairs(sts_te.a, sts_te.b)
    r.update(sts_pearson=pearson(tf_sts, sts_te.y), sts_spearman=spearman(tf_sts, sts_te.y))
    cv = cv_cutoffs(TfidfCosine(list(dict.fromkeys(cs.a + cs.b))).pairs(cs.a, cs.b), cs.y, repeats)
    r.update(cs_acc=cv["acc"], cs_acc_sd=cv["acc_sd"], cs_f1=cv["macro_f1"], cs_f1_sd=cv["macro_f1_sd"])
    r.update(pairs_per_s=len(s_te) / max(dt, 1e-9), sent_per_s=None)

    # --- rapidfuzz token_set_ratio
    r = res["token-set"]
    thr = tune_threshold(token_set(mrpc_tr.a, mrpc_tr.b), mrpc_tr.y)
    s_te, dt = _timed(token_set, mrpc_te.a, mrpc_te.b)
    r.update(mrpc_acc=accuracy(s_te >= thr, mrpc_te.y), mrpc_f1=f1_binary(s_te >= thr, mrpc_te.y), threshold=thr)
    ts_sts = token_set(sts_te.a, sts_te.b)
    r.update(sts_pearson=pearson(ts_sts, sts_te.y), sts_spearman=spearman(ts_sts, sts_te.y))
    cv = cv_cutoffs(token_set(cs.a, cs.b), cs.y, repeats)
    r.update(cs_acc=cv["acc"], cs_acc_sd=cv["acc_sd"], cs_f1=cv["macro_f1"], cs_f1_sd=cv["macro_f1_sd"])
    r.update(pairs_per_s=len(s_te) / max(dt, 1e-9), sent_per_s=None)

    return {
        "data": str(data),
        "limit": limit,
        "sizes": {ps.name: len(ps.a) for ps in (mrpc_tr, mrpc_te, sts_tr, sts_te, cs)},
        "decision_threshold": scorer.decision_threshold,
        "related_threshold": scorer.related_threshold,
        "kind_cutoffs": dict(zip(("verbatim", "edited", "paraphrase"), scorer.kind_cutoffs)),
        "copy_score": scorer.copy_score_name,
        "cv_repeats": repeats,
        "results": res,
        "seconds": time.perf_counter() - t_start,
    }


def _fmt(v, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    return f"{v:.{digits}f}"


def render(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    sizes = report["sizes"]
    table = Table(title="storytrace bench pairs" + (f" (--limit {report['limit']})" if report["limit"] else ""))
    table.add_column("method")
    for col in ("MRPC acc", "MRPC F1", "STS-B P", "STS-B S", "C-S acc", "C-S macro-F1", "pairs/s", "sent emb/s"):
        table.add_column(col, justify="right")
    for name, r in report["results"].items():
        table.add_row(
            name,
            _fmt(r["mrpc_acc"]), _fmt(r["mrpc_f1"]), _fmt(r["sts_pearson"]), _fmt(r["sts_spearman"]),
            f"{_fmt(r['cs_acc'])}±{_fmt(r['cs_acc_sd'], 2)}", f"{_fmt(r['cs_f1'])}±{_fmt(r['cs_f1_sd'], 2)}",
            f"{r['pairs_per_s']:,.0f}", "—" if r["sent_per_s"] is None else f"{r['sent_per_s']:,.0f}",
        )
    console = Console()
    if not console.is_terminal and console.width < 120:
        console = Console(width=120)
    console.print(table)
    st = report["results"]["storytrace"]
    console.print(
        f"MRPC test {sizes['mrpc-test']} pairs (thresholds tuned on train {sizes['mrpc-train']}); "
        f"STS-B news test {sizes['stsb-test']}; Clough-Stevenson {sizes['clough-stevenson']} answers, "
        f"{report['cv_repeats']} x stratified 5-fold CV (mean ± sd).\n"
        f"storytrace: decision threshold {report['decision_threshold']:.2f}, related {report['related_threshold']:.2f}, "
        f"copy score {report['copy_score']} cut-offs "
        + ", ".join(f"{k} {v:.3f}" for k, v in report["kind_cutoffs"].items())
        + f"; score_matrix 25x25 median {st['matrix_25x25_ms']:.1f} ms. Ran in {report['seconds']:.0f} s."
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="storytrace bench pairs", description="Measure the sentence-pair scorer.")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N pairs of each set (smoke test)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding mrpc/, stsb-news/, clough-stevenson/")
    ap.add_argument("--no-cache", action="store_true", help="do not use or write the embedding cache")
    args = ap.parse_args(argv)
    if not (args.data / "mrpc").is_dir():
        print(f"no evaluation data in {args.data} (expected mrpc/, stsb-news/, clough-stevenson/)")
        return 2
    report = run(args.data, args.limit, use_cache=not args.no_cache, repeats=2 if args.limit else 10)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        render(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
