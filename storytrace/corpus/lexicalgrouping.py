"""Story grouping by average link over hashed TF-IDF vectors: which text, which cut.

The pieces: `storytrace.corpus.lexical` (an article's vector, with the shipped
reference IDF) and `storytrace.corpus.linkage` (average-link clusters of the
cosine graph, incremental and independent of arrival order). This module
chooses the text an article is read by (its title, then its text: the first
``lexical.MAX_CHARS`` characters) and the cut, ``avglink_cut_lead``, fitted by
``python -m training.fit_lexical_grouping`` (storytrace/data/corpus_grouping.json
says on what and to which objective).

For articles with text, not for headlines alone: a headline shares one or two
words with its story mates, and no cut works (on 10,000 headlines of the UCI
train slice, BCubed F1 0.19 at 0.3, 0.06 at 0.5, while the online grouper of
`storytrace.corpus.grouping` reaches 0.70 there); `is_lexical_corpus` says
which a corpus is.
"""

from __future__ import annotations

from typing import Sequence

from storytrace.corpus.grouping import has_lead_text, title_and_body
from storytrace.corpus.lexical import SparseVector, vectorize
from storytrace.corpus.linkage import AverageLinkGraph
from storytrace.fitted import corpus_value
from storytrace.model import Article


def lexical_text(a: Article) -> str:
    """The title, then the text (without the title again when it starts with it)."""
    title, text = title_and_body(a)
    return f"{title}\n{text}" if title else text


def is_lexical_corpus(articles: Sequence[Article]) -> bool:
    """Whether most ``articles`` have text beyond their title (then average link applies)."""
    return sum(has_lead_text(a) for a in articles) * 2 >= len(articles)


def vectors(articles: Sequence[Article]) -> list[SparseVector]:
    return [vectorize(lexical_text(a)) for a in articles]


def group_by_average_link(articles: Sequence[Article], cut: float | None = None,
                          batch: int = 512) -> dict[str, str]:
    """Article id -> story id (``s-`` and the smallest article id of the story), from scratch.

    The result depends on the set of articles only, not on their order (nor on ``batch``)."""
    graph = AverageLinkGraph(cut if cut is not None else corpus_value("avglink_cut_lead"))
    seen: set[str] = set()
    todo = [a for a in articles if not (a.id in seen or seen.add(a.id))]
    for lo in range(0, len(todo), batch):
        chunk = todo[lo:lo + batch]
        graph.add_many([a.id for a in chunk], vectors(chunk))
    return graph.stories()


__all__ = ["group_by_average_link", "is_lexical_corpus", "lexical_text", "vectors"]
