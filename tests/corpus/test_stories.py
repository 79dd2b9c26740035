"""The analysis of a stored story: which articles are compared, and the contract `storytrace story` prints."""
from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from storytrace.cli import main
from storytrace.corpus.ingest import ingest_paths
from storytrace.corpus.store import Store
from storytrace.corpus.stories import (
    StoryNotFound,
    analyse_stored_story,
    compared_members,
    earliest_first,
    load_story,
    select_story,
    story_key,
)
from storytrace.model import Article
from tests.helpers import EXAMPLES

STORY = "s-orlen-derailment-wire"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("stories") / "s.db")
    with Store.open(path) as store:
        ingest_paths(store, [EXAMPLES])
    return path


def story_json(db: str, *args: str) -> dict:
    res = CliRunner().invoke(main, ["story", STORY, "--db", db, "--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_analyse_stored_story_is_what_storytrace_story_prints(db):
    with Store.open(db, create=False) as store:
        doc = analyse_stored_story(store, STORY)
        two = analyse_stored_story(store, STORY, max_articles=2, include_text=False)
    assert doc == story_json(db)
    assert list(doc)[-1] == "corpus_story"
    cs = doc["corpus_story"]
    assert (cs["id"], cs["size"]) == (STORY, 3) and {"title", "first_seen", "last_seen"} <= set(cs)
    assert cs["compared"] == cs["articles"] == [a["id"] for a in doc["articles"]]
    # fewer compared: the earliest ones; the JSON the CLI prints with --no-text has no texts either
    assert two["corpus_story"]["compared"] == cs["articles"][:2] and two["corpus_story"]["articles"] == cs["articles"]
    assert [a["id"] for a in two["articles"]] == cs["articles"][:2] and all("text" not in a for a in two["articles"])
    assert two == story_json(db, "--max-articles", "2", "--no-text")


def test_unknown_story(db):
    with Store.open(db, create=False) as store:
        with pytest.raises(StoryNotFound):
            analyse_stored_story(store, "no-such-story")
        with pytest.raises(KeyError):  # StoryNotFound is a KeyError, as Store.story raises
            load_story(store, "no-such-story")


def test_the_compared_articles_are_the_earliest(db):
    with Store.open(db, create=False) as store:
        story = load_story(store, STORY, max_articles=2)
        members = store.story_members([STORY])[STORY]
        info, stored = store.story(STORY)
    assert [a.id for a in story.articles] == [a.id for a in stored] == [m[0] for m in members]
    assert story.compared == stored[:2]
    # the web app's counts (ids and hashes only) and the analysis agree on what was compared
    assert story.key == story_key(STORY, compared_members(members, 2))
    assert story.key != story_key(STORY, compared_members(members, 3))
    # articles in any order come out earliest first, as the store orders them
    shuffled = list(stored)
    random.Random(1).shuffle(shuffled)
    again = select_story(info.to_dict(), shuffled, 2)
    assert again.articles == stored and again.compared == story.compared and again.key == story.key
    with pytest.raises(ValueError):
        compared_members(members, 0)


def test_earliest_first_puts_undated_last_and_keeps_ties_in_order():
    arts = [Article("u1", "x"), Article("late", "x", published_at="2024-01-02T00:00:00Z"),
            Article("tie-a", "x", published_at="2024-01-01T00:00:00+00:00"), Article("u2", "x"),
            Article("tie-b", "x", published_at="2024-01-01T00:00:00Z"),
            Article("early", "x", published_at="Sun, 31 Dec 2023 23:00:00 GMT")]
    assert [a.id for a in earliest_first(arts)] == ["early", "tie-a", "tie-b", "late", "u1", "u2"]
