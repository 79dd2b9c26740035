"""Average-link story grouping with the shipped IDF and fitted cuts, on the example story sets."""

from __future__ import annotations

import json
import random

import pytest

from storytrace.corpus.lexicalgrouping import group_by_average_link, is_lexical_corpus, lexical_text
from storytrace.model import Article
from storytrace.readers.records import read_articles
from tests.helpers import EXAMPLES, REPO

DEV = REPO / "bench" / "stories" / "dev"


def _set(folder):
    arts = read_articles(sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".html")))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    stories = [set(s["articles"]) for s in gold["stories"]] + [{d} for d in gold["distractors"]]
    return arts, stories


@pytest.fixture(scope="module")
def corpus():
    arts, stories = [], []
    for folder in (EXAMPLES, DEV):
        a, s = _set(folder)
        arts += a
        stories += s
    return arts, stories


def _partition(mapping: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for aid, sid in mapping.items():
        groups.setdefault(sid, set()).add(aid)
    return sorted(groups.values(), key=sorted)


def test_versions_summaries_and_blends_join_their_source(corpus):
    arts, stories = corpus
    found = group_by_average_link(arts)
    for members in stories:
        assert len({found[m] for m in members}) == 1, sorted(members)
    # distinct stories stay apart (the distractors, same places and people, another event, do not yet:
    # docs/benchmarks_corpus.md)
    versions = [s for s in stories if len(s) > 1]
    assert len({found[sorted(s)[0]] for s in versions}) == len(versions)


def test_the_grouping_does_not_depend_on_the_order_articles_come_in(corpus):
    arts, _ = corpus
    reference = group_by_average_link(arts)
    for seed, batch in [(1, 1), (2, 3)]:
        shuffled = arts[:]
        random.Random(seed).shuffle(shuffled)
        assert group_by_average_link(shuffled, batch=batch) == reference


def test_only_corpora_of_articles_with_text_are_grouped_this_way():
    heads = [Article(f"h{i}", "Rail strike ends", title="Rail strike ends") for i in range(3)]
    full = [Article(f"a{i}", "Rail strike ends\n" + "The unions accepted the offer after talks. " * 3,
                    title="Rail strike ends") for i in range(3)]
    assert not is_lexical_corpus(heads) and is_lexical_corpus(full)
    assert lexical_text(full[0]).startswith("Rail strike ends\nThe unions")  # the title once
