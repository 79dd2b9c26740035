"""The report for an editor (issue 12): changed words, print view, filters and export, names and labels,
a graph whose labels keep off the lines and state their caveats, and the "How to read this report" section."""

from __future__ import annotations

import copy
import re

import pytest

from storytrace.model import FINDING_KINDS
from storytrace.report.graph import edge_caveats, graph_layout, graph_svg
from storytrace.report.howto import KIND_MEANING, how_to_read_html
from storytrace.report.html import render_html
from storytrace.report.names import apply_labels, first_sentence, looks_generated, parse_labels, short_name, \
    version_name
from tests.helpers import REPO
from tests.report.test_html import BLOG, PAPER, WIRE, embedded_data, make_report, sp

CAVEAT_EVIDENCE = ("75% of b's sentences are found in a; its rewording is its own; without timestamps, a common "
                   "source not among these versions cannot be ruled out")


def word_report() -> dict:
    """The test report with the word changes the contract carries, a label, a title-less article and a caveat."""
    rep = make_report()
    wire_paper = rep["pairs"][0]["alignments"][1]  # "120 homes" -> "200 homes"
    wire_paper["word_changes"] = [{"op": "replace", "a_span": sp(WIRE, "120"), "b_span": sp(PAPER, "200"),
                                   "a_text": "120", "b_text": "200"}]
    rep["pairs"][1]["alignments"][1]["word_changes"] = [  # the same change, the other order
        {"op": "replace", "a_span": sp(PAPER, "200"), "b_span": sp(WIRE, "120"), "a_text": "200", "b_text": "120"}]
    paper_wire = rep["pairs"][1]["alignments"][2]  # "doing all we can" <- "doing everything we can"
    paper_wire["word_changes"] = [{"op": "replace", "a_span": sp(PAPER, "all"), "b_span": sp(WIRE, "everything"),
                                   "a_text": "all", "b_text": "everything"},
                                  {"op": "delete", "a_span": [0, 1], "b_span": [0, 0], "a_text": '"', "b_text": ""}]
    rep["articles"][2]["title"] = None  # blog-3: named by its first sentence
    rep["articles"][2]["sentences"] = [[0, BLOG.index("\n")]]
    rep["derivation"][1]["evidence"] = CAVEAT_EVIDENCE
    return apply_labels(rep, {"paper-2": "Daily Paper"})


@pytest.fixture(scope="module")
def report() -> dict:
    return word_report()


@pytest.fixture(scope="module")
def page(report: dict) -> str:
    return render_html(report)


# --- changed words -------------------------------------------------------------------------


def test_word_changes_reach_the_page_script_in_utf16(page: str) -> None:
    data = embedded_data(page)
    rows = {(p["a"], p["b"]): p["al"] for p in data["pairs"]}
    words = rows[("wire-1", "paper-2")][1][6]
    op, a_s, a_e, b_s, b_e = words[0]
    assert op == "replace"
    assert WIRE.encode("utf-16-le")[2 * a_s:2 * a_e].decode("utf-16-le") == "120"  # after the emoji: +1
    assert PAPER[b_s:b_e] == "200"
    assert all(len(r) == 7 for rs in rows.values() for r in rs)


def test_word_changes_marked_in_the_full_texts(page: str) -> None:
    # paper-2 derives from wire-1: its full text marks the changed words against it
    block = re.search(r'<article class="version" id="version-paper-2">.*?</article>', page, re.S).group(0)
    cls = re.search(r'<span class="([^"]*)">200</span>', block).group(1).split()
    assert {"wd", "wc-replace", "k-edited", "fd", "sev-high"} <= set(cls)
    assert re.search(r'<span class="[^"]*wd wc-replace[^"]*">all</span>', block)
    assert "marked against <code>wire-1</code>" in block


def test_every_version_is_in_full_in_the_page(page: str, report: dict) -> None:
    import html as _html

    for a in report["articles"][:3]:
        block = re.search(rf'<article class="version" id="version-{a["id"]}">.*?</article>', page, re.S).group(0)
        text = _html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<div class="fulltext">(.*?)</div>', block,
                                                                 re.S).group(1)))
        assert text == a["text"]
    assert '<input type="checkbox" id="show-versions" class="vtoggle">' in page


# --- print --------------------------------------------------------------------------------


def test_print_stylesheet_unclips_and_shows_everything(page: str) -> None:
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    start = css.index("@media print{")
    block = css[start:]
    for rule in (".screen-only", ".vbody{display:block!important}", "max-height:none!important",
                 "overflow:visible!important", ".ff-out,.ff-empty{display:revert!important}"):
        assert rule in block, rule
    assert 'class="viewer screen-only"' in page  # the one-pair viewer gives way to every version in print


# --- findings: filters and export ------------------------------------------------------------


def test_findings_carry_what_the_filters_and_export_need(page: str, report: dict) -> None:
    data = embedded_data(page)
    for i, f in enumerate(data["findings"]):
        li = re.search(rf'<li class="finding [^"]*" id="finding-{i}"[^>]*>', page).group(0)
        assert f'data-sev="{f["severity"]}"' in li and f'data-kind="{f["kind"]}"' in li
        assert f'data-article="{f["article"]}"' in li
        assert set(f["x"]) == {"story", "article", "kind", "severity", "text", "span", "counterpart", "explanation"}
    by_kind = {f["x"]["kind"]: f["x"] for f in data["findings"]}
    assert by_kind["number_changed"]["span"] == sp(PAPER, "200 homes")  # code points, as in the report
    assert by_kind["number_changed"]["counterpart"]["text"] == "120 homes"
    for needle in ('id="ff-kind"', 'id="ff-version"', 'id="ff-q"', 'id="ff-csv"', 'id="ff-json"',
                   'class="ff-sev" value="high" checked', '<option value="number_changed">number changed (1)'):
        assert needle in page, needle
    assert '<option value="paper-2">Daily Paper (3)</option>' in page  # versions by their label


def test_export_is_client_side_only(page: str) -> None:
    script = re.findall(r"<script>(.*?)</script>", page, re.S)[0]
    assert "createObjectURL" in script and "fetch(" not in script and "XMLHttpRequest" not in script


# --- names and labels ------------------------------------------------------------------------


def test_parse_and_apply_labels() -> None:
    assert parse_labels(["a=Wire", "b = The  Courier", "x=y=z"]) == {"a": "Wire", "b": "The Courier", "x": "y=z"}
    for bad in ("nolabel", "=Name", "id=", "id=  "):
        with pytest.raises(ValueError, match="ID=NAME"):
            parse_labels([bad])
    rep = make_report()
    with pytest.raises(ValueError, match="no article 'nope'"):
        apply_labels(rep, {"nope": "X"})
    labelled = apply_labels(rep, {"wire-1": "Wire"})
    assert labelled["articles"][0]["label"] == "Wire" and "label" not in rep["articles"][0]  # a copy


def test_names_label_title_first_sentence() -> None:
    art = {"id": "3f9a2c41d07e", "title": None, "text": "Floods hit the coast. More rain is due.",
           "sentences": [[0, 21], [22, 39]]}
    assert first_sentence(art) == "Floods hit the coast."
    assert version_name(art) == "Floods hit the coast."
    assert short_name(art) == "Floods hit the coast."  # a hash-like id is no name
    assert short_name({**art, "id": "wire-1"}) == "wire-1"
    assert version_name({**art, "title": "Coast floods"}) == "Coast floods"
    assert version_name({**art, "label": "Wire", "title": "Coast floods"}) == "Wire"
    assert first_sentence({"id": "x", "text": "No spans here. Second."}) == "No spans here."
    assert looks_generated("3f9a2c41d07e") and looks_generated("12345") and not looks_generated("wire-1")


def test_versions_named_in_the_page(page: str) -> None:
    assert '<b class="vlabel">Daily Paper</b>' in page
    # blog-3 has no title: its first sentence stands in, marked as such
    assert 'title="no title: its first sentence">Overnight, rising water hit the town of Riverton.</span>' in page
    data = embedded_data(page)
    assert data["articles"]["paper-2"]["name"] == "Daily Paper"
    assert data["articles"]["blog-3"]["name"] == "Overnight, rising water hit the town of Riverton."
    assert "(untitled)" not in page.split("<main>")[1].split("<script")[0]


# --- the derivation graph --------------------------------------------------------------------


def test_edge_caveats() -> None:
    assert edge_caveats({"evidence": CAVEAT_EVIDENCE}) == ["a common source cannot be ruled out"]
    assert edge_caveats({"evidence": "no timestamps, and each carries the other equally: which came first "
                                     "cannot be told; with two versions a shared unseen source cannot be ruled out"}) \
        == ["which came first cannot be told", "a common source cannot be ruled out"]
    assert edge_caveats({"evidence": "100% of b's sentences are found in a"}) == []
    assert edge_caveats({}) == []


def test_graph_states_the_caveat(page: str) -> None:
    svg = re.findall(r"<svg\b.*?</svg>", page, re.S)[0]
    labels = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", g))
              for g in re.findall(r'<g class="elabel-g[^"]*">.*?</g>', svg, re.S)]
    assert "partially · 0.64 ⚠ a common source cannot be ruled out" in labels
    assert "wholly · 0.91" in labels
    assert svg.count('class="elabel-g caveat"') == 1
    assert "⚠ a common source cannot be ruled out</div>" in page  # and the evidence table


def _star_report(n: int) -> tuple[dict, list[str], list[dict]]:
    ids = [f"v{i}" for i in range(n)]
    articles = {aid: {"id": aid, "title": f"Version {i}", "source": "Agency", "text": "x",
                      "published_at": f"2024-01-{i + 1:02d}T10:00:00Z"} for i, aid in enumerate(ids)}
    edges = [{"source": ids[0], "derived": aid, "level": "wholly" if k % 2 else "partially",
              "confidence": 0.5 + k / 40, "evidence": CAVEAT_EVIDENCE if k % 3 == 0 else "plain"}
             for k, aid in enumerate(ids[1:])]
    edges += [{"source": ids[1], "derived": ids[-1], "level": "partially", "confidence": 0.4, "evidence": ""},
              {"source": "(unseen common source)", "derived": ids[-1], "level": "shared_source", "confidence": 0.3,
               "evidence": ""}]
    return articles, ids, edges


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_edge_labels_keep_off_every_line_node_and_label(n: int) -> None:
    articles, ids, edges = _star_report(n)
    lay = graph_layout(articles, ids, edges)
    segments = [(a, b) for *_, pts, _lines, _box in lay.edges for a, b in zip(pts, pts[1:])]
    boxes = [box for *_, box in lay.edges]
    assert len(boxes) == len([e for e in edges if e["derived"] != e["source"]])
    for k, box in enumerate(boxes):
        assert not any(box.meets_segment(a, b) for a, b in segments), (n, k)
        assert not any(box.meets_circle(x, y, 10) for x, y, _ in lay.nodes.values())
        assert not any(box.meets(o) for j, o in enumerate(boxes) if j != k)
        assert not any(box.meets(nb) for nb in lay.node_boxes)
        assert 0 <= box.x0 and box.x1 <= lay.width and 0 <= box.y0 and box.y1 <= lay.height
    svg = graph_svg(articles, ids, edges, "t")
    assert svg.count('<rect class="elabel-bg"') == len(boxes)


def test_graph_nodes_are_named_not_hashed() -> None:
    articles = {h: {"id": h, "title": f"Title of {k}", "text": "x"} for k, h in enumerate(("a1b2c3d4e5", "f6e5d4c3b2"))}
    svg = graph_svg(articles, list(articles), [{"source": "a1b2c3d4e5", "derived": "f6e5d4c3b2", "level": "wholly",
                                                "confidence": 0.9, "evidence": ""}], "h")
    labels = re.findall(r'<text class="nlabel"[^>]*>([^<]*)</text>', svg)
    assert labels == ["Title of 0", "Title of 1"]


# --- how to read this report ------------------------------------------------------------------


def _docs_kinds() -> dict[str, str]:
    """kind -> its severity column, from the table in docs/findings.md."""
    text = (REPO / "docs" / "findings.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^|]*) \|", text, re.M)}


def test_how_to_read_matches_docs_findings() -> None:
    docs = _docs_kinds()
    reported = set(FINDING_KINDS) - {"reworded"}  # never reported as a change
    assert set(KIND_MEANING) == reported
    for kind, (severities, _meaning) in KIND_MEANING.items():
        assert kind in docs, kind
        for sev in severities.split(" / "):
            assert sev in docs[kind], (kind, sev, docs[kind])
        # and every severity the docs give the kind is named here
        for sev in ("high", "medium", "low"):
            if re.search(rf"\b{sev}\b", docs[kind]):
                assert sev in severities, (kind, sev)


def test_how_to_read_section_is_linked(page: str) -> None:
    html_part = how_to_read_html()
    assert html_part in page
    assert '<a href="#how-to-read">How to read this</a>' in page
    for word in ("HIGH", "MEDIUM", "LOW"):
        assert f'<span class="sev sev-{word.lower()}">{word.lower()}</span>' in html_part
    assert "calibrated probability" in html_part and "confidence" in html_part


def test_degenerate_reports_still_render_with_word_changes() -> None:
    rep = copy.deepcopy(make_report())
    rep["pairs"][0]["alignments"][0]["word_changes"] = [{"op": "replace", "a_span": [9999, 5], "b_span": None},
                                                        {"op": "bogus"}, "not a dict"]
    out = render_html(rep)
    assert out.rstrip().endswith("</html>")
    embedded_data(out)
