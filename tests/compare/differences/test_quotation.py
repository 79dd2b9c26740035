"""quotation_changed and statement speakers (differences/quotes.py), on hand-written sentences."""

from __future__ import annotations

import pytest

from storytrace.compare.differences import quotes
from storytrace.compare.differences.change import AlignedPair, StoryView
from storytrace.compare.segment import segment
from storytrace.model import Article


def _detect(a: str, b: str, i: int = 0, j: int = 0):
    src, dst = segment(Article("src", a)), segment(Article("dst", b))
    view = StoryView({"src": src, "dst": dst}, {}, [])
    return src, dst, quotes.detect(view.looking_at(AlignedPair(src, i, dst, j)))


def _text(d, span):
    return d.article.text[span[0]:span[1]]


# ------------------------------------------------------------------ quotation marks added or removed


def test_reported_speech_presented_as_a_direct_quote():
    src, dst, found = _detect("Councillor Ruth Adeyemi said the repairs had taken far too long.",
                              '"The repairs have taken far too long," Councillor Ruth Adeyemi said.')
    [ch] = found
    assert (ch.kind, ch.severity) == ("quotation_changed", "high")
    assert _text(dst, ch.span) == "The repairs have taken far too long"
    assert _text(src, ch.counter_span) == src.sentences[0].text
    assert "direct quote" in ch.explanation and "reported speech" in ch.explanation
    assert not [c for c in found if c.kind == "quote_altered"]


def test_a_quote_turned_into_reported_speech():
    src, dst, found = _detect('"We will rebuild the pier before the summer season," Mayor Tessa Quill said.',
                              "Mayor Tessa Quill said the town would rebuild the pier before the summer season.")
    [ch] = found
    assert (ch.kind, ch.severity) == ("quotation_changed", "low")
    assert _text(dst, ch.span) == "rebuild the pier before the summer season"
    assert _text(src, ch.counter_span) == "We will rebuild the pier before the summer season"
    assert ch.explanation == ("The other version gives these words as a direct quote; "
                              "this one turns them into reported speech.")


def test_a_quote_kept_but_reworded_is_an_altered_quote_not_a_quotation_change():
    _, _, found = _detect('"We will rebuild the pier before the summer," Mayor Tessa Quill said.',
                          '"We will rebuild the pier before the autumn," Mayor Tessa Quill said.')
    assert [(c.kind, c.severity) for c in found] == [("quote_altered", "high")]
    assert found[0].explanation == ('The quoted words differ: this version has "autumn" '
                                    'where the other version has "summer".')


@pytest.mark.parametrize("a, b, expected", [
    ('"The repairs have taken too long," she said.', '"The repairs have taken far too long," she said.',
     'The quote adds "far", which the other version does not have.'),
    ('"The repairs have taken far too long," she said.', '"The repairs have taken too long," she said.',
     'The quote leaves out "far", which the other version has.'),
])
def test_altered_quote_explanations_are_sentences(a, b, expected):
    _, _, [ch] = _detect(a, b)
    assert ch.kind == "quote_altered" and ch.explanation == expected


def test_words_the_source_quotes_in_another_sentence_are_no_paraphrase():
    src = segment(Article("src", 'Ruth Adeyemi spoke after the vote. "The repairs have taken far too long," she said.'))
    dst = segment(Article("dst", '"The repairs have taken far too long," Ruth Adeyemi said after the vote.'))
    view = StoryView({"src": src, "dst": dst}, {}, [])
    found = quotes.detect(view.looking_at(AlignedPair(src, 0, dst, 0)))
    assert not [c for c in found if c.kind == "quotation_changed"]


def test_a_quote_moved_to_a_neighbouring_sentence_is_still_quoted():
    src = segment(Article("src", '"We will rebuild the pier before the summer season," Mayor Tessa Quill said.'))
    dst = segment(Article("dst", "Mayor Tessa Quill spoke about the pier. "
                                 '"We will rebuild the pier before the summer season," she said.'))
    view = StoryView({"src": src, "dst": dst}, {}, [])
    assert quotes.detect(view.looking_at(AlignedPair(src, 0, dst, 0))) == []


def test_a_short_quote_paraphrased_is_not_recognised():
    # fewer than MIN_QUOTE_WORDS content words: too little to tell a paraphrase from a coincidence
    _, _, found = _detect('The mayor called the plan "a disgrace".', "The mayor said the plan was a disgrace.")
    assert found == []


# ------------------------------------------------------------------ a person's statement given to an institution


def test_an_officials_statement_given_to_the_ministry():
    src, dst, [ch] = _detect("Transport Minister Elena Sorvik said the rail line would reopen in May.",
                             "The transport ministry said the rail line would reopen in May.")
    assert (ch.kind, ch.severity) == ("speaker_changed", "high")
    assert _text(dst, ch.span) == "The transport ministry"
    assert _text(src, ch.counter_span) == "Elena Sorvik"
    assert ch.explanation == ("The other version gives this statement to Elena Sorvik; "
                              "this one to the transport ministry as an institution.")


def test_a_ministry_named_with_of_is_an_institution():
    _, dst, [ch] = _detect("Science Minister Petra Lund said the government remained committed to the programme.",
                           "The Ministry of Science said the government remained committed to the programme.")
    assert ch.kind == "speaker_changed" and _text(dst, ch.span) == "The Ministry of Science"


def test_an_institutions_statement_given_to_an_official():
    _, _, [ch] = _detect("The transport ministry said the rail line would reopen in May.",
                         "Transport Minister Elena Sorvik said the rail line would reopen in May.")
    assert ch.kind == "speaker_changed"
    assert ch.explanation.endswith("this one to Elena Sorvik in person.")


@pytest.mark.parametrize("a, b", [
    # the same speaker
    ("Transport Minister Elena Sorvik said the rail line would reopen in May.",
     "Elena Sorvik said the rail line would reopen in May."),
    # another statement
    ("Transport Minister Elena Sorvik said the rail line would reopen in May.",
     "The transport ministry said ticket prices would rise next year."),
    # two bodies
    ("The transport ministry said the rail line would reopen in May.",
     "The rail company said the rail line would reopen in May."),
])
def test_not_a_statement_speaker_change(a, b):
    _, _, found = _detect(a, b)
    assert not [c for c in found if c.kind == "speaker_changed"]


def test_a_short_attributed_quote_turned_into_reported_speech():
    src, dst, found = _detect('General Ana Ruiz said the operation was "far from a failure" but would be slow.',
                              "General Ana Ruiz believes the operation is far from a failure but warns it will be slow.")
    [ch] = [c for c in found if c.kind == "quotation_changed"]
    assert ch.severity == "low" and _text(dst, ch.span) == "far from a failure"


def test_a_quote_with_similar_letters_but_other_words_elsewhere_is_not_the_same_quote():
    # "has failed" is half alike "far from a failure" letter by letter, but shares none of its words
    src, dst, found = _detect('General Ana Ruiz said the operation was "far from a failure" but would be slow.',
                              'The minister said it "has failed". General Ana Ruiz believes the operation is far '
                              "from a failure but warns it will be slow.", j=1)
    assert [c.kind for c in found if c.kind == "quotation_changed"] == ["quotation_changed"]


def test_two_unattributed_words_in_marks_dropped_are_nothing():
    src, dst, found = _detect('The two form a "union state" with Moscow in charge.',
                              "The two form a union state with Moscow in charge.")
    assert [c for c in found if c.kind == "quotation_changed"] == []


def test_quoting_part_of_a_quote_the_other_version_has_elsewhere_is_nothing():
    # the summary quotes a stretch of the article's longer quote, in a sentence aligned with another one
    src, dst, found = _detect('Mayor Tessa Quill said the pier would be rebuilt before the summer season. '
                              '"We will rebuild the pier before the summer season, whatever it costs," she said.',
                              'Mayor Tessa Quill said the pier would be "rebuilt before the summer season".')
    assert [c for c in found if c.kind == "quotation_changed"] == []


def test_a_quote_turned_into_reported_speech_in_another_tense():
    src, dst, found = _detect('Councillor Nils Berg said the committee "either knew or should have known" about it.',
                              "Councillor Nils Berg said the committee had either known or should have known about it.")
    [ch] = [c for c in found if c.kind == "quotation_changed"]
    assert ch.severity == "low" and "known" in _text(dst, ch.span)
