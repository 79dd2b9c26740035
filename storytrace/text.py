"""Word tokens for lexical evidence: content words with their offsets."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
STOPWORDS = frozenset(
    """a an the of to in on at for and or but nor so yet is are was were be been being by with as
    that this these those it its from has have had he she they their his her them him we our us
    you your i my me which who whom whose what when where while will would shall should can could
    may might must do does did not no than then there here also into over after before about
    said says say told stated added more most such said per all any some each other own only
    very just up out if because though although until unless since during through""".split()
)


_POSSESSIVE = re.compile(r"['’]s$")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words that are not function words, possessive 's removed.

    Cached (derivation and the detectors ask for the same sentences' words many times over); the
    result is a frozenset, so no caller can change what another one reads."""
    out = set()
    for w in words(text):
        w = _POSSESSIVE.sub("", w)
        if w not in STOPWORDS and len(w) > 1:
            out.add(w)
    return frozenset(out)
