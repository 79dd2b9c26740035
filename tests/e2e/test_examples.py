"""End to end on the shipped examples: stories, derivation and every planted difference."""
from __future__ import annotations

import json

import pytest

from storytrace.compare import compare_articles
from storytrace.readers.records import read_articles
from storytrace.report.contract import comparison_to_dict
from tests.helpers import EXAMPLES

GOLD = json.loads((EXAMPLES / "gold.json").read_text())


@pytest.fixture(scope="module")
def report() -> dict:
    return comparison_to_dict(compare_articles(read_articles([str(EXAMPLES)])))


def _span_of(report: dict, article: str, text: str) -> tuple[int, int]:
    body = next(a["text"] for a in report["articles"] if a["id"] == article)
    start = body.index(text)
    return start, start + len(text)


def _overlaps(a: list[int] | tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] or (a[0] == a[1] and b[0] <= a[0] <= b[1])


def test_stories_match_gold(report):
    got = {frozenset(s["articles"]) for s in report["stories"]}
    for story in GOLD["stories"]:
        assert frozenset(story["articles"]) in got, story["name"]
    for d in GOLD["distractors"]:
        assert frozenset([d]) in got, f"distractor {d} should be its own story"


def test_derivation_edges_match_gold(report):
    edges = {(e["source"], e["derived"]) for e in report["derivation"]}
    for g in GOLD["derivation"]:
        assert (g["source"], g["derived"]) in edges, g


@pytest.mark.parametrize("planted", GOLD["planted"], ids=lambda p: f"{p['article']}:{p['kind']}")
def test_planted_difference_is_found(report, planted):
    kind, article = planted["kind"], planted["article"]
    candidates = [f for f in report["findings"] if f["article"] == article and f["kind"] == kind]
    if kind == "omission":
        want = _span_of(report, planted["counterpart_article"], planted["counterpart_text"])
        assert any(f["counterpart"] and f["counterpart"]["article"] == planted["counterpart_article"]
                   and _overlaps(f["counterpart"]["span"], want) for f in candidates), candidates
        return
    want = _span_of(report, article, planted["text"])
    assert any(_overlaps(f["span"], want) for f in candidates), (
        f"{kind} at {planted['text']!r} not found; findings in {article}: "
        + "; ".join(f"{f['kind']}:{f['text'][:40]!r}" for f in report["findings"] if f["article"] == article)
    )


@pytest.mark.parametrize("nf", GOLD.get("not_findings", []), ids=lambda p: f"{p['article']}:{p['text']}")
def test_equal_quantities_are_not_findings(report, nf):
    want = _span_of(report, nf["article"], nf["text"])
    bad = [f for f in report["findings"] if f["article"] == nf["article"] and f["kind"] == nf["kind"]
           and _overlaps(f["span"], want)]
    assert not bad


def test_every_span_points_into_its_article(report):
    texts = {a["id"]: a["text"] for a in report["articles"]}
    for f in report["findings"]:
        s, e = f["span"]
        if f["kind"] != "omission":
            assert texts[f["article"]][s:e] == f["text"]
        if f["counterpart"]:
            cs, ce = f["counterpart"]["span"]
            assert texts[f["counterpart"]["article"]][cs:ce] == f["counterpart"]["text"]
    for p in report["pairs"]:
        for al in p["alignments"]:
            assert 0 <= al["a_span"][0] < al["a_span"][1] <= len(texts[p["a"]])
            assert 0 <= al["b_span"][0] < al["b_span"][1] <= len(texts[p["b"]])
