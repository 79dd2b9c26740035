"""Issue 12 regressions: read-only opening, files that are no store, environment failures."""

from __future__ import annotations

import sqlite3

import pytest

from storytrace.corpus.ingest import ingest_paths
from storytrace.corpus.store import Store, StoreError, StoreUnavailable, environment_problem
from tests.helpers import EXAMPLES


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as s:
        ingest_paths(s, [EXAMPLES])
    return path


def unrelated(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    return path


def test_read_only_open_reads_a_store_and_writes_nothing(store_path):
    before = store_path.read_bytes()
    with Store.open(store_path, read_only=True) as s:
        assert s.story_count() == 4 and s.pending_owners == ()
        with pytest.raises(sqlite3.OperationalError) as ei:
            s.start_run(["x"])
        assert environment_problem(ei.value) and "read-only" in environment_problem(ei.value)
    assert store_path.read_bytes() == before


@pytest.mark.parametrize("make, message", [
    (lambda p: unrelated(p), "not a storytrace store"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_bytes(b"plain text, not a database " * 50), "not a storytrace store"),
], ids=["unrelated-sqlite", "empty", "not-sqlite"])
def test_read_only_open_refuses_a_file_that_is_no_store_and_leaves_it_alone(tmp_path, make, message):
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        Store.open(path, read_only=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal / -shm left behind


def test_read_only_open_of_a_missing_file_creates_nothing(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "missing.db", read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_a_writable_open_never_turns_an_unrelated_sqlite_file_into_a_store(tmp_path):
    path = unrelated(tmp_path / "notes.sqlite")
    with pytest.raises(StoreError, match="SQLite database of something else"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["notes"]
    conn.close()


def test_a_store_in_a_missing_folder_is_an_input_error_not_an_environment_one(tmp_path):
    with pytest.raises(StoreError, match="does not exist") as ei:
        Store.open(tmp_path / "nowhere" / "s.db")
    assert not isinstance(ei.value, StoreUnavailable)


@pytest.mark.parametrize("message, expected", [
    ("attempt to write a readonly database", "read-only"),
    ("database or disk is full", "disk is full"),
    ("database is locked", "locked"),
    ("disk I/O error", "I/O"),
    ("no such table: x", None),
])
def test_environment_problems_are_named(message, expected):
    found = environment_problem(sqlite3.OperationalError(message))
    assert (found is None) if expected is None else (expected in found)
    assert environment_problem(ValueError(message)) is None
