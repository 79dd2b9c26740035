from storytrace.compare.differences import find_differences
from storytrace.model import DerivationEdge
from tests.helpers import both_ways, doc, link

WIRE = [
    "The council approved the harbour budget on Monday.",
    "Mayor Ann Hale praised the vote.",
    "Dredging will start in June.",
]


def _edges(*pairs):
    return [DerivationEdge(s, d, "wholly", 0.9, "test") for s, d in pairs]


def test_merged_sentence_is_not_an_omission_but_a_dropped_one_is():
    wire = doc("wire", WIRE)
    short = doc("short", ["The council approved the harbour budget on Monday, and Mayor Ann Hale praised the vote."])
    other = doc("other", list(WIRE))
    docs = {"wire": wire, "short": short, "other": other}
    links = both_ways({
        ("wire", "short"): [link(wire, 0, short, 0)],
        ("wire", "other"): [link(wire, k, other, k, "verbatim", 1.0) for k in range(3)],
        ("short", "other"): [link(short, 0, other, 0)],
    })
    findings = find_differences(docs, links, _edges(("wire", "short"), ("wire", "other")))
    omitted = {f.counterpart.text for f in findings if f.kind == "omission" and f.article == "short"}
    assert omitted == {"Dredging will start in June."}


def test_changed_figure_is_reported_on_the_derived_version():
    wire = doc("wire", ["The fire destroyed 4,200 tonnes of wheat on Tuesday."])
    copy = doc("copy", ["The fire destroyed 5,000 tonnes of wheat on Tuesday."])
    docs = {"wire": wire, "copy": copy}
    links = both_ways({("wire", "copy"): [link(wire, 0, copy, 0)]})
    findings = find_differences(docs, links, _edges(("wire", "copy")))
    numbers = [f for f in findings if f.kind == "number_changed"]
    assert len(numbers) == 1
    f = numbers[0]
    assert f.article == "copy" and f.counterpart.article == "wire"
    assert copy.article.text[f.span[0]:f.span[1]] == f.text and "5,000" in f.text
