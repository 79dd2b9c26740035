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
        assert set(s) == {"id", "title", "size", "first_seen", "last_seen", "members", "findings"}
        # not analysed yet: null; one article: nothing to find
        assert s["findings"] == ({"total": 0, "high": 0, "medium": 0, "low": 0} if s["size"] == 1 else None)
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


def test_analyze_all_then_stories_show_the_counts_and_a_rerun_skips(db) -> None:
    result = run("analyze", "--all", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {"analysed", "skipped", "single", "failed", "seconds", "failures"} <= set(summary)
    assert (summary["analysed"], summary["skipped"], summary["single"], summary["failed"]) == (2, 0, 2, 0)
    doc = json.loads(run("stories", "--db", db, "--json").output)
    for s in doc["stories"]:
        counts = s["findings"]
        assert counts is not None and counts["total"] == counts["high"] + counts["medium"] + counts["low"]
        assert (counts["total"] > 0) == (s["size"] > 1)
    table = CliRunner().invoke(main, ["stories", "--db", db], env={"COLUMNS": "100"})
    assert table.exit_code == 0 and "findings" in table.output
    biggest = doc["stories"][0]["findings"]
    assert f"{biggest['total']} {biggest['high']}/{biggest['medium']}/{biggest['low']}" in table.output
    # a rerun skips every story; the bar (forced on) and the one-line summary on a terminal-less run
    again = run("analyze", "--all", "--db", db, "--progress")
    assert again.exit_code == 0, again.output
    flat = " ".join(again.output.split())  # the summary wraps at the terminal's width
    assert "analysed 0" in flat and "skipped 2" in flat


def test_story_reads_the_analysis_analyze_kept_until_the_story_changes(db, tmp_path, monkeypatch) -> None:
    import storytrace.compare

    story_id = "s-orlen-derailment-wire"
    fresh = json.loads(run("story", story_id, "--db", db, "--json").stdout)
    assert run("analyze", story_id, "--db", db).exit_code == 0
    real = storytrace.compare.compare_articles

    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline ran")

    monkeypatch.setattr(storytrace.compare, "compare_articles", refuse)
    kept_run = run("story", story_id, "--db", db, "--json")
    assert kept_run.exit_code == 0, kept_run.output
    kept = json.loads(kept_run.stdout)
    for part in ("findings", "derivation", "brief", "pairs", "stories"):
        assert kept[part] == fresh[part], part
    assert [a["text"] for a in kept["articles"]] == [a["text"] for a in fresh["articles"]]
    assert "--reanalyse runs it again" in " ".join(run("story", story_id, "--db", db).output.split())
    assert run("story", story_id, "--db", db, "--reanalyse", "--json").exit_code != 0  # it does run the pipeline
    # a new version of the story: the kept analysis is not of its content any more
    monkeypatch.setattr(storytrace.compare, "compare_articles", real)
    wire = next(a for a in fresh["articles"] if a["id"] == "orlen-derailment-wire")
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "orlen-copy", "text": wire["text"], "published_at": "2026-04-17T08:00:00Z"})
                     + "\n", encoding="utf-8")
    assert run("ingest", str(extra), "--db", db).exit_code == 0
    monkeypatch.setattr(storytrace.compare, "compare_articles", refuse)
    changed = run("story", story_id, "--db", db, "--json")
    assert changed.exit_code == 1 and "the pipeline ran" in changed.output


def test_analyze_by_id_forced_with_the_bar(db) -> None:
    result = run("analyze", "s-brantwick-fire-wire", "--db", db, "--progress", "--force")
    assert result.exit_code == 0, result.output
    assert "1/1" in result.output and "analysed 1" in " ".join(result.output.split())


def test_analyze_usage_errors_are_exit_2(db, tmp_path) -> None:
    for args, says in ((("analyze", "--db", db), "give --all or one or more STORY_IDs"),
                       (("analyze", "--all", "s-x", "--db", db), "not both"),
                       (("analyze", "no-such-story", "--db", db), "no story 'no-such-story'"),
                       (("analyze", "--all", "--db", str(tmp_path / "nope.db")), "no such store")):
        result = run(*args)
        assert result.exit_code == 2 and says in " ".join(result.output.split()), (args, result.output)
    assert not (tmp_path / "nope.db").exists()


def test_analyze_reports_a_failing_story_and_exits_1(db, monkeypatch) -> None:
    from storytrace.corpus.stories import LoadedStory

    real = LoadedStory.analyse

    def analyse(self, **kw):
        if self.id == "s-orlen-derailment-wire":
            raise RuntimeError("boom")
        return real(self, **kw)

    monkeypatch.setattr(LoadedStory, "analyse", analyse)
    result = run("analyze", "--all", "--db", db, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["analysed"], summary["failed"]) == (1, 1)
    assert summary["failures"] == [{"story_id": "s-orlen-derailment-wire", "message": "RuntimeError: boom"}]
    assert "failed:" in result.stderr and "boom" in result.stderr
