"""Names a derived version adds to a claim it took (differences/novelty.py), on hand-written stories."""

from __future__ import annotations

from storytrace.compare.differences import novelty
from storytrace.compare.differences.change import StoryView
from storytrace.compare.segment import segment
from storytrace.model import Article, DerivationEdge
from tests.helpers import both_ways, link

WIRE = ("A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known.")


def _story(copy_text: str, edge: bool = True, wire_text: str = WIRE):
    wire, copy = segment(Article("wire", wire_text)), segment(Article("copy", copy_text))
    n = min(len(wire.sentences), len(copy.sentences))
    links = both_ways({("copy", "wire"): [link(copy, k, wire, k) for k in range(n)]})
    edges = [DerivationEdge("wire", "copy", "wholly", 0.9, "t")] if edge else []
    return wire, copy, StoryView({"wire": wire, "copy": copy}, links, edges)


def test_a_person_no_version_mentions_put_into_a_copied_claim():
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost, according to Mayor Brian Oduya. "
        "Fire chief Ana Rusk said the cause was not yet known.")
    [ch] = novelty.detect(story)
    assert (ch.kind, ch.severity, ch.article, ch.counterpart) == ("unsupported_addition", "medium", "copy", "wire")
    assert copy.article.text[ch.span[0]:ch.span[1]] == "Brian Oduya"
    assert "none of them mentions" in ch.explanation


def test_names_the_other_version_has_in_any_form_are_nothing():
    # "Rusk" for "Ana Rusk", a name written elsewhere in the wire, another spelling of the same person
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost at Harlow. Fire chief Anna Rusk said the cause was not yet known.")
    assert novelty.detect(story) == []


def test_only_derived_versions_and_only_aligned_sentences():
    text = ("A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
            "About 4,200 tonnes of wheat were lost, according to Mayor Brian Oduya. "
            "Fire chief Ana Rusk said the cause was not yet known.")
    assert novelty.detect(_story(text, edge=False)[2]) == []  # no derivation: nobody departs
    wire, copy = segment(Article("wire", WIRE)), segment(Article("copy", text))
    story = StoryView({"wire": wire, "copy": copy}, both_ways({("copy", "wire"): [link(copy, 0, wire, 0)]}),
                      [DerivationEdge("wire", "copy", "wholly", 0.9, "t")])
    assert novelty.detect(story) == []  # the sentence with the name is aligned to nothing: coverage's


def test_a_name_in_another_names_place_is_left_to_entity_changed():
    wire_text = WIRE.replace("Fire chief Ana Rusk", "Fire chief Ana Rusk of Kessel County")
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Oskar Brandvold said the cause was not yet known.",
        wire_text=wire_text)
    assert novelty.detect(story) == []


def test_a_figure_no_version_gives_put_into_a_copied_claim():
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known "
        "and that 35 firefighters had fought the blaze.")
    [ch] = novelty.detect(story)
    assert (ch.kind, ch.severity, ch.counterpart) == ("unsupported_addition", "medium", "wire")
    assert copy.article.text[ch.span[0]:ch.span[1]] == "35 firefighters"
    assert "a figure none of them has" in ch.explanation


def test_figures_another_version_gives_in_any_notation_or_in_place_of_another_are_nothing():
    # the wire's figure in digits, "4.2 thousand" for "4,200", and a year: nothing new
    _, _, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4.2 thousand tonnes of wheat were lost in 2026. Fire chief Ana Rusk said the cause was not yet known.")
    assert novelty.detect(story) == []
    # a figure where the wire has another one: numbers' number_changed, not an addition
    _, _, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 5,100 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known.")
    assert novelty.detect(story) == []


def _findings(story: StoryView):
    from storytrace.compare.differences import find_differences
    return find_differences(story.docs, story.links, story.derivation)


def test_a_figure_left_to_number_changed_that_finds_no_change_is_new():
    # the copy drops the counterpart's figure ("4,200 tonnes"), but "60 lorries" counts something else:
    # numbers reports no change and the figure is the copy's own
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "Some 60 lorries were turned away from the depot, where the wheat was lost. "
        "Fire chief Ana Rusk said the cause was not yet known.")
    assert [c for c in novelty.detect(story) if "60" in copy.article.text[c.span[0]:c.span[1]]] == []
    [deferred] = [ch for ch, to, _ in novelty.deferred(story) if to == "number_changed"]
    assert "60 lorries" in copy.article.text[deferred.span[0]:deferred.span[1]]
    found = [f for f in _findings(story) if f.article == "copy"]
    assert [(f.kind, "60" in f.text) for f in found if f.kind in ("unsupported_addition", "number_changed")] == [
        ("unsupported_addition", True)]


def test_a_figure_in_another_figures_place_stays_a_number_change():
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 5,100 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known.")
    kinds = [f.kind for f in _findings(story) if f.article == "copy"]
    assert "number_changed" in kinds and "unsupported_addition" not in kinds


def test_a_name_that_may_stand_for_one_of_its_own_sort_is_never_an_addition():
    # "Kessel" (a place) where the wire names another place: a guess at a substitution, left to entities
    wire_text = WIRE.replace("grain depot on Tuesday", "grain depot at Marrow Fields on Tuesday")
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot at Kessel on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known.",
        wire_text=wire_text)
    assert [ch for ch, _, _ in novelty.deferred(story) if "Kessel" in copy.article.text[ch.span[0]:ch.span[1]]] == []


def test_a_name_whose_entity_span_overruns_is_read_up_to_its_name():
    # NER read "the Heart Rhythm Patients' Alliance take Oltavine" (dev3) as one organisation
    assert novelty._name_words("the Harlow Growers' Union take Oltavine") == "the Harlow Growers' Union"
    assert novelty._name_words("Bank of England") == "Bank of England"
    assert novelty._name_words("University of") == "University"


def test_a_quote_no_version_has_in_an_aligned_sentence_is_high():
    wire, copy, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known, "
        "\u201cand we will rebuild the depot before the harvest\u201d.")
    [ch] = [c for c in novelty.detect(story) if c.severity == "high"]
    assert (ch.kind, ch.article, ch.counterpart) == ("unsupported_addition", "copy", "wire")
    assert copy.article.text[ch.span[0]:ch.span[1]] == "and we will rebuild the depot before the harvest"


def test_a_quote_another_version_has_quoted_or_reported_is_nothing():
    wire_text = WIRE + " Rusk said the crews would rebuild the depot before the harvest."
    _, _, story = _story(
        "A fire destroyed the Harlow grain depot on Tuesday night, the county fire service said. "
        "About 4,200 tonnes of wheat were lost. Fire chief Ana Rusk said the cause was not yet known, "
        "\u201cand we will rebuild the depot before the harvest\u201d.", wire_text=wire_text)
    assert [c for c in novelty.detect(story) if c.severity == "high"] == []
