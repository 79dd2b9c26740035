"""compare joins independent reports of one event (the corpus path's event grouping), and only those."""

from __future__ import annotations

from storytrace.compare import compare_articles
from storytrace.compare.grouping import joined_by_event
from storytrace.model import Article, Story

# Two reports of one crane collapse, written independently (no sentence of one is a version of a sentence of
# the other), and a report on the same terminal and cranes six months later.
COLLAPSE = Article(
    id="harbour-report", published_at="2026-03-12T09:00:00Z",
    title="Crane collapse halts work at Tilbury container terminal",
    text="""Crane collapse halts work at Tilbury container terminal
A gantry crane collapsed onto a cargo ship at the Tilbury container terminal on Wednesday evening, injuring two dock workers.
The port operator said operations at berths 7 and 8 were suspended while engineers inspected the remaining cranes.
Both workers were taken to Basildon hospital with injuries that were not life-threatening, Essex Police said.
The Health and Safety Executive has opened an investigation into the collapse.""")
COLLAPSE_BUSINESS = Article(
    id="business-desk", published_at="2026-03-13T07:30:00Z",
    title="Tilbury terminal shuts two berths after gantry crane falls",
    text="""Tilbury terminal shuts two berths after gantry crane falls
Shipping lines are diverting vessels away from Tilbury after a gantry crane toppled onto a docked freighter late on Wednesday.
Analysts warned that the closure of two berths could delay container deliveries across southern England for a week.
A spokesperson for the terminal declined to estimate the cost of the damage but confirmed that safety inspectors from the HSE were on site.
Two dockers hurt in the incident are recovering in hospital.""")
NEW_CRANES = Article(
    id="later-crane", published_at="2026-09-01T10:00:00Z", title="Tilbury unveils new gantry cranes",
    text="""Tilbury unveils new gantry cranes
The Tilbury container terminal unveiled three new gantry cranes on Tuesday, part of a plan to raise capacity at its berths by a fifth.
The port operator said the cranes, built in Shanghai, would be in service by the end of the year.""")


def test_stories_holding_one_event_become_one() -> None:
    stories = [Story("story-1", ("a", "b")), Story("story-2", ("c",)), Story("story-3", ("d",))]
    joined = joined_by_event(stories, {"b": "e1", "c": "e1", "d": "e2"}, ["a", "b", "c", "d"])
    assert [s.article_ids for s in joined] == [("a", "b", "c"), ("d",)]
    assert [s.id for s in joined] == ["story-1", "story-2"]


def test_articles_without_an_event_join_nothing() -> None:
    stories = [Story("story-1", ("a",)), Story("story-2", ("b",))]
    assert [s.article_ids for s in joined_by_event(stories, {}, ["a", "b"])] == [("a",), ("b",)]


def test_independent_reports_of_one_event_are_one_story_and_a_later_event_stays_apart() -> None:
    comparison = compare_articles([NEW_CRANES, COLLAPSE_BUSINESS, COLLAPSE])
    stories = sorted(set(s.article_ids) for s in comparison.stories)
    assert stories == sorted([{"harbour-report", "business-desk"}, {"later-crane"}])
