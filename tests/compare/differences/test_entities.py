"""One name swapped for another in aligned sentences (differences/entities.py), on hand-written sentences."""

from __future__ import annotations

from storytrace.compare.differences import entities
from storytrace.compare.differences.change import AlignedPair, StoryView
from storytrace.compare.segment import segment
from storytrace.model import Article, Entity


def test_a_capitalised_phrase_ner_read_in_part_as_something_else_is_a_name():
    # spaCy's small model reads "Harbour" of "Esk Harbour" as a nationality (NORP)
    text = "Inspectors came after a hospital pharmacist in Esk Harbour noticed the tablets."
    d = segment(Article("a", text))
    s = d.sentences[0]
    start = text.index("Harbour")
    object.__setattr__(d, "entities", [e for e in d.entities if not (e.start <= start < e.end)]
                       + [Entity("a", start, start + len("Harbour"), "Harbour", "NORP")])
    assert "Esk Harbour" in [e.text for e in entities.names_in(d, s)]


def test_a_capitalised_phrase_inside_another_entity_is_not_a_name():
    text = "The vote was held on Easter Sunday in the town."
    d = segment(Article("a", text))
    object.__setattr__(d, "entities", [Entity("a", text.index("Easter"), text.index(" in"), "Easter Sunday", "DATE")])
    assert entities.names_in(d, d.sentences[0]) == []


def test_a_place_swapped_in_a_copied_sentence():
    src = segment(Article("src", "Inspectors came after a hospital pharmacist in Esk Harbour noticed the tablets."))
    dst = segment(Article("dst", "Inspectors came after a hospital pharmacist in Wrayford noticed the tablets."))
    view = StoryView({"src": src, "dst": dst}, {}, []).looking_at(AlignedPair(src, 0, dst, 0))
    [ch] = [c for c in entities.detect(view) if c.kind == "entity_changed"]
    assert dst.article.text[ch.span[0]:ch.span[1]] == "Wrayford"
    assert src.article.text[ch.counter_span[0]:ch.counter_span[1]] == "Esk Harbour"


def test_a_loose_counterpart_that_says_other_things_gives_no_name_change():
    src = segment(Article("src", "Corrick's mayor, Otto Lindqvist, said about 2,800 people had spent Saturday night "
                                 "in the town's sports hall."))
    dst = segment(Article("dst", "In Hensley, the parish priest, Declan Moye, said about 60 volunteers with hoses "
                                 "had kept the flames away from the church."))
    view = StoryView({"src": src, "dst": dst}, {}, [])
    related = view.looking_at(AlignedPair(src, 0, dst, 0, close_wording=False, kind="related"))
    assert [c for c in entities.detect(related) if c.kind == "entity_changed"] == []
    # the same claim with another name stays a name change, however loosely it was paired
    same = segment(Article("same", "Corrick's mayor, Ada Brenner, said about 2,800 people had spent Saturday night "
                                   "in the town's sports hall."))
    view = StoryView({"src": src, "same": same}, {}, [])
    related = view.looking_at(AlignedPair(src, 0, same, 0, close_wording=False, kind="related"))
    assert [c.kind for c in entities.detect(related)] == ["entity_changed"]
