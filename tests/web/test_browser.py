"""`storytrace serve` in headless Chromium: stories page, story page, compare view, paste view.

Drives Debian's /usr/bin/chromium through Playwright (no `playwright install`);
skips with the reason when Playwright, chromium or the web dependencies are missing.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import quote

import pytest

from tests.browser import CHROMIUM, watched_page
from tests.helpers import REPO, ARTIFACTS

TOKEN = "browser-test-token-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")
    uvicorn = pytest.importorskip("uvicorn", reason="the web app needs uvicorn: pip install -e '.[web]'")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]' (no `playwright install` needed, "
                    "the test drives /usr/bin/chromium)")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run .ci/install-browser (apt-get install -y chromium)")

    from storytrace.corpus.ingest import ingest_paths
    from storytrace.corpus.store import Store
    from storytrace.web.app import create_app
    from tests.web.test_api import EVIL_ARTICLES

    db = str(tmp_path_factory.mktemp("webui") / "store.db")
    with Store.open(db) as store:
        ingest_paths(store, [str(REPO / "examples")])
    app = create_app(db, token=TOKEN)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    import httpx

    r = httpx.post(base + "/api/articles", json={"articles": EVIL_ARTICLES},
                   headers={"Authorization": f"Bearer {TOKEN}"},
                   timeout=60)
    assert r.status_code == 200, r.text
    try:
        yield base, r.json()["story_of"][EVIL_ARTICLES[0]["id"]]
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
def test_site_in_browser(server) -> None:
    base, evil_story = server
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page((base, "data:")) as (page, seen):
        page.set_default_timeout(30_000)

        # --- stories page: all stories, search, sort
        page.goto(base + "/")
        rows = page.locator("table.stories tbody tr")
        assert rows.count() >= 5
        assert page.locator("table.stories a.st", has_text="Freight train derails").count() == 1
        page.fill("input[name=q]", "diesel")
        page.click("form.search button")
        page.wait_for_url("**/?q=diesel*")
        assert page.locator("table.stories tbody tr").first.locator("mark").count() > 0
        page.select_option("select[name=sort]", "recent")
        page.click("form.search button")
        page.wait_for_url("**sort=recent*")
        page.goto(base + "/?sort=size")
        page.screenshot(path=str(ARTIFACTS / "web-stories.png"), full_page=True)

        # --- story page: articles, graph, matrix, findings by severity, brief
        page.click("table.stories a.st >> text=Freight train derails")
        page.wait_for_url("**/stories/s-orlen-derailment-wire")
        page.wait_for_selector("#col-a .seg")
        assert page.locator("table.arts").first.locator("tbody tr").count() == 3
        assert page.locator("table.matrix").count() == 1
        assert page.locator("svg.graph a.nodelink").count() == 3
        assert page.locator("h4.sevgroup").count() >= 2
        assert page.locator("#brief a.badge").count() > 0
        page.screenshot(path=str(ARTIFACTS / "web-story.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "web-story-top.png"), full_page=False)

        # --- a graph node opens the compare view of that version and its source
        page.locator("svg.graph a.nodelink", has_text="orlen-derailment-roundup").click()
        page.wait_for_url("**/compare?*")
        page.wait_for_selector("#col-a .seg")
        assert page.eval_on_selector("#col-a", "n => n.dataset.article") == "orlen-derailment-wire"
        assert page.eval_on_selector("#col-b", "n => n.dataset.article") == "orlen-derailment-roundup"
        hl = ".seg.k-verbatim, .seg.k-edited, .seg.k-paraphrase"
        assert page.locator(f"#col-a :is({hl})").count() > 0
        assert page.locator(f"#col-b :is({hl})").count() > 0
        # hovering a span lights its counterpart in the other column
        page.hover("#col-b .seg[data-al]")
        assert page.locator("#col-a .seg.hl").count() > 0
        # a finding link flashes its span (and its counterpart)
        page.click("a.flink >> nth=0")
        assert page.locator(".col .active").count() > 0
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "web-compare.png"), full_page=False)
        # the server-side pair picker
        page.select_option("select[name=b]", "orlen-derailment-courier")
        page.click("form.pickers button.go")
        page.wait_for_url("**b=orlen-derailment-courier*")
        page.wait_for_selector("#col-b .seg")
        assert page.eval_on_selector("#col-b", "n => n.dataset.article") == "orlen-derailment-courier"

        # --- the stories page now counts the analysed story's findings
        page.goto(base + "/")
        cell = page.locator("table.stories tr", has_text="Freight train derails").locator("td.findings")
        assert cell.inner_text().strip() not in ("", "–")

        # --- the hostile story: shown as text, nothing runs
        page.goto(base + "/stories/" + quote(evil_story, safe=""))
        page.wait_for_selector("#col-a .seg")
        assert "<script>alert(1)</script>" in page.inner_text("#col-a")
        assert page.locator("#col-a script, .col [onmouseover]").count() == 0
        page.hover("#col-a .seg >> nth=0")

        # --- paste view
        page.goto(base + "/paste")
        page.fill("#text1", "---\ntitle: Bridge vote\n---\nThe council approved the new bridge on Tuesday "
                            "by seven votes to two. Work will start in May, the mayor said.")
        page.fill("#text2", "The council approved the new bridge on Tuesday by nine votes to two. "
                            "Work will start in May, the mayor said. Residents welcomed the decision.")
        page.click("form button[type=submit]")
        page.wait_for_selector("#col-a .seg")
        assert page.locator(f".col :is({hl})").count() > 0
        page.screenshot(path=str(ARTIFACTS / "web-paste.png"), full_page=False)

    assert not seen.dialogs, f"a dialog fired: {seen.dialogs}"
    assert not seen.errors, f"page errors: {seen.errors}"
    assert not seen.remote, f"pages loaded from elsewhere: {seen.remote}"
