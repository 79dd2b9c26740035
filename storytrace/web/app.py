"""The web app behind `storytrace serve`: a thin shell over the store and `compare_articles`.

Pages (server-rendered, no network loads, every text escaped):

* ``/``                      stories: full-text search, sort by size or recency, findings per story
* ``/stories/{id}``          one story: articles, reuse matrix, derivation graph, findings, brief
* ``/compare?story=&a=&b=``  two versions of a story side by side
* ``/paste``                 2-10 pasted texts or uploaded files, analysed without the store

HTTP API (same JSON as the CLI's ``--json``; OpenAPI docs at ``/docs``):

* ``GET /api/stories``            as ``storytrace stories --json`` (+ ``findings`` per story, ``q``)
* ``GET /api/stories/{id}``       as ``storytrace story ID --json`` (the compare contract + ``corpus_story``)
* ``GET /api/articles/{id}``      one stored article
* ``POST /api/compare``           ``{"articles": [...]}`` (2-10) -> the compare contract
* ``POST /api/articles``          ingest (bearer token from ``STORYTRACE_TOKEN``), as ``storytrace ingest --json``

Limits: request bodies are capped (``max_body`` bytes, default 5 MB) by an ASGI
middleware that checks ``Content-Length`` and counts streamed (chunked) bodies;
too large -> 413, malformed JSON -> 400, a body that does not fit the schema ->
422, each with a readable ``detail`` message. The compare pipeline runs one
analysis at a time per process (its models are shared); a story's analysis is
cached per story id + the content of its articles, so a page view does not
recompute it, and its findings counts are kept in the ``web_story_stats`` table
of the store (the stories page shows "–" for a story not analysed yet).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, Optional

from fastapi import FastAPI, HTTPException, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from storytrace.model import SEVERITY_RANK, Article
from storytrace.corpus.store import Store, StoreError, StoryInfo, content_hash

__all__ = ["create_app", "app_from_env", "DEFAULT_MAX_BODY"]

DEFAULT_MAX_BODY = 5_000_000
MAX_COMPARE = 10
#: total characters one compare may analyse (beyond it: 413); 10 long articles fit
DEFAULT_MAX_COMPARE_CHARS = 1_000_000
STATS_TABLE = "web_story_stats"
_PROTECTED = {("POST", "/api/articles")}

#: the compare pipeline's models are process-wide: one analysis at a time
PIPELINE_LOCK = threading.Lock()


# --------------------------------------------------------------------------- request bodies


class ArticleIn(BaseModel):
    """One article: its text and what is known about it."""

    model_config = ConfigDict(extra="ignore")

    id: Optional[str] = Field(None, min_length=1, max_length=500, description="unique within the request")
    text: str = Field(..., min_length=1, description="the article text; spans in the answer index into it")
    title: Optional[str] = Field(None, max_length=5000)
    source: Optional[str] = Field(None, max_length=5000)
    url: Optional[str] = Field(None, max_length=5000)
    published_at: Optional[str] = Field(None, max_length=100, description="ISO 8601, RFC 2822 or a Unix time")

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty (only whitespace)")
        return v

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("id is empty (only whitespace)")
        return v


class StoredArticleIn(ArticleIn):
    id: str = Field(..., min_length=1, max_length=500, description="the article's key in the store")


class CompareIn(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=2, max_length=MAX_COMPARE,
                                      description=f"2 to {MAX_COMPARE} articles")
    include_text: bool = Field(True, description="false: leave article texts out of the answer")


class IngestIn(BaseModel):
    articles: list[StoredArticleIn] = Field(..., min_length=1, max_length=10_000)


# --------------------------------------------------------------------------- small helpers


def _loc(loc: Sequence[Any]) -> str:
    parts = [str(x) for x in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        where, parts = parts[0], parts[1:]
    else:
        where = ""
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or where or "request"


def _json_error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "")


def story_key(story_id: str, members: Sequence[tuple[str, str]]) -> str:
    """The identity of a story's analysis: its id and its compared members' ids and content hashes."""
    h = hashlib.sha256(story_id.encode("utf-8"))
    for aid, chash in members:
        h.update(b"\0" + aid.encode("utf-8") + b"\1" + chash.encode("ascii"))
    return h.hexdigest()


def finding_counts(report: dict) -> dict[str, int]:
    counts = {k: 0 for k in SEVERITY_RANK}
    for f in report.get("findings") or []:
        sev = f.get("severity")
        if sev in counts:
            counts[sev] += 1
    counts["total"] = len(report.get("findings") or [])
    return counts


def _to_article(a: ArticleIn, fallback_id: str, origin: str) -> Article:
    return Article(id=a.id if a.id is not None else fallback_id, text=a.text, title=a.title, source=a.source,
                   url=a.url, published_at=a.published_at, origin=origin)


def _without_text(report: dict) -> dict:
    out = dict(report)
    out["articles"] = [{k: v for k, v in a.items() if k != "text"} for a in report.get("articles") or []]
    return out


# --------------------------------------------------------------------------- the body cap and the write guard


class Guard:
    """ASGI middleware: bearer token for write endpoints, then the request body cap.

    The body is read here (at most ``max_body`` bytes, whether it comes with a
    ``Content-Length`` or chunked) and replayed to the app, so no handler ever
    sees more than the cap. Over the cap: 413 with a JSON message.
    """

    def __init__(self, app, *, max_body: int, token: str | None,
                 protected: set[tuple[str, str]] = _PROTECTED) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.protected = protected

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if (scope["method"], scope["path"].rstrip("/") or "/") in self.protected:
            refusal = self._auth(headers.get("authorization"))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await _json_error(400, f"bad Content-Length header: {length!r}",
                                  {"connection": "close"})(scope, receive, send)
                return
            if int(length) > self.max_body:
                await self._too_large(int(length))(scope, receive, send)
                return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and length in (None, "0") \
                and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await self._too_large(None)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, declared: int | None) -> JSONResponse:
        got = f"{declared:,} bytes" if declared is not None else f"over {self.max_body:,} bytes (streamed)"
        return _json_error(413, f"request body too large: {got}; the limit is {self.max_body:,} bytes "
                                "(storytrace serve --max-body)", {"connection": "close"},
                           limit=self.max_body)

    def _auth(self, header: str | None) -> JSONResponse | None:
        if not self.token:
            return _json_error(403, "writes are disabled: this server was started without STORYTRACE_TOKEN "
                                    "(set it to require and accept a bearer token)")
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return _json_error(401, "this endpoint needs 'Authorization: Bearer <token>' "
                                    "(the token the server was started with, from STORYTRACE_TOKEN)",
                               {"www-authenticate": "Bearer"})
        if not hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8")):
            return _json_error(401, "invalid bearer token", {"www-authenticate": 'Bearer error="invalid_token"'})
        return None


# --------------------------------------------------------------------------- analyses of stored stories


@dataclasses.dataclass
class StoryAnalysis:
    info: Any  # StoryInfo
    articles: list[Article]
    shown: list[Article]
    report: dict  # the compare contract, texts included; never mutated
    key: str

    @property
    def corpus_story(self) -> dict:
        d = self.info.to_dict()
        d["articles"] = [a.id for a in self.articles]
        d["compared"] = [a.id for a in self.shown]
        return d


class Analyses:
    """Story analyses, cached in memory per story key; findings counts kept in the store."""

    def __init__(self, db_path: str, *, max_articles: int = 50, cache_size: int = 64) -> None:
        self.db_path = db_path
        self.max_articles = max_articles
        self.cache_size = cache_size
        self._cache: OrderedDict[str, StoryAnalysis] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # analyses run (tests look at it)

    @contextlib.contextmanager
    def store(self) -> Iterator[Store]:
        try:
            s = Store.open(self.db_path, create=False)
        except StoreError as exc:
            raise HTTPException(503, f"the store cannot be used: {exc}") from None
        try:
            yield s
        finally:
            s.close()

    def ensure_stats_table(self) -> None:
        try:
            with self.store() as s:
                s.conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {STATS_TABLE} (story_id TEXT PRIMARY KEY, key TEXT NOT NULL, "
                    "n_articles INTEGER NOT NULL, findings INTEGER NOT NULL, high INTEGER NOT NULL, "
                    "medium INTEGER NOT NULL, low INTEGER NOT NULL, computed_at TEXT NOT NULL)")
        except (HTTPException, sqlite3.Error):
            pass  # a read-only store: counts stay "–"

    def _key(self, story_id: str, shown: Sequence[Article]) -> str:
        return story_key(story_id, [(a.id, content_hash(a.text)) for a in shown])

    def get(self, story_id: str) -> StoryAnalysis:
        """The analysis of one story (KeyError: no such story); computed once per content."""
        with self.store() as s:
            info, articles = s.story(story_id)
        shown = articles[: self.max_articles]
        key = self._key(story_id, shown)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        with PIPELINE_LOCK:
            with self._lock:  # another request may have computed it meanwhile
                hit = self._cache.get(key)
            if hit is None:
                from storytrace.compare import compare_articles
                from storytrace.report.contract import comparison_to_dict

                report = comparison_to_dict(compare_articles(shown))
                self.computed += 1
                hit = StoryAnalysis(info, articles, shown, report, key)
        with self._lock:
            self._cache[key] = hit
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        self._save_stats(story_id, hit)
        return hit

    def _save_stats(self, story_id: str, an: StoryAnalysis) -> None:
        c = finding_counts(an.report)
        try:
            with self.store() as s:
                s.conn.execute(
                    f"INSERT INTO {STATS_TABLE}(story_id, key, n_articles, findings, high, medium, low, computed_at) "
                    "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(story_id) DO UPDATE SET key = excluded.key, "
                    "n_articles = excluded.n_articles, findings = excluded.findings, high = excluded.high, "
                    "medium = excluded.medium, low = excluded.low, computed_at = excluded.computed_at",
                    (story_id, an.key, len(an.shown), c["total"], c["high"], c["medium"], c["low"],
                     time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
        except (HTTPException, sqlite3.Error):
            pass  # read-only or busy: the page still works, the count shows later

    def counts_for(self, store: Store, infos: Sequence[Any]) -> dict[str, dict | None]:
        """Findings counts for these stories: from ``web_story_stats`` when it matches the
        story's current content; 0 for a one-article story; None when not analysed yet."""
        out: dict[str, dict | None] = {i.id: None for i in infos}
        multi = [i.id for i in infos if i.size > 1]
        for i in infos:
            if i.size <= 1:
                out[i.id] = {"total": 0, "high": 0, "medium": 0, "low": 0}
        if not multi:
            return out
        marks = ",".join("?" * len(multi))
        try:
            stats = {r[0]: r[1:] for r in store.conn.execute(
                f"SELECT story_id, key, findings, high, medium, low FROM {STATS_TABLE} "
                f"WHERE story_id IN ({marks})", multi)}
        except sqlite3.Error:
            return out
        if not stats:
            return out
        members: dict[str, list[tuple[str, str]]] = {}
        todo = [sid for sid in multi if sid in stats]
        marks = ",".join("?" * len(todo))
        for sid, aid, chash in store.conn.execute(
                f"SELECT m.story_id, a.id, a.content_hash FROM memberships m JOIN articles a ON a.id = m.article_id "
                f"WHERE m.story_id IN ({marks}) ORDER BY m.story_id, a.seen_at IS NULL, a.seen_at, a.n", todo):
            members.setdefault(sid, []).append((aid, chash))
        for sid in todo:
            key, total, high, medium, low = stats[sid]
            if story_key(sid, members.get(sid, [])[: self.max_articles]) == key:
                out[sid] = {"total": total, "high": high, "medium": medium, "low": low}
        return out


# --------------------------------------------------------------------------- story lists


_SNIPPET_MARK = re.compile(r"\[([^\[\]]{1,200})\]")


def list_stories(store: Store, analyses: Analyses, *, q: str = "", sort: str = "", limit: int = 50,
                 offset: int = 0) -> dict:
    """The stories (or those matching ``q``), with findings counts: the /api/stories document."""
    q = (q or "").strip()
    sort = sort or ("relevance" if q else "size")
    totals = store.counts()
    doc: dict[str, Any] = {"db": analyses.db_path, "total_stories": totals["stories"],
                           "total_articles": totals["articles"], "sort": sort}
    if not q:
        if sort not in ("size", "recent"):
            raise HTTPException(422, f"sort must be size or recent, not {sort!r}")
        infos = store.stories(order_by=sort, limit=limit or None, offset=offset)
        matches: dict[str, list[dict]] = {}
        doc["matching"] = totals["stories"]
    else:
        if sort not in ("size", "recent", "relevance"):
            raise HTTPException(422, f"sort must be relevance, size or recent, not {sort!r}")
        hits = search_articles(store, q)
        story_of = store.membership([h[0] for h in hits])
        order: list[str] = []
        matches = {}
        for aid, title, snippet in hits:
            sid = story_of.get(aid)
            if sid is None:
                continue
            if sid not in matches:
                order.append(sid)
                matches[sid] = []
            if len(matches[sid]) < 3:
                matches[sid].append({"article": aid, "title": title, "snippet": snippet})
        infos_by_id = {}
        for i in range(0, len(order), 500):
            chunk = order[i:i + 500]
            for row in store.conn.execute(
                    f"SELECT id, title, size, first_seen, last_seen FROM stories WHERE id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                infos_by_id[row[0]] = row
        infos = [StoryInfo(*infos_by_id[s]) for s in order if s in infos_by_id]
        if sort == "size":
            infos.sort(key=lambda i: (-i.size, _neg(i.last_seen), i.id))
        elif sort == "recent":
            infos.sort(key=lambda i: (_neg(i.last_seen), -i.size, i.id))
        doc["matching"] = len(infos)
        infos = infos[offset: offset + limit] if limit else infos[offset:]
        doc["query"] = q
    counts = analyses.counts_for(store, infos)
    rows = []
    for info in infos:
        d = info.to_dict()
        d["findings"] = counts.get(info.id)
        if q:
            d["matches"] = matches.get(info.id, [])
        rows.append(d)
    doc["limit"], doc["offset"] = limit, offset
    doc["stories"] = rows
    return doc


def _neg(stamp: str | None) -> tuple:
    """Sort key: latest first, missing last."""
    if not stamp:
        return (1, "")
    return (0, "".join(chr(0x10FFFF - ord(c)) for c in stamp))


def search_articles(store: Store, q: str, limit: int = 500) -> list[tuple[str, str | None, str]]:
    """FTS5 search; a query FTS5 cannot parse is retried as plain words."""
    try:
        return store.search(q, limit=limit)
    except sqlite3.OperationalError:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        plain = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        try:
            return store.search(plain, limit=limit)
        except sqlite3.OperationalError as exc:
            raise HTTPException(400, f"cannot search for {q!r}: {exc}") from None


# --------------------------------------------------------------------------- compare and ingest


def run_compare(articles: Sequence[Article], max_chars: int) -> dict:
    """The compare contract for these articles (texts included)."""
    total = sum(len(a.text) for a in articles)
    if total > max_chars:
        raise HTTPException(413, f"too much text to compare: {total:,} characters; the limit is {max_chars:,}")
    from storytrace.compare import compare_articles
    from storytrace.report.contract import comparison_to_dict

    with PIPELINE_LOCK:
        return comparison_to_dict(compare_articles(list(articles)))


def ingest_articles(db_path: str, articles: Sequence[Article], lock: threading.Lock) -> dict:
    """Store + group new articles in one transaction (as `storytrace ingest`), return its JSON summary."""
    from storytrace.corpus.grouping import CorpusGrouper
    from storytrace.readers.records import with_iso_published_at

    start = time.monotonic()
    arts = [with_iso_published_at(a) for a in articles]
    with lock:
        try:
            store = Store.open(db_path, create=False)
        except StoreError as exc:
            raise HTTPException(503, f"the store cannot be used: {exc}") from None
        try:
            before = store.story_count()
            run_id = store.start_run(["POST /api/articles"])
            grouper = CorpusGrouper(store.conn)
            try:
                with store.transaction():  # articles, grouping and the run's counts: all or nothing
                    res = store.add_articles(arts, run_id=run_id)
                    touched: set[str] = set()
                    if res.added:
                        mapping = grouper.assign(res.added)
                        lost = [a.id for a in res.added if a.id not in mapping]
                        if lost:
                            raise RuntimeError(f"the grouper gave no story for {len(lost)} new article(s)")
                        touched = store.assign(mapping)
                    store.update_run(run_id, records=len(arts), added=len(res.added), unchanged=len(res.unchanged),
                                     conflicts=len(res.conflicts), errors=0, status="done")
            except BaseException:
                with contextlib.suppress(Exception):
                    store.update_run(run_id, records=len(arts), added=0, unchanged=0, conflicts=0, errors=0,
                                     status="failed")
                raise
            after = store.story_count()
            totals = store.counts()
            story_of = store.membership([a.id for a in arts])
        finally:
            store.close()
    elapsed = time.monotonic() - start
    return {
        "run_id": run_id,
        "paths": ["POST /api/articles"],
        "records": len(arts),
        "added": len(res.added),
        "unchanged": len(res.unchanged),
        "conflicts": len(res.conflicts),
        "errors": 0,
        "error_list": [],
        "conflict_list": [{"id": c.id, "origin": c.origin, "stored_origin": c.stored_origin, "message": c.message()}
                          for c in res.conflicts],
        "stories": {"before": before, "after": after, "new": after - before, "touched": len(touched)},
        "batches": 1,
        "elapsed_s": round(elapsed, 3),
        "records_per_s": round(len(arts) / elapsed, 1) if elapsed > 0 else 0.0,
        "limited": False,
        "ok": not res.conflicts,
        "story_of": story_of,
        "totals": {"articles": totals["articles"], "stories": totals["stories"]},
    }


_UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def read_uploads(texts: Sequence[str], files: Sequence[tuple[str, bytes]], max_bytes: int) -> list[Article]:
    """Pasted texts (front matter allowed) and uploaded files as articles, read like `storytrace compare`.

    Raises `IngestError` (with the upload's own name) for a file that cannot be read.
    """
    from storytrace.readers.records import IngestError, read_articles

    with tempfile.TemporaryDirectory(prefix="storytrace-paste-") as tmp:
        paths: list[str] = []
        names: set[str] = set()
        for i, t in enumerate(texts, 1):
            p = os.path.join(tmp, f"text-{i}.txt")
            with open(p, "w", encoding="utf-8", newline="") as fh:
                fh.write(t)
            paths.append(p)
        for k, (name, data) in enumerate(files, 1):
            base = _UPLOAD_NAME.sub("_", os.path.basename(name or "")).strip("._") or f"upload-{k}.txt"
            stem, dot, ext = base.rpartition(".")
            if not dot:
                stem, ext = base, "txt"
            candidate = f"{stem}.{ext}"
            n = 2
            while candidate.lower() in names:
                candidate = f"{stem}-{n}.{ext}"
                n += 1
            names.add(candidate.lower())
            p = os.path.join(tmp, candidate)
            with open(p, "wb") as fh:
                fh.write(data)
            paths.append(p)
        try:
            articles = read_articles(paths, max_bytes=max_bytes)
        except IngestError as exc:
            raise IngestError(exc.path.replace(tmp + os.sep, ""), exc.message, exc.line) from None
    return [dataclasses.replace(a, origin=(a.origin or "").replace(tmp + os.sep, "")) for a in articles]


# --------------------------------------------------------------------------- the app


_bearer = HTTPBearer(auto_error=False, description="the token from STORYTRACE_TOKEN")


def create_app(db_path: str, token: str | None = None, max_body: int = DEFAULT_MAX_BODY, *,
               max_articles: int = 50, max_compare_chars: int = DEFAULT_MAX_COMPARE_CHARS,
               warm_up: bool = False) -> FastAPI:
    """The storytrace web app over the store at ``db_path``.

    ``token``: the bearer token write endpoints require (None: writes are refused).
    ``max_body``: the request body cap in bytes. ``max_articles``: a story's
    articles compared (the earliest seen). ``warm_up``: load the models at start-up.
    """
    from storytrace.web import views as pages

    db_path = os.fspath(db_path)
    analyses = Analyses(db_path, max_articles=max_articles)
    analyses.ensure_stats_table()
    write_lock = threading.Lock()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            threading.Thread(target=_warm, name="storytrace-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="storytrace",
        version=_version(),
        description="Trace one news story through all its versions. The JSON is the same as the "
                    "`storytrace` CLI's `--json` output (the compare contract).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.analyses = analyses
    app.state.db_path = db_path
    app.add_middleware(Guard, max_body=max_body, token=token or None)

    # ----------------------------------------------------------------- errors

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        for e in errors:
            if e.get("type") == "json_invalid":
                ctx = e.get("ctx") or {}
                pos = e.get("loc", ("body", "?"))[-1]
                return _json_error(400, f"malformed JSON in the request body: {ctx.get('error', 'cannot parse')} "
                                        f"(at character {pos})")
        items = [{"loc": _loc(e.get("loc") or ()), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                 for e in errors]
        if any(i["loc"] == "body" and i["type"] == "missing" for i in items):
            return _json_error(422, "the request body is empty: send a JSON object with "
                                    "Content-Type: application/json", errors=items)
        msg = "; ".join(f"{i['loc']}: {i['msg']}" for i in items[:8]) + (" …" if len(items) > 8 else "")
        if any(i["loc"] in ("body", "request") and "dictionary" in i["msg"] for i in items):
            msg += " (send a JSON object with Content-Type: application/json)"
        if _wants_html(request):
            return HTMLResponse(pages.error_page(422, f"invalid request: {msg}"), status_code=422)
        return _json_error(422, f"invalid request: {msg}", errors=items)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        headers = dict(exc.headers or {})
        if _wants_html(request):
            return HTMLResponse(pages.error_page(exc.status_code, detail), status_code=exc.status_code,
                                headers=headers)
        return _json_error(exc.status_code, detail, headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):  # never a traceback to the client
        if os.environ.get("STORYTRACE_DEBUG"):
            import traceback

            traceback.print_exception(exc)
        msg = f"internal error: {type(exc).__name__} (set STORYTRACE_DEBUG=1 on the server for the traceback)"
        if _wants_html(request):
            return HTMLResponse(pages.error_page(500, msg), status_code=500)
        return _json_error(500, msg)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response: Response = await call_next(request)
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "no-referrer")
        response.headers.setdefault("x-frame-options", "DENY")
        return response

    # ----------------------------------------------------------------- docs (no CDN when the bundle is installed)

    _mount_docs(app)

    # ----------------------------------------------------------------- API

    @app.get("/api/stories", tags=["stories"], summary="List or search the stories")
    def api_stories(q: str = Query("", max_length=500, description="full-text search (FTS5) over titles and texts"),
                    sort: str = Query("", pattern="^(|size|recent|relevance)$",
                                      description="size (default), recent, or relevance (with q)"),
                    limit: int = Query(50, ge=0, le=1000, description="0: all"),
                    offset: int = Query(0, ge=0)) -> JSONResponse:
        """As `storytrace stories --json`, plus `findings` per story (null: not analysed yet) and,
        with `q`, the matching articles with a snippet."""
        with analyses.store() as store:
            return JSONResponse(list_stories(store, analyses, q=q, sort=sort, limit=limit, offset=offset))

    @app.get("/api/stories/{story_id:path}", tags=["stories"], summary="The full analysis of one story")
    def api_story(story_id: str, no_text: bool = Query(False, description="leave article texts out")) -> JSONResponse:
        """As `storytrace story ID --json`: the compare contract plus `corpus_story`."""
        an = _analysis(story_id)
        doc = _without_text(an.report) if no_text else dict(an.report)
        doc["corpus_story"] = an.corpus_story
        return JSONResponse(doc)

    @app.get("/api/articles/{article_id:path}", tags=["articles"], summary="One stored article")
    def api_article(article_id: str) -> JSONResponse:
        with analyses.store() as store:
            found = store.articles([article_id])
            if not found:
                raise HTTPException(404, f"no article {article_id!r} in the store")
            a = found[0]
            story = store.membership([a.id]).get(a.id)
        return JSONResponse({"id": a.id, "title": a.title, "source": a.source, "url": a.url,
                             "published_at": a.published_at, "story": story, "content_hash": content_hash(a.text),
                             "text": a.text})

    # Compare requests queue here, in the event loop, rather than each holding a worker thread
    # while it waits for the pipeline: pages and reads stay responsive under a burst of compares.
    compare_gate = asyncio.Semaphore(1)

    @app.post("/api/compare", tags=["compare"], summary="Compare 2-10 texts (no store needed)")
    async def api_compare(body: CompareIn) -> JSONResponse:
        """Texts in, the compare JSON contract out (as `storytrace compare --json`)."""
        arts = [_to_article(a, f"article-{i + 1}", f"request:articles[{i}]") for i, a in enumerate(body.articles)]
        seen: dict[str, int] = {}
        for i, a in enumerate(arts):
            if a.id in seen:
                raise HTTPException(422, f"invalid request: articles[{i}].id: duplicate id {a.id!r} "
                                         f"(also articles[{seen[a.id]}])")
            seen[a.id] = i
        async with compare_gate:
            report = await run_in_threadpool(run_compare, arts, max_compare_chars)
        return JSONResponse(report if body.include_text else _without_text(report))

    @app.post("/api/articles", tags=["articles"], summary="Ingest articles into the store (bearer token)",
              dependencies=[Security(_bearer)])
    def api_ingest(body: IngestIn, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> JSONResponse:
        """Store and group articles (as `storytrace ingest --json`). Idempotent: the same id with the
        same text is `unchanged`; the same id with another text is a conflict (the stored one is kept)."""
        if not token or credentials is None or not hmac.compare_digest(
                credentials.credentials.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(401, "invalid bearer token", headers={"www-authenticate": "Bearer"})
        arts = [_to_article(a, a.id, f"POST /api/articles:articles[{i}]") for i, a in enumerate(body.articles)]
        return JSONResponse(ingest_articles(db_path, arts, write_lock))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    def _analysis(story_id: str) -> StoryAnalysis:
        try:
            return analyses.get(story_id)
        except KeyError:
            raise HTTPException(404, f"no story {story_id!r} in the store") from None

    # ----------------------------------------------------------------- pages

    def page(html_text: str, status: int = 200, csp: bool = True) -> HTMLResponse:
        headers = {"content-security-policy": pages.CSP} if csp else {}
        return HTMLResponse(html_text, status_code=status, headers=headers)

    @app.get("/", include_in_schema=False)
    def stories_page(q: str = "", sort: str = "", page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        q = q.strip()[:500]
        if sort not in ("size", "recent", "relevance") or (sort == "relevance" and not q):
            sort = "relevance" if q else "size"
        per = 50
        with analyses.store() as store:
            doc = list_stories(store, analyses, q=q, sort=sort, limit=per, offset=(page_no - 1) * per)
        return page(pages.stories_page(doc, q=q, sort=sort, page=page_no, per_page=per))

    @app.get("/stories/{story_id:path}", include_in_schema=False)
    def story_page(story_id: str):
        an = _analysis(story_id)
        return page(pages.story_page(an), csp=False)  # the report page carries its own CSP

    @app.get("/compare", include_in_schema=False)
    def compare_page(story: str = "", a: str = "", b: str = ""):
        if not story:
            raise HTTPException(400, "the compare view needs ?story=STORY_ID (and optionally &a=ID&b=ID)")
        an = _analysis(story)
        ids = [x["id"] for x in an.report.get("articles") or []]
        if len(ids) < 2:
            return page(pages.error_page(400, f"story {story!r} has only one article: nothing to compare",
                                         links=[("Back to the story", pages.story_url(story))]), 400)
        for name, value in (("a", a), ("b", b)):
            if value and value not in ids:
                raise HTTPException(404, f"article {value!r} ({name}) is not among story {story!r}'s compared articles")
        a, b = pages.pick_pair(an.report, a or None, b or None)
        return page(pages.compare_page(an, a, b), csp=False)

    @app.get("/paste", include_in_schema=False)
    def paste_form():
        return page(pages.paste_page())

    @app.post("/paste", include_in_schema=False)
    async def paste_submit(request: Request):
        from starlette.datastructures import UploadFile as _Upload
        from starlette.formparsers import MultiPartException

        try:
            form = await request.form(max_files=MAX_COMPARE * 10, max_fields=100, max_part_size=max_body)
        except MultiPartException as exc:
            return page(pages.paste_page(error=f"the form could not be read: {exc.message}"), 400)
        except Exception as exc:  # a body that is not a form at all
            return page(pages.paste_page(error=f"the form could not be read ({type(exc).__name__})"), 400)
        texts: list[str] = []
        kept: list[str] = []
        for i in range(1, MAX_COMPARE + 1):
            v = form.get(f"text{i}")
            v = v if isinstance(v, str) else ""
            kept.append(v)
            if v.strip():
                texts.append(v.replace("\r\n", "\n"))
        files: list[tuple[str, bytes]] = []
        for item in form.getlist("files"):
            if isinstance(item, _Upload) and (item.filename or item.size):
                data = await item.read()
                if data:
                    files.append((item.filename or "upload.txt", data))
        await form.close()
        if len(texts) + len(files) == 0:
            return page(pages.paste_page(kept, error="paste at least two texts or upload files"), 400)
        from storytrace.readers.records import IngestError

        try:
            arts = await run_in_threadpool(read_uploads, texts, files, max_body)
        except IngestError as exc:
            return page(pages.paste_page(kept, error=f"cannot read {exc}"), 400)
        if not 2 <= len(arts) <= MAX_COMPARE:
            return page(pages.paste_page(kept, error=f"got {len(arts)} article(s); paste or upload "
                                                     f"2 to {MAX_COMPARE}"), 400)
        try:
            async with compare_gate:
                report = await run_in_threadpool(run_compare, arts, max_compare_chars)
        except HTTPException as exc:
            return page(pages.paste_page(kept, error=str(exc.detail)), exc.status_code)
        return page(pages.paste_result_page(report), csp=False)

    return app


def _warm() -> None:
    """Load the models once so the first request is not slow."""
    try:
        run_compare([Article("warm-a", "The council met on Monday. It approved the budget."),
                     Article("warm-b", "On Monday the council met and approved the budget.")], 10_000)
    except Exception:  # a warm-up failure shows up again on the first real request
        pass


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("storytrace")
    except Exception:
        return "0"


def _mount_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the swagger-ui-bundle package when installed (no network), else from its CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html

    js_url = css_url = None
    try:
        import swagger_ui_bundle
        from starlette.staticfiles import StaticFiles

        path = swagger_ui_bundle.swagger_ui_path
        if os.path.exists(os.path.join(path, "swagger-ui-bundle.js")):
            app.mount("/_docs", StaticFiles(directory=path), name="swagger-ui")
            js_url, css_url = "/_docs/swagger-ui-bundle.js", "/_docs/swagger-ui.css"
    except ImportError:
        pass

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        kw: dict[str, Any] = {"openapi_url": app.openapi_url or "/openapi.json", "title": "storytrace API"}
        if js_url:
            kw.update(swagger_js_url=js_url, swagger_css_url=css_url, swagger_favicon_url="/_docs/favicon-32x32.png")
        return get_swagger_ui_html(**kw)


def app_from_env() -> FastAPI:
    """An app configured from the environment (``uvicorn --factory``, ``serve --workers``):
    STORYTRACE_DB, STORYTRACE_TOKEN, STORYTRACE_MAX_BODY, STORYTRACE_WARM_UP."""
    return create_app(os.environ.get("STORYTRACE_DB", "storytrace.db"),
                      token=os.environ.get("STORYTRACE_TOKEN") or None,
                      max_body=int(os.environ.get("STORYTRACE_MAX_BODY", DEFAULT_MAX_BODY)),
                      max_articles=int(os.environ.get("STORYTRACE_MAX_ARTICLES", 50)),
                      warm_up=os.environ.get("STORYTRACE_WARM_UP", "") == "1")
