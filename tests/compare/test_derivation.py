from storytrace.compare.align import reuse_shares
from storytrace.compare.derivation import agreement_against, infer_derivation
from storytrace.model import COMMON_SOURCE
from tests.helpers import both_ways, doc, link

WIRE = [
    "The council approved the new harbour budget on Monday.",
    "The budget sets aside 4 million pounds for dredging.",
    "Mayor Ann Hale said the vote was a relief.",
    "Work starts in June and lasts two years.",
    "Fishermen had asked for the dredging since 2019.",
]


def _reuse(docs, links):
    return {(a, b): reuse_shares(docs[a], b, ls) for (a, b), ls in links.items()}


def test_condensed_copy_with_later_timestamp_derives_from_wire():
    wire = doc("wire", WIRE, "2026-01-01T08:00")
    short = doc("short", [WIRE[0], WIRE[1].replace("sets aside", "reserves"), WIRE[3]], "2026-01-01T10:00")
    docs = {"wire": wire, "short": short}
    links = both_ways({("wire", "short"): [link(wire, 0, short, 0, "verbatim"), link(wire, 1, short, 1),
                                            link(wire, 3, short, 2, "verbatim")]})
    edges = infer_derivation(docs, links, _reuse(docs, links))
    assert len(edges) == 1
    e = edges[0]
    assert (e.source, e.derived, e.level) == ("wire", "short", "wholly")
    assert "published first" in e.evidence


def test_direction_from_content_when_no_timestamps():
    wire = doc("wire", WIRE)
    short = doc("short", [WIRE[0], "The plan reserves money for dredging.", WIRE[3]])
    docs = {"wire": wire, "short": short}
    links = both_ways({("wire", "short"): [link(wire, 0, short, 0, "verbatim"), link(wire, 1, short, 1),
                                            link(wire, 3, short, 2, "verbatim")]})
    edges = infer_derivation(docs, links, _reuse(docs, links))
    assert [(e.source, e.derived) for e in edges] == [("wire", "short")]
    assert edges[0].confidence < 0.9  # honest: content evidence only


def test_unrelated_versions_get_no_edge():
    a = doc("a", WIRE)
    b = doc("b", ["A storm closed the ferry route.", "Passengers were stranded for hours."])
    docs = {"a": a, "b": b}
    links = both_ways({("a", "b"): []})
    assert infer_derivation(docs, links, _reuse(docs, links)) == []


def test_agreement_against_counts_shared_departures():
    src = doc("x", ["The mayor praised the quick repair of the bridge."])
    y = doc("y", ["The mayor hailed the rapid fix of the bridge."])
    z = doc("z", ["The mayor hailed the rapid fix to the old bridge."])
    links = both_ways({("y", "x"): [link(y, 0, src, 0)], ("y", "z"): [link(y, 0, z, 0)],
                       ("x", "z"): [link(src, 0, z, 0)]})
    shared, total = agreement_against(y, src, [z], links)
    assert total == 3  # hailed, rapid, fix
    assert shared == 3


def test_shared_source_reported_instead_of_direction():
    # Three rewrites of one unseen wire, each rewording different words: every
    # version's departures from another are wire words the third one kept.
    base = [f"Report {k} on the harbour budget, dredging plan, council vote and quay repairs {k}." for k in range(8)]

    def reword(pairs):
        out = []
        for s in base:
            for old, new in pairs:
                s = s.replace(old, new)
            out.append(s)
        return out

    x = doc("x", reword([("harbour", "port"), ("dredging", "digging")]))
    y = doc("y", reword([("council", "assembly"), ("vote", "ballot")]))
    z = doc("z", reword([("budget", "funds"), ("repairs", "mending")]))
    docs = {"x": x, "y": y, "z": z}
    pairs = {(p, q): [link(docs[p], k, docs[q], k) for k in range(8)] for p, q in (("x", "y"), ("x", "z"), ("y", "z"))}
    links = both_ways(pairs)
    edges = infer_derivation(docs, links, _reuse(docs, links))
    assert edges and all(e.level == "shared_source" and e.source == COMMON_SOURCE for e in edges)
    assert {e.derived for e in edges} == {"x", "y", "z"}


def test_identical_copies_do_not_pretend_to_know_the_direction():
    a = doc("a", WIRE)
    b = doc("b", list(WIRE))
    docs = {"a": a, "b": b}
    links = both_ways({("a", "b"): [link(a, k, b, k, "verbatim", 1.0) for k in range(len(WIRE))]})
    edges = infer_derivation(docs, links, _reuse(docs, links))
    assert len(edges) == 1
    assert "cannot be told" in edges[0].evidence
    assert edges[0].confidence <= 0.5


def test_a_copy_of_the_wire_derives_from_it_not_from_a_faithful_rewrite_published_before_it():
    rewrite = [
        "On Monday the council gave its approval to the new harbour budget.",
        "Four million pounds of the budget are reserved for dredging.",
        "The vote came as a relief, according to Mayor Ann Hale.",
        "Starting in June, the work will go on for two years.",
        "Since 2019 fishermen had been calling for the dredging.",
    ]
    wire = doc("wire", WIRE, "2026-01-01T08:00")
    faithful = doc("faithful", rewrite, "2026-01-01T09:00")
    copy = doc("copy", [WIRE[0], WIRE[1], WIRE[2].replace("relief", "great relief"), WIRE[3]], "2026-01-01T10:00")
    docs = {"copy": copy, "faithful": faithful, "wire": wire}
    # the rewrite matches the copy sentence for sentence, and one sentence more than the wire does
    links = both_ways({
        ("wire", "faithful"): [link(wire, i, faithful, i) for i in range(5)],
        ("copy", "wire"): [link(copy, 0, wire, 0, "verbatim"), link(copy, 1, wire, 1, "verbatim"),
                           link(copy, 3, wire, 3, "verbatim")],
        ("copy", "faithful"): [link(copy, i, faithful, i) for i in range(4)],
    })
    edges = infer_derivation(docs, links, _reuse(docs, links))
    assert {(e.source, e.derived) for e in edges} == {("wire", "faithful"), ("wire", "copy")}
