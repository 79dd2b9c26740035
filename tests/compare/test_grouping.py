"""Compare's story grouping: linkage, and short excerpts or summaries joining their source."""

from __future__ import annotations

from storytrace.compare.grouping import (
    EXCERPT_RATIO,
    excerpt_features,
    excerpt_probability,
    group_stories,
    is_excerpt_pair,
    published_close,
)
from storytrace.fitted import table
from tests.helpers import FIRE_WIRE as WIRE
from tests.helpers import doc

CUT = float(table()["version_model"]["cut"])
HI, LO = min(0.99, CUT + 0.3), max(0.01, CUT - 0.4)


def test_two_versions_of_one_source_join_even_when_they_share_nothing() -> None:
    # a summary and a blend each drawn from the wire, taking different parts of it
    prob = {("wire", "summary"): HI, ("wire", "blend"): HI, ("summary", "blend"): LO}
    stories = group_stories(["wire", "summary", "blend"], prob)
    assert [set(s.article_ids) for s in stories] == [{"wire", "summary", "blend"}]


def test_a_distractor_close_to_no_version_stays_apart() -> None:
    prob = {("wire", "copy"): HI, ("wire", "other"): LO, ("copy", "other"): LO}
    stories = group_stories(["wire", "copy", "other"], prob)
    assert sorted(map(set, (s.article_ids for s in stories)), key=len) == [{"other"}, {"wire", "copy"}]


def test_one_close_pair_does_not_pull_a_whole_group() -> None:
    # "other" is just over the cut with one member only (less close than the versions are to each
    # other); the three other members are far from it
    members = ["a", "b", "c", "d"]
    prob = {(x, y): HI for i, x in enumerate(members) for y in members[i + 1:]}
    prob.update({("a", "other"): CUT + 0.05, ("b", "other"): LO, ("c", "other"): LO, ("d", "other"): LO})
    stories = group_stories(members + ["other"], prob)
    assert {"other"} in [set(s.article_ids) for s in stories]




def test_a_summary_is_an_excerpt_pair_and_contained() -> None:
    wire = doc("wire", WIRE)
    summary = doc("summary", ["A fire destroyed the Harlow grain depot, owned by Corran Mills, on Tuesday; "
                              "4,200 tonnes of wheat were lost."])
    assert is_excerpt_pair(wire, summary) and is_excerpt_pair(summary, wire)
    f = excerpt_features(summary.article.text, wire.article.text)
    assert f.word_containment > 0.8 and f.number_containment == 1.0
    assert excerpt_probability(summary, wire) >= CUT


def test_a_short_text_about_something_else_is_not_drawn_from_it() -> None:
    wire = doc("wire", WIRE)
    other = doc("other", ["Voters in Penmoor backed a new swimming pool in a referendum on Sunday, "
                          "with turnout of 38 percent."])
    f = excerpt_features(other.article.text, wire.article.text)
    assert f.word_containment < 0.3
    assert excerpt_probability(other, wire) < CUT


def test_texts_of_similar_length_are_left_to_the_versions_model() -> None:
    a = doc("a", WIRE)
    b = doc("b", WIRE[: int(len(WIRE) * EXCERPT_RATIO) + 4])
    assert not is_excerpt_pair(a, b)


def test_an_excerpt_is_judged_only_within_days_of_its_source() -> None:
    wire = doc("wire", WIRE, "2026-05-17T08:20:00Z")
    assert published_close(wire, doc("summary", WIRE[:1], "2026-05-18T10:00:00Z"))
    assert published_close(wire, doc("untimed", WIRE[:1]))  # no time: no bound
    # a report six months earlier, sharing the wire's names and background, is not its summary
    assert not published_close(wire, doc("study", WIRE[:1], "2025-11-04T09:15:00Z"))
