import math

import pytest

from storytrace.compare.differences.numbers import compare_quantities, extract_quantities, extract_vague_phrases


def one(text):
    qs = extract_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start:q.end] == q.text
    return q


# ------------------------------------------------------------------ extraction


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("The flood displaced 4,200 families.", 4200, "family"),
        ("Inflation reached 1.5 points.", 1.5, "point"),
        ("The city has 3.2 million residents.", 3_200_000, "resident"),
        ("The bridge cost $4.5bn to build.", 4.5e9, "usd"),
        ("Unemployment hit 12% last quarter.", 12, "percent"),
        ("Turnout fell to 30 per cent.", 30, "percent"),
        ("Seventeen hikers were rescued.", 17, "hiker"),
        ("Twenty-five buses were hired.", 25, "bus"),
        ("Two hundred people marched.", 200, "person"),
        ("Five thousand runners took part.", 5000, "runner"),
        ("A dozen cars were towed.", 12, "car"),
        ("The march covered 40 km.", 40, "km"),
        ("The walkers covered 12 miles.", 12, "mile"),
        ("A 17-month siege ended.", 17, "month"),
        ("Some 900 more volunteers signed up.", 900, "volunteer"),
        ("About 2,000 Belgian fans travelled.", 2000, "fan"),
    ],
)
def test_extracts_value_and_unit(text, value, unit):
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit


@pytest.mark.parametrize(
    "text, value",
    [
        ("The rebels hold more than a sixth of the province.", 1 / 6),
        ("The rebels hold one-sixth of the province.", 1 / 6),
        ("The rebels hold a third of the province.", 1 / 3),
        ("The rebels hold two-thirds of the province.", 2 / 3),
        ("The rebels hold a quarter of the province.", 0.25),
        ("The rebels hold half the province.", 0.5),
    ],
)
def test_fractions_have_no_unit(text, value):
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.unit is None


@pytest.mark.parametrize(
    "text, qualifier, low, high",
    [
        ("The strike lasted over 17 weeks.", "over", 17, math.inf),
        ("The strike lasted more than 17 weeks.", "over", 17, math.inf),
        ("The strike lasted nearly 17 weeks.", "nearly", 15.3, 17),
        ("The strike lasted almost 17 weeks.", "nearly", 15.3, 17),
        ("The strike lasted about 17 weeks.", "about", 15.3, 18.7),
        ("The strike lasted roughly 17 weeks.", "about", 15.3, 18.7),
        ("The strike lasted at least 17 weeks.", "at_least", 17, math.inf),
        ("The strike involved up to 17 unions.", "up_to", 0, 17),
        ("The strike involved as many as 17 unions.", "up_to", 0, 17),
        ("The strike involved fewer than 17 unions.", "under", 0, 17),
        ("The strike lasted 17 weeks.", None, 17, 17),
    ],
)
def test_qualifiers_and_intervals(text, qualifier, low, high):
    q = one(text)
    assert q.qualifier == qualifier
    assert q.low == pytest.approx(low)
    assert q.high == pytest.approx(high)
    if qualifier:
        assert q.text.lower().startswith(("over", "more", "nearly", "almost", "about", "roughly",
                                          "at", "up", "as", "fewer"))


def test_ranges():
    q = one("Between 20 and 30 boats sank.")
    assert (q.low, q.high) == (20, 30)
    q = one("The storm sank 20-30 boats.")
    assert (q.low, q.high) == (20, 30)


@pytest.mark.parametrize(
    "text",
    [
        "The law came into force in 2022.",
        "The invasion began in February 2022.",
        "The vote is on July 9.",
        "The vote is on 9 July.",
        "The ferry leaves at 09:00.",
        "The ferry leaves at 9am.",
        "She finished 3rd in the race.",
        "He was the first to arrive.",
        "The G7 met after the COVID-19 wave and bought F-16 jets.",
        "Music from the 1990s played.",
        "One of the guards was questioned.",
        "Dozens of shops shut.",
        "Thousands of people marched.",
    ],
)
def test_not_quantities(text):
    assert extract_quantities(text) == []


def test_year_shaped_count_is_a_quantity():
    q = one("Police deployed 2000 officers.")
    assert q.value == 2000 and q.unit == "officer"


def test_several_in_order():
    qs = extract_quantities("Ten people were killed and 30 were wounded in 2023, about a third of them children.")
    assert [q.value for q in qs] == pytest.approx([10, 30, 1 / 3])


def test_vague_phrases():
    texts = [v.text.lower() for v in extract_vague_phrases(
        "A significant portion of the crop and much of the harvest were lost; dozens of farms and several villages.")]
    assert texts == ["a significant portion", "much of", "dozens", "several"]
    # 'some' before a number is a qualifier, not a vague phrase
    assert extract_vague_phrases("Some 300 people left.") == []


# ------------------------------------------------------------------ comparison


def kinds(a, b):
    return [(c.kind, c.severity) for c in compare_quantities(a, b)]


def test_value_change_high():
    changes = compare_quantities("Officials said 4,200 people were evacuated.",
                                 "Officials said 5,000 people were evacuated.")
    assert len(changes) == 1
    c = changes[0]
    assert (c.kind, c.severity) == ("value", "high")
    assert c.a.value == 4200 and c.b.value == 5000
    assert '"4,200 people"' in c.explanation and '"5,000 people"' in c.explanation


def test_value_change_medium_when_small():
    assert kinds("The bill passed with 312 votes.", "The bill passed with 320 votes.") == [("value", "medium")]


def test_same_qualifier_value_change_follows_relative_size():
    assert kinds("About 4,200 people were evacuated.", "About 5,000 people were evacuated.") == [("value", "high")]


def test_value_within_stated_bound_is_low():
    assert kinds("More than 4,000 people were evacuated.", "4,200 people were evacuated.") == [("value", "low")]


def test_qualifier_change_moves_interval():
    changes = compare_quantities("The blockade has lasted over 17 months.",
                                 "The blockade has lasted nearly 17 months.")
    assert len(changes) == 1
    c = changes[0]
    assert (c.kind, c.severity) == ("qualifier", "medium")
    assert c.explanation.startswith('The other version says "over 17 months"; this one says "nearly 17 months": '
                                    "the figure is the same but it is now less than instead of more than")


def test_qualifier_tightened_is_low():
    assert kinds("Up to 300 homes were flooded.", "300 homes were flooded.") == [("qualifier", "low")]


def test_precise_to_vague():
    changes = compare_quantities("The army now holds more than a sixth of the country.",
                                 "The army now holds a significant portion of their territory.")
    assert len(changes) == 1
    c = changes[0]
    assert c.kind == "vague" and c.severity in ("low", "medium")
    assert c.b.text == "a significant portion"


def test_vague_phrase_that_cannot_fit_is_medium():
    assert kinds("4,200 people were evacuated.", "Dozens of people were evacuated.") == [("vague", "medium")]
    assert kinds("A sixth of voters backed it.", "Most of the voters backed it.") == [("vague", "medium")]


def test_vague_phrase_already_in_a_is_not_new():
    assert kinds("Many of the 300 residents fled.", "Many residents fled.") == []


@pytest.mark.parametrize(
    "a, b",
    [
        ("The talks lasted 72 hours.", "The talks lasted three days."),
        ("The search went on for two days.", "The search went on for 48 hours."),
        ("The course takes two weeks.", "The course takes 14 days."),
        ("5,000 soldiers were sent.", "Five thousand soldiers were sent."),
        ("Turnout was 30 per cent.", "Turnout was 30%."),
        ("The fine was $4.5bn.", "The fine was $4.5 billion."),
        ("Some 800 pupils were sent home.", "800 pupils were sent home."),
        ("Over 60 flights were cancelled.", "At least 60 flights were cancelled."),
        ("Ten people were killed and 30 hurt.", "30 people were hurt and 10 killed."),
        ("The crash site lies about three kilometres north.", "The crash site lies about 3km north."),
    ],
)
def test_equal_quantities_in_other_words(a, b):
    assert compare_quantities(a, b) == []


def test_unpaired_quantity_is_not_a_change():
    assert compare_quantities("Three people died and 12 were hurt.", "Three people died.") == []
    assert compare_quantities("The mayor spoke.", "The mayor spoke to 200 people.") == []


def test_time_and_percent_not_paired():
    assert compare_quantities("Prices rose 12% in a year.", "Prices rose over 12 months.") == []


def test_pairs_by_unit_not_position():
    changes = compare_quantities("The fire burned 40 homes over 3 days.", "Over 4 days, the fire burned 40 homes.")
    assert len(changes) == 1
    assert changes[0].a.unit == "day" and changes[0].b.value == 4


def test_leftover_not_paired_when_its_noun_is_taken():
    assert compare_quantities("Two of the five suspects were freed.",
                              "Police freed two suspects, while three stay in custody.") == []


def test_leftovers_paired_across_nouns():
    changes = compare_quantities("4,200 Dutch troops crossed the river.", "5,000 soldiers crossed the river.")
    assert [(c.kind, c.severity) for c in changes] == [("value", "high")]


def test_over_after_a_verb_of_spreading_is_the_period_not_more_than():
    assert compare_quantities("The trust offered 4 percent spread over two years.",
                              "The trust proposed 4 percent spread across two years.") == []
    [q] = extract_quantities("The strike lasted over two years.")
    assert q.qualifier == "over"


def test_half_a_billion_is_five_hundred_million():
    [q] = extract_quantities("The programme has cost half a billion euros.")
    assert (q.text, q.value, q.unit) == ("half a billion euros", 5e8, "eur")
    assert compare_quantities("It has cost 500 million euros.", "It has cost half a billion euros.") == []


def test_an_exact_figure_replaced_by_a_looser_one_that_covers_it_is_vaguer_not_changed():
    [c] = compare_quantities("It was the first failure in 23 launches.", "It was the first failure in more than 20 launches.")
    assert (c.kind, c.fits, c.in_slot) == ("vague", True, True)
    # a looser figure that does not cover it is a change
    [c] = compare_quantities("It was the first failure in 23 launches.", "It was the first failure in more than 25 launches.")
    assert c.kind == "value"
