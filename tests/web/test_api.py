"""The HTTP API and pages of `storytrace serve` (FastAPI's TestClient; no browser)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx: pip install -e '.[dev]'")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from storytrace.cli import main  # noqa: E402
from storytrace.corpus.ingest import ingest_paths  # noqa: E402
from storytrace.corpus.store import Store  # noqa: E402
from storytrace.corpus.stories import story_key  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402
from tests.helpers import EXAMPLES

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

EVIL = "</script><script>alert(1)</script>"
EVIL_ATTR = '" onmouseover="alert(2)'
_BASE = ("Storm winds tore the roof off the Harlow Street library on Sunday night, officials said. "
         "About {n} books were damaged by rain before crews covered the building. "
         "Librarian Mira Stoll said the collection would be dried and restored over the coming months. "
         "The library will stay closed until further notice, the council said. ")
EVIL_ARTICLES = [
    {"id": 'evil-a<i>"1', "title": f"Library roof torn off {EVIL} {EVIL_ATTR}", "source": f"<b>Wire</b>{EVIL_ATTR}",
     "published_at": "2026-05-01T08:00:00Z", "text": _BASE.format(n=400) + f"Local notes: {EVIL} {EVIL_ATTR}."},
    {"id": "evil-b", "title": f"Storm hits library {EVIL}", "source": "Town Paper",
     "published_at": "2026-05-01T12:00:00Z", "text": _BASE.format(n=900) + f"Readers wrote in: {EVIL} {EVIL_ATTR}."},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("web") / "store.db")
    with Store.open(path) as store:
        ingest_paths(store, [str(EXAMPLES)])
    return path


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    return TestClient(create_app(db, token=TOKEN, paste_wait_s=120))  # the paste result at once


def test_a_story_analysed_by_analyze_is_served_without_analysing_it_again(tmp_path) -> None:
    path = str(tmp_path / "analysed.db")
    with Store.open(path) as store:
        ingest_paths(store, [str(EXAMPLES)])
    assert CliRunner().invoke(main, ["analyze", "s-brantwick-fire-wire", "--db", path]).exit_code == 0
    app = TestClient(create_app(path, token=TOKEN))
    r = app.get("/api/stories/s-brantwick-fire-wire")
    assert r.status_code == 200 and all(a.get("text") for a in r.json()["articles"])
    assert app.app.state.analyses.computed == 0  # read from the store
    # a story nobody analysed is analysed once, and kept for the next process
    assert app.get("/api/stories/s-orlen-derailment-wire").status_code == 200
    assert app.app.state.analyses.computed == 1
    again = TestClient(create_app(path, token=TOKEN))
    assert again.get("/stories/s-orlen-derailment-wire").status_code == 200
    assert again.app.state.analyses.computed == 0


def test_a_story_page_not_analysed_yet_shows_the_progress_then_the_story(tmp_path) -> None:
    path = str(tmp_path / "progress.db")
    with Store.open(path) as store:
        ingest_paths(store, [str(EXAMPLES)])
    app = TestClient(create_app(path, token=TOKEN, paste_wait_s=0))
    r = app.get("/stories/s-orlen-derailment-wire")
    assert r.status_code == 200 and "Analysing story s-orlen-derailment-wire" in r.text
    assert 'data-status="/story-jobs?id=s-orlen-derailment-wire"' in r.text
    assert "script-src 'sha256-" in r.headers["content-security-policy"]
    job = app.app.state.web.story_jobs["s-orlen-derailment-wire"]
    status = app.get("/story-jobs", params={"id": "s-orlen-derailment-wire"}).json()
    assert {"step", "done", "total", "eta_s", "finished", "text"} <= set(status)
    assert status["result"] == "/stories/s-orlen-derailment-wire"
    assert job.finished.wait(120)
    done = app.get("/stories/s-orlen-derailment-wire")
    assert done.status_code == 200 and "Analysing story" not in done.text and "orlen-derailment-courier" in done.text
    assert app.app.state.analyses.computed == 1  # the page did not analyse it a second time
    assert app.get("/story-jobs", params={"id": "s-nope"}).status_code == 404
    assert app.get("/stories/s-nope").status_code == 404


def assert_escaped(page: str) -> None:
    low = page.lower()
    assert "<script>alert(1)" not in low
    assert "alert(1)</script>" not in low
    assert EVIL_ATTR not in page
    assert 'onmouseover="' not in low
    assert "<b>wire</b>" not in low
    assert "<i>\"1" not in page


# --------------------------------------------------------------------------- reading


def test_stories_json_is_the_cli_json(client: TestClient, db: str) -> None:
    r = client.get("/api/stories")
    assert r.status_code == 200
    doc = r.json()
    cli = json.loads(CliRunner().invoke(main, ["stories", "--db", db, "--json"]).output)
    for key in ("db", "total_stories", "total_articles", "sort", "stories"):
        assert key in doc
    assert doc["total_stories"] == cli["total_stories"] == 4
    assert [{k: s[k] for k in cli["stories"][0]} for s in doc["stories"]] == cli["stories"]
    assert all("findings" in s for s in doc["stories"])
    recent = client.get("/api/stories", params={"sort": "recent"}).json()
    assert recent["stories"][0]["id"] == "s-orlen-derailment-wire"
    assert client.get("/api/stories", params={"sort": "sideways"}).status_code == 422


def test_search(client: TestClient) -> None:
    doc = client.get("/api/stories", params={"q": "diesel"}).json()
    assert doc["matching"] >= 1 and doc["stories"][0]["id"] == "s-orlen-derailment-wire"
    assert any("[diesel]" in m["snippet"].lower() for m in doc["stories"][0]["matches"])
    # FTS5 syntax errors are retried as plain words, never a 500
    for q in ['"unbalanced', "AND OR", "*", "(", "NEAR(", "grain)"]:
        r = client.get("/api/stories", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    page = client.get("/", params={"q": "warehouse"})
    assert page.status_code == 200 and "s-brantwick-fire-wire" in page.text and "<mark>" in page.text


def test_story_analysis_is_the_contract_and_cached(client: TestClient, db: str) -> None:
    analyses = client.app.state.analyses
    r = client.get("/api/stories/s-orlen-derailment-wire")
    assert r.status_code == 200
    doc = r.json()
    for key in ("schema_version", "articles", "stories", "pairs", "derivation", "findings", "brief", "corpus_story"):
        assert key in doc
    assert doc["corpus_story"]["id"] == "s-orlen-derailment-wire"
    assert len(doc["articles"]) == 3 and all("text" in a for a in doc["articles"])
    done = analyses.computed
    # the page view and the JSON share one cached analysis
    assert client.get("/stories/s-orlen-derailment-wire").status_code == 200
    no_text = client.get("/api/stories/s-orlen-derailment-wire", params={"no_text": "true"}).json()
    assert analyses.computed == done
    assert all("text" not in a for a in no_text["articles"])
    # its findings are now counted on the stories list
    st = {s["id"]: s for s in client.get("/api/stories").json()["stories"]}
    counts = st["s-orlen-derailment-wire"]["findings"]
    assert counts["total"] == len(doc["findings"]) > 0
    assert counts["high"] == sum(f["severity"] == "high" for f in doc["findings"])
    assert st["s-orlen-crossing-upgrade"]["findings"]["total"] == 0  # one article: nothing to find
    # kept in the store, keyed by the story's content
    with Store.open(db) as store:
        key, = store.conn.execute("SELECT key FROM web_story_stats WHERE story_id = ?",
                                  ("s-orlen-derailment-wire",)).fetchone()
        members = store.conn.execute(
            "SELECT a.id, a.content_hash FROM memberships m JOIN articles a ON a.id = m.article_id "
            "WHERE m.story_id = ? ORDER BY a.seen_at IS NULL, a.seen_at, a.n", ("s-orlen-derailment-wire",)).fetchall()
    assert key == story_key("s-orlen-derailment-wire", members)
    assert story_key("s-orlen-derailment-wire", members[:2]) != key
    assert client.get("/api/stories/no-such-story").status_code == 404


def test_article(client: TestClient) -> None:
    r = client.get("/api/articles/orlen-derailment-wire")
    assert r.status_code == 200
    a = r.json()
    assert a["story"] == "s-orlen-derailment-wire" and a["source"] == "Northline Press Agency"
    assert a["text"].startswith("Freight train derails")
    r = client.get("/api/articles/nope")
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_pages_render(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "s-orlen-derailment-wire" in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]
    story = client.get("/stories/s-orlen-derailment-wire").text
    assert story.count("<svg") == 1 and 'class="nodelink" href="/compare?story=' in story
    assert "class=\"sevgroup" in story and 'class="badge"' in story and 'id="col-a"' in story
    cmp_ = client.get("/compare", params={"story": "s-orlen-derailment-wire", "a": "orlen-derailment-wire",
                                          "b": "orlen-derailment-roundup"})
    assert cmp_.status_code == 200
    data = json.loads(cmp_.text.split('id="storytrace-data">', 1)[1].split("</script>", 1)[0])
    assert data["default"] == ["orlen-derailment-wire", "orlen-derailment-roundup"]
    assert set(data["articles"]) == {"orlen-derailment-wire", "orlen-derailment-roundup"}
    assert data["findings"] and all(f["article"] in data["articles"] for f in data["findings"])
    assert client.get("/compare", params={"story": "s-orlen-derailment-wire", "a": "zzz"}).status_code == 404
    assert client.get("/compare").status_code == 400
    assert client.get("/compare", params={"story": "s-orlen-crossing-upgrade"}).status_code == 400
    assert client.get("/stories/nope", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/paste").status_code == 200


def test_openapi_and_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/compare",
              "/api/articles"):
        assert p in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text.lower()
    try:
        import swagger_ui_bundle  # noqa: F401
    except ImportError:
        return
    assert "cdn.jsdelivr" not in docs.text and client.get("/_docs/swagger-ui-bundle.js").status_code == 200


# --------------------------------------------------------------------------- compare


def two(**extra) -> dict:
    a = (EXAMPLES / "orlen-derailment-wire.txt").read_text(encoding="utf-8").split("---", 2)[2]
    b = a.replace("150 homes", "250 homes")
    return {"articles": [{"id": "x", "text": a, "source": "Wire"}, {"id": "y", "text": b}], **extra}


def test_compare(client: TestClient) -> None:
    r = client.post("/api/compare", json=two())
    assert r.status_code == 200
    doc = r.json()
    assert [a["id"] for a in doc["articles"]] == ["x", "y"]
    assert any(f["kind"] == "number_changed" for f in doc["findings"])
    assert doc["pairs"] and doc["pairs"][0]["alignments"]
    assert all("text" not in a for a in client.post("/api/compare", json=two(include_text=False)).json()["articles"])
    # ids are optional
    r = client.post("/api/compare", json={"articles": [{"text": "The vote passed on Monday."},
                                                       {"text": "On Monday the vote passed."}]})
    assert r.status_code == 200 and [a["id"] for a in r.json()["articles"]] == ["article-1", "article-2"]


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "malformed JSON"),
    (b"", 422, "request body is empty"),
    (b"[1, 2]", 422, "JSON object"),
    (b'{"articles": "two"}', 422, "articles"),
    (b'{"articles": [{"text": "only one"}]}', 422, "at least 2"),
    (json.dumps({"articles": [{"text": f"t{i}"} for i in range(11)]}).encode(), 422, "at most 10"),
    (b'{"articles": [{"text": 5}, {"title": "no text"}]}', 422, "articles[1].text: Field required"),
    (b'{"articles": [{"text": "   "}, {"text": "x"}]}', 422, "empty"),
    (b'{"articles": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}', 422, "duplicate id"),
    (b'{"articles": [null, {"text": "x"}]}', 422, "articles[0]"),
    ("{\"articles\": [{\"text\": \"\\ud800\"}, {\"text\": \"x\"}]}".encode(), None, None),
])
def test_compare_bad_input(client: TestClient, body: bytes, status: int | None, words: str | None) -> None:
    r = client.post("/api/compare", content=body, headers={"content-type": "application/json"})
    assert r.status_code < 500, r.text
    if status is not None:
        assert r.status_code == status, r.text
        assert words in r.json()["detail"]


def test_compare_wrong_content_type(client: TestClient) -> None:
    r = client.post("/api/compare", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "application/json" in r.json()["detail"]
    assert client.get("/api/compare").status_code == 405


# --------------------------------------------------------------------------- limits


@pytest.fixture(scope="module")
def small(db: str) -> TestClient:
    return TestClient(create_app(db, token=TOKEN, max_body=10_000, max_compare_chars=5_000))


def test_body_limit(small: TestClient) -> None:
    big = json.dumps({"articles": [{"text": "word " * 2000}, {"text": "x"}]}).encode()
    r = small.post("/api/compare", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "too large" in r.json()["detail"] and "10,000" in r.json()["detail"]

    def chunks():  # no Content-Length: the streamed body is counted
        for _ in range(20):
            yield b"x" * 1000

    r = small.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "streamed" in r.json()["detail"]
    r = small.post("/api/compare", content=b"{}", headers={"content-type": "application/json",
                                                              "content-length": "lots"})
    assert r.status_code == 400 and "Content-Length" in r.json()["detail"]
    # under the byte cap but over the text cap for one analysis
    r = small.post("/api/compare", json={"articles": [{"text": "a" * 3000}, {"text": "b" * 3000}]})
    assert r.status_code == 413 and "too much text" in r.json()["detail"]
    # the paste form has the same cap
    r = small.post("/paste", data={"text1": "x" * 20_000, "text2": "y"})
    assert r.status_code == 413


# --------------------------------------------------------------------------- writes and auth


def test_writes_need_the_token(client: TestClient, db: str) -> None:
    body = {"articles": [{"id": "auth-1", "text": "The council approved a new bridge on Tuesday."}]}
    r = client.post("/api/articles", json=body)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/articles", json=body, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    # checked before the body is read: no token, no 413
    r = client.post("/api/articles", content=b"x" * 6_000_000, headers={"content-type": "application/json"})
    assert r.status_code == 401
    # a server started without a token takes no writes at all
    ro = TestClient(create_app(db, token=None))
    r = ro.post("/api/articles", json=body, headers=AUTH)
    assert r.status_code == 403 and "STORYTRACE_TOKEN" in r.json()["detail"]
    with Store.open(db) as store:
        assert not store.articles(["auth-1"])


def test_ingest_is_idempotent(client: TestClient, db: str) -> None:
    body = {"articles": [{"id": "ing-1", "text": "The council approved a new footbridge over the Tamsey on Tuesday.",
                          "title": "Footbridge approved", "published_at": "2026-06-02T10:00:00Z"}]}
    r = client.post("/api/articles", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["added"], doc["unchanged"], doc["conflicts"], doc["ok"]) == (1, 0, 0, True)
    assert doc["story_of"]["ing-1"] and doc["totals"]["articles"] >= 9
    again = client.post("/api/articles", json=body, headers=AUTH).json()
    assert (again["added"], again["unchanged"]) == (0, 1)
    body["articles"][0]["text"] += " It opens next year."
    clash = client.post("/api/articles", json=body, headers=AUTH).json()
    assert clash["conflicts"] == 1 and not clash["ok"] and "ing-1" in clash["conflict_list"][0]["message"]
    assert client.get("/api/articles/ing-1").json()["text"].endswith("on Tuesday.")
    with Store.open(db) as store:
        assert store.check() == []
    r = client.post("/api/articles", json={"articles": [{"text": "no id"}]}, headers=AUTH)
    assert r.status_code == 422 and "articles[0]: id" in r.json()["detail"]
    r = client.post("/api/articles", content=b"{oops", headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 400


# --------------------------------------------------------------------------- escaping


def test_hostile_article_is_escaped_everywhere(client: TestClient) -> None:
    r = client.post("/api/articles", json={"articles": EVIL_ARTICLES}, headers=AUTH)
    assert r.status_code == 200 and r.json()["added"] == 2
    story = r.json()["story_of"][EVIL_ARTICLES[0]["id"]]
    # the JSON gives the text back exactly
    from urllib.parse import quote

    got = client.get("/api/articles/" + quote(EVIL_ARTICLES[0]["id"], safe="")).json()
    assert got["text"] == EVIL_ARTICLES[0]["text"] and got["title"] == EVIL_ARTICLES[0]["title"]
    home = client.get("/", params={"q": "library"}).text
    assert html.escape(EVIL_ARTICLES[0]["title"]) in home or html.escape(EVIL_ARTICLES[1]["title"]) in home
    assert_escaped(home)
    assert_escaped(client.get("/").text)
    page = client.get("/stories/" + quote(story, safe=""))
    assert page.status_code == 200
    assert_escaped(page.text)
    assert page.text.lower().count("<script") == 2  # the report's data block and its own script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # shown as text (the brief, titles)
    ids = [a["id"] for a in client.get("/api/stories/" + quote(story, safe="")).json()["articles"]]
    if len(ids) >= 2:
        cmp_ = client.get("/compare", params={"story": story, "a": ids[0], "b": ids[1]})
        assert cmp_.status_code == 200
        assert_escaped(cmp_.text)
    # the paste view: result and the form shown again after an error
    res = client.post("/paste", data={"text1": EVIL_ARTICLES[0]["text"], "text2": EVIL_ARTICLES[1]["text"]})
    assert res.status_code == 200
    assert_escaped(res.text)
    again = client.post("/paste", data={"text1": f"{EVIL} {EVIL_ATTR}"})
    assert again.status_code == 400
    assert_escaped(again.text)
    assert html.escape(f"{EVIL} {EVIL_ATTR}") in again.text
    # ids and queries reflected into pages
    assert_escaped(client.get("/", params={"q": f"{EVIL} {EVIL_ATTR}"}).text)
    assert_escaped(client.get("/stories/" + quote(f"{EVIL}{EVIL_ATTR}", safe=""),
                              headers={"accept": "text/html"}).text)
    assert_escaped(client.get("/compare", params={"story": f"{EVIL}{EVIL_ATTR}"},
                              headers={"accept": "text/html"}).text)


def test_paste(client: TestClient) -> None:
    a = "---\ntitle: Bridge vote\nsource: Wire\n---\nThe council approved the bridge on Tuesday by 7 votes to 2."
    b = "The council approved the bridge on Tuesday by 9 votes to 2. Work starts in May."
    r = client.post("/paste", data={"text1": a}, files=[("files", ("second.txt", b.encode()))])
    assert r.status_code == 200 and "Bridge vote" in r.text and "second" in r.text
    r = client.post("/paste", data={"text1": a}, files=[("files", ("x.pdf", b"%PDF-1.4"))])
    assert r.status_code == 400 and "unsupported file type" in r.text and "storytrace-paste" not in r.text
    r = client.post("/paste", data={})
    assert r.status_code == 400 and "at least two" in r.text
    r = client.post("/paste", content=b"garbage", headers={"content-type": "multipart/form-data; boundary=zz"})
    assert r.status_code in (200, 400)


# --------------------------------------------------------------------------- the command


def test_serve_refuses_public_host_without_token(db: str, monkeypatch) -> None:
    monkeypatch.delenv("STORYTRACE_TOKEN", raising=False)
    res = CliRunner().invoke(main, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert res.exit_code == 2
    assert "STORYTRACE_TOKEN" in res.output and "not a loopback" in res.output
    res = CliRunner().invoke(main, ["serve", "--db", str(Path(db).with_name("missing.db"))])
    assert res.exit_code == 2 and "no such store" in res.output


# --------------------------------------------------------------------------- a store the app cannot write


def test_counts_are_a_dash_when_the_store_cannot_keep_them(db: str, tmp_path) -> None:
    import sqlite3

    from storytrace.web import views
    from storytrace.web.service import Analyses, list_stories
    from tests.corpus.oldformat import make_old_store

    # a read-only file from before the web app kept counts: its stats table is not there
    old = make_old_store(tmp_path / "ro.db", Path(db), web=False)
    conn = sqlite3.connect(f"file:{old}?mode=ro", uri=True, isolation_level=None)
    store = Store.attach(conn, str(old))
    try:
        assert "web" in store.pending_owners
        doc = list_stories(store, Analyses(str(old)), sort="size")
    finally:
        conn.close()
    multi = [s for s in doc["stories"] if s["size"] > 1]
    assert multi and all(s["findings"] is None for s in multi)
    assert all(s["findings"] == {"total": 0, "high": 0, "medium": 0, "low": 0}
               for s in doc["stories"] if s["size"] == 1)
    page = views.stories_page(doc, q="", sort="size", page=1, per_page=50)
    assert "not analysed yet" in page


def test_the_app_state_is_shared_through_app_state(client: TestClient, db: str) -> None:
    state = client.app.state.web
    assert state.db_path == db and state.analyses is client.app.state.analyses and state.token == TOKEN
    assert state.max_body == 5_000_000 and state.max_compare_chars > 0


def test_compares_run_in_worker_processes_with_a_queue_per_process(tmp_path) -> None:
    db = str(tmp_path / "pool.db")
    with Store.open(db) as store:
        ingest_paths(store, [str(EXAMPLES)])
    body = {"articles": [{"id": "x", "text": "The council approved a budget of 5 million euros on Monday."},
                         {"id": "y", "text": "On Monday the council approved a budget of 6 million euros."}]}
    with TestClient(create_app(db, token=TOKEN)) as local:
        expected = local.post("/api/compare", json=body).json()
    with TestClient(create_app(db, token=TOKEN, compare_processes=2)) as client:
        state = client.app.state.web
        assert state.compare_pool is not None and state.compare_pool.processes == 2
        assert state.compare_queue_limit == 16
        r = client.post("/api/compare", json=body)
        assert r.status_code == 200
        assert r.json()["findings"] == expected["findings"] and r.json()["pairs"] == expected["pairs"]
        # the size check still answers from the server, before any worker
        big = {"articles": [{"text": "word " * 120_000}, {"text": "word " * 120_000}]}
        assert client.post("/api/compare", json=big).status_code in (413, 422)
        state.compare_waiting, state.compare_seconds = state.compare_queue_limit, 4.0
        r = client.post("/api/compare", json=body)
        assert r.status_code == 503 and r.headers["retry-after"] == str(16 * 4 // 2)
        state.compare_waiting = 0
        # a story page's analysis runs in a worker too, and gives the same document
        story = client.get("/api/stories/s-brantwick-fire-wire").json()
        assert state.analyses.computed == 1 and story["corpus_story"]["id"] == "s-brantwick-fire-wire"
    with TestClient(create_app(db, token=TOKEN)) as local:
        # (read back from the store, where the worker's analysis was kept)
        assert local.get("/api/stories/s-brantwick-fire-wire").json()["findings"] == story["findings"]


def test_compare_answers_503_with_retry_after_at_once_when_the_queue_is_full(db: str) -> None:
    app = create_app(db, token=TOKEN)
    state = app.state.web
    state.compare_waiting, state.compare_seconds = state.compare_queue_limit, 4.0  # a full queue
    body = {"articles": [{"text": "The council approved the budget on Monday."},
                         {"text": "On Monday the council approved the budget."}]}
    r = TestClient(app).post("/api/compare", json=body)
    assert r.status_code == 503 and "busy" in r.json()["detail"]
    assert r.headers["retry-after"] == str(state.compare_queue_limit * 4)
    state.compare_waiting = 0  # with room again the same request is served, and the count is back to 0
    r = TestClient(app).post("/api/compare", json=body)
    assert r.status_code == 200 and state.compare_waiting == 0


def test_ingest_requests_share_the_grouping_memory_and_see_writes_from_elsewhere(tmp_path, monkeypatch) -> None:
    from storytrace.events.lexicalgrouping import AverageLinkGrouper

    path = str(tmp_path / "shared.db")
    with Store.open(path) as store:
        ingest_paths(store, [str(EXAMPLES)])
    app = TestClient(create_app(path, token=TOKEN))
    restored = []
    real = AverageLinkGrouper.from_bytes.__func__
    monkeypatch.setattr(AverageLinkGrouper, "from_bytes",
                        classmethod(lambda cls, *a, **k: restored.append(1) or real(cls, *a, **k)))
    text = ("Firefighters put out a blaze at the Brantwick paper mill on Monday night. {} No one was hurt, "
            "the fire service said, and the mill will reopen next week.")
    first = app.post("/api/articles", headers=AUTH, json={"articles": [
        {"id": "mill-1", "title": "Mill fire", "text": text.format("Smoke was seen for miles.")}]}).json()
    second = app.post("/api/articles", headers=AUTH, json={"articles": [
        {"id": "mill-2", "title": "Fire at paper mill", "text": text.format("Residents kept windows shut.")}]}).json()
    assert restored == [1]  # read back from the store by the first request only
    assert second["story_of"]["mill-2"] == first["story_of"]["mill-1"]
    # another process writes: the next request reads the store again and groups with what it wrote
    with Store.open(path) as store:
        from storytrace.corpus.ingest import ingest_articles
        from storytrace.model import Article

        ingest_articles(store, [Article("mill-3", text.format("Traffic was diverted."), title="Paper mill blaze")])
        third_story = store.membership(["mill-3"])["mill-3"]
    fourth = app.post("/api/articles", headers=AUTH, json={"articles": [
        {"id": "mill-4", "title": "Mill blaze out", "text": text.format("A school nearby closed early.")}]}).json()
    assert restored == [1, 1, 1]  # by the other writer, then by the request after it
    assert fourth["story_of"]["mill-4"] == third_story == first["story_of"]["mill-1"]
    with Store.open(path) as store:
        assert store.check() == []
