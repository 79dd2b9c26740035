"""`looks_english`: a cheap guess whether article text is English prose.

It reads no file: it looks at text already read, for a warning (storytrace
is tuned on English news), never to reject an article.  The guess uses the
share of ASCII letters and the share of common English function words.
"""

from __future__ import annotations

import re

__all__ = ["looks_english"]

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
