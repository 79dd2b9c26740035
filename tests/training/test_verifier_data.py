"""Unit tests of the claim-pair verifier's training-data generator (training/verifier_data.py).

They run in the run-time venv: the generator imports no torch (and no spaCy
unless a gazetteer has to be built, which these tests never ask for).
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys

from training import REPO
from training import verifier_data as vd


def rng(seed: int = 0) -> random.Random:
    return random.Random(seed)


def test_no_torch_or_spacy_import():
    code = "import sys, training.verifier_data; print('torch' in sys.modules, 'spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "False"]


def test_split_sentences_keeps_abbreviations():
    text = "Mr. Smith went to Washington on Monday. He met Dr. Jones at 5 p.m. Then he left. U.S. officials said so."
    out = vd.split_sentences(text)
    assert out[0] == "Mr. Smith went to Washington on Monday."
    assert "He met Dr. Jones at 5 p.m. Then he left." in out or "He met Dr. Jones at 5 p.m." in out
    assert out[-1] == "U.S. officials said so."


def test_clean_sentence_filters():
    assert vd.clean_sentence("The company said it would cut 3,200 jobs in Europe next year.")
    assert vd.clean_sentence("Too short.") is None
    assert vd.clean_sentence("Click here to subscribe to our newsletter for more news today.") is None
    assert vd.clean_sentence('He said "this is unbalanced and goes on for a while.') is None


def test_change_number_changes_only_the_number():
    s = "Police arrested 45 people after the protest in Paris."
    d = vd.change_number(s, rng())
    assert d and d != s
    assert d.replace(d.split()[2], "45") == s  # only the figure differs
    # years are not quantities
    assert vd.change_number("The law was passed in 1998 by the state senate of Ohio.", rng()) is None


def test_change_date_weekday_month_year():
    s = "The company said on Monday that it would close the plant in March 2015."
    outs = {vd.change_date(s, rng(k)) for k in range(20)}
    assert all(o and o != s for o in outs)
    assert any("Monday" not in o for o in outs) and any("2015" not in o for o in outs)
    # "may" the modal is not a month
    assert vd.change_date("The drug may reduce the risk of heart attacks, researchers said.", rng()) is None


def test_swap_entity_same_type():
    g = vd.Gazetteer.from_entities([("Paris", "GPE"), ("London", "GPE"), ("John Smith", "PERSON"), ("Mary Jones", "PERSON")])
    s = "John Smith was arrested in Paris on Monday, police said."
    for k in range(10):
        d = vd.swap_entity(s, rng(k), g)
        assert d and d != s
        assert ("Mary Jones" in d and "Paris" in d) or ("London" in d and "John Smith" in d)
    # lower-cased text (Multi-News) is matched case-insensitively
    d = vd.swap_entity("john smith was arrested in paris on monday, police said.", rng(), g)
    assert d and ("london" in d or "mary jones" in d)
    # possessive kept
    d = vd.swap_entity("Paris's mayor said the city would recover from the attacks.", rng(), g)
    assert d.startswith("London's mayor")


def test_swap_speaker():
    s = "The storm killed 12 people and left thousands without power, police said."
    d = vd.swap_speaker(s, rng(), ["the mayor", "Jane Doe", "police officials"])
    assert d and d.endswith(("the mayor said.", "Jane Doe said."))
    assert vd.swap_speaker("He said the storm killed 12 people across the region.", rng(), ["the mayor", "Jane Doe"]) is None
    assert vd.extract_speakers(["Prices rose, the ministry said.", "It rained, he said."]) == ["the ministry"]


def test_flip_negation_both_ways():
    assert vd.flip_negation("He is not expected to attend the meeting next week.", rng()) == \
        "He is expected to attend the meeting next week."
    assert vd.flip_negation("Mr. Obama didn't say whether the troops would go.", rng()) == \
        "Mr. Obama did say whether the troops would go."
    d = vd.flip_negation("The company will cut 3,200 jobs in Europe next year.", rng())
    assert d == "The company will not cut 3,200 jobs in Europe next year."


def test_swap_antonym():
    d = vd.swap_antonym("Shares of the company rose sharply after the results.", rng())
    assert d in ("Shares of the company fell sharply after the results.",
                 "Shares of the company rose sharply before the results.")
    assert vd.swap_antonym("The cat sat on the mat all afternoon long.", rng()) is None


def test_less_drops():
    s = "The company said on Monday that it would cut 3,200 jobs in Europe by March 2015."
    d = vd.drop_date(s, rng())
    assert d and len(d) < len(s) and ("Monday" not in d or "March" not in d)
    d = vd.drop_phrase("He is not expected to attend the meeting in Washington next week.", rng())
    assert d and len(d) < 60
    d = vd.drop_clause("John Smith, who founded the firm in 1998, said the deal will close in June.", rng())
    assert d == "John Smith said the deal will close in June."
    d = vd.drop_modifier("A deadly storm hit the coast on Tuesday, officials said.", rng())
    assert d == "A storm hit the coast on Tuesday, officials said."
    # an article is repaired after a drop
    d = vd.drop_modifier("It was an unprecedented major event for the city council.", rng(1))
    assert d in ("It was a major event for the city council.", "It was an unprecedented event for the city council.")
    # attributions are never dropped (that would change who says it)
    assert vd.drop_phrase("The plan will fail, according to the minister of finance.", rng()) is None


def test_hedges_and_vague_figures():
    assert vd.add_hedge("The new law will affect millions of workers across the country.", rng()) in {
        f"The new law {m} affect millions of workers across the country." for m in ("may", "might", "could")
    }
    assert vd.add_hedge("The drug may reduce the risk of heart attacks, researchers said.", rng()) is None
    assert vd.remove_hedge("The drug may reduce the risk of heart attacks, researchers said.", rng()) == \
        "The drug will reduce the risk of heart attacks, researchers said."
    assert vd.remove_hedge("The alleged gunman was arrested in Texas last week.", rng()) == \
        "The gunman was arrested in Texas last week."
    d = vd.vague_number("Police said 3,214 people were evacuated from the area.", rng())
    assert d in {"Police said more than 3,000 people were evacuated from the area.",
                 "Police said about 3,000 people were evacuated from the area.",
                 "Police said thousands of people were evacuated from the area."}


def test_light_edits_preserve_content():
    s = "Police arrested 45 people after the protest in Paris, officials said."
    assert vd.edit_attribution(s, rng()) == "Officials said police arrested 45 people after the protest in Paris."
    assert vd.edit_contraction("He did not say whether he would go there again.", rng()) == \
        "He didn't say whether he would go there again."
    assert vd.edit_number_format("The firm will cut 3,200 jobs in Europe next year.", rng()) == \
        "The firm will cut 3200 jobs in Europe next year."
    # acronyms match case-sensitively: the pronoun "us" is not "US"
    assert vd.edit_synonym("He told us that the plan would work out well.", rng()) is None
    out, edits = vd.light_edit(s, rng(), max_edits=3)
    assert edits and set(vd.words(out.lower())) >= set(vd.words(s.lower())) - {"said"} or edits


def test_consistent_with():
    a = "Police arrested 45 people after the protest in Paris."
    b = "After the Paris protest, 45 people were arrested by police."
    assert vd.consistent_with(a, b, b.replace("45", "60"))
    # the changed word is not in the paraphrase: the change would not carry over
    assert not vd.consistent_with("Police made arrests after the protest.", b, b.replace("45", "60"))


def _fake_data(tmp_path):
    """A tiny copy of the data layout with made-up sentences."""
    sents = [
        "The company said on Monday that it would cut 3,200 jobs in Europe by March 2015.",
        "Police arrested 45 people after the protest in Paris, officials said.",
        "The storm killed 12 people and left thousands without power, according to local authorities.",
        "He is not expected to attend the meeting in Washington next week.",
        "Shares of Apple rose sharply on Tuesday after the company reported record profits.",
        "The drug may reduce the risk of heart attacks, researchers said.",
        "John Smith, who founded the firm in 1998, said the deal will close in June.",
        "The alleged gunman was arrested in Texas last week, police said.",
        "A deadly fire destroyed 30 homes in the northern town on Sunday, firefighters said.",
        "The minister will visit London on Friday to discuss the new trade agreement.",
    ]
    arts = [" ".join(sents[i:i + 4]) for i in range(0, 10, 2)]
    (tmp_path / "multinews").mkdir()
    with gzip.open(tmp_path / "multinews" / "multinews_test_truncated.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, a in enumerate(arts):
            fh.write(json.dumps({"cluster_id": i, "articles": [a]}) + "\n")
    (tmp_path / "wikiref").mkdir()
    (tmp_path / "wikiref" / "wikiref220.jsonl").write_text(
        json.dumps({"id": "w1", "text": "Headline\n" + " ".join(sents[5:])}) + "\n", encoding="utf-8")
    (tmp_path / "mrpc").mkdir()
    head = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
    (tmp_path / "mrpc" / "msr_paraphrase_train.txt").write_text(
        head + "1\t1\t2\tThe firm cut 300 jobs in Ohio on Monday.\tOn Monday the firm cut 300 jobs in Ohio.\n"
        "0\t3\t4\tPrices rose 5 percent last year.\tPrices fell in March.\n", encoding="utf-8")
    (tmp_path / "mrpc" / "msr_paraphrase_test.txt").write_text(
        head + "1\t5\t6\tPolice arrested 45 people after the protest in Paris, officials said.\tx y z.\n", encoding="utf-8")
    (tmp_path / "stsb-news").mkdir()
    (tmp_path / "stsb-news" / "stsb_news.tsv").write_text(
        "split\tgenre\tsource\tyear\tsid\tscore\tsentence1\tsentence2\n"
        "train\tmain-news\theadlines\t2015\t0001\t4.5\tObama visits Kenya\tObama arrives in Kenya\n"
        "train\tmain-news\theadlines\t2015\t0002\t0.2\tObama visits Kenya\tStocks fall in Tokyo\n", encoding="utf-8")
    return tmp_path


def test_generate_pairs_deterministic_balanced_and_clean(tmp_path):
    data = _fake_data(tmp_path)
    g = vd.Gazetteer.from_entities([("Paris", "GPE"), ("London", "GPE"), ("Texas", "GPE"), ("Washington", "GPE"),
                                    ("John Smith", "PERSON"), ("Mary Jones", "PERSON"), ("Apple", "ORG"), ("Microsoft", "ORG")])
    a = vd.generate_pairs(data, 100, seed=3, gazetteer=g)
    b = vd.generate_pairs(data, 100, seed=3, gazetteer=g)
    assert a == b
    assert {p.label for p in a} == set(vd.LABELS)
    c = vd.counts(a)["by_label"]
    assert sum(c.values()) == len(a) and max(c.values()) <= 20
    # the MRPC-test sentence is never used, anywhere
    banned = "police arrested 45 people after the protest in paris, officials said."
    assert not any(banned in (p.source.lower(), p.derived.lower()) for p in a)
    for p in a:
        assert p.label in vd.LABELS and p.source and p.derived
        if p.label != "same":
            assert p.source != p.derived


def test_split_by_group_keeps_groups_whole():
    pairs = [vd.Pair(f"s{i}", f"d{i}", "same", "identity", "x", f"g{i % 37}") for i in range(2000)]
    train, held = vd.split_by_group(pairs, 0.1, seed=0)
    assert len(train) + len(held) == 2000 and held
    assert not ({p.group for p in train} & {p.group for p in held})
    assert vd.split_by_group(pairs, 0.1, seed=0) == (train, held)
