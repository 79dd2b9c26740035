"""End to end on ../shared/seeds: structure only (no seed text appears in the code)."""
from __future__ import annotations


import pytest

from storytrace.compare import compare_articles
from storytrace.readers.records import read_articles
from storytrace.report.contract import comparison_to_dict
from tests.helpers import SEEDS

FILES = sorted(SEEDS.glob("*.txt"))
pytestmark = pytest.mark.skipif(len(FILES) < 3, reason=f"seeds not found in {SEEDS}")


@pytest.fixture(scope="module")
def report() -> dict:
    return comparison_to_dict(compare_articles(read_articles([str(f) for f in FILES])))


def _share(report: dict, a: str, b: str) -> float:
    p = next(p for p in report["pairs"] if p["a"] == a and p["b"] == b)
    return sum(p["a_in_b"][k] for k in ("verbatim", "edited", "paraphrase"))


def test_one_story(report):
    assert len(report["stories"]) == 1
    assert len(report["stories"][0]["articles"]) == len(FILES)


def test_first_is_mostly_found_in_second_and_third_partly(report):
    first, second, third = (f.stem for f in FILES[:3])
    assert _share(report, first, second) >= 0.5
    assert 0.1 <= _share(report, third, second) < _share(report, first, second) + 0.25


def test_a_changed_number_between_first_and_second(report):
    first, second = FILES[0].stem, FILES[1].stem
    numbers = [f for f in report["findings"] if f["kind"] == "number_changed"
               and {f["article"], (f["counterpart"] or {}).get("article")} == {first, second}]
    assert numbers, "expected a changed figure between the first two seeds"
    texts = {a["id"]: a["text"] for a in report["articles"]}
    for f in numbers:
        assert texts[f["article"]][f["span"][0]:f["span"][1]] == f["text"]
        assert any(ch.isdigit() for ch in f["text"] + f["counterpart"]["text"])


def test_every_finding_has_severity_and_explanation(report):
    for f in report["findings"]:
        assert f["severity"] in {"high", "medium", "low"}
        assert f["explanation"].strip().endswith((".", "?", "!"))


def test_brief_entries_cite_real_spans(report):
    texts = {a["id"]: a["text"] for a in report["articles"]}
    assert report["brief"]
    for b in report["brief"]:
        conflicted = {c["article"] for c in b["conflicts"]}
        assert b["support"] == len({s["article"] for s in b["sources"]
                                    if s["carries"] == "all" and s["article"] not in conflicted})
        assert b["unverified"] == (len({s["article"] for s in b["sources"]}) < 2)
        for s in b["sources"]:
            assert texts[s["article"]][s["span"][0]:s["span"][1]].strip()
