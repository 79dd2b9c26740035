"""Boilerplate by sentence frequency: a sentence that many articles of a corpus carry says nothing about their story.

Method: every sentence (or line) an article is read by is hashed, case,
punctuation and spacing ignored (`storytrace.events.articletext.phrase_hash`),
and the corpus counts how many distinct articles carry each hash. A sentence
carried by ``limit`` articles or more is boilerplate (a scraper's "enable
JavaScript" page, an archive notice, a newsletter footer, a disclaimer) and
is left out of the text an article is grouped by: document-frequency
filtering of repeated text blocks, as in the boilerplate removal of web
corpora (Broder et al. 1997, "Syntactic clustering of the Web"; Pomikálek
2011, "Removing Boilerplate and Duplicate Content from Web Corpora", ch. 4).

Counting as articles arrive, a sentence can cross the limit after some of
its carriers were grouped with it: ``SentenceFrequency.add`` returns those
earlier carriers, so the grouper reads them again without it. What counts as
boilerplate is then a function of the *set* of articles seen, never of
their order. Memory: one counter per distinct sentence, and the carriers of
each sentence until it crosses the limit (at most ``limit - 1`` of them).

Parameter: ``limit`` (``avglink_boilerplate_df``), fitted with the average
link cut (`storytrace.events.lexicalgrouping`; storytrace/data/corpus_grouping.json
says on what and to which objective). Story mates share sentences too (wire
copy), so the limit must sit above the size of a story's group of copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from storytrace.events.articletext import phrase_hash

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The sentences and lines of ``text``, stripped, in order (a plain split: it only has to be repeatable)."""
    return [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]


def sentence_hashes(text: str) -> list[int]:
    """`phrase_hash` of each sentence of ``text``, in order."""
    return [phrase_hash(s) for s in sentences(text)]


def without(text: str, boilerplate: set[int]) -> str:
    """``text`` without the sentences whose hash is in ``boilerplate`` (the others joined by a space)."""
    if not boilerplate:
        return text
    parts = sentences(text)
    kept = [s for s in parts if phrase_hash(s) not in boilerplate]
    return text if len(kept) == len(parts) else " ".join(kept)


@dataclass
class SentenceFrequency:
    """How many distinct articles carry each sentence hash; those carried by ``limit`` or more are boilerplate."""

    limit: int
    boilerplate: set[int] = field(default_factory=set)
    _count: dict[int, int] = field(default_factory=dict)
    _carriers: dict[int, list[int]] = field(default_factory=dict)

    def state(self) -> dict[str, np.ndarray]:
        """The counts as flat arrays (`from_state` gives them back)."""
        carried = list(self._carriers.items())
        return {
            "limit": np.array([self.limit], dtype=np.int64),
            "boilerplate": np.array(sorted(self.boilerplate), dtype=np.int64),
            "count_hash": np.fromiter(self._count, dtype=np.int64, count=len(self._count)),
            "count_n": np.fromiter(self._count.values(), dtype=np.int64, count=len(self._count)),
            "carrier_hash": np.array([h for h, _ in carried], dtype=np.int64),
            "carrier_len": np.array([len(c) for _, c in carried], dtype=np.int64),
            "carriers": np.array([x for _, c in carried for x in c], dtype=np.int64),
        }

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> SentenceFrequency:
        f = cls(int(state["limit"][0]))
        f.boilerplate = set(state["boilerplate"].tolist())
        f._count = dict(zip(state["count_hash"].tolist(), state["count_n"].tolist()))
        flat, start = state["carriers"].tolist(), 0
        for h, k in zip(state["carrier_hash"].tolist(), state["carrier_len"].tolist()):
            f._carriers[h] = flat[start:start + k]
            start += k
        return f

    def would_be(self, batch: Iterable[Iterable[int]]) -> set[int]:
        """The boilerplate once the articles with these sentence hashes are counted too (nothing is counted)."""
        extra: dict[int, int] = {}
        for hashes in batch:
            for h in set(hashes):
                if h not in self.boilerplate:
                    extra[h] = extra.get(h, 0) + 1
        return self.boilerplate | {h for h, n in extra.items() if self._count.get(h, 0) + n >= self.limit}

    def add(self, article: int | None, hashes: Iterable[int]) -> set[int]:
        """Count article ``article``'s sentences; the earlier articles carrying a sentence that became boilerplate now.

        ``article`` None: counted, never read again (an article another grouper took)."""
        earlier: set[int] = set()
        for h in set(hashes):
            if h in self.boilerplate:
                continue
            n = self._count.get(h, 0) + 1
            if n >= self.limit:
                self.boilerplate.add(h)
                earlier.update(self._carriers.pop(h, ()))
                self._count.pop(h, None)
            else:
                self._count[h] = n
                if article is not None:
                    self._carriers.setdefault(h, []).append(article)
        return earlier


__all__ = ["SentenceFrequency", "sentence_hashes", "sentences", "without"]
