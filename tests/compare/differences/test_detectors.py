"""The detector interface: one function per module, one `Change` type, views of one story."""

from __future__ import annotations

import pytest

from storytrace.compare.differences import DETECTORS, find_differences
from storytrace.compare.differences import coverage, numbers, polarity
from storytrace.compare.differences.change import AlignedPair, Change, StoryView
from storytrace.model import Attribution, DerivationEdge
from tests.helpers import both_ways, doc, link


def _story(*docs, links=None, derivation=()):
    return StoryView({d.id: d for d in docs}, links or {}, list(derivation))


def test_every_detector_takes_a_view_and_returns_changes():
    wire = doc("wire", ["The fire destroyed 4,200 tonnes of wheat on Tuesday."])
    copy = doc("copy", ["The fire destroyed 5,000 tonnes of wheat on Wednesday."])
    story = _story(wire, copy, links=both_ways({("wire", "copy"): [link(wire, 0, copy, 0)]}))
    for view in (story, story.looking_at(AlignedPair(wire, 0, copy, 0))):
        for detect in DETECTORS:
            found = detect(view)
            assert isinstance(found, list) and all(isinstance(c, Change) for c in found)


def test_a_pair_detector_reports_on_dst_with_article_offsets():
    wire = doc("wire", ["Crews arrived early.", "The fire destroyed 4,200 tonnes of wheat."])
    copy = doc("copy", ["The fire destroyed 5,000 tonnes of wheat."])
    story = _story(wire, copy)
    [ch] = numbers.detect(story.looking_at(AlignedPair(wire, 1, copy, 0)))
    assert (ch.kind, ch.article, ch.counterpart) == ("number_changed", "copy", "wire")
    assert copy.article.text[ch.span[0]:ch.span[1]] == "5,000 tonnes"
    assert "4,200" in wire.article.text[ch.counter_span[0]:ch.counter_span[1]]
    assert numbers.detect(story) == []  # nothing to compare without a pair in view


def test_hedges_count_between_copies_only():
    a = doc("a", ["The bridge will reopen in June."])
    b = doc("b", ["The bridge will probably reopen in June."])
    story = _story(a, b)
    close = polarity.detect(story.looking_at(AlignedPair(a, 0, b, 0, close_wording=True)))
    loose = polarity.detect(story.looking_at(AlignedPair(a, 0, b, 0, close_wording=False)))
    assert [c.kind for c in close] == ["softened"] and loose == []


def test_coverage_looks_at_the_story_as_a_whole_only():
    a = doc("a", ["The council approved the budget.", "Mayor Ann Hale praised the vote."])
    b = doc("b", ["The council approved the budget."])
    story = _story(a, b, links=both_ways({("a", "b"): [link(a, 0, b, 0)]}))
    assert coverage.detect(story.looking_at(AlignedPair(a, 0, b, 0))) == []
    [added] = coverage.detect(story)
    assert added.kind == "unsupported_addition" and added.article == "a"


def _reply(d, i, speaker, responds_to):
    s = d.sentences[i]
    start = s.start + s.text.index(speaker)
    return Attribution(d.id, i, speaker, (start, start + len(speaker)), "replied", True, responds_to)


def test_reversed_exchange_is_read_from_the_stored_attributions():
    wire = doc("wire", ["Lukashenko said there was no offensive.", "Putin replied that it had failed."])
    copy = doc("copy", ["Putin said there was no offensive.", "Lukashenko replied that it had failed."])
    wire.attributions = [_reply(wire, 1, "Putin", "Lukashenko")]
    copy.attributions = [_reply(copy, 1, "Lukashenko", "Putin")]
    links = both_ways({("wire", "copy"): [link(wire, 0, copy, 0), link(wire, 1, copy, 1)]})
    findings = find_differences({"wire": wire, "copy": copy}, links, [DerivationEdge("wire", "copy", "wholly", 0.9, "t")])
    [f] = [f for f in findings if f.kind == "speaker_changed"]
    assert f.article == "copy" and f.text == "Lukashenko" and f.counterpart.text == "Putin"
    assert "replies to" in f.explanation


def _said(d, i, speaker):
    s = d.sentences[i]
    start = s.start + s.text.index(speaker)
    return Attribution(d.id, i, speaker, (start, start + len(speaker)), "said", False, None)


def test_a_two_turn_summary_of_a_three_turn_exchange_reverses_nothing():
    # wire: Putin, then Lukashenko, then Putin replying; the copy keeps the first two turns
    wire = doc("wire", ["Putin said the offensive had failed.", "Lukashenko said there was no offensive.",
                        "Putin replied that it existed but had failed."])
    copy = doc("copy", ["Putin said the offensive had failed, to which Lukashenko replied that there was none."])
    wire.attributions = [_said(wire, 0, "Putin"), _said(wire, 1, "Lukashenko"), _reply(wire, 2, "Putin", "Lukashenko")]
    copy.attributions = [_said(copy, 0, "Putin"), _reply(copy, 0, "Lukashenko", "Putin")]
    links = both_ways({("wire", "copy"): [link(wire, 2, copy, 0)]})
    findings = find_differences({"wire": wire, "copy": copy}, links, [DerivationEdge("wire", "copy", "wholly", 0.9, "t")])
    assert [f for f in findings if f.kind == "speaker_changed"] == []
    # without the middle turn the copy's order is the wire's reversed
    wire.attributions = [_reply(wire, 2, "Putin", "Lukashenko")]
    findings = find_differences({"wire": wire, "copy": copy}, links, [DerivationEdge("wire", "copy", "wholly", 0.9, "t")])
    assert [f.kind for f in findings if f.kind == "speaker_changed"] == ["speaker_changed"]


@pytest.mark.parametrize("kind", ["verbatim", "paraphrase"])
def test_alignment_reversed_is_the_same_alignment_from_the_other_side(kind):
    a = doc("a", ["One.", "Two."])
    b = doc("b", ["Two."])
    l = link(a, 1, b, 0, kind, 0.7)
    r = l.reversed()
    assert (r.a, r.b, r.a_index, r.b_index, r.a_span, r.b_span) == ("b", "a", 0, 1, l.b_span, l.a_span)
    assert (r.kind, r.score) == (kind, 0.7) and r.reversed() == l


def test_no_omissions_in_a_summary_or_a_partly_derived_version() -> None:
    from storytrace.compare.differences import find_differences
    from storytrace.model import DerivationEdge
    from tests.helpers import both_ways, doc, link

    wire_sentences = [
        "A fire destroyed the Harlow grain depot on Tuesday night.",
        "About 4,200 tonnes of wheat were lost.",
        "Sixty firefighters fought the blaze for nine hours.",
        "Residents were told to keep their windows closed.",
        "Chief Ana Rusk said an inquiry would begin on Friday.",
        "Insurers put the damage at several million pounds.",
        "Corran Mills will pay its staff in full.",
        "The main road stays shut until Thursday.",
        "Bakeries across the region expect bread shortages.",
    ]
    wire, copy, other = doc("wire", wire_sentences), doc("copy", wire_sentences[:8]), doc("other", wire_sentences)
    pairs = {("wire", "copy"): [link(wire, k, copy, k, "verbatim") for k in range(8)],
             ("wire", "other"): [link(wire, k, other, k, "verbatim") for k in range(9)],
             ("copy", "other"): [link(copy, k, other, k, "verbatim") for k in range(8)]}
    links = both_ways(pairs)
    docs = {"wire": wire, "copy": copy, "other": other}

    def omissions(level: str) -> list:
        edges = [DerivationEdge("wire", "copy", level, 0.9, "t"), DerivationEdge("wire", "other", "wholly", 0.9, "t")]
        return [f for f in find_differences(docs, links, edges) if f.kind == "omission" and f.article == "copy"]

    assert len(omissions("wholly")) == 1  # the copy drops the last sentence the other version keeps
    assert omissions("partially") == []  # a blend or a summary leaves out by design
