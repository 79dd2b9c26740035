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
size limit counted as it goes), ``.csv`` whole (header row, one article per
row, quoted fields may span lines) and ``-`` (JSONL on stdin).

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
    list_folder,
    newlines,
    no_supported_message,
    open_binary,
    read_bytes,
    too_big,
    utf8_error,
)
from storytrace.readers.html import parse_html
from storytrace.readers.language import looks_english
from storytrace.readers.text import parse_text

__all__ = [
    "IngestError",
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
    (CSV columns or JSONL keys).  ``max_bytes=None`` lifts the size limit.
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
    if os.path.isdir(name):
        files = list_folder(name)
        if not files:
            yield IngestError(name, no_supported_message())
            return
        for f in files:
            yield from _iter_any(f, cmap, max_bytes)
        return
    try:
        kind, gz = file_kind(name)
        check_file(name, gz, max_bytes)
        if kind in ("text", "html"):
            data = read_bytes(name, gz, max_bytes)
            if kind == "text":
                yield parse_text(name, data)
            else:
                yield parse_html(name, data)
        elif kind == "jsonl":
            with open_binary(name, gz) as fh:
                yield from _iter_jsonl(name, fh, cmap, max_bytes)
        else:
            data = read_bytes(name, gz, max_bytes)
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
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        parts = [p for p in (_coerce_scalar(v) for v in value) if p]
        return ", ".join(parts) or None
    raise TypeError(type(value).__name__)


def coerce_published_at(value: object) -> str | None:
    """published_at: strings as given; a number is read as a Unix time (s or ms)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = float(value) / 1000.0 if abs(value) >= 1e11 else float(value)
        try:
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
    if not art_id:
        return IngestError(name, f"missing {what} {cmap['id']!r} (every record needs an id)", line)
    try:
        text = _coerce_text(get("text"))
    except TypeError as e:
        return IngestError(name, f"{what} {cmap['text']!r} must be a string, not {e}", line)
    if not text:
        return IngestError(name, f"record {art_id!r}: empty or missing {what} {cmap['text']!r}", line)
    opt: dict[str, str | None] = {}
    for field in OPTIONAL_FIELDS:
        try:
            opt[field] = coerce_published_at(get(field)) if field == "published_at" else _coerce_scalar(get(field))
        except TypeError as e:
            return IngestError(name, f"record {art_id!r}: {what} {cmap[field]!r} must be a string, not {e}", line)
    return Article(id=art_id, text=text, origin=f"{name}:{line}", **opt)  # type: ignore[arg-type]


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


def _iter_jsonl(
    name: str, fh, cmap: dict[str, str], max_bytes: int | None
) -> Iterator[Article | IngestError]:
    total = 0
    records = 0
    lineno = 0
    first = True
    utf16 = False
    try:
        raw_lines: Iterable[bytes] = fh
        head = fh.peek(SNIFF)[:SNIFF] if hasattr(fh, "peek") else b""
        if head:
            check_binary(name, head)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # rare: decode the whole thing, then feed it on as UTF-8 lines
                data = fh.read(-1 if max_bytes is None else max_bytes + 1)
                if max_bytes is not None and len(data) > max_bytes:
                    raise too_big(name, max_bytes)
                raw_lines = io.BytesIO(decode(name, data).encode("utf-8"))
                utf16 = True
        for raw in raw_lines:
            lineno += 1
            total += len(raw)
            if max_bytes is not None and total > max_bytes and not utf16:
                yield too_big(name, max_bytes, "input")
                return
            if first:
                first = False
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                if not head:  # no peek on this stream: sniff the first line
                    check_binary(name, raw[:SNIFF])
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                err = utf8_error(name, raw, e)
                yield IngestError(name, err.message.replace(f"byte offset {e.start}", f"column {e.start + 1}"), lineno)
                continue
            if not line.strip():
                continue
            records += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield IngestError(name, f"invalid JSON ({e.msg} at column {e.colno})", lineno)
                continue
            except RecursionError:
                yield IngestError(name, "invalid JSON (nested too deeply)", lineno)
                continue
            if not isinstance(obj, dict):
                yield IngestError(name, f"expected a JSON object per line, got {_json_type(obj)}", lineno)
                continue
            yield make_record(name, lineno, obj, cmap, "field")
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


def _json_type(obj: object) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}.get(
        type(obj), "null" if obj is None else type(obj).__name__
    )


# --------------------------------------------------------------------------- CSV


def _iter_csv(name: str, data: bytes, cmap: dict[str, str]) -> Iterator[Article | IngestError]:
    text = decode(name, data)
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
        rec = {cmap[f]: (row[i] if i < len(row) else None) for f, i in index.items()}
        yield make_record(name, start, rec, cmap, "column")
    if records == 0:
        yield IngestError(name, "no records (CSV has a header but no rows)")
