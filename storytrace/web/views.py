"""Server-rendered pages of `storytrace serve`.

Every value that comes from the store or a request is written with `html.escape`
(quotes included); URLs are built with `urllib.parse.quote`. No page loads
anything from the network: the stories and paste pages are plain HTML + one
small shared stylesheet (``storytrace/report/assets/site.css``, inlined; no
script at all; the paste progress page has one small inline script, allowed by hash
in `PROGRESS_CSP`, and reloads itself without it), and the story, compare and paste result pages are
`storytrace.report.html.render_html` pages (their own inline script, allowed by
hash in their Content-Security-Policy). The routes are in `storytrace.web.pages`.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence
from urllib.parse import quote, urlencode

from storytrace.report.howto import how_to_read_html
from storytrace.report.html import render_html

__all__ = ["CSP", "HOWTO_URL", "error_page", "stories_page", "story_page", "compare_page", "howto_page", "paste_page",
           "paste_result_page", "paste_progress_page", "PROGRESS_CSP", "pick_pair", "pair_report", "story_url", "compare_url"]

#: for the pages without script (stories, paste, errors)
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")

#: the report's "How to read this report" section, as a page of its own (the section's id is the anchor)
HOWTO_URL = "/how-to-read#how-to-read"

SITE_LINKS = (("Stories", "/"), ("Paste texts", "/paste"), ("How to read a report", HOWTO_URL), ("API docs", "/docs"))


def _e(value: Any) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def story_url(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def compare_url(story_id: str, a: str | None = None, b: str | None = None) -> str:
    q = {"story": story_id}
    if a:
        q["a"] = a
    if b:
        q["b"] = b
    return "/compare?" + urlencode(q)


def _when(stamp: str | None) -> str:
    return (stamp or "")[:16].replace("T", " ")


# --------------------------------------------------------------------------- shell


@lru_cache(maxsize=1)
def site_css() -> str:
    """The stylesheet of the pages without script (inlined: ``style-src 'unsafe-inline'`` in `CSP`)."""
    return resources.files("storytrace.report").joinpath("assets/site.css").read_text(encoding="utf-8")


def layout(title: str, body: str, *, active: str = "", subtitle: str = "", csp: str = CSP, head: str = "") -> str:
    on = ' class="on"'
    nav = "".join(f"<a href=\"{_e(href)}\"{on if label == active else ''}>{_e(label)}</a>"
                  for label, href in SITE_LINKS)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_e(csp)}\">{head}"
        f"<title>{_e(title)} · storytrace</title><style>{site_css()}</style></head><body>"
        f"<header class=\"top\"><div class=\"inner\"><h1>{_e(title)}</h1>"
        + (f"<p class=\"sub\">{_e(subtitle)}</p>" if subtitle else "")
        + f"<nav>{nav}</nav></div></header><main>{body}</main></body></html>\n"
    )


def error_page(status: int, message: str, links: Sequence[tuple[str, str]] = ()) -> str:
    more = "".join(f" · <a href=\"{_e(h)}\">{_e(l)}</a>" for l, h in links)
    return layout(f"Error {status}", f"<section><p class=\"err\">{_e(message)}</p>"
                  f"<p><a href=\"/\">Back to the stories</a>{more}</p></section>")


# --------------------------------------------------------------------------- stories


def _snippet(s: str | None) -> str:
    """FTS5 snippet with [matches] -> escaped text with <mark>s."""
    import re

    out = _e(s)
    return re.sub(r"\[([^\[\]]{1,200})\]", r"<mark>\1</mark>", out)


def _findings_cell(counts: dict | None) -> str:
    if counts is None:
        return ("<span class=\"muted\" title=\"not analysed yet: open the story to analyse it\">–</span>")
    if not counts.get("total"):
        return "0"
    badges = "".join(f"<span class=\"sev sev-{k}\" title=\"{k}\">{counts[k]}</span>"
                     for k in ("high", "medium", "low") if counts.get(k))
    return f"<span class=\"ftot\">{counts['total']}</span> {badges}"


def stories_page(doc: dict, *, q: str, sort: str, page: int, per_page: int) -> str:
    opts = [("size", "biggest first"), ("recent", "most recent first")]
    if q:
        opts.insert(0, ("relevance", "best match first"))
    sel = "".join(f"<option value=\"{v}\"{' selected' if v == sort else ''}>{_e(t)}</option>" for v, t in opts)
    form = (
        "<section><form class=\"search\" method=\"get\" action=\"/\" role=\"search\">"
        f"<input type=\"search\" name=\"q\" value=\"{_e(q)}\" placeholder=\"Search titles and texts "
        "(SQLite FTS5: words, &quot;a phrase&quot;, prefix*, OR, NOT)\" aria-label=\"search\">"
        f"<label>Sort <select name=\"sort\">{sel}</select></label>"
        "<button type=\"submit\">Search</button>"
        + (" <a href=\"/\">clear</a>" if q else "")
        + "</form></section>"
    )
    rows = []
    for st in doc["stories"]:
        matches = "".join(
            f"<div class=\"snip\"><code>{_e(m['article'])}</code> {_snippet(m.get('snippet'))}</div>"
            for m in st.get("matches") or [])
        rows.append(
            "<tr>"
            f"<td><a class=\"st\" href=\"{_e(story_url(st['id']))}\">{_e(st.get('title') or st['id'])}</a>"
            f"<div class=\"note\"><code>{_e(st['id'])}</code></div>{matches}</td>"
            f"<td class=\"num\">{int(st['size']):,}</td>"
            f"<td class=\"when opt\">{_e(_when(st.get('first_seen')))}</td>"
            f"<td class=\"when\">{_e(_when(st.get('last_seen')))}</td>"
            f"<td class=\"num findings\">{_findings_cell(st.get('findings'))}</td>"
            "</tr>"
        )
    matching = doc.get("matching", doc["total_stories"])
    if q:
        head = f"{matching:,} {'story matches' if matching == 1 else 'stories match'} “{_e(q)}”"
    else:
        head = f"{doc['total_stories']:,} stories"
    if not rows:
        table = ("<p class=\"note\">No stories match.</p>" if q else
                 "<p class=\"note\">The store is empty: add articles with <code>storytrace ingest PATH "
                 "--db …</code> or <code>POST /api/articles</code>.</p>")
    else:
        table = (
            "<div class=\"tablewrap\"><table class=\"stories\"><thead><tr><th>Story</th><th>Articles</th>"
            "<th class=\"opt\">First seen</th><th>Last seen</th><th>Findings</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            "<p class=\"note\">Findings: high / medium / low, counted when a story is first analysed "
            "(open it); “–” = not analysed yet. Times are UTC.</p>"
        )
    pager = []
    base = {"q": q, "sort": sort} if q else {"sort": sort}
    if page > 1:
        pager.append(f"<a href=\"/?{_e(urlencode({**base, 'page': page - 1}))}\">← previous</a>")
    if page * per_page < matching:
        pager.append(f"<a href=\"/?{_e(urlencode({**base, 'page': page + 1}))}\">next →</a>")
    pages_html = f"<div class=\"pager\">{''.join(pager)}</div>" if pager else ""
    howto = (f"<p class=\"note howto-link\"><a href=\"{_e(HOWTO_URL)}\">How to read this report</a>: what a "
             "story's severities, kinds of finding, alignment scores and derivation confidences mean.</p>")
    body = form + f"<section id=\"stories\"><h2>{head}</h2>{table}{pages_html}{howto}</section>"
    return layout("storytrace", body, active="Stories",
                  subtitle=f"{doc['total_stories']:,} stories · {doc['total_articles']:,} articles")


# --------------------------------------------------------------------------- story and compare


def pick_pair(report: dict, a: str | None = None, b: str | None = None) -> tuple[str, str]:
    """Two different article ids of the report to show side by side, honouring the given ones."""
    ids = [x["id"] for x in report.get("articles") or []]
    if a and b:
        return a, b
    edges = sorted((e for e in report.get("derivation") or []
                    if e.get("source") in ids and e.get("derived") in ids and e["source"] != e["derived"]),
                   key=lambda e: -float(e.get("confidence") or 0))
    if a or b:
        x = a or b
        other = None
        for e in edges:
            if e["derived"] == x or e["source"] == x:
                other = e["source"] if e["derived"] == x else e["derived"]
                break
        if other is None:
            best = -1.0
            for p in report.get("pairs") or []:
                if p.get("a") == x and p.get("b") != x:
                    v = float((p.get("a_in_b") or {}).get("total") or 0)
                    if v > best:
                        best, other = v, p["b"]
        if other is None:
            other = next((y for y in ids if y != x), x)
        return (x, other) if a else (other, x)
    if edges:
        return edges[0]["source"], edges[0]["derived"]
    return (ids[0], ids[1]) if len(ids) >= 2 else (ids[0], ids[0])


def _node_pair(report: dict, node: str) -> tuple[str, str]:
    """Clicking a graph node: its source on the left, it on the right (or it and what it fed)."""
    ids = {x["id"] for x in report.get("articles") or []}
    edges = sorted((e for e in report.get("derivation") or [] if e.get("source") in ids and e.get("derived") in ids),
                   key=lambda e: -float(e.get("confidence") or 0))
    for e in edges:
        if e["derived"] == node and e["source"] != node:
            return e["source"], node
    for e in edges:
        if e["source"] == node and e["derived"] != node:
            return node, e["derived"]
    return pick_pair(report, node)



def _conflict_article(conflict: Any) -> str:
    """The article a brief conflict is on (a typed conflict, or an ``article: ...`` string)."""
    return conflict.get("article") if isinstance(conflict, dict) else str(conflict).partition(": ")[0]

def pair_report(report: dict, a: str, b: str) -> dict:
    """The compare document cut down to two of its articles (for the compare view)."""
    keep = {a, b}
    by_id = {x["id"]: x for x in report.get("articles") or []}
    known = set(by_id)
    arts = [by_id[x] for x in (a, b) if x in by_id]
    stories = {by_id[x].get("story") for x in keep if x in by_id}
    sid = next(iter(stories)) if len(stories) == 1 else " + ".join(sorted(str(s) for s in stories))
    brief = []
    for entry in report.get("brief") or []:
        sources = [s for s in entry.get("sources") or [] if s.get("article") in keep]
        if not sources:
            continue
        conflicts = [c for c in entry.get("conflicts") or [] if _conflict_article(c) in keep
                     or _conflict_article(c) not in known]
        brief.append({**entry, "sources": sources, "support": len(sources), "conflicts": conflicts})
    return {
        **{k: v for k, v in report.items() if k not in ("articles", "stories", "pairs", "derivation", "findings",
                                                       "brief")},
        "articles": arts,
        "stories": [{"id": sid, "articles": [x["id"] for x in arts]}],
        "pairs": [p for p in report.get("pairs") or [] if {p.get("a"), p.get("b")} == keep],
        "derivation": [e for e in report.get("derivation") or []
                       if e.get("derived") in keep and (e.get("source") in keep or e.get("source") not in known)],
        "findings": [f for f in report.get("findings") or [] if f.get("article") in keep
                     and (not f.get("counterpart") or f["counterpart"].get("article") in keep)],
        "brief": brief,
    }


def _story_meta(an) -> str:
    info = an.info
    seen = " – ".join(x for x in (_when(info.first_seen), _when(info.last_seen)) if x)
    n, m = len(an.shown), len(an.articles)
    compared = "" if n == m else f" · comparing the {n} earliest of {m:,} (serve --max-articles)"
    return (f"story {info.id} · {m:,} article{'s' * (m != 1)}" + (f" · {seen} UTC" if seen else "") + compared)


def story_page(an) -> str:
    report = an.report
    sid = an.info.id
    multi = len(report.get("articles") or []) >= 2
    intro = (
        "<section class=\"storyinfo\"><p class=\"note\">" + _e(_story_meta(an)) + " · "
        + (f"<a href=\"{_e(compare_url(sid))}\">compare two versions →</a> · " if multi else "")
        + f"<a href=\"{_e('/api/stories/' + quote(sid, safe=''))}\">JSON</a></p>"
        + ("<p class=\"note\">Click a node of the derivation graph to open that version beside its source.</p>"
           if multi else "")
        + "</section>"
    )
    return render_html(
        report,
        title=f"Story: {an.info.title or sid}",
        links=[("← Stories", "/")] + ([("Compare view", compare_url(sid))] if multi else [])
        + [("Paste texts", "/paste"), ("API docs", "/docs")],
        node_href=lambda node: compare_url(sid, *_node_pair(report, node)),
        findings_by_severity=True,
        intro_html=intro,
    )


def compare_page(an, a: str, b: str) -> str:
    report = an.report
    sid = an.info.id
    arts = report.get("articles") or []

    def options(selected: str) -> str:
        return "".join(
            f"<option value=\"{_e(x['id'])}\"{' selected' if x['id'] == selected else ''}>{_e(x['id'])}"
            + (f" — {_e((x.get('title') or '')[:70])}" if x.get("title") else "") + "</option>"
            for x in arts)

    intro = (
        "<style>.pairform button.go{font:inherit;padding:4px 14px;border:1px solid #24507d;border-radius:5px;"
        "background:#2c5d8f;color:#fff;cursor:pointer}.pairform button.go:hover{background:#24507d}</style>"
        "<section class=\"pairform\"><form method=\"get\" action=\"/compare\" class=\"pickers\">"
        f"<input type=\"hidden\" name=\"story\" value=\"{_e(sid)}\">"
        f"<label>Left <select name=\"a\">{options(a)}</select></label>"
        f"<label>Right <select name=\"b\">{options(b)}</select></label>"
        "<button type=\"submit\" class=\"go\">Compare</button></form>"
        f"<p class=\"note\">{_e(_story_meta(an))} · <a href=\"{_e(compare_url(sid, b, a))}\">swap sides</a> · "
        f"<a href=\"{_e(story_url(sid))}\">the whole story</a></p></section>"
    )
    sub = pair_report(report, a, b)
    return render_html(
        sub,
        title=f"Compare: {a} ↔ {b}",
        links=[("← Stories", "/"), ("Story", story_url(sid)), ("Paste texts", "/paste"), ("API docs", "/docs")],
        default_pair=(a, b),
        node_href=lambda node: compare_url(sid, *_node_pair(report, node)),
        findings_by_severity=True,
        intro_html=intro,
    )


# --------------------------------------------------------------------------- paste


def howto_page() -> str:
    """The report's "How to read this report" section on its own (linked from the stories page)."""
    return layout("How to read a report", how_to_read_html(), active="How to read a report",
                  subtitle="the story, compare and paste pages, and storytrace compare --html")


#: what a pasted text's label may be: an article id, so one line of visible text
MAX_LABEL_CHARS = 200


def paste_page(texts: Sequence[str] | None = None, error: str | None = None,
               labels: Sequence[str] | None = None) -> str:
    """The paste form; ``texts`` and ``labels`` (the name of each text) are shown again after an error."""
    texts = list(texts or [])
    texts += [""] * (10 - len(texts))
    labels = list(labels or [])
    labels += [""] * (10 - len(labels))

    def area(i: int) -> str:
        return (f"<label for=\"text{i}\">Text {i}</label>"
                f"<label class=\"lab\" for=\"label{i}\">Name (optional: the version's id and title in the "
                f"report)</label><input type=\"text\" class=\"label\" id=\"label{i}\" name=\"label{i}\" "
                f"maxlength=\"{MAX_LABEL_CHARS}\" placeholder=\"e.g. Wire, Courier, text-{i}\" "
                f"value=\"{_e(labels[i - 1])}\">"
                f"<textarea id=\"text{i}\" name=\"text{i}\" spellcheck=\"false\">{_e(texts[i - 1])}</textarea>")

    extra_open = any(t.strip() for t in texts[3:]) or any(x.strip() for x in labels[3:])
    body = (
        "<section class=\"paste\"><h2>Compare 2–10 versions of a story</h2>"
        "<p class=\"note\">Paste texts or upload files (.txt, .md, .html, .jsonl, .csv, optionally .gz); nothing "
        "is stored. Name each text to tell the versions apart in the report (otherwise text-1, text-2, …). "
        "A pasted text may start with front matter: <code>---</code> / <code>title: …</code>, "
        "<code>source: …</code>, <code>published_at: 2026-04-16T19:10:00Z</code> / <code>---</code>.</p>"
        + (f"<p class=\"err\" role=\"alert\">{_e(error)}</p>" if error else "")
        + "<form method=\"post\" action=\"/paste\" enctype=\"multipart/form-data\">"
        + "".join(area(i) for i in (1, 2, 3))
        + f"<details{' open' if extra_open else ''}><summary>More texts (up to 10)</summary>"
        + "".join(area(i) for i in range(4, 11)) + "</details>"
        "<label for=\"files\">Or upload files</label>"
        "<input type=\"file\" id=\"files\" name=\"files\" multiple "
        "accept=\".txt,.md,.html,.htm,.jsonl,.ndjson,.csv,.gz\">"
        "<div class=\"actions\"><button type=\"submit\">Analyse</button>"
        "<span class=\"note\">Takes about a second for a few articles; a longer analysis shows its "
        "progress and the time left.</span></div>"
        "</form></section>"
    )
    return layout("Paste texts", body, active="Paste texts", subtitle="the same analysis, without a store")


def paste_result_page(report: dict, downloads: Sequence[tuple[str, str]] = ()) -> str:
    """The analysis of pasted texts; ``downloads``: (label, url) pairs of the result as files."""
    down = " · ".join(f"<a href=\"{_e(url)}\" download>{_e(label)}</a>" for label, url in downloads)
    intro = ("<section class=\"downloads\"><p class=\"note\">Analysis of the pasted texts (not stored). "
             + (f"Download: {down} (kept on this server for the latest analyses only). " if down else "")
             + "<a href=\"/paste\">Paste other texts</a>.</p></section>")
    return render_html(report, title="Pasted texts: analysis",
                       links=[("← Stories", "/"), ("Paste texts", "/paste"), ("API docs", "/docs")],
                       findings_by_severity=True, intro_html=intro)


@lru_cache(maxsize=1)
def _progress_js() -> str:
    return resources.files("storytrace.report").joinpath("assets/paste-progress.js").read_text(encoding="utf-8")


def _script_hash(js: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii") + "'"


#: the paste progress page: its one inline script (by hash) may fetch the job's status from this server
PROGRESS_CSP = CSP.replace("default-src 'none';", f"default-src 'none'; script-src {_script_hash(_progress_js())}; "
                                                  "connect-src 'self';")

#: seconds between two reloads of the progress page without script
PROGRESS_REFRESH_S = 2


def paste_progress_page(status: dict, status_url: str, result_url: str) -> str:
    """A paste analysis that is still running: its step, counts and time left (``status``: the
    ``/paste/jobs/KEY`` document), kept up to date by `_progress_js`; reloaded every
    `PROGRESS_REFRESH_S` seconds without script, until the result page shows the result."""
    return progress_page(status, status_url, result_url, "Analysing the pasted texts…", ("Paste other texts", "/paste"),
                         title="Paste texts")


def story_progress_page(status: dict, status_url: str, result_url: str, story_id: str) -> str:
    """A stored story whose analysis is running (nobody had opened it, nor `storytrace analyze`
    analysed it): as `paste_progress_page`, until its page shows the story."""
    return progress_page(status, status_url, result_url, f"Analysing story {story_id}…", ("All stories", "/"),
                         title="Stories")


def progress_page(status: dict, status_url: str, result_url: str, heading: str, back: tuple[str, str],
                  title: str) -> str:
    """An analysis that is still running (see `paste_progress_page`)."""
    total, done = status.get("total"), status.get("done")
    bar = (f"<progress id=\"job-bar\" max=\"{int(total)}\" value=\"{int(done or 0)}\">{int(done or 0)}/{int(total)}"
           "</progress>" if total else "<progress id=\"job-bar\"></progress>")
    body = (
        f"<section id=\"job\" class=\"paste\" data-status=\"{_e(status_url)}\" data-result=\"{_e(result_url)}\">"
        f"<h2>{_e(heading)}</h2>"
        f"<p class=\"jobstep\" role=\"status\" aria-live=\"polite\"><span id=\"job-step\">{_e(status.get('text'))}"
        f"</span></p><p>{bar}</p>"
        "<p class=\"note\">The result opens here when the analysis has finished (this page updates itself). "
        f"<a href=\"{_e(result_url)}\">Reload</a> · <a href=\"{_e(back[1])}\">{_e(back[0])}</a>.</p></section>"
        f"<script>{_progress_js()}</script>"
    )
    head = f"<noscript><meta http-equiv=\"refresh\" content=\"{PROGRESS_REFRESH_S}\"></noscript>"
    return layout(title, body, active=title, subtitle="analysing…", csp=PROGRESS_CSP, head=head)
