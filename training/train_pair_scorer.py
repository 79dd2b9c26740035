"""Train the sentence-pair scorer shipped as ``storytrace/data/pair_scorer.json``.

Usage (from the repository root)::

    .venv/bin/python -m training.train_pair_scorer [--data ../shared/data] [--out storytrace/data/pair_scorer.json]

Only train splits are used:

* probability head (P(same content)): gradient-boosted trees (sklearn
  ``GradientBoostingClassifier``, seed 0) on MRPC train (Dolan & Brockett 2005)
  plus STS-B news train pairs (Cer et al. 2017) scored >= 4 (positive) or <= 2
  (negative). STS-B's MSRpar pairs are drawn from MRPC, including MRPC *test*:
  the STS-B train pairs that are also MRPC test pairs are dropped.
* ``decision_threshold``: the probability cut-off maximising accuracy on
  out-of-fold (5-fold) probabilities for MRPC train.
* ``related_threshold``: the probability cut-off that best separates STS-B train
  pairs scored >= 2 ("share some details") from the rest, out of fold.
* similarity head (graded 0-5): gradient-boosted regression trees on STS-B news train.
* kind cut-offs: on Clough & Stevenson (2011) answers against their source
  (cut / light / heavy / non -> verbatim / edited / paraphrase / unrelated),
  three cut-offs on a copy score (41 quantile candidates each, max accuracy),
  the copy score chosen among candidates by 10 x stratified 5-fold CV
  accuracy (`training.pairsets.cv_cutoffs`), then refitted on all 95 answers.

Seeded and deterministic: rerunning writes the same file. sklearn is needed here
only; the package evaluates the exported trees with numpy.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from storytrace.compare.pairfeatures import FEATURE_NAMES, pair_features
from storytrace.compare.pairscore import COPY_SCORES, copy_score
from training import DEFAULT_DATA, REPO
from training.pairsets import cv_cutoffs, embed_pairs, fit_cutoffs, load_clough, load_mrpc, load_stsb

SEED = 0
GB_PARAMS = dict(n_estimators=300, max_depth=3, learning_rate=0.05, subsample=0.8, random_state=SEED)


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def export_trees(model, classifier: bool) -> dict:
    """Exports a fitted sklearn GradientBoosting model as plain arrays."""
    trees = [est[0].tree_ for est in model.estimators_]
    width = max(t.node_count for t in trees)
    feat = np.full((len(trees), width), -1, dtype=np.int64)
    thr = np.zeros((len(trees), width))
    left = np.zeros((len(trees), width), dtype=np.int64)
    right = np.zeros((len(trees), width), dtype=np.int64)
    value = np.zeros((len(trees), width))
    for k, t in enumerate(trees):
        n = t.node_count
        leaf = t.children_left[:n] == -1
        feat[k, :n] = np.where(leaf, -1, t.feature[:n])
        thr[k, :n] = np.where(leaf, 0.0, t.threshold[:n])
        idx = np.arange(n)
        left[k, :n] = np.where(leaf, idx, t.children_left[:n])
        right[k, :n] = np.where(leaf, idx, t.children_right[:n])
        value[k, :n] = t.value[:n, 0, 0]
    dummy = np.zeros((1, model.n_features_in_), dtype=np.float32)
    init = float(model._raw_predict_init(dummy)[0, 0])
    return {
        "kind": "classifier" if classifier else "regressor",
        "init": init,
        "learning_rate": float(model.learning_rate),
        "depth": int(model.max_depth),
        "feature": feat.tolist(),
        "threshold": thr.tolist(),  # full precision: float32 features can equal a threshold
        "left": left.tolist(),
        "right": right.tolist(),
        "value": [[float(f"{v:.9g}") for v in row] for row in value],
    }


def best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    accs = [((p >= t) == y).mean() for t in grid]
    k = int(np.argmax(accs))
    return float(grid[k]), float(accs[k])


def main(argv: list[str] | None = None) -> int:
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
    from sklearn.model_selection import StratifiedKFold

    ap = argparse.ArgumentParser(prog="python -m training.train_pair_scorer", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "storytrace" / "data" / "pair_scorer.json")
    ap.add_argument("--no-cache", action="store_true", help="re-encode instead of using the embedding cache")
    args = ap.parse_args(argv)
    t0 = time.time()

    def feats(ps):
        ea, eb = embed_pairs(ps, use_cache=not args.no_cache)
        X, _ = pair_features(ps.a, ps.b, ea, eb, paired=True)
        return X

    mrpc = load_mrpc(args.data, "train")
    mrpc_test = load_mrpc(args.data, "test")
    sts = load_stsb(args.data, "train")
    test_keys = {frozenset((_norm(a), _norm(b))) for a, b in zip(mrpc_test.a, mrpc_test.b)}
    keep = np.array([frozenset((_norm(a), _norm(b))) not in test_keys for a, b in zip(sts.a, sts.b)])
    print(f"STS-B train: dropping {int((~keep).sum())} pairs that are MRPC test pairs", flush=True)
    Xm, ym = feats(mrpc), mrpc.y
    Xs_all = feats(sts)
    Xs, ss = Xs_all[keep], sts.y[keep]

    # probability head
    sel = (ss >= 4) | (ss <= 2)
    X = np.vstack([Xm, Xs[sel]])
    y = np.r_[ym, (ss[sel] >= 4).astype(np.int64)]
    src = np.r_[np.zeros(len(ym)), np.ones(int(sel.sum()))]
    oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(X, y * 2 + src):
        oof[te] = GradientBoostingClassifier(**GB_PARAMS).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
    decision, cv_acc = best_threshold(oof[src == 0], ym)
    p_m = oof[src == 0]
    tp = ((p_m >= decision) & (ym == 1)).sum()
    cv_f1 = 2 * tp / ((p_m >= decision).sum() + (ym == 1).sum())
    print(f"decision threshold {decision:.2f}: MRPC train 5-fold acc {cv_acc:.3f} F1 {cv_f1:.3f}", flush=True)
    prob_model = GradientBoostingClassifier(**GB_PARAMS).fit(X, y)

    # related threshold: out-of-fold probabilities for all kept STS-B train pairs
    oof_sts = np.zeros(len(ss))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(Xs, (ss >= 2).astype(int)):
        tr_sel = tr[sel[tr]]
        Xf = np.vstack([Xm, Xs[tr_sel]])
        yf = np.r_[ym, (ss[tr_sel] >= 4).astype(np.int64)]
        oof_sts[te] = GradientBoostingClassifier(**GB_PARAMS).fit(Xf, yf).predict_proba(Xs[te])[:, 1]
    related, rel_acc = best_threshold(oof_sts, (ss >= 2).astype(int))
    related = min(related, decision)
    print(f"related threshold {related:.2f} (STS-B train >= 2 vs < 2, out-of-fold acc {rel_acc:.3f})", flush=True)

    # similarity head (all STS-B train pairs: none are STS-B test pairs)
    sim_model = GradientBoostingRegressor(**GB_PARAMS).fit(Xs_all, sts.y)

    # kind cut-offs on Clough-Stevenson
    cs = load_clough(args.data)
    Xc = feats(cs)
    best_name, best_cv = None, None
    for name in COPY_SCORES:
        cv = cv_cutoffs(copy_score(Xc, name), cs.y, repeats=10)
        print(f"copy score {name:10s} Clough 4-level CV acc {cv['acc']:.3f} ± {cv['acc_sd']:.3f}, "
              f"macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_sd']:.3f}")
        if best_cv is None or cv["acc"] > best_cv["acc"] + 1e-9:
            best_name, best_cv = name, cv
    cut, fit_acc = fit_cutoffs(copy_score(Xc, best_name), cs.y)
    print(f"chosen copy score {best_name}: cut-offs {cut} (fit on all 95: acc {fit_acc:.3f})", flush=True)

    out = {
        "format": 1,
        "feature_names": list(FEATURE_NAMES),
        "decision_threshold": decision,
        "related_threshold": related,
        "copy_score": best_name,
        "kind_cutoffs": {"verbatim": cut[0], "edited": cut[1], "paraphrase": cut[2]},
        "probability_head": export_trees(prob_model, classifier=True),
        "similarity_head": export_trees(sim_model, classifier=False),
        "training": {
            "seed": SEED,
            "gb_params": GB_PARAMS,
            "probability_head": f"MRPC train ({len(ym)}) + STS-B news train scored >=4 / <=2 ({int(sel.sum())}), "
            f"minus {int((~keep).sum())} STS-B pairs that are MRPC test pairs",
            "decision_threshold": f"max accuracy, 5-fold out-of-fold on MRPC train: acc {cv_acc:.4f}, F1 {cv_f1:.4f}",
            "related_threshold": f"max accuracy of STS-B train score >= 2, out of fold: {rel_acc:.4f}",
            "similarity_head": f"STS-B news train ({len(sts.y)}) regression on the 0-5 score",
            "kind_cutoffs": f"Clough-Stevenson 95 answers, copy score chosen by 10x stratified 5-fold CV: acc "
            f"{best_cv['acc']:.4f} +/- {best_cv['acc_sd']:.4f}, macro-F1 {best_cv['macro_f1']:.4f}; "
            f"refitted on all (acc {fit_acc:.4f})",
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")

    # check the numpy evaluation against sklearn
    from storytrace.compare.pairscore import PairScorer

    scorer = PairScorer.from_file(args.out)
    diff = np.abs(scorer.probability_from_features(Xm[:500]) - prob_model.predict_proba(Xm[:500])[:, 1]).max()
    diff2 = np.abs(scorer.similarity_from_features(Xs_all[:500]) - sim_model.predict(Xs_all[:500])).max()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB); numpy vs sklearn max diff {diff:.2e} / {diff2:.2e}; "
          f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
