"""bench.factual: a judge's cut is chosen on the other origin, never on the pairs it is scored on."""

from __future__ import annotations

from bench.factual import evaluate


def _rows():
    rows = []
    for origin in ("cnndm", "xsum"):
        for k in range(4):
            rows.append({"origin": origin, "label": "inconsistent" if k < 2 else "consistent",
                         "article": "A.", "summary": "S.", "published_metrics": {}})
    return rows


def _preds(n):
    return [{"flagged": False, "kinds": [], "one_story": True, "article_findings": 0, "seconds": 0.0}] * n


def test_a_judge_is_cut_on_the_other_origin():
    rows = _rows()
    # on both origins low means unfaithful, but XSum's scores sit lower: a cut fitted on CNN/DM (0.5-0.9)
    # calls every XSum summary unfaithful, one fitted on XSum (0.1-0.3) calls every CNN/DM one faithful
    scores = [0.5, 0.6, 0.8, 0.9] + [0.1, 0.15, 0.25, 0.3]
    report = evaluate(rows, _preds(len(rows)), {"judge": scores})
    judge = report["systems"]["judge"]
    assert judge["cnndm"] == 0.5 and judge["xsum"] == 0.5
    aligned = evaluate(rows, _preds(len(rows)), {"judge": [0.1, 0.2, 0.8, 0.9] * 2})["systems"]["judge"]
    assert aligned["cnndm"] == 1.0 and aligned["xsum"] == 1.0
