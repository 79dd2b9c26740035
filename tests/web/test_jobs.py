"""Issue 12: a long paste analysis runs as a job whose page shows its counts and the time left
(``/paste/jobs/KEY``), with and without script; the pipeline's progress reaches it."""

from __future__ import annotations

import base64
import hashlib
import html
import queue
import re
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx: pip install -e '.[dev]'")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.corpus.store import Store  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402

A = "The council approved the new bridge on Tuesday by seven votes to two. Work will start in May."
B = "The council approved the new bridge on Tuesday by nine votes to two. Residents welcomed it."

REPORT = {"articles": [{"id": "text-1", "text": A, "title": "Bridge vote"},
                       {"id": "text-2", "text": B, "title": "Bridge"}],
          "stories": [], "pairs": [], "derivation": [], "findings": [], "brief": []}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SlowPipeline:
    """Stands in for `run_compare`: reports the steps the test hands it, one at a time."""

    def __init__(self) -> None:
        self.steps: queue.Queue = queue.Queue()
        self.applied: queue.Queue = queue.Queue()
        self.calls = 0

    def __call__(self, articles, max_chars, progress=None):
        self.calls += 1
        while True:
            step = self.steps.get(timeout=30)
            if step is None:
                return REPORT
            if isinstance(step, Exception):
                raise step
            progress(step)
            self.applied.put(step)

    def report(self, step: str) -> None:
        self.steps.put(step)
        assert self.applied.get(timeout=10) == step


@pytest.fixture
def app(tmp_path):
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    return create_app(db, paste_wait_s=0)  # the progress page at once


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def slow(monkeypatch, app) -> SlowPipeline:
    fake = SlowPipeline()
    monkeypatch.setattr("storytrace.web.pages.run_compare", fake)
    app.state.web.pastes.clock = FakeClock()
    yield fake
    fake.steps.put(None)  # never leave a job thread waiting


def start(client: TestClient) -> str:
    r = client.post("/paste", data={"text1": A, "text2": B}, follow_redirects=False)
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/paste/results/([A-Za-z0-9_-]+)", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def wait_finished(client: TestClient, key: str) -> dict:
    for _ in range(200):
        doc = client.get(f"/paste/jobs/{key}").json()
        if doc["finished"]:
            return doc
        time.sleep(0.02)
    raise AssertionError("the job did not finish")


def test_the_job_shows_counts_and_the_time_left(client: TestClient, app, slow: SlowPipeline) -> None:
    clock = app.state.web.pastes.clock
    key = start(client)
    first = client.get(f"/paste/jobs/{key}")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert first.json()["finished"] is False
    slow.report("segmenting")
    assert client.get(f"/paste/jobs/{key}").json()["step"] == "segmenting"
    slow.report("aligning pairs 0/45")
    doc = client.get(f"/paste/jobs/{key}").json()
    assert (doc["step"], doc["done"], doc["total"], doc["eta_s"]) == ("aligning pairs", 0, 45, None)
    clock.now += 12.0
    slow.report("aligning pairs 12/45")
    doc = client.get(f"/paste/jobs/{key}").json()
    assert (doc["step"], doc["done"], doc["total"], doc["finished"]) == ("aligning pairs", 12, 45, False)
    assert doc["eta_s"] == pytest.approx(33.0)  # 12 pairs in 12 s: 33 left
    assert doc["text"] == "aligning pairs 12/45, about 33 s left"
    assert doc["result"] == f"/paste/results/{key}" and doc["error"] is None

    # the result page, while it runs: the same line, a bar, the polling script, a refresh without script
    page = client.get(f"/paste/results/{key}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "aligning pairs 12/45, about 33 s left" in page.text
    assert '<progress id="job-bar" max="45" value="12">' in page.text
    assert f'data-status="/paste/jobs/{key}"' in page.text
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', page.text)
    # the downloads are not there yet
    assert client.get(f"/paste/results/{key}.json").status_code == 409

    # a new step starts its own pace
    clock.now += 30.0
    slow.report("analysing stories 0/2")
    clock.now += 4.0
    slow.report("analysing stories 1/2")
    doc = client.get(f"/paste/jobs/{key}").json()
    assert doc["text"] == "analysing stories 1/2, about 4 s left"

    slow.steps.put(None)  # done
    doc = wait_finished(client, key)
    assert doc["step"] == "finished" and doc["eta_s"] is None and doc["error"] is None
    page = client.get(f"/paste/results/{key}")
    assert page.status_code == 200 and "job-bar" not in page.text and "refresh" not in page.text.split("</head>")[0]
    assert f"/paste/results/{key}.json" in page.text and "Bridge vote" in page.text
    assert client.get(f"/paste/results/{key}.json").json()["articles"][0]["id"] == "text-1"
    assert slow.calls == 1


def test_the_progress_script_is_allowed_by_hash_and_fetches_only_this_server(client: TestClient,
                                                                             slow: SlowPipeline) -> None:
    key = start(client)
    page = client.get(f"/paste/results/{key}")
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(scripts) == 1
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode() + "'"
    for csp in (page.headers["content-security-policy"],
                html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page.text)[1])):
        assert f"script-src {digest}" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp
    js = re.sub(r"/\*.*?\*/", "", scripts[0], flags=re.S)  # the code, without its comments
    assert "textContent" in js and "innerHTML" not in js
    assert "fetch(status" in js and "/paste/jobs/" not in js  # the url from the page's data-status
    assert "location.replace(result)" in js


def test_the_page_waits_briefly_so_a_short_analysis_shows_its_result_at_once(app, slow: SlowPipeline) -> None:
    app.state.web.paste_wait_s = 10
    client = TestClient(app)
    threading.Timer(0.2, slow.steps.put, args=(None,)).start()
    r = client.post("/paste", data={"text1": A, "text2": B})  # the redirect followed
    assert r.status_code == 200 and "Bridge vote" in r.text and "job-bar" not in r.text
    assert "/paste/results/" in str(r.url)


def test_a_failed_analysis_says_so(client: TestClient, slow: SlowPipeline) -> None:
    key = start(client)
    slow.steps.put(RuntimeError("boom"))
    doc = wait_finished(client, key)
    assert doc["step"] == "failed" and "internal error" in doc["error"] and "boom" not in doc["error"]
    page = client.get(f"/paste/results/{key}", headers={"accept": "text/html"})
    assert page.status_code == 500 and "internal error" in page.text and 'href="/paste"' in page.text
    assert client.get(f"/paste/results/{key}.json").status_code == 500


def test_unknown_jobs_are_404(client: TestClient) -> None:
    r = client.get("/paste/jobs/nope")
    assert r.status_code == 404 and "paste the texts again" in r.json()["detail"]
    assert client.get("/paste/results/nope").status_code == 404


def test_too_many_waiting_analyses_are_refused(client: TestClient, app, slow: SlowPipeline) -> None:
    app.state.web.pastes.max_running = 2
    start(client)
    start(client)
    r = client.post("/paste", data={"text1": A, "text2": B}, follow_redirects=False)
    assert r.status_code == 503 and "busy" in r.text and "try again" in r.text
    assert "new bridge on Tuesday" in r.text  # the form kept
    for _ in range(2):
        slow.steps.put(None)


def test_too_much_text_is_refused_before_a_job_starts(tmp_path, monkeypatch) -> None:
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    fake = SlowPipeline()
    monkeypatch.setattr("storytrace.web.pages.run_compare", fake)
    small = TestClient(create_app(db, max_compare_chars=100))
    r = small.post("/paste", data={"text1": A, "text2": B}, follow_redirects=False)
    assert r.status_code == 413 and "too much text" in r.text and fake.calls == 0


def test_the_real_pipeline_reports_counts_to_the_job() -> None:
    from storytrace.model import Article
    from storytrace.web.service import PasteResults, run_compare

    steps: list[str] = []
    arts = [Article("a", A), Article("b", B), Article("c", A + " The mayor was pleased.")]
    report = run_compare(arts, 10_000, progress=steps.append)
    assert {a["id"] for a in report["articles"]} == {"a", "b", "c"}
    assert "aligning pairs 3/3" in steps and steps[0] in ("segmenting", "waiting for another analysis")
    # and through a job
    jobs = PasteResults()
    job = jobs.start(arts[:2], 10_000)
    assert job.finished.wait(120)
    assert job.error is None and job.status()["finished"] and jobs.get(job.key)["articles"]
