"""The input limits, in one place: what an input may be before it is refused.

Each limit is checked where the input is read, and exceeding it gives a
message naming the file and the limit (never a traceback, never an internal
error). They are generous: real news articles and feeds are far below them;
they exist so that a runaway input (a gzip bomb, a log file mistaken for an
article, a folder of thousands of fragments) is stopped early, with little
memory, instead of running for minutes.

`storytrace ingest` applies them per record: a record over a limit is reported
(file:line) and skipped, the rest is stored. `storytrace compare` refuses its
input as a whole.
"""

from __future__ import annotations

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_ARTICLE_FILE_BYTES",
    "MAX_ARTICLE_QUOTES",
    "MAX_COMPARE_ARTICLES",
    "MAX_COMPARE_SENTENCES",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_FOLDER_FILES",
    "MAX_GZIP_RATIO",
    "MAX_RECORD_BYTES",
    "MAX_SENTENCE_WORDS",
    "MAX_TABLE_FILE_BYTES",
    "decompressed_limit",
    "describe_limits",
]

MB = 1024 * 1024

#: one-article files (.txt, .md, .html), after decompression.
#: set by hand: the longest real articles (long reads, full transcripts) are well under
#: 1 MB of text; 20 MB leaves room for bloated HTML around the text.
MAX_ARTICLE_FILE_BYTES = 20 * MB

#: a CSV file, after decompression (it is read whole).
#: set by hand: a CSV costs its size in memory once; 200 MB is a big export yet fits any machine.
MAX_TABLE_FILE_BYTES = 200 * MB

#: one JSONL line (one record), read with a bounded readline so a line without end is cut short.
#: set by hand: MAX_ARTICLE_CHARS characters of JSON-escaped text, with title and url, fit in 20 MB.
MAX_RECORD_BYTES = 20 * MB

#: a gzipped input stops inflating past the larger of these two bounds (checked while streaming).
#: set by hand: real text compresses 3-10 times, so 100x flags a bomb (zeros compress ~1000x)
#: while a large genuine archive (GBs of JSONL) still reads; 200 MB is the floor for small files.
MAX_DECOMPRESSED_BYTES = 200 * MB
MAX_GZIP_RATIO = 100

#: characters of text in one article.
#: set by hand: spaCy's default max_length (1,000,000) is what the compare analysis can take;
#: a real article is 2,000-20,000 characters.
MAX_ARTICLE_CHARS = 1_000_000

#: quotations in one article, counted as double quotation marks (“ ” " „ « ») / 2.
#: set by hand: a long interview or transcript has a few hundred quotes; 2,000 quotes took
#: 1.9 GB and minutes in compare (quote attribution looks at every quote's context).
MAX_ARTICLE_QUOTES = 1_000

#: words in one sentence: the longest run of text without a sentence end (. ! ? … or a line break).
#: set by hand: real sentences are under 100 words, long legal ones a few hundred; a 100,000-word
#: "sentence" (a word list, a log) made sentence splitting and alignment run for minutes.
MAX_SENTENCE_WORDS = 5_000

#: articles in one `storytrace compare` run (every pair is compared, so cost grows quadratically).
#: set by hand: a story has tens of versions; 500 keeps a run within minutes, not hours.
MAX_COMPARE_ARTICLES = 500

#: sentences of one article given to `storytrace compare` or `storytrace story` (stored articles
#: may be longer: grouping reads only their lead).
#: set by hand: sentence alignment compares every sentence of one version with every sentence of
#: another; two texts of 500 sentences took 31 s and 1.9 GB, of 1,000 over 400 s, while a long
#: news article has 60-150 sentences.
MAX_COMPARE_SENTENCES = 600

#: supported files read from one folder.
#: set by hand: more than this is almost always the wrong folder (a whole archive); for big
#: corpora JSONL files are faster anyway.
MAX_FOLDER_FILES = 10_000


def decompressed_limit(compressed_size: int) -> int:
    """The most bytes a gzip file of ``compressed_size`` bytes may inflate to."""
    return max(MAX_DECOMPRESSED_BYTES, MAX_GZIP_RATIO * compressed_size)


def describe_limits() -> list[tuple[str, str]]:
    """(what, limit) pairs for help texts and docs."""
    return [
        ("one-article file (.txt/.md/.html)", f"{MAX_ARTICLE_FILE_BYTES // MB} MB"),
        ("CSV file", f"{MAX_TABLE_FILE_BYTES // MB} MB"),
        ("one JSONL line", f"{MAX_RECORD_BYTES // MB} MB"),
        ("gzip input, decompressed", f"{MAX_DECOMPRESSED_BYTES // MB} MB or {MAX_GZIP_RATIO}x its size"),
        ("characters per article", f"{MAX_ARTICLE_CHARS:,}"),
        ("quotes per article", f"{MAX_ARTICLE_QUOTES:,} (double quotation marks / 2)"),
        ("words per sentence", f"{MAX_SENTENCE_WORDS:,} (without . ! ? … or a line break)"),
        ("articles per compare", f"{MAX_COMPARE_ARTICLES:,}"),
        ("sentences per compared article", f"{MAX_COMPARE_SENTENCES:,} (counted by . ! ? … and line breaks)"),
        ("files per folder", f"{MAX_FOLDER_FILES:,}"),
    ]
