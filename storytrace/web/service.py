"""What the web app's routers share: its state, and the library calls behind the routes.

* `WebState` -- the settings and shared objects of one app (store path, token,
  limits, the analyses cache, the locks); kept on ``app.state.web`` and handed
  to a route by the `web_state` dependency.
* `Analyses` -- the analyses of stored stories (`storytrace.corpus.stories`),
  cached in memory per story key, their findings counts kept in the store.
* `list_stories`, `run_compare`, `ingest_request`, `read_uploads` -- the
  stories document, a compare of request texts, an ingest, pasted texts and
  uploads read as articles.
* `PasteResults`, `PasteJob` -- the paste view's analyses, each run as a job in
  its own thread whose step, counts and time left a page polls.

The compare pipeline's models are process-wide, so one analysis runs at a time
in this process (`PIPELINE_LOCK`); with worker processes (`storytrace.web.pool`,
``serve --compare-processes``) compares and story analyses run there, as many at
once as there are processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import re
import sqlite3
import logging
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import HTTPException, Request

from storytrace.corpus.analysis import current_counts, finding_counts
from storytrace.corpus.ingest import ingest_articles
from storytrace.corpus.storygrouping import StoryGrouper
from storytrace.corpus.store import Store, StoreError, StoryInfo, StoryStats
from storytrace.corpus.stories import StoryNotFound, compared_members, load_story, story_key, stored_analysis
from storytrace.model import Article
from storytrace.progress import StepCounter, parse_step, time_left
from storytrace.readers.checks import article_problem

__all__ = ["DEFAULT_MAX_COMPARE_CHARS", "PIPELINE_LOCK", "Analyses", "StoryAnalysis", "WebState", "analysis_or_404",
           "PasteJob", "PasteResults", "check_compare_size", "check_request_articles", "check_stored_articles", "finding_counts", "ingest_request", "list_stories", "read_uploads", "run_compare", "search_articles",
           "web_state", "without_text"]

#: total characters one compare may analyse (beyond it: 413); 10 long articles fit
DEFAULT_MAX_COMPARE_CHARS = 1_000_000

#: the compare pipeline's models are process-wide: one analysis at a time
PIPELINE_LOCK = threading.Lock()

log = logging.getLogger("storytrace.web")

#: the ``paths`` of an ingest run made by the API
INGEST_SOURCE = "POST /api/articles"


@dataclasses.dataclass
class WebState:
    """One app's settings and shared objects (``app.state.web``)."""

    db_path: str
    token: str | None
    max_body: int
    max_compare_chars: int
    analyses: Analyses
    pastes: PasteResults = dataclasses.field(default_factory=lambda: PasteResults())
    #: how long a paste result page waits for its analysis before it shows the progress instead
    paste_wait_s: float = 1.5
    write_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    #: the story grouper ingest requests share (under `write_lock`), so a request does not read the
    #: grouping state back from the store each time (`storygrouping.StoryGrouper.over`)
    grouper: StoryGrouper | None = None
    #: guards `story_jobs` (not `write_lock`: a page must not wait for an ingest)
    jobs_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    # compare requests queue here, in the event loop, rather than each holding a worker thread
    # while it waits for the pipeline: pages and reads stay responsive under a burst of compares
    compare_gate: asyncio.Semaphore = dataclasses.field(default_factory=lambda: asyncio.Semaphore(1))
    #: compare requests waiting or running at once; one more is answered 503 at once (set by hand:
    #: a queue this long waits about eight analyses, a minute on 2 cores)
    compare_queue_limit: int = 8
    compare_waiting: int = 0
    #: a running mean of one compare's seconds, for the Retry-After of a 503
    compare_seconds: float = 5.0
    #: worker processes for compares (`storytrace.web.pool.ComparePool`); None: in this process
    compare_pool: Any = None
    #: stored stories being analysed for their pages, by story id (`story_job`)
    story_jobs: dict = dataclasses.field(default_factory=dict)

    def story_job(self, story_id: str) -> PasteJob:
        """The running (or just finished) analysis of a stored story for its page; started when there is
        none. At most 8 run at once (more: 503, as for pasted texts)."""
        with self.jobs_lock:
            job = self.story_jobs.get(story_id)
            if job is not None and not (job.finished.is_set() and job.error):
                return job
            running = sum(1 for j in self.story_jobs.values() if not j.finished.is_set())
            if running >= 8:
                raise HTTPException(503, f"this server is busy ({running} story analyses running): try again "
                                         "in a minute", headers={"retry-after": "30"})
            job = PasteJob(story_id)
            self.story_jobs[story_id] = job
        analyses = self.analyses

        def work() -> None:
            try:
                analyses.get(story_id, progress=job.progress)
                job.finish({})
            except StoryNotFound:
                job.finish(error=(404, f"no story {story_id!r} in the store"))
            except HTTPException as exc:
                job.finish(error=(exc.status_code, str(exc.detail)))
            except Exception as exc:  # a bug on our side: said briefly, the trace on the server's log
                log.exception("analysis of story %s failed", story_id)
                job.finish(error=(500, f"the analysis failed (internal error: {type(exc).__name__})"))
            with self.jobs_lock:  # a finished job is only needed until its page reloads
                if len(self.story_jobs) > 64:
                    for sid in [s for s, j in self.story_jobs.items() if j.finished.is_set()][:32]:
                        del self.story_jobs[sid]

        threading.Thread(target=work, name="storytrace-story-analysis", daemon=True).start()
        return job

    def use_pool(self, pool: Any) -> None:
        """Run compares and story analyses in ``pool``: as many compares at once as it has processes,
        the queue as long per process."""
        self.compare_pool = pool
        self.analyses.pool = pool
        self.compare_gate = asyncio.Semaphore(pool.processes)
        self.compare_queue_limit = 8 * pool.processes

    def retry_after(self) -> int:
        """Seconds a refused compare should wait: the queue ahead of it at the recent pace."""
        running = self.compare_pool.processes if self.compare_pool is not None else 1
        return max(1, round(self.compare_waiting * self.compare_seconds / running))


def web_state(request: Request) -> WebState:
    """FastAPI dependency: the state of the app serving ``request``."""
    return request.app.state.web


# --------------------------------------------------------------------------- analyses of stored stories


@dataclasses.dataclass
class StoryAnalysis:
    """A stored story's analysis as the pages show it."""

    info: StoryInfo
    articles: list[str]  # the story's article ids, earliest first
    shown: list[str]  # the ids compared
    report: dict  # the compare contract, texts included; never mutated
    key: str
    corpus_story: dict  # as in `storytrace story ID --json`

    @classmethod
    def from_doc(cls, doc: dict, key: str) -> StoryAnalysis:
        """From `analyse_stored_story`'s document."""
        report = {k: v for k, v in doc.items() if k != "corpus_story"}
        cs = doc["corpus_story"]
        info = StoryInfo(cs["id"], cs["title"], cs["size"], cs["first_seen"], cs["last_seen"])
        return cls(info, list(cs["articles"]), list(cs["compared"]), report, key, cs)


class Analyses:
    """Story analyses, cached in memory per story key; findings counts kept in the store."""

    def __init__(self, db_path: str, *, max_articles: int = 50, cache_size: int = 64) -> None:
        self.db_path = db_path
        self.max_articles = max_articles
        self.cache_size = cache_size
        self._cache: OrderedDict[str, StoryAnalysis] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # analyses run (tests look at it)
        self.pool: Any = None  # worker processes (storytrace.web.pool.ComparePool); None: in this process

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

    def ensure_schema(self) -> None:
        """Open the store once, so its tables are brought up to date before the first request."""
        try:
            with self.store():
                pass
        except HTTPException:
            pass  # a missing or unusable store: each request says so

    def _key(self, store: Store, story_id: str) -> tuple[str, list[str]]:
        """The story's analysis key and compared ids, from ids and hashes only (no texts read)."""
        members = store.story_members([story_id]).get(story_id)
        if not members:
            raise StoryNotFound(story_id)
        compared = compared_members(members, self.max_articles)
        return story_key(story_id, compared), [aid for aid, _ in compared]

    def ready(self, story_id: str) -> StoryAnalysis | None:
        """The story's analysis when it needs no computing (in memory, or kept in the store); else None.
        `StoryNotFound`: no such story."""
        with self.store() as s:
            key, compared = self._key(s, story_id)
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return hit
            kept = stored_analysis(s, load_story(s, story_id, max_articles=self.max_articles))
        if kept is None:
            return None
        hit = StoryAnalysis.from_doc(kept[1], key)
        if hit.shown == compared:
            with self._lock:
                self._cache[key] = hit
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return hit

    def get(self, story_id: str, progress: Callable[[str], None] | None = None) -> StoryAnalysis:
        """The analysis of one story (`StoryNotFound`: no such story); computed once per content.
        ``progress`` gets the pipeline's steps when it runs in this process."""
        with self.store() as s:
            key, compared = self._key(s, story_id)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        # in worker processes many at once; in this process one at a time
        with (contextlib.nullcontext() if self.pool is not None else PIPELINE_LOCK):
            with self._lock:  # another request may have computed it meanwhile
                hit = self._cache.get(key)
            fresh = False
            if hit is None:
                with self.store() as s:
                    story = load_story(s, story_id, max_articles=self.max_articles)
                    kept = stored_analysis(s, story)  # what `storytrace analyze` (or an earlier run) kept
                if kept is not None:
                    hit = StoryAnalysis.from_doc(kept[1], story.key)
                else:
                    # an article stored before the record check existed (or under looser limits) would
                    # fail inside the analysis (spaCy's length error: a 500); it is named instead
                    check_stored_articles(story.compared)
                    if self.pool is not None:
                        if progress is not None:
                            progress("analysing in a worker process")
                        doc = {**self.pool.analyse(story.compared), "corpus_story": story.corpus_story()}
                    else:
                        doc = story.analyse(progress=progress)
                    self.computed += 1
                    hit = StoryAnalysis.from_doc(doc, story.key)
                    fresh = True
        if hit.shown != compared:  # an ingest changed the story meanwhile: the key is not this analysis'
            return hit
        with self._lock:
            self._cache[key] = hit
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        if fresh:
            self._save(story_id, hit)
        return hit

    def _save(self, story_id: str, an: StoryAnalysis) -> None:
        """Keep the counts and the analysis, so the list shows them and a restart does not analyse again."""
        c = finding_counts(an.report)
        try:
            with self.store() as s:
                s.save_story_analysis(StoryStats(story_id, an.key, len(an.shown), c["total"], c["high"],
                                                 c["medium"], c["low"]), an.report)
        except (HTTPException, sqlite3.Error):
            pass  # read-only or busy: the page still works, the count shows later

    def counts_for(self, store: Store, infos: Sequence[StoryInfo]) -> dict[str, dict | None]:
        """Findings counts for these stories: as saved when they match the story's current
        content; 0 for a one-article story; None when not analysed yet (`corpus.analysis.current_counts`)."""
        return current_counts(store, infos, max_articles=self.max_articles)


def analysis_or_404(analyses: Analyses, story_id: str) -> StoryAnalysis:
    try:
        return analyses.get(story_id)
    except StoryNotFound:
        raise HTTPException(404, f"no story {story_id!r} in the store") from None


def without_text(report: dict) -> dict:
    """The compare contract without the article texts."""
    out = dict(report)
    out["articles"] = [{k: v for k, v in a.items() if k != "text"} for a in report.get("articles") or []]
    return out


# --------------------------------------------------------------------------- story lists


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
        found = store.story_infos(order)
        infos = [found[s] for s in order if s in found]
        if sort == "size":
            infos.sort(key=lambda i: (-i.size, _latest_first(i.last_seen), i.id))
        elif sort == "recent":
            infos.sort(key=lambda i: (_latest_first(i.last_seen), -i.size, i.id))
        doc["matching"] = len(infos)
        infos = infos[offset: offset + limit] if limit else infos[offset:]
        doc["query"] = q
    counts = analyses.counts_for(store, infos)
    members = store.story_member_infos([i.id for i in infos])
    rows = []
    for info in infos:
        d = info.to_dict()
        d["members"] = [m.to_dict() for m in members.get(info.id, [])]  # as `storytrace stories --json`
        d["findings"] = counts.get(info.id)
        if q:
            d["matches"] = matches.get(info.id, [])
        rows.append(d)
    doc["limit"], doc["offset"] = limit, offset
    doc["stories"] = rows
    return doc


def _latest_first(stamp: str | None) -> tuple:
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


def check_request_articles(articles: Sequence[Article], where: str = "articles") -> None:
    """The record check of `storytrace ingest` (`readers.checks.article_problem`, with the limits of
    `readers.limits`) on a request's articles: 422 naming every bad one (``articles[i]``) and its problem."""
    errors = []
    for i, a in enumerate(articles):
        problem = article_problem(a)
        if problem:
            errors.append({"loc": f"{where}[{i}]", "msg": problem, "type": "bad_record"})
    if errors:
        msg = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:8]) + (" …" if len(errors) > 8 else "")
        raise HTTPException(422, f"invalid request: {msg}")


def check_stored_articles(articles: Sequence[Article]) -> None:
    """Stored articles the analysis cannot take (stored before the record check existed): 422, as
    `storytrace story` exits 2 for them."""
    for a in articles:
        problem = article_problem(a)
        if problem:
            raise HTTPException(422, f"stored article {a.id!r} ({a.origin or 'origin unknown'}) cannot be "
                                     f"analysed: {problem}")


def check_compare_size(articles: Sequence[Article], max_chars: int) -> None:
    """413 when these articles hold more text than one compare may analyse."""
    total = sum(len(a.text) for a in articles)
    if total > max_chars:
        raise HTTPException(413, f"too much text to compare: {total:,} characters; the limit is {max_chars:,}")


def run_compare(articles: Sequence[Article], max_chars: int, progress: Callable[[str], None] | None = None) -> dict:
    """The compare contract for these articles (texts included).

    ``progress`` gets the pipeline's steps ("aligning pairs 3/45", see `storytrace.progress`),
    and "waiting for another analysis" while an analysis before this one runs."""
    check_compare_size(articles, max_chars)
    from storytrace.compare import compare_articles
    from storytrace.report.contract import comparison_to_dict

    if not PIPELINE_LOCK.acquire(blocking=False):
        if progress is not None:
            progress("waiting for another analysis")
        PIPELINE_LOCK.acquire()
    try:
        if progress is None:
            return comparison_to_dict(compare_articles(list(articles)))
        return comparison_to_dict(compare_articles(list(articles), progress=progress))
    finally:
        PIPELINE_LOCK.release()


def warm_up() -> None:
    """Load the compare models once (a tiny compare), so the first request is not slow; a failure
    shows up again on the first real request."""
    try:
        run_compare([Article("warm-a", "The council met on Monday. It approved the budget."),
                     Article("warm-b", "On Monday the council met and approved the budget.")], 10_000)
    except Exception:
        pass


def ingest_request(state: WebState, articles: Sequence[Article]) -> dict:
    """Store + group new articles in one transaction (as `storytrace ingest`), return its JSON summary.

    Requests share one `StoryGrouper` (``state.grouper``, under ``state.write_lock``): its memory
    holds from one request to the next unless another process wrote to the store."""
    from storytrace.readers.records import with_iso_published_at

    arts = [with_iso_published_at(a) for a in articles]
    with state.write_lock:
        try:
            store = Store.open(state.db_path, create=False)
        except StoreError as exc:
            raise HTTPException(503, f"the store cannot be used: {exc}") from None
        try:
            if state.grouper is None:
                state.grouper = StoryGrouper(store)
            report = ingest_articles(store, arts, source=INGEST_SOURCE, grouper=state.grouper.over(store))
            totals = store.counts()
            story_of = store.membership([a.id for a in arts])
        finally:
            store.close()
    return {**report.to_dict(), "ok": report.ok, "story_of": story_of,
            "totals": {"articles": totals["articles"], "stories": totals["stories"]}}


_UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class PasteJob:
    """One paste-view analysis, run in its own thread: its step, counts and time left while it
    runs (`status`, the ``/paste/jobs/KEY`` document), then its report or its error."""

    def __init__(self, key: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.key = key
        self._clock = clock
        self._lock = threading.Lock()
        self._counter = StepCounter(clock=clock)
        self.started = clock()
        self.step, self.done, self.total, self.eta_s = "queued", None, None, None
        self.report: dict | None = None
        self.error: tuple[int, str] | None = None  # (HTTP status, message)
        self.finished = threading.Event()

    def progress(self, step: str) -> None:
        """The pipeline's progress callback."""
        name, done, total = parse_step(step)
        with self._lock:
            self.eta_s = self._counter.eta(step)
            self.step, self.done, self.total = name, done, total

    def finish(self, report: dict | None = None, error: tuple[int, str] | None = None) -> None:
        with self._lock:
            self.report, self.error = report, error
            self.step, self.eta_s = ("failed" if error else "finished"), None
        self.finished.set()

    def line(self) -> str:
        """ "aligning pairs 12/45, about 20 s left" """
        with self._lock:
            step, done, total, eta = self.step, self.done, self.total, self.eta_s
        text = step if done is None else f"{step} {done}/{total}"
        return text + (f", {time_left(eta)}" if eta is not None else "")

    def status(self) -> dict:
        with self._lock:
            doc = {"step": self.step, "done": self.done, "total": self.total,
                   "eta_s": None if self.eta_s is None else round(self.eta_s, 1),
                   "finished": self.finished.is_set(), "error": self.error[1] if self.error else None,
                   "elapsed_s": round(self._clock() - self.started, 1)}
        doc["text"] = self.line()
        doc["result"] = f"/paste/results/{self.key}"
        return doc


class PasteResults:
    """The latest paste-view analyses (running or finished), in memory, for their progress and
    their downloads (nothing is stored on disk).

    Kept per process: with ``serve --workers N`` a request may reach another worker, which answers
    404 with a note to paste again. At most ``max_running`` analyses wait or run at once (more: 503);
    of the finished ones the latest ``size`` are kept."""

    def __init__(self, size: int = 32, max_running: int = 8, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.max_running = max_running
        self.clock = clock  # for the time left (tests give their own)
        self._items: OrderedDict[str, PasteJob] = OrderedDict()
        self._lock = threading.Lock()

    def _new(self) -> PasteJob:
        import secrets

        # unguessable: a result is only for whoever pasted the texts
        return PasteJob(secrets.token_urlsafe(16), clock=self.clock)

    def _keep(self, job: PasteJob) -> None:
        with self._lock:
            self._items[job.key] = job
            done = [k for k, j in self._items.items() if j.finished.is_set()]
            for k in done[:max(0, len(done) - self.size)]:
                del self._items[k]

    def add(self, report: dict) -> str:
        """Keep a finished ``report``; its key."""
        job = self._new()
        job.finish(report)
        self._keep(job)
        return job.key

    def start(self, articles: Sequence[Article], max_chars: int,
              run: Callable[..., dict] | None = None) -> PasteJob:
        """Start the analysis of ``articles`` in a thread (``run``: `run_compare`); the job, at once.
        503 when `max_running` analyses are waiting or running already."""
        with self._lock:
            running = sum(1 for j in self._items.values() if not j.finished.is_set())
        if running >= self.max_running:
            raise HTTPException(503, f"this server is busy ({running} pasted analyses waiting or running, "
                                     f"at most {self.max_running}): try again in a minute",
                                headers={"retry-after": "30"})
        job = self._new()
        self._keep(job)
        run = run or run_compare
        arts = list(articles)

        def work() -> None:
            try:
                job.finish(run(arts, max_chars, progress=job.progress))
            except HTTPException as exc:
                job.finish(error=(exc.status_code, str(exc.detail)))
            except Exception as exc:  # a bug on our side: said briefly, the trace on the server's log
                log.exception("paste analysis %s failed", job.key)
                job.finish(error=(500, f"the analysis failed (internal error: {type(exc).__name__})"))
            self._keep(job)  # drop finished jobs beyond `size`

        threading.Thread(target=work, name=f"storytrace-paste-{job.key[:6]}", daemon=True).start()
        return job

    def job(self, key: str) -> PasteJob:
        with self._lock:
            job = self._items.get(key)
        if job is None:
            raise HTTPException(404, "this paste result is no longer kept (only the latest analyses are, in "
                                     "memory): paste the texts again")
        return job

    def get(self, key: str) -> dict:
        """A finished job's report (404: not kept; 409: still running; a failed job: its error)."""
        job = self.job(key)
        if not job.finished.is_set():
            raise HTTPException(409, "this analysis is still running: its result page shows its progress")
        if job.error:
            raise HTTPException(job.error[0], job.error[1])
        assert job.report is not None
        return job.report


def read_uploads(texts: Sequence[str], files: Sequence[tuple[str, bytes]], max_bytes: int,
                 labels: Sequence[str | None] = ()) -> list[Article]:
    """Pasted texts (front matter allowed) and uploaded files as articles, read like `storytrace compare`.

    ``labels[i]``, when given, names pasted text ``i``: it becomes the article's id, and its title
    unless the front matter has one. Raises `IngestError` (with the upload's own name, or the text's
    number) for a file or text that cannot be read.
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
    out = [dataclasses.replace(a, origin=(a.origin or "").replace(tmp + os.sep, "")) for a in articles]
    label_of = {f"text-{i}.txt": lab for i, lab in enumerate(labels, 1) if lab}
    for k, a in enumerate(out):
        lab = label_of.get(a.origin or "")
        if lab:
            out[k] = dataclasses.replace(a, id=lab, title=a.title or lab)
            problem = article_problem(out[k])  # the name is now the id: checked as one
            if problem:
                raise IngestError(a.origin or "text", f"its name: {problem}")
    return out
