"""Tests for the self-contained HTML report (`storytrace.report.html`, `storytrace.report.graph`)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from storytrace.report.graph import graph_svg
from storytrace.report.html import render_html
from tests.helpers import ARTIFACTS


EVIL = "</script><script>alert(1)</script>"
EVIL_ATTR = '" onmouseover="x'

# Three versions of one made-up story, plus one unrelated article.
# wire-1 holds a character outside the BMP (🌊) before most of its spans, so a
# code-point / UTF-16 mix-up in the page would shift every highlight after it.
WIRE = (
    "Flood waters rose overnight in Riverton 🌊.\n"
    "Mayor Ana Diaz said 120 homes were evacuated on Tuesday.\n"
    '"We are doing everything we can," Diaz said.\n'
    "Roads north of the city remain closed."
)
PAPER = (
    "Flood waters rose overnight in Riverton.\n"
    "Mayor Ana Diaz said 200 homes were evacuated on Tuesday.\n"
    '"We are doing all we can," Diaz said.\n'
    f"Local residents blamed the council. {EVIL} {EVIL_ATTR}\""
)
BLOG = (
    "Overnight, rising water hit the town of Riverton.\n"
    "Some 120 households left their homes, the mayor said.\n"
    "It is the worst flood in a decade."
)
OTHER = "The city council approved a new budget for parks on Monday."


def sp(text: str, sub: str) -> list[int]:
    i = text.index(sub)
    return [i, i + len(sub)]


def al(a_text: str, a_sub: str, b_text: str, b_sub: str, kind: str, score: float) -> dict:
    return {"a_span": sp(a_text, a_sub), "b_span": sp(b_text, b_sub), "kind": kind, "score": score}


W1 = "Flood waters rose overnight in Riverton 🌊."
W2 = "Mayor Ana Diaz said 120 homes were evacuated on Tuesday."
W3 = '"We are doing everything we can," Diaz said.'
W4 = "Roads north of the city remain closed."
P1 = "Flood waters rose overnight in Riverton."
P2 = "Mayor Ana Diaz said 200 homes were evacuated on Tuesday."
P3 = '"We are doing all we can," Diaz said.'
B1 = "Overnight, rising water hit the town of Riverton."
B2 = "Some 120 households left their homes, the mayor said."


def make_report() -> dict:
    w_p = [al(WIRE, W1, PAPER, P1, "edited", 0.97), al(WIRE, W2, PAPER, P2, "edited", 0.93),
           al(WIRE, W3, PAPER, P3, "edited", 0.88)]
    p_w = [al(PAPER, P1, WIRE, W1, "edited", 0.97), al(PAPER, P2, WIRE, W2, "edited", 0.93),
           al(PAPER, P3, WIRE, W3, "edited", 0.88)]
    w_b = [al(WIRE, W1, BLOG, B1, "paraphrase", 0.81), al(WIRE, W2, BLOG, B2, "paraphrase", 0.74)]
    return {
        "articles": [
            {"id": "wire-1", "title": "Riverton flood forces evacuations", "source": "Wire Service",
             "published_at": "2024-05-07T06:00:00Z", "n_sentences": 4, "text": WIRE},
            {"id": "paper-2", "title": f"Flood: 200 homes evacuated {EVIL} {EVIL_ATTR}",
             "source": "Daily <b>Paper</b>", "published_at": "2024-05-07T09:30:00Z", "n_sentences": 4,
             "text": PAPER},
            {"id": "blog-3", "title": "Riverton under water", "source": "A Blog",
             "published_at": "2024-05-07T12:00:00Z", "n_sentences": 3, "text": BLOG},
            {"id": "other-4", "title": "Parks budget passes", "source": "Town News",
             "published_at": "2024-05-06T18:00:00Z", "n_sentences": 1, "text": OTHER},
        ],
        "stories": [
            {"id": "s1", "articles": ["wire-1", "paper-2", "blog-3"]},
            {"id": "s2", "articles": ["other-4"]},
        ],
        "pairs": [
            # both orders for wire/paper, only one order for wire/blog, none for paper/blog
            {"a": "wire-1", "b": "paper-2", "a_in_b": {"verbatim": 0.0, "edited": 0.75, "paraphrase": 0.0},
             "alignments": w_p},
            {"a": "paper-2", "b": "wire-1", "a_in_b": {"verbatim": 0.0, "edited": 0.75, "paraphrase": 0.0},
             "alignments": p_w},
            {"a": "wire-1", "b": "blog-3", "a_in_b": {"verbatim": 0.0, "edited": 0.0, "paraphrase": 0.5},
             "alignments": w_b},
        ],
        "derivation": [
            {"source": "wire-1", "derived": "paper-2", "level": "wholly", "confidence": 0.91,
             "evidence": "3 of 4 sentences edited from wire-1"},
            {"source": "wire-1", "derived": "blog-3", "level": "partially", "confidence": 0.64,
             "evidence": "2 paraphrased sentences"},
            {"source": "(unseen common source)", "derived": "wire-1", "level": "shared_source",
             "confidence": 0.35, "evidence": "quote also seen elsewhere"},
            {"source": "(unseen common source)", "derived": "blog-3", "level": "shared_source",
             "confidence": 0.3, "evidence": "decade claim"},
        ],
        "findings": [
            # deliberately not in severity order
            {"article": "paper-2", "kind": "unsupported_addition", "severity": "low",
             "text": f"Local residents blamed the council. {EVIL}",
             "span": sp(PAPER, f"Local residents blamed the council. {EVIL}"),
             "counterpart": None, "explanation": "Not in any earlier version."},
            {"article": "paper-2", "kind": "number_changed", "severity": "high", "text": "200 homes",
             "span": sp(PAPER, "200 homes"),
             "counterpart": {"article": "wire-1", "text": "120 homes", "span": sp(WIRE, "120 homes")},
             "explanation": "120 became 200."},
            {"article": "paper-2", "kind": "quote_altered", "severity": "medium", "text": "doing all we can",
             "span": sp(PAPER, "doing all we can"),
             "counterpart": {"article": "wire-1", "text": "doing everything we can",
                             "span": sp(WIRE, "doing everything we can")},
             "explanation": "Words inside the quotation marks differ."},
            {"article": "blog-3", "kind": "omission", "severity": "medium", "text": "",
             "span": [len(BLOG), len(BLOG)],
             "counterpart": {"article": "wire-1", "text": W4, "span": sp(WIRE, W4)},
             "explanation": "The road closures are left out."},
        ],
        "brief": [
            {"text": "Flood waters rose overnight in Riverton.",
             "sources": [{"article": "wire-1", "span": sp(WIRE, W1)}, {"article": "paper-2", "span": sp(PAPER, P1)},
                         {"article": "blog-3", "span": sp(BLOG, B1)}],
             "support": 3, "conflicts": []},
            {"text": "The mayor said 120 homes were evacuated.",
             "sources": [{"article": "wire-1", "span": sp(WIRE, W2)}, {"article": "blog-3", "span": sp(BLOG, B2)}],
             "support": 2, "conflicts": [f"paper-2 says 200 homes {EVIL}"]},
        ],
    }


@pytest.fixture(scope="module")
def report() -> dict:
    return make_report()


@pytest.fixture(scope="module")
def page_html(report: dict) -> str:
    return render_html(report)


def embedded_data(out: str) -> dict:
    m = re.search(r'<script type="application/json" id="storytrace-data">(.*?)</script>', out, re.S)
    assert m, "no embedded JSON data block"
    return json.loads(m.group(1))


# --- static checks ---------------------------------------------------------


def test_no_script_injection(page_html: str) -> None:
    low = page_html.lower()
    assert "<script>alert(1)" not in low
    assert "alert(1)</script>" not in low
    # exactly our two script elements: the JSON data block and the page script
    assert low.count("<script") == 2
    assert low.count("</script") == 2
    assert EVIL_ATTR not in page_html
    assert 'onmouseover="' not in low
    assert "<b>paper</b>" not in low


def test_text_is_escaped(page_html: str) -> None:
    assert html.escape(f"Flood: 200 homes evacuated {EVIL} {EVIL_ATTR}") in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "&quot; onmouseover=&quot;x" in page_html
    assert html.escape("Daily <b>Paper</b>") in page_html
    assert html.escape(f"paper-2 says 200 homes {EVIL}") in page_html  # brief conflict


def test_embedded_data_round_trips(page_html: str, report: dict) -> None:
    block = re.search(r'id="storytrace-data">(.*?)</script>', page_html, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = embedded_data(page_html)
    assert data["articles"]["paper-2"]["text"] == PAPER
    assert data["articles"]["wire-1"]["text"] == WIRE
    assert data["default"] == ["wire-1", "paper-2"]


def test_no_network_resources(page_html: str) -> None:
    assert re.search(r"https?://", page_html) is None
    assert re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", page_html, re.I) is None
    assert re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page_html, re.I) is None
    assert "<link" not in page_html.lower()
    assert "default-src 'none'" in page_html  # CSP: nothing may be fetched


def test_svg_graph(page_html: str) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", page_html, re.S)
    assert len(svgs) == 1  # one multi-article story
    svg = svgs[0]
    assert svg.count("<circle") == 4  # 3 articles + the pseudo-node
    assert svg.count('class="node pseudo"') == 1
    assert "(unseen common source)" in svg
    assert svg.count('<g class="edge') == 4
    assert svg.count("shared\"") >= 2  # dashed shared-source edges
    assert "wholly · 0.91" in svg and "partially · 0.64" in svg
    assert "marker-end=" in svg


def test_assets_are_the_package_files_and_the_csp_hashes_the_script(page_html: str) -> None:
    assets = resources.files("storytrace.report").joinpath("assets")
    css = assets.joinpath("report.css").read_text(encoding="utf-8")
    js = assets.joinpath("report.js").read_text(encoding="utf-8")
    assert f"<style>{css}</style>" in page_html
    scripts = re.findall(r"<script>(.*?)</script>", page_html, re.S)
    assert scripts == [js]
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page_html).group(1)
    assert f"script-src 'sha256-{digest}'" in csp


def test_graph_svg_on_its_own(report: dict) -> None:
    articles = {a["id"]: a for a in report["articles"]}
    ids = ["blog-3", "paper-2", "wire-1"]  # not in time order: the graph sorts by published_at
    svg = graph_svg(articles, ids, report["derivation"], "g1", node_href=lambda aid: f"/a/{aid}")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    labels = re.findall(r'<text class="nlabel"[^>]*>([^<]*)</text>', svg)
    assert labels == ["(unseen common source)", "wire-1", "paper-2", "blog-3"]
    assert svg.count('<a class="nodelink" href="/a/') == 3  # the pseudo node is no link
    assert 'id="g1-arr"' in svg and 'id="g1-arrs"' in svg
    assert svg in render_html(report, node_href=lambda aid: f"/a/{aid}")  # the first story's graph is "g1"


def test_every_finding_has_a_link_target(page_html: str, report: dict) -> None:
    data = embedded_data(page_html)
    n = len(report["findings"])
    assert len(data["findings"]) == n
    assert 'id="compare"' in page_html
    for i in range(n):
        link = re.search(rf'<a class="flink" href="#compare" data-finding="{i}">', page_html)
        assert link, f"finding {i} has no link"
        assert f'id="finding-{i}"' in page_html
        f = data["findings"][i]
        assert f["article"] in data["articles"] and f["span"] is not None


def test_findings_most_severe_first(page_html: str) -> None:
    data = embedded_data(page_html)
    sevs = [f["severity"] for f in data["findings"]]
    assert sevs == ["high", "medium", "medium", "low"]
    pos = [page_html.index(f'id="finding-{i}"') for i in range(4)]
    assert pos == sorted(pos)
    assert page_html.index("number changed") < page_html.index("unsupported addition")


def test_spans_are_utf16_offsets(page_html: str) -> None:
    data = embedded_data(page_html)
    number = data["findings"][0]
    assert number["kind"] == "number_changed"
    s, e = number["cp"]["span"]
    # the emoji before "120 homes" takes two UTF-16 code units
    utf16 = WIRE.encode("utf-16-le")
    assert utf16[2 * s:2 * e].decode("utf-16-le") == "120 homes"
    assert s == WIRE.index("120 homes") + 1


def test_matrix_and_stories(page_html: str) -> None:
    assert 'id="story-1"' in page_html and 'id="other"' in page_html
    assert "Other stories" in page_html and "other-4" in page_html
    assert 'class="matrix"' in page_html
    assert "≈" in page_html  # blog-3 in wire-1 estimated from the other order
    assert "75%" in page_html and "50%" in page_html
    assert 'data-pair-a="paper-2" data-pair-b="blog-3" title="not compared"' in page_html
    for aid in ("wire-1", "paper-2", "blog-3"):
        assert f'<option value="{aid}">' in page_html


def test_a_story_of_many_versions_gets_a_row_per_version_not_a_matrix_or_graph() -> None:
    from storytrace.report.html import MATRIX_MAX_VERSIONS

    n = MATRIX_MAX_VERSIONS + 3
    ids = [f"v{k:02d}" for k in range(n)]
    rep = {
        "articles": [{"id": aid, "text": f"Version {aid} of the story.", "n_sentences": 1,
                      "reuse_summary": {"compared_with": 4, "most_found_in": None,
                                        "near_copy_of": "v00" if k % 2 else None}} for k, aid in enumerate(ids)],
        "stories": [{"id": "big", "articles": ids}],
        "pairs": [{"a": aid, "b": "v00", "a_in_b": {"verbatim": 0.5, "edited": 0.25, "paraphrase": 0.0},
                   "alignments": []} for aid in ids[1:]],
        "derivation": [{"source": "v00", "derived": aid, "level": "wholly", "confidence": 0.9, "evidence": "x"}
                       for aid in ids[1:]],
        "findings": [{"article": "v03", "kind": "number_changed", "severity": "high", "span": [0, 7],
                      "text": "Version", "explanation": "e"}],
    }
    out = render_html(rep)
    assert "Reuse by version" in out and 'class="matrix"' not in out and "<svg" not in out
    assert out.count('data-pair-a="v00" data-pair-b=') == n - 1  # each version opens with its source
    assert "75%" in out and out.count(">near-copy<") == n // 2
    small = dict(rep, stories=[{"id": "small", "articles": ids[:3]}])
    assert 'class="matrix"' in render_html(small) and "Reuse by version" not in render_html(small)


def test_degenerate_reports_render() -> None:
    for rep in ({}, {"articles": []}, {"articles": [{"id": "x", "text": "Only one."}]},
                {"articles": [{"id": "a", "text": "A"}, {"id": "b"}], "stories": [{"id": "s", "articles": ["a", "b"]}],
                 "pairs": [{"a": "a", "b": "b", "a_in_b": None, "alignments": [{"a_span": [5, 2], "b_span": None}]}],
                 "findings": [{"article": "zz", "span": None}], "brief": [{"text": None, "sources": [{}]}],
                 "derivation": [{"source": "a", "derived": "b", "confidence": "nan"}]}):
        out = render_html(rep)
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
        embedded_data(out)


# --- browser check -----------------------------------------------------------

from tests.browser import CHROMIUM, watched_page  # noqa: E402  (browser helpers, shared)


@pytest.mark.browser
def test_report_in_browser(tmp_path: Path, page_html: str) -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]' (or pip install playwright); "
                    "no `playwright install` needed, the test drives /usr/bin/chromium")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run .ci/install-browser "
                    "(apt-get install -y chromium)")

    path = tmp_path / "report.html"
    path.write_text(page_html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)

    with watched_page(("file:", "data:")) as (page, seen):
        page.goto(path.as_uri())
        page.wait_for_selector("#col-a .seg")

        # default pair: wire-1 | paper-2, highlighted in both columns
        assert page.eval_on_selector("#col-a", "n => n.dataset.article") == "wire-1"
        assert page.eval_on_selector("#col-b", "n => n.dataset.article") == "paper-2"
        hl = '.seg.k-verbatim, .seg.k-edited, .seg.k-paraphrase'
        assert page.locator(f"#col-a :is({hl})").count() > 0
        assert page.locator(f"#col-b :is({hl})").count() > 0
        # the whole text is there, hostile bits as text (not markup)
        assert page.inner_text("#col-b").strip().endswith(f"{EVIL} {EVIL_ATTR}\"")
        assert page.locator("#col-b script").count() == 0
        # UTF-16: the finding counterpart highlights exactly "120 homes" after the emoji
        assert "".join(page.locator('#col-a [data-fc~="0"]').all_inner_texts()) == "120 homes"
        assert "".join(page.locator('#col-b [data-f~="0"]').all_inner_texts()) == "200 homes"

        # hover a span: its counterpart lights up in the other column
        page.hover('#col-a .seg[data-al]')
        assert page.locator("#col-b .seg.hl").count() > 0

        # change the pair: right column becomes blog-3 (paraphrases)
        page.select_option("#pick-b", "blog-3")
        assert page.eval_on_selector("#col-b", "n => n.dataset.article") == "blog-3"
        assert page.inner_text("#col-b").startswith("Overnight, rising water")
        assert page.locator("#col-b .seg.k-paraphrase").count() > 0
        assert page.locator("#col-a .seg.k-edited").count() == 0

        # click the high-severity finding: back to paper-2 vs wire-1, span flashed
        page.click('a.flink[data-finding="0"]')
        target = page.locator('#col-b [data-f~="0"], #col-a [data-f~="0"]').first
        cls = target.get_attribute("class") or ""
        assert "active" in cls and "flash" in cls
        assert {page.eval_on_selector("#col-a", "n => n.dataset.article"),
                page.eval_on_selector("#col-b", "n => n.dataset.article")} == {"paper-2", "wire-1"}
        assert page.locator('.col [data-fc~="0"].active').count() > 0

        # the omission finding (empty span) shows a marker in blog-3
        page.click('a.flink[data-finding="2"]')
        assert page.locator('.col .gap.active[data-f~="2"]').count() == 1

        # a brief badge jumps to its passage
        page.click('a.badge[data-goto="blog-3"] >> nth=0')
        active = page.locator(".col .seg.active")
        assert active.count() > 0
        assert "".join(active.all_inner_texts()) == B1

        # back to the first finding for the picture
        page.click('a.flink[data-finding="0"]')
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

        # narrow screens: no horizontal scrolling of the page
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
        page.screenshot(path=str(ARTIFACTS / "report-narrow.png"), full_page=True)

    assert not seen.dialogs, f"a dialog fired: {seen.dialogs}"
    assert not seen.errors, f"page errors: {seen.errors}"
    assert not seen.remote, f"the page tried to load: {seen.remote}"
