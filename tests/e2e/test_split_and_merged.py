"""Split and merged sentences, through the whole pipeline: parts are content, not additions."""

from __future__ import annotations

import pytest

from storytrace.compare import compare_articles
from storytrace.model import Article

WIRE = """Lorrin Foods to close Tessby bakery

Lorrin Foods said on Monday it would close its Tessby bakery, cutting 640 jobs, after sales of packaged bread fell for a third year. The company made a loss of 38 million pounds in the year to March, against a profit of 12 million pounds the year before.

Chief executive Maren Holt said the decision was the hardest the board had taken. Production will move to the company's plant in Alder Cross.

Lorrin said it had hired an outside firm to review the site, which would begin work in April, survey the ovens and report to the board in October. The Tessby bakery opened in 1961 and is the town's largest employer.

Union official Pat Revell said workers would fight the closure.
"""

REWRITE = """Lorrin Foods shuts Tessby bakery

Lorrin Foods said on Monday it would close its Tessby bakery, cutting 640 jobs, after losing 83 million pounds in the year to March, as sales of packaged bread fell for a third year.

Chief executive Maren Holt said the decision was the hardest the board had taken. Production will move to the company's plant in Alder Cross.

Lorrin said it had hired an outside firm to review the site. The review is to begin in June. It will survey the ovens and report to the board in October. The Tessby bakery opened in 1961 and is the town's largest employer.

Union official Pat Revell said workers would fight the closure.
"""


@pytest.fixture(scope="module")
def findings():
    comparison = compare_articles([
        Article("wire", WIRE, published_at="2026-02-02T08:00:00Z"),
        Article("rewrite", REWRITE, published_at="2026-02-02T12:00:00Z"),
    ])
    [analysis] = comparison.analyses
    return [f for f in analysis.findings if f.article == "rewrite"]


def test_a_figure_changed_inside_a_merged_sentence_is_found(findings) -> None:
    changed = [f for f in findings if f.kind == "number_changed"]
    assert any("83" in f.text and f.counterpart and "38" in f.counterpart.text for f in changed)


def test_a_month_changed_in_the_middle_of_a_split_sentence_is_found(findings) -> None:
    assert any(f.kind == "date_changed" and "June" in f.text and f.counterpart and "April" in f.counterpart.text
               for f in findings)


def test_the_parts_of_a_split_sentence_are_not_additions(findings) -> None:
    added = [f.text for f in findings if f.kind == "unsupported_addition"]
    assert not any("review" in t or "survey the ovens" in t for t in added), added
