from storytrace.model import Article
from storytrace.compare.segment import is_heading, segment, split_sentences


def test_abbreviations_do_not_split_sentences():
    text = ("Leaders met in St. Petersburg on Sunday. U.S. General Ann Ruiz said the plan "
            "was sound. Talks resume on Monday.")
    sents = split_sentences("a", text)
    assert [s.text for s in sents] == [
        "Leaders met in St. Petersburg on Sunday.",
        "U.S. General Ann Ruiz said the plan was sound.",
        "Talks resume on Monday.",
    ]


def test_offsets_point_into_the_original_text():
    text = "  First line here.\n\nHeadline Without Stop\nSecond one. Third one!\n"
    for s in split_sentences("a", text):
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_heading_on_its_own_line_is_a_heading():
    text = "The port reopened on Friday.\nStrike talks\nUnions met the board on Monday."
    sents = split_sentences("a", text)
    assert [s.is_heading for s in sents] == [False, True, False]
    assert sents[1].text == "Strike talks"


def test_is_heading_rules():
    assert is_heading("Wagner Trains Troops Near the Border")
    assert not is_heading("The board met on Monday.")
    assert not is_heading("“We will not reopen,” she said:")
    assert not is_heading(" ".join(["word"] * 30))


def test_quote_spanning_sentences_stays_one_unit_per_sentence():
    text = "“We are ready. We will go,” the mayor said. Then she left."
    sents = split_sentences("a", text)
    assert sents[-1].text == "Then she left."
    assert "“We are ready." in sents[0].text


def test_segment_finds_entities_with_offsets():
    doc = segment(Article("a", "Mayor Ellen Park visited Glasgow on Tuesday with the Port Authority."))
    labels = {(e.text, e.label) for e in doc.entities}
    assert any(t == "Ellen Park" and l == "PERSON" for t, l in labels)
    for e in doc.entities:
        assert doc.article.text[e.start:e.end] == e.text


def test_stray_closing_mark_goes_back_to_its_sentence():
    text = "Officials said it existed, but it has failed.” Talks went on. Then they left."
    sents = split_sentences("a", text)
    assert sents[0].text.endswith("failed.”")
    assert sents[1].text == "Talks went on."
