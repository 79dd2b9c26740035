"""A claim's verb replaced by one of another act (differences/predicates.py), on hand-written sentences."""

from __future__ import annotations

import pytest

from storytrace.compare.differences import predicates
from storytrace.compare.differences.change import AlignedPair, StoryView
from storytrace.compare.segment import segment
from storytrace.model import Article


@pytest.mark.parametrize("a, b, old, new", [
    ("The electoral board on 8 June ordered a full recount of the vote.",
     "The electoral board on 8 June recommended a full recount of the vote.", "ordered", "recommended"),
    ("Police charged the city's former treasurer on Friday.",
     "Police questioned the city's former treasurer on Friday.", "charged", "questioned"),
    ("The council annulled the permit for the quarry last week.",
     "The council suspended the permit for the quarry last week.", "annulled", "suspended"),
    ("The director resigned from the board in March, the company said.",
     "The director was dismissed from the board in March, the company said.", "resigned", "dismissed"),
])
def test_another_act_in_a_kept_claim(a, b, old, new):
    found = predicates.changed_act(a, b)
    assert found is not None
    (a0, a1), (b0, b1), x, y = found
    assert (a[a0:a1], b[b0:b1], x, y) == (old, new, old, new)


@pytest.mark.parametrize("a, b", [
    ("The company fired the director in March.", "The company dismissed the director in March."),  # one class
    ("Prosecutors charged the treasurer on Friday.", "Prosecutors indicted the treasurer on Friday."),
    ("The board approved the plan on Monday.", "The board rejected the plan on Monday."),  # polarity's
    ("The board announced the plan on Monday.", "The board unveiled the plan on Monday."),  # not in the lexicon
    ("The board ordered a recount.", "The board recommended it."),  # the object is not kept
])
def test_no_change_of_act(a, b):
    assert predicates.changed_act(a, b) is None


def test_reported_on_the_derived_sentence_against_the_source():
    src = segment(Article("src", "The electoral board ordered a full recount of Sunday's vote."))
    dst = segment(Article("dst", "The electoral board recommended a full recount of Sunday's vote."))
    view = StoryView({"src": src, "dst": dst}, {}, []).looking_at(AlignedPair(src, 0, dst, 0))
    [ch] = predicates.detect(view)
    assert (ch.kind, ch.severity, ch.article, ch.counterpart) == ("predicate_changed", "high", "dst", "src")
    assert dst.article.text[ch.span[0]:ch.span[1]] == "recommended"
    assert src.article.text[ch.counter_span[0]:ch.counter_span[1]] == "ordered"
    assert "another act" in ch.explanation
