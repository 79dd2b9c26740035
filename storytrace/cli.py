"""The `storytrace` command line: a thin shell over the Python API.

Exit codes (every command):

* 0 success;
* 1 internal error: something failed on our side (``STORYTRACE_DEBUG=1`` shows the traceback);
* 2 a usage or input error (bad file, bad record, bad option, a file given as ``--db`` that
  is not a storytrace store, a limit exceeded), reported in one line without a traceback;
  for ``ingest``: some records were skipped and reported, the good ones are stored;
* 3 the environment failed us: the disk is full, the store is read-only or stayed locked
  by another process for more than 30 s, a file cannot be written.

Every user string printed (ids, titles, sources, file names, messages) is escaped for
rich markup and has terminal control characters replaced (`report.terminal.printable`).
Read commands (``stories``, ``story``, ``serve`` without ``--create``) open the store
read-only and never create or change a file they were only asked to read.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.markup import escape

from storytrace.progress import StepCounter
from storytrace.readers.limits import MAX_COMPARE_ARTICLES
from storytrace.report.terminal import printable

EXIT_INPUT = 2
EXIT_INTERNAL = 1
EXIT_ENV = 3

T = TypeVar("T")


def _safe(text: object) -> str:
    """A user string for a rich markup string: controls replaced, markup escaped."""
    return escape(printable(str(text)))


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    # soft_wrap: one line however long (the terminal wraps it), so it can be grepped
    Console(stderr=True).print(f"[bold red]error:[/] {_safe(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storytrace")
def main() -> None:
    """Trace one news story through all its versions.

    \b
    Examples:
      storytrace compare examples/ --html report.html  # compare files, write a report
      storytrace ingest examples/ --db storytrace.db   # build a corpus store
      storytrace stories --db storytrace.db            # list its stories
      storytrace story STORY_ID --db storytrace.db     # analyse one of them
      storytrace analyze --all --db storytrace.db      # analyse them all, keep the findings counts
      storytrace serve --db storytrace.db              # the web app
      storytrace COMMAND --help                        # each command's options

    \b
    Exit codes: 0 success, 1 internal error, 2 bad input, 3 the environment
    failed (disk full, store read-only or locked, output not writable).
    """


_SEVERITY_OPTION = click.option(
    "--severity", "min_severity", type=click.Choice(["high", "medium", "low"]), default=None,
    help="List only findings at least this severe in the terminal view (--json and --html keep all).")
_LABEL_OPTION = click.option(
    "--label", "labels", multiple=True, metavar="ID=NAME",
    help="Name a version in every view (repeatable), e.g. --label wire-1=Reuters. "
         "Unlabelled versions are named by their title or first sentence.")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (the compare contract).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write a self-contained HTML report to this file.")
@click.option("--no-text", is_flag=True, help="Leave article texts out of the JSON document.")
@click.option("--max-findings", default=40, show_default=True, help="Findings listed per story in the terminal view.")
@_SEVERITY_OPTION
@_LABEL_OPTION
def compare(paths: tuple[str, ...], as_json: bool, html_path: str | None, no_text: bool, max_findings: int,
            min_severity: str | None = None, labels: tuple[str, ...] = ()) -> None:
    """Compare versions of news stories and show what each changed.

    PATHS are .txt/.md files (optional front matter: title, source,
    published_at), .html pages (the article text is extracted), .jsonl or
    .csv files (one article per line or row: id, text, optional title,
    source, url, published_at), any of them gzipped (.gz), folders of them,
    or - for JSONL on stdin. Prints the stories found, a reuse matrix,
    who derived from whom, the findings (most severe first) and a fused
    brief.

    \b
    Examples:
      storytrace compare examples/                     # a folder of versions
      storytrace compare wire.txt paper.html blog.txt --html report.html
      storytrace compare articles.jsonl.gz --json > report.json
      storytrace compare feed.csv --severity high      # only the high findings
      storytrace compare a.txt b.txt --label a=Wire --label b=Courier
      cat articles.jsonl | storytrace compare -        # JSONL on stdin

    \b
    Exit codes: 0 done (also for fewer than two articles: a note says so),
    2 bad input, 3 an output that cannot be written, 1 an internal error.
    """
    from storytrace.readers.records import IngestError, looks_english, read_articles

    err = Console(stderr=True)
    names = _parse_labels(labels)
    _check_output(html_path)  # before the (slow) analysis, not after it
    try:
        articles = read_articles(list(paths))
    except IngestError as exc:
        _fail(str(exc))
        return
    if not articles:
        _fail("no articles found in " + ", ".join(paths))
    if len(articles) > MAX_COMPARE_ARTICLES:
        _fail(f"{len(articles):,} articles given, more than the {MAX_COMPARE_ARTICLES:,}-article limit per compare "
              "(every pair is compared); ingest them (`storytrace ingest`) and compare one story at a time")
    _check_labels(names, [a.id for a in articles])
    _check_comparable(articles)
    if len(articles) < 2:
        err.print(f"[yellow]note:[/] only one article ({_safe(articles[0].origin or articles[0].id)}): nothing to "
                  "compare; give two or more versions of a story", highlight=False, soft_wrap=True)
        if not (as_json or html_path):
            return
    for a in articles:
        if not looks_english(a.text):
            err.print(f"[yellow]warning:[/] {_safe(a.origin or a.id)} does not look like English; "
                      "alignment and findings are tuned for English news", highlight=False)

    from storytrace.compare import compare_articles
    from storytrace.report.contract import comparison_to_dict
    from storytrace.report.names import apply_labels

    comparison = _run_pipeline(lambda progress: compare_articles(articles, progress=progress), err,
                               show_progress=not as_json)
    report = apply_labels(comparison_to_dict(comparison, include_text=not no_text or bool(html_path)), names)
    if len(articles) >= 2 and not any(len(st["articles"]) >= 2 for st in report["stories"]):
        err.print(f"[yellow]note:[/] none of the {len(articles)} articles tell the same story (too little shared "
                  "content): nothing was compared", highlight=False, soft_wrap=True)
    if _write_html_and_json(report, html_path, no_text, as_json):
        return
    from storytrace.report.terminal import render_terminal

    render_terminal(report, Console(), max_findings=max_findings, min_severity=min_severity)
    if html_path:
        err.print(f"wrote {_safe(html_path)}", highlight=False)


def _parse_labels(values: tuple[str, ...]) -> dict[str, str]:
    from storytrace.report.names import parse_labels

    try:
        return parse_labels(values)
    except ValueError as exc:
        _fail(str(exc))
        return {}


def _check_labels(labels: dict[str, str], ids: list[str]) -> None:
    """Exit 2 now, before the analysis, for a ``--label`` naming no article given."""
    unknown = [aid for aid in labels if aid not in ids]
    if unknown:
        shown = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
        _fail(f"--label {unknown[0]}=…: no article {unknown[0]!r} (article ids: {shown})")


def _write_html_and_json(
    report: dict, html_path: str | None, no_text: bool, as_json: bool, json_extra: dict | None = None
) -> bool:
    """Write the HTML report if asked, drop texts if asked, print JSON (plus ``json_extra``) if asked.

    True when JSON was printed."""
    if html_path:
        from storytrace.report.html import render_html

        try:
            Path(html_path).write_text(render_html(report), encoding="utf-8")
        except OSError as exc:  # disk full, folder removed meanwhile, no permission
            _fail(f"cannot write {html_path}: {exc.strerror or exc}", EXIT_ENV)
    if no_text:
        for a in report["articles"]:
            a.pop("text", None)
    if as_json:
        click.echo(json.dumps({**report, **(json_extra or {})}, ensure_ascii=False, indent=2))
    return as_json


def _check_output(path: str | None) -> None:
    """Fail now (exit 2) when the ``--html`` file could not be written later."""
    if not path:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        _fail(f"--html {path}: folder {folder} does not exist")
    if os.path.isdir(path):
        _fail(f"--html {path}: is a folder; give a file name")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        _fail(f"--html {path}: not writable")


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> bool:
        return False


# --------------------------------------------------------------------------- corpus store


def _open_store(db: str, create: bool, read_only: bool = False):
    """The store, or exit: 2 when ``db`` is no usable store, 3 when the environment fails (locked, read-only)."""
    from storytrace.corpus.store import Store, StoreError, StoreUnavailable

    try:
        return Store.open(db, create=create, read_only=read_only)
    except StoreUnavailable as exc:
        _fail(str(exc), EXIT_ENV)
    except StoreError as exc:
        _fail(str(exc))
    except (UnicodeError, ValueError) as exc:  # a --db name that is not UTF-8, a NUL byte in it
        _fail(f"--db {db}: cannot use this file name ({exc})")


def _store_failed(store, db: str, exc: BaseException, err: Console, kept: str) -> None:
    """Close ``store`` and exit: EXIT_ENV with a one-line error when the environment failed (what was
    committed before is ``kept``), else as an internal error."""
    store.close()
    problem = _environment_failure(exc)
    if problem is not None:
        _fail(f"{db}: {problem}; {kept}", EXIT_ENV)
    _internal(err, exc)


def _environment_failure(exc: BaseException) -> str | None:
    """What went wrong around us (disk full, store locked or read-only), or None for anything else."""
    from storytrace.corpus.store import environment_problem

    if isinstance(exc, OSError) and exc.errno is not None:
        import errno

        if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT, errno.EIO):
            return exc.strerror or str(exc)
    return environment_problem(exc)


def _internal(err: Console, exc: BaseException) -> None:
    if os.environ.get("STORYTRACE_DEBUG"):
        raise exc
    err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {_safe(exc)} "
              "(set STORYTRACE_DEBUG=1 for the traceback)", highlight=False)
    sys.exit(EXIT_INTERNAL)


def _run_pipeline(run: Callable[[Callable[[str], None]], T], err: Console, *, show_progress: bool) -> T:
    """``run(progress)`` (the compare pipeline) with a spinner on a terminal; a failure on our side exits 1."""
    with err.status("loading models…", spinner="dots") if show_progress and err.is_terminal else _Null() as status:
        counter = StepCounter()

        def progress(step: str) -> None:
            if status is not None:
                status.update(counter.line(step))

        try:
            return run(progress)
        except Exception as exc:  # a bug on our side: say so briefly, keep the trace on request
            _internal(err, exc)


_SHOW_ERRORS = 20


@main.command()
@click.argument("paths", nargs=-1, required=False)
@click.option("--db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
              help="The store (a SQLite file); created if missing.")
@click.option("--from-parquet", "from_parquet", metavar="DIR",
              help="Load the output of `storytrace spark group` (DIR/articles) with its stories instead of PATHS.")
@click.option("--map", "mapping", metavar="FIELD=COLUMN,...",
              help="Read fields from other CSV columns / JSONL keys, e.g. "
                   "title=TITLE,text=TITLE,published_at=TIMESTAMP (fields: id, text, title, source, url, "
                   "published_at).")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1),
              help="Articles stored (and grouped) per transaction.")
@click.option("--limit", type=click.IntRange(1), help="Stop after this many records (good or bad).")
@click.option("--progress/--no-progress", "show_bar", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
def ingest(paths: tuple[str, ...], db: str, mapping: str | None, batch_size: int, limit: int | None,
           show_bar: bool | None, as_json: bool, from_parquet: str | None = None) -> None:
    """Add articles to the corpus store and group them into stories.

    PATHS are .txt/.md or .html files (one article each), .jsonl or .csv files
    (one article per line/row), any of them gzipped (.gz), folders of them, or
    - for JSONL on stdin.

    Idempotent: an article already stored with the same id and text is left
    alone, so ingesting the same input again adds nothing. An id stored with a
    different text is a conflict: the stored version is kept and the conflict
    listed. A bad record is listed with its file and line and skipped; the
    rest is stored. New articles join existing stories or start new ones; the
    corpus is never regrouped from scratch. Articles are stored in batches,
    each batch with its grouping in one transaction: if the ingest is killed,
    the store keeps whole batches only, and running the same command again
    completes it.

    \b
    Examples:
      storytrace ingest examples/ --db storytrace.db
      storytrace ingest feeds/ archive.jsonl.gz --db storytrace.db
      storytrace ingest uci.csv.gz --map id=ID,title=TITLE,text=TITLE,published_at=TIMESTAMP
      zcat day.jsonl.gz | storytrace ingest - --db storytrace.db
      storytrace ingest --from-parquet out/ --db storytrace.db   # after `storytrace spark group`

    \b
    Exit codes:
      0  every record was stored or already there
      2  some records were bad or conflicted (all good ones are stored),
         or the input or store cannot be used
      3  the store cannot be written: read-only, disk full, or locked by
         another process past 30 s (batches committed before it are kept)
      1  an internal error (batches committed before it are kept)
    """
    if from_parquet is not None:
        if paths:
            _fail("give either PATHS or --from-parquet, not both")
        _ingest_parquet(from_parquet, db, as_json)
        return
    if not paths:
        _fail("missing PATHS (files, folders or -), or --from-parquet DIR")
    from storytrace.corpus.ingest import ingest_paths
    from storytrace.readers.records import IngestError, parse_column_map

    err = Console(stderr=True)
    try:
        column_map = parse_column_map(mapping)
    except ValueError as exc:
        _fail(str(exc))
        return
    store = _open_store(db, create=True)
    bar = err.is_terminal if show_bar is None else show_bar
    try:
        if bar:
            report = _ingest_with_bar(store, list(paths), column_map, batch_size, limit, err)
        else:
            report = ingest_paths(store, list(paths), column_map=column_map, batch_size=batch_size, limit=limit)
    except (IngestError, ValueError) as exc:
        store.close()
        _fail(str(exc))
        return
    except KeyboardInterrupt:
        store.close()
        err.print("[yellow]interrupted:[/] the batches committed so far are kept; "
                  "run the same command again to complete the ingest", highlight=False)
        sys.exit(130)
    except Exception as exc:  # the environment (disk full, locked, read-only), or a bug on our side
        _store_failed(store, db, exc, err, "the batches committed before it are kept")
        return
    totals = store.counts()
    store.close()
    if as_json:
        doc = report.to_dict()
        doc["db"] = db
        doc["totals"] = {"articles": totals["articles"], "stories": totals["stories"]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_ingest_summary(Console(), report, db, totals)
    sys.exit(0 if report.ok else EXIT_INPUT)


def _ingest_parquet(folder: str, db: str, as_json: bool) -> None:
    """`storytrace ingest --from-parquet DIR`: a Spark result into the store (see storytrace.spark.load)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        _fail("--from-parquet needs pyarrow (pip install pyarrow, or pyspark[sql])")
    from storytrace.spark.load import load_parquet

    if not os.path.isdir(folder):
        _fail(f"{folder}: no such folder (expected the --output of `storytrace spark group`)")
    store = _open_store(db, create=True)
    err = Console(stderr=True)
    try:
        res = load_parquet(store, folder)
    except ValueError as exc:
        store.close()
        _fail(str(exc))
        return
    except Exception as exc:
        store.close()
        _internal(err, exc)
        return
    totals = store.counts()
    store.close()
    res.update(db=db, totals={"articles": totals["articles"], "stories": totals["stories"]})
    if as_json:
        click.echo(json.dumps(res, indent=2))
    else:
        Console().print(f"[bold]storytrace ingest[/] {_safe(folder)} → {_safe(db)}: {res['records']:,} records, "
                        f"added {res['added']:,}, unchanged {res['unchanged']:,}, conflicts {res['conflicts']:,}; store now "
                        f"holds {totals['articles']:,} articles in {totals['stories']:,} stories", highlight=False)
    sys.exit(0 if res["conflicts"] == 0 else EXIT_INPUT)


def _ingest_with_bar(store, paths, column_map, batch_size, limit, err: Console):
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from storytrace.corpus.ingest import ingest_paths

    columns = [SpinnerColumn(), BarColumn(bar_width=20), TaskProgressColumn(),
               TextColumn("{task.fields[records]:,} rec · {task.fields[rate]:,.0f}/s · "
                          "{task.fields[errors]:,} bad"),
               TextColumn("· ETA"), TimeRemainingColumn(), TextColumn("·"), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("ingest", total=None, records=0, rate=0.0, added=0, errors=0)

        def progress(p) -> None:
            total = p.units_total
            if limit is not None:  # the record limit bounds the run better than the input size
                total, done = limit, p.records
            else:
                done = p.units_done
            bar.update(task, total=total, completed=done, records=p.records, rate=p.rate,
                       added=p.added, errors=p.errors)

        return ingest_paths(store, paths, column_map=column_map, batch_size=batch_size, limit=limit,
                            progress=progress, estimate_total=limit is None)


def _print_ingest_summary(out: Console, report, db: str, totals: dict) -> None:
    new_stories = report.stories_after - report.stories_before
    out.print(f"[bold]storytrace ingest[/] → {_safe(db)}: {report.records:,} records in {report.elapsed:.1f} s "
              f"({report.rate:,.0f}/s)" + ("  [dim](stopped at --limit)[/]" if report.limited else ""),
              highlight=False)
    out.print(f"  added [green]{report.added:,}[/] · unchanged {report.unchanged:,} · "
              f"conflicts {'[yellow]' if report.n_conflicts else ''}{report.n_conflicts:,}"
              f"{'[/]' if report.n_conflicts else ''} · errors "
              f"{'[red]' if report.n_errors else ''}{report.n_errors:,}{'[/]' if report.n_errors else ''}",
              highlight=False)
    out.print(f"  stories: {new_stories:,} new, {report.stories_touched:,} touched; "
              f"store now holds {totals['articles']:,} articles in {totals['stories']:,} stories", highlight=False)
    if report.n_errors:
        out.print("[red]bad records[/] (skipped; everything else is stored):", highlight=False)
        for e in report.errors[:_SHOW_ERRORS]:
            out.print(f"  {printable(str(e))}", highlight=False, markup=False, soft_wrap=True)  # one line each
        if report.n_errors > _SHOW_ERRORS:
            out.print(f"  … and {report.n_errors - _SHOW_ERRORS:,} more (use --json for the first "
                      f"{len(report.errors):,})", highlight=False)
    if report.n_conflicts:
        out.print("[yellow]conflicts[/] (the stored version was kept):", highlight=False)
        for c in report.conflicts[:_SHOW_ERRORS]:
            out.print(printable(f"  {c.origin or '?'}: {c.message()}"), highlight=False, markup=False,
                      soft_wrap=True)
        if report.n_conflicts > _SHOW_ERRORS:
            out.print(f"  … and {report.n_conflicts - _SHOW_ERRORS:,} more", highlight=False)


@main.command()
@click.option("--db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
              help="The store made by `storytrace ingest`.")
@click.option("--sort", "order_by", type=click.Choice(["size", "recent"]), default="size", show_default=True,
              help="Biggest stories first, or most recently seen first.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0), help="Stories shown (0: all).")
@click.option("--members", "show_members", is_flag=True,
              help="List each story's articles (id, time, source, title) under it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (each story with its members).")
def stories(db: str, order_by: str, limit: int, show_members: bool, as_json: bool) -> None:
    """List the stories in the store: id, size, findings, first and last seen, title.

    First/last seen are the earliest and latest publication times of the
    story's articles (ingest time for an article without one), in UTC.
    `--json` lists every story's members (ids, titles, sources, urls, times)
    without analysing anything; `--members` shows them in the terminal.
    Findings (total, high/medium/low) are those saved by `storytrace analyze`
    or the web app for the story's current articles ("–" or null: not
    analysed yet; one-article stories have none).
    Exit code 2 when the store is missing or unusable. The store is only read.

    \b
    Examples:
      storytrace stories --db storytrace.db
      storytrace stories --db storytrace.db --sort recent --limit 10 --members
      storytrace stories --db storytrace.db --json --limit 0 > stories.json
    """
    from storytrace.corpus.analysis import current_counts

    store = _open_store(db, create=False, read_only=True)
    rows = store.stories(order_by=order_by, limit=limit or None)
    totals = store.counts()
    members = store.story_member_infos([r.id for r in rows]) if (as_json or show_members) else {}
    counts = current_counts(store, rows)  # as saved by `analyze` or the web app, when current
    store.close()
    if as_json:
        listed = [{**r.to_dict(), "members": [m.to_dict() for m in members.get(r.id, [])],
                   "findings": counts.get(r.id)} for r in rows]
        click.echo(json.dumps({"db": db, "total_stories": totals["stories"], "total_articles": totals["articles"],
                               "sort": order_by, "stories": listed},
                              ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    out = Console()
    table = Table(title=f"{totals['stories']:,} stories, {totals['articles']:,} articles in {_safe(db)}",
                  title_justify="left")
    wide = out.width >= 110  # dates with the time of day when there is room
    both = out.width >= 100  # first and last seen; narrower: first seen only
    date_w = 16 if wide else 10
    # ids are never cut (they are what `storytrace story` takes) but fold past a width that leaves the title room
    id_w = min(max((len(printable(r.id)) for r in rows), default=2), 40 if wide else 30)
    size_w = max(max((len(f"{r.size:,}") for r in rows), default=4), 4)
    n_dates = 2 if both else 1
    # findings: a column once any story of several articles has current counts (`storytrace analyze`)
    cells = {r.id: _findings_text(counts.get(r.id)) for r in rows} if any(
        counts.get(r.id) is not None for r in rows if r.size > 1) else {}
    find_w = max((len(c) for c in cells.values()), default=0)
    find_w = max(find_w, 8) if cells else 0
    n_cols = 3 + n_dates + bool(cells)
    # one line per story: fixed widths, the title gets what is left on one line (borders + padding: 3 per column + 1)
    title_w = max(out.width - id_w - size_w - find_w - n_dates * date_w - 3 * n_cols - 1, 12)
    table.add_column("id", style="cyan", width=id_w, overflow="fold")
    table.add_column("size", justify="right", width=size_w)
    if cells:
        table.add_column("findings", justify="right", width=find_w, no_wrap=True)
    table.add_column("first seen", width=date_w, no_wrap=True)
    if both:
        table.add_column("last seen", width=date_w, no_wrap=True)
    table.add_column("title", width=title_w, no_wrap=True, overflow="ellipsis")
    for r in rows:
        # ids and titles as Text (a str cell is read as markup), controls replaced
        dates = [_short_time(r.first_seen, wide)] + ([_short_time(r.last_seen, wide)] if both else [])
        found = [_findings_cell(cells[r.id])] if cells else []
        table.add_row(Text(printable(r.id)), f"{r.size:,}", *found, *dates,
                      Text(printable(" ".join((r.title or "").split())), no_wrap=True, overflow="ellipsis"),
                      end_section=show_members and not members.get(r.id))
        listed = members.get(r.id, [])
        for k, m in enumerate(listed):
            label = " · ".join(x for x in (m.source, " ".join((m.title or "").split())) if x)
            table.add_row(Text(printable(f"  {m.id}"), style="dim"), "", *([""] if cells else []),
                          _short_time(m.published_at, wide),
                          *([""] if both else []),
                          Text(printable(label) or "-", style="dim", no_wrap=True, overflow="ellipsis"),
                          end_section=k == len(listed) - 1)
    out.print(table)
    if len(rows) < totals["stories"]:
        out.print(f"[dim]showing {len(rows):,} of {totals['stories']:,} (--limit 0 for all)[/]", highlight=False)


def _findings_text(counts: dict | None) -> str:
    """A story's findings in the stories table: "16 4/8/4" (total, high/medium/low), "–" when not analysed."""
    if counts is None:
        return "–"
    if not counts["total"]:
        return "0"
    return f"{counts['total']:,} {counts['high']:,}/{counts['medium']:,}/{counts['low']:,}"


def _findings_cell(text: str):
    from rich.text import Text

    total, _, split = text.partition(" ")
    cell = Text(total, style="dim" if total in ("–", "0") else "bold")
    if split:
        high, medium, low = split.split("/")
        cell.append(" ")
        cell.append(high, style="red")
        cell.append("/")
        cell.append(medium, style="yellow")
        cell.append("/")
        cell.append(low, style="dim")
    return cell


def _short_time(stamp: str | None, with_time: bool = True) -> str:
    if not stamp:
        return ""
    return escape(printable(stamp[:16].replace("T", " ") if with_time else stamp[:10]))


@main.command()
@click.argument("story_id")
@click.option("--db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
              help="The store made by `storytrace ingest`.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (the compare contract, "
              "plus `corpus_story`).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write a self-contained HTML report to this file.")
@click.option("--no-text", is_flag=True, help="Leave article texts out of the JSON document.")
@click.option("--max-articles", default=50, show_default=True, type=click.IntRange(1, MAX_COMPARE_ARTICLES),
              help="Compare at most this many of the story's articles (the earliest seen).")
@click.option("--max-findings", default=40, show_default=True, help="Findings listed per story in the terminal view.")
@click.option("--reanalyse", is_flag=True, help="Analyse the story again even when `storytrace analyze` kept a "
              "current analysis of it.")
@_SEVERITY_OPTION
@_LABEL_OPTION
def story(story_id: str, db: str, as_json: bool, html_path: str | None, no_text: bool, max_articles: int,
          max_findings: int, reanalyse: bool = False, min_severity: str | None = None,
          labels: tuple[str, ...] = ()) -> None:
    """The full compare analysis of one stored story (ids from `storytrace stories`).

    Runs the same analysis as `storytrace compare` on the story's articles:
    reuse, derivation, findings and the fused brief; or reads the one
    `storytrace analyze` kept, when the story has not changed since
    (--reanalyse: run it anyway). Exit code 2 when the store is missing or
    there is no such story. The store is only read.

    \b
    Examples:
      storytrace stories --db storytrace.db            # find the story's id
      storytrace story s-orlen-derailment-wire --db storytrace.db
      storytrace story s-orlen-derailment-wire --html story.html --severity medium
      storytrace story s-orlen-derailment-wire --json --no-text > story.json
    """
    from storytrace.corpus.stories import StoryNotFound, load_story, stored_analysis

    _check_output(html_path)
    store = _open_store(db, create=False, read_only=True)
    include_text = not no_text or bool(html_path)
    try:
        story = load_story(store, story_id, max_articles=max_articles)
        kept = None if reanalyse else stored_analysis(store, story, include_text=include_text)
    except StoryNotFound:
        _fail(f"no story {story_id!r} in {db} (list them with `storytrace stories --db {db}`)")
        return
    finally:
        store.close()
    err = Console(stderr=True)
    names = _parse_labels(labels)
    _check_labels(names, [a.id for a in story.compared])
    _check_stored(story.compared)
    if len(story.articles) > len(story.compared):  # said before the (slow) analysis starts
        err.print(f"[yellow]note:[/] story {_safe(story_id)} has {len(story.articles):,} articles; comparing the "
                  f"{len(story.compared)} earliest (--max-articles)", highlight=False)
    if kept is not None:
        computed_at, doc = kept
        if not as_json:
            err.print(f"[dim]the analysis `storytrace analyze` kept ({_short_time(computed_at)} UTC); "
                      "--reanalyse runs it again[/]", highlight=False)
    else:
        doc = _run_pipeline(lambda progress: story.analyse(include_text=include_text, progress=progress),
                            err, show_progress=not as_json)
    corpus_story = doc.pop("corpus_story")
    from storytrace.report.names import apply_labels

    doc = apply_labels(doc, names)
    if _write_html_and_json(doc, html_path, no_text, as_json, json_extra={"corpus_story": corpus_story}):
        return
    from storytrace.report.terminal import render_terminal

    out = Console()
    info = story.info
    seen = " – ".join(x for x in (_short_time(info["first_seen"]), _short_time(info["last_seen"])) if x)
    out.print(f"[bold]story {_safe(info['id'])}[/] · {info['size']:,} article{'s' * (info['size'] != 1)}"
              + (f" · {seen}" if seen else "") + (f"\n{_safe(info['title'])}" if info["title"] else ""),
              highlight=False)
    render_terminal(doc, out, max_findings=max_findings, min_severity=min_severity)
    if html_path:
        err.print(f"wrote {_safe(html_path)}", highlight=False)


@main.command()
@click.argument("story_ids", nargs=-1, metavar="[STORY_ID]...")
@click.option("--all", "all_stories", is_flag=True, help="Analyse every story of the store (biggest first).")
@click.option("--db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
              help="The store made by `storytrace ingest`; the findings counts are written to it.")
@click.option("--max-articles", default=50, show_default=True, type=click.IntRange(1, MAX_COMPARE_ARTICLES),
              help="Compare at most this many of each story's articles (the earliest seen); the web app's "
                   "and `stories`' counts are those of 50.")
@click.option("--force", is_flag=True, help="Analyse again the stories whose saved counts are current.")
@click.option("--progress/--no-progress", "show_bar", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
def analyze(story_ids: tuple[str, ...], all_stories: bool, db: str, max_articles: int, force: bool,
            show_bar: bool | None, as_json: bool) -> None:
    """Analyse many stored stories in one process and keep their findings counts in the store.

    Runs the analysis of `storytrace story` on each story (the models load
    once for the whole run) and saves each story's findings per severity as
    soon as it is done; `storytrace stories` and the web app's stories list
    then show them. A story whose saved counts come from its current articles
    is skipped, so a rerun (or a run after an interrupted one) analyses only
    what is new or changed. One-article stories have nothing to compare and
    are not analysed. A story that cannot be analysed is reported and the
    run goes on.

    \b
    Examples:
      storytrace analyze --all --db storytrace.db
      storytrace analyze s-orlen-derailment-wire s-brantwick-fire-wire --db storytrace.db
      storytrace analyze --all --db storytrace.db --json     # summary: analysed, skipped, failed, seconds

    \b
    Exit codes: 0 every story analysed or current, 1 some stories failed (the
    others are saved) or an internal error, 2 no such store or story, 3 the
    store cannot be written (read-only, disk full, locked past 30 s), 130
    interrupted (the stories done so far are kept).
    """
    from storytrace.corpus.analysis import analyze_stories
    from storytrace.corpus.stories import StoryNotFound

    if all_stories == bool(story_ids):
        _fail("give --all or one or more STORY_IDs (from `storytrace stories`)" if not all_stories
              else "give either --all or STORY_IDs, not both")
    err = Console(stderr=True)
    store = _open_store(db, create=False)
    bar = err.is_terminal if show_bar is None else show_bar
    ids = None if all_stories else list(story_ids)
    try:
        if bar:
            summary = _analyze_with_bar(store, ids, max_articles, force, err)
        else:
            summary = analyze_stories(store, ids, max_articles=max_articles, force=force)
    except StoryNotFound as exc:
        store.close()
        _fail(f"no story {exc.args[0]!r} in {db} (list them with `storytrace stories --db {db}`)")
        return
    except Exception as exc:  # the store failed (disk full, locked, read-only), or a bug on our side
        _store_failed(store, db, exc, err, "the stories analysed before it are kept")
        return
    store.close()
    if as_json:
        click.echo(json.dumps({"db": db, **summary.to_dict()}, ensure_ascii=False, indent=2))
    else:
        out = Console()
        out.print(f"[bold]storytrace analyze[/] {_safe(db)}: analysed [green]{summary.analysed:,}[/] "
                  f"({summary.findings:,} findings) in {summary.seconds:.1f} s"
                  + (f" ({summary.stories_per_s:.2f} stories/s)" if summary.analysed else "")
                  + f" · skipped {summary.skipped:,} (current) · one-article {summary.single:,} · failed "
                  + (f"[red]{summary.failed:,}[/]" if summary.failed else "0"), highlight=False)
    for f in summary.failures[:_SHOW_ERRORS]:
        err.print(f"[red]failed:[/] {_safe(f.story_id)}: {_safe(f.message)}", highlight=False, soft_wrap=True)
    if summary.failed > _SHOW_ERRORS:
        err.print(f"  … and {summary.failed - _SHOW_ERRORS:,} more (use --json for all)", highlight=False)
    if summary.interrupted:
        err.print("[yellow]interrupted:[/] the stories analysed so far are kept; run the same command again "
                  "to go on", highlight=False)
        sys.exit(130)
    sys.exit(EXIT_INTERNAL if summary.failed else 0)


def _analyze_with_bar(store, story_ids, max_articles: int, force: bool, err: Console):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from storytrace.corpus.analysis import analyze_stories

    columns = [SpinnerColumn(), BarColumn(bar_width=20), MofNCompleteColumn(),
               TextColumn("stories · {task.fields[skipped]:,} current · {task.fields[failed]:,} failed"),
               TextColumn("· ETA"), TimeRemainingColumn(), TextColumn("·"), TimeElapsedColumn(),
               TextColumn("[dim]{task.fields[now]}")]
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("analyze", total=None, skipped=0, failed=0, now="loading models…")

        def progress(p) -> None:
            now = printable(f"{p.story_id}: {p.step or 'reading'}"[:60]) if p.story_id else ""
            bar.update(task, total=p.total, completed=p.done, skipped=p.skipped, failed=p.failed,
                       now=escape(now))

        return analyze_stories(store, story_ids, max_articles=max_articles, force=force, progress=progress)


def _check_stored(articles) -> None:
    """Stored articles the analysis cannot take (stored before the record check existed): exit 2 now."""
    from storytrace.readers.checks import article_problem, compare_problem

    for a in articles:
        problem = article_problem(a) or compare_problem(a)
        if problem:
            _fail(f"stored article {a.id!r} ({a.origin or 'origin unknown'}): {problem}")


def _check_comparable(articles) -> None:
    """Articles too long to align (readers.limits.MAX_COMPARE_SENTENCES): exit 2 before the analysis."""
    from storytrace.readers.checks import compare_problem

    for a in articles:
        problem = compare_problem(a)
        if problem:
            _fail(f"{a.origin or a.id}: {problem}")


def _limits_help() -> str:
    from storytrace.readers.limits import describe_limits

    rows = "\n".join(f"  {what}: {limit}" for what, limit in describe_limits())
    return f"\n\n\b\nLimits (an input over one is reported with its file and the limit):\n{rows}"


# cleaned first: click dedents the help text as a whole, and the appended lines start unindented
ingest.help = inspect.cleandoc(ingest.help or "") + _limits_help()
compare.help = inspect.cleandoc(compare.help or "") + _limits_help()


# --------------------------------------------------------------------------- web


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@main.command()
@click.option("--db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
              help="The store made by `storytrace ingest`.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs STORYTRACE_TOKEN set.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--max-body", default=5_000_000, show_default=True, type=click.IntRange(1024),
              help="Largest request body accepted, in bytes (bigger: 413).")
@click.option("--max-articles", default=50, show_default=True, type=click.IntRange(2),
              help="Compare at most this many of a story's articles (the earliest seen).")
@click.option("--create", is_flag=True, help="Create an empty store when --db does not exist.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each loads the models; one analysis at a time per worker).")
@click.option("--body-timeout", default=30, show_default=True, type=click.IntRange(1),
              help="Seconds the next part of a request body may take to arrive (then 408, connection closed).")
@click.option("--compare-processes", default="auto", show_default=True,
              help="Processes that run POST /api/compare, so pages and reads stay fast meanwhile (each loads "
                   "the models): a number, 0 (in the server's own process, one at a time), or auto (one per CPU "
                   "but one, as memory allows, 1 to 8). With --workers, per worker.")
@click.option("--open", "open_browser", is_flag=True, help="Open the stories page in a web browser.")
def serve(db: str, host: str, port: int, max_body: int, max_articles: int, create: bool, workers: int,
          open_browser: bool, body_timeout: int = 30, compare_processes: str = "auto") -> None:
    """Serve the stories, story, compare and paste pages and the HTTP API.

    \b
    Pages: /  (stories: search, sort, findings), /stories/ID, /compare?story=ID&a=&b=,
    /paste. API: GET /api/stories, /api/stories/ID, /api/articles/ID; POST /api/compare,
    POST /api/articles (ingest: needs `Authorization: Bearer $STORYTRACE_TOKEN`).
    OpenAPI docs at /docs. Binds 127.0.0.1 unless --host says otherwise; a
    non-loopback host is refused unless STORYTRACE_TOKEN is set. Without the
    token, write endpoints answer 403.

    \b
    Examples:
      storytrace serve --db storytrace.db --open
      storytrace serve --db new.db --create            # an empty store, fill it over the API
      STORYTRACE_TOKEN=$(openssl rand -hex 16) storytrace serve --host 0.0.0.0 --port 8080
    """
    from storytrace.web.pool import default_processes

    if compare_processes == "auto":
        processes = default_processes()
    elif compare_processes.isdigit() and int(compare_processes) <= 64:
        processes = int(compare_processes)
    else:
        raise click.BadParameter(f"{compare_processes!r} is not a number from 0 to 64 or auto",
                                 param_hint="--compare-processes")
    token = os.environ.get("STORYTRACE_TOKEN") or None
    if not _is_loopback(host) and not token:
        _fail(f"refusing to serve on {host}: it is not a loopback address and STORYTRACE_TOKEN is not set. "
              "Set STORYTRACE_TOKEN (write endpoints then need it as a bearer token) or use --host 127.0.0.1")
    try:
        import uvicorn

        from storytrace.web.app import create_app
    except ImportError as exc:
        _fail(f"the web server needs fastapi, uvicorn and python-multipart ({exc}); "
              "pip install fastapi uvicorn python-multipart (storytrace's own dependencies: reinstall storytrace)")
        return
    # without --create the file must already be a storytrace store: checked read-only, so an
    # unrelated SQLite file or an empty file is refused, not turned into a store
    store = _open_store(db, create=True) if create else _open_store(db, create=False, read_only=True)
    store.close()
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:  # a clear message now rather than a uvicorn traceback later
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    err = Console(stderr=True)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    err.print(f"[bold]storytrace serve[/] {url}  db: {_safe(db)} · writes: "
              + ("[green]enabled[/] (bearer token from STORYTRACE_TOKEN)" if token
                 else "disabled (set STORYTRACE_TOKEN to allow POST /api/articles)")
              + f" · compares in {processes or 'the server'}{' processes' if processes else ''}"
              + f" · API docs: {url}docs", highlight=False)
    if token and len(token) < 16:
        err.print("[yellow]warning:[/] STORYTRACE_TOKEN is short; use 16+ random characters", highlight=False)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    if workers == 1:
        app = create_app(db, token=token, max_body=max_body, max_articles=max_articles, warm_up=True,
                         body_timeout=body_timeout, compare_processes=processes)
        uvicorn.run(app, host=host.strip("[]"), port=port, log_level="info", timeout_keep_alive=5,
                    timeout_graceful_shutdown=10)
    else:
        os.environ.update({"STORYTRACE_DB": db, "STORYTRACE_MAX_BODY": str(max_body),
                           "STORYTRACE_MAX_ARTICLES": str(max_articles), "STORYTRACE_WARM_UP": "1",
                           "STORYTRACE_BODY_TIMEOUT": str(body_timeout),
                           "STORYTRACE_COMPARE_PROCESSES": str(processes)})
        uvicorn.run("storytrace.web.app:app_from_env", factory=True, workers=workers, host=host.strip("[]"),
                    port=port, log_level="info", timeout_keep_alive=5, timeout_graceful_shutdown=10)


@main.group()
def bench() -> None:
    """Benchmarks on the real data in ../shared/data.

    \b
    Examples:
      storytrace bench pairs
    """


@bench.command("pairs", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_pairs(ctx: click.Context) -> None:
    """Sentence-pair scoring on MRPC, STS-B news and Clough-Stevenson (see bench/pairs.py).

    Runs `python -m bench.pairs` from a source checkout; other arguments are passed on.

    \b
    Examples:
      storytrace bench pairs
      storytrace bench pairs --limit 200 --json        # bench.pairs' options: --json, --limit N, --data DIR
    """
    # bench/ is part of a source checkout, not of the installed package: run it as its own
    # process (`python -m bench.pairs`) from the checkout, never import it.
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    root = next((r for r in (Path.cwd(), repo) if (r / "bench" / "pairs.py").is_file()), None)
    if root is None:
        _fail("bench/ is not here: run from the repository root of a source checkout (python -m bench.pairs)")
        return
    sys.exit(subprocess.call([sys.executable, "-m", "bench.pairs", *ctx.args], cwd=root))


@main.group()
def spark() -> None:
    """Run the corpus grouping and the per-story analysis on Apache Spark (see storytrace/spark/).

    Needs pyspark (pip install 'storytrace[spark]') and Java 17.

    \b
    Examples:
      storytrace spark group --input 'articles/*.jsonl.gz' --output out/ --master 'local[2]'
      storytrace spark analyze --stories out/ --output analysis/
      storytrace ingest --from-parquet out/ --db storytrace.db
    """


# the options are declared here for the help text and checked by click; the job's own parser
# (storytrace.spark.__main__) gets them back as arguments, with anything newer passed through
_SPARK_SETTINGS = {"ignore_unknown_options": True, "allow_extra_args": True}


def _spark_argv(command: str, options: dict[str, object], extra: list[str]) -> list[str]:
    argv = [command]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False or value == ():
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, tuple):
            for v in value:
                argv += [flag, str(v)]
        else:
            argv += [flag, str(value)]
    return argv + extra


def _run_spark(argv: list[str]) -> None:
    try:
        from storytrace.spark.__main__ import main as run
    except ImportError as exc:
        _fail(f"storytrace spark needs pyspark ({exc}): pip install 'storytrace[spark]'")
        return
    sys.exit(run(argv))


@spark.command("group", context_settings=_SPARK_SETTINGS)
@click.option("--input", "input_", multiple=True, required=True, metavar="PATH",
              help="A path or glob (repeatable): JSONL, CSV or Parquet, gzipped or not.")
@click.option("--output", required=True, metavar="DIR", help="Folder for the Parquet tables.")
@click.option("--master", metavar="URL", help="Spark master, e.g. local[2] (default: from spark-submit).")
@click.option("--format", "format_", type=click.Choice(["jsonl", "csv", "parquet"]),
              help="Input format (default: from the file names).")
@click.option("--map", "map_", metavar="FIELD=COLUMN,...", help="Read fields from other columns, as for `ingest`.")
@click.option("--block-hours", type=float, metavar="H",
              help="Hours of timeline grouped per task  [default: 168, 7 days].")
@click.option("--warm-hours", type=float, metavar="H",
              help="Hours before a block replayed first  [default: three grouping windows, 66].")
@click.option("--window-hours", type=float, metavar="H",
              help="Grouping time window (0: none)  [default: the embedded grouper's].")
@click.option("--no-pairs", is_flag=True, help="Do not write the candidate-pairs table.")
@click.pass_context
def spark_group(ctx: click.Context, input_: tuple[str, ...], output: str, master: str | None, format_: str | None,
                map_: str | None, block_hours: float | None, warm_hours: float | None, window_hours: float | None,
                no_pairs: bool) -> None:
    """Group articles into stories; write the Parquet tables articles, stories, pairs and errors.

    The same grouping as `storytrace ingest`, block by block along the
    timeline, stitched in Spark. Bad records (file:line for JSONL) and ids
    repeated with another text go to the errors table and to stderr, worded
    as `storytrace ingest` reports them; then the exit code is 2.

    \b
    Examples:
      storytrace spark group --input 'articles/*.jsonl.gz' --output out/ --master 'local[2]'
      storytrace spark group --input uci.csv --map id=ID,title=TITLE,text=TITLE,published_at=TIMESTAMP \\
          --output out/ --block-hours 24
    """
    _run_spark(_spark_argv("group", {"input": input_, "output": output, "master": master, "format": format_,
                                     "map": map_, "block_hours": block_hours, "warm_hours": warm_hours,
                                     "window_hours": window_hours, "no_pairs": no_pairs}, ctx.args))


@spark.command("analyze", context_settings=_SPARK_SETTINGS)
@click.option("--stories", required=True, metavar="DIR", help="The --output folder of `storytrace spark group`.")
@click.option("--output", required=True, metavar="DIR", help="Folder for the analysis (Parquet, one row per story).")
@click.option("--master", metavar="URL", help="Spark master, e.g. local[2] (default: from spark-submit).")
@click.option("--min-size", type=int, metavar="N", help="Analyse stories of at least N articles  [default: 2].")
@click.option("--max-articles", type=int, metavar="N",
              help="Compare at most N articles per story, the earliest  [default: 50].")
@click.option("--with-text", is_flag=True, help="Keep the article texts in each story's JSON document.")
@click.pass_context
def spark_analyze(ctx: click.Context, stories: str, output: str, master: str | None, min_size: int | None,
                  max_articles: int | None, with_text: bool) -> None:
    """The compare analysis of every story of a `spark group` output, one task per story.

    Each row holds the story's compare JSON document (as `storytrace story --json`).

    \b
    Examples:
      storytrace spark analyze --stories out/ --output analysis/ --master 'local[2]'
      storytrace spark analyze --stories out/ --output analysis/ --min-size 3 --with-text
    """
    _run_spark(_spark_argv("analyze", {"stories": stories, "output": output, "master": master,
                                       "min_size": min_size, "max_articles": max_articles,
                                       "with_text": with_text}, ctx.args))


if __name__ == "__main__":  # pragma: no cover
    main()
