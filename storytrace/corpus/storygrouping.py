"""Which grouper groups which article of a corpus: one rule for ``storytrace ingest`` and the Spark job.

- An article with text beyond its title (`storytrace.events.articletext.has_lead_text`) is grouped
  by average link over its lexical vector, boilerplate left out and publication time as a bound
  (`storytrace.events.lexicalgrouping`): independent of arrival order, and an article that
  arrives can move earlier ones into another story (a new article can join two stories it
  bridges; a sentence that turns out to be boilerplate no longer holds its carriers together).
- A headline alone is grouped by the online centroid grouper (`storytrace.corpus.grouping`),
  fitted on UCI headlines, where average link finds nothing to hold on to; so is, in
  ``storytrace ingest``, an article whose text beyond its title is all boilerplate when it
  arrives (feeds that follow each headline with one shared paragraph): which grouper takes
  such an article depends on what had arrived before it, the one place where order counts.

The two sets never share a story. `StoryGrouper` keeps both over a `Store` (the headline
grouper's state in the store's grouping tables; the average-link state in memory, saved in the
store at the end of an ingest run and read back by the next process, or, when the store changed
under it since, grouped again from the stored articles); `group_stories` is the same rule from
scratch, in memory (the Spark job's reference).
"""

from __future__ import annotations

from typing import Sequence

from storytrace.corpus.grouping import CorpusGrouper, GroupingParams, group_articles
from storytrace.events.articletext import has_lead_text
from storytrace.events.lexicalgrouping import AverageLinkGrouper, group_by_average_link, grouping_text
from storytrace.corpus.store import Store
from storytrace.model import Article

LOAD_BATCH = 2000


def split_by_grouper(articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """(articles with text, headlines alone), each in input order."""
    text, heads = [], []
    for a in articles:
        (text if has_lead_text(a) else heads).append(a)
    return text, heads


def group_stories(articles: Sequence[Article], params: GroupingParams | None = None) -> dict[str, str]:
    """Article id -> story id for ``articles`` grouped from scratch by the rule above."""
    text, heads = split_by_grouper(articles)
    out = group_by_average_link(text) if text else {}
    if heads:
        out.update(group_articles(heads, params))
    return out


class StoryGrouper:
    """Groups the articles of a `Store` as they are ingested (``assign``), by the rule above.

    ``assign`` returns the story of every new article and of every earlier one whose story
    changed; the caller records them (`Store.assign`) in the same transaction."""

    def __init__(self, store: Store, params: GroupingParams | None = None) -> None:
        self.store = store
        self.headlines = CorpusGrouper(store, params)
        self._lexical: AverageLinkGrouper | None = None
        self._generation: int | None = None  # the store's lexical generation the memory reflects

    def over(self, store: Store) -> StoryGrouper:
        """This grouper, its memory kept, over ``store``: the same file opened again (a web server opens
        it per request). The store's generations say whether that memory still holds; where another
        process wrote since, it is read again."""
        self.store = store
        self.headlines.store = store
        return self

    def _load(self) -> AverageLinkGrouper:
        if self._lexical is not None and self._generation == self.store.lexical_generation():
            return self._lexical
        self._generation = self.store.lexical_generation()
        saved = self.store.lexical_snapshot()
        if saved is not None and saved[0] == self._generation:
            restored = AverageLinkGrouper.from_bytes(saved[1], self._text_of)
            if restored is not None:  # else saved with other parameters: group again below
                self._lexical = restored
                return restored
        self._lexical = AverageLinkGrouper(text_of=self._text_of)
        headline_ids = set(self.store.grouping_members_ids())
        batch: list[Article] = []
        bare: list[Article] = []  # text articles the headline grouper took: their sentences still count
        for a in self.store.iter_grouped_articles():
            if not has_lead_text(a):
                continue
            if a.id in headline_ids:
                bare.append(a)
            else:
                batch.append(a)
            if len(batch) >= LOAD_BATCH or len(bare) >= LOAD_BATCH:
                self._lexical.count_only(bare)
                self._lexical.add_many(batch)
                batch, bare = [], []
        self._lexical.count_only(bare)
        self._lexical.add_many(batch)
        return self._lexical

    def _text_of(self, article_id: str) -> str:
        return grouping_text(self.store.articles([article_id])[0])

    def assign(self, articles: Sequence[Article]) -> dict[str, str]:
        """Story id of each new article, and of each earlier article whose story changed. Caller commits."""
        text, heads = split_by_grouper(articles)
        out: dict[str, str] = {}
        if text:
            lexical = self._load()
            # an article whose text beyond its title is all boilerplate is a headline: the headline grouper takes it.
            # Without a title it stays (alone: no text is left to link it); as a "headline" its boilerplate
            # would make every such page one story (Multi-News's failed scrapes: held-out F1 0.761 against 0.782)
            own = [o or not (a.title or "").strip() for a, o in zip(text, lexical.own_text(text))]
            bare = [a for a, o in zip(text, own) if not o]
            text = [a for a, o in zip(text, own) if o]
            heads = heads + bare
            changed = lexical.count_only(bare) + lexical.add_many(text)
            stories = lexical.stories()
            out.update({aid: stories[aid] for aid in changed})
            out.update({a.id: stories[a.id] for a in text})
            self._generation = self.store.bump_lexical_generation()
        if heads:
            out.update(self.headlines.assign(heads))
        return out

    def save(self) -> None:
        """Keep the average-link state in the store, if it is the store's current one (a new process reads it
        back instead of grouping every stored article with text again). At the end of a run, not per batch:
        its size grows with the corpus."""
        if self._lexical is not None and self._generation == self.store.lexical_generation():
            self.store.save_lexical_snapshot(self._generation, self._lexical.to_bytes())

    def rebuild(self, articles: Sequence[Article]) -> dict[str, str]:
        """Forget the state and group ``articles`` from scratch. Caller commits."""
        text, heads = split_by_grouper(articles)
        self._lexical = AverageLinkGrouper(text_of=self._text_of)
        self._lexical.add_many(text)
        self._generation = self.store.bump_lexical_generation()
        out = dict(self._lexical.stories())
        out.update(self.headlines.rebuild(heads))
        return out

    def adopt(self, articles: Sequence[Article], mapping: dict[str, str]) -> dict[str, str]:
        """Take ``mapping`` (e.g. the Spark job's stories) for ``articles``; headlines enter the
        headline grouper's state, articles with text the average-link state (which gives the same
        stories: the Spark job runs the same rule). Returns the ids adopted."""
        text, heads = split_by_grouper(articles)
        out: dict[str, str] = {}
        if text:
            self._load().add_many(text)
            self._generation = self.store.bump_lexical_generation()
            out.update({a.id: str(mapping[a.id]) for a in text})
        if heads:
            out.update(self.headlines.adopt(heads, mapping))
        return out


__all__ = ["StoryGrouper", "group_stories", "split_by_grouper"]
