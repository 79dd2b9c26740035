"""The one record check: what every article must satisfy before it is stored or compared.

`article_problem(article)` is applied to every record on its own, whatever it
was read from (a text or HTML file, a JSONL line, a CSV row, a Spark row, an
API request), so one bad record is reported and skipped while the rest go on.
A record is refused when:

* a field (id, text, title, source, url, published_at) holds a lone surrogate
  (``"\\ud800"`` escaped in JSON): not Unicode, SQLite and every output refuse it;
* its id or text is empty once control, zero-width and other invisible format
  characters are removed (a text of NUL bytes or zero-width spaces is no article);
* its text is longer than `limits.MAX_ARTICLE_CHARS`, holds more than
  `limits.MAX_ARTICLE_QUOTES` quotes, or a sentence of more than
  `limits.MAX_SENTENCE_WORDS` words (`longest_sentence_words`).

Helpers for messages: `shown` (a value quoted and escaped for a one-line message)
and `shown_path` (a file name that may not be valid UTF-8, printable).
"""

from __future__ import annotations

import re
import unicodedata

from storytrace.model import Article
from storytrace.readers.limits import MAX_ARTICLE_CHARS, MAX_ARTICLE_QUOTES, MAX_COMPARE_SENTENCES, MAX_SENTENCE_WORDS

__all__ = ["article_problem", "compare_problem", "has_visible_text", "lone_surrogate_at", "longest_sentence_words",
           "quote_count", "sentence_count", "shown", "shown_path"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_FIELDS = ("id", "text", "title", "source", "url", "published_at")
# Cc: controls (NUL, ESC...), Cf: format (zero-width space/joiner, BOM, bidi marks, soft hyphen),
# Cs: surrogates, Z*: separators (spaces); none of them is readable text on its own
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
# the double marks the compare's quote finder opens and closes quotes with (compare/quotes.py)
_QUOTE_MARKS = "“”\"„«»"
# what ends a sentence for the sentence-length limit: the segmenter splits at line breaks first,
# then at sentence punctuation; a full stop inside "3.5" also counts, which only errs on the lenient side
_NOT_A_SENTENCE_END = re.compile(r"[^.!?…\n]+")
_WORD = re.compile(r"\S+")


def lone_surrogate_at(value: str) -> int | None:
    """The index of the first lone surrogate in ``value``, or None when it is valid Unicode."""
    m = _SURROGATE.search(value)
    return m.start() if m else None


def has_visible_text(value: str) -> bool:
    """True when ``value`` has at least one character that is not a control, format or blank one."""
    for ch in value:  # stops at the first visible character: O(1) for real text
        if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE:
            return True
    return False


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a one-line message: control characters and surrogates escaped, shortened."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return ascii(text) if lone_surrogate_at(text) is not None else repr(text)


def shown_path(path: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 (kept by Python as surrogates) as ``\\xNN``."""
    if lone_surrogate_at(path) is None:
        return path
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a genuine lone surrogate, not an undecodable byte
        return path.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return raw.decode("utf-8", "backslashreplace")


def quote_count(text: str) -> int:
    """Quotes in ``text``: its double quotation marks, two to a quote (an unclosed one counts)."""
    return (sum(text.count(m) for m in _QUOTE_MARKS) + 1) // 2


def longest_sentence_words(text: str) -> tuple[int, int]:
    """(words, character offset) of the longest run of ``text`` without a sentence end (. ! ? … or a
    line break); linear in the length of ``text``."""
    best, at = 0, 0
    for m in _NOT_A_SENTENCE_END.finditer(text):
        piece = m.group()
        if len(piece) // 2 < best:  # a word takes two characters at least with its space: cannot win
            continue
        n = sum(1 for _ in _WORD.finditer(piece))
        if n > best:
            best, at = n, m.start()
    return best, at


def sentence_count(text: str) -> int:
    """Runs of ``text`` between sentence ends (. ! ? … or a line break) that hold a word; linear."""
    return sum(1 for m in _NOT_A_SENTENCE_END.finditer(text) if _WORD.search(m.group()))


def compare_problem(article: Article) -> str | None:
    """What keeps ``article`` out of a compare (beyond `article_problem`): too many sentences to align."""
    n = sentence_count(article.text)
    if n > MAX_COMPARE_SENTENCES:
        return (f"record {shown(article.id)}: about {n:,} sentences, more than the {MAX_COMPARE_SENTENCES:,}-sentence "
                "limit per compared article (every sentence is aligned with every sentence of the other versions); "
                "compare a part of it")
    return None


def article_problem(article: Article, names: dict[str, str] | None = None) -> str | None:
    """What is wrong with ``article`` (a message without the place), or None when it can be stored.

    ``names`` maps field names to what to call them in the message (e.g. ``"field 'body'"`` under ``--map``).
    """
    names = names or {}
    for field in _FIELDS:
        value = getattr(article, field)
        if value is None:
            continue
        at = lone_surrogate_at(value)
        if at is not None:
            label = names.get(field, repr(field))
            who = "" if field == "id" else f"record {shown(article.id)}: "
            return (f"{who}{label} is not valid Unicode (a lone surrogate {value[at]!a} at character {at + 1}); "
                    "fix the encoder that wrote it")
    if not has_visible_text(article.id):
        return f"id {shown(article.id)} has no visible characters (only control, zero-width or blank ones)"
    if not has_visible_text(article.text):
        return (f"record {shown(article.id)}: no readable text (only control, zero-width or blank characters, "
                "e.g. NUL bytes or zero-width spaces)")
    if len(article.text) > MAX_ARTICLE_CHARS:
        return (f"record {shown(article.id)}: text has {len(article.text):,} characters, more than the "
                f"{MAX_ARTICLE_CHARS:,}-character limit per article; split it into articles")
    quotes = quote_count(article.text)
    if quotes > MAX_ARTICLE_QUOTES:
        return (f"record {shown(article.id)}: text has {quotes:,} quotes (double quotation marks / 2), more than "
                f"the {MAX_ARTICLE_QUOTES:,}-quote limit per article; split it into articles")
    words, at = longest_sentence_words(article.text)
    if words > MAX_SENTENCE_WORDS:
        return (f"record {shown(article.id)}: a sentence at character {at + 1:,} has {words:,} words without a "
                f"sentence end (. ! ? or a line break), more than the {MAX_SENTENCE_WORDS:,}-word limit per "
                "sentence; is it a word list or a log rather than an article?")
    return None
