"""Escaping and defensive reading of report fields, shared by `html` and `graph`.

The report dict may come from anywhere (a file, the web app), so every field is
read as "maybe missing, maybe the wrong type" and every string is escaped where
it is written into HTML or SVG.
"""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["as_num", "as_str", "esc", "truncate"]


def esc(value: Any) -> str:
    """HTML-escape anything (None -> empty string), quotes included."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def as_str(value: Any) -> str:
    """``str(value)``, with None as the empty string."""
    return "" if value is None else str(value)


def as_num(value: Any, default: float = 0.0) -> float:
    """A finite float from ``value``, or ``default`` when it is not one."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    if math.isnan(f) or math.isinf(f):
        return default
    return f


def conflict_line(conflict: Any) -> str:
    """One brief conflict as a sentence: ``article: kind: explanation`` (typed since the contract's
    first version; a plain string is shown as it is)."""
    if isinstance(conflict, dict):
        return f"{conflict.get('article')}: {str(conflict.get('kind', '')).replace('_', ' ')}: " \
               f"{conflict.get('explanation', '')}"
    return str(conflict)


def truncate(s: str, n: int) -> str:
    """``s`` cut to at most ``n`` characters, an ellipsis marking the cut."""
    return s if len(s) <= n else s[: n - 1] + "…"
