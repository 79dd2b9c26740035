"""Many-to-many sentence alignment (compare/align.py): a sentence left over joins a counterpart that carries it."""

from __future__ import annotations

from storytrace.compare import align
from storytrace.compare.align import align_sentences
from storytrace.compare.pairscore import PairScorer
from storytrace.compare.segment import segment
from storytrace.embed import default_encoder
from storytrace.model import Article


def _links(a_text: str, b_text: str):
    a, b = segment(Article("a", a_text)), segment(Article("b", b_text))
    enc = default_encoder()
    ea = enc.encode([s.text for s in a.sentences])
    eb = enc.encode([s.text for s in b.sentences])
    return {(l.a_index, l.b_index) for l in align_sentences(a, b, ea, eb, PairScorer.load()).links}


def test_figures_decide_whether_a_sentence_is_carried():
    assert align._figures("a box of 1,340 ballots, 50.1 percent") == {"1340", "501"}
    assert align._figures("14 days") <= align._figures("within 14 days of the vote, 1,340")
    assert not align._figures("within 14 days") <= align._figures("a box of 1,340 ballots")


def test_a_sentence_whose_figure_the_other_lacks_is_not_merged_into_it():
    wire = ("Orvanne's electoral board on 8 June ordered a full recount of Sunday's mayoral election, after "
            "officials found that a box of ballots from the Eastgate district had not been sealed. "
            "Under Orvanne's election law, a result must be certified within 14 days of the vote, the board said.")
    copy = ("Orvanne's election board on 8 June ordered a complete recount of Sunday's vote for mayor, after "
            "officials discovered that a box of ballots from the Eastgate district had not been sealed, "
            "the board said under its election law.")
    assert (1, 0) not in _links(wire, copy)
    # the same sentence without its figure is carried
    assert (1, 0) in _links(wire.replace("within 14 days of the vote", "soon after the vote"),
                            copy.replace("the board said", "a result must be certified soon after the vote, the board said"))


def test_no_pair_below_the_cosine_floor_is_linked(monkeypatch):
    wire = "The council approved the new bridge on Monday. The mayor said work would start in May."
    copy = "The council approved the new bridge on Monday. The mayor said building would begin in May."
    assert _links(wire, copy) == {(0, 0), (1, 1)}
    real = align.threshold
    monkeypatch.setattr(align, "threshold", lambda name: 1.01 if name == "link_cosine_floor" else real(name))
    assert _links(wire, copy) == set()


def test_the_floor_is_the_fitted_one():
    from storytrace.fitted import table
    entry = table()["link_cosine_floor"]
    assert 0.0 < entry["value"] < 0.6 and "STS-B" in entry["data"]
