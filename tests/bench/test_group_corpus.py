"""The TF-IDF average-link baseline of bench.group_corpus groups by content and cuts where it is told."""

from __future__ import annotations

from bench.group_corpus import run_tfidf_avglink
from storytrace.model import Article

FLOOD = ["Floods in Arvel forced 2,000 residents from their homes as the river Tam burst its banks on Sunday.",
         "The river Tam burst its banks in Arvel on Sunday, and about 2,000 residents left their homes.",
         "Arvel residents, some 2,000 of them, fled as the Tam burst its banks in Sunday's floods."]
VOTE = ["The Ostley council voted to sell the old waterworks to a housing cooperative for 4 million.",
        "Ostley's council agreed to sell the former waterworks to a housing cooperative for 4 million."]
OTHER = ["A new bakery opened on the market square with bread baked in a wood-fired oven."]


def _arts() -> list[Article]:
    texts = FLOOD + VOTE + OTHER + [f"Filler report {k} about the weather in a distant town." for k in range(6)]
    return [Article(f"a{k}", t) for k, t in enumerate(texts)]


def test_reports_of_one_event_join_and_others_stay_apart() -> None:
    pred = run_tfidf_avglink(_arts(), 0.15)
    assert len({pred["a0"], pred["a1"], pred["a2"]}) == 1
    assert pred["a3"] == pred["a4"] != pred["a0"]
    assert pred["a5"] not in {pred["a0"], pred["a3"]}


def test_a_cut_above_every_similarity_leaves_every_article_alone() -> None:
    pred = run_tfidf_avglink(_arts(), 1.01)
    assert len(set(pred.values())) == len(_arts())
