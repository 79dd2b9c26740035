"""The corpus store: schema, idempotent adds, conflicts, memberships and story stats."""
from __future__ import annotations

import sqlite3

import pytest

from storytrace.model import Article
from storytrace.corpus.store import SCHEMA_VERSION, Store, StoreError, content_hash, seen_key


def art(aid: str, text: str | None = None, **kw) -> Article:
    return Article(id=aid, text=text or f"Text of {aid}.", origin=f"t.jsonl:{aid}", **kw)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "s.db")
    yield s
    s.close()


def test_open_sets_up_wal_schema_version_and_foreign_keys(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert s.schema_version == SCHEMA_VERSION
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"meta", "articles", "stories", "memberships", "articles_fts", "ingest_runs"} <= tables
    with Store.open(path, create=False) as s:  # reopening migrates nothing and keeps the data
        assert s.schema_version == SCHEMA_VERSION


def test_open_errors_are_store_errors(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "missing.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just some bytes " * 100)
    with pytest.raises(StoreError, match="not a storytrace store"):
        Store.open(junk)
    newer = tmp_path / "newer.db"
    with Store.open(newer) as s:
        s.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer"):
        Store.open(newer)


def test_add_articles_is_idempotent_by_id_and_content(store):
    first = store.add_articles([art("a"), art("b")])
    assert [a.id for a in first.added] == ["a", "b"] and not first.unchanged and not first.conflicts
    again = store.add_articles([art("a"), art("b", title="a new title is not a new text")])
    assert not again.added and again.unchanged == ["a", "b"] and not again.conflicts
    assert store.article_count() == 2
    stored = store.conn.execute("SELECT content_hash FROM articles WHERE id = 'a'").fetchone()[0]
    assert stored == content_hash("Text of a.")


def test_same_id_with_other_text_is_a_conflict_and_the_stored_one_is_kept(store):
    store.add_articles([art("a", "The original text.")])
    res = store.add_articles([Article("a", "A different text.", origin="other.jsonl:7")])
    assert not res.added and len(res.conflicts) == 1
    c = res.conflicts[0]
    assert c.id == "a" and c.origin == "other.jsonl:7" and c.stored_origin == "t.jsonl:a"
    assert "kept the stored version" in c.message()
    assert store.articles(["a"])[0].text == "The original text."
    # within one call the first occurrence wins
    res = store.add_articles([art("x", "one"), art("x", "two"), art("x", "one")])
    assert [a.text for a in res.added] == ["one"] and len(res.conflicts) == 1 and res.unchanged == ["x"]


def test_articles_come_back_as_given_and_in_order(store):
    a = Article("a", "Body.", title="T", source="S", url="http://x", published_at="2024-01-02T03:04:05Z",
                origin="f.txt")
    store.add_articles([a, art("b")])
    assert store.articles(["b", "missing", "a"]) == [art("b"), a]
    assert [x.id for x in store.iter_articles(batch=1)] == ["a", "b"]


def test_assign_keeps_story_stats_equal_to_memberships(store):
    store.add_articles([
        art("a", title="Early", published_at="2024-01-01T10:00:00Z"),
        art("b", title="Late", published_at="2024-01-03T10:00:00+02:00"),
        art("c", title="Middle", published_at="2024-01-02"),
    ])
    with store.transaction():
        assert store.assign({"b": "s1", "c": "s1"}) == {"s1"}
    (s1,) = store.stories()
    assert (s1.size, s1.first_seen, s1.last_seen, s1.title) == (2, "2024-01-02T00:00:00Z", "2024-01-03T08:00:00Z", "Middle")
    store.assign({"a": "s1"})  # an earlier article joins: first seen and title follow it
    info, members = store.story("s1")
    assert (info.size, info.first_seen, info.title) == (3, "2024-01-01T10:00:00Z", "Early")
    assert [m.id for m in members] == ["a", "c", "b"]
    store.assign({"a": "s2"})  # a move recounts the story it left
    assert {s.id: s.size for s in store.stories()} == {"s1": 2, "s2": 1}
    assert store.story("s1")[0].title == "Middle"
    store.assign({"b": "s2", "c": "s2"})  # the emptied story disappears
    assert [(s.id, s.size) for s in store.stories()] == [("s2", 3)]
    assert store.check() == []


def test_undated_articles_use_ingest_time_only_while_the_story_has_no_dated_member(store):
    store.add_articles([art("u", "No date here.\nSecond line."), art("d", published_at="2020-05-05T05:05:05Z")])
    store.assign({"u": "s"})
    info = store.story("s")[0]
    assert info.first_seen and info.first_seen > "2020-05-05" and info.title == "No date here."
    store.assign({"d": "s"})
    info = store.story("s")[0]
    assert info.first_seen == info.last_seen == "2020-05-05T05:05:05Z"
    assert store.check() == []


def test_assign_of_an_unknown_article_fails_and_writes_nothing(store):
    store.add_articles([art("a")])
    with pytest.raises(StoreError, match="not stored"):
        store.assign({"a": "s", "ghost": "s"})
    assert store.counts()["memberships"] == 0 and store.counts()["stories"] == 0


def test_a_transaction_is_all_or_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.add_articles([art("a"), art("b")])
        store.assign({"a": "s", "b": "s"})
        raise RuntimeError("crash inside the batch")
    assert store.counts() == {"articles": 0, "stories": 0, "memberships": 0, "ingest_runs": 0}
    assert store.check() == []


def test_stories_order_and_limit_story_lookup_and_search(store):
    store.add_articles([
        art("a", "The bridge over the Lune opened.", published_at="2024-01-01"),
        art("b", "The bridge opened on Monday.", published_at="2024-01-02"),
        art("c", "Floods closed the quay.", published_at="2024-03-01"),
    ])
    store.assign({"a": "big", "b": "big", "c": "new"})
    assert [s.id for s in store.stories(order_by="size")] == ["big", "new"]
    assert [s.id for s in store.stories(order_by="recent")] == ["new", "big"]
    assert [s.id for s in store.stories(limit=1)] == ["big"]
    with pytest.raises(ValueError):
        store.stories(order_by="title")
    with pytest.raises(KeyError):
        store.story("nope")
    assert {r[0] for r in store.search("bridge")} == {"a", "b"}


def test_check_reports_inconsistencies(store):
    store.add_articles([art("a"), art("b")])
    store.assign({"a": "s"})
    problems = store.check()
    assert any("without a story" in p for p in problems)
    store.assign({"b": "s"})
    store.conn.execute("UPDATE stories SET size = 7")
    assert any("story stats" in p for p in store.check())


def test_seen_key_normalises_times():
    assert seen_key("2024-01-02T03:04:05Z") == "2024-01-02T03:04:05Z"
    assert seen_key("2024-01-02T03:04:05+01:00") == "2024-01-02T02:04:05Z"
    assert seen_key("2024-01-02") == "2024-01-02T00:00:00Z"
    assert seen_key("1394470370698") == "2014-03-10T16:52:50Z"  # Unix ms (UCI News)
    assert seen_key("Tue, 11 Mar 2014 10:00:00 GMT") == "2014-03-11T10:00:00Z"
    assert seen_key("last Tuesday") is None and seen_key(None) is None


def test_concurrent_reader_sees_committed_batches_only(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as w:
        w.add_articles([art("a")])
        w.assign({"a": "s"})
        reader = sqlite3.connect(path)
        with w.transaction():
            w.add_articles([art("b")])
            w.assign({"b": "s"})
            assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # WAL: not blocked
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        reader.close()


# --------------------------------------------------------------------------- migration sets and old files

from storytrace.corpus.store import MIGRATION_SETS, StoryStats  # noqa: E402
from tests.corpus.oldformat import make_old_store, schema  # noqa: E402


def test_every_table_owner_has_a_versioned_migration_set(tmp_path):
    assert [m.owner for m in MIGRATION_SETS] == ["store", "grouping", "web"]
    assert MIGRATION_SETS[0].meta_key == "schema_version" and MIGRATION_SETS[0].version == SCHEMA_VERSION
    with Store.open(tmp_path / "s.db") as s:
        assert s.schema_versions() == {m.owner: m.version for m in MIGRATION_SETS}
        meta = dict(s.conn.execute("SELECT key, value FROM meta"))
        assert meta == {"schema_version": "1", "grouping_schema_version": "3", "web_schema_version": "2"}
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"grp_meta", "grp_story", "grp_article", "grp_snapshot", "web_story_stats"} <= tables
        assert s.check() == []
    for owner in ("grouping", "web"):  # a newer set is refused like a newer store
        path = tmp_path / f"newer-{owner}.db"
        with Store.open(path) as s:
            s.conn.execute("UPDATE meta SET value = '9' WHERE key = ?", (f"{owner}_schema_version",))
        with pytest.raises(StoreError, match=f"{owner} schema version 9 is newer"):
            Store.open(path)


@pytest.fixture(scope="module")
def current_store(tmp_path_factory):
    """A store as the current code leaves it after ingesting the examples and one analysis' counts."""
    from storytrace.corpus.ingest import ingest_paths
    from tests.helpers import EXAMPLES

    path = tmp_path_factory.mktemp("current") / "current.db"
    with Store.open(path) as s:
        ingest_paths(s, [EXAMPLES])
        s.save_story_stats(StoryStats("s-orlen-derailment-wire", "k" * 64, 3, 5, 1, 2, 2))
    return path


def test_an_old_format_store_opens_reads_and_ingests(current_store, tmp_path):
    from storytrace.corpus.ingest import ingest_paths
    from storytrace.corpus.storygrouping import StoryGrouper
    from tests.helpers import EXAMPLES

    old = make_old_store(tmp_path / "old.db", current_store)
    with sqlite3.connect(old) as c:
        assert dict(c.execute("SELECT key, value FROM meta")) == {"schema_version": "1"}
    with Store.open(old, create=False) as s:
        # the new sets adopted the tables as they were: the file now equals a fresh store's schema
        assert s.schema_versions() == {"store": 1, "grouping": 3, "web": 2}
        assert schema(s.conn) == schema(Store.open(":memory:").conn)
        assert s.check() == []
        assert s.counts()["articles"] == 8 and s.story_count() == 4
        info, members = s.story("s-orlen-derailment-wire")
        assert info.size == 3 and [m.id for m in members][0] == "orlen-derailment-wire"
        assert s.story_stats(["s-orlen-derailment-wire"])["s-orlen-derailment-wire"].findings == 5
        assert "brantwick-fire-wire" in {r[0] for r in s.search("warehouse")}
        # the grouper continues the stored state: a copy joins its original's story
        wire = s.articles(["orlen-derailment-wire"])[0]
        copy = Article("copy", wire.text, title=wire.title, published_at="2026-04-17T09:00:00Z", origin="copy")
        before = s.story_count()
        with s.transaction():
            s.add_articles([copy])
            s.assign(StoryGrouper(s).assign([copy]))
        assert s.membership(["copy"]) == {"copy": "s-orlen-derailment-wire"}
        assert s.story_count() == before
        new = tmp_path / "new.jsonl"
        new.write_text('{"id": "late", "text": "The Vantry council approved a footbridge on Tuesday."}\n',
                       encoding="utf-8")
        rep = ingest_paths(s, [EXAMPLES, new])
        assert (rep.added, rep.unchanged, rep.n_conflicts) == (1, 8, 0)
        assert s.membership(["late"]) and s.check() == []


def test_a_read_only_old_store_is_still_readable(current_store, tmp_path):
    old = make_old_store(tmp_path / "old-ro.db", current_store, web=False)
    conn = sqlite3.connect(f"file:{old}?mode=ro", uri=True, isolation_level=None)
    s = Store.attach(conn, str(old))  # the migrations cannot run: the corpus stays readable
    assert s.pending_owners == ("grouping", "web")
    assert s.schema_version == SCHEMA_VERSION and s.story_count() == 4
    assert [a.id for a in s.story("s-orlen-derailment-wire")[1]][0] == "orlen-derailment-wire"
    with pytest.raises(sqlite3.Error):  # what the web app shows as "not analysed yet"
        s.story_stats(["s-orlen-derailment-wire"])
    from storytrace.corpus.stories import load_story, stored_analysis

    assert stored_analysis(s, load_story(s, "s-orlen-derailment-wire")) is None  # analysed afresh, not a crash
    problems = s.check()
    assert sorted(problems) == [
        "grouping tables at schema version 0, expected 3 (open the store writable once to upgrade them)",
        "web tables at schema version 0, expected 2 (open the store writable once to upgrade them)"]
    conn.close()
    # a read-only file whose corpus tables are not there (or too old) cannot be used at all
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(StoreError, match="cannot open"):
        Store.attach(sqlite3.connect(f"file:{empty}?mode=ro", uri=True, isolation_level=None), str(empty))


def test_check_covers_the_grouping_state(tmp_path):
    from storytrace.corpus.ingest import ingest_articles
    from storytrace.readers.records import read_articles
    from tests.helpers import EXAMPLES

    # headlines alone: the grouper whose state lives in the grouping tables (storygrouping.py)
    heads = [Article(a.id, a.title, title=a.title, published_at=a.published_at)
             for a in read_articles([EXAMPLES]) if a.title]
    with Store.open(tmp_path / "g.db") as s:
        ingest_articles(s, heads)
        assert s.check() == []
        wire = s.membership(["orlen-derailment-wire"])["orlen-derailment-wire"]
        other = s.membership(["brantwick-fire-wire"])["brantwick-fire-wire"]
        assert wire != other
        s.conn.execute("UPDATE grp_story SET n = n + 1 WHERE story_id = ?", (wire,))
        assert any("grouping: story sizes differ" in p for p in s.check())
        s.conn.execute("UPDATE grp_story SET n = n - 1 WHERE story_id = ?", (wire,))
        s.assign({"orlen-derailment-wire": other})  # behind the grouper's back
        assert any("grouping and memberships disagree" in p for p in s.check())
