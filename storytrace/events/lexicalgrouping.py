"""Story grouping by average link over hashed TF-IDF vectors: which text, which cut.

The pieces: `storytrace.events.lexical` (an article's vector, with the shipped
reference IDF) and `storytrace.events.linkage` (average-link clusters of the
cosine graph, incremental and independent of arrival order). This module
chooses the text an article is read by (its title, then its text: the first
``lexical.MAX_CHARS`` characters) and the cut, ``avglink_cut_lead``, fitted by
``python -m training.fit_lexical_grouping`` (storytrace/data/corpus_grouping.json
says on what and to which objective). Sentences many articles of the corpus
carry are boilerplate and left out of that text (`storytrace.events.boilerplate`,
limit ``avglink_boilerplate_df``, fitted with the cut): on Multi-News, scraped
archive notices and "enable JavaScript" pages otherwise form stories of
hundreds of unrelated articles.

Publication times bound the grouping, they do not drive it: two articles
published more than ``MAX_GAP_DAYS`` apart are never linked (`linkage`'s
``max_gap_s``), so a report on the same port or council months later is
another story; articles without a time link with any other.

For articles with text, not for headlines alone: a headline shares one or two
words with its story mates, and no cut works (on 10,000 headlines of the UCI
train slice, BCubed F1 0.19 at 0.3, 0.06 at 0.5, while the online grouper of
`storytrace.corpus.grouping` reaches 0.70 there); `is_lexical_corpus` says
which a corpus is.
"""

from __future__ import annotations

import io
from typing import Callable, Sequence

import numpy as np

from storytrace.events.boilerplate import SentenceFrequency, sentence_hashes, without
from storytrace.events.articletext import LEAD_TEXT_CHARS, has_lead_text, title_and_body
from storytrace.events import lexical
from storytrace.events.lexical import MAX_CHARS, default_idf, vectorize
from storytrace.events.linkage import AverageLinkGraph
from storytrace.fitted import corpus_value
from storytrace.model import Article
from storytrace.published import published_timestamp

# set by hand, not fitted: no data set here has article texts with publication times (Multi-News and
# WikiRef have none, UCI has headlines only). Versions of one report appear within days (the example
# sets: within 27 hours); the distractors of the example sets, same places and people, came months apart.
MAX_GAP_DAYS = 7.0
# as `has_lead_text`: more than this many characters beyond the title, once boilerplate is out, make an
# article one with text
OWN_TEXT_CHARS = LEAD_TEXT_CHARS


def lexical_text(a: Article) -> str:
    """The title, then the text (without the title again when it starts with it)."""
    title, text = title_and_body(a)
    return f"{title}\n{text}" if title else text


def grouping_text(a: Article) -> str:
    """`lexical_text` cut to ``MAX_CHARS``: what an article is grouped by (its sentences counted, its vector made)."""
    return lexical_text(a)[:MAX_CHARS]


def is_lexical_corpus(articles: Sequence[Article]) -> bool:
    """Whether most ``articles`` have text beyond their title (then average link applies)."""
    return sum(has_lead_text(a) for a in articles) * 2 >= len(articles)


class AverageLinkGrouper:
    """Articles grouped by average link over their lexical vectors, boilerplate left out, as they arrive.

    ``text_of`` gives back the grouping text (`lexical_text`, cut to ``MAX_CHARS``) of an article
    added earlier, by id: when one of its sentences becomes boilerplate it is read again without it.
    By default the texts are kept in memory."""

    def __init__(self, cut: float | None = None, boilerplate_df: int | None = None,
                 text_of: Callable[[str], str] | None = None) -> None:
        self.graph = AverageLinkGraph(cut if cut is not None else corpus_value("avglink_cut_lead"),
                                      max_gap_s=MAX_GAP_DAYS * 86400.0)
        limit = boilerplate_df if boilerplate_df is not None else int(corpus_value("avglink_boilerplate_df"))
        self.frequency = SentenceFrequency(limit)
        self._texts: dict[str, str] | None = None if text_of is not None else {}
        self._text_of = text_of if text_of is not None else self._texts.__getitem__
        self._seen: set[str] = set()

    def add_many(self, articles: Sequence[Article]) -> list[str]:
        """Add articles not seen before; the ids of the articles whose story may have changed."""
        fresh, texts = [], []
        for a in articles:
            if a.id in self._seen:
                continue
            self._seen.add(a.id)
            fresh.append(a)
            texts.append(grouping_text(a))
        base = len(self.graph.ids)
        earlier: set[int] = set()
        for k, text in enumerate(texts):
            earlier |= self.frequency.add(base + k, sentence_hashes(text))
        bp = self.frequency.boilerplate
        changed = self._read_again(i for i in earlier if i < base)  # those of this batch are not added yet
        if self._texts is not None:
            self._texts.update((a.id, t) for a, t in zip(fresh, texts))
        changed += self.graph.add_many([a.id for a in fresh], [vectorize(without(t, bp)) for t in texts],
                                       [published_timestamp(a.published_at) for a in fresh])
        return sorted({self.graph.ids[i] for i in changed})

    def own_text(self, articles: Sequence[Article]) -> list[bool]:
        """For each article, whether text beyond its title is left once the sentences that would be
        boilerplate after counting these articles too are taken out (nothing is counted)."""
        bodies = [title_and_body(a)[1][:MAX_CHARS] for a in articles]
        bp = self.frequency.would_be(sentence_hashes(grouping_text(a)) for a in articles)
        return [len(without(b, bp)) > OWN_TEXT_CHARS for b in bodies]

    def count_only(self, articles: Sequence[Article]) -> list[str]:
        """Count the sentences of articles another grouper takes (their boilerplate is boilerplate here
        too); the ids of the articles here whose story may have changed."""
        earlier: set[int] = set()
        for a in articles:
            if a.id not in self._seen:
                earlier |= self.frequency.add(None, sentence_hashes(grouping_text(a)))
        return sorted({self.graph.ids[i] for i in self._read_again(earlier)})

    def _read_again(self, indices) -> list[int]:
        """New vectors, without today's boilerplate, for the articles already in the graph at ``indices``."""
        again = sorted(indices)
        bp = self.frequency.boilerplate
        return self.graph.replace_many(again, [vectorize(without(self._text_of(self.graph.ids[i]), bp))
                                               for i in again])

    def stories(self) -> dict[str, str]:
        """Article id -> story id (``s-`` and the id of its first article: earliest published, then smallest id)."""
        return self.graph.stories()

    def to_bytes(self) -> bytes:
        """The whole state, as numpy arrays in one ``.npz`` (no pickle), for `from_bytes` in another process."""
        arrays = {f"graph_{k}": v for k, v in self.graph.state().items()}
        arrays.update({f"frequency_{k}": v for k, v in self.frequency.state().items()})
        arrays["made_with"] = _made_with(self.graph.cut, self.frequency.limit)
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, text_of: Callable[[str], str]) -> AverageLinkGrouper | None:
        """The grouper `to_bytes` saved; None when it was made with other parameters than a new grouper's
        (the cut, the limit, how vectors are made): a package update, say."""
        fitted = _made_with(corpus_value("avglink_cut_lead"), corpus_value("avglink_boilerplate_df"))
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            if "made_with" not in z.files or not np.array_equal(z["made_with"], fitted):
                return None
            graph = {k[len("graph_"):]: z[k] for k in z.files if k.startswith("graph_")}
            frequency = {k[len("frequency_"):]: z[k] for k in z.files if k.startswith("frequency_")}
        grouper = cls(text_of=text_of)
        grouper.graph = AverageLinkGraph.from_state(graph)
        grouper.frequency = SentenceFrequency.from_state(frequency)
        grouper._seen = set(grouper.graph.ids)
        return grouper


def _made_with(cut: float, limit: float) -> np.ndarray:
    """What a saved state depends on besides the articles: the cut, the limit and how vectors are made."""
    return np.array([cut, limit, lexical.MAX_TERMS,
                     MAX_CHARS, lexical.HASH_BITS, default_idf().docs, MAX_GAP_DAYS], dtype=np.float64)


def group_by_average_link(articles: Sequence[Article], cut: float | None = None,
                          batch: int = 512, boilerplate_df: int | None = None) -> dict[str, str]:
    """Article id -> story id (``s-`` and the id of its first article: earliest published, then smallest id), from scratch.

    The result depends on the set of articles only, not on their order (nor on ``batch``)."""
    grouper = AverageLinkGrouper(cut, boilerplate_df)
    todo = list(articles)
    for lo in range(0, len(todo), batch):
        grouper.add_many(todo[lo:lo + batch])
    return grouper.stories()


def event_groups(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> event id for the ``articles`` with text beyond their title, by
    `group_by_average_link` with the corpus path's fitted cut; headlines alone get none (no cut groups them).

    compare joins its stories by these (`storytrace.compare.grouping.joined_by_event`), so that one paste is
    grouped by the rule `storytrace ingest` applies to a corpus."""
    return group_by_average_link([a for a in articles if has_lead_text(a)])


__all__ = ["MAX_GAP_DAYS", "AverageLinkGrouper", "event_groups", "group_by_average_link", "grouping_text", "is_lexical_corpus", "lexical_text"]
