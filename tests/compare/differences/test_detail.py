"""detail_dropped and figure_vaguer (differences/detail.py), and the vague case moved out of numbers."""

from __future__ import annotations

import pytest

from storytrace.compare.differences import detail, find_differences, numbers
from storytrace.compare.differences.change import AlignedPair, StoryView
from storytrace.model import DerivationEdge
from tests.helpers import both_ways, doc, link


def _changes(src, dst, detector=detail, i=0, j=0, close=True):
    view = StoryView({src.id: src, dst.id: dst}, {}, [])
    return detector.detect(view.looking_at(AlignedPair(src, i, dst, j, close_wording=close)))


def _text(d, span):
    return d.article.text[span[0]:span[1]]


def _pair(a: str, b: str, a_pub=None, b_pub=None):
    return doc("src", [a], a_pub), doc("dst", [b], b_pub)


# ------------------------------------------------------------------ detail_dropped


def test_a_claim_that_loses_its_date():
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "The harbour board approved the sale of the old depot.")
    [ch] = _changes(src, dst)
    assert (ch.kind, ch.severity, ch.article, ch.counterpart) == ("detail_dropped", "medium", "dst", "src")
    assert _text(dst, ch.span) == "The harbour board approved the sale of the old depot"
    assert _text(src, ch.counter_span) == "9 June"
    assert ch.explanation == "The other version dates this to 9 June; this one leaves the date out."


def test_a_year_dropped_after_the_figure():
    src, dst = _pair("The ferry operator lost 12 million euros in 2024.", "The ferry operator lost 12 million euros.")
    [ch] = _changes(src, dst)
    assert ch.kind == "detail_dropped" and _text(src, ch.counter_span) == "2024"
    assert "ferry operator lost" in _text(dst, ch.span)


def test_a_weekday_that_resolves_to_the_same_day_keeps_the_date():
    # 9 June 2026 is a Tuesday; the copy was published on Wednesday 10 June
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "On Tuesday the harbour board approved the sale of the old depot.",
                     "2026-06-09T18:00:00Z", "2026-06-10T07:00:00Z")
    assert _changes(src, dst) == []


def test_yesterday_resolves_against_the_publication_date():
    src, dst = _pair("The harbour board approved the sale of the old depot on Tuesday.",
                     "The harbour board yesterday approved the sale of the old depot.",
                     "2026-06-09T18:00:00Z", "2026-06-10T07:00:00Z")
    assert _changes(src, dst) == []


def test_a_coarser_date_still_dates_the_claim():
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "In June the harbour board approved the sale of the old depot.")
    assert _changes(src, dst) == []


@pytest.mark.parametrize("a, b", [
    # the date of the statement, not of what was said
    ("The harbour board said on Monday it would sell the old depot.", "The harbour board said it would sell the old depot."),
    ("The harbour board on Monday said it would sell the old depot.", "The harbour board said it would sell the old depot."),
    # the date went with its clause
    ("The old depot, which closed in 2019, will be sold to a developer.", "The old depot will be sold to a developer."),
    # the words the date belonged to went with it
    ("The board approved the sale and the depot shut in 2019.", "The board approved the sale and the depot was emptied."),
    # a different date is a date_changed, reported by dates
    ("On 9 June the harbour board approved the sale of the depot.", "On 19 June the harbour board approved the sale of the depot."),
    # nothing dropped
    ("On 9 June the harbour board approved the sale.", "On 9 June the harbour board approved the sale."),
])
def test_not_a_dropped_detail(a, b):
    src, dst = _pair(a, b)
    assert _changes(src, dst) == []


def test_a_date_moved_into_the_next_sentence_is_kept():
    src = doc("src", ["On 9 June the harbour board approved the sale of the old depot."])
    dst = doc("dst", ["The harbour board approved the sale of the old depot.", "The vote was held on 9 June."])
    assert _changes(src, dst) == []


def test_a_date_inside_a_quote_is_left_to_the_quote():
    src = doc("src", ['"On 9 June the harbour board approved the sale of the old depot," she said.'])
    dst = doc("dst", ['"The harbour board approved the sale of the old depot," she said.'])
    from storytrace.model import Quote
    s = src.article.text
    src.quotes = [Quote("src", 0, 1, s.index('," she'), s[1:s.index('," she')])]
    assert _changes(src, dst) == []


def test_a_loose_paraphrase_that_loses_its_date_is_low():
    # a loose paraphrase drops and moves details all the time: shown, never an alarm
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "The harbour board approved the sale of the old depot.")
    [ch] = _changes(src, dst, close=False)
    assert (ch.kind, ch.severity) == ("detail_dropped", "low")


def test_a_loose_paraphrase_that_rewrites_the_dated_clause_drops_no_date():
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "Councillors backed plans for the derelict site near the ferry terminal.")
    assert _changes(src, dst, close=False) == []


# ------------------------------------------------------------------ figure_vaguer


def test_an_exact_figure_made_vague():
    src, dst = _pair("The shipyard will cut 2,400 jobs, most of them in welding.",
                     "The shipyard will cut thousands of jobs, most of them in welding.")
    [ch] = _changes(src, dst)
    assert (ch.kind, ch.severity) == ("figure_vaguer", "medium")
    assert _text(dst, ch.span) == "thousands" and _text(src, ch.counter_span) == "2,400 jobs"
    assert ch.explanation == 'The other version gives a figure, "2,400 jobs"; this one only says "thousands".'
    assert _changes(src, dst, numbers) == []  # not also a changed figure


def test_a_bounded_figure_made_vague():
    src, dst = _pair("More than 40 people were treated in hospital.", "Dozens of people were treated in hospital.")
    [ch] = _changes(src, dst)
    assert (ch.kind, ch.severity) == ("figure_vaguer", "medium")
    assert _text(dst, ch.span) == "Dozens"


def test_a_vague_phrase_that_cannot_stand_for_the_figure_is_a_changed_figure():
    src, dst = _pair("4,200 people were evacuated from the valley.", "Dozens of people were evacuated from the valley.")
    assert _changes(src, dst) == []
    [ch] = _changes(src, dst, numbers)
    assert (ch.kind, ch.severity) == ("number_changed", "high")
    assert "cannot stand for that figure" in ch.explanation


def test_a_vague_phrase_elsewhere_in_the_sentence_is_only_a_guess():
    src, dst = _pair("Officials counted 2,400 ballots before noon.", "Officials said many voters turned up before noon.")
    [ch] = _changes(src, dst)
    assert (ch.kind, ch.severity) == ("figure_vaguer", "low")
    assert _changes(src, dst, close=False) == []


def test_equal_amounts_in_another_notation_are_nothing():
    for a, b in [("The council set aside 1.5 million euros.", "The council set aside 1,500,000 euros."),
                 ("The talks lasted 72 hours.", "The talks lasted three days.")]:
        src, dst = _pair(a, b)
        assert _changes(src, dst) == [] and _changes(src, dst, numbers) == []


def test_figure_vaguer_reaches_the_findings():
    wire = doc("wire", ["The shipyard will cut 2,400 jobs, most of them in welding."])
    copy = doc("copy", ["The shipyard will cut thousands of jobs, most of them in welding."])
    links = both_ways({("wire", "copy"): [link(wire, 0, copy, 0)]})
    findings = find_differences({"wire": wire, "copy": copy}, links, [DerivationEdge("wire", "copy", "wholly", 0.9, "t")])
    assert [(f.kind, f.severity, f.text) for f in findings] == [("figure_vaguer", "medium", "thousands")]


def test_a_date_that_cannot_be_compared_is_not_called_dropped():
    # without publication dates, "on Tuesday" may well be 9 June
    src, dst = _pair("On 9 June the harbour board approved the sale of the old depot.",
                     "On Tuesday the harbour board approved the sale of the old depot.")
    assert _changes(src, dst) == []


def test_figures_of_a_related_counterpart_must_stand_in_the_same_place():
    src, dst = _pair("The ferry operator lost 12 million euros last year, after a profit of 3 million euros.",
                     "The operator will also sell its harbour office, valued at about 5 million euros.")
    view = StoryView({src.id: src, dst.id: dst}, {}, [])
    related = AlignedPair(src, 0, dst, 0, close_wording=False, kind="related")
    assert numbers.detect(view.looking_at(related)) == []
    # the same pair read as a paraphrase is compared figure by figure, as before
    assert numbers.detect(view.looking_at(AlignedPair(src, 0, dst, 0, close_wording=False, kind="paraphrase")))
    # a figure changed in place is reported whatever the link
    src, dst = _pair("The ferry operator lost 12 million euros last year.", "The operator lost 21 million euros last year.")
    [ch] = numbers.detect(StoryView({src.id: src, dst.id: dst}, {}, []).looking_at(
        AlignedPair(src, 0, dst, 0, close_wording=False, kind="related")))
    assert (ch.kind, ch.severity) == ("number_changed", "high")


def test_a_share_made_vague_stands_in_the_same_slot_in_other_words():
    src, dst = _pair("The rebels hold more than a third of the province after two years of fighting.",
                     "The rebels now control a large part of the region.")
    [ch] = _changes(src, dst, close=False)  # a loose paraphrase: the share of something is the evidence
    assert (ch.kind, ch.severity) == ("figure_vaguer", "medium")
    assert _text(dst, ch.span) == "a large part" and _text(src, ch.counter_span) == "more than a third"
    # a count is no share: "a large part" cannot stand where "300 fighters" stood
    src, dst = _pair("The rebels sent more than 300 fighters to the province.",
                     "The rebels now control a large part of the region.")
    assert [c.severity for c in _changes(src, dst)] in ([], ["low"]) and _changes(src, dst, close=False) == []
