"""One self-contained HTML report for a `compare` result.

`render_html(report)` takes the compare JSON document (the ``--json`` contract,
with ``articles[].text`` holding each article's full text) and returns one HTML
page with inline CSS, inline JS and an inline SVG: no network, no external fonts.
The CSS and JS are the package files ``assets/report.css`` and ``assets/report.js``;
the SVG (the derivation graph) is drawn by `storytrace.report.graph`.

Safety: every piece of text that comes from the report (article text, titles,
ids, finding texts, ...) is escaped with `html.escape` (`markup.esc`) where it is
written into HTML or SVG; the data the page script needs is embedded in a
``<script type="application/json">`` block in which every ``<``, ``>`` and ``&``
is written as a JSON ``\\u003c``-style escape (so ``</script>`` or ``<!--`` can
never appear raw), and the script only ever puts it into the page through
``textContent``. A Content-Security-Policy allows no network loads and only the
page's own script (by hash), so even a stray inline handler could not run.

Offsets: spans in the report are Python ``str`` indices (code points); the page
script works on JS strings (UTF-16), so every span embedded for the script is
converted to UTF-16 offsets here.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from importlib import resources
from typing import Any, Callable, Sequence

from storytrace.model import SEVERITY_RANK
from storytrace.report.graph import edge_caveats, graph_svg
from storytrace.report.howto import how_to_read_html
from storytrace.report.markup import as_num, as_str, conflict_line, esc, truncate
from storytrace.report.names import first_sentence, short_name, version_name

__all__ = ["render_html"]

KINDS = ("verbatim", "edited", "paraphrase")
WORD_OPS = ("replace", "delete", "insert")
PSEUDO_LABEL = "(unseen common source)"


# ---------------------------------------------------------------------------
# small helpers


def _share(value: Any) -> float:
    return min(1.0, max(0.0, as_num(value)))


def _pct(value: float) -> str:
    return f"{round(value * 100):d}%"


def _raw_span(span: Any) -> tuple[int, int] | None:
    """A ``[start, end)`` pair from the report, or None when it is not one."""
    if not isinstance(span, (list, tuple)) or len(span) != 2:
        return None
    try:
        s, e = int(span[0]), int(span[1])
    except (TypeError, ValueError):
        return None
    return (s, e)


class _Text:
    """An article's text with code-point -> UTF-16 offset conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        utf16_len = len(text.encode("utf-16-le")) // 2
        self.n16 = utf16_len
        if utf16_len == self.n:
            self._cum: list[int] | None = None
        else:
            cum = [0]
            total = 0
            for ch in text:
                total += 2 if ord(ch) > 0xFFFF else 1
                cum.append(total)
            self._cum = cum

    def clamp(self, span: Any) -> tuple[int, int] | None:
        sp = _raw_span(span)
        if sp is None:
            return None
        s = max(0, min(sp[0], self.n))
        e = max(s, min(sp[1], self.n))
        return (s, e)

    def u16(self, span: Any) -> list[int] | None:
        """The span clamped to the text and converted to UTF-16 offsets."""
        sp = self.clamp(span)
        if sp is None:
            return None
        if self._cum is None:
            return [sp[0], sp[1]]
        return [self._cum[sp[0]], self._cum[sp[1]]]


def _json_for_script(data: Any) -> str:
    """JSON that cannot end (or confuse) the ``<script>`` element it sits in.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. are
    valid escapes, so ``</script>``, ``<!--`` and ``<script`` never appear raw.
    """
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# ---------------------------------------------------------------------------
# normalising the report


class _Report:
    """The report dict, read defensively and indexed for rendering."""

    def __init__(self, report: dict) -> None:
        self.articles: list[dict] = []
        self.by_id: dict[str, dict] = {}
        for a in report.get("articles") or []:
            if not isinstance(a, dict) or a.get("id") is None:
                continue
            aid = str(a["id"])
            if aid in self.by_id:
                continue
            self.articles.append(a)
            self.by_id[aid] = a
        self.texts = {aid: _Text(as_str(a.get("text"))) for aid, a in self.by_id.items()}

        # stories: keep only known articles; articles in no story get their own
        self.stories: list[dict] = []
        seen: set[str] = set()
        for i, st in enumerate(report.get("stories") or []):
            if not isinstance(st, dict):
                continue
            ids = [str(x) for x in st.get("articles") or [] if str(x) in self.by_id and str(x) not in seen]
            seen.update(ids)
            if ids:
                self.stories.append({"id": as_str(st.get("id")) or f"story-{i + 1}", "articles": ids})
        for aid in self.by_id:
            if aid not in seen:
                self.stories.append({"id": f"(unassigned) {aid}", "articles": [aid]})
        self.story_of = {aid: st["id"] for st in self.stories for aid in st["articles"]}
        self.story_ids = {st["id"] for st in self.stories}
        self.multi = [st for st in self.stories if len(st["articles"]) >= 2]
        self.single = [st for st in self.stories if len(st["articles"]) < 2]

        # pairs
        self.pairs: list[dict] = []
        self.reuse: dict[tuple[str, str], dict[str, float]] = {}
        for p in report.get("pairs") or []:
            if not isinstance(p, dict):
                continue
            a, b = as_str(p.get("a")), as_str(p.get("b"))
            if a not in self.by_id or b not in self.by_id:
                continue
            self.pairs.append(p)
            ain = p.get("a_in_b") or {}
            if isinstance(ain, dict):
                self.reuse[(a, b)] = {k: _share(ain.get(k)) for k in KINDS}

        self.derivation = [d for d in report.get("derivation") or [] if isinstance(d, dict)]
        self.findings = [f for f in report.get("findings") or [] if isinstance(f, dict)]
        self.brief = [b for b in report.get("brief") or [] if isinstance(b, dict)]

    # --- reuse shares -----------------------------------------------------

    def share(self, a: str, b: str) -> tuple[dict[str, float] | None, bool]:
        """Share of a's sentences found in b, by kind; (shares, estimated)."""
        if (a, b) in self.reuse:
            return self.reuse[(a, b)], False
        # only the (b, a) order is given: estimate from the alignments' spans in a
        n = int(as_num(self.by_id[a].get("n_sentences"), 0))
        if n <= 0:
            return None, False
        rank = {k: i for i, k in enumerate(KINDS)}
        best: dict[tuple[int, int], str] = {}
        found = False
        for p in self.pairs:
            if as_str(p.get("a")) != b or as_str(p.get("b")) != a:
                continue
            found = True
            for al in p.get("alignments") or []:
                if not isinstance(al, dict):
                    continue
                sp = _raw_span(al.get("b_span"))
                kind = al.get("kind")
                if sp is None or kind not in rank:
                    continue
                if sp not in best or rank[kind] < rank[best[sp]]:
                    best[sp] = kind
        if not found:
            return None, False
        shares = {k: 0.0 for k in KINDS}
        for kind in best.values():
            shares[kind] += 1.0 / n
        total = sum(shares.values())
        if total > 1.0:
            shares = {k: v / total for k, v in shares.items()}
        return shares, True

    def default_pair(self) -> tuple[str, str] | None:
        # the pair with the most aligned passages: the most telling view to open on
        best, pair = -1, None
        for p in self.pairs:
            a, b = as_str(p.get("a")), as_str(p.get("b"))
            n = len(p.get("alignments") or [])
            if a != b and n > best:
                best, pair = n, (a, b)
        if pair is not None:
            return pair
        if self.multi:
            ids = self.multi[0]["articles"]
            return ids[0], ids[1]
        ids = list(self.by_id)
        if len(ids) >= 2:
            return ids[0], ids[1]
        if ids:
            return ids[0], ids[0]
        return None


# ---------------------------------------------------------------------------
# data for the page script


def _export_finding(f: dict) -> dict:
    """One finding as exported (CSV / JSON): the contract's fields, spans in code points as in the report."""
    cp = f.get("counterpart") if isinstance(f.get("counterpart"), dict) else None
    return {
        "story": as_str(f.get("story")),
        "article": as_str(f.get("article")),
        "kind": as_str(f.get("kind")),
        "severity": as_str(f.get("severity")),
        "text": as_str(f.get("text")),
        "span": list(_raw_span(f.get("span")) or []),
        "counterpart": None if cp is None else {"article": as_str(cp.get("article")), "text": as_str(cp.get("text")),
                                                "span": list(_raw_span(cp.get("span")) or [])},
        "explanation": as_str(f.get("explanation")),
    }


def _script_data(r: _Report, findings_sorted: list[dict]) -> dict:
    articles = {}
    for aid, a in r.by_id.items():
        t = r.texts[aid]
        articles[aid] = {
            "name": version_name(a),
            "short": short_name(a),
            "title": as_str(a.get("title")),
            "source": as_str(a.get("source")),
            "published_at": as_str(a.get("published_at")),
            "story": r.story_of.get(aid, ""),
            "text": t.text,
        }
    pairs = []
    for p in r.pairs:
        a, b = as_str(p.get("a")), as_str(p.get("b"))
        ta, tb = r.texts[a], r.texts[b]
        rows = []
        for al in p.get("alignments") or []:
            if not isinstance(al, dict) or al.get("kind") not in KINDS:
                continue
            sa, sb = ta.u16(al.get("a_span")), tb.u16(al.get("b_span"))
            if sa is None or sb is None:
                continue
            words = []
            for w in al.get("word_changes") or []:
                if not isinstance(w, dict) or w.get("op") not in WORD_OPS:
                    continue
                wa, wb = ta.u16(w.get("a_span")), tb.u16(w.get("b_span"))
                if wa is not None and wb is not None:
                    words.append([w["op"], wa[0], wa[1], wb[0], wb[1]])
            rows.append([sa[0], sa[1], sb[0], sb[1], al["kind"], round(as_num(al.get("score")), 3), words])
        pairs.append({"a": a, "b": b, "al": rows})
    reuse = {}
    for (a, b), sh in r.reuse.items():
        reuse[f"{a}\u0001{b}"] = [round(sh[k], 4) for k in KINDS]
    findings = []
    for f in findings_sorted:
        aid = as_str(f.get("article"))
        span = r.texts[aid].u16(f.get("span")) if aid in r.texts else None
        cp = f.get("counterpart")
        cpd = None
        if isinstance(cp, dict):
            caid = as_str(cp.get("article"))
            cspan = r.texts[caid].u16(cp.get("span")) if caid in r.texts else None
            if cspan is not None:
                cpd = {"article": caid, "span": cspan}
        findings.append(
            {
                "article": aid,
                "kind": as_str(f.get("kind")),
                "severity": as_str(f.get("severity")),
                "span": span,
                "cp": cpd,
                # for the search box and the CSV / JSON export: the finding as the contract has it
                "x": _export_finding(f),
            }
        )
    # brief source spans: cut points in the side-by-side view so badges can flash them
    targets: dict[str, list[list[int]]] = {}
    for entry in r.brief:
        for src in entry.get("sources") or []:
            if not isinstance(src, dict):
                continue
            aid = as_str(src.get("article"))
            if aid in r.texts:
                sp = r.texts[aid].u16(src.get("span"))
                if sp is not None:
                    targets.setdefault(aid, []).append(sp)
    default = r.default_pair()
    return {
        "articles": articles,
        "pairs": pairs,
        "reuse": reuse,
        "findings": findings,
        "targets": targets,
        "default": list(default) if default else None,
    }


# ---------------------------------------------------------------------------
# HTML pieces


def _name_cell(a: dict) -> str:
    """The version's name: its label (bold) and title, else its first sentence (marked as such)."""
    label, title = as_str(a.get("label")).strip(), as_str(a.get("title")).strip()
    parts = [f"<b class=\"vlabel\">{esc(label)}</b>"] if label else []
    if title:
        parts.append(esc(title))
    else:
        first = first_sentence(a)
        parts.append(f"<span class=\"muted\" title=\"no title: its first sentence\">{esc(truncate(first, 160))}</span>"
                     if first else "<span class=\"muted\">(untitled)</span>")
    return "<br>".join(parts) if label else parts[0]


def _article_table(r: _Report, ids: list[str], with_story: bool = False) -> str:
    head = "<th>Story</th>" if with_story else ""
    rows = []
    for aid in ids:
        a = r.by_id[aid]
        story = f"<td>{esc(r.story_of.get(aid))}</td>" if with_story else ""
        n = a.get("n_sentences")
        rows.append(
            "<tr>"
            f"<td><code class=\"aid\">{esc(aid)}</code></td>"
            f"<td class=\"title\">{_name_cell(a)}</td>"
            f"<td>{esc(a.get('source'))}</td>"
            f"<td class=\"nowrap\">{esc(a.get('published_at'))}</td>"
            f"<td class=\"num\">{esc(n) if n is not None else ''}</td>"
            f"{story}</tr>"
        )
    return (
        "<div class=\"tablewrap\"><table class=\"arts\"><thead><tr>"
        "<th>Article</th><th>Title (or first sentence)</th><th>Source</th><th>Published</th>"
        f"<th class=\"num\">Sentences</th>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


# Set by hand: a matrix or a graph of more versions than this does not fit a page (nor a reader's eye);
# a bigger story gets one row per version instead.
MATRIX_MAX_VERSIONS = 24


def _reuse_by_version(r: _Report, ids: list[str]) -> str:
    """One row per version: what it was taken from, how much of it is found there, its findings."""
    sources: dict[str, list[dict]] = {}
    for e in r.derivation:
        sources.setdefault(as_str(e.get("derived")), []).append(e)
    counts: dict[str, int] = {}
    for f in r.findings:
        counts[as_str(f.get("article"))] = counts.get(as_str(f.get("article")), 0) + 1
    rows = []
    for aid in ids:
        a = r.by_id[aid]
        summary = a.get("reuse_summary") if isinstance(a.get("reuse_summary"), dict) else {}
        taken = []
        for e in sources.get(aid, []):
            src = as_str(e.get("source"))
            shares = r.reuse.get((aid, src))
            found = f" {_pct(min(1.0, sum(shares.values())))}" if shares else ""
            button = (f"<button type=\"button\" class=\"cellbtn\" data-pair-a=\"{esc(src)}\" "
                      f"data-pair-b=\"{esc(aid)}\" title=\"open {esc(src)} and {esc(aid)} side by side\">"
                      f"{_id_name(r, src)}{found}</button>"
                      if src in r.by_id else _id_name(r, src))
            taken.append(f"{button} <small>{esc(e.get('level'))}</small>")
        copy = summary.get("near_copy_of")
        rows.append(
            f"<tr><td>{_id_name(r, aid)}</td><td class=\"title\">{_name_cell(a)}</td>"
            f"<td>{'<br>'.join(taken) or '—'}</td><td>{'near-copy' if copy else ''}</td>"
            f"<td class=\"num\">{esc(summary.get('compared_with', ''))}</td>"
            f"<td class=\"num\">{counts.get(aid, 0)}</td></tr>"
        )
    return (
        "<div class=\"tablewrap\"><table class=\"arts\"><thead><tr><th>Version</th><th>Title (or first sentence)</th>"
        "<th>Taken from (share of its sentences found there)</th><th></th><th class=\"num\">Compared with</th>"
        "<th class=\"num\">Findings</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        f"<p class=\"note\">{len(ids)} versions: too many for a matrix or a graph (more than {MATRIX_MAX_VERSIONS}). "
        "A near-copy is the same text as the version it was taken from up to small edits, and was aligned with "
        "it by its text alone; each other version was compared with its nearest versions only. Click a source "
        "to open the pair side by side.</p>"
    )


def _bar(shares: dict[str, float]) -> str:
    parts = "".join(
        f"<i class=\"b-{k}\" style=\"width:{shares[k] * 100:.1f}%\"></i>" for k in KINDS if shares[k] > 0
    )
    return f"<span class=\"bar\" aria-hidden=\"true\">{parts}</span>"


def _matrix(r: _Report, ids: list[str]) -> str:
    head = "".join(f"<th scope=\"col\" title=\"{esc(b)}: {esc(version_name(r.by_id[b]))}\">"
                   f"{esc(short_name(r.by_id[b], 24))}</th>" for b in ids)
    rows = []
    for a in ids:
        cells = []
        for b in ids:
            if a == b:
                cells.append("<td class=\"diag\">—</td>")
                continue
            shares, estimated = r.share(a, b)
            if shares is None:
                cells.append(
                    f"<td class=\"cell none\"><button type=\"button\" class=\"cellbtn\" "
                    f"data-pair-a=\"{esc(a)}\" data-pair-b=\"{esc(b)}\" "
                    f"title=\"not compared\">–</button></td>"
                )
                continue
            total = min(1.0, sum(shares.values()))
            tip = f"{a} in {b}: " + ", ".join(f"{k} {_pct(shares[k])}" for k in KINDS)
            if estimated:
                tip += " (estimated from the alignments of the other order)"
            mark = "≈" if estimated else ""
            cells.append(
                f"<td class=\"cell\"><button type=\"button\" class=\"cellbtn\" "
                f"data-pair-a=\"{esc(a)}\" data-pair-b=\"{esc(b)}\" title=\"{esc(tip)}\">"
                f"{_bar(shares)}<span class=\"pct\">{mark}{_pct(total)}</span>"
                f"<span class=\"kinds\">{_pct(shares['verbatim'])} / {_pct(shares['edited'])} / "
                f"{_pct(shares['paraphrase'])}</span></button></td>"
            )
        rows.append(f"<tr><th scope=\"row\" title=\"{esc(a)}: {esc(version_name(r.by_id[a]))}\">"
                    f"{esc(short_name(r.by_id[a], 24))}</th>{''.join(cells)}</tr>")
    return (
        "<div class=\"tablewrap\"><table class=\"matrix\"><thead><tr>"
        "<th class=\"corner\">a ↓ &nbsp; found in b →</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        "<p class=\"note\">Cell = share of the row article's sentences found in the column article: "
        "<span class=\"sw b-verbatim\"></span> verbatim / <span class=\"sw b-edited\"></span> edited / "
        "<span class=\"sw b-paraphrase\"></span> paraphrase. Click a cell to open that pair "
        "side by side. ≈ = estimated from the other order's alignments.</p>"
    )


def _derivation(r: _Report, st: dict, uid: str,
                node_href: Callable[[str], str | None] | None = None) -> tuple[str, str]:
    """(the graph with its legend, the evidence table under the story's two columns)."""
    ids = st["articles"]
    idset = set(ids)
    edges = [e for e in r.derivation if as_str(e.get("derived")) in idset]
    svg = ("" if len(ids) > MATRIX_MAX_VERSIONS  # drawn as a table instead (_reuse_by_version)
           else f"<div class=\"graphwrap\">{graph_svg(r.by_id, ids, edges, uid, node_href)}</div>")
    legend = (
        "<p class=\"note\"><span class=\"lg-line wholly\"></span> wholly "
        "<span class=\"lg-line partially\"></span> partially "
        "<span class=\"lg-line shared\"></span> shared source &nbsp;· arrows run source → derived, "
        "labelled with level and confidence (⚠: a caveat the evidence states); nodes run clockwise by "
        "publication time. <a href=\"#how-to-read\">What these mean</a>.</p>"
    )
    if not edges:
        return svg + "<p class=\"note\">No derivation found between these articles.</p>", ""
    rows = []
    for e in sorted(edges, key=lambda e: -as_num(e.get("confidence"))):
        caveats = edge_caveats(e)
        cav = "".join(f"<div class=\"caveat\">⚠ {esc(c)}</div>" for c in caveats)
        rows.append(
            f"<tr><td>{_id_name(r, as_str(e.get('source')))}</td><td>→</td>"
            f"<td>{_id_name(r, as_str(e.get('derived')))}</td><td>{esc(e.get('level'))}</td>"
            f"<td class=\"num\">{as_num(e.get('confidence')):.2f}</td>"
            f"<td class=\"evidence\">{cav}{esc(e.get('evidence'))}</td></tr>"
        )
    table = (
        "<div class=\"edges\"><h4>Derivation evidence</h4><div class=\"tablewrap\">"
        "<table class=\"arts\"><thead><tr><th>Source</th><th></th><th>Derived</th><th>Level</th>"
        "<th class=\"num\">Conf.</th><th>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div></div>"
    )
    return svg + legend, table


def _id_name(r: _Report, aid: str) -> str:
    """An article id in code, with its label when it has one (report text, escaped)."""
    a = r.by_id.get(aid)
    label = as_str(a.get("label")) if a else ""
    return f"<code>{esc(aid)}</code>" + (f" <span class=\"vlabel\">{esc(label)}</span>" if label else "")


def _viewer(r: _Report) -> str:
    groups = []
    for st in r.multi + r.single:
        label = st["id"] if len(st["articles"]) >= 2 else f"other: {st['id']}"
        opts = "".join(
            f"<option value=\"{esc(aid)}\">{esc(aid)} — {esc(truncate(version_name(r.by_id[aid]), 60))}</option>"
            if version_name(r.by_id[aid]) != aid else f"<option value=\"{esc(aid)}\">{esc(aid)}</option>"
            for aid in st["articles"]
        )
        groups.append(f"<optgroup label=\"{esc(label)}\">{opts}</optgroup>")
    options = "".join(groups)
    legend = (
        "<div class=\"legend\" aria-label=\"legend\">"
        "<span class=\"seg k-verbatim\">verbatim</span>"
        "<span class=\"seg k-edited\">edited</span>"
        "<span class=\"seg k-paraphrase\">paraphrase</span>"
        "<span class=\"seg plain\">new (not in the other version)</span>"
        "<span class=\"seg fd sev-high\">finding</span>"
        "<span class=\"seg fdc\">finding's counterpart</span>"
        "<span class=\"seg k-edited\"><span class=\"wd wc-replace\">changed words</span></span>"
        "<span class=\"seg k-edited\"><span class=\"wd wc-only\">words only this side has</span></span>"
        "<span class=\"hint\">Hover a highlighted span to see its counterpart; click it to scroll the other column there.</span>"
        "</div>"
    )
    return (
        "<section id=\"compare\" class=\"viewer screen-only\"><h2>Side by side</h2>"
        "<div class=\"pickers\">"
        f"<label>Left <select id=\"pick-a\">{options}</select></label>"
        "<button type=\"button\" id=\"swap\" title=\"swap columns\">⇄</button>"
        f"<label>Right <select id=\"pick-b\">{options}</select></label>"
        "</div>"
        "<p id=\"pairinfo\" class=\"note\"></p>"
        f"{legend}"
        "<p id=\"status\" class=\"status\" aria-live=\"polite\"></p>"
        "<noscript><p class=\"warn\">The side-by-side view needs JavaScript.</p></noscript>"
        "<div class=\"cols\">"
        "<div class=\"colwrap\"><div class=\"colhead\" id=\"head-a\"></div>"
        "<div class=\"col\" id=\"col-a\" data-side=\"a\"></div></div>"
        "<div class=\"colwrap\"><div class=\"colhead\" id=\"head-b\"></div>"
        "<div class=\"col\" id=\"col-b\" data-side=\"b\"></div></div>"
        "</div></section>"
    )


def _findings(r: _Report, findings_sorted: list[dict], by_severity: bool = False) -> str:
    if not findings_sorted:
        return "<section id=\"findings\"><h2>Findings</h2><p class=\"note\">No findings.</p></section>"
    by_story: dict[str, list[tuple[int, dict]]] = {}
    for i, f in enumerate(findings_sorted):
        sid = as_str(f.get("story"))
        if sid not in r.story_ids:
            sid = r.story_of.get(as_str(f.get("article")), "")
        by_story.setdefault(sid, []).append((i, f))
    story_order = [st["id"] for st in r.stories if st["id"] in by_story] + (
        [""] if "" in by_story else []
    )
    counts = {k: sum(1 for f in findings_sorted if f.get("severity") == k) for k in SEVERITY_RANK}
    summary = " · ".join(f"<span class=\"sev sev-{k}\">{v} {k}</span>" for k, v in counts.items() if v)
    parts = [f"<section id=\"findings\"><h2>Findings <small>{summary}</small></h2>",
             _finding_filters(r, findings_sorted, counts)]
    for sid in story_order:
        if len(story_order) > 1:
            parts.append(f"<h3 class=\"fstory\">Story <code>{esc(sid) or '(unknown)'}</code></h3>")
        parts.append("<ol class=\"findings\">")
        group = None
        for i, f in by_story[sid]:
            sev = as_str(f.get("severity"))
            sev_cls = sev if sev in SEVERITY_RANK else "low"
            if by_severity and sev_cls != group:  # the list is sorted most severe first
                n_sev = sum(1 for _, g in by_story[sid]
                            if (as_str(g.get("severity")) if as_str(g.get("severity")) in SEVERITY_RANK else "low")
                            == sev_cls)
                if group is not None:
                    parts.append("</ol>")
                else:
                    parts.pop()  # the <ol> opened above: each group gets its own
                parts.append(f"<h4 class=\"sevgroup sev-{sev_cls}\"><span class=\"sev sev-{sev_cls}\">"
                             f"{esc(sev_cls)}</span> {n_sev} finding{'s' * (n_sev != 1)}</h4>"
                             f"<ol class=\"findings sev-{sev_cls}\">")
                group = sev_cls
            cp = f.get("counterpart") if isinstance(f.get("counterpart"), dict) else None
            cp_html = ""
            if cp:
                cp_html = (
                    f"<div class=\"cp\"><span class=\"lbl\">in {_id_name(r, as_str(cp.get('article')))}:</span> "
                    f"<q>{esc(cp.get('text'))}</q></div>"
                )
            ftext = as_str(f.get("text"))
            text_html = f"<q>{esc(ftext)}</q>" if ftext.strip() else "<span class=\"muted\">(nothing here)</span>"
            parts.append(
                f"<li class=\"finding sev-{sev_cls}\" id=\"finding-{i}\" data-i=\"{i}\" data-sev=\"{sev_cls}\" "
                f"data-kind=\"{esc(f.get('kind'))}\" data-article=\"{esc(f.get('article'))}\">"
                f"<div class=\"fhead\"><span class=\"sev sev-{sev_cls}\">{esc(sev)}</span> "
                f"<span class=\"kind\">{esc(as_str(f.get('kind')).replace('_', ' '))}</span> "
                f"<span class=\"lbl\">in</span> {_id_name(r, as_str(f.get('article')))} "
                f"<a class=\"flink\" href=\"#compare\" data-finding=\"{i}\">show in text ↗</a></div>"
                f"<div class=\"ftext\">{text_html}</div>{cp_html}"
                f"<div class=\"expl\">{esc(f.get('explanation'))}</div></li>"
            )
        parts.append("</ol>")
    parts.append("<p id=\"ff-none\" class=\"note\" hidden>No finding matches these filters.</p></section>")
    return "".join(parts)


def _finding_filters(r: _Report, findings_sorted: list[dict], counts: dict[str, int]) -> str:
    """The filter bar over the findings list (driven by report.js; hidden in print, where all findings show)."""
    sev = "".join(
        f"<label class=\"ff-check\"><input type=\"checkbox\" class=\"ff-sev\" value=\"{k}\" checked> "
        f"<span class=\"sev sev-{k}\">{k}</span> {counts.get(k, 0)}</label>"
        for k in SEVERITY_RANK
    )
    kinds: dict[str, int] = {}
    arts: dict[str, int] = {}
    for f in findings_sorted:
        kinds[as_str(f.get("kind"))] = kinds.get(as_str(f.get("kind")), 0) + 1
        arts[as_str(f.get("article"))] = arts.get(as_str(f.get("article")), 0) + 1
    kind_opts = "".join(f"<option value=\"{esc(k)}\">{esc(k.replace('_', ' '))} ({n})</option>"
                        for k, n in sorted(kinds.items()))
    art_opts = "".join(
        f"<option value=\"{esc(aid)}\">"
        f"{esc(short_name(r.by_id[aid], 40) if aid in r.by_id else aid)} ({n})</option>"
        for aid, n in arts.items()
    )
    return (
        "<div class=\"ffilters screen-only\" role=\"search\" aria-label=\"filter the findings\">"
        f"<fieldset class=\"ff-sevs\"><legend>Severity</legend>{sev}</fieldset>"
        f"<label>Kind <select id=\"ff-kind\"><option value=\"\">all kinds</option>{kind_opts}</select></label>"
        f"<label>Version <select id=\"ff-version\"><option value=\"\">all versions</option>{art_opts}</select></label>"
        "<label class=\"ff-q\">Search <input type=\"search\" id=\"ff-q\" placeholder=\"words, names, figures…\" "
        "autocomplete=\"off\"></label>"
        "<span class=\"ff-actions\"><button type=\"button\" id=\"ff-reset\">Show all</button>"
        "<button type=\"button\" id=\"ff-csv\" title=\"the findings shown, as CSV\">Export CSV</button>"
        "<button type=\"button\" id=\"ff-json\" title=\"the findings shown, as JSON\">Export JSON</button></span>"
        f"<p id=\"ff-count\" class=\"note\" aria-live=\"polite\">{len(findings_sorted)} of "
        f"{len(findings_sorted)} findings shown</p></div>"
    )


def _segments(text: str, marks: list[tuple[int, int, str]]) -> str:
    """``text`` as HTML with each ``(start, end, css class)`` mark applied (overlaps: classes combine)."""
    cuts = {0, len(text)}
    for st, en, _ in marks:
        cuts.update((st, en))
    pts = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    for p, q in zip(pts, pts[1:]):
        cls = sorted({c for st, en, c in marks if st <= p and en >= q and st < en})
        piece = esc(text[p:q])
        out.append(f"<span class=\"{' '.join(cls)}\">{piece}</span>" if cls else piece)
    return "".join(out)


def _version_marks(r: _Report, aid: str, other: str | None) -> list[tuple[int, int, str]]:
    """Marks for one version's full text: alignments with ``other`` and their changed words, and findings."""
    t = r.texts[aid]
    marks: list[tuple[int, int, str]] = []
    # this version's own order (aid in other) when the report has it, else the other order
    pairs = sorted((p for p in r.pairs if {as_str(p.get("a")), as_str(p.get("b"))} == {aid, other}),
                   key=lambda p: as_str(p.get("a")) != aid)[:1] if other is not None else []
    if pairs:
        for p in pairs:
            mine = "a" if as_str(p.get("a")) == aid else "b"
            for al in p.get("alignments") or []:
                if not isinstance(al, dict) or al.get("kind") not in KINDS:
                    continue
                sp = t.clamp(al.get(f"{mine}_span"))
                if sp is None:
                    continue
                marks.append((sp[0], sp[1], f"k-{al['kind']}"))
                for w in al.get("word_changes") or []:
                    if not isinstance(w, dict):
                        continue
                    ws = t.clamp(w.get(f"{mine}_span"))
                    only = "delete" if mine == "a" else "insert"  # words this side has and the other lacks
                    if ws is not None and ws[1] > ws[0] and w.get("op") in ("replace", only):
                        marks.append((ws[0], ws[1], "wd wc-replace" if w.get("op") == "replace" else "wd wc-only"))
    for f in r.findings:
        if as_str(f.get("article")) != aid:
            continue
        sp = t.clamp(f.get("span"))
        sev = as_str(f.get("severity"))
        if sp is not None and sp[1] > sp[0]:
            marks.append((sp[0], sp[1], f"fd sev-{sev if sev in SEVERITY_RANK else 'low'}"))
    return marks


def _versions(r: _Report) -> str:
    """Every version in full, each marked against the version it derives from (on screen behind a toggle;
    always in print, where the side-by-side view is left out)."""
    blocks = []
    for st in r.multi:
        ids = st["articles"]
        for aid in ids:
            a = r.by_id[aid]
            edges = [e for e in r.derivation if as_str(e.get("derived")) == aid and as_str(e.get("source")) in ids]
            src = as_str(max(edges, key=lambda e: as_num(e.get("confidence"))).get("source")) if edges else None
            if src is not None:
                basis = f"marked against {_id_name(r, src)}, the version it derives from"
            else:
                derived = [e for e in r.derivation if as_str(e.get("source")) == aid
                           and as_str(e.get("derived")) in ids]
                basis = "an origin: the other versions derive from it" if derived else "no derivation found"
            meta = " · ".join(esc(x) for x in (a.get("source"), a.get("published_at")) if x)
            fulltext = _segments(r.texts[aid].text, _version_marks(r, aid, src))
            blocks.append(
                f"<article class=\"version\" id=\"version-{esc(aid)}\"><h3>{esc(version_name(a))}</h3>"
                f"<p class=\"note\"><code>{esc(aid)}</code>{(' · ' + meta) if meta else ''} · story "
                f"<code>{esc(st['id'])}</code> · {basis}</p>"
                f"<div class=\"fulltext\">{fulltext}</div></article>"
            )
    if not blocks:
        return ""
    return (
        "<section id=\"versions\" class=\"versions\"><h2>Every version in full</h2>"
        "<input type=\"checkbox\" id=\"show-versions\" class=\"vtoggle\">"
        "<label for=\"show-versions\" class=\"vtoggle-label screen-only\">Show every version in full "
        "(printing always does)</label>"
        "<div class=\"vbody\"><p class=\"note\">Sentences coloured by how they came from the source "
        "(<span class=\"seg k-verbatim\">verbatim</span> <span class=\"seg k-edited\">edited</span> "
        "<span class=\"seg k-paraphrase\">paraphrase</span>), <span class=\"wd wc-replace\">changed words</span> "
        "and <span class=\"wd wc-only\">added words</span> marked inside them, findings boxed.</p>"
        + "".join(blocks)
        + "</div></section>"
    )


def _brief(r: _Report) -> str:
    if not r.brief:
        return "<section id=\"brief\"><h2>Fused brief</h2><p class=\"note\">No brief.</p></section>"
    by_story: dict[str, list[dict]] = {}
    for entry in r.brief:
        sid = as_str(entry.get("story")) if as_str(entry.get("story")) in r.story_ids else ""
        for src in [] if sid else entry.get("sources") or []:
            if isinstance(src, dict) and as_str(src.get("article")) in r.story_of:
                sid = r.story_of[as_str(src.get("article"))]
                break
        by_story.setdefault(sid, []).append(entry)
    story_order = [st["id"] for st in r.stories if st["id"] in by_story] + (
        [""] if "" in by_story else []
    )
    parts = ["<section id=\"brief\"><h2>Fused brief</h2>"
             "<p class=\"note\">One account of the story; badges name the articles that carry each item "
             "(click to see the passage).</p>"]
    for sid in story_order:
        if len(story_order) > 1:
            parts.append(f"<h3>Story <code>{esc(sid) or '(unknown)'}</code></h3>")
        parts.append("<ol class=\"brief\">")
        for entry in by_story[sid]:
            badges = []
            for src in entry.get("sources") or []:
                if not isinstance(src, dict):
                    continue
                aid = as_str(src.get("article"))
                sp = r.texts[aid].u16(src.get("span")) if aid in r.texts else None
                if sp is None:
                    badges.append(f"<span class=\"badge off\">{esc(aid)}</span>")
                    continue
                badges.append(
                    f"<a class=\"badge\" href=\"#compare\" data-goto=\"{esc(aid)}\" "
                    f"data-s=\"{sp[0]}\" data-e=\"{sp[1]}\">{esc(aid)}</a>"
                )
            support = entry.get("support")
            conflicts = [c for c in entry.get("conflicts") or [] if c is not None]
            conf_html = ""
            if conflicts:
                conf_html = (
                    "<ul class=\"conflicts\">"
                    + "".join(f"<li><span class=\"wicon\" aria-hidden=\"true\">⚠</span> {esc(conflict_line(c))}</li>"
                              for c in conflicts)
                    + "</ul>"
                )
            parts.append(
                f"<li class=\"bitem{' has-conflict' if conflicts else ''}\">"
                f"<div class=\"btext\">{esc(entry.get('text'))}</div>"
                f"<div class=\"bmeta\">{''.join(badges)}"
                f"<span class=\"support\">support: {esc(support) if support is not None else len(badges)}</span>"
                + ("<span class=\"badge off\" title=\"only one version carries this entry\">unverified</span>"
                   if entry.get("unverified") else "")
                + "</div>"
                f"{conf_html}</li>"
            )
        parts.append("</ol>")
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------------------


def render_html(
    report: dict,
    *,
    title: str | None = None,
    links: Sequence[tuple[str, str]] = (),
    default_pair: tuple[str, str] | None = None,
    node_href: Callable[[str], str | None] | None = None,
    findings_by_severity: bool = False,
    intro_html: str = "",
) -> str:
    """Render the compare JSON document (with ``articles[].text``) as one HTML page.

    The keyword options are for pages that embed the report in a site (``storytrace
    serve``); without them the page is the stand-alone report:

    * ``title``: the page's heading and ``<title>`` (escaped here);
    * ``links``: ``(label, href)`` pairs shown first in the navigation (escaped here);
    * ``default_pair``: the two article ids the side-by-side view opens on;
    * ``node_href(article_id)``: a URL for each article's node in the derivation graph;
    * ``findings_by_severity``: findings under one heading per severity;
    * ``intro_html``: trusted markup placed first in ``<main>`` (the caller escapes what it holds).
    """
    r = _Report(report if isinstance(report, dict) else {})
    findings_sorted = [
        f
        for _, f in sorted(
            enumerate(r.findings),
            key=lambda it: (SEVERITY_RANK.get(as_str(it[1].get("severity")), len(SEVERITY_RANK)), it[0]),
        )
    ]
    data = _script_data(r, findings_sorted)
    if default_pair is not None and all(as_str(x) in r.by_id for x in default_pair) and len(default_pair) == 2:
        data["default"] = [as_str(default_pair[0]), as_str(default_pair[1])]

    nav = ["<a href=\"#compare\">Side by side</a>", "<a href=\"#findings\">Findings</a>", "<a href=\"#brief\">Brief</a>",
           "<a href=\"#versions\">All versions</a>", "<a href=\"#how-to-read\">How to read this</a>"]
    story_html = []
    for k, st in enumerate(r.multi):
        sid = f"story-{k + 1}"
        nav.insert(k, f"<a href=\"#{sid}\">Story {esc(truncate(st['id'], 30))}</a>")
        graph, evidence = _derivation(r, st, f"g{k + 1}", node_href)
        if len(st["articles"]) > MATRIX_MAX_VERSIONS:
            body = f"<div><h3>Reuse by version</h3>{_reuse_by_version(r, st['articles'])}</div>"
        else:
            body = (f"{_article_table(r, st['articles'])}"
                    f"<div class=\"{'twocol' if len(st['articles']) <= 4 else 'stack'}\">"
                    f"<div><h3>Reuse matrix</h3>{_matrix(r, st['articles'])}</div>"
                    f"<div><h3>Derivation</h3>{graph}</div></div>")
        story_html.append(
            f"<section class=\"story\" id=\"{sid}\"><h2>Story <code>{esc(st['id'])}</code> "
            f"<small>{len(st['articles'])} articles</small></h2>{body}{evidence}</section>"
        )
    if r.single:
        nav.insert(len(r.multi), "<a href=\"#other\">Other stories</a>")
        ids = [aid for st in r.single for aid in st["articles"]]
        story_html.append(
            "<section id=\"other\"><h2>Other stories <small>articles with no other version here</small></h2>"
            f"{_article_table(r, ids, with_story=True)}</section>"
        )

    n_find = len(findings_sorted)
    high = sum(1 for f in findings_sorted if f.get("severity") == "high")
    first_title = ""
    if r.multi:
        first_title = truncate(version_name(r.by_id[r.multi[0]["articles"][0]]), 90)
    page_title = "storytrace report" + (f" — {first_title}" if first_title else "")
    heading = "storytrace report"
    if title:
        page_title = heading = title
    nav = [f"<a class=\"sitelink\" href=\"{esc(href)}\">{esc(label)}</a>" for label, href in links] + nav
    summary = (
        f"{len(r.articles)} articles · {len(r.multi)} multi-version "
        f"{'story' if len(r.multi) == 1 else 'stories'} · {n_find} findings"
        + (f" ({high} high)" if high else "")
    )
    return "".join(
        [
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"referrer\" content=\"no-referrer\">",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            f"style-src 'unsafe-inline'; script-src '{_script_csp_source()}'; img-src data:\">",
            f"<title>{esc(page_title)}</title><style>{_asset('report.css')}</style></head><body>",
            "<header class=\"top\"><div class=\"inner\">",
            f"<h1>{esc(heading)}</h1><p class=\"sub\">{esc(summary)}</p>",
            f"<nav>{''.join(nav)}</nav></div></header><main>",
            intro_html,
            "".join(story_html),
            _viewer(r),
            _findings(r, findings_sorted, findings_by_severity),
            _brief(r),
            _versions(r),
            how_to_read_html(),
            "</main>",
            f"<script type=\"application/json\" id=\"storytrace-data\">{_json_for_script(data)}</script>",
            f"<script>{_asset('report.js')}</script></body></html>\n",
        ]
    )


# ---------------------------------------------------------------------------
# inline assets: storytrace/report/assets/, read once per process


@functools.cache
def _asset(name: str) -> str:
    # read_text decodes in text mode, so a checkout with CRLF line ends still embeds (and hashes) LF
    return resources.files("storytrace.report").joinpath(f"assets/{name}").read_text(encoding="utf-8")


@functools.cache
def _script_csp_source() -> str:
    """The CSP source for the page script: the sha256 of exactly the text inside ``<script>``.

    Hashed from the file as read, so editing report.js can never leave a stale hash behind.
    """
    digest = hashlib.sha256(_asset("report.js").encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")
