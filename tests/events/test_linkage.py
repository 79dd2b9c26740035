"""Average-link clusters kept incrementally (events/linkage.py): order, chaining, story ids."""

from __future__ import annotations

import random

import numpy as np
import pytest

from storytrace.events.lexical import SparseVector
from storytrace.events.linkage import AverageLinkGraph


def _vec(weights: dict[int, float]) -> SparseVector:
    idx = np.asarray(sorted(weights), dtype=np.int64)
    val = np.asarray([weights[i] for i in idx], dtype=np.float64)
    return SparseVector(idx, (val / np.linalg.norm(val)).astype(np.float32))


def _corpus(seed: int = 0, stories: int = 12, per: int = 6) -> dict[str, SparseVector]:
    """Articles of a few stories: each draws most of its buckets from its story's vocabulary."""
    rng = random.Random(seed)
    out = {}
    for s in range(stories):
        vocab = list(range(s * 20, s * 20 + 20))
        for k in range(per):
            words = rng.sample(vocab, 12) + rng.sample(range(10_000, 10_400), 4)  # some shared noise
            out[f"a{s:02d}-{k}"] = _vec({w: rng.uniform(0.5, 1.5) for w in words})
    return out


def _group(items: list[tuple[str, SparseVector]], cut: float, batch: int) -> dict[str, str]:
    g = AverageLinkGraph(cut)
    for lo in range(0, len(items), batch):
        chunk = items[lo:lo + batch]
        g.add_many([i for i, _ in chunk], [v for _, v in chunk])
    return g.stories()


@pytest.mark.parametrize("cut", [0.1, 0.2, 0.35])
def test_the_clusters_do_not_depend_on_order_or_batches(cut):
    items = list(_corpus().items())
    reference = _group(items, cut, batch=len(items))
    for seed, batch in [(1, 1), (2, 7), (3, 50)]:
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert _group(shuffled, cut, batch) == reference
    assert len(set(reference.values())) > 1  # not one blob: the test could fail


def test_stories_are_recovered_and_named_by_their_smallest_article_id():
    items = list(_corpus().items())
    random.Random(4).shuffle(items)
    stories = _group(items, 0.2, batch=5)
    for aid, sid in stories.items():
        mates = sorted(a for a, s in stories.items() if s == sid)
        assert sid == f"s-{mates[0]}"
        assert {m[:3] for m in mates} == {aid[:3]}  # no two stories merged
    assert len(set(stories.values())) == 12


def test_average_link_does_not_chain_through_one_close_pair():
    # a ~ b and b ~ c closely, a and c share nothing: single link would make one story of three
    a = _vec({1: 1.0, 2: 1.0, 3: 1.0})
    b = _vec({1: 1.0, 2: 1.0, 3: 1.0, 7: 1.0, 8: 1.0, 9: 1.0})
    c = _vec({7: 1.0, 8: 1.0, 9: 1.0})
    for order in ([("a", a), ("b", b), ("c", c)], [("c", c), ("a", a), ("b", b)]):
        stories = _group(order, cut=0.5, batch=1)
        assert len(set(stories.values())) == 2
        assert stories["b"] in (stories["a"], stories["c"]) and stories["a"] != stories["c"]


def test_add_reports_the_articles_whose_story_may_have_changed():
    g = AverageLinkGraph(0.5)
    assert g.add("x", _vec({1: 1.0})) == [0]
    assert g.add("y", _vec({5: 1.0})) == [1]  # nothing in common: alone
    assert sorted(g.add("w", _vec({1: 1.0, 2: 0.2}))) == [0, 2]
    assert g.stories() == {"x": "s-w", "y": "s-y", "w": "s-w"}


def test_replacing_vectors_gives_the_clusters_of_the_new_vectors():
    items = list(_corpus(seed=5).items())
    rng = random.Random(6)
    # a shared block of buckets pulls every article of stories 0-5 into one blob
    blob = {aid: _vec({**{int(b): 1.0 for b in v.index}, **{50_000 + k: 3.0 for k in range(30)}})
            for aid, v in items if int(aid[1:3]) < 6}
    start = [(aid, blob.get(aid, v)) for aid, v in items]
    g = AverageLinkGraph(0.2)
    g.add_many([a for a, _ in start], [v for _, v in start])
    assert len({g.stories()[a] for a in blob}) == 1  # the block made one story of six
    order = list(range(len(items)))
    rng.shuffle(order)
    for lo in range(0, len(order), 7):  # the block taken out again, a few articles at a time
        chunk = [i for i in order[lo:lo + 7] if items[i][0] in blob]
        g.replace_many(chunk, [items[i][1] for i in chunk])
    assert g.stories() == _group(items, 0.2, batch=len(items))
