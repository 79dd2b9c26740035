"""Bulk ingest into the corpus store: stream, batch, group, commit.

`ingest_batch(store, articles)` is the one way articles enter a store: in ONE
transaction it stores them (`Store.add_articles`: idempotent by id + content
hash), groups the new ones (`storytrace.corpus.storygrouping.StoryGrouper.assign`,
which can move earlier articles with text to another story too, or `StoryGrouper.adopt`
when their stories are given, as from the Spark job),
records the memberships and the stories' stats (`Store.assign`), and writes the
run's counts. Its callers:

* `ingest_paths(store, paths)` (``storytrace ingest``) reads every record with
  `storytrace.readers.records.iter_records` (lenient: a bad record is reported
  with its file and line and skipped) and hands over ``batch_size`` articles at
  a time. A crash or kill therefore leaves whole batches or nothing of a batch;
  a rerun finds what is stored already (same id, same text: "unchanged") and
  completes the rest. Memory is one batch plus the reader's state (JSONL is
  read line by line; a CSV file is read whole by the reader, so it costs its
  size once).
* `ingest_articles(store, articles)`: one in-memory batch as a run of its own
  (``POST /api/articles``).
* `storytrace.spark.load.load_parquet` (``storytrace ingest --from-parquet``).
"""

from __future__ import annotations

import gzip
import os
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from storytrace.corpus.storygrouping import StoryGrouper
from storytrace.corpus.store import Conflict, Store
from storytrace.model import Article
from storytrace.readers.records import IngestError, check_column_map, expand_paths, iter_records, with_iso_published_at

__all__ = ["ERROR_SAMPLE", "BatchResult", "IngestProgress", "IngestReport", "RunCounts", "estimate_units",
           "ingest_articles", "ingest_batch", "ingest_paths"]

#: errors and conflicts kept in the report (all are counted)
ERROR_SAMPLE = 1000
_PROGRESS_EVERY_S = 0.2


@dataclass(frozen=True)
class RunCounts:
    """What an ingest run's row says: records read (good and bad), what became of them."""

    records: int = 0
    added: int = 0
    unchanged: int = 0
    conflicts: int = 0
    errors: int = 0
    error_sample: tuple[dict, ...] = ()  # {"file", "line", "message"} of the first bad records


@dataclass
class BatchResult:
    """What `ingest_batch` stored: new, unchanged and conflicting articles, their stories."""

    added: list[Article] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    stories: dict[str, str] = field(default_factory=dict)  # new article id -> story id
    touched: set[str] = field(default_factory=set)  # ids of the stories that changed
    run: RunCounts | None = None  # the run's counts as written with the batch


def ingest_batch(
    store: Store,
    articles: Sequence[Article],
    *,
    grouper: StoryGrouper | None = None,
    stories: Mapping[str, str] | None = None,
    run_id: int | None = None,
    run: RunCounts = RunCounts(),
    status: str | None = None,
) -> BatchResult:
    """Store, group and count one batch of articles in ONE transaction: all of it or nothing.

    Idempotent: an article stored already with the same text is ``unchanged`` and keeps its
    story; the same id with another text is a conflict (the stored version is kept). The new
    articles are grouped by ``grouper.assign`` (default: a `StoryGrouper` over ``store``;
    pass one to keep its cache across batches), or, when ``stories`` gives their story ids
    (article id -> story id, e.g. the Spark job's), taken as given with ``grouper.adopt``.
    With a ``run_id``, the run's row gets ``run`` (its counts before this batch, bad records
    included) plus this batch, and ``status`` when given; the result's ``run`` holds them.
    """
    grouper = grouper if grouper is not None else StoryGrouper(store)
    with store.transaction():
        res = store.add_articles(articles, run_id=run_id)
        out = BatchResult(added=res.added, unchanged=res.unchanged, conflicts=res.conflicts)
        if res.added:
            if stories is not None:  # the given stories are the grouping: the grouper takes them in
                out.stories = {a.id: stories[a.id] for a in res.added}
                grouper.adopt(res.added, out.stories)
                out.touched = store.assign(out.stories)
            else:
                mapping = grouper.assign(res.added)
                lost = [a.id for a in res.added if a.id not in mapping]
                if lost:
                    raise RuntimeError(f"the grouper gave no story for {len(lost)} new article(s), e.g. {lost[0]!r}")
                out.stories = {a.id: mapping[a.id] for a in res.added}
                out.touched = store.assign(mapping)  # earlier articles the grouping moved, too
        if run_id is not None:
            out.run = replace(run, records=run.records + len(articles), added=run.added + len(res.added),
                              unchanged=run.unchanged + len(res.unchanged),
                              conflicts=run.conflicts + len(res.conflicts))
            _write_run(store, run_id, out.run, status)  # the run's counts commit with the batch
    return out


def ingest_articles(store: Store, articles: Sequence[Article], *, source: str = "articles",
                    grouper: StoryGrouper | None = None) -> IngestReport:
    """Ingest articles held in memory as one batch and one run (``paths``: ``[source]``).

    The run is ``done`` with the batch, or ``failed`` (and nothing of the batch stored) when
    it raises. The report lists every conflict."""
    grouper = grouper if grouper is not None else StoryGrouper(store)
    start = time.monotonic()
    report = IngestReport(run_id=None, paths=[source], stories_before=store.story_count())
    report.run_id = store.start_run(report.paths)
    try:
        res = ingest_batch(store, articles, grouper=grouper, run_id=report.run_id, status="done")
    except BaseException:
        try:
            _write_run(store, report.run_id, RunCounts(records=len(articles)), "failed")
        except Exception:  # keep the original error
            pass
        raise
    if isinstance(grouper, StoryGrouper):  # a later process reads its state back instead of grouping again
        grouper.save()
    report.records = len(articles)
    report.added, report.unchanged = len(res.added), len(res.unchanged)
    report.conflicts, report.n_conflicts = list(res.conflicts), len(res.conflicts)
    report.batches = 1
    report.stories_after = store.story_count()
    report.stories_touched = len(res.touched)
    report.elapsed = time.monotonic() - start
    return report


@dataclass
class IngestProgress:
    """Where an ingest stands; passed to the ``progress`` callback.

    ``units_done``/``units_total`` measure the input in lines (JSONL, CSV) and
    files (text, HTML) when `estimate_units` could count them; ``units_total``
    is None when it was not asked for.
    """

    records: int = 0  # records read, good and bad
    added: int = 0
    unchanged: int = 0
    conflicts: int = 0
    errors: int = 0
    batches: int = 0  # batches committed
    units_done: int = 0
    units_total: int | None = None
    path: str | None = None  # the file being read
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        """Records per second so far."""
        return self.records / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class IngestReport:
    """The outcome of `ingest_paths`."""

    run_id: int | None
    paths: list[str]
    records: int = 0
    added: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)  # the first ERROR_SAMPLE
    n_conflicts: int = 0
    errors: list[IngestError] = field(default_factory=list)  # the first ERROR_SAMPLE
    n_errors: int = 0
    batches: int = 0
    stories_before: int = 0
    stories_after: int = 0
    stories_touched: int = 0
    elapsed: float = 0.0
    limited: bool = False  # stopped at the record limit

    @property
    def ok(self) -> bool:
        """No bad record and no conflict."""
        return self.n_errors == 0 and self.n_conflicts == 0

    @property
    def rate(self) -> float:
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "paths": self.paths,
            "records": self.records,
            "added": self.added,
            "unchanged": self.unchanged,
            "conflicts": self.n_conflicts,
            "errors": self.n_errors,
            "error_list": [{"file": e.path, "line": e.line, "message": e.message} for e in self.errors],
            "conflict_list": [{"id": c.id, "origin": c.origin, "stored_origin": c.stored_origin,
                               "message": c.message()} for c in self.conflicts],
            "stories": {"before": self.stories_before, "after": self.stories_after,
                        "new": self.stories_after - self.stories_before, "touched": self.stories_touched},
            "batches": self.batches,
            "elapsed_s": round(self.elapsed, 3),
            "records_per_s": round(self.rate, 1),
            "limited": self.limited,
        }


def ingest_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    column_map: Mapping[str, str] | None = None,
    batch_size: int = 1000,
    progress: Callable[[IngestProgress], None] | None = None,
    limit: int | None = None,
    estimate_total: bool = False,
    max_bytes: int | None = None,
    grouper=None,
) -> IngestReport:
    """Ingest ``paths`` (files, folders, ``-``) into ``store``; see the module doc.

    ``column_map`` maps article fields to the input's names (``{"title": "TITLE"}``);
    ``limit`` stops after that many records (good or bad); ``estimate_total``
    counts input lines first so ``progress`` can show an ETA; ``max_bytes``
    caps a file's size (None: no cap). ``grouper`` defaults to
    ``StoryGrouper(store)``. If anything raises (a ``progress``
    callback, the grouper), the open batch is rolled back, the run is marked
    failed and the exception propagates; committed batches stay.
    Raises `ValueError` for a bad ``column_map`` and `IngestError` for a
    folder without supported files, before anything is written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")

    check_column_map(column_map)
    files = expand_paths(list(paths))
    if grouper is None:
        grouper = StoryGrouper(store)  # one for the whole run: its cache spans the batches
    start = time.monotonic()
    units = estimate_units(files) if estimate_total else None
    report = IngestReport(run_id=None, paths=[str(p) for p in paths])
    report.stories_before = store.story_count()
    report.run_id = store.start_run(report.paths)
    prog = IngestProgress(units_total=sum(units) if units is not None else None)
    touched: set[str] = set()
    pending: list[Article] = []
    last_report = 0.0

    def tick(force: bool = False) -> None:
        nonlocal last_report
        if progress is None:
            return
        now = time.monotonic()
        if force or now - last_report >= _PROGRESS_EVERY_S:
            last_report = now
            prog.records, prog.added, prog.unchanged = report.records, report.added, report.unchanged
            prog.conflicts, prog.errors, prog.batches = report.n_conflicts, report.n_errors, report.batches
            prog.elapsed = now - start
            progress(prog)

    def flush() -> None:
        if not pending:
            return
        res = ingest_batch(store, pending, grouper=grouper, run_id=report.run_id,
                           run=_counts(report, read_but_pending=len(pending)))
        # the report follows what committed: a batch that raised left it (and the store) as before
        report.added += len(res.added)
        report.unchanged += len(res.unchanged)
        report.n_conflicts += len(res.conflicts)
        room = ERROR_SAMPLE - len(report.conflicts)
        if room > 0:
            report.conflicts.extend(res.conflicts[:room])
        report.batches += 1
        touched.update(res.touched)
        pending.clear()
        tick(force=True)

    try:
        done_before = 0
        for i, path in enumerate(files):
            prog.path = path
            file_units = units[i] if units is not None else 0
            for rec in iter_records(path, strict=False, column_map=column_map, max_bytes=max_bytes):
                report.records += 1
                if isinstance(rec, IngestError):
                    report.n_errors += 1
                    if len(report.errors) < ERROR_SAMPLE:
                        report.errors.append(rec)
                    line = rec.line
                else:
                    pending.append(with_iso_published_at(rec))
                    line = _origin_line(rec.origin)
                if line is not None and units is not None:
                    prog.units_done = done_before + min(line, file_units)
                if len(pending) >= batch_size:
                    flush()
                tick()
                if limit is not None and report.records >= limit:
                    report.limited = True
                    break
            done_before += file_units
            prog.units_done = done_before
            if report.limited:
                break
        flush()
    except BaseException as exc:
        report.elapsed = time.monotonic() - start
        try:
            _record(store, report, status="interrupted" if isinstance(exc, KeyboardInterrupt) else "failed")
        except Exception:  # keep the original error
            pass
        raise
    if isinstance(grouper, StoryGrouper):  # a later process reads its state back instead of grouping again
        grouper.save()
    report.elapsed = time.monotonic() - start
    report.stories_after = store.story_count()
    report.stories_touched = len(touched)
    _record(store, report, status="done")
    tick(force=True)
    return report


def _counts(report: IngestReport, read_but_pending: int = 0) -> RunCounts:
    """The run's counts as the report has them; ``read_but_pending`` records read are not in them yet."""
    sample = tuple({"file": e.path, "line": e.line, "message": e.message} for e in report.errors[:100])
    return RunCounts(records=report.records - read_but_pending, added=report.added, unchanged=report.unchanged,
                     conflicts=report.n_conflicts, errors=report.n_errors, error_sample=sample)


def _write_run(store: Store, run_id: int, counts: RunCounts, status: str | None) -> None:
    store.update_run(run_id, records=counts.records, added=counts.added, unchanged=counts.unchanged,
                     conflicts=counts.conflicts, errors=counts.errors, error_sample=counts.error_sample,
                     status=status)


def _record(store: Store, report: IngestReport, status: str | None = None) -> None:
    if report.run_id is not None:
        _write_run(store, report.run_id, _counts(report), status)


def _origin_line(origin: str | None) -> int | None:
    if not origin:
        return 1  # a whole-file article: one unit
    _, sep, tail = origin.rpartition(":")
    return int(tail) if sep and tail.isdigit() else 1


def estimate_units(files: Sequence[str]) -> list[int]:
    """Per file, the units `ingest_paths` reports progress in: lines for JSONL/CSV, 1 otherwise.

    Reads each JSONL/CSV file once (decompressing .gz); unreadable files count 1.
    """
    out = []
    for f in files:
        low = f.lower()
        low = low.removesuffix(".gz")
        if f == "-" or not low.endswith((".jsonl", ".ndjson", ".csv")):
            out.append(1)
            continue
        try:
            with open(f, "rb") as raw:
                gz = raw.read(2) == b"\x1f\x8b"
                raw.seek(0)
                fh = gzip.GzipFile(fileobj=raw) if gz else raw
                n, last = 0, b"\n"
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    n += chunk.count(b"\n")
                    last = chunk[-1:]
                out.append(max(1, n + (last != b"\n")))
        except (OSError, EOFError, zlib.error):
            out.append(1)
    return out
