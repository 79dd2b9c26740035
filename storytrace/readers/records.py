"""Records (JSONL, CSV, stdin) and the entry points that read any input.

Two entry points:

* `read_articles(paths)` -- strict: every input must be usable, else an
  `IngestError` naming the file (and line) is raised.  Used by ``compare``.
* `iter_records(path, strict=False)` -- lenient: yields an `Article` for every
  good record and an `IngestError` for every bad one, so a bulk ``ingest`` can
  report problems without losing the rest.  `read_articles` is built on it.

Both dispatch on the file kind (`files.file_kind`): ``.txt``/``.md`` go to
`text`, ``.html``/``.htm`` to `html`, and the record formats are read here:
``.jsonl``/``.ndjson`` line by line (one JSON object per line, streamed, the
size limit counted as it goes, each line capped), ``.csv`` whole (header row,
one article per row, quoted fields may span lines; a row that is not UTF-8 is
reported alone) and ``-`` (JSONL on stdin).

Every record is checked on its own (`storytrace.readers.checks.article_problem`:
valid Unicode, visible text, the length limit), so a bad record is reported with
its file and line and the others are read; the limits are in
`storytrace.readers.limits`.

Also here, because every face (files, the web app, Spark, the corpus) must
agree on them: the one record adapter (`check_column_map`, `make_record`,
`coerce_published_at`, `parse_column_map`) and the one ``published_at``
parser (`parse_published_at`, `published_key`, `published_timestamp`,
`with_iso_published_at`).

The names this module had before it was split (`IngestError`,
`expand_paths`, `looks_english`, `SUPPORTED_EXTENSIONS`, `DEFAULT_MAX_BYTES`)
are still importable from it.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as _dt
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence

from storytrace.model import Article
from storytrace.published import parse_published_at, published_key, published_timestamp  # noqa: F401  (re-exported)
from storytrace.readers.checks import article_problem, lone_surrogate_at, shown
from storytrace.readers.files import (
    DEFAULT_MAX_BYTES,
    FIELDS,
    SNIFF,
    STDIN,
    SUPPORTED_EXTENSIONS,
    IngestError,
    check_binary,
    check_file,
    decode,
    expand_paths,
    file_kind,
    format_size,
    gzip_bomb,
    gzip_limit,
    list_folder,
    newlines,
    no_supported_message,
    open_binary,
    read_bytes,
    size_limit,
    too_big,
    utf8_error,
)
from storytrace.readers.html import parse_html
from storytrace.readers.language import looks_english
from storytrace.readers.limits import MAX_RECORD_BYTES
from storytrace.readers.text import parse_text

__all__ = [
    "IngestError",
    "parse_jsonl_line",
    "read_articles",
    "iter_records",
    "expand_paths",
    "looks_english",
    "SUPPORTED_EXTENSIONS",
    "DEFAULT_MAX_BYTES",
]

OPTIONAL_FIELDS = ("title", "source", "url", "published_at")

_STDIN_NAME = "<stdin>"


# --------------------------------------------------------------------------- entry points


def read_articles(
    paths: Sequence[str | os.PathLike[str]],
    *,
    column_map: Mapping[str, str] | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> list[Article]:
    """Read every article in ``paths``; raise `IngestError` on the first problem.

    Directories are expanded to their supported files (sorted).  Ids must be
    unique over all inputs; a repeated id is an error naming both places.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise IngestError("(no input)", "no input files given")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rec in iter_records(path, strict=True, column_map=column_map, max_bytes=max_bytes):
            assert isinstance(rec, Article)  # strict mode raises instead of yielding errors
            if rec.id in seen:
                path_s, line = _split_origin(rec.origin or "")
                raise IngestError(
                    path_s,
                    f"duplicate article id {rec.id!r} (already read from {seen[rec.id]})",
                    line,
                )
            seen[rec.id] = rec.origin or str(path)
            articles.append(rec)
    return articles


def iter_records(
    path: str | os.PathLike[str],
    *,
    strict: bool,
    column_map: Mapping[str, str] | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Iterator[Article | IngestError]:
    """Yield the articles in one input, and (unless ``strict``) its problems.

    With ``strict=True`` the first problem is raised as `IngestError`; with
    ``strict=False`` it is yielded in place of the bad record and reading goes
    on with the next record (a problem with the file as a whole ends that file).
    ``column_map`` maps our field names to the input's, e.g. ``{"title": "TITLE"}``
    (CSV columns or JSONL keys).  ``max_bytes`` is an extra cap on a file's size
    (None: only the limits of `storytrace.readers.limits`).
    A directory yields the records of its supported files, sorted by name.
    """
    cmap = check_column_map(column_map)
    for rec in _iter_any(path, cmap, max_bytes):
        if isinstance(rec, IngestError) and strict:
            raise rec
        yield rec


def _iter_any(
    path: str | os.PathLike[str], cmap: dict[str, str], max_bytes: int | None
) -> Iterator[Article | IngestError]:
    name = str(path)
    if name == STDIN:
        yield from _iter_stdin(cmap, max_bytes)
        return
    if lone_surrogate_at(name) is not None:  # bytes that are not UTF-8 in the name (or its folder's)
        yield IngestError(name, "file name is not valid UTF-8; rename it (e.g. convmv -f latin1 -t utf-8)")
        return
    if os.path.isdir(name):
        try:
            files = list_folder(name)
        except IngestError as e:
            yield e
            return
        if not files:
            yield IngestError(name, no_supported_message())
            return
        for f in files:
            yield from _iter_any(f, cmap, max_bytes)
        return
    try:
        kind, gz = file_kind(name)
        limit = size_limit(kind, max_bytes)
        check_file(name, gz, limit)
        if kind in ("text", "html"):
            data = read_bytes(name, gz, limit)
            art = parse_text(name, data) if kind == "text" else parse_html(name, data)
            problem = article_problem(art)
            yield IngestError(name, problem) if problem else art
        elif kind == "jsonl":
            with open_binary(name, gz) as fh:
                yield from _iter_jsonl(name, fh, cmap, max_bytes, gzip_limit(name, max_bytes) if gz else None)
        else:
            data = read_bytes(name, gz, limit, records=True)
            yield from _iter_csv(name, data, cmap)
    except IngestError as e:
        yield e


def _split_origin(origin: str) -> tuple[str, int | None]:
    head, sep, tail = origin.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return origin, None


# --------------------------------------------------------------------------- record adapter


def check_column_map(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """Every article field -> the input's name for it (itself unless mapped); ValueError on an unknown field."""
    cmap = {f: f for f in FIELDS}
    if column_map:
        for ours, theirs in column_map.items():
            if ours not in FIELDS:
                raise ValueError(
                    f"column_map key {ours!r} is not an article field (fields: {', '.join(FIELDS)})"
                )
            cmap[ours] = str(theirs)
    return cmap


def parse_column_map(value: str | None) -> dict[str, str] | None:
    """``title=TITLE,published_at=TIMESTAMP`` (the ``--map`` option) -> ``{"title": "TITLE", ...}``."""
    if not value:
        return None
    out: dict[str, str] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        ours, sep, theirs = part.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ValueError(f"--map wants FIELD=COLUMN pairs separated by commas, got {part.strip()!r}")
        out[ours.strip()] = theirs.strip()
    return out or None


def _coerce_scalar(value: object) -> str | None:
    """Non-text field to a string: numbers as written, lists joined with ', '."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) >= 10**_MAX_DIGITS:  # no id or title is a number this long (str() may even refuse it)
            raise ValueError(_number_shown(value))
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(repr(value))
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        parts = [p for p in (_coerce_scalar(v) for v in value) if p]
        return ", ".join(parts) or None
    raise TypeError(type(value).__name__)


_MAX_DIGITS = 100


def _number_shown(value: int | float) -> str:
    """A number for a message: as written when short, else its size (str() of a huge int may even fail)."""
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    return repr(value)


def coerce_published_at(value: object) -> str | None:
    """published_at: strings as given; a number is read as a Unix time (s or ms)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # float() overflows for a huge integer; NaN and infinity are no time either
            secs = float(value) / 1000.0 if abs(value) >= 1e11 else float(value)
            return _dt.datetime.fromtimestamp(secs, tz=_dt.timezone.utc).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return str(value)
    return _coerce_scalar(value)


def _coerce_text(value: object) -> str | None:
    """Article text: a string, or a list of paragraph strings joined by blank lines."""
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(v.strip() for v in value if v.strip())
    if isinstance(value, str):
        return newlines(value).strip() or None
    raise TypeError(type(value).__name__)


def make_record(
    name: str, line: int, rec: Mapping[str, object], cmap: Mapping[str, str], what: str
) -> Article | IngestError:
    """One record (a JSON object, a CSV row, a Spark row) as an `Article`, or the `IngestError` saying why not.

    ``cmap`` is from `check_column_map`; ``what`` ("field" / "column") names the
    input's keys in messages.
    """
    def get(field: str) -> object:
        return rec.get(cmap[field])

    try:
        art_id = _coerce_scalar(get("id"))
    except TypeError as e:
        return IngestError(name, f"{what} {cmap['id']!r} must be a string or number, not {e}", line)
    except ValueError as e:  # NaN, infinity, a number of hundreds of digits
        return IngestError(name, f"{what} {cmap['id']!r} is {e}, not an id", line)
    if not art_id:
        return IngestError(name, f"missing {what} {cmap['id']!r} (every record needs an id)", line)
    try:
        text = _coerce_text(get("text"))
    except TypeError as e:
        return IngestError(name, f"{what} {cmap['text']!r} must be a string, not {e}", line)
    if not text:
        return IngestError(name, f"record {shown(art_id)}: empty or missing {what} {cmap['text']!r}", line)
    published = get("published_at")
    if isinstance(published, (int, float)) and not isinstance(published, bool) and \
            not (published == published and abs(published) < 1e16):  # NaN, infinite or past year 300,000
        return IngestError(name, f"record {shown(art_id)}: {what} {cmap['published_at']!r} is "
                                 f"{_number_shown(published)}, not a Unix time in seconds or milliseconds", line)
    opt: dict[str, str | None] = {}
    for field in OPTIONAL_FIELDS:
        try:
            opt[field] = coerce_published_at(get(field)) if field == "published_at" else _coerce_scalar(get(field))
        except TypeError as e:
            return IngestError(name, f"record {shown(art_id)}: {what} {cmap[field]!r} must be a string, not {e}",
                               line)
        except ValueError as e:
            return IngestError(name, f"record {shown(art_id)}: {what} {cmap[field]!r} is {e}", line)
    art = Article(id=art_id, text=text, origin=f"{name}:{line}", **opt)  # type: ignore[arg-type]
    problem = article_problem(art, {f: f"{what} {cmap[f]!r}" for f in FIELDS})
    return IngestError(name, problem, line) if problem else art


# --------------------------------------------------------------------------- published_at


def with_iso_published_at(a: Article) -> Article:
    """A Unix time written as digits (CSV, e.g. ``1394470370698``) becomes ISO 8601 UTC."""
    p = a.published_at
    if p and p.isdigit():
        iso = published_key(p)
        if iso:
            return dataclasses.replace(a, published_at=iso)
    return a


# --------------------------------------------------------------------------- JSONL / stdin


def _iter_stdin(cmap: dict[str, str], max_bytes: int | None) -> Iterator[Article | IngestError]:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-mode stand-in (tests, notebooks)
        stream = io.BytesIO(sys.stdin.read().encode("utf-8"))
    yield from _iter_jsonl(_STDIN_NAME, stream, cmap, max_bytes)


def parse_jsonl_line(name: str, lineno: int, line: str) -> dict | IngestError | None:
    """One JSONL line (decoded) as its JSON object, an `IngestError` saying what is wrong with it
    (``name:lineno``), or None for a blank line. `storytrace ingest` and the Spark job read lines with it,
    so a malformed line gets the same message from both."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return IngestError(name, f"invalid JSON ({e.msg} at column {e.colno})", lineno)
    except RecursionError:
        return IngestError(name, "invalid JSON (nested too deeply)", lineno)
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return IngestError(name, "a number in this line is too long to read (more than 4,300 digits); "
                                 "quote it as a string if it is an id", lineno)
    if not isinstance(obj, dict):
        return IngestError(name, f"expected a JSON object per line, got {_json_type(obj)}", lineno)
    return obj


def _iter_jsonl(
    name: str, fh, cmap: dict[str, str], max_bytes: int | None, inflate_limit: int | None = None
) -> Iterator[Article | IngestError]:
    """The records of a JSONL stream; ``inflate_limit``: the most bytes a gzip stream may give (`gzip_limit`)."""
    total = 0
    records = 0
    lineno = 0
    first = True
    wide = False  # decoded from UTF-16/32 up front: the size was checked then
    caps = [c for c in (max_bytes, inflate_limit) if c is not None]
    cap = min(caps) if caps else None

    def over() -> IngestError | None:
        if inflate_limit is not None and total > inflate_limit and inflate_limit == cap:
            return gzip_bomb(name, inflate_limit)
        if cap is not None and total > cap:
            return too_big(name, cap, "input")
        return None

    try:
        src = fh
        head = fh.peek(SNIFF)[:SNIFF] if hasattr(fh, "peek") else b""
        if head:
            check_binary(name, head, records=True)
            if head.startswith(_WIDE_BOMS):
                # rare: decode the whole thing (bounded like a CSV), then feed it on as UTF-8 lines
                whole = min(c for c in (cap, size_limit("csv")) if c is not None)
                data = fh.read(whole + 1)
                if len(data) > whole:
                    raise gzip_bomb(name, whole) if whole == inflate_limit else too_big(name, whole)
                src = io.BytesIO(decode(name, data).encode("utf-8"))
                wide = True
        while True:
            # bounded: a line without end (a gzip bomb of one line) costs the limit, not its size
            raw = src.readline(MAX_RECORD_BYTES + 1)
            if not raw:
                break
            lineno += 1
            total += len(raw)
            too_long = len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n")
            while too_long and not wide and over() is None:  # skip the rest of the line, holding none of it
                chunk = src.readline(1 << 20)
                total += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            problem = None if wide else over()
            if problem is not None:
                yield problem
                return
            if too_long:
                yield IngestError(name, f"line is longer than the {format_size(MAX_RECORD_BYTES)} limit "
                                        "for one JSONL record; skipped", lineno)
                records += 1
                continue
            if first:
                first = False
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                if not head:  # no peek on this stream: sniff the first line
                    check_binary(name, raw[:SNIFF], records=True)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                err = utf8_error(name, raw, e)
                yield IngestError(name, err.message.replace(f"byte offset {e.start}", f"column {e.start + 1}"), lineno)
                continue
            obj = parse_jsonl_line(name, lineno, line)
            if obj is None:
                continue
            records += 1
            yield obj if isinstance(obj, IngestError) else make_record(name, lineno, obj, cmap, "field")
    except IngestError as e:
        yield e
        return
    except (OSError, EOFError, zlib.error) as e:
        yield IngestError(name, f"cannot read/decompress ({e})", lineno or None)
        return
    if lineno == 0:
        yield IngestError(name, "empty file")
    elif records == 0:
        yield IngestError(name, "no records (only blank lines)")


def _undecodable(row: Sequence[str], header: Sequence[str]) -> str | None:
    """The message for a CSV row holding bytes that are not UTF-8 (decoded as surrogates), or None."""
    for k, cell in enumerate(row):
        at = lone_surrogate_at(cell)
        if at is not None:
            byte = ord(cell[at]) - 0xDC00
            col = header[k] if k < len(header) else f"#{k + 1}"
            return (f"not valid UTF-8: byte 0x{byte:02X} in column {shown(col)}; re-encode the file as UTF-8 "
                    "(e.g. iconv -f windows-1252 -t utf-8)")
    return None


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _json_type(obj: object) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}.get(
        type(obj), "null" if obj is None else type(obj).__name__
    )


# --------------------------------------------------------------------------- CSV


def _iter_csv(name: str, data: bytes, cmap: dict[str, str]) -> Iterator[Article | IngestError]:
    try:
        text = decode(name, data)
        mixed = False
    except IngestError:
        if data.startswith(_WIDE_BOMS):
            raise
        # some rows are not UTF-8 (a latin-1 row pasted in): keep their bytes as surrogates
        # and report those rows alone, so the others are read
        text = data.decode("utf-8-sig", "surrogateescape")
        mixed = True
    if not text.strip():
        raise IngestError(name, "empty file")
    # article texts are long: lift csv's 128 KB field limit (process-wide setting)
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as e:
        raise IngestError(name, f"malformed CSV header ({e})", 1) from None
    cols = [h.strip().lower() for h in header]
    index: dict[str, int] = {}
    for field in FIELDS:
        want = cmap[field].strip().lower()
        if want in cols:
            index[field] = cols.index(want)
    missing = [cmap[f] for f in ("id", "text") if f not in index]
    if missing:
        shown = ", ".join(h for h in header) or "(none)"
        raise IngestError(
            name,
            f"CSV header lacks required column(s) {', '.join(repr(m) for m in missing)}; "
            f"found: {shown} (map other names with column_map)",
            1,
        )
    prev_end = reader.line_num
    records = 0
    while True:
        start = prev_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield IngestError(name, f"malformed CSV ({e})", start)
            return  # the reader cannot resync reliably after this
        prev_end = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        records += 1
        if mixed:
            bad = _undecodable(row, header)
            if bad:
                yield IngestError(name, bad, start)
                continue
        rec = {cmap[f]: (row[i] if i < len(row) else None) for f, i in index.items()}
        yield make_record(name, start, rec, cmap, "column")
    if records == 0:
        yield IngestError(name, "no records (CSV has a header but no rows)")
