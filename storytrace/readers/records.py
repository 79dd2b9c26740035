"""Reading articles from files, with errors a user can act on.

Two entry points:

* `read_articles(paths)` -- strict: every input must be usable, else an
  `IngestError` naming the file (and line) is raised.  Used by ``compare``.
* `iter_records(path, strict=False)` -- lenient: yields an `Article` for every
  good record and an `IngestError` for every bad one, so a bulk ``ingest`` can
  report problems without losing the rest.  `read_articles` is built on it.

Supported inputs (extensions are case-insensitive; any may carry a further
``.gz``): ``.txt``/``.md`` (one article, optional ``---`` front matter),
``.html``/``.htm`` (one article, text extracted with trafilatura),
``.jsonl``/``.ndjson`` (one article per line), ``.csv`` (header row, one article
per row) and ``-`` (JSONL on stdin).  A directory stands for its supported
files, sorted by name.

Article text is kept exactly as read, apart from: a UTF-8 BOM removed, CRLF
(and lone CR) turned into LF, and whitespace stripped at both ends.  Offsets
into it are shown to users, so nothing inside is normalised.
"""

from __future__ import annotations

import codecs
import dataclasses
import email.utils
import csv
import datetime as _dt
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence

from storytrace.model import Article

__all__ = [
    "IngestError",
    "read_articles",
    "iter_records",
    "expand_paths",
    "looks_english",
    "SUPPORTED_EXTENSIONS",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

FIELDS = ("id", "text", "title", "source", "url", "published_at")
OPTIONAL_FIELDS = ("title", "source", "url", "published_at")

_TEXT_EXT = (".txt", ".md")
_HTML_EXT = (".html", ".htm")
_JSONL_EXT = (".jsonl", ".ndjson")
_CSV_EXT = (".csv",)
SUPPORTED_EXTENSIONS: tuple[str, ...] = _TEXT_EXT + _HTML_EXT + _JSONL_EXT + _CSV_EXT

STDIN = "-"
_STDIN_NAME = "<stdin>"
_SNIFF = 8192  # bytes looked at for NUL / magic numbers


# --------------------------------------------------------------------------- errors


class IngestError(Exception):
    """An input that cannot be used, with where: ``str(e)`` is ``path:line: message``."""

    def __init__(self, path: str | os.PathLike[str], message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"IngestError(path={self.path!r}, line={self.line!r}, message={self.message!r})"

    def __reduce__(self):  # keep it picklable (multiprocessing) despite the custom __init__
        return (IngestError, (self.path, self.message, self.line))


# --------------------------------------------------------------------------- public API


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


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths as given, with each directory replaced by its supported files, sorted.

    Missing paths are kept (reading them gives the error); an empty directory
    raises `IngestError`.
    """
    out: list[str] = []
    for p in paths:
        s = str(p)
        if s != STDIN and os.path.isdir(s):
            files = _dir_files(s)
            if not files:
                raise IngestError(s, _no_supported_msg())
            out.extend(files)
        else:
            out.append(s)
    return out


# Common English function words: frequent in any English prose, rare in other
# languages' (words shared with Dutch/German/French/Spanish such as "in", "is",
# "was", "a", "on", "an", "die", "so" are left out on purpose).
_ENGLISH_WORDS = frozenset(
    """the of and to that for it with as be by at this are from or have has had not
    but which they their his her she he we you been were would said there who what
    when will its than them these those our after about into could should also
    more other some only any such where while because before over under being""".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def looks_english(text: str) -> bool:
    """Cheap guess whether ``text`` is English prose (for a warning, not a gate).

    Looks at the share of letters that are ASCII and the share of words that
    are common English function words.  Texts too short to tell (< 8 words)
    count as English; under 20 words one function word is enough.
    """
    words = _WORD_RE.findall(text[:20000].lower())
    if len(words) < 8:
        return True
    letters = sum(len(w) for w in words)
    ascii_letters = sum(1 for w in words for c in w if "a" <= c <= "z")
    if ascii_letters / letters < 0.85:
        return False
    hits = sum(1 for w in words if w in _ENGLISH_WORDS)
    if len(words) < 20:  # headline-length: one function word will do
        return hits >= 1
    return hits / len(words) >= 0.12


# --------------------------------------------------------------------------- dispatch


def _iter_any(
    path: str | os.PathLike[str], cmap: dict[str, str], max_bytes: int | None
) -> Iterator[Article | IngestError]:
    name = str(path)
    if name == STDIN:
        yield from _iter_stdin(cmap, max_bytes)
        return
    if os.path.isdir(name):
        files = _dir_files(name)
        if not files:
            yield IngestError(name, _no_supported_msg())
            return
        for f in files:
            yield from _iter_any(f, cmap, max_bytes)
        return
    try:
        kind, gz = _kind(name)
        _check_file(name, gz, max_bytes)
        if kind in ("text", "html"):
            data = _read_bytes(name, gz, max_bytes)
            if kind == "text":
                yield _parse_text(name, data)
            else:
                yield _parse_html(name, data)
        elif kind == "jsonl":
            with _open_binary(name, gz) as fh:
                yield from _iter_jsonl(name, fh, cmap, max_bytes)
        else:
            data = _read_bytes(name, gz, max_bytes)
            yield from _iter_csv(name, data, cmap)
    except IngestError as e:
        yield e


def _kind(name: str) -> tuple[str, bool]:
    low = name.lower()
    gz = low.endswith(".gz")
    if gz:
        low = low[:-3]
    for exts, kind in ((_TEXT_EXT, "text"), (_HTML_EXT, "html"), (_JSONL_EXT, "jsonl"), (_CSV_EXT, "csv")):
        if low.endswith(exts):
            return kind, gz
    ext = os.path.splitext(name)[1] or "(none)"
    raise IngestError(name, f"unsupported file type {ext}; {_supported_list()}")


def _supported_list() -> str:
    return "supported: " + ", ".join(SUPPORTED_EXTENSIONS) + " (each optionally .gz), or - for JSONL on stdin"


def _no_supported_msg() -> str:
    return "directory has no supported files; " + _supported_list()


_FOLDER_DOCS = frozenset({"README", "LICENSE", "CHANGELOG", "CONTRIBUTING"})


def _dir_files(directory: str) -> list[str]:
    out = []
    for entry in sorted(os.listdir(directory)):
        # A folder's README/LICENSE/CHANGELOG describes the folder; it is not an article.
        if entry.startswith(".") or entry.split(".")[0].upper() in _FOLDER_DOCS:
            continue
        full = os.path.join(directory, entry)
        if not os.path.isfile(full):
            continue
        try:
            _kind(entry)
        except IngestError:
            continue
        out.append(full)
    return out


def _stem(name: str) -> str:
    base = os.path.basename(name)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    return os.path.splitext(base)[0]


def _split_origin(origin: str) -> tuple[str, int | None]:
    head, sep, tail = origin.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return origin, None


def check_column_map(column_map: Mapping[str, str] | None) -> dict[str, str]:
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


# --------------------------------------------------------------------------- published_at


def parse_published_at(value: str | None) -> _dt.datetime | None:
    """``published_at`` as an aware UTC datetime, or None: the one parser every face uses.

    Reads ISO 8601 (naive = UTC), RFC 2822 mail dates and Unix times in
    seconds or milliseconds written as digits.
    """
    if not value:
        return None
    s = value.strip()
    dt: _dt.datetime | None = None
    if s.isdigit() and 9 <= len(s) <= 13:
        secs = int(s) / 1000.0 if len(s) >= 12 else float(s)
        try:
            dt = _dt.datetime.fromtimestamp(secs, tz=_dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            dt = None
    else:
        try:
            dt = _dt.datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                dt = None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    try:
        return dt.astimezone(_dt.timezone.utc)
    except (OverflowError, ValueError):
        return None


def published_key(value: str | None) -> str | None:
    """``published_at`` as sortable ISO 8601 UTC (``YYYY-MM-DDTHH:MM:SSZ``), or None."""
    dt = parse_published_at(value)
    if dt is None:
        return None
    try:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):
        return None


def published_timestamp(value: str | None) -> float | None:
    """Seconds since the epoch of ``published_at``, or None."""
    dt = parse_published_at(value)
    return None if dt is None else dt.timestamp()


def with_iso_published_at(a: Article) -> Article:
    """A Unix time written as digits (CSV, e.g. ``1394470370698``) becomes ISO 8601 UTC."""
    p = a.published_at
    if p and p.isdigit():
        iso = published_key(p)
        if iso:
            return dataclasses.replace(a, published_at=iso)
    return a


# --------------------------------------------------------------------------- bytes


def _fmt_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _too_big(name: str, max_bytes: int, what: str = "file") -> IngestError:
    return IngestError(
        name, f"{what} is larger than the {_fmt_size(max_bytes)} limit (raise max_bytes to read it)"
    )


def _check_file(name: str, gz: bool, max_bytes: int | None) -> None:
    """File-level checks before reading: exists, regular, not empty, not too big."""
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise IngestError(name, "file not found") from None
    except PermissionError:
        raise IngestError(name, "permission denied") from None
    except OSError as e:
        raise IngestError(name, f"cannot read file ({e.strerror or e})") from None
    if not os.path.isfile(name):
        raise IngestError(name, "not a regular file")
    if st.st_size == 0:
        raise IngestError(name, "empty file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise IngestError(
            name,
            f"file is {_fmt_size(st.st_size)}, larger than the {_fmt_size(max_bytes)} limit "
            "(raise max_bytes to read it)",
        )


def _open_binary(name: str, gz: bool):
    try:
        fh = open(name, "rb")
    except PermissionError:
        raise IngestError(name, "permission denied") from None
    except OSError as e:
        raise IngestError(name, f"cannot read file ({e.strerror or e})") from None
    head = fh.peek(2)[:2] if hasattr(fh, "peek") else b""
    if gz or head == b"\x1f\x8b":  # gzip by name or by content
        return gzip.GzipFile(fileobj=fh, mode="rb")
    return fh


def _read_bytes(name: str, gz: bool, max_bytes: int | None) -> bytes:
    with _open_binary(name, gz) as fh:
        try:
            data = fh.read(-1 if max_bytes is None else max_bytes + 1)
        except (OSError, EOFError, zlib.error) as e:
            raise IngestError(name, f"cannot decompress ({e}); is it really gzip?") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_big(name, max_bytes, "uncompressed content" if gz else "file")
    if not data:
        raise IngestError(name, "empty file")
    _check_binary(name, data[:_SNIFF])
    return data


_MAGIC = (
    (b"%PDF-", "a PDF document; export it as text or HTML first"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx); export it as text first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)


def _check_binary(name: str, head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise IngestError(name, f"binary file: looks like {what}")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16 text is full of NULs; decoded later
    if b"\x00" in head:
        raise IngestError(name, "binary file (contains NUL bytes), not text")


def _decode(name: str, data: bytes, *, line_offset: int = 0, fallback: str | None = None) -> str:
    """Bytes to str: UTF-8 (BOM stripped), or UTF-16 when BOM-marked.

    ``fallback`` is an encoding to try when UTF-8 fails (an HTML meta charset).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(name, "starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if fallback:
            try:
                return data.decode(fallback)
            except (UnicodeDecodeError, LookupError):
                pass
        raise _utf8_error(name, data, e, line_offset) from None


def _utf8_error(name: str, data: bytes, e: UnicodeDecodeError, line_offset: int = 0) -> IngestError:
    line = data.count(b"\n", 0, e.start) + 1 + line_offset
    bad = data[e.start : e.start + 1].hex().upper()
    return IngestError(
        name,
        f"not valid UTF-8: byte 0x{bad} at byte offset {e.start}; "
        "re-encode the file as UTF-8 (e.g. iconv -f windows-1252 -t utf-8)",
        line,
    )


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- .txt / .md

_FM_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:(.*)$")
_FM_ALIASES = {"date": "published_at", "published": "published_at", "publishedat": "published_at"}
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def _parse_text(name: str, data: bytes) -> Article:
    text = _newlines(_decode(name, data))
    meta: dict[str, str | None] = {}
    lines = text.split("\n")
    body: str
    if lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
        block = lines[1:close] if close is not None else []
        if close is not None and all(_FM_LINE.match(ln) or not ln.strip() for ln in block):
            for ln in block:
                m = _FM_LINE.match(ln)
                if not m:
                    continue
                key = m.group(1).lower().replace("-", "_")
                key = _FM_ALIASES.get(key.replace("_", ""), key)
                if key in FIELDS and key != "text":
                    meta[key] = _unquote(m.group(2).strip()) or None
            body = "\n".join(lines[close + 1 :])
            body = _LEADING_BLANK_LINES.sub("", body).rstrip()
        elif close is None and len(lines) > 1 and _FM_LINE.match(lines[1]):
            raise IngestError(name, "front matter opened with '---' is never closed with '---'", 1)
        else:
            body = text.strip()
    else:
        body = text.strip()
    if not body:
        raise IngestError(name, "no article text (file is empty apart from front matter/whitespace)")
    art_id = (meta.pop("id", None) or "").strip() or _stem(name)
    return Article(id=art_id, text=body, origin=name, **meta)  # type: ignore[arg-type]


def _unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


# --------------------------------------------------------------------------- .html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate)["'][^>]*>""",
    re.I,
)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.I)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_BLOCK_TAGS = ("p", "head", "item", "quote", "cell", "code", "list")


def _parse_html(name: str, data: bytes) -> Article:
    m = _META_CHARSET.search(data[:4096])
    fallback = m.group(1).decode("ascii", "replace") if m else None
    html = _decode(name, data, fallback=fallback)
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise IngestError(name, "reading HTML needs the trafilatura package") from None

    text = _html_text(html)
    if not text:
        raise IngestError(name, "no article text found in the HTML")
    title = published = url = source = None
    try:
        md = trafilatura.extract_metadata(html, date_config={"original_date": True, "extensive_search": True})
    except Exception:  # metadata is a bonus; never fail the article over it
        md = None
    if md is not None:
        title, published, url, source = md.title, md.date, md.url, md.sitename
    if not title:
        tm = _TITLE_TAG.search(html)
        if tm:
            import html as _html

            title = " ".join(_html.unescape(tm.group(1)).split()) or None
    published = _full_timestamp(html, published)
    return Article(
        id=_stem(name),
        text=text,
        title=title or None,
        source=source or None,
        url=url or None,
        published_at=published or None,
        origin=name,
    )


def _html_text(html: str) -> str:
    """Main text via trafilatura, one block (paragraph, heading, list item) per
    paragraph, blocks separated by a blank line, ``<br>`` kept as a single newline.

    trafilatura's plain-text output joins every block with a single ``\\n`` --
    the same as a ``<br>`` inside a paragraph -- so paragraph boundaries are
    rebuilt from its XML output instead.
    """
    import trafilatura

    opts = dict(include_comments=False, include_tables=False, favor_precision=True)
    xml = trafilatura.extract(html, output_format="xml", **opts)
    text = _xml_to_text(xml) if xml else ""
    if not text:  # fall back to the plain output (and to default precision)
        plain = trafilatura.extract(html, **opts) or trafilatura.extract(
            html, include_comments=False, include_tables=False
        )
        text = _newlines(plain or "").strip()
    return text


def _xml_to_text(xml: str) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return ""
    main = root.find(".//main")
    if main is None:
        return ""
    blocks: list[str] = []

    def inline(el) -> str:
        parts = [el.text or ""]
        for child in el:
            if child.tag == "lb":
                parts.append("\n")
            elif child.tag in _BLOCK_TAGS:
                parts.append("\n")  # a block nested in a block: keep on its own line
                parts.append(inline(child))
            else:
                parts.append(inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def has_own_text(el) -> bool:
        return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)

    def add(el) -> None:
        txt = "\n".join(s.strip() for s in inline(el).split("\n")).strip()
        txt = re.sub(r"\n{2,}", "\n", txt)
        if txt:
            blocks.append(txt)

    def walk(el) -> None:
        for child in el:
            if child.tag == "lb":
                continue
            if child.tag in ("p", "head", "cell", "code"):
                add(child)
            elif has_own_text(child) or not len(child):
                add(child)  # an item, a quote without <p>, ...: one block
            else:  # list, quote, div, ...: a container of blocks
                walk(child)

    walk(main)
    return _newlines("\n\n".join(blocks)).strip()


def _full_timestamp(html: str, date: str | None) -> str | None:
    """Prefer a full ISO timestamp from the page's published-time meta tag when
    it agrees with trafilatura's (date-only) publication date."""
    m = _PUBLISHED_META.search(html)
    if m:
        c = _CONTENT_ATTR.search(m.group(0))
        if c:
            stamp = c.group(1).strip()
            if re.match(r"^\d{4}-\d{2}-\d{2}", stamp) and (not date or stamp.startswith(date)):
                return stamp
    return date


# --------------------------------------------------------------------------- records (JSONL / CSV)


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
        return _newlines(value).strip() or None
    raise TypeError(type(value).__name__)


def make_record(
    name: str, line: int, rec: Mapping[str, object], cmap: Mapping[str, str], what: str
) -> Article | IngestError:
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
        head = fh.peek(_SNIFF)[:_SNIFF] if hasattr(fh, "peek") else b""
        if head:
            _check_binary(name, head)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # rare: decode the whole thing, then feed it on as UTF-8 lines
                data = fh.read(-1 if max_bytes is None else max_bytes + 1)
                if max_bytes is not None and len(data) > max_bytes:
                    raise _too_big(name, max_bytes)
                raw_lines = io.BytesIO(_decode(name, data).encode("utf-8"))
                utf16 = True
        for raw in raw_lines:
            lineno += 1
            total += len(raw)
            if max_bytes is not None and total > max_bytes and not utf16:
                yield _too_big(name, max_bytes, "input")
                return
            if first:
                first = False
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                if not head:  # no peek on this stream: sniff the first line
                    _check_binary(name, raw[:_SNIFF])
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                err = _utf8_error(name, raw, e)
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


def _iter_csv(name: str, data: bytes, cmap: dict[str, str]) -> Iterator[Article | IngestError]:
    text = _decode(name, data)
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
