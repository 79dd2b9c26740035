from storytrace.compare.fusion import fuse_brief
from storytrace.model import Finding
from tests.helpers import both_ways, doc, link


def test_brief_has_one_entry_per_fact_with_sources_and_conflicts():
    a = doc("a", ["The bridge opened on Monday.", "It cost 4 million pounds.", "Crowds cheered."])
    b = doc("b", ["The bridge opened Monday.", "It cost 5 million pounds."])
    links = both_ways({("a", "b"): [link(a, 0, b, 0), link(a, 1, b, 1)]})
    finding = Finding("b", "number_changed", "high", "5 million", (b.sentences[1].start + 8, b.sentences[1].start + 17),
                      "4 million became 5 million.")
    brief = fuse_brief({"a": a, "b": b}, links, [finding])
    assert len(brief) == 3
    assert [e.support for e in brief] == [2, 2, 1]
    assert {s.article for s in brief[0].sources} == {"a", "b"}
    assert brief[1].conflicts and "number changed" in brief[1].conflicts[0]
    assert brief[2].text == "Crowds cheered."
    for e in brief:
        for s in e.sources:
            text = {"a": a, "b": b}[s.article].article.text
            assert text[s.span[0]:s.span[1]] in {x.text for x in ({"a": a, "b": b}[s.article].sentences)}
