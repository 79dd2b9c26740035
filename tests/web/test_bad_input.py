"""Issue 12 regressions in the web app: the API applies ingest's record check and limits; a stored
article the analysis cannot take is a clear error, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx: pip install -e '.[dev]'")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.corpus.store import Store  # noqa: E402
from storytrace.readers import limits  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD = "The council approved the new bridge over the Tamsey on Monday, officials said."
QUOTES = " ".join(f'He said "point {i}".' for i in range(limits.MAX_ARTICLE_QUOTES + 1))
ENDLESS = "word " * (limits.MAX_SENTENCE_WORDS + 1)
LONG = "word " * (limits.MAX_ARTICLE_CHARS // 5 + 10)

# (bad text, words in the answer): each is refused by `readers.checks.article_problem`, as ingest refuses it
BAD = [
    ("\u200b\u200b\x00", "no readable text"),
    (QUOTES, "1,000-quote limit"),
    (ENDLESS, "5,000-word limit per sentence"),
]


@pytest.fixture
def no_analysis(monkeypatch):
    """Fail the test if the (slow) compare analysis starts."""
    import storytrace.compare as compare_pkg

    def refuse(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr(compare_pkg, "compare_articles", refuse)


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "store.db")
    Store.open(path).close()
    return path


@pytest.fixture
def client(db: str) -> TestClient:
    # raise_server_exceptions=False: a 500 is an answer to assert on, not an exception in the test
    return TestClient(create_app(db, token=TOKEN, max_body=30_000_000, max_compare_chars=10_000_000),
                      raise_server_exceptions=False)


@pytest.mark.parametrize("text, words", BAD + [(LONG, "1,000,000-character limit")],
                         ids=["invisible", "quotes", "sentence", "chars"])
def test_compare_applies_the_record_check(client: TestClient, no_analysis, text: str, words: str) -> None:
    r = client.post("/api/compare", json={"articles": [{"id": "ok", "text": GOOD}, {"id": "bad", "text": text}]})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert words in detail and "articles[1]" in detail and "'bad'" in detail


@pytest.mark.parametrize("text, words", BAD, ids=["invisible", "quotes", "sentence"])
def test_ingest_applies_the_record_check_skips_the_bad_record_and_stores_the_rest(
        client: TestClient, db: str, text: str, words: str) -> None:
    good_id = f"ok-{len(text)}"
    body = {"articles": [{"id": good_id, "text": GOOD}, {"id": "bad", "text": text}]}
    r = client.post("/api/articles", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["added"] == 1 and doc["errors"] == 1 and doc["ok"] is False
    (error,) = doc["error_list"]
    assert error["index"] == 1 and error["id"] == "bad" and words in error["message"]
    with Store.open(db) as store:
        assert [a.id for a in store.articles([good_id, "bad"])] == [good_id]


def test_ingest_names_every_bad_record_and_refuses_a_request_with_no_good_one(client: TestClient, db: str) -> None:
    body = {"articles": [{"id": "a", "text": ENDLESS}, {"id": "b2", "text": GOOD + " More."}, {"id": "c", "text": QUOTES},
                         {"text": "no id"}, 7, {"id": "d", "text": "   "}]}
    doc = client.post("/api/articles", json=body, headers=AUTH).json()
    assert [e["index"] for e in doc["error_list"]] == [0, 2, 3, 4, 5] and doc["added"] == 1
    assert "id" in doc["error_list"][2]["message"] and doc["error_list"][2]["id"] is None
    r = client.post("/api/articles", json={"articles": [{"id": "a", "text": ENDLESS}, {"text": "x"}]}, headers=AUTH)
    assert r.status_code == 422 and "no article could be stored" in r.json()["detail"]
    assert "articles[0]" in r.json()["detail"] and "articles[1]" in r.json()["detail"]
    with Store.open(db) as store:
        assert store.articles(["a", "c", "d"]) == []


def test_an_article_over_the_character_limit_in_a_big_body_is_a_422(client: TestClient) -> None:
    body = {"articles": [{"id": "long", "text": LONG}]}
    r = client.post("/api/articles", json=body, headers=AUTH)
    assert r.status_code == 422 and "1,000,000-character limit" in r.json()["detail"]


def test_compare_articles_limit_is_within_the_compare_limit() -> None:
    from storytrace.web.schemas import MAX_COMPARE

    assert 2 <= MAX_COMPARE <= limits.MAX_COMPARE_ARTICLES


def test_a_stored_article_over_the_limit_is_a_clear_error_not_a_500(client: TestClient, monkeypatch,
                                                                    no_analysis) -> None:
    body = {"articles": [{"id": "a", "text": GOOD + " It opens next year."},
                         {"id": "b", "text": GOOD + " Work starts in May."}]}
    r = client.post("/api/articles", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    story = r.json()["story_of"]["a"]
    monkeypatch.setattr("storytrace.readers.checks.MAX_ARTICLE_CHARS", 50)  # stored before the limit existed
    api = client.get("/api/stories/" + quote(story, safe=""))
    assert api.status_code == 422 and "50-character limit" in api.json()["detail"]
    assert "stored article" in api.json()["detail"] and "cannot be analysed" in api.json()["detail"]
    page = client.get("/stories/" + quote(story, safe=""), headers={"accept": "text/html"})
    assert page.status_code == 422 and "50-character limit" in page.text and "<html" in page.text.lower()
    cmp_ = client.get("/compare", params={"story": story}, headers={"accept": "text/html"})
    assert cmp_.status_code == 422
    # the list of stories still works
    assert client.get("/").status_code == 200 and client.get("/api/stories").status_code == 200


def test_paste_applies_the_record_check(client: TestClient, no_analysis) -> None:
    r = client.post("/paste", data={"text1": GOOD, "text2": ENDLESS})
    assert r.status_code == 400 and "5,000-word limit per sentence" in r.text and "storytrace-paste" not in r.text
