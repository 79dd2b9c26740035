"""Issue 12: the paste view names its texts and downloads its result; the stories page links the
report's "How to read this report" section."""

from __future__ import annotations

import html
import json
import re

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx: pip install -e '.[dev]'")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.corpus.store import Store  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402

A = "---\ntitle: Bridge vote\n---\nThe council approved the new bridge on Tuesday by seven votes to two. " \
    "Work will start in May, the mayor said."
B = "The council approved the new bridge on Tuesday by nine votes to two. Work will start in May, the mayor said. " \
    "Residents welcomed the decision."
EVIL = '</script><script>alert(1)</script>" onmouseover="x'


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    db = str(tmp_path_factory.mktemp("paste") / "s.db")
    Store.open(db).close()
    return TestClient(create_app(db, paste_wait_s=120), raise_server_exceptions=False)  # the result at once


@pytest.fixture
def no_analysis(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr("storytrace.web.pages.run_compare", refuse)


def download_links(page: str) -> dict[str, str]:
    return {label: href for href, label in re.findall(r'<a href="(/paste/results/[^"]+)" download>([^<]+)</a>', page)}


@pytest.fixture(scope="module")
def result(client: TestClient) -> str:
    r = client.post("/paste", data={"text1": A, "label1": "  Wire  copy ", "text2": B, "label2": "Courier"})
    assert r.status_code == 200, r.text
    return r.text


def test_the_form_has_a_name_per_text(client: TestClient) -> None:
    page = client.get("/paste").text
    for i in range(1, 11):
        assert f'name="label{i}"' in page and f'name="text{i}"' in page


def test_names_become_ids_and_titles(client: TestClient, result: str) -> None:
    links = download_links(result)
    assert set(links) == {"JSON", "HTML report"}
    doc = client.get(links["JSON"]).json()
    by_id = {a["id"]: a for a in doc["articles"]}
    assert set(by_id) == {"Wire copy", "Courier"}  # blanks collapsed: one line
    assert by_id["Wire copy"]["title"] == "Bridge vote"  # front matter's title wins
    assert by_id["Courier"]["title"] == "Courier"
    assert "Courier" in result and "Wire copy" in result


def test_the_result_downloads_as_json_and_as_the_html_report(client: TestClient, result: str) -> None:
    links = download_links(result)
    j = client.get(links["JSON"])
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/json")
    assert "attachment" in j.headers["content-disposition"] and ".json" in j.headers["content-disposition"]
    doc = json.loads(j.text)
    assert {"articles", "stories", "pairs", "findings", "brief"} <= set(doc)
    assert all(a.get("text") for a in doc["articles"])  # as `storytrace compare --json`
    h = client.get(links["HTML report"])
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "attachment" in h.headers["content-disposition"] and ".html" in h.headers["content-disposition"]
    assert "How to read this report" in h.text and "Courier" in h.text
    assert "/paste" not in h.text.split("<main", 1)[0]  # the stand-alone report, not the site's page


def test_an_unknown_or_expired_result_is_a_404(client: TestClient) -> None:
    for ext in ("json", "html"):
        r = client.get(f"/paste/results/nope.{ext}")
        assert r.status_code == 404 and "paste the texts again" in r.json()["detail"]


def test_only_the_latest_results_are_kept() -> None:
    from storytrace.web.service import PasteResults

    kept = PasteResults(size=2)
    keys = [kept.add({"n": i}) for i in range(3)]
    assert len(set(keys)) == 3 and kept.get(keys[2]) == {"n": 2}
    with pytest.raises(Exception, match="no longer kept"):
        kept.get(keys[0])


@pytest.mark.parametrize("data, words", [
    ({"text1": A, "label1": "Same", "text2": B, "label2": "Same"}, "both named 'Same'"),
    ({"text1": A, "label1": "x" * 201, "text2": B}, "at most 200"),
    ({"text1": A, "label1": "\u200b", "text2": B}, "no visible characters"),
])
def test_bad_names_are_refused_and_the_form_kept(client: TestClient, no_analysis, data: dict, words: str) -> None:
    r = client.post("/paste", data=data)
    assert r.status_code == 400 and words in html.unescape(r.text)
    assert "Bridge vote" in r.text  # the texts are shown again


def test_a_name_clashing_with_an_upload_is_refused(client: TestClient, no_analysis) -> None:
    r = client.post("/paste", data={"text1": A, "label1": "second"}, files=[("files", ("second.txt", B.encode()))])
    assert r.status_code == 400 and "named 'second'" in html.unescape(r.text)


def test_names_are_kept_and_escaped_when_the_form_is_shown_again(client: TestClient, no_analysis) -> None:
    r = client.post("/paste", data={"text1": A, "label1": EVIL})  # one text: an error, the form again
    assert r.status_code == 400
    assert html.escape(" ".join(EVIL.split())) in r.text
    assert "<script>alert(1)" not in r.text and 'onmouseover="x' not in r.text


def test_stories_page_links_how_to_read(client: TestClient) -> None:
    page = client.get("/").text
    assert 'href="/how-to-read#how-to-read"' in page and "How to read this report" in page
    howto = client.get("/how-to-read")
    assert howto.status_code == 200 and 'id="how-to-read"' in howto.text
    assert "Kinds of finding" in howto.text and "number_changed" in howto.text
    assert "content-security-policy" in howto.headers
