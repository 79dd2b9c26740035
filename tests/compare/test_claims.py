"""Claims: clauses of a sentence with exact offsets."""

from __future__ import annotations

from storytrace.compare.claims import MIN_CLAIM_WORDS, split_claims
from storytrace.model import Sentence


def _sentence(text: str, start: int = 7, heading: bool = False) -> Sentence:
    return Sentence("a", 3, start, start + len(text), text, is_heading=heading)


def _texts(text: str) -> list[str]:
    return [c.text for c in split_claims(_sentence(text))]


def test_a_compound_sentence_is_cut_at_its_connectives_with_exact_offsets() -> None:
    text = ("The mayor has not signed the budget, but the council expects a vote next week, "
            "stretching the timetable as the city tries to borrow before June.")
    s = _sentence(text)
    claims = split_claims(s)
    assert [c.text for c in claims] == [
        "The mayor has not signed the budget",
        "but the council expects a vote next week",
        "stretching the timetable as the city tries to borrow before June",
    ]
    full = " " * s.start + text
    assert all(full[c.start:c.end] == c.text and c.sentence_index == 3 for c in claims)


def test_an_opening_subordinate_clause_is_a_claim_of_its_own() -> None:
    assert _texts("Despite the mayor not signing the budget, the council will vote on it next week.") == [
        "Despite the mayor not signing the budget", "the council will vote on it next week"]


def test_a_semicolon_and_a_relative_clause_cut_but_a_list_does_not() -> None:
    assert _texts("The survey starts in April; it will sample 14 wells, which the firm chose itself.") == [
        "The survey starts in April", "it will sample 14 wells", "which the firm chose itself"]
    one = "The firm sampled wells in Ostley, Marden and Upper Hollin last summer."
    assert _texts(one) == [one]


def test_nothing_is_cut_inside_a_quotation() -> None:
    text = 'She said: "We will rebuild the depot, but it will take two years, maybe more," and left.'
    assert all('"' not in c or c.count('"') % 2 == 0 for c in _texts(text))
    assert any("but it will take two years" in c for c in _texts(text))
    assert not any(c.startswith("but it will take") for c in _texts(text))


def test_short_pieces_stay_with_their_clause_and_headings_are_whole() -> None:
    short = "Prices rose, but slowly, as expected by most economists."
    assert all(len(c.split()) >= MIN_CLAIM_WORDS for c in _texts(short))
    heading = "The council vote is delayed, but the budget talks go on"
    assert _texts(heading) != [heading]  # a sentence is cut ...
    assert [c.text for c in split_claims(_sentence(heading, heading=True))] == [heading]  # ... a heading never


def test_and_with_a_plural_subject_opens_a_clause_only_when_its_verb_follows() -> None:
    assert _texts("It will write to every affected customer by the end of September, and customers whose "
                  "passport details were stolen will be able to apply for a free replacement.") == [
        "It will write to every affected customer by the end of September",
        "and customers whose passport details were stolen will be able to apply for a free replacement",
    ]
    # a list of noun phrases: no verb of its own
    assert len(_texts("At least 37 homes were destroyed in Tallow Cross, and farm buildings in Hensley.")) == 1
