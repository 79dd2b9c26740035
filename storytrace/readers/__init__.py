"""Files and records -> `Article`s, one module per format.

* `files` -- paths and folders, gzip, size / binary / encoding checks,
  decoding, `IngestError`, limits;
* `text` -- ``.txt`` / ``.md`` with optional front matter;
* `html` -- ``.html`` / ``.htm``, main text via trafilatura;
* `records` -- ``.jsonl`` / ``.ndjson``, ``.csv``, ``-`` (JSONL on stdin), the
  entry points `read_articles` / `iter_records` that dispatch on file kind,
  the record adapter and the ``published_at`` parser;
* `language` -- `looks_english`;
* `checks` -- the one record check every article passes (`article_problem`:
  valid Unicode, visible text, the length limit);
* `limits` -- the input limits (file sizes, decompressed size, characters per
  article, articles per compare, files per folder), each with why it was set.
"""

from storytrace.readers.files import IngestError, expand_paths
from storytrace.readers.language import looks_english
from storytrace.readers.records import (
    check_column_map,
    coerce_published_at,
    iter_records,
    make_record,
    parse_column_map,
    parse_published_at,
    published_key,
    published_timestamp,
    read_articles,
    with_iso_published_at,
)

__all__ = [
    "IngestError",
    "check_column_map",
    "coerce_published_at",
    "expand_paths",
    "iter_records",
    "looks_english",
    "make_record",
    "parse_column_map",
    "parse_published_at",
    "published_key",
    "published_timestamp",
    "read_articles",
    "with_iso_published_at",
]
