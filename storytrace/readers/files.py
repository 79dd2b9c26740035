"""Files before they are articles: paths, folders, gzip, checks and decoding.

What every format reader shares, and nothing format-specific:

* `IngestError` (``path:line: message``; a file name that is not UTF-8 shown
  with ``\\xNN`` escapes) and the size limits per kind of file (`size_limit`,
  the values in `storytrace.readers.limits`);
* which files are inputs: `file_kind` (by extension, any of them optionally
  ``.gz``), `list_folder` and `expand_paths` (a folder stands for its
  supported files, sorted by name; ``-`` is stdin);
* reading bytes: `check_file` (exists, regular, not empty, not too big),
  `open_binary` (gzip by name or by magic number), `read_bytes` (size limit
  checked while decompressing: a gzip bomb stops at the limit), `check_binary`
  (PDF/ZIP/images, NUL bytes, UTF-16 without a byte-order mark);
* bytes to text: `decode` (UTF-8 with BOM stripped, or BOM-marked UTF-16 /
  UTF-32; errors give line, byte offset and advice) and `newlines`.

Article text is kept exactly as read, apart from: a UTF-8 BOM removed, CRLF
(and lone CR) turned into LF, and whitespace stripped at both ends.  Offsets
into it are shown to users, so nothing inside is normalised.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Iterable

from storytrace.readers.checks import shown_path
from storytrace.readers.limits import (
    MAX_ARTICLE_FILE_BYTES,
    MAX_DECOMPRESSED_BYTES,
    MAX_FOLDER_FILES,
    MAX_GZIP_RATIO,
    MAX_TABLE_FILE_BYTES,
    decompressed_limit,
)

__all__ = [
    "IngestError",
    "DEFAULT_MAX_BYTES",
    "FIELDS",
    "SUPPORTED_EXTENSIONS",
    "STDIN",
    "SNIFF",
    "expand_paths",
    "file_kind",
    "list_folder",
    "no_supported_message",
    "stem",
    "check_file",
    "open_binary",
    "read_bytes",
    "check_binary",
    "decode",
    "utf8_error",
    "too_big",
    "newlines",
    "format_size",
    "size_limit",
    "gzip_limit",
    "gzip_bomb",
]

#: the default extra cap of `read_articles` (``max_bytes``) on any one file; the per-kind
#: limits of `storytrace.readers.limits` apply in any case (`size_limit`)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# The article fields an input may set (front matter keys, JSONL keys, CSV
# columns): here because both the text and the record readers need them.
FIELDS = ("id", "text", "title", "source", "url", "published_at")

TEXT_EXT = (".txt", ".md")
HTML_EXT = (".html", ".htm")
JSONL_EXT = (".jsonl", ".ndjson")
CSV_EXT = (".csv",)
SUPPORTED_EXTENSIONS: tuple[str, ...] = TEXT_EXT + HTML_EXT + JSONL_EXT + CSV_EXT

STDIN = "-"
SNIFF = 8192  # bytes looked at for NUL / magic numbers
_UNICODE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


# --------------------------------------------------------------------------- errors


class IngestError(Exception):
    """An input that cannot be used, with where: ``str(e)`` is ``path:line: message``."""

    def __init__(self, path: str | os.PathLike[str], message: str, line: int | None = None):
        # a name that is not UTF-8 would make every later print (and the store) fail
        self.path = shown_path(os.fsdecode(path) if isinstance(path, bytes) else str(path))
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


# --------------------------------------------------------------------------- paths and folders


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths as given, with each directory replaced by its supported files, sorted.

    Missing paths are kept (reading them gives the error); an empty directory
    raises `IngestError`.
    """
    out: list[str] = []
    for p in paths:
        s = os.fsdecode(p) if isinstance(p, bytes) else str(p)
        if s != STDIN and os.path.isdir(s):
            files = list_folder(s)
            if not files:
                raise IngestError(s, no_supported_message())
            out.extend(files)
        else:
            out.append(s)
    return out


def file_kind(name: str) -> tuple[str, bool]:
    """(``"text"`` / ``"html"`` / ``"jsonl"`` / ``"csv"``, gzipped?) by extension; `IngestError` if unsupported."""
    low = name.lower()
    gz = low.endswith(".gz")
    if gz:
        low = low[:-3]
    for exts, kind in ((TEXT_EXT, "text"), (HTML_EXT, "html"), (JSONL_EXT, "jsonl"), (CSV_EXT, "csv")):
        if low.endswith(exts):
            return kind, gz
    ext = os.path.splitext(name)[1] or "(none)"
    raise IngestError(name, f"unsupported file type {ext}; {_supported_list()}")


def _supported_list() -> str:
    return "supported: " + ", ".join(SUPPORTED_EXTENSIONS) + " (each optionally .gz), or - for JSONL on stdin"


def no_supported_message() -> str:
    """The message for a folder with nothing to read (it lists what is supported)."""
    return "directory has no supported files; " + _supported_list()


_FOLDER_DOCS = frozenset({"README", "LICENSE", "CHANGELOG", "CONTRIBUTING"})


def list_folder(directory: str) -> list[str]:
    """The supported files directly in ``directory``, sorted by name (hidden files and folder docs left out).

    `IngestError` when the folder cannot be listed or holds more than `MAX_FOLDER_FILES` of them.
    """
    try:
        entries = sorted(os.listdir(directory))
    except OSError as e:  # unreadable (permissions), vanished, not a folder after all
        raise IngestError(directory, f"cannot read folder ({e.strerror or e})") from None
    out = []
    for entry in entries:
        # A folder's README/LICENSE/CHANGELOG describes the folder; it is not an article.
        if entry.startswith(".") or entry.split(".")[0].upper() in _FOLDER_DOCS:
            continue
        full = os.path.join(directory, entry)
        if not os.path.isfile(full):
            continue
        try:
            file_kind(entry)
        except IngestError:
            continue
        out.append(full)
    if len(out) > MAX_FOLDER_FILES:
        raise IngestError(directory, f"folder has {len(out):,} supported files, more than the "
                                     f"{MAX_FOLDER_FILES:,}-file limit per folder; split it into smaller "
                                     "folders or put the articles in a JSONL file")
    return out


def stem(name: str) -> str:
    """The file name without folder, ``.gz`` and extension: a one-article file's id."""
    base = os.path.basename(name)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    return os.path.splitext(base)[0]


# --------------------------------------------------------------------------- bytes


def format_size(n: int) -> str:
    """Bytes for a message: ``20.0 MB``, ``1.5 KB``, ``300 bytes``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def too_big(name: str, max_bytes: int, what: str = "file") -> IngestError:
    """The error for content over ``max_bytes`` (known only while reading, e.g. after gunzip)."""
    return IngestError(name, f"{what} is larger than the {format_size(max_bytes)} limit{_limit_note(name, max_bytes)}")


def _limit_note(name: str, max_bytes: int) -> str:
    kind = _kind_or_none(name)
    if kind in ("text", "html") and max_bytes == MAX_ARTICLE_FILE_BYTES:
        return " for one-article files (is it really one article?)"
    if kind == "csv" and max_bytes == MAX_TABLE_FILE_BYTES:
        return " for CSV files (split it, or convert it to JSONL, which is streamed)"
    return ""


def _kind_or_none(name: str) -> str | None:
    try:
        return file_kind(name)[0]
    except IngestError:
        return None


def gzip_bomb(name: str, limit: int) -> IngestError:
    """The error for a gzip file that inflates past `gzip_limit` (found while streaming it)."""
    return IngestError(name, f"decompresses to more than {format_size(limit)}, past the limit for gzip input "
                             f"({format_size(MAX_DECOMPRESSED_BYTES)} or {MAX_GZIP_RATIO}x the compressed size, "
                             "whichever is larger); refused as a likely gzip bomb")


def size_limit(kind: str, max_bytes: int | None = None) -> int | None:
    """The most (uncompressed) bytes a file of ``kind`` may hold: its kind's limit, or ``max_bytes`` if lower.

    JSONL has no file limit (it is streamed; each line is capped instead)."""
    own = {"text": MAX_ARTICLE_FILE_BYTES, "html": MAX_ARTICLE_FILE_BYTES, "csv": MAX_TABLE_FILE_BYTES}.get(kind)
    caps = [c for c in (own, max_bytes) if c is not None]
    return min(caps) if caps else None


def gzip_limit(name: str, max_bytes: int | None) -> int | None:
    """``max_bytes`` lowered, for a gzipped file, to what it may inflate to (`limits.decompressed_limit`)."""
    try:
        bomb = decompressed_limit(os.stat(name).st_size)
    except OSError:
        return max_bytes
    return bomb if max_bytes is None else min(bomb, max_bytes)


def check_file(name: str, gz: bool, max_bytes: int | None) -> None:
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
        raise IngestError(name, f"file is {format_size(st.st_size)}, larger than the {format_size(max_bytes)} "
                                f"limit{_limit_note(name, max_bytes)}")


def open_binary(name: str, gz: bool) -> io.BufferedIOBase:
    """The file opened for reading bytes, gunzipped when named ``.gz`` or gzip by content."""
    try:
        fh = open(name, "rb")  # noqa: SIM115 (handed to the caller)
    except PermissionError:
        raise IngestError(name, "permission denied") from None
    except OSError as e:
        raise IngestError(name, f"cannot read file ({e.strerror or e})") from None
    head = fh.peek(2)[:2] if hasattr(fh, "peek") else b""
    if gz or head == b"\x1f\x8b":  # gzip by name or by content
        return gzip.GzipFile(fileobj=fh, mode="rb")
    return fh


def read_bytes(name: str, gz: bool, max_bytes: int | None, *, records: bool = False) -> bytes:
    """The whole (uncompressed) content, checked for size, emptiness and binary data.

    Reads at most ``max_bytes + 1`` bytes (a gzip file at most inflates that far, so a bomb
    costs the limit, not its size); a gzip file is also held to `gzip_limit`. ``records``:
    a file of many records (CSV), where a stray NUL byte is one record's problem (`check_binary`).
    """
    with open_binary(name, gz) as fh:
        inflating = isinstance(fh, gzip.GzipFile)
        limit = gzip_limit(name, max_bytes) if inflating else max_bytes
        try:
            data = fh.read(-1 if limit is None else limit + 1)
        except (OSError, EOFError, zlib.error) as e:
            raise IngestError(name, f"cannot decompress ({e}); is it really gzip?") from None
    if limit is not None and len(data) > limit:
        if inflating and limit != max_bytes:
            raise gzip_bomb(name, limit)
        raise too_big(name, limit, "uncompressed content" if inflating else "file")
    if not data:
        raise IngestError(name, "empty file")
    check_binary(name, data[:SNIFF], records=records)
    return data


_MAGIC = (
    (b"%PDF-", "a PDF document; export it as text or HTML first"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx); export it as text first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)


def check_binary(name: str, head: bytes, *, records: bool = False) -> None:
    """Raise `IngestError` when the first bytes look like a binary file, not text.

    ``records``: the file holds many records (JSONL, CSV), so a few NUL bytes are one
    record's problem, reported with it; only a head with many NULs is a binary file."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise IngestError(name, f"binary file: looks like {what}")
    if head.startswith(_UNICODE_BOMS):
        return  # UTF-16/32 text is full of NULs; decoded later
    nuls = head.count(0)
    if nuls and (not records or nuls * 20 >= len(head)):  # records: 5% NULs or more
        if _looks_utf16(head):
            raise IngestError(name, "looks like UTF-16 or UTF-32 text without a byte-order mark; "
                                    "re-encode it as UTF-8 (e.g. iconv -f utf-16le -t utf-8)")
        raise IngestError(name, "binary file (contains NUL bytes), not text")


def _looks_utf16(head: bytes) -> bool:
    """Text with every other (or every fourth) byte NUL: wide-character text without a BOM."""
    sample = head[:512]
    return len(sample) >= 8 and sample.count(0) * 3 >= len(sample) and any(
        all(b == 0 for b in sample[k::2]) for k in (0, 1))


# --------------------------------------------------------------------------- text


def decode(name: str, data: bytes, *, line_offset: int = 0, fallback: str | None = None) -> str:
    """Bytes to str: UTF-8 (BOM stripped), or UTF-16 when BOM-marked.

    ``fallback`` is an encoding to try when UTF-8 fails (an HTML meta charset).
    """
    # UTF-32 first: its little-endian BOM starts with UTF-16's
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                label = codec.upper()
                raise IngestError(name, f"starts with a {label} byte-order mark but is not valid {label} "
                                        f"(at byte offset {e.start}); re-encode it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if fallback:
            try:
                return data.decode(fallback)
            except (UnicodeDecodeError, LookupError):
                pass
        raise utf8_error(name, data, e, line_offset) from None


def utf8_error(name: str, data: bytes, e: UnicodeDecodeError, line_offset: int = 0) -> IngestError:
    """The error for bytes that are not UTF-8: the line, the bad byte, its offset and how to fix it."""
    line = data.count(b"\n", 0, e.start) + 1 + line_offset
    bad = data[e.start : e.start + 1].hex().upper()
    return IngestError(
        name,
        f"not valid UTF-8: byte 0x{bad} at byte offset {e.start}; "
        "re-encode the file as UTF-8 (e.g. iconv -f windows-1252 -t utf-8)",
        line,
    )


def newlines(text: str) -> str:
    """CRLF and lone CR to LF (the only change made inside article text)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
