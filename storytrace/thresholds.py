"""Fitted thresholds, loaded from ``storytrace/data/thresholds.json``.

Each entry records its value, the data it was fitted on and the objective, as
written by ``training/fit_thresholds.py``; nothing here is set by eye.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    with resources.files("storytrace.data").joinpath("thresholds.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def threshold(name: str) -> float:
    """The fitted value of threshold ``name``."""
    return float(_table()[name]["value"])


def provenance(name: str) -> str:
    entry = _table()[name]
    return f"{entry['value']} fitted on {entry['data']} ({entry['objective']})"
