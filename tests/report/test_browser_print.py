"""The report's print view, findings filters and exports, and its layout at common widths, in headless Chromium.

Screenshots (and a PDF of the print view) go to tests/artifacts/.
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storytrace.report.html import render_html
from tests.browser import CHROMIUM, watched_page
from tests.helpers import ARTIFACTS, REPO
from tests.report.test_html import PAPER, WIRE
from tests.report.test_report_features import word_report

ALLOWED = ("file:", "data:", "blob:")  # blob: the exports, made in the page


def _need_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]' (no `playwright install` needed)")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run .ci/install-browser (apt-get install -y chromium)")


def _visible_findings(page) -> int:
    return page.evaluate("Array.from(document.querySelectorAll('#findings li.finding'))"
                         ".filter(n => n.offsetParent !== null).length")


def _download(page, button: str) -> str:
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_text(encoding="utf-8-sig")


@pytest.mark.browser
def test_filters_exports_and_print_view(tmp_path: Path) -> None:
    _need_browser()
    report = word_report()
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    n = len(report["findings"])
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(ALLOWED, width=1280, height=900) as (page, seen):
        page.goto(path.as_uri())
        page.wait_for_selector("#col-a .seg")

        # changed words inside the aligned sentences of the side-by-side view
        assert "".join(page.locator("#col-a .wd.wc-replace").all_inner_texts()) == "120"
        assert "".join(page.locator("#col-b .wd.wc-replace").all_inner_texts()) == "200"
        assert "other version" in (page.get_attribute("#col-b .wd.wc-replace", "title") or "")

        # filters: severity, kind, version, search; the count follows
        assert _visible_findings(page) == n
        assert page.inner_text("#ff-count") == f"{n} of {n} findings shown"
        page.uncheck('.ff-sev[value="low"]')
        assert _visible_findings(page) == n - 1
        page.uncheck('.ff-sev[value="medium"]')
        assert _visible_findings(page) == 1
        assert page.inner_text("#ff-count") == f"1 of {n} findings shown"
        page.click("#ff-reset")
        page.select_option("#ff-kind", "quote_altered")
        assert _visible_findings(page) == 1
        page.select_option("#ff-kind", "")
        page.select_option("#ff-version", "blog-3")
        assert _visible_findings(page) == 1
        page.select_option("#ff-version", "")
        page.fill("#ff-q", "120 homes")  # the counterpart's words are searched too
        assert _visible_findings(page) == 1
        page.fill("#ff-q", "no such words anywhere")
        assert _visible_findings(page) == 0 and page.is_visible("#ff-none")
        page.fill("#ff-q", "")
        page.uncheck('.ff-sev[value="low"]')
        page.screenshot(path=str(ARTIFACTS / "report-filters.png"), full_page=False)

        # exports: the findings shown, client-side
        rows = list(csv.DictReader(io.StringIO(_download(page, "#ff-csv"))))
        assert len(rows) == n - 1 and all(r["severity"] != "low" for r in rows)
        number = next(r for r in rows if r["kind"] == "number_changed")
        assert (number["text"], number["counterpart_text"], number["version"]) == ("200 homes", "120 homes",
                                                                                   "Daily Paper")
        assert PAPER[int(number["start"]):int(number["end"])] == "200 homes"
        doc = json.loads(_download(page, "#ff-json"))
        assert len(doc["findings"]) == n - 1 and doc["filters"]["severity"] == ["high", "medium"]
        assert {f["kind"] for f in doc["findings"]} == {r["kind"] for r in rows}

        # print: every version in full, all findings (filters or not), the brief; nothing clipped
        page.emulate_media(media="print")
        assert not page.is_visible("#compare") and not page.is_visible(".ffilters")
        assert _visible_findings(page) == n
        assert page.locator("#brief li.bitem").count() == len(report["brief"])
        assert all(page.locator("#brief li.bitem").nth(k).is_visible() for k in range(len(report["brief"])))
        texts = page.locator("#versions .fulltext")
        assert texts.count() == 3
        for k in range(3):
            box = texts.nth(k)
            assert box.is_visible()
            assert box.evaluate("n => n.scrollHeight <= n.clientHeight + 1 && n.scrollWidth <= n.clientWidth + 1")
        assert page.inner_text("#version-wire-1 .fulltext") == WIRE
        assert page.is_visible("#how-to-read")
        page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
        page.pdf(path=str(ARTIFACTS / "report-print.pdf"))
    assert (ARTIFACTS / "report-print.png").stat().st_size > 0
    assert not seen.dialogs and not seen.errors, (seen.dialogs, seen.errors)
    assert not seen.remote, seen.remote


@pytest.mark.browser
def test_examples_report_never_clips(tmp_path: Path) -> None:
    _need_browser()
    out = tmp_path / "examples.html"
    subprocess.run([sys.executable, "-m", "storytrace.cli", "compare", str(REPO / "examples"), "--html", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    ARTIFACTS.mkdir(exist_ok=True)
    # what sticks out of its box: at a width where it cannot fit, a table box may scroll (never clip)
    clipped = """(scrollOk) => Array.from(document.querySelectorAll('.tablewrap, .graphwrap, section'))
        .filter(n => n.offsetParent !== null && n.scrollWidth > n.clientWidth + 1)
        .filter(n => !(scrollOk && ['auto', 'scroll'].includes(getComputedStyle(n).overflowX)))
        .map(n => (n.id || n.className) + ':' + n.scrollWidth + '>' + n.clientWidth)"""
    for width in (1400, 1280, 1024, 768):
        with watched_page(ALLOWED, width=width, height=1000) as (page, seen):
            page.goto(out.as_uri())
            page.wait_for_selector("#col-a .seg")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, width
            assert page.evaluate(clipped, width < 1024) == [], width  # at 1024 px and up everything fits
            # every matrix column is on screen
            right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('table.matrix th'))"
                                  ".map(n => n.getBoundingClientRect().right))")
            assert right <= width
            if width == 1400:
                page.locator("#story-2").screenshot(path=str(ARTIFACTS / "examples-story-1400.png"))
                page.emulate_media(media="print")
                page.screenshot(path=str(ARTIFACTS / "examples-print.png"), full_page=True)
                assert page.locator("#versions .fulltext").count() == 6
        assert not seen.errors, seen.errors
        assert not seen.remote, seen.remote
