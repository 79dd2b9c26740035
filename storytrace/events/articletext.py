"""What of an article the story grouping reads: its title and body, whether it has text beyond its title,
and the hash its sentences are counted by as boilerplate.

Shared by the two groupers of the corpus path (average link for articles with text, the online grouper for
headlines) and by compare, so that both paths draw the same line between a headline and an article.
"""

from __future__ import annotations

import hashlib
import re

from storytrace.model import Article

_WORD = re.compile(r"\w+", re.UNICODE)
# Set by hand: a text this many characters longer than its title counts as more than a headline.
LEAD_TEXT_CHARS = 40


def title_and_body(a: Article) -> tuple[str, str]:
    """The title and the text after it (the text without the title when it starts with it), stripped."""
    title = (a.title or "").strip()
    text = (a.text or "").strip()
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    return title, text


def phrase_hash(sentence: str) -> int:
    """A 63-bit hash of a sentence, case and spacing ignored (for counting boilerplate)."""
    norm = " ".join(_WORD.findall(sentence.lower()))
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def has_lead_text(a: Article) -> bool:
    """Whether the article has text beyond its title (then average link groups it, not the headline grouper)."""
    title = (a.title or "").strip()
    text = (a.text or "").strip()
    return bool(text) and text != title and len(text) > len(title) + LEAD_TEXT_CHARS
