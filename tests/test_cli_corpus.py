"""The corpus commands: ingest, stories, story (exit codes, --json, --html)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storytrace.cli import main
from tests.helpers import EXAMPLES

EXAMPLES = str(EXAMPLES)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "corpus.db")
    result = run("ingest", EXAMPLES, "--db", path, "--json")
    assert result.exit_code == 0, result.output
    return path


def test_ingest_json_summary_and_idempotent_rerun(db):
    result = run("ingest", EXAMPLES, "--db", db, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert {"added", "unchanged", "conflicts", "errors", "error_list", "stories", "records_per_s",
            "totals"} <= set(doc)
    assert (doc["added"], doc["unchanged"], doc["errors"]) == (0, 8, 0)
    assert doc["totals"]["articles"] == 8 and doc["stories"]["new"] == 0


def test_ingest_bad_records_exit_2_after_storing_the_good_ones(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\n{not json}\n{"id": "y", "text": "also fine"}\n', encoding="utf-8")
    db = str(tmp_path / "c.db")
    result = run("ingest", str(bad), "--db", db)
    assert result.exit_code == 2
    assert f"{bad}:2" in result.output and "invalid JSON" in result.output
    assert "Traceback" not in result.output
    doc = json.loads(run("stories", "--db", db, "--json").output)
    assert doc["total_articles"] == 2
    doc = json.loads(run("ingest", str(bad), "--db", db, "--json").output)
    assert doc["error_list"] == [{"file": str(bad), "line": 2, "message": doc["error_list"][0]["message"]}]


def test_ingest_lists_twenty_errors_then_a_count(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join("{oops}\n" for _ in range(25)) + '{"id": "ok", "text": "Good."}\n', encoding="utf-8")
    result = run("ingest", str(bad), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 2
    assert f"{bad}:20" in result.output and f"{bad}:21:" not in result.output
    assert "and 5 more" in result.output


def test_ingest_map_limit_and_usage_errors(tmp_path):
    csv = tmp_path / "n.csv"
    csv.write_text("ID,TITLE,TIMESTAMP\n1,Markets rise,1394470370698\n2,Markets fall,1394470371207\n"
                   "3,Markets hold,1394470371300\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    result = run("ingest", str(csv), "--db", db, "--map", "id=ID,title=TITLE,text=TITLE,published_at=TIMESTAMP",
                 "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["added"] == 2 and doc["limited"] is True
    for bad_map in ("headline=TITLE", "title"):
        result = run("ingest", str(csv), "--db", db, "--map", bad_map)
        assert result.exit_code == 2 and "Traceback" not in result.output
    result = run("ingest", str(tmp_path), "--db", str(tmp_path / "other.db"))  # no supported files
    assert result.exit_code == 2


def test_ingest_help_documents_the_exit_codes():
    result = run("ingest", "--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "2  some records were bad" in result.output


def test_stories_json_and_table(db):
    result = run("stories", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["total_articles"] == 8 and doc["total_stories"] == len(doc["stories"])
    for s in doc["stories"]:
        assert set(s) == {"id", "title", "size", "first_seen", "last_seen", "members"}
        assert s["first_seen"] <= s["last_seen"]
        assert len(s["members"]) == s["size"]
        for m in s["members"]:
            assert set(m) == {"id", "title", "source", "url", "published_at"}
    assert sum(s["size"] for s in doc["stories"]) == 8
    members = {m["id"] for s in doc["stories"] for m in s["members"]}
    assert len(members) == 8 and "orlen-derailment-wire" in members
    times = [[m["published_at"] for m in s["members"]] for s in doc["stories"]]
    assert all(t == sorted(t) for t in times if None not in t)  # earliest first
    sizes = [s["size"] for s in doc["stories"]]
    assert sizes == sorted(sizes, reverse=True)
    recent = json.loads(run("stories", "--db", db, "--json", "--sort", "recent", "--limit", "2").output)
    assert len(recent["stories"]) == 2
    assert recent["stories"][0]["last_seen"] >= recent["stories"][1]["last_seen"]
    table = run("stories", "--db", db)
    assert table.exit_code == 0 and doc["stories"][0]["id"] in table.output
    story_ids = {s["id"] for s in doc["stories"]}
    member = sorted(members - story_ids)[0]
    assert member not in table.output  # members only when asked for
    listed = run("stories", "--db", db, "--members")
    assert listed.exit_code == 0 and member in listed.output


def test_missing_db_and_unknown_story_are_exit_2(tmp_path, db):
    for args in (("stories", "--db", str(tmp_path / "nope.db")), ("story", "x", "--db", str(tmp_path / "nope.db"))):
        result = run(*args)
        assert result.exit_code == 2 and "no such store" in " ".join(result.output.split())
    assert not (tmp_path / "nope.db").exists()
    result = run("story", "no-such-story", "--db", db)
    assert result.exit_code == 2 and "no story 'no-such-story'" in " ".join(result.output.split())


def test_story_json_and_html(db, tmp_path):
    doc = json.loads(run("stories", "--db", db, "--json").output)
    single = next(s for s in doc["stories"] if s["size"] == 1)
    result = run("story", single["id"], "--db", db, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"articles", "stories", "pairs", "derivation", "findings", "brief"} <= set(report)
    assert report["corpus_story"]["id"] == single["id"]
    assert [a["id"] for a in report["articles"]] == report["corpus_story"]["articles"]

    html = tmp_path / "story.html"
    biggest = doc["stories"][0]
    result = run("story", biggest["id"], "--db", db, "--html", str(html))
    assert result.exit_code == 0, result.output
    assert f"story {biggest['id']}" in result.output
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert len(page) > 1000
