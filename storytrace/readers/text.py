"""``.txt`` / ``.md`` files: one article per file, with optional front matter.

The whole file is the article text (decoded by `files.decode`, newlines made
LF, stripped at both ends).  A first line ``---`` opens front matter of
``key: value`` lines closed by another ``---``; keys that are article fields
(``date`` / ``published`` mean ``published_at``) set them, others are
ignored, and quotes around a value are dropped.  Without an ``id`` key the
id is the file name's stem.  Leading dashes followed by prose are text, not
front matter; front matter that is opened but never closed is an error.
"""

from __future__ import annotations

import re

from storytrace.model import Article
from storytrace.readers.files import FIELDS, IngestError, decode, newlines, stem

__all__ = ["parse_text"]

_FM_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:(.*)$")
_FM_ALIASES = {"date": "published_at", "published": "published_at", "publishedat": "published_at"}
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def parse_text(name: str, data: bytes) -> Article:
    """The article in a text file's bytes; `IngestError` when there is no text."""
    text = newlines(decode(name, data))
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
    art_id = (meta.pop("id", None) or "").strip() or stem(name)
    return Article(id=art_id, text=body, origin=name, **meta)  # type: ignore[arg-type]


def _unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v
