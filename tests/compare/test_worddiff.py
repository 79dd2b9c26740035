"""Word-level changes of aligned sentences, with offsets into both articles."""

from __future__ import annotations

from storytrace.compare.worddiff import word_changes
from storytrace.model import Alignment


def _texts(a: str, b: str, a_off: int = 0, b_off: int = 0):
    pa, pb = " " * a_off + a, " " * b_off + b
    return [(w.op, pa[w.a_span[0]:w.a_span[1]], pb[w.b_span[0]:w.b_span[1]])
            for w in word_changes(a, a_off, b, b_off)]


def test_replaced_deleted_and_inserted_words_with_offsets() -> None:
    a = "About 4,200 tonnes of wheat were lost in the fire on Tuesday."
    b = "Some 5,000 tonnes of wheat were lost in the huge fire."
    assert _texts(a, b, 10, 3) == [
        ("replace", "About 4,200", "Some 5,000"),
        ("insert", "", "huge"),
        ("delete", "on Tuesday", ""),
    ]


def test_identical_words_in_another_case_or_punctuation_are_no_change() -> None:
    assert word_changes("The port, he said, is closed.", 0, "the port he said is closed", 0) == ()


def test_an_insertion_at_the_start_sits_before_the_first_word() -> None:
    [w] = word_changes("the train derailed", 40, "Officials said the train derailed", 7)
    assert w.op == "insert" and w.a_span == (40, 40) and w.b_span == (7, 21)


def test_reversed_alignment_swaps_the_sides_of_its_changes() -> None:
    changes = word_changes("may affect water", 0, "will affect the water", 0)
    link = Alignment("a", "b", 0, 0, (0, 16), (0, 21), "edited", 0.9, changes)
    back = link.reversed()
    assert [w.op for w in back.word_changes] == ["replace", "delete"]
    assert back.word_changes[0].a_span == changes[0].b_span
    assert back.reversed() == link
