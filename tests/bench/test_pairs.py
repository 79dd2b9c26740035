"""Smoke test: `python -m bench.pairs` on a 50-pair slice of each evaluation set."""

from __future__ import annotations

import json

import pytest

from bench import pairs
from training import pairsets

DATA = pairs.DEFAULT_DATA


@pytest.mark.skipif(not (DATA / "mrpc").is_dir(), reason=f"evaluation data not found at {DATA} (../shared/data)")
def test_bench_pairs_smoke(capsys):
    assert pairs.main(["--limit", "50", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sizes"]["mrpc-test"] == 50
    assert set(report["results"]) == set(pairs.METHODS)
    for name, r in report["results"].items():
        for key in ("mrpc_acc", "mrpc_f1", "sts_pearson", "sts_spearman", "cs_acc", "cs_f1", "pairs_per_s"):
            assert r[key] == r[key], f"{name} {key} is NaN"
        assert 0.0 <= r["mrpc_acc"] <= 1.0
    pairs.render(report)
    assert "storytrace bench pairs" in capsys.readouterr().out


def test_metrics():
    import numpy as np

    y = np.array([1, 0, 1, 1])
    assert pairsets.accuracy(np.array([1, 0, 0, 1]), y) == 0.75
    assert pairsets.f1_binary(np.array([1, 0, 0, 1]), y) == pytest.approx(0.8)
    assert pairs.spearman(np.array([1, 2, 3, 4]), np.array([10, 20, 30, 40])) == pytest.approx(1.0)
    assert pairsets.levels_from_cutoffs(np.array([0.9, 0.5, 0.2, 0.0]), (0.8, 0.4, 0.1)).tolist() == [0, 1, 2, 3]


def test_fit_cutoffs_separates_separable_levels():
    import numpy as np

    score = np.repeat([0.9, 0.6, 0.3, 0.0], 5) + np.tile(np.linspace(0, 0.05, 5), 4)
    y = np.repeat([0, 1, 2, 3], 5)
    cut, acc = pairsets.fit_cutoffs(score, y)
    assert acc == 1.0 and cut[0] > cut[1] > cut[2]
    assert (pairsets.levels_from_cutoffs(score, cut) == y).all()
    cv = pairsets.cv_cutoffs(score, y, repeats=2)  # held-out items can fall just past a train quantile
    assert set(cv) == {"acc", "acc_sd", "macro_f1", "macro_f1_sd"}
    assert 0.9 <= cv["acc"] <= 1.0 and 0.9 <= cv["macro_f1"] <= 1.0


def test_bench_uses_the_training_loaders():
    # one definition of each loader and of the cut-off fitting: bench imports them from training
    from bench import group_corpus
    from training import corpussets

    assert pairs.load_mrpc is pairsets.load_mrpc and pairs.cv_cutoffs is pairsets.cv_cutoffs
    assert group_corpus.load_uci is corpussets.load_uci and group_corpus.run_storytrace is corpussets.run_storytrace
