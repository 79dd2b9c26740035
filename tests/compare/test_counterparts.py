"""Counterparts for derived sentences that alignment left alone, and short versions as derived ones."""

from __future__ import annotations

import numpy as np

from storytrace.compare.counterparts import counterpart_links, related_threshold
from storytrace.compare.derivation import infer_derivation
from storytrace.model import DerivationEdge, PairReuse
from tests.helpers import FIRE_WIRE, doc, link

SRC = ["The council approved the bridge on 4 March.",
       "Mayor Ines Holt said the work would cost 12 million euros.",
       "Traffic will be diverted for two years."]
DST = ["The council approved the bridge.",
       "Holt was forced to admit the bill had reached 15 million euros.",
       "The mayor plans to resign next spring."]


def _setup(prob_dst_src: np.ndarray):
    src, dst = doc("src", SRC), doc("dst", DST)
    links = {("src", "dst"): [link(src, 0, dst, 0)], ("dst", "src"): [link(dst, 0, src, 0)]}
    edge = DerivationEdge("src", "dst", "wholly", 0.9, "test")
    probability = {("dst", "src"): prob_dst_src, ("src", "dst"): prob_dst_src.T}
    return {"src": src, "dst": dst}, links, [edge], probability


def test_a_changed_claim_is_paired_with_its_free_source_sentence() -> None:
    hi = related_threshold() + 0.1
    prob = np.array([[0.9, 0.0, 0.0], [0.0, hi, 0.0], [0.0, 0.0, 0.0]])
    docs, links, edges, probability = _setup(prob)
    out = counterpart_links(docs, links, edges, probability)
    pairs = {(l.a_index, l.b_index, l.kind) for l in out[("dst", "src")]}
    assert (1, 1, "related") in pairs  # the cost sentence now has its counterpart
    assert not any(l.a_index == 2 for l in out[("dst", "src")])  # the resignation stays new
    assert {(l.b_index, l.a_index) for l in out[("src", "dst")]} == {(a, b) for a, b, _ in pairs}
    assert links[("dst", "src")] == [links[("dst", "src")][0]]  # the input is not changed


def test_below_the_related_floor_nothing_is_paired() -> None:
    lo = related_threshold() / 2
    prob = np.array([[0.9, 0.0, 0.0], [0.0, lo, 0.0], [0.0, 0.0, lo]])
    docs, links, edges, probability = _setup(prob)
    assert counterpart_links(docs, links, edges, probability)[("dst", "src")] == links[("dst", "src")]


def test_a_sentence_whose_best_match_is_taken_stays_new_unless_it_repeats_it() -> None:
    hi = related_threshold() + 0.1
    # dst sentence 2's best source is sentence 0, which dst sentence 0 already carries
    prob = np.array([[0.9, 0.0, 0.0], [0.0, 0.0, 0.0], [hi, 0.0, 0.0]])
    docs, links, edges, probability = _setup(prob)
    assert not any(l.a_index == 2 for l in counterpart_links(docs, links, edges, probability)[("dst", "src")])


def test_a_short_summary_is_derived_from_its_long_source() -> None:
    long_ = doc("wire", FIRE_WIRE[:6])
    short = doc("summary", ["Fire destroyed Corran Mills' Harlow grain depot, with 4,200 tonnes of wheat lost."])
    docs = {"wire": long_, "summary": short}
    links = {("wire", "summary"): [], ("summary", "wire"): []}
    reuse = {("wire", "summary"): PairReuse("wire", "summary", 0, 0, 0),
             ("summary", "wire"): PairReuse("summary", "wire", 0, 0, 0)}
    [edge] = infer_derivation(docs, links, reuse)
    assert (edge.source, edge.derived, edge.level) == ("wire", "summary", "partially")
    assert "summary or excerpt" in edge.evidence


def test_the_verifier_vetoes_a_counterpart_it_finds_unrelated() -> None:
    hi = related_threshold() + 0.1
    prob = np.array([[0.9, 0.0, 0.0], [0.0, hi, 0.0], [0.0, 0.0, hi]])
    docs, links, edges, probability = _setup(prob)
    seen = []

    def judge(pairs):  # (source, derived) texts; "unrelated" is the last of the five labels
        seen.extend(pairs)
        return np.array([[0.9, 0, 0, 0, 0.1] if "15 million" in d else [0, 0, 0, 0.1, 0.9] for _, d in pairs])

    out = counterpart_links(docs, links, edges, probability, judge)
    assert {l.a_index for l in out[("dst", "src")] if l.kind == "related"} == {1}
    assert (SRC[1], DST[1]) in seen and all(len(p) == 2 for p in seen)


def _with_links(prob: np.ndarray, pairs: list[tuple[int, int]]):
    src, dst = doc("src", SRC), doc("dst", DST)
    links = {("dst", "src"): [link(dst, i, src, j) for i, j in pairs],
             ("src", "dst"): [link(src, j, dst, i) for i, j in pairs]}
    edge = DerivationEdge("src", "dst", "wholly", 0.9, "test")
    return {"src": src, "dst": dst}, links, [edge], {("dst", "src"): prob, ("src", "dst"): prob.T}


def _unrelated(pairs):
    return np.array([[0, 0, 0, 0, 1.0] for _ in pairs])


def test_the_second_half_of_a_split_sentence_joins_the_sentence_its_neighbour_took() -> None:
    hi = related_threshold() + 0.1
    # dst 1 is closer to src 2 by score, but dst 0 (just before it) carries src 0, which dst 1 relates to
    prob = np.array([[0.9, 0.0, 0.0], [hi, 0.0, hi + 0.1], [0.0, 0.0, 0.0]])
    docs, links, edges, probability = _with_links(prob, [(0, 0)])
    out = counterpart_links(docs, links, edges, probability)
    assert (1, 0, "related") in {(l.a_index, l.b_index, l.kind) for l in out[("dst", "src")]}


def test_a_sentence_between_two_parts_of_one_source_sentence_is_its_middle_whatever_its_score() -> None:
    prob = np.array([[0.9, 0.0, 0.0], [0.0, 0.0, 0.0], [0.6, 0.0, 0.0]])
    docs, links, edges, probability = _with_links(prob, [(0, 0), (2, 0)])
    out = counterpart_links(docs, links, edges, probability, _unrelated)  # the verifier has no say
    assert (1, 0) in {(l.a_index, l.b_index) for l in out[("dst", "src")]}
    # without the second neighbour the middle has nothing to go by and stays new
    docs, links, edges, probability = _with_links(prob, [(0, 0)])
    assert not any(l.a_index == 1 for l in counterpart_links(docs, links, edges, probability)[("dst", "src")])


def test_the_verifier_cannot_veto_a_pair_the_scorer_calls_the_same_content() -> None:
    prob = np.array([[0.9, 0.0, 0.0], [0.0, 0.7, 0.0], [0.0, 0.0, related_threshold() + 0.1]])
    docs, links, edges, probability = _with_links(prob, [(0, 0)])
    out = counterpart_links(docs, links, edges, probability, _unrelated)
    assert {l.a_index for l in out[("dst", "src")] if l.kind == "related"} == {1}


def test_the_verifier_cannot_veto_the_second_half_of_a_split_sentence() -> None:
    hi = related_threshold() + 0.1
    # dst 0 carries src 1; dst 1 (beside it) relates to src 1 and shares its words; dst 2's free match is vetoed
    prob = np.array([[0.0, 0.9, 0.0], [0.0, hi, 0.0], [0.0, 0.0, hi]])
    docs, links, edges, probability = _with_links(prob, [(0, 1)])
    out = counterpart_links(docs, links, edges, probability, _unrelated)
    related = {(l.a_index, l.b_index) for l in out[("dst", "src")] if l.kind == "related"}
    assert related == {(1, 1)}
    # placed beside, but about other things (no word in common): the verifier's veto applies
    prob = np.array([[0.9, 0.0, 0.0], [hi, 0.0, 0.0], [0.0, 0.0, 0.0]])
    docs, links, edges, probability = _with_links(prob, [(0, 0)])
    assert not any(l.kind == "related" for l in counterpart_links(docs, links, edges, probability, _unrelated)[("dst", "src")])


SECOND_SRC = ["The council approved the bridge on 4 March.",
              "Mayor Ines Holt said the work would cost 12 million euros.",
              "Traffic will be diverted for two years."]
SECOND_DST = ["The council approved the bridge.",
              "Traffic will be diverted.",
              "Holt was forced to admit the bill had reached 15 million euros."]


def test_a_sentence_whose_best_match_is_taken_gets_the_free_one_they_both_choose() -> None:
    hi = related_threshold() + 0.1
    src, dst = doc("src", SECOND_SRC), doc("dst", SECOND_DST)
    links = {("dst", "src"): [link(dst, 0, src, 0), link(dst, 1, src, 2)],
             ("src", "dst"): [link(src, 0, dst, 0), link(src, 2, dst, 1)]}
    edges = [DerivationEdge("src", "dst", "wholly", 0.9, "test")]
    # dst 2's best is src 0, which dst 0 carries; src 1 is free and its best loose sentence is dst 2
    prob = np.array([[0.9, 0.0, 0.0], [0.0, 0.0, 0.9], [hi + 0.2, hi, 0.0]])
    docs = {"src": src, "dst": dst}
    out = counterpart_links(docs, links, edges, {("dst", "src"): prob, ("src", "dst"): prob.T})
    assert (2, 1) in {(l.a_index, l.b_index) for l in out[("dst", "src")] if l.kind == "related"}
    # with the words of the free sentence changed to others, it is no counterpart: dst 2 stays new
    src = doc("src", SECOND_SRC[:1] + ["Ferry services will start in the autumn."] + SECOND_SRC[2:])
    docs = {"src": src, "dst": dst}
    out = counterpart_links(docs, links, edges, {("dst", "src"): prob, ("src", "dst"): prob.T})
    assert not any(l.a_index == 2 and l.kind == "related" for l in out[("dst", "src")])
