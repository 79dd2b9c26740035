"""Stores as storytrace wrote them before the grouping and web tables had migration sets.

Then ``store.py`` versioned only its own tables (``meta.schema_version`` = 1), the
grouper created its ``grp_*`` tables itself and the web app its ``web_story_stats``,
with the DDL below (copied from that code; never edit it). `make_old_store` writes
such a file from raw SQL and fills it with the rows a current store holds after
ingesting the examples, so it holds real, consistent data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storytrace.corpus.store import MIGRATIONS

OLD_STORE_DDL = MIGRATIONS[0]  # released step: frozen by the rule on MIGRATIONS
OLD_GROUPER_DDL = (
    "CREATE TABLE IF NOT EXISTS grp_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS grp_story (idx INTEGER PRIMARY KEY, story_id TEXT NOT NULL UNIQUE, "
    "n INTEGER NOT NULL, first_ts REAL, last_ts REAL, vsum BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS grp_article (article_id TEXT PRIMARY KEY, story_idx INTEGER NOT NULL, "
    "ts REAL, minhash BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS grp_article_ts ON grp_article (ts)",
)
OLD_WEB_DDL = (
    "CREATE TABLE IF NOT EXISTS web_story_stats (story_id TEXT PRIMARY KEY, key TEXT NOT NULL, "
    "n_articles INTEGER NOT NULL, findings INTEGER NOT NULL, high INTEGER NOT NULL, "
    "medium INTEGER NOT NULL, low INTEGER NOT NULL, computed_at TEXT NOT NULL)",
)
COPIED = ("articles", "stories", "memberships", "ingest_runs", "grp_meta", "grp_story", "grp_article")


def make_old_store(path: Path, source: Path | None = None, *, web: bool = True) -> Path:
    """An old-format store at ``path``; with ``source`` (a current store), holding its rows.

    ``web=False``: a file the web app never opened (no ``web_story_stats``)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        buf = []  # one statement at a time (trigger bodies whole): executescript would commit
        for line in OLD_STORE_DDL.strip().splitlines():
            buf.append(line)
            if sqlite3.complete_statement("\n".join(buf)):
                conn.execute("\n".join(buf))
                buf = []
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
        for ddl in OLD_GROUPER_DDL + (OLD_WEB_DDL if web else ()):
            conn.execute(ddl)
        if source is not None:
            conn.execute("ATTACH DATABASE ? AS src", (str(source),))
            for table in COPIED:  # the FTS index fills itself from the articles' triggers
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
            if web:
                conn.execute("INSERT INTO main.web_story_stats SELECT * FROM src.web_story_stats")
        conn.execute("COMMIT")
        if source is not None:
            conn.execute("DETACH DATABASE src")
    finally:
        conn.close()
    return path


def schema(conn: sqlite3.Connection) -> dict[tuple[str, str], str | None]:
    """Every table, index and trigger of the file with its DDL."""
    return {(t, n): sql for t, n, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")}
