"""Smoke test: `python -m bench.pairs` on a 50-pair slice of each evaluation set."""

from __future__ import annotations

import json

import pytest

from bench import pairs

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
    assert pairs.accuracy(np.array([1, 0, 0, 1]), y) == 0.75
    assert pairs.f1_binary(np.array([1, 0, 0, 1]), y) == pytest.approx(0.8)
    assert pairs.spearman(np.array([1, 2, 3, 4]), np.array([10, 20, 30, 40])) == pytest.approx(1.0)
    assert pairs.levels_from_cutoffs(np.array([0.9, 0.5, 0.2, 0.0]), (0.8, 0.4, 0.1)).tolist() == [0, 1, 2, 3]
