"""The analysis of one story of the corpus: which of its articles are compared, and the result.

A story can hold thousands of articles; the compare pipeline looks at its
earliest ones. This module is the one place that decides which: the articles
earliest seen first (by publication time; undated ones last; ties in the
order given, which for a stored story is ingest order), the first
``max_articles`` of them. Every face uses it:

* the web app's story pages: `analyse_stored_story` (`load_story`, then
  `LoadedStory.analyse`); ``storytrace story ID`` calls the two itself, to say
  what it compares before the (slow) analysis starts; both read the analysis
  ``storytrace analyze`` kept instead, when it is current (`stored_analysis`);
* the web app's findings counts and analysis cache: `story_key` over
  `compared_members` (ids and content hashes, no texts read);
* the Spark job, which holds a story's rows rather than a store:
  `select_story` (info + articles in any order), then `LoadedStory.analyse`.

The analysis is the compare contract (`storytrace.report.contract`) plus
``corpus_story``: the story's info (``id``, ``size``, and from a store
``title``, ``first_seen``, ``last_seen``), all its article ids (``articles``,
earliest first) and those compared (``compared``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from storytrace.corpus.store import Store, content_hash, seen_key
from storytrace.model import Article

__all__ = [
    "DEFAULT_MAX_ARTICLES",
    "LoadedStory",
    "StoryNotFound",
    "analyse_stored_story",
    "compared_members",
    "earliest_first",
    "load_story",
    "select_story",
    "story_key",
    "stored_analysis",
]

DEFAULT_MAX_ARTICLES = 50

T = TypeVar("T")


class StoryNotFound(KeyError):
    """No story with this id in the store."""


def earliest_first(articles: Iterable[Article]) -> list[Article]:
    """The articles earliest published first, undated ones last; ties keep the given order.

    The order `Store.story` returns a story's articles in (``seen_at``, then ingest order),
    so a stored story comes back unchanged."""
    arts = list(articles)
    keys = [seen_key(a.published_at) for a in arts]
    order = sorted(range(len(arts)), key=lambda i: (keys[i] is None, keys[i] or ""))
    return [arts[i] for i in order]


def compared_members(members: Sequence[T], max_articles: int = DEFAULT_MAX_ARTICLES) -> list[T]:
    """Of a story's members, earliest first, the ones its analysis compares."""
    if max_articles < 1:
        raise ValueError("max_articles must be at least 1")
    return list(members[:max_articles])


def story_key(story_id: str, members: Sequence[tuple[str, str]]) -> str:
    """The identity of a story's analysis: its id and its compared members' ids and content hashes."""
    h = hashlib.sha256(story_id.encode("utf-8"))
    for aid, chash in members:
        h.update(b"\0" + aid.encode("utf-8") + b"\1" + chash.encode("ascii"))
    return h.hexdigest()


@dataclass(frozen=True)
class LoadedStory:
    """A story's info and articles (earliest first), and the articles its analysis compares."""

    info: Mapping[str, Any]  # id, size, ... (StoryInfo.to_dict() for a stored story)
    articles: list[Article]
    compared: list[Article]

    @property
    def id(self) -> str:
        return str(self.info["id"])

    @property
    def key(self) -> str:
        """`story_key` of the compared articles."""
        return story_key(self.id, [(a.id, content_hash(a.text)) for a in self.compared])

    def corpus_story(self) -> dict[str, Any]:
        return {**self.info, "articles": [a.id for a in self.articles], "compared": [a.id for a in self.compared]}

    def analyse(self, *, include_text: bool = True, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
        """The compare contract for the compared articles, plus ``corpus_story``.

        ``progress`` is called with the name of each pipeline step."""
        from storytrace.compare import compare_articles
        from storytrace.report.contract import comparison_to_dict

        comparison = (compare_articles(self.compared) if progress is None
                      else compare_articles(self.compared, progress=progress))
        doc = comparison_to_dict(comparison, include_text=include_text)
        doc["corpus_story"] = self.corpus_story()
        return doc


def select_story(info: Mapping[str, Any], articles: Iterable[Article],
                 max_articles: int = DEFAULT_MAX_ARTICLES) -> LoadedStory:
    """A story given as its info (``id``, ``size``, ...) and its articles in any order."""
    ordered = earliest_first(articles)
    return LoadedStory(dict(info), ordered, compared_members(ordered, max_articles))


def load_story(store: Store, story_id: str, *, max_articles: int = DEFAULT_MAX_ARTICLES) -> LoadedStory:
    """A stored story. Raises `StoryNotFound` when there is no such story."""
    try:
        info, articles = store.story(story_id)
    except KeyError:
        raise StoryNotFound(story_id) from None
    # the store's order is already earliest first, and it is the order `compared_members`
    # sees from `Store.story_members`: never re-sorted here, so the two always agree
    return LoadedStory(info.to_dict(), articles, compared_members(articles, max_articles))


def stored_analysis(store: Store, story: LoadedStory, *, include_text: bool = True) -> tuple[str, dict] | None:
    """(computed_at, the analysis) kept in the store for ``story`` by ``storytrace analyze`` or the web app,
    when it is of the story's current content (its `story_key`); else None. The same document as
    `LoadedStory.analyse` gives (texts filled in from ``story`` when ``include_text``)."""
    import sqlite3

    try:
        found = store.story_analysis(story.id)
    except sqlite3.Error:  # a read-only store from before analyses were kept
        return None
    if found is None or found[0] != story.key:
        return None
    computed_at, doc = found[1], found[2]
    if include_text:
        texts = {a.id: a.text for a in story.compared}
        for entry in doc.get("articles", []):
            entry["text"] = texts.get(entry.get("id"), "")
    doc["corpus_story"] = story.corpus_story()
    return computed_at, doc


def analyse_stored_story(store: Store, story_id: str, *, max_articles: int = DEFAULT_MAX_ARTICLES,
                         include_text: bool = True, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The analysis of a stored story: what ``storytrace story ID --json`` prints.

    Raises `StoryNotFound` when there is no such story."""
    return load_story(store, story_id, max_articles=max_articles).analyse(include_text=include_text,
                                                                         progress=progress)
