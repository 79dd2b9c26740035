"""Word-level changes between two aligned sentences, with character offsets on both sides.

Method: both sentences are cut into word tokens (letters, digits and inner
apostrophes, hyphens, dots and commas, so "4,200" and "U.S." stay one token);
the token sequences are compared case-insensitively by difflib's
SequenceMatcher (Ratcliff & Obershelp 1988, "Pattern matching: the gestalt
approach", Dr. Dobb's Journal), and each non-equal opcode becomes one change:
``replace``, ``delete`` (words only in ``a``) or ``insert`` (words only in
``b``), its span running from its first to its last word. Punctuation alone is
not a change. No parameters.
"""

from __future__ import annotations

import difflib
import re

from storytrace.model import WordChange

_TOKEN = re.compile(r"\w+(?:[’'.,-]\w+)*")


def _tokens(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(text)]


def word_changes(a_text: str, a_offset: int, b_text: str, b_offset: int) -> tuple[WordChange, ...]:
    """The changes that turn ``a_text`` into ``b_text``; spans are offsets into the two articles
    (``a_offset`` / ``b_offset``: where each sentence starts in its article). An empty side of a
    change is the empty span where the words would stand."""
    ta, tb = _tokens(a_text, a_offset), _tokens(b_text, b_offset)
    sm = difflib.SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        a_span = (ta[i1][1], ta[i2 - 1][2]) if i2 > i1 else _gap(ta, i1, a_offset)
        b_span = (tb[j1][1], tb[j2 - 1][2]) if j2 > j1 else _gap(tb, j1, b_offset)
        out.append(WordChange(op, a_span, b_span))
    return tuple(out)


def _gap(tokens: list[tuple[str, int, int]], k: int, offset: int) -> tuple[int, int]:
    """The empty span just after token ``k - 1`` (or at the sentence start)."""
    pos = tokens[k - 1][2] if k > 0 else (tokens[0][1] if tokens else offset)
    return pos, pos
