import pytest

from storytrace.compare.differences.polarity import ANTONYMS, compare_polarity, negated, negations


def test_negated():
    assert negated("The mayor did not sign the order.")
    assert negated("The mayor didn't sign the order.")
    assert negated("No tickets were sold.")
    assert negated("The mayor never signed the order.")
    assert not negated("The mayor signed the order.")
    assert not negated("The mayor is no longer in office.")
    assert not negated("The order was not only late but also wrong.")


def test_negation_scope_word():
    (n,) = negations("The hospital did not immediately confirm the figure.")
    assert n.scope == "confirm"


def test_lexicon_size():
    assert len(ANTONYMS) >= 40


def contradiction(a, b):
    c = compare_polarity(a, b)
    assert c is not None and c.kind == "contradiction" and c.severity == "high", c
    return c


@pytest.mark.parametrize(
    "a, b",
    [
        ("The hospital did not confirm the figure.", "The hospital confirmed the figure."),
        ("The hospital confirmed the figure.", "The hospital has not confirmed the figure."),
        ("Nobody was hurt when the roof collapsed.", "Four workers were hurt when the roof collapsed."),
        ("The goalkeeper never touched the ball.", "The goalkeeper touched the ball."),
        ("No arrests were made after the match.", "Two arrests were made after the match."),
        ("The jury found him not guilty.", "The jury found him guilty."),
    ],
)
def test_negation_flip(a, b):
    contradiction(a, b)


def test_negation_flip_spans():
    a, b = "The hospital did not confirm the figure.", "The hospital confirmed the figure."
    c = contradiction(a, b)
    assert a[c.a_span[0]:c.a_span[1]] == "not confirm"
    assert b[c.b_span[0]:c.b_span[1]] == "confirmed"
    assert "negation" in c.explanation


@pytest.mark.parametrize(
    "a, b, wa, wb",
    [
        ("Two climbers were injured in the avalanche.", "Two climbers were killed in the avalanche.", "injured", "killed"),
        ("One passenger survived the crash.", "One passenger died in the crash.", "survived", "died"),
        ("Investigators say the blaze was accidental.", "Investigators say the blaze was set deliberately.",
         "accidental", "deliberately"),
        ("The council approved the tower.", "The council rejected the tower.", "approved", "rejected"),
        ("Exports rose in March.", "Exports fell in March.", "rose", "fell"),
        ("The ministry denied the report.", "The ministry confirmed the report.", "denied", "confirmed"),
        ("The striker's goal was legal.", "The striker's goal was illegal.", "legal", "illegal"),
        ("The launch was a success.", "The launch was a failure.", "success", "failure"),
        ("The defendant was convicted.", "The defendant was acquitted.", "convicted", "acquitted"),
    ],
)
def test_antonyms(a, b, wa, wb):
    c = contradiction(a, b)
    assert a[c.a_span[0]:c.a_span[1]] == wa
    assert b[c.b_span[0]:c.b_span[1]] == wb


def test_open_question_made_definite():
    c = contradiction("Police said it was too early to say what started the fire.",
                      "Police said a faulty heater started the fire.")
    assert c.a_span is not None and c.b_span is None


@pytest.mark.parametrize(
    "a, b",
    [
        # both negated
        ("The hospital did not confirm the figure.", "The hospital didn't confirm the figure."),
        ("Nobody was hurt.", "No one was hurt."),
        # negation that is not a flip
        ("The minister is no longer in charge.", "The minister is in charge of the talks."),
        ("The tax was not only unpopular but also costly.", "The tax was unpopular and costly."),
        ("Hundreds, if not thousands, left the town.", "Thousands left the town."),
        # double flip: negated antonym agrees with the antonym
        ("The pilot did not survive the crash.", "The pilot died in the crash."),
        # the negated word of a is not asserted in b
        ("The firm has not commented.", "The firm did not respond to a request for comment."),
        # both words present on both sides
        ("Three were killed and five injured.", "Five were injured and three killed."),
    ],
)
def test_no_contradiction(a, b):
    c = compare_polarity(a, b)
    assert c is None or c.kind != "contradiction", c


def test_modal_intensified():
    a, b = "The strike may delay the launch.", "The strike will delay the launch."
    c = compare_polarity(a, b)
    assert c is not None and c.kind == "intensified" and c.severity == "medium"
    assert a[c.a_span[0]:c.a_span[1]] == "may delay"
    assert b[c.b_span[0]:c.b_span[1]] == "will delay"
    assert c.explanation == ('The other version says "may delay" where this one says "will delay": '
                             "a possibility is now stated as certain.")


def test_a_modal_strengthened_with_a_synonym_of_its_verb():
    a = "They asked the board to annul the ballots, a move that could reverse the result, Renk said."
    b = "They asked the board to throw out the ballots, a move that would overturn the result, Renk said."
    c = compare_polarity(a, b)
    assert c is not None and c.kind == "intensified" and c.severity == "medium"
    assert (a[c.a_span[0]:c.a_span[1]], b[c.b_span[0]:c.b_span[1]]) == ("could reverse", "would overturn")
    # the modal's clause rewritten around it too: not lined up
    c = compare_polarity("A move that could reverse the result.", "Officials would then overturn the count.")
    assert c is None or "could" not in c.explanation


def test_modal_softened():
    c = compare_polarity("The strike will delay the launch.", "The strike might delay the launch.")
    assert c is not None and c.kind == "softened" and c.severity == "medium"


def test_hedging_modal_to_plain_statement():
    c = compare_polarity("The fault could ground the fleet.", "The fault grounded the fleet.")
    assert c is not None and c.kind == "intensified"


def test_hedge_dropped():
    c = compare_polarity("The general reportedly ordered the retreat.", "The general ordered the retreat.")
    assert c is not None and (c.kind, c.severity) == ("intensified", "low")
    assert c.b_span is None


def test_booster_added():
    c = compare_polarity("Troops shelled the port.", "Troops shelled the port in a massive assault.")
    assert c is not None and c.kind == "intensified"


def test_booster_dropped_is_softened():
    c = compare_polarity("The storm caused severe damage to all the farms.", "The storm damaged the farms.")
    assert c is not None and c.kind == "softened"


@pytest.mark.parametrize(
    "a, b",
    [
        ("The spokesman said the plan was sound.", "The spokesman stated the plan was sound."),
        ("A little boat capsized.", "A small boat capsized."),
        ("The rebels said they would attack.", "The rebels said they will attack."),  # reported speech
        ("The talks may collapse.", "The talks might collapse."),
        ("Residents must leave.", "Residents were told to leave."),
        ("The storm reportedly killed two.", "Two were reportedly killed by the storm."),
        ("The ceasefire held overnight.", "The truce held through the night."),
    ],
)
def test_no_change(a, b):
    assert compare_polarity(a, b) is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("The coach, who took over in 2019, did not comment on the result.",
         "The coach declined to comment on the result."),
        ("Neighbours said the driver, who was not known to them, sped off.", "The driver sped off, neighbours said."),
        ("The outbreak has sickened about 3,000 people.", "Some 3,000 people have been sickened by the outbreak."),
    ],
)
def test_no_change_regressions(a, b):
    assert compare_polarity(a, b) is None


def test_multiword_hedge():
    c = compare_polarity("The suspect fled abroad.", "The suspect is believed to have fled abroad.")
    assert c is not None and c.kind == "softened"


def test_attribution_is_not_a_hedge():
    assert compare_polarity("Both patients were in a stable condition.",
                            "Both patients were said to be in a stable condition.") is None


# ------------------------------------------------------------------ negated conditions and hedges


@pytest.mark.parametrize("a, b", [
    ("Traffic will keep growing if the toll does not rise.", "Traffic will keep growing unless the toll rises."),
    ("The lake would flood the road if the rain did not ease by Sunday.",
     "The lake would flood the road unless the rain eased by Sunday."),
    ("The strike goes ahead unless the offer is not improved.", "The strike goes ahead if the offer is improved."),
    # the negated verb reworded too ("did not annul" -> "annulled": the rewording path)
    ("Renk said the campaign would go to court if the board did not annul the Eastgate ballots.",
     "Renk said the campaign would go to court unless the board annulled the Eastgate ballots."),
])
def test_a_negated_condition_rewritten_with_unless_is_the_same(a, b):
    assert compare_polarity(a, b) is None
    assert compare_polarity(b, a) is None


@pytest.mark.parametrize("a, b", [
    ("Traffic will keep growing if the toll does not rise.", "Traffic will keep growing if the toll rises."),
    ("Traffic will keep growing unless the toll does not rise.", "Traffic will keep growing unless the toll rises."),
    ("The bridge did not close, and traffic grew unless it rained.", "The bridge closed, and traffic grew unless it rained."),
])
def test_a_condition_turned_round_is_still_a_contradiction(a, b):
    contradiction(a, b)


@pytest.mark.parametrize("a, b", [
    ("The leak may affect drinking water in two villages.", "The leak will affect drinking water in two villages."),
    ("The board might have to sell the ferry.", "The board will have to sell the ferry."),
    ("Snow could close the pass by Friday.", "Snow would close the pass by Friday."),
])
def test_a_hedge_turned_certainty_is_intensified_not_a_negation(a, b):
    c = compare_polarity(a, b)
    assert c is not None and (c.kind, c.severity) == ("intensified", "medium"), c
    assert "negation" not in c.explanation


def test_a_distancing_speech_verb_is_left_to_attribution():
    # "claimed" against "said" is how the statement is reported (attribution_changed), not a hedge
    assert compare_polarity("The harbour master claimed the audit was flawed.",
                            "The harbour master said the audit was flawed.") is None
    # a hedge that is no speech verb still counts
    c = compare_polarity("The audit was reportedly flawed.", "The audit was flawed.")
    assert c is not None and (c.kind, c.severity) == ("intensified", "low")


def test_will_turned_into_expected_to_is_softened():
    from storytrace.compare.differences.polarity import compare_polarity

    c = compare_polarity("The insurers will cover the full cost of the satellite.",
                         "The insurers were expected to cover the full cost of the satellite.")
    assert c is not None and c.kind == "softened" and "were expected to" in c.explanation
    assert compare_polarity("The insurers were expected to cover the cost.",
                            "The insurers were expected to cover the whole cost.") is None


def test_a_negation_dropped_with_its_verb_reworded_is_a_contradiction():
    from storytrace.compare.differences.polarity import compare_polarity

    c = compare_polarity("The mayor said the council had not been told about the losses before January.",
                         "The mayor said the council had been informed of the losses before January.")
    assert c is not None and (c.kind, c.severity) == ("contradiction", "medium")
    assert "not been told" in c.explanation
    for a, b in [
        ("The board did not accept the offer on Monday.", "The board rejected the offer on Monday."),
        ("He was not aware of the plan at the time.", "He was unaware of the plan at the time."),
        ("The pilot did not survive the crash.", "The pilot died in the crash."),
        # the clause around it rewritten too: no guess
        ("The council had not been told about the losses.", "Councillors learnt of them early."),
    ]:
        c = compare_polarity(a, b)
        assert c is None or c.kind != "contradiction", (a, b, c)


def test_a_hedged_claim_restated_by_another_speaker_without_the_hedge_is_intensified_even_loosely_worded():
    from storytrace.compare.differences import polarity
    from storytrace.compare.differences.change import AlignedPair, StoryView
    from storytrace.compare.segment import segment
    from storytrace.model import Article

    def found(a: str, b: str):
        src, dst = segment(Article("src", a)), segment(Article("dst", b))
        view = StoryView({"src": src, "dst": dst}, {}, [])
        return polarity.detect(view.looking_at(AlignedPair(src, 0, dst, 0, close_wording=False, kind="paraphrase")))

    [ch] = found("Flight director Emil Sorensen said the failure was possibly caused by a faulty valve.",
                 "Agency director Ingrid Vasquez said a faulty fuel valve had brought the rocket down.")
    assert (ch.kind, ch.severity) == ("intensified", "medium") and "Ingrid Vasquez" in ch.explanation
    # a hedge of manner, not of likelihood: no speculation was made an assertion
    assert found("A channel linked to Lukashenko paraphrased him as suggesting, jokingly, that Wagner might go west.",
                 "Telegram said, in a jocular tone, that Wagner might go west.") == []
    # the same speaker: a loose paraphrase dropping a hedge is not reported
    assert found("Flight director Emil Sorensen said the failure was possibly caused by a faulty valve.",
                 "Emil Sorensen said a faulty fuel valve had brought the rocket down.") == []


@pytest.mark.parametrize("a, b", [
    ("Pharmacists would exchange affected packs free of charge, she said.",
     "Pharmacists would replace affected packs at no charge, she said."),
    ("The clinic lacked funding for a second nurse.", "The clinic had no funding for a second nurse."),
])
def test_a_negation_and_a_word_that_carries_one_say_the_same(a, b):
    assert compare_polarity(a, b) is None
    assert compare_polarity(b, a) is None


def test_a_negation_against_the_same_word_unnegated_is_still_a_contradiction():
    contradiction("Pharmacists would exchange affected packs for a charge, she said.",
                  "Pharmacists would exchange affected packs at no charge, she said.")


def test_a_negation_added_after_a_word_that_only_looks_negative_is_a_contradiction():
    # "bank" is no "ban": the negation is added
    contradiction("Vries said the bank had notified his office within 48 hours of detecting the attack.",
                  "Vries said the bank had not notified his office within the 48 hours the law requires.")


def test_will_be_able_to_is_the_ability_of_can():
    assert compare_polarity("Customers will be able to apply for a free replacement, the bank said.",
                            "Customers can apply for a free replacement, the bank said.") is None
    # "will" kept in another clause, so only "can" is left unshared
    assert compare_polarity("It will write to them, and customers will be able to apply for a free replacement.",
                            "It will write to them, and customers can apply for a free replacement.") is None
    c = compare_polarity("Customers will apply for a free replacement, the bank said.",
                         "Customers might apply for a free replacement, the bank said.")
    assert c is not None and c.kind == "softened"
