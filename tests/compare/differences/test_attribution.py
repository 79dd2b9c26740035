"""attribution_changed (differences/attribution.py): the conduit of a claim, on hand-written sentences."""

from __future__ import annotations

import pytest

from storytrace.compare.differences import attribution
from storytrace.compare.differences.attribution import compare_conduits, conduits
from storytrace.compare.differences.change import AlignedPair, StoryView
from storytrace.compare.segment import segment
from storytrace.model import Article


def _seg(aid: str, text: str):
    return segment(Article(aid, text))


def _detect(a: str, b: str, close: bool = True, i: int = 0, j: int = 0):
    src, dst = _seg("src", a), _seg("dst", b)
    view = StoryView({"src": src, "dst": dst}, {}, [])
    return src, dst, attribution.detect(view.looking_at(AlignedPair(src, i, dst, j, close_wording=close)))


def _text(d, span):
    return d.article.text[span[0]:span[1]]


# ------------------------------------------------------------------ extraction


@pytest.mark.parametrize("sentence, kind, frame, key, span_text", [
    ("The pier will close, Dana Whitcombe told the Harbour Courier.", "outlet", "told", "harbour courier",
     "told the Harbour Courier"),
    ("He told Reuters the talks had failed.", "outlet", "told", "reuters", "told Reuters"),
    ("The pier will close, according to the Daily Beacon.", "outlet", "according to", "daily beacon",
     "according to the Daily Beacon"),
    ("The Morning Herald reported that the pier would close.", "outlet", "reported", "morning herald",
     "The Morning Herald reported"),
    ("The Beacon newspaper reported that the pier would close.", "outlet", "reported", "beacon",
     "The Beacon newspaper reported"),
    ("The pier will close, state television reported.", "outlet", "reported", "medium:television",
     "state television reported"),
    ("In an interview with the Evening Clarion, she said the pier would close.", "outlet", "interview",
     "evening clarion", "In an interview with the Evening Clarion"),
    ("The harbour master was quoted by regional news agencies as saying the pier would close.", "second_hand",
     "quoted", "medium:news agency", "was quoted by regional news agencies as saying"),
    ("Regional news agencies quoted her as saying the pier would close.", "second_hand", "quoted",
     "medium:news agency", "Regional news agencies quoted her as saying"),
    ("A radio station close to him paraphrased him as suggesting the pier would close.", "second_hand",
     "paraphrased", None, "A radio station close to him paraphrased him as suggesting"),
    ("A channel linked to him paraphrased him as suggesting the pier would close.", "second_hand",
     "paraphrased", "medium:channel", "A channel linked to him paraphrased him as suggesting"),
    ("Local media quoted Dana Whitcombe, the harbour master, as saying the pier would close.", "second_hand",
     "quoted", "medium:media", "Local media quoted Dana Whitcombe, the harbour master, as saying"),
    ("The harbour master claimed the pier was unsafe.", "distancing", "claimed", None, "claimed"),
])
def test_conduits(sentence, kind, frame, key, span_text):
    [c] = conduits(sentence)
    assert (c.kind, c.frame) == (kind, frame)
    if key is not None:
        assert c.key == key
    assert sentence[c.span[0]:c.span[1]] == span_text


@pytest.mark.parametrize("sentence", [
    "He told reporters the talks had failed.",
    "He told the Senate the talks had failed.",  # an audience
    "Macron told the Ukrainian President that the talks had failed.",  # a person
    "Royal Mail reported a loss of 40 million pounds.",  # a company's own report
    "The Post Office reported that sales fell.",  # no outlet word: "Post" alone is not enough
    "Achterberg told the court that the fire was an accident.",  # lower case: an audience, not an outlet
    "She told Lindqvist the plan was off.",  # a person is an addressee
    "According to police, the driver was 64.",  # the source itself, not a conduit
    "The harbour master said the pier would close.",
    "Pellacott told a press conference that the packs would be replaced.",  # an event, not an outlet
    "She told a news briefing in Hollins Ford that stock had arrived.",
])
def test_not_conduits(sentence):
    assert conduits(sentence) == []


def test_outlets_inside_quotes_are_not_conduits():
    s = '"I told the Daily Beacon everything," she said.'
    assert conduits(s, [(1, s.index(',"'))]) == []


# ------------------------------------------------------------------ comparison, on aligned pairs


def test_given_to_another_outlet():
    src, dst, [ch] = _detect('"We need the road back by spring," Dana Whitcombe told the Harbour Courier.',
                             '"We need the road back by spring," Dana Whitcombe told the Evening Clarion.')
    assert (ch.kind, ch.severity, ch.article) == ("attribution_changed", "medium", "dst")
    assert _text(dst, ch.span) == "told the Evening Clarion"
    assert _text(src, ch.counter_span) == "told the Harbour Courier"
    assert ch.explanation == ("The other version attributes this to the Harbour Courier; "
                              "this one to the Evening Clarion.")


def test_a_second_hand_report_presented_as_the_speakers_own_statement():
    src, dst, [ch] = _detect(
        "Mining chief Oskar Brandvold was quoted by regional news agencies as saying the mine would reopen.",
        "Mining chief Oskar Brandvold said the mine would reopen.")
    assert (ch.kind, ch.severity) == ("attribution_changed", "medium")
    assert _text(dst, ch.span) == "Oskar Brandvold said"
    assert _text(src, ch.counter_span) == "was quoted by regional news agencies as saying"
    assert ch.explanation == ("The other version says regional news agencies quoted Oskar Brandvold; "
                              "this one presents it as Oskar Brandvold's own statement.")


def test_a_channel_paraphrase_presented_as_a_statement():
    ch = compare_conduits("A radio station close to him paraphrased him as suggesting the pier would close.",
                          "He said the pier would close.", speaker="Tomas Veit")
    assert ch is not None and ch.a is not None and ch.b is None
    assert ch.explanation == ("The other version says a radio station close to him paraphrased Tomas Veit; "
                              "this one presents it as Tomas Veit's own statement.")


def test_an_outlet_dropped_from_an_unattributed_claim():
    src, dst, [ch] = _detect("The pier will close for a month, the Daily Beacon reported.",
                             "The pier will close for a month.")
    assert ch.explanation == "The other version attributes this to the Daily Beacon; this one gives no source."
    assert _text(dst, ch.span) == "The pier will close for a month."  # no frame: the sentence


def test_a_claim_that_quotes_someone_keeps_its_outlet_as_the_source():
    # "she said" belongs to the claim the Beacon reported: dropping the Beacon leaves no source
    ch = compare_conduits("Officials learned of it after she said the ferry was sold, the Daily Beacon reported.",
                          "Officials learned of it after she said the ferry was sold.", speaker="Mira Holt")
    assert ch is not None and ch.explanation.endswith("this one gives no source.")
    assert not ch.own_statement


def test_an_outlet_told_is_dropped():
    ch = compare_conduits('"No one called us," Dana Whitcombe told the Harbour Courier.',
                          '"No one called us," Dana Whitcombe said.',
                          a_quotes=[(1, 17)], b_quotes=[(1, 17)], speaker="Dana Whitcombe")
    assert ch is not None
    assert ch.explanation == "The other version says this was told to the Harbour Courier; this one does not say to whom."


def test_an_outlet_added_that_the_other_version_never_names():
    src, dst, [ch] = _detect("Dana Whitcombe said the pier would close.",
                             "Dana Whitcombe told the Evening Clarion the pier would close.")
    assert _text(dst, ch.span) == "told the Evening Clarion"
    assert ch.explanation == "This version says this was told to the Evening Clarion; the other does not say to whom."
    # the other version names the outlet elsewhere: nothing made up
    assert compare_conduits("Dana Whitcombe said the pier would close.",
                            "Dana Whitcombe told the Evening Clarion the pier would close.",
                            a_doc_text="She spoke to the Evening Clarion. Dana Whitcombe said the pier would close.") is None


def test_a_claim_against_a_plain_statement():
    src, dst, [ch] = _detect("Mayor Tessa Quill claimed the audit was flawed.",
                             "Mayor Tessa Quill said the audit was flawed.")
    assert ch.explanation == ("The other version reports this as something Tessa Quill claimed; "
                              "this one as a plain statement.")
    assert _text(src, ch.counter_span) == "claimed"
    assert _text(dst, ch.span) == "Tessa Quill said"
    # between loose paraphrases, verbs of saying vary too much to read
    assert _detect("Mayor Tessa Quill claimed the audit was flawed.",
                   "Mayor Tessa Quill said the audit was flawed.", close=False)[2] == []
    # nor when it is not known that the same person speaks
    assert _detect("The harbour master claimed the audit was flawed.",
                   "The harbour master said the audit was flawed.")[2] == []
    assert _detect("Mayor Tessa Quill claimed the audit was flawed.",
                   "Councillor Ruth Adeyemi said the audit was flawed.")[2] == []


def test_two_different_claims_are_not_compared():
    # aligned, but not the same claim: the sourcing of one says nothing of the other
    assert compare_conduits("Dana Whitcombe told the Harbour Courier that she had not seen the report.",
                            "Dana Whitcombe said she was happy with the new ferry timetable.") is None


@pytest.mark.parametrize("a, b", [
    # the same conduit
    ("The pier will close, Dana Whitcombe told the Harbour Courier.",
     "The pier is to close, Dana Whitcombe told the Harbour Courier."),
    # an audience is not a conduit
    ("The pier will close, Dana Whitcombe told reporters.", "The pier will close, Dana Whitcombe said."),
    # unnamed media on both sides: compared by kind
    ("Local news agencies quoted him as saying the pier would close.",
     "Regional news agencies quoted him as saying the pier would close."),
    # still second hand, in words not read as a frame
    ("The harbour master was quoted by local media as saying the pier would close.",
     "The harbour master reportedly said the pier would close."),
    # nothing about sourcing
    ("The harbour master said the pier would close.", "The harbour master said the pier will close."),
])
def test_not_a_sourcing_change(a, b):
    assert _detect(a, b)[2] == []


def test_an_outlet_moved_into_the_next_sentence_is_kept():
    src = _seg("src", "Dana Whitcombe said, according to the Daily Beacon, that the pier would close.")
    dst = _seg("dst", "Dana Whitcombe said the pier would close. The Daily Beacon first carried her remarks.")
    view = StoryView({"src": src, "dst": dst}, {}, [])
    assert attribution.detect(view.looking_at(AlignedPair(src, 0, dst, 0))) == []


def test_a_loose_paraphrase_of_another_speaker_is_not_compared():
    assert _detect("Mining chief Oskar Brandvold was quoted by local media as saying the mine would reopen.",
                   "Union leader Greta Falk said the mine would reopen.", close=False)[2] == []


def test_a_loose_paraphrase_without_a_speech_verb_is_not_compared():
    assert _detect("Mining chief Oskar Brandvold was quoted by local media as saying the mine would reopen.",
                   "The mine will reopen.", close=False)[2] == []
    # between copies it is: the claim lost how it is known
    [ch] = _detect("Mining chief Oskar Brandvold was quoted by local media as saying the mine would reopen.",
                   "The mine would reopen.")[2]
    assert ch.explanation.endswith("this one does not say how it is known.")


def test_a_claim_whose_claimant_is_unknown():
    ch = compare_conduits("The audit, the filing alleged, was flawed from the start.",
                          "The audit, the filing said, was flawed from the start.")
    assert ch is not None
    assert ch.explanation == "The other version reports this as something someone alleged; this one as a plain statement."


def test_two_words_in_common_are_not_the_same_claim():
    # the shorter sentence has four content words; sharing two of them is not enough
    assert compare_conduits("Dana Whitcombe told the Harbour Courier she had not seen the documentary yet.",
                            "Dana Whitcombe said the documentary was really long and badly made.") is None


def test_an_outlet_of_another_statement_in_the_sentence_is_not_dropped():
    # two statements in one sentence; the copy keeps the second, which was never told to the Courier
    a = ('Dana Whitcombe told the Harbour Courier that she had not read the report, '
         '"and the ferry timetable is a disgrace to this town," Whitcombe said.')
    b = '"The ferry timetable is a disgrace to this town," Whitcombe said.'
    quote_a = (a.index('"and') + 1, a.index(',"'))
    assert compare_conduits(a, b, a_quotes=[quote_a], b_quotes=[(1, b.index(',"'))]) is None


def test_a_merged_sentence_is_compared_through_the_speaker_it_shares():
    # the copy merges two statements; the second is the wire's second-hand report, now his own words
    src, dst, found = _detect(
        '"There is no such offensive," regional news agencies quoted Mayor Ilse Brandt as saying.',
        "Governor Piet Roos said the offensive had stalled, to which Mayor Ilse Brandt replied that "
        "there was no such offensive at all.", close=False)
    [ch] = found
    assert ch.kind == "attribution_changed" and "own statement" in ch.explanation
    assert _text(dst, ch.span) == "Ilse Brandt replied"
    # with no speaker in common the two are other statements
    src, dst, found = _detect(
        '"There is no such offensive," regional news agencies quoted Mayor Ilse Brandt as saying.',
        "Governor Piet Roos said there was no such offensive at all.", close=False)
    assert found == []
