"""The compare report for a terminal (rich), readable at 80 columns.

Every string of the report reaches the terminal through `printable` (control
and escape sequences in ids, titles or texts are shown as ``\\x1b``-style
escapes, never sent raw) and as `rich.text.Text` or escaped markup (an id
like ``[bold]`` is printed as written, not as a style).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from storytrace.model import SEVERITY_RANK
from storytrace.report.markup import conflict_line
from storytrace.report.names import version_name

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}

# C0 and C1 controls (ESC starts the sequences that clear a screen or set a window title), DEL,
# bidi overrides (they reorder what is shown) and lone surrogates (they cannot be printed at all)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BLANKS = {"\t": " ", "\n": " ", "\r": " "}


def _escaped(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _BLANKS:
        return _BLANKS[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (Python's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: tabs and newlines as spaces, other controls as escapes."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _printable_report(value: Any) -> Any:
    """The report with every string made `printable` (ids consistently, so lookups still match)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable_report(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_report(v) for v in value]
    return value


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _indent(renderable, n: int) -> Padding:
    return Padding(renderable, (0, 0, 0, n))


def render_terminal(report: dict[str, Any], console: Console, *, max_findings: int = 40,
                    min_severity: str | None = None) -> None:
    """Print the report built by `report.contract.comparison_to_dict`.

    ``min_severity`` ("high", "medium" or "low"): list only findings at least that severe.
    Long texts (brief entries, conflicts, evidence) wrap; nothing is cut but the finding quotes.
    """
    if min_severity is not None and min_severity not in SEVERITY_RANK:
        raise ValueError(f"min_severity must be one of {', '.join(SEVERITY_RANK)}, not {min_severity!r}")
    # names first (a title-less article is named by its first sentence); then the texts are not needed
    names = {a["id"]: version_name(a) for a in report["articles"]}
    report = _printable_report({**report, "articles": [{**{k: v for k, v in a.items() if k not in ("text", "sentences")},
                                                        "name": names[a["id"]]} for a in report["articles"]]})
    articles = {a["id"]: a for a in report["articles"]}
    n_a, n_s = len(articles), len(report["stories"])
    console.print(Text("storytrace compare", style="bold"),
                  Text(f" {n_a} article{'s' * (n_a != 1)}, {n_s} stor{'ies' if n_s != 1 else 'y'}"))
    for story in report["stories"]:
        sid, members = story["id"], story["articles"]
        head = Table.grid(padding=(0, 1))
        for aid in members:
            a = articles[aid]
            meta = " · ".join(x for x in (a.get("source"), a.get("published_at")) if x)
            head.add_row(Text(aid, style="cyan"), Text(_short(a.get("name") if a.get("name") != aid else "", 40)),
                         Text(f"{a['n_sentences']} sent." + (f" · {meta}" if meta else ""), style="dim"))
        console.print(Panel(head, title=f"[bold]{escape(sid)}[/] · {len(members)} version(s)", expand=True))
        if len(members) < 2:
            continue
        _reuse(console, report, sid, members)
        _derivation(console, report, sid, articles)
        _findings(console, report, sid, max_findings, min_severity, articles)
        _brief(console, report, sid)


def _reuse(console: Console, report: dict, sid: str, members: list[str]) -> None:
    shares = {(p["a"], p["b"]): p["a_in_b"] for p in report["pairs"] if p.get("story") == sid}
    t = Table(title="Reuse: share of ROW's sentences found in COLUMN (verbatim/edited/paraphrase)",
              title_justify="left", expand=False)
    t.add_column("")
    for b in members:
        t.add_column(Text(b), justify="right")  # a str header would be read as markup
    for a in members:
        row = [Text(a, style="cyan")]
        for b in members:
            if a == b:
                row.append(Text("—", style="dim"))
                continue
            s = shares.get((a, b), {})
            total = s.get("verbatim", 0) + s.get("edited", 0) + s.get("paraphrase", 0)
            row.append(Text.assemble(
                (f"{total:.0%}", "bold"),
                (f" {s.get('verbatim', 0):.0%}/{s.get('edited', 0):.0%}/{s.get('paraphrase', 0):.0%}", "dim"),
            ))
        t.add_row(*row)
    console.print(t)


def _derivation(console: Console, report: dict, sid: str, articles: dict) -> None:
    edges = [e for e in report["derivation"] if e.get("story") == sid]
    console.print(Text("Derivation", style="bold underline"))
    if not edges:
        console.print(Text("  no version took enough from another to call it derived", style="dim"))
    for e in edges:
        arrow = "⇢" if e["level"] == "shared_source" else "→"
        console.print(Text.assemble(
            ("  ", ""), (_who(articles, e["source"]), "cyan"), (f" {arrow} ", ""), (_who(articles, e["derived"]), "cyan"),
            (f"  {e['level']}", "bold"), (f" (confidence {e['confidence']:.2f})", "dim"),
        ))
        console.print(_indent(Text(e["evidence"], style="dim"), 4))


def _who(articles: dict, aid: str) -> str:
    """An article as the terminal names it: ``label (id)`` when it has a label, else its id."""
    label = (articles.get(aid) or {}).get("label")
    return f"{label} ({aid})" if label else aid


def _findings(console: Console, report: dict, sid: str, limit: int, min_severity: str | None,
              articles: dict) -> None:
    every = [f for f in report["findings"] if f.get("story") == sid]
    if min_severity is None:
        fs, head = every, f"Findings ({len(every)}, most severe first)"
    else:
        cut = SEVERITY_RANK[min_severity]
        fs = [f for f in every if SEVERITY_RANK.get(f["severity"], len(SEVERITY_RANK)) <= cut]
        at = "high" if min_severity == "high" else f"{min_severity} or above"
        head = f"Findings ({len(fs)} of {len(every)} at {at}, most severe first)"
    console.print(Text(head, style="bold underline"))
    for f in fs[:limit]:
        line = Text.assemble(
            (f"  {f['severity'].upper():6}", SEVERITY_STYLE.get(f["severity"], "")),
            (f" {f['kind']}", "bold"), (f"  in {_who(articles, f['article'])}", "cyan"),
            (f" @{f['span'][0]}-{f['span'][1]}", "dim"),
        )
        console.print(line)
        console.print(_indent(Text(f"“{_short(f['text'], 110)}”"), 4))
        cp = f.get("counterpart")
        if cp:
            console.print(_indent(Text(f"vs {_who(articles, cp['article'])}: “{_short(cp['text'], 100)}”",
                                       style="dim"), 4))
        console.print(_indent(Text(f["explanation"], style="italic"), 4))
    if len(fs) > limit:
        console.print(Text(f"  … {len(fs) - limit} more (use --json or --html for all)", style="dim"))


def _brief(console: Console, report: dict, sid: str) -> None:
    entries = [b for b in report["brief"] if b.get("story") == sid]
    console.print(Text("Fused brief (one entry per fact, story order)", style="bold underline"))
    rows = []
    for k, b in enumerate(entries, 1):
        srcs = ", ".join(sorted({s["article"] for s in b["sources"]}))
        row = Table.grid(padding=(0, 1))
        row.add_column(width=4, justify="right", style="dim")
        row.add_column()
        # whole entries, wrapped by the table: a brief is read, not skimmed
        row.add_row(f"{k}.", Text.assemble((" ".join(b["text"].split()), ""), (f"  [{srcs}]", "cyan"),
                                           ("  unverified: only one version says this", "magenta")
                                           if b.get("unverified") else ("", "")))
        for c in b["conflicts"]:
            row.add_row("", Text(f"⚠ {' '.join(conflict_line(c).split())}", style="yellow"))
        rows.append(row)
    console.print(Group(*rows))
