"""The corpus store: articles, stories and memberships in one SQLite file.

A small library API in the spirit of sqlite-utils; the ``ingest`` / ``stories``
/ ``story`` commands are a thin layer over it::

    from storytrace.corpus.store import Store

    with Store.open("storytrace.db") as store:
        with store.transaction():                 # one batch = one transaction
            res = store.add_articles(articles)    # idempotent by id + content hash
            store.assign(grouper.assign(res.added))
        for s in store.stories(order_by="size", limit=10):
            print(s.id, s.size, s.title)
        info, members = store.story(s.id)

This is the only module that writes SQL. Storage: SQLite in WAL mode (readers
never block the writer), foreign keys on, ``synchronous=NORMAL`` (a committed
batch survives a process crash; a power cut may lose the last few commits,
never consistency).

Schema: one `MigrationSet` per table owner, each with its own version row in
``meta`` (`MIGRATION_SETS`); `Store.open` applies the missing steps of every
set in one transaction:

* ``"store"`` (``meta.schema_version``, the steps in `MIGRATIONS`): the corpus.
* ``"grouping"`` (``meta.grouping_schema_version``): the state of the incremental
  grouper (`storytrace.corpus.grouping.CorpusGrouper`), read and written through
  the ``grouping_*`` methods.
* ``"web"`` (``meta.web_schema_version``): the findings counts per story
  (`Store.story_stats`, `Store.save_story_stats`) and the analyses themselves,
  without texts (`Store.story_analysis`, `Store.save_story_analysis`), as
  ``storytrace analyze`` and the web app computed them.

The first step of ``"grouping"`` and ``"web"`` adopts the tables that files
written before those sets existed already hold (``CREATE TABLE IF NOT EXISTS``
with the same columns). A store that cannot be written (a read-only file)
opens for reading as long as the ``"store"`` set is current; the other sets'
steps then wait (`Store.pending_owners`) and `Store.check` says so.

``Store.open(path, read_only=True)`` (the read commands) opens the file with
SQLite's ``mode=ro`` and migrates nothing: a file that is not a current
storytrace store (an unrelated SQLite file, an empty file) is refused with
`StoreError` and left exactly as it was. A writable open refuses a SQLite file
that holds other tables but none of a storytrace store. Failures of the
environment (read-only file, disk full, locked past the timeout) are
`StoreUnavailable`; `environment_problem` names them for errors raised later.

Tables:

* ``articles`` -- ``id`` (unique key), ``content_hash`` (SHA-256 of the text),
  ``title``, ``source``, ``url``, ``published_at`` (as given), ``text``,
  ``origin`` (file[:line] it was read from), ``ingested_at``, ``seen_at``
  (``published_at`` normalised to ISO 8601 UTC; NULL when there is none or it
  cannot be read), ``run_id``. ``n`` is an INTEGER PRIMARY KEY so the
  full-text index can point at rows by a rowid that ``VACUUM`` never changes.
* ``stories`` -- ``id``, ``title`` (of its earliest article, or the first line
  of that article's text when it has no title), ``size``, ``first_seen`` /
  ``last_seen`` (earliest / latest ``seen_at`` of its members; for a story
  with no dated member, their ``ingested_at``), ``dated`` (members with a
  ``seen_at``);
  kept equal to what ``memberships`` says by `Store.assign`.
* ``memberships`` -- ``article_id`` (primary key, references ``articles``) ->
  ``story_id`` (references ``stories``).
* ``articles_fts`` -- FTS5 over ``title`` + ``text`` (external content, kept
  in step by triggers); `Store.search` queries it.
* ``ingest_runs`` -- one row per ingest: paths, status, counts, a sample of
  the errors.
* ``grp_phrase`` (per lead-sentence hash: how many grouped articles carry it;
  grouping step 2), ``grp_meta`` (generation, params), ``grp_story`` (per story: dense index,
  id, size, time span, centroid sum), ``grp_article`` (per article: story
  index, time, MinHash state) -- the grouper's state.
* ``web_story_stats`` -- per story: the key of the analysis its counts come
  from, findings per severity.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from storytrace.model import Article
from storytrace.published import published_key

__all__ = [
    "MIGRATIONS",
    "MIGRATION_SETS",
    "SCHEMA_VERSION",
    "AddResult",
    "Conflict",
    "GroupArticleRow",
    "GroupStoryRow",
    "IngestRun",
    "MigrationSet",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoryInfo",
    "StoryStats",
    "content_hash",
    "environment_problem",
    "seen_key",
]

_CHUNK = 500  # ids per IN (...) query


class StoreError(Exception):
    """A store that cannot be used: missing, not a database, too new, inconsistent use."""


class StoreUnavailable(StoreError):
    """The store is fine but the environment is not: read-only file or folder, disk full, locked, I/O error."""


# SQLite's primary result codes for failures of the environment rather than of the file's content
_ENVIRONMENT_CODES = {
    getattr(sqlite3, "SQLITE_READONLY", 8): "the store is read-only (check the file's and its folder's permissions)",
    getattr(sqlite3, "SQLITE_FULL", 13): "the disk is full",
    getattr(sqlite3, "SQLITE_BUSY", 5): "the store is locked by another process (it stayed locked past the timeout)",
    getattr(sqlite3, "SQLITE_LOCKED", 6): "the store is locked by another connection",
    getattr(sqlite3, "SQLITE_IOERR", 10): "disk I/O error",
    getattr(sqlite3, "SQLITE_CANTOPEN", 14): "cannot open the file (missing folder or no permission)",
    getattr(sqlite3, "SQLITE_PERM", 3): "permission denied",
}
_ENVIRONMENT_WORDS = (("readonly", 8), ("read-only", 8), ("disk is full", 13), ("database is locked", 5),
                      ("table is locked", 6), ("disk i/o error", 10), ("unable to open", 14))


def environment_problem(exc: BaseException) -> str | None:
    """What failed around the store (read-only, disk full, locked...), or None when ``exc`` is no such failure."""
    if isinstance(exc, StoreUnavailable):
        return str(exc)
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None and code & 0xFF in _ENVIRONMENT_CODES:
        return _ENVIRONMENT_CODES[code & 0xFF]
    low = str(exc).lower()
    return next((_ENVIRONMENT_CODES[c] for word, c in _ENVIRONMENT_WORDS if word in low), None)


# --------------------------------------------------------------------------- schema

_V1 = """
CREATE TABLE articles (
    n            INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title        TEXT,
    source       TEXT,
    url          TEXT,
    published_at TEXT,
    text         TEXT NOT NULL,
    origin       TEXT,
    ingested_at  TEXT NOT NULL,
    seen_at      TEXT,
    run_id       INTEGER
);
CREATE INDEX articles_content_hash ON articles(content_hash);

CREATE TABLE stories (
    id         TEXT PRIMARY KEY,
    title      TEXT,
    size       INTEGER NOT NULL CHECK (size >= 0),
    dated      INTEGER NOT NULL DEFAULT 0,  -- members with a publication time
    first_seen TEXT,
    last_seen  TEXT
);
CREATE INDEX stories_size ON stories(size DESC, last_seen DESC);
CREATE INDEX stories_recent ON stories(last_seen DESC);

CREATE TABLE memberships (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories(id)
);
CREATE INDEX memberships_story ON memberships(story_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='n'
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
END;

CREATE TABLE ingest_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    paths        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    records      INTEGER NOT NULL DEFAULT 0,
    added        INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    conflicts    INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,
    error_sample TEXT NOT NULL DEFAULT '[]'
);
"""

# IF NOT EXISTS, with exactly the columns the grouper created on its own before this set
# existed: files from then already hold these tables, and this step adopts them as they are.
_GROUPING_V1 = """
CREATE TABLE IF NOT EXISTS grp_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grp_story (idx INTEGER PRIMARY KEY, story_id TEXT NOT NULL UNIQUE, n INTEGER NOT NULL, first_ts REAL, last_ts REAL, vsum BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS grp_article (article_id TEXT PRIMARY KEY, story_idx INTEGER NOT NULL, ts REAL, minhash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS grp_article_ts ON grp_article (ts);
"""

# how many grouped articles carry each lead sentence (a hash of it): boilerplate is what many carry
_GROUPING_V2 = """
CREATE TABLE IF NOT EXISTS grp_phrase (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
"""

# the average-link grouper's state (`storytrace.events.lexicalgrouping.AverageLinkGrouper.to_bytes`) as of one
# lexical generation, so that a new process need not read and group every article with text again
_GROUPING_V3 = """
CREATE TABLE IF NOT EXISTS grp_snapshot (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, data BLOB NOT NULL);
"""

# the same for the table the web app created on its own
_WEB_V1 = """
CREATE TABLE IF NOT EXISTS web_story_stats (story_id TEXT PRIMARY KEY, key TEXT NOT NULL, n_articles INTEGER NOT NULL, findings INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL, computed_at TEXT NOT NULL);
"""

# the analyses themselves (the compare contract without texts, zlib-compressed JSON), so a story's page and
# `storytrace story ID` read what `storytrace analyze` computed instead of computing it again
_WEB_V2 = """
CREATE TABLE IF NOT EXISTS web_story_analysis (story_id TEXT PRIMARY KEY, key TEXT NOT NULL, report BLOB NOT NULL, computed_at TEXT NOT NULL);
"""

#: ``MIGRATIONS[k]`` takes the ``"store"`` tables from schema version ``k`` to ``k + 1``
#: (version 0 is an empty file). Append; never edit a released step.
MIGRATIONS: list[str] = [_V1]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class MigrationSet:
    """The schema steps of one table owner; its version is kept in ``meta`` under ``meta_key``.

    ``steps[k]`` takes the owner's tables from version ``k`` to ``k + 1``. Append; never
    edit a released step."""

    owner: str
    meta_key: str
    steps: tuple[str, ...]

    @property
    def version(self) -> int:
        return len(self.steps)


#: every owner's tables, in the order they are created (later sets may refer to earlier ones)
MIGRATION_SETS: tuple[MigrationSet, ...] = (
    MigrationSet("store", "schema_version", tuple(MIGRATIONS)),  # the key files have always had
    MigrationSet("grouping", "grouping_schema_version", (_GROUPING_V1, _GROUPING_V2, _GROUPING_V3)),
    MigrationSet("web", "web_schema_version", (_WEB_V1, _WEB_V2)),
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Conflict:
    """An incoming article whose id is stored with a different text; the stored one is kept."""

    id: str
    origin: str | None  # where the rejected version was read
    stored_origin: str | None  # where the kept version came from

    def message(self) -> str:
        return (f"article id {self.id!r} is already stored with a different text "
                f"(from {self.stored_origin or '?'}); kept the stored version, skipped this one")


@dataclass
class AddResult:
    """What `Store.add_articles` did: ``added`` articles are new (group them next)."""

    added: list[Article] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ids already stored with the same text
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True)
class StoryInfo:
    """A stored story: its size and the first/last time one of its articles was seen."""

    id: str
    title: str | None
    size: int
    first_seen: str | None
    last_seen: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "size": self.size,
                "first_seen": self.first_seen, "last_seen": self.last_seen}


@dataclass(frozen=True)
class StoryMember:
    """One article of a stored story, without its text."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published_at: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source, "url": self.url,
                "published_at": self.published_at}


@dataclass(frozen=True)
class IngestRun:
    id: int
    started_at: str
    finished_at: str | None
    paths: list[str]
    status: str
    records: int
    added: int
    unchanged: int
    conflicts: int
    errors: int
    error_sample: list[dict]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class StoryStats:
    """The web app's findings counts for one story, and the key of the analysis they come from."""

    story_id: str
    key: str  # storytrace.corpus.stories.story_key of the articles analysed
    n_articles: int
    findings: int
    high: int
    medium: int
    low: int
    computed_at: str | None = None  # None: now, when saved


#: one ``grp_story`` row: (dense index, story id, size, first time, last time, centroid sum as float32 bytes)
GroupStoryRow = tuple[int, str, int, "float | None", "float | None", bytes]
#: one ``grp_article`` row: (article id, story index, time, rensa MinHash state)
GroupArticleRow = tuple[str, int, "float | None", bytes]


def content_hash(text: str) -> str:
    """SHA-256 of the article text as read (the identity of its content)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seen_key(published_at: str | None) -> str | None:
    """``published_at`` as sortable ISO 8601 UTC (``YYYY-MM-DDTHH:MM:SSZ``), or None."""
    return published_key(published_at)


def _chunks(seq: Sequence, n: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


_STORY_OF = "SELECT article_id, story_id FROM memberships WHERE article_id IN ({ids})"


def _select_in(conn: sqlite3.Connection, query: str, ids: Iterable[str]) -> Iterator[tuple]:
    """Rows of ``query`` (with ``{ids}`` where the ``IN (...)`` list goes) for all ``ids``, a chunk at a time
    (SQLite caps the parameters of one statement)."""
    for chunk in _chunks(list(ids)):
        yield from conn.execute(query.format(ids=",".join("?" * len(chunk))), chunk)


_ARTICLE_COLS = "id, text, title, source, url, published_at, origin"


def _article(row: Sequence) -> Article:
    return Article(id=row[0], text=row[1], title=row[2], source=row[3], url=row[4],
                   published_at=row[5], origin=row[6])


# --------------------------------------------------------------------------- the store


class Store:
    """One SQLite file holding the corpus. Use `Store.open`; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        #: owners whose migrations could not run because the file is read-only
        self.pending_owners: tuple[str, ...] = ()

    # ----------------------------------------------------------------- open / close

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 30.0,
             read_only: bool = False) -> Store:
        """Open (``create=True``: or create) the store at ``path`` and bring its schema up to date.

        ``read_only=True``: open it for reading only (SQLite ``mode=ro``), migrate nothing,
        and refuse a file that is not a current storytrace store; ``create`` is then ignored.
        Raises `StoreError` when the file is missing (and ``create`` is false), is
        not a SQLite database (or a SQLite database of something else), or was written
        by a newer storytrace; `StoreUnavailable` when it is locked, read-only or the disk is full.
        """
        path = os.fspath(path)
        if read_only:
            return cls._open_read_only(path, timeout)
        if path != ":memory:" and not create and not os.path.exists(path):
            raise StoreError(f"{path}: no such store (run `storytrace ingest PATH --db {path}` first)")
        if path != ":memory:" and os.path.isdir(path):
            raise StoreError(f"{path}: is a folder, not a store file")
        folder = os.path.dirname(os.path.abspath(path))
        if path != ":memory:" and not os.path.isdir(folder):
            raise StoreError(f"{path}: folder {folder} does not exist")
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open ({e})") from None
        store = cls(conn, path)
        try:
            with _store_errors(path):
                store._refuse_foreign()
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, path: str, timeout: float) -> Store:
        if path == ":memory:" or not os.path.exists(path):
            raise StoreError(f"{path}: no such store (run `storytrace ingest PATH --db {path}` first)")
        if os.path.isdir(path):
            raise StoreError(f"{path}: is a folder, not a store file")
        if os.path.getsize(path) == 0:
            raise StoreError(f"{path}: empty file, not a storytrace store (give the file `storytrace ingest` made)")
        uri = "file:" + urllib.parse.quote(os.fsencode(os.path.abspath(path))) + "?mode=ro"  # any bytes in the name
        # on a read-only mount SQLite cannot make the WAL index (-shm): nobody can write there, so
        # the file is immutable and may be read as such
        fallback = not (os.access(path, os.W_OK) and os.access(os.path.dirname(os.path.abspath(path)), os.W_OK))
        for attempt in (uri, uri + "&immutable=1") if fallback else (uri,):
            try:
                conn = sqlite3.connect(attempt, uri=True, timeout=timeout, isolation_level=None)
            except sqlite3.Error as e:
                raise StoreError(f"{path}: cannot open ({e})") from None
            store = cls(conn, path)
            try:
                with _store_errors(path):
                    store._check_current()
                return store
            except StoreUnavailable:
                conn.close()
                if attempt != uri or not fallback:
                    raise
            except BaseException:
                conn.close()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _refuse_foreign(self) -> None:
        """A SQLite file of something else (tables, none of them ours) is never turned into a store."""
        tables = self._tables()
        if tables and not tables & {"meta", "articles"}:
            shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(f"{self.path}: a SQLite database of something else (tables: {shown}), not a "
                             "storytrace store; give another file name")

    def _check_current(self) -> None:
        """For a read-only open: the file must hold a current storytrace store (nothing is migrated)."""
        tables = self._tables()
        if not {"meta", "articles", "stories", "memberships"} <= tables:
            what = f"tables: {', '.join(sorted(tables)[:5])}" if tables else "no tables"
            raise StoreError(f"{self.path}: not a storytrace store ({what}); give the file `storytrace ingest` made")
        versions = self.schema_versions()
        for m in MIGRATION_SETS:
            if versions[m.owner] > m.version:
                raise StoreError(f"{self.path}: {m.owner} schema version {versions[m.owner]} is newer than this "
                                 f"storytrace understands ({m.version}); upgrade storytrace")
        if versions["store"] < SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {versions['store']} is older than this "
                             f"storytrace's ({SCHEMA_VERSION}); run `storytrace ingest` on it once to upgrade it")
        self.pending_owners = tuple(m.owner for m in MIGRATION_SETS if versions[m.owner] < m.version)

    @classmethod
    def attach(cls, conn: sqlite3.Connection, path: str = "<connection>") -> Store:
        """A store over a connection the caller opened (and closes), its schema brought up to date.

        For code that holds a bare ``sqlite3`` connection, e.g. a grouper over a scratch file.
        The connection's settings (isolation level, pragmas) are left as they are."""
        store = cls(conn, path)
        with _store_errors(path):
            store._migrate()
        return store

    def close(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The version of the ``"store"`` tables (``meta.schema_version``)."""
        return self.schema_versions()["store"]

    def schema_versions(self) -> dict[str, int]:
        """Each owner's schema version as stored (0: its tables are not there yet)."""
        rows = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        return {m.owner: int(rows.get(m.meta_key, 0)) for m in MIGRATION_SETS}

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        versions = self.schema_versions()
        for m in MIGRATION_SETS:
            if versions[m.owner] > m.version:
                what = "schema version" if m.owner == "store" else f"{m.owner} schema version"
                raise StoreError(f"{self.path}: {what} {versions[m.owner]} is newer than this storytrace "
                                 f"understands ({m.version}); upgrade storytrace")
        pending = tuple(m.owner for m in MIGRATION_SETS if versions[m.owner] < m.version)
        if not pending:
            return
        try:
            with self.transaction():
                versions = self.schema_versions()  # another process may have migrated meanwhile
                for m in MIGRATION_SETS:
                    for step in range(versions[m.owner], m.version):
                        for stmt in _statements(m.steps[step]):
                            self.conn.execute(stmt)
                    if versions[m.owner] != m.version:
                        self.conn.execute(
                            "INSERT INTO meta(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (m.meta_key, str(m.version)))
        except sqlite3.OperationalError as e:
            # a read-only file whose corpus tables are current stays readable; what needs
            # the missing steps (grouping, the web's counts) finds its tables absent or old
            if not _is_read_only(e) or versions["store"] < SCHEMA_VERSION:
                raise
            self.pending_owners = pending

    # ----------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on an exception).

        Inside an open transaction it just joins it, so library calls compose:
        everything under the outermost ``with store.transaction()`` is stored
        together or not at all.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # ----------------------------------------------------------------- articles

    def add_articles(self, articles: Iterable[Article], *, run_id: int | None = None) -> AddResult:
        """Store the articles not stored yet; idempotent by id + content hash.

        * a new id: stored, listed in ``added`` (the caller groups these);
        * an id stored with the same text: ``unchanged`` (nothing is written,
          metadata differences are ignored);
        * an id stored with a different text: a `Conflict`; **the stored version
          is kept** and the incoming one is skipped. The same applies to an id
          repeated within ``articles``: the first occurrence wins.
        """
        arts = list(articles)
        res = AddResult()
        if not arts:
            return res
        ids = list(dict.fromkeys(a.id for a in arts))
        stored: dict[str, tuple[str, str | None]] = {}
        query = "SELECT id, content_hash, origin FROM articles WHERE id IN ({ids})"
        for aid, h, origin in _select_in(self.conn, query, ids):
                stored[aid] = (h, origin)
        now = _now()
        rows = []
        for a in arts:
            h = content_hash(a.text)
            prev = stored.get(a.id)
            if prev is None:
                stored[a.id] = (h, a.origin)
                res.added.append(a)
                rows.append((a.id, h, a.title, a.source, a.url, a.published_at, a.text, a.origin,
                             now, seen_key(a.published_at), run_id))
            elif prev[0] == h:
                res.unchanged.append(a.id)
            else:
                res.conflicts.append(Conflict(a.id, a.origin, prev[1]))
        if rows:
            with self.transaction():
                self.conn.executemany(
                    "INSERT INTO articles(id, content_hash, title, source, url, published_at, text, "
                    "origin, ingested_at, seen_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        return res

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """The stored articles with these ids, in that order (unknown ids are left out).

        ``ids=None``: all articles in ingest order (use `iter_articles` for a big corpus).
        """
        if ids is None:
            return list(self.iter_articles())
        ids = list(ids)
        found: dict[str, Article] = {}
        query = f"SELECT {_ARTICLE_COLS} FROM articles WHERE id IN ({{ids}})"
        for row in _select_in(self.conn, query, ids):
                found[row[0]] = _article(row)
        return [found[i] for i in ids if i in found]

    def iter_articles(self, batch: int = 1000) -> Iterator[Article]:
        """Every stored article in ingest order, read ``batch`` rows at a time."""
        return self._paged_articles("articles a", batch)

    def iter_grouped_articles(self, batch: int = 1000) -> Iterator[Article]:
        """Every stored article that has a story, in ingest order, read ``batch`` rows at a time."""
        return self._paged_articles("articles a JOIN memberships m ON m.article_id = a.id", batch)

    def _paged_articles(self, source: str, batch: int) -> Iterator[Article]:
        """The articles of ``source`` (a FROM clause naming ``articles`` as ``a``) in ingest order, by keyset pages."""
        cols = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLS.split(","))
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT a.n, {cols} FROM {source} WHERE a.n > ? ORDER BY a.n LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _article(row[1:])
            last = rows[-1][0]

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str | None, str]]:
        """Full-text search (FTS5 syntax) over title + text: ``(id, title, snippet)``, best first."""
        rows = self.conn.execute(
            "SELECT a.id, a.title, snippet(articles_fts, 1, '[', ']', '…', 12) "
            "FROM articles_fts JOIN articles a ON a.n = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit)).fetchall()
        return [tuple(r) for r in rows]

    # ----------------------------------------------------------------- grouping

    def assign(self, mapping: Mapping[str, str]) -> set[str]:
        """Record ``{article_id: story_id}`` memberships and keep story stats in step.

        Articles must be stored already. A new membership adds to its story
        (created when new); an article already in another story is moved, and
        the story it left is recounted (and deleted when empty). Returns the ids
        of the stories touched. Runs in the caller's transaction if one is open.
        """
        if not mapping:
            return set()
        with self.transaction():
            ids = list(mapping)
            current: dict[str, str] = {}
            current.update(_select_in(self.conn, _STORY_OF, ids))
            changes = [(aid, str(sid)) for aid, sid in mapping.items() if current.get(aid) != str(sid)]
            if not changes:
                return set()
            left = {current[aid] for aid, _ in changes if aid in current}
            # per target story: count, first/last seen and the earliest title of the newcomers
            meta: dict[str, tuple[str | None, str, str | None]] = {}
            changed_ids = [aid for aid, _ in changes]
            query = ("SELECT id, seen_at, ingested_at, title, substr(text, 1, 200) FROM articles "
                     "WHERE id IN ({ids})")
            for aid, seen, ingested, title, head in _select_in(self.conn, query, changed_ids):
                    meta[aid] = (seen, ingested, _story_title(title, head))
            missing = [aid for aid in changed_ids if aid not in meta]
            if missing:
                raise StoreError(f"cannot assign articles that are not stored: {', '.join(missing[:5])}"
                                 + (" …" if len(missing) > 5 else ""))
            delta: dict[str, _Delta] = {}
            for aid, sid in changes:
                delta.setdefault(sid, _Delta()).add(*meta[aid])
            for sid, d in delta.items():
                self.conn.execute(
                    "INSERT INTO stories(id, title, size, dated, first_seen, last_seen) VALUES (?, ?, 0, 0, ?, ?) "
                    "ON CONFLICT(id) DO NOTHING", (sid, d.title, d.first, d.last))
                # first/last seen: dated members decide; ingest times only while none is dated
                self.conn.execute(
                    """UPDATE stories SET
                           title = CASE
                               WHEN :title IS NULL THEN title
                               WHEN title IS NULL THEN :title
                               WHEN :tdated AND (dated = 0 OR :tseen < first_seen) THEN :title
                               ELSE title END,
                           first_seen = CASE
                               WHEN :dated > 0 AND dated = 0 THEN :dfirst
                               WHEN :dated > 0 THEN min(first_seen, :dfirst)
                               WHEN dated = 0 THEN min(coalesce(first_seen, :ifirst), :ifirst)
                               ELSE first_seen END,
                           last_seen = CASE
                               WHEN :dated > 0 AND dated = 0 THEN :dlast
                               WHEN :dated > 0 THEN max(last_seen, :dlast)
                               WHEN dated = 0 THEN max(coalesce(last_seen, :ilast), :ilast)
                               ELSE last_seen END,
                           size = size + :n,
                           dated = dated + :dated
                       WHERE id = :id""",
                    {"id": sid, "n": d.n, "dated": d.dated, "dfirst": d.dfirst, "dlast": d.dlast,
                     "ifirst": d.ifirst, "ilast": d.ilast, "title": d.title, "tseen": d.tseen,
                     "tdated": d.tseen is not None})
            self.conn.executemany(
                "INSERT INTO memberships(article_id, story_id) VALUES (?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id", changes)
            for sid in left:
                self._recount(sid)
            return set(delta) | left

    def _recount(self, story_id: str) -> None:
        """Recompute one story's stats from its memberships (delete it when empty)."""
        n, dated, first, last = self.conn.execute(
            f"SELECT count(*), count(a.seen_at), {_FIRST}, {_LAST} FROM memberships m "
            "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?", (story_id,)).fetchone()
        if n == 0:
            self.conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        row = self.conn.execute(
            "SELECT a.title, substr(a.text, 1, 200) FROM memberships m JOIN articles a ON a.id = m.article_id "
            f"WHERE m.story_id = ? ORDER BY {_EARLIEST_FIRST} LIMIT 1", (story_id,)).fetchone()
        self.conn.execute(
            "UPDATE stories SET size = ?, dated = ?, first_seen = ?, last_seen = ?, title = ? WHERE id = ?",
            (n, dated, first, last, _story_title(*row), story_id))

    def rebuild_grouping(self, grouper) -> int:
        """Forget every membership and story, regroup all articles with ``grouper.rebuild``.

        One transaction. Holds every article in memory (linear in the corpus).
        Returns the number of stories.
        """
        with self.transaction():
            self.conn.execute("DELETE FROM memberships")
            self.conn.execute("DELETE FROM stories")
            mapping = grouper.rebuild(list(self.iter_articles()))
            self.assign(mapping)
            return self.conn.execute("SELECT count(*) FROM stories").fetchone()[0]

    def membership(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``{article_id: story_id}`` for the given ids that are assigned."""
        out: dict[str, str] = {}
        ids = list(article_ids)
        out.update(_select_in(self.conn, _STORY_OF, ids))
        return out

    # ----------------------------------------------------------------- stories

    def stories(self, order_by: str = "size", limit: int | None = None, offset: int = 0) -> list[StoryInfo]:
        """Stories, biggest first (``"size"``) or most recently seen first (``"recent"``)."""
        orders = {"size": "size DESC, last_seen DESC, id", "recent": "last_seen DESC, size DESC, id"}
        if order_by not in orders:
            raise ValueError(f"order_by must be one of {', '.join(orders)}, not {order_by!r}")
        q = f"SELECT id, title, size, first_seen, last_seen FROM stories ORDER BY {orders[order_by]}"
        q += " LIMIT ? OFFSET ?"
        rows = self.conn.execute(q, (-1 if limit is None else int(limit), int(offset))).fetchall()
        return [StoryInfo(*r) for r in rows]

    def story_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM stories").fetchone()[0]

    def story(self, story_id: str) -> tuple[StoryInfo, list[Article]]:
        """A story and its articles, earliest seen first. `KeyError` if there is no such story."""
        row = self.conn.execute(
            "SELECT id, title, size, first_seen, last_seen FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise KeyError(story_id)
        rows = self.conn.execute(
            f"SELECT {', '.join('a.' + c.strip() for c in _ARTICLE_COLS.split(','))} FROM memberships m "
            f"JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY {_EARLIEST_FIRST}",
            (story_id,)).fetchall()
        return StoryInfo(*row), [_article(r) for r in rows]

    def story_infos(self, story_ids: Sequence[str]) -> dict[str, StoryInfo]:
        """The stories with these ids (unknown ids are left out), by id."""
        out: dict[str, StoryInfo] = {}
        query = "SELECT id, title, size, first_seen, last_seen FROM stories WHERE id IN ({ids})"
        for row in _select_in(self.conn, query, list(story_ids)):
                out[row[0]] = StoryInfo(*row)
        return out

    def story_members(self, story_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Per story: ``(article id, content hash)`` of its articles, earliest seen first (as
        `story` orders them), without reading their texts. Stories without members are left out."""
        return {sid: [(aid, chash) for aid, chash in rows]
                for sid, rows in self._member_rows(story_ids, "a.id, a.content_hash").items()}

    def story_member_infos(self, story_ids: Sequence[str]) -> dict[str, list[StoryMember]]:
        """Per story: its articles' ids, titles, sources, urls and times, earliest seen first, without
        their texts (reading them runs no analysis). Stories without members are left out."""
        return {sid: [StoryMember(*r) for r in rows] for sid, rows in
                self._member_rows(story_ids, "a.id, a.title, a.source, a.url, a.published_at").items()}

    def _member_rows(self, story_ids: Sequence[str], columns: str) -> dict[str, list[tuple]]:
        """Per story, ``columns`` of its articles (``a``), earliest seen first."""
        out: dict[str, list[tuple]] = {}
        query = (f"SELECT m.story_id, {columns} FROM memberships m JOIN articles a ON a.id = m.article_id "
                 f"WHERE m.story_id IN ({{ids}}) ORDER BY m.story_id, {_EARLIEST_FIRST}")
        for sid, *row in _select_in(self.conn, query, list(story_ids)):
            out.setdefault(sid, []).append(tuple(row))
        return out

    # ----------------------------------------------------------------- ingest runs

    def start_run(self, paths: Sequence[str]) -> int:
        with self.transaction():
            cur = self.conn.execute("INSERT INTO ingest_runs(started_at, paths, status) VALUES (?, ?, 'running')",
                                    (_now(), json.dumps([str(p) for p in paths])))
            return int(cur.lastrowid)

    def update_run(self, run_id: int, *, records: int, added: int, unchanged: int, conflicts: int,
                   errors: int, error_sample: Sequence[dict] = (), status: str | None = None) -> None:
        """Counts of a run so far; call inside the batch's transaction so they match what is stored."""
        with self.transaction():
            self.conn.execute(
                "UPDATE ingest_runs SET records = ?, added = ?, unchanged = ?, conflicts = ?, errors = ?, "
                "error_sample = ?, status = coalesce(?, status), "
                "finished_at = CASE WHEN ? IS NULL THEN finished_at ELSE ? END WHERE id = ?",
                (records, added, unchanged, conflicts, errors, json.dumps(list(error_sample)[:100]),
                 status, status, _now() if status else None, run_id))

    def runs(self, limit: int | None = 20) -> list[IngestRun]:
        """Ingest runs, latest first. A run left ``running`` by a killed process stays so."""
        rows = self.conn.execute(
            "SELECT id, started_at, finished_at, paths, status, records, added, unchanged, conflicts, errors, "
            "error_sample FROM ingest_runs ORDER BY id DESC LIMIT ?", (-1 if limit is None else limit,)).fetchall()
        return [IngestRun(r[0], r[1], r[2], json.loads(r[3]), r[4], *r[5:10], json.loads(r[10])) for r in rows]

    # ----------------------------------------------------------------- grouping state ("grouping" tables)
    #
    # The grouper (storytrace.corpus.grouping.CorpusGrouper) keeps its state here. Every write
    # joins the caller's open transaction (an ingest batch), so the state commits or rolls back
    # with the memberships it produced; the generation counter tells a grouper whose in-memory
    # cache is older than the tables (another process wrote, or the caller rolled back).

    def grouping_generation(self) -> int:
        """The generation of the grouping state (0: never written)."""
        row = self.conn.execute("SELECT value FROM grp_meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def lexical_generation(self) -> int:
        """The generation of the average-link grouping (`storytrace.corpus.storygrouping`), 0: never written.

        Bumped in the caller's transaction by each batch it groups, so a rolled-back batch or another
        process's batch shows as a generation the in-memory state does not know."""
        row = self.conn.execute("SELECT value FROM grp_meta WHERE key = 'lexical_generation'").fetchone()
        return int(row[0]) if row else 0

    def bump_lexical_generation(self) -> int:
        with self.transaction():
            generation = self.lexical_generation() + 1
            self.conn.execute("INSERT OR REPLACE INTO grp_meta (key, value) VALUES ('lexical_generation', ?)",
                              (str(generation),))
            return generation

    def lexical_snapshot(self) -> tuple[int, bytes] | None:
        """(lexical generation, state) of the average-link grouper as last saved, or None."""
        row = self.conn.execute("SELECT generation, data FROM grp_snapshot WHERE name = 'lexical'").fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def save_lexical_snapshot(self, generation: int, data: bytes) -> None:
        """Keep the average-link grouper's state as of ``generation`` (replacing the one before)."""
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO grp_snapshot (name, generation, data) VALUES ('lexical', ?, ?)",
                              (generation, data))

    def grouping_members_ids(self) -> Iterator[str]:
        """The ids of the articles the headline grouper grouped (its ``grp_article`` rows)."""
        for (aid,) in self.conn.execute("SELECT article_id FROM grp_article"):
            yield aid

    def grouping_stories(self) -> Iterator[GroupStoryRow]:
        """Every grouped story, by dense index."""
        yield from self.conn.execute("SELECT idx, story_id, n, first_ts, last_ts, vsum FROM grp_story ORDER BY idx")

    def grouping_articles(self, window: tuple[float, float] | None = None, *,
                          untimed: bool = False) -> Iterator[GroupArticleRow]:
        """Grouped articles: those without a time (``untimed``), those whose time lies in
        ``window`` (inclusive), or, with neither, all of them."""
        q = "SELECT article_id, story_idx, ts, minhash FROM grp_article"
        if untimed:
            yield from self.conn.execute(q + " WHERE ts IS NULL")
        elif window is not None:
            yield from self.conn.execute(q + " WHERE ts BETWEEN ? AND ?", (float(window[0]), float(window[1])))
        else:
            yield from self.conn.execute(q)

    def grouping_members(self) -> dict[str, list[str]]:
        """Every grouped story id with its article ids, in the order they were grouped."""
        out: dict[str, list[str]] = {}
        for sid, aid in self.conn.execute(
            "SELECT s.story_id, a.article_id FROM grp_article a JOIN grp_story s ON s.idx = a.story_idx "
            "ORDER BY s.idx, a.rowid"
        ):
            out.setdefault(sid, []).append(aid)
        return out

    def grouping_phrase_counts(self, hashes: Iterable[int]) -> dict[int, int]:
        """How many grouped articles carry each of these lead-sentence hashes (absent: none)."""
        return {int(h): int(df) for h, df in _select_in(self.conn, "SELECT hash, df FROM grp_phrase WHERE hash IN ({ids})",
                                                          list(dict.fromkeys(hashes)))}

    def save_grouping(self, stories: Iterable[GroupStoryRow], articles: Iterable[GroupArticleRow],
                      params: str, phrases: Mapping[int, int] | None = None) -> int:
        """Write changed stories (replaced whole), newly grouped articles and the lead-sentence counts
        that changed (``phrases``: hash -> count, replaced); returns the new generation.

        ``params``: the grouping parameters, kept beside the state for inspection."""
        with self.transaction():
            if phrases:
                self.conn.executemany("INSERT OR REPLACE INTO grp_phrase (hash, df) VALUES (?, ?)",
                                      list(phrases.items()))
            self.conn.executemany(
                "INSERT OR REPLACE INTO grp_story (idx, story_id, n, first_ts, last_ts, vsum) VALUES (?, ?, ?, ?, ?, ?)",
                stories)
            self.conn.executemany("INSERT INTO grp_article (article_id, story_idx, ts, minhash) VALUES (?, ?, ?, ?)",
                                  articles)
            return self._bump_grouping(params)

    def clear_grouping(self, params: str) -> int:
        """Forget the grouping state (before a regroup from scratch); returns the new generation."""
        with self.transaction():
            self.conn.execute("DELETE FROM grp_article")
            self.conn.execute("DELETE FROM grp_story")
            self.conn.execute("DELETE FROM grp_phrase")
            return self._bump_grouping(params)

    def _bump_grouping(self, params: str) -> int:
        generation = self.grouping_generation() + 1
        self.conn.execute("INSERT OR REPLACE INTO grp_meta (key, value) VALUES ('generation', ?)", (str(generation),))
        self.conn.execute("INSERT OR REPLACE INTO grp_meta (key, value) VALUES ('params', ?)", (params,))
        return generation

    # ----------------------------------------------------------------- findings counts ("web" tables)

    def story_stats(self, story_ids: Sequence[str]) -> dict[str, StoryStats]:
        """The saved findings counts of these stories (stories never analysed are left out).

        Raises `sqlite3.Error` when they cannot be read (a read-only store that predates them)."""
        out: dict[str, StoryStats] = {}
        query = ("SELECT story_id, key, n_articles, findings, high, medium, low, computed_at FROM web_story_stats "
                 "WHERE story_id IN ({ids})")
        for row in _select_in(self.conn, query, list(story_ids)):
                out[row[0]] = StoryStats(*row)
        return out

    def story_analysis(self, story_id: str) -> tuple[str, str, dict] | None:
        """(key, computed_at, report) of the analysis kept for this story, or None.

        Raises `sqlite3.Error` when it cannot be read (a read-only store that predates it)."""
        row = self.conn.execute("SELECT key, computed_at, report FROM web_story_analysis WHERE story_id = ?",
                                (story_id,)).fetchone()
        if row is None:
            return None
        return row[0], row[1], json.loads(zlib.decompress(row[2]).decode("utf-8"))

    def save_story_analysis(self, stats: StoryStats, report: Mapping) -> None:
        """Keep one story's findings counts and its analysis (``report``: the compare contract, whose
        article texts are not kept), in one transaction, replacing what was kept for it."""
        computed_at = stats.computed_at or _now()
        slim = dict(report, articles=[{k: v for k, v in a.items() if k != "text"} for a in report.get("articles", [])])
        blob = zlib.compress(json.dumps(slim, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
        with self.transaction():
            self._write_stats(stats, computed_at)
            self.conn.execute(
                "INSERT INTO web_story_analysis(story_id, key, report, computed_at) VALUES (?,?,?,?) "
                "ON CONFLICT(story_id) DO UPDATE SET key = excluded.key, report = excluded.report, "
                "computed_at = excluded.computed_at", (stats.story_id, stats.key, blob, computed_at))

    def save_story_stats(self, stats: StoryStats) -> None:
        """Keep one story's findings counts (replacing what was kept for it)."""
        computed_at = stats.computed_at or _now()
        with self.transaction():
            self._write_stats(stats, computed_at)

    def _write_stats(self, stats: StoryStats, computed_at: str) -> None:
        self.conn.execute(
            "INSERT INTO web_story_stats(story_id, key, n_articles, findings, high, medium, low, computed_at) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(story_id) DO UPDATE SET key = excluded.key, "
            "n_articles = excluded.n_articles, findings = excluded.findings, high = excluded.high, "
            "medium = excluded.medium, low = excluded.low, computed_at = excluded.computed_at",
            (stats.story_id, stats.key, stats.n_articles, stats.findings, stats.high, stats.medium, stats.low,
             computed_at))

    # ----------------------------------------------------------------- checks

    def counts(self) -> dict[str, int]:
        c = self.conn
        return {
            "articles": c.execute("SELECT count(*) FROM articles").fetchone()[0],
            "stories": c.execute("SELECT count(*) FROM stories").fetchone()[0],
            "memberships": c.execute("SELECT count(*) FROM memberships").fetchone()[0],
            "ingest_runs": c.execute("SELECT count(*) FROM ingest_runs").fetchone()[0],
        }

    def check(self) -> list[str]:
        """Problems with the store (empty list: consistent). Reads the whole store.

        Every owner's schema version current; SQLite's integrity check, foreign
        keys, every article in exactly one story, story sizes and first/last seen
        equal to their memberships, the full-text index in step with the articles;
        the grouping state whole (dense story indices, sizes equal to its
        articles) and in agreement with the memberships. On a read-only file the
        full-text index is not checked (FTS5 checks through a write).
        """
        c = self.conn
        problems: list[str] = []
        versions = self.schema_versions()
        for m in MIGRATION_SETS:
            if versions[m.owner] != m.version:
                problems.append(f"{m.owner} tables at schema version {versions[m.owner]}, expected {m.version} "
                                "(open the store writable once to upgrade them)")
        res = [r[0] for r in c.execute("PRAGMA integrity_check")]
        if res != ["ok"]:
            problems += [f"integrity_check: {r}" for r in res[:10]]
        fk = c.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"{len(fk)} foreign key violation(s), e.g. {fk[0]}")
        n = c.execute("SELECT count(*) FROM articles a LEFT JOIN memberships m ON m.article_id = a.id "
                      "WHERE m.article_id IS NULL").fetchone()[0]
        if n:
            problems.append(f"{n} article(s) without a story")
        bad = c.execute(
            f"SELECT s.id, s.size, count(m.article_id), s.dated, count(a.seen_at), s.first_seen, {_FIRST}, "
            f"s.last_seen, {_LAST} FROM stories s LEFT JOIN memberships m ON m.story_id = s.id "
            "LEFT JOIN articles a ON a.id = m.article_id GROUP BY s.id "
            f"HAVING s.size != count(m.article_id) OR s.dated != count(a.seen_at) OR s.size = 0 "
            f"OR s.first_seen IS NOT {_FIRST} OR s.last_seen IS NOT {_LAST} LIMIT 5").fetchall()
        if bad:
            problems.append(f"story stats differ from memberships, e.g. {bad[0]}")
        try:
            c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 0)")
        except sqlite3.OperationalError as e:
            if not _is_read_only(e):  # the check is an FTS5 command, written as an INSERT
                problems.append(f"full-text index: {e}")
        except sqlite3.DatabaseError as e:
            problems.append(f"full-text index: {e}")
        if versions["grouping"] >= 1:
            problems += self._check_grouping()
        return problems

    def _check_grouping(self) -> list[str]:
        c = self.conn
        problems: list[str] = []
        n, top = c.execute("SELECT count(*), coalesce(max(idx), -1) FROM grp_story").fetchone()
        if n != top + 1:
            problems.append(f"grouping: story indices are not dense ({n} stories, highest index {top})")
        bad = c.execute("SELECT s.idx, s.story_id, s.n, count(a.article_id) FROM grp_story s "
                        "LEFT JOIN grp_article a ON a.story_idx = s.idx GROUP BY s.idx "
                        "HAVING s.n != count(a.article_id) LIMIT 5").fetchall()
        if bad:
            problems.append(f"grouping: story sizes differ from its articles, e.g. {bad[0]}")
        orphans = c.execute("SELECT count(*) FROM grp_article a LEFT JOIN grp_story s ON s.idx = a.story_idx "
                            "WHERE s.idx IS NULL").fetchone()[0]
        if orphans:
            problems.append(f"grouping: {orphans} article(s) in no grouped story")
        unknown = c.execute("SELECT count(*) FROM grp_article g LEFT JOIN articles a ON a.id = g.article_id "
                            "WHERE a.id IS NULL").fetchone()[0]
        if unknown:
            problems.append(f"grouping: {unknown} grouped article(s) not in the store")
        differ = c.execute("SELECT g.article_id, s.story_id, m.story_id FROM grp_article g "
                           "JOIN grp_story s ON s.idx = g.story_idx JOIN memberships m ON m.article_id = g.article_id "
                           "WHERE m.story_id != s.story_id LIMIT 5").fetchall()
        if differ:
            problems.append(f"grouping and memberships disagree, e.g. article {differ[0][0]!r}: "
                            f"grouped in {differ[0][1]!r}, member of {differ[0][2]!r}")
        return problems


#: earliest seen first (undated last, then ingest order): the order of a story's articles
_EARLIEST_FIRST = "a.seen_at IS NULL, a.seen_at, a.n"
_FIRST = "coalesce(min(a.seen_at), min(a.ingested_at))"
_LAST = "CASE WHEN count(a.seen_at) > 0 THEN max(a.seen_at) ELSE max(a.ingested_at) END"


class _Delta:
    """What a batch of newcomers adds to one story."""

    def __init__(self) -> None:
        self.n = self.dated = 0
        self.dfirst = self.dlast = self.ifirst = self.ilast = None
        self.title: str | None = None
        self.tseen: str | None = None  # seen_at of the article the title comes from

    def add(self, seen: str | None, ingested: str, title: str | None) -> None:
        self.n += 1
        if seen is not None:
            self.dated += 1
            self.dfirst = seen if self.dfirst is None else min(self.dfirst, seen)
            self.dlast = seen if self.dlast is None else max(self.dlast, seen)
        self.ifirst = ingested if self.ifirst is None else min(self.ifirst, ingested)
        self.ilast = ingested if self.ilast is None else max(self.ilast, ingested)
        if title and (self.title is None or (seen is not None and (self.tseen is None or seen < self.tseen))):
            self.title, self.tseen = title, seen

    @property
    def first(self) -> str:
        return self.dfirst if self.dfirst is not None else self.ifirst

    @property
    def last(self) -> str:
        return self.dlast if self.dlast is not None else self.ilast


def _story_title(title: str | None, text_head: str | None) -> str | None:
    """An article's title, else the first line of its text (shortened): what a story is called."""
    if title:
        return title
    for line in (text_head or "").splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= 120 else line[:119] + "…"
    return None


@contextmanager
def _store_errors(path: str) -> Iterator[None]:
    """SQLite errors while opening a store, as `StoreError` saying what is wrong with the file."""
    try:
        yield
    except sqlite3.OperationalError as e:  # unreadable, no such folder, locked, read-only
        problem = environment_problem(e)
        if problem is not None:
            raise StoreUnavailable(f"{path}: cannot open: {problem} ({e})") from None
        raise StoreError(f"{path}: cannot open ({e})") from None
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: not a storytrace store ({e})") from None


def _is_read_only(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_READONLY
    return "readonly" in str(error)


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (trigger bodies kept whole)."""
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
