from storytrace.align import reuse_shares
from storytrace.derivation import COMMON_SOURCE, agreement_against, infer_derivation
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
    # y and x each reword the same (unseen) wire; z keeps the wire's words that y keeps.
    base = [f"Sentence {k} about the harbour budget, dredging plan and council vote number {k}." for k in range(8)]
    x = doc("x", [s.replace("harbour", "port").replace("dredging", "digging").replace("council", "assembly")
                  .replace("budget", "funds") for s in base])
    y = doc("y", [s.replace("vote", "ballot") for s in base[:6]])
    z = doc("z", [s.replace("plan", "scheme") for s in base])
    docs = {"x": x, "y": y, "z": z}
    pairs = {("x", "y"): [link(x, k, y, k) for k in range(6)],
             ("x", "z"): [link(x, k, z, k) for k in range(8)],
             ("y", "z"): [link(y, k, z, k) for k in range(6)]}
    links = both_ways(pairs)
    edges = infer_derivation(docs, links, _reuse(docs, links))
    shared = [e for e in edges if e.level == "shared_source"]
    assert shared and all(e.source == COMMON_SOURCE for e in shared)
    assert {"x", "y"} <= {e.derived for e in shared}
