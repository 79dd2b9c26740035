"""The report `storytrace compare --html` writes, opened in headless Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, watched_page
from tests.helpers import REPO, ARTIFACTS



@pytest.mark.browser
def test_compare_html_report_shows_side_by_side(tmp_path: Path) -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run .ci/install-browser (apt-get install -y chromium)")
    out = tmp_path / "report.html"
    subprocess.run([sys.executable, "-m", "storytrace.cli", "compare", str(REPO / "examples"), "--html", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(("file:", "data:")) as (page, seen):
        page.goto(out.as_uri())
        page.wait_for_selector("#col-a .seg")
        hl = ".seg.k-verbatim, .seg.k-edited, .seg.k-paraphrase"
        assert page.locator(f"#col-a :is({hl})").count() > 0
        assert page.locator(f"#col-b :is({hl})").count() > 0
        page.click("a.flink >> nth=0")
        assert page.locator(".col .active").count() > 0
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "examples-report.png"), full_page=False)
    assert not seen.errors, seen.errors
