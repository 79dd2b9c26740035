"""What each version is called in a report: a label given by the user, else its title, else its first sentence.

Ids are often file names or hashes ("3f9a2c41d0…"), and many articles carry no title, so every view
(terminal, HTML, web) names a version the same way:

* `version_name`: the long name, for headings and tooltips: ``label`` > ``title`` > first sentence > id;
* `short_name`: for tight places (matrix headers, graph nodes): ``label`` > the id when it reads as a
  name > the title or first sentence, cut short.

Labels come from ``--label id=Name`` (`parse_labels`) and are written into the report as
``articles[].label`` (`apply_labels`), so the JSON document, the HTML and the terminal agree.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from storytrace.report.markup import as_str, truncate

__all__ = ["apply_labels", "first_sentence", "looks_generated", "parse_labels", "short_name", "version_name"]

# hashes, uuids, plain numbers: ids a reader cannot tell apart at a glance
_GENERATED = re.compile(r"[0-9a-fA-F-]{8,}|\d+|[A-Za-z0-9]{20,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s")


def parse_labels(values: Iterable[str]) -> dict[str, str]:
    """``["id=Name", ...]`` -> ``{id: Name}``; ValueError (with the bad value) for a malformed one."""
    out: dict[str, str] = {}
    for value in values:
        aid, sep, name = value.partition("=")
        aid, name = aid.strip(), " ".join(name.split())
        if not sep or not aid or not name:
            raise ValueError(f"--label {value!r}: expected ID=NAME, e.g. --label wire-1=Reuters")
        out[aid] = name
    return out


def apply_labels(report: dict[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """The report with ``articles[].label`` set from ``labels``; ValueError naming an id not in the report."""
    if not labels:
        return report
    ids = [as_str(a.get("id")) for a in report.get("articles") or [] if isinstance(a, dict)]
    unknown = [aid for aid in labels if aid not in ids]
    if unknown:
        shown = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
        raise ValueError(f"--label: no article {unknown[0]!r} here (article ids: {shown})")
    articles = []
    for a in report.get("articles") or []:
        if isinstance(a, dict) and as_str(a.get("id")) in labels:
            a = {**a, "label": labels[as_str(a.get("id"))]}
        articles.append(a)
    return {**report, "articles": articles}


def first_sentence(article: Mapping[str, Any]) -> str:
    """The article's first sentence (from its sentence spans when the report has them), whitespace folded."""
    text = as_str(article.get("text"))
    if not text.strip():
        return ""
    spans = article.get("sentences")
    if isinstance(spans, list) and spans and isinstance(spans[0], (list, tuple)) and len(spans[0]) == 2:
        try:
            s, e = int(spans[0][0]), int(spans[0][1])
            if 0 <= s < e <= len(text):
                return " ".join(text[s:e].split())
        except (TypeError, ValueError):
            pass
    head = text.strip()[:400]
    m = _SENTENCE_END.search(head)
    return " ".join((head[: m.start()] if m else head).split())


def looks_generated(article_id: str) -> bool:
    """True for ids a reader cannot tell apart: hashes, uuids, long numbers."""
    return bool(_GENERATED.fullmatch(article_id))


def version_name(article: Mapping[str, Any]) -> str:
    """The name to show for a version: its label, else its title, else its first sentence, else its id."""
    for value in (article.get("label"), article.get("title")):
        if as_str(value).strip():
            return " ".join(as_str(value).split())
    return first_sentence(article) or as_str(article.get("id"))


def short_name(article: Mapping[str, Any], n: int = 28) -> str:
    """A name for a tight place, at most ``n`` characters: the label, else a readable id, else the title."""
    label = " ".join(as_str(article.get("label")).split())
    if label:
        return truncate(label, n)
    aid = as_str(article.get("id"))
    if aid and not looks_generated(aid):
        return truncate(aid, n)
    return truncate(version_name(article), n)
