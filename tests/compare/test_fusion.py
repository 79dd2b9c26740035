import numpy as np

from storytrace.compare.fusion import fuse_brief
from storytrace.model import Alignment, DerivationEdge, Finding
from tests.helpers import both_ways, doc, link


def test_brief_has_one_entry_per_fact_with_sources_and_conflicts():
    a = doc("a", ["The bridge opened on Monday.", "It cost 4 million pounds.", "Crowds cheered."])
    b = doc("b", ["The bridge opened Monday.", "It cost 5 million pounds."])
    links = both_ways({("a", "b"): [link(a, 0, b, 0), link(a, 1, b, 1)]})
    finding = Finding("b", "number_changed", "high", "5 million", (b.sentences[1].start + 8, b.sentences[1].start + 17),
                      "4 million became 5 million.")
    brief = fuse_brief({"a": a, "b": b}, links, [finding])
    assert len(brief) == 3
    # b tells the cost with a changed figure: a conflict, not support
    assert [e.support for e in brief] == [2, 1, 1]
    assert {s.article for s in brief[0].sources} == {"a", "b"}
    [conflict] = brief[1].conflicts
    assert (conflict.article, conflict.kind, conflict.severity) == ("b", "number_changed", "high")
    assert conflict.explanation == "4 million became 5 million."
    assert brief[2].text == "Crowds cheered." and brief[2].unverified and not brief[0].unverified
    for e in brief:
        for s in e.sources:
            text = {"a": a, "b": b}[s.article].article.text
            assert text[s.span[0]:s.span[1]] in {x.text for x in ({"a": a, "b": b}[s.article].sentences)}


def test_a_version_carrying_only_part_of_an_entry_is_not_counted_as_support():
    a = doc("a", ["Putin and Lukashenko, a close friend, met in Sochi on Sunday to discuss the war."])
    b = doc("b", ["Putin met Lukashenko."])
    links = both_ways({("a", "b"): [link(a, 0, b, 0, kind="paraphrase", score=0.6)]})
    edge = DerivationEdge("a", "b", "wholly", 0.9, "test")
    [entry] = fuse_brief({"a": a, "b": b}, links, [], [edge])
    assert {s.article: s.carries for s in entry.sources} == {"a": "all", "b": "part"}
    assert entry.support == 1 and not entry.unverified


def test_a_counterpart_paired_for_what_changed_is_not_a_source():
    a = doc("a", ["The minister resigned of his own accord on Friday."])
    b = doc("b", ["The minister was forced out."])
    rel = Alignment("b", "a", 0, 0, (b.sentences[0].start, b.sentences[0].end),
                    (a.sentences[0].start, a.sentences[0].end), "related", 0.2)
    links = {("b", "a"): [rel], ("a", "b"): [rel.reversed()]}
    brief = fuse_brief({"a": a, "b": b}, links, [], [DerivationEdge("a", "b", "wholly", 0.9, "test")])
    assert [s.article for e in brief for s in e.sources] == ["a"]
    assert brief[0].unverified


def _judge(label: str):
    from storytrace.compare.verifier import LABELS

    def judge(pairs):
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        out[:, LABELS.index(label)] = 1.0
        return out
    return judge


def _aligned_on_names():
    a = doc("a", ["Since then Minsk has let soldiers train at its bases and received nuclear weapons that Putin placed in Belarus."])
    b = doc("b", ["Lukashenko thanked Putin for his pledges to defend Belarus."])
    links = both_ways({("a", "b"): [link(a, 0, b, 0, kind="paraphrase", score=0.5)]})
    return {"a": a, "b": b}, links, [DerivationEdge("a", "b", "wholly", 0.9, "test")]


def test_a_sentence_aligned_on_names_alone_and_judged_unrelated_is_an_entry_of_its_own():
    docs, links, edges = _aligned_on_names()
    brief = fuse_brief(docs, links, [], edges, _judge("unrelated"))
    assert [[s.article for s in e.sources] for e in brief] == [["a"], ["b"]]
    assert brief[1].text.startswith("Lukashenko thanked") and all(e.unverified for e in brief)


def test_names_alone_do_not_move_a_member_the_verifier_relates_nor_does_the_verifier_alone():
    docs, links, edges = _aligned_on_names()
    for judge in (_judge("same"), None):
        [entry] = fuse_brief(docs, links, [], edges, judge)
        assert {s.article: s.carries for s in entry.sources} == {"a": "all", "b": "part"}
    # a member sharing a word beyond the names stays, whatever the verifier says
    a = doc("a", ["The union state ties Russia and Belarus, and Moscow is by far its most powerful part."])
    b = doc("b", ["Russia dominates the union state it forms with Belarus, analysts say."])
    links = both_ways({("a", "b"): [link(a, 0, b, 0, kind="paraphrase", score=0.5)]})
    [entry] = fuse_brief({"a": a, "b": b}, links, [], [DerivationEdge("a", "b", "wholly", 0.9, "test")],
                         _judge("unrelated"))
    assert [s.article for s in entry.sources] == ["a", "b"]
