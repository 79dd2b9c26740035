"""`python -m bench.verifier`: the claim-pair verifier as a paraphrase detector, beside MiniLM cosine.

A sanity check against data the verifier was not trained on, measured in one run:

* ``verifier``    `storytrace.compare.verifier.ClaimVerifier` (int8 ONNX, 2 threads);
                  "paraphrase" = the argmax is ``same`` (no threshold tuned anywhere);
                  AUC of P(same).
* ``minilm-cos``  all-MiniLM-L6-v2 cosine (`storytrace.embed.default_encoder().encode`),
                  threshold tuned for accuracy on MRPC train.

Sets: MRPC test (Dolan & Brockett 2005; paraphrase = 1); STS-B news test (Cer
et al. 2017) pairs scored >= 4 (same) or <= 1.5 (not same), the rest left out;
also the STS-B subset with no sentence in the verifier's paraphrase training
data (MRPC train, STS-B train: STS-B's MSRpar pairs were drawn from MRPC).
MRPC's negatives are "not equivalent", which to the verifier is often ``less``,
``more`` or ``contradicts`` rather than ``unrelated``: the table also shows what
the verifier calls MRPC test negatives. Speed: verifier pairs/s on MRPC test
(2 threads, sorted batches of 32), and MiniLM sentences/s (256 MRPC test
sentences; the cosines themselves use the on-disk embedding cache shared with
``bench/pairs.py``).

Usage: ``python -m bench.verifier [--json] [--limit N] [--data DIR] [--threads 2] [--no-cache]``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA
from training.pairsets import PairSet, accuracy, f1_binary, load_mrpc, load_stsb


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    score, y = np.asarray(score, dtype=np.float64), np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    _, inv, counts = np.unique(score, return_inverse=True, return_counts=True)
    ranks = (np.bincount(inv, weights=ranks) / counts)[inv]
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def best_threshold(score: np.ndarray, y: np.ndarray) -> float:
    """The cut-off (midpoint between sorted scores) maximising accuracy of ``score >= t``."""
    s = np.sort(np.unique(score))
    cands = np.concatenate([[s[0] - 1e-6], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-6]])
    accs = [accuracy(score >= t, y) for t in cands]
    return float(cands[int(np.argmax(accs))])


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _binary_stsb(ps: PairSet) -> PairSet:
    keep = (ps.y >= 4) | (ps.y <= 1.5)
    return PairSet(ps.name + " (>=4 vs <=1.5)", [a for a, k in zip(ps.a, keep) if k],
                   [b for b, k in zip(ps.b, keep) if k], (ps.y[keep] >= 4).astype(np.int64))


def _subset(ps: PairSet, keep: list[bool], name: str) -> PairSet:
    return PairSet(name, [a for a, k in zip(ps.a, keep) if k], [b for b, k in zip(ps.b, keep) if k],
                   ps.y[np.array(keep, dtype=bool)])


def _cosines(ps: PairSet, use_cache: bool = True) -> np.ndarray:
    from training.pairsets import embed_pairs

    ea, eb = embed_pairs(ps, use_cache)  # MiniLM, cached on disk like bench/pairs.py
    return np.sum(ea * eb, axis=1)


def _minilm_rate(texts: list[str]) -> float:
    from storytrace.embed import default_encoder

    enc = default_encoder()
    enc.encode(texts[:8])  # load and warm up
    t0 = time.perf_counter()
    enc.encode(texts)
    return len(texts) / (time.perf_counter() - t0)


def run(data: Path, limit: int | None = None, threads: int = 2, use_cache: bool = True) -> dict:
    from storytrace.compare.verifier import LABELS, ClaimVerifier

    mrpc_train = load_mrpc(data, "train")
    mrpc_test = load_mrpc(data, "test")
    stsb_train = load_stsb(data, "train")
    stsb_test = _binary_stsb(load_stsb(data, "test"))
    if limit:
        mrpc_test = PairSet(mrpc_test.name, mrpc_test.a[:limit], mrpc_test.b[:limit], mrpc_test.y[:limit])
        stsb_test = PairSet(stsb_test.name, stsb_test.a[:limit], stsb_test.b[:limit], stsb_test.y[:limit])
    seen = {_norm(s) for ps in (mrpc_train, stsb_train) for s in ps.a + ps.b}
    unseen = [(_norm(a) not in seen and _norm(b) not in seen) for a, b in zip(stsb_test.a, stsb_test.b)]
    stsb_unseen = _subset(stsb_test, unseen, "stsb-news test, no sentence in training")
    sets = [mrpc_test, stsb_test, stsb_unseen]

    # MiniLM cosine baseline, threshold from MRPC train
    cos_train = _cosines(mrpc_train, use_cache)
    thr = best_threshold(cos_train, mrpc_train.y)
    minilm_rate = _minilm_rate(list(dict.fromkeys(mrpc_test.a))[:256])

    ver = ClaimVerifier(threads=threads)
    same = LABELS.index("same")
    results = {"threshold_minilm_mrpc_train": round(thr, 4), "sets": {}, "speed": {}}
    for ps in sets:
        t0 = time.perf_counter()
        probs = ver.predict(list(zip(ps.a, ps.b)))
        dt = time.perf_counter() - t0
        if ps is mrpc_test:
            results["speed"]["verifier_pairs_per_s"] = round(len(ps.a) / dt, 1)
        pred_v = probs.argmax(axis=1) == same
        cos = _cosines(ps, use_cache)
        pred_c = cos >= thr
        entry = {
            "n": len(ps.a), "positives": int(ps.y.sum()),
            "verifier": {"accuracy": accuracy(pred_v, ps.y), "f1": f1_binary(pred_v, ps.y), "auc": auc(probs[:, same], ps.y)},
            "minilm-cos": {"accuracy": accuracy(pred_c, ps.y), "f1": f1_binary(pred_c, ps.y), "auc": auc(cos, ps.y)},
        }
        if ps is mrpc_test:
            arg = probs.argmax(axis=1)
            entry["verifier_labels"] = {
                "paraphrases": {lab: int(((arg == k) & (ps.y == 1)).sum()) for k, lab in enumerate(LABELS)},
                "non_paraphrases": {lab: int(((arg == k) & (ps.y == 0)).sum()) for k, lab in enumerate(LABELS)},
            }
        results["sets"][ps.name] = entry
    results["speed"]["minilm_sentences_per_s"] = round(minilm_rate, 1)
    results["model_card"] = {k: ver.card.get(k) for k in ("base_model", "command", "seed", "size_mb")}
    return results


def print_table(res: dict) -> None:
    print(f"MiniLM cosine threshold (MRPC train, max accuracy): {res['threshold_minilm_mrpc_train']:.4f}")
    print()
    print(f"{'set':<44} {'n':>5} {'method':<11} {'acc':>6} {'F1':>6} {'AUC':>6}")
    print("-" * 84)
    for name, e in res["sets"].items():
        for m in ("verifier", "minilm-cos"):
            r = e[m]
            print(f"{name:<44} {e['n']:>5} {m:<11} {r['accuracy']:>6.3f} {r['f1']:>6.3f} {r['auc']:>6.3f}")
    labels = res["sets"]["mrpc-test"].get("verifier_labels")
    if labels:
        print()
        print("what the verifier calls MRPC test pairs (argmax):")
        for k, row in labels.items():
            print(f"  {k:<16} " + "  ".join(f"{lab} {n}" for lab, n in row.items()))
    print()
    s = res["speed"]
    print(f"verifier (int8, 2 threads): {s['verifier_pairs_per_s']} pairs/s; "
          f"MiniLM encoder: {s['minilm_sentences_per_s']} sentences/s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="claim-pair verifier sanity bench")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="first N pairs of each test set (quick runs)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="re-encode MiniLM embeddings instead of using the disk cache")
    args = ap.parse_args(argv)
    res = run(args.data, args.limit, args.threads, not args.no_cache)
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print_table(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
