"""Issue 12 regressions at the command line: exit codes, one-line errors, inert markup and escapes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

import storytrace.cli as cli
from storytrace.cli import EXIT_ENV, EXIT_INPUT, main
from storytrace.report.terminal import printable

GOOD = "The council approved the new bridge over the Tamsey on Monday, officials said."


def run(*args: str):
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    return res


def ids_in(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    finally:
        conn.close()


def lines(n: int) -> list[str]:
    return [json.dumps({"id": f"ok-{i:03d}", "text": f"{GOOD} ({i})"}) for i in range(n)]


@pytest.mark.parametrize("bad, n", [
    ('{"id": "bad", "text": "x \\ud800 y"}', 40),  # the figures of the issue: 0 of 40 were stored
    ('{"id": %s, "text": "x"}' % ("9" * 5000), 20),
    ('{"id": "p", "text": "x", "published_at": %s}' % ("9" * 5000), 20),
])
def test_ingest_stores_every_good_record_beside_a_bad_one(tmp_path, bad, n):
    recs = lines(n)
    recs.insert(n // 2, bad)
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join(recs) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    res = run("ingest", str(p), "--db", str(db))
    assert res.exit_code == EXIT_INPUT and f"{p}:{n // 2 + 1}:" in " ".join(res.output.split())
    assert len(ids_in(db)) == n


def test_ingest_stores_99_of_a_csv_with_one_latin1_row(tmp_path):
    rows = [f"r{i:02d},{GOOD.replace(',', '')} {i}".encode() for i in range(99)]
    rows.insert(40, "x,Café".encode("latin-1"))
    p = tmp_path / "l.csv"
    p.write_bytes(b"id,text\n" + b"\n".join(rows) + b"\n")
    db = tmp_path / "s.db"
    res = run("ingest", str(p), "--db", str(db))
    assert res.exit_code == EXIT_INPUT and f"{p}:42:" in res.output
    assert len(ids_in(db)) == 99


def test_printable_replaces_controls_and_keeps_text():
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("t\x1b]0;pwn\x07") == "t\\x1b]0;pwn\\x07"
    assert printable("c1\x9bx \u202eevil") == "c1\\x9bx \\u202eevil"
    assert printable("two\nlines\tand tab") == "two lines and tab"
    assert printable("Zürich – “ok” [bold]") == "Zürich – “ok” [bold]"
    assert printable("lone \ud800") == "lone \\ud800"
    assert printable("caf\udce9.txt") == "caf\\xe9.txt"  # a byte of a file name that is not UTF-8


def test_stories_prints_markup_and_escapes_inert(tmp_path):
    p = tmp_path / "odd.jsonl"
    recs = [{"id": "[bold]a[/]", "title": "\x1b]0;pwned\x07[red]T", "text": GOOD},
            {"id": "\x1b[2Jb", "title": "[/]", "source": "[link=file:///x]s",
                 "text": "A magnitude 6.1 earthquake struck near Izmir on Tuesday, the governor said."}]
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    db = tmp_path / "s.db"
    assert run("ingest", str(p), "--db", str(db)).exit_code == 0
    out = run("stories", "--db", str(db), "--members").output
    assert "[bold]a[/]" in out and "\\x1b[2Jb" in out and "[link=file:///x]s" in out
    assert "\x1b" not in out and "\x07" not in out


def test_bad_record_messages_are_printed_inert(tmp_path):
    p = tmp_path / "bad[bold].jsonl"
    p.write_text(json.dumps({"id": "[/]\x1bc", "text": ""}) + "\n" + json.dumps({"id": "ok", "text": GOOD}) + "\n",
                 encoding="utf-8")
    res = run("ingest", str(p), "--db", str(tmp_path / "s.db"))
    assert res.exit_code == EXIT_INPUT
    assert "bad[bold].jsonl:1" in res.output and "'[/]\\x1bc'" in res.output and "\x1b" not in res.output


def test_a_one_line_error_shows_markup_in_the_path_as_written(tmp_path):
    res = run("compare", str(tmp_path / "[bold]gone[/].txt"))
    assert res.exit_code == EXIT_INPUT
    assert res.output.startswith("error:") and "[bold]gone[/].txt: file not found" in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.fixture
def no_analysis(monkeypatch):
    """Fail the test if the (slow) compare analysis starts."""
    import storytrace.compare as compare_pkg

    def refuse(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr(compare_pkg, "compare_articles", refuse)


def two(tmp_path, second: str = GOOD + " More."):
    p = tmp_path / "two.jsonl"
    p.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n" + json.dumps({"id": "b", "text": second}) + "\n",
                 encoding="utf-8")
    return p


def test_html_into_a_missing_folder_fails_before_the_analysis(tmp_path, no_analysis):
    res = run("compare", str(two(tmp_path)), "--html", str(tmp_path / "missing" / "r.html"))
    assert res.exit_code == EXIT_INPUT and "does not exist" in res.output


def test_a_superscript_digit_is_read_not_an_internal_error():
    from storytrace.compare.differences.numbers import compare_quantities, extract_quantities

    assert [q.text for q in extract_quantities("The area grew to 10² or 12 km² by Monday.")] == ["10", "12 km²"]
    [ch] = compare_quantities("The lake covers 12 km².", "The lake covers 15 km².")
    assert '"12 km²"' in ch.explanation and '"15 km²"' in ch.explanation


@pytest.fixture
def story_db(tmp_path):
    db = tmp_path / "s.db"
    assert run("ingest", str(two(tmp_path)), "--db", str(db)).exit_code == 0
    story = json.loads(run("stories", "--db", str(db), "--json").output)["stories"][0]["id"]
    return db, story


def test_story_refuses_a_stored_article_the_analysis_cannot_take(story_db, monkeypatch, no_analysis):
    db, story = story_db
    monkeypatch.setattr("storytrace.readers.checks.MAX_ARTICLE_CHARS", 50)  # stored before the limit existed
    res = run("story", story, "--db", str(db))
    assert res.exit_code == EXIT_INPUT and "50-character limit" in res.output


def test_story_html_into_a_missing_folder_fails_first(story_db, tmp_path, no_analysis):
    db, story = story_db
    res = run("story", story, "--db", str(db), "--html", str(tmp_path / "no" / "r.html"))
    assert res.exit_code == EXIT_INPUT and "does not exist" in res.output


def test_read_commands_open_the_store_read_only(story_db, monkeypatch):
    db, story = story_db
    from storytrace.corpus.store import Store

    seen = []
    real = Store.open.__func__

    def spy(cls, path, **kwargs):
        seen.append(kwargs.get("read_only", False))
        return real(cls, path, **kwargs)

    monkeypatch.setattr(Store, "open", classmethod(spy))
    assert run("stories", "--db", str(db)).exit_code == 0
    assert run("story", "no-such-story", "--db", str(db)).exit_code == EXIT_INPUT
    assert seen == [True, True]


def test_a_db_name_that_is_not_utf8_works_and_prints(tmp_path):
    db = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"s\xff.db"))
    res = run("ingest", str(two(tmp_path)), "--db", db)
    assert res.exit_code == 0 and "s\\xff.db" in res.output
    assert run("stories", "--db", db).exit_code == 0


def _make_read_only(path) -> bool:
    """chmod, and for root (whom chmod does not stop) the immutable flag; False when neither holds."""
    os.chmod(path, 0o444)
    if os.geteuid() != 0:
        return True
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_ingest_into_a_read_only_store_exits_3_with_a_clear_message(story_db, tmp_path):
    db, _ = story_db
    run("stories", "--db", str(db))  # a checkpointed, closed store
    if not _make_read_only(db):
        pytest.skip("cannot make a file read-only here")
    try:
        more = tmp_path / "more.jsonl"
        more.write_text(json.dumps({"id": "new", "text": "A new text about the harbour."}) + "\n", encoding="utf-8")
        res = run("ingest", str(more), "--db", str(db))
        assert res.exit_code == EXIT_ENV and "read-only" in res.output, res.output
        assert run("stories", "--db", str(db)).exit_code == 0  # still readable
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], capture_output=True)
        os.chmod(db, 0o644)


def test_the_exit_codes_are_documented():
    doc = cli.__doc__
    assert all(f"* {code} " in doc for code in (0, 1, 2, 3)) and EXIT_ENV == 3


@pytest.mark.parametrize("text, words", [
    (" ".join(f'He said "item {i}".' for i in range(1001)), "1,000-quote limit"),
    ("word " * 5001, "5,000-word limit per sentence"),
])
def test_compare_refuses_too_many_quotes_or_an_endless_sentence(tmp_path, no_analysis, text, words):
    p = tmp_path / "q.jsonl"
    p.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n" + json.dumps({"id": "big", "text": text}) + "\n",
                 encoding="utf-8")
    res = run("compare", str(p))
    assert res.exit_code == EXIT_INPUT and words in res.output and "'big'" in res.output
    assert res.output.startswith("error:") and str(p) in res.output


def test_an_article_too_long_to_align_is_refused_before_the_analysis(tmp_path, no_analysis):
    from storytrace.readers.limits import MAX_COMPARE_SENTENCES

    long_text = " ".join(f"Sentence number {k} says one thing." for k in range(MAX_COMPARE_SENTENCES + 5))
    res = run("compare", str(two(tmp_path, long_text)))
    assert res.exit_code == EXIT_INPUT and f"{MAX_COMPARE_SENTENCES:,}-sentence limit" in res.output
    assert "Traceback" not in res.output
