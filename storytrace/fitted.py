"""Every fitted value storytrace uses, loaded from ``storytrace/data/*.json``.

One loader for all of them (importlib.resources, so it works from a wheel):

- ``thresholds.json``: alignment, derivation and grouping cut-offs and the two
  logistic grouping models, written by ``training/fit_thresholds.py``;
- ``pair_scorer.json``: the sentence-pair scorer's trees, written by
  ``training/train_pair_scorer.py``;
- ``corpus_grouping.json``: the corpus grouper's cut-offs, fitted by
  ``python -m training.fit_corpus_grouping`` (docs/benchmarks_corpus.md).

Each entry records its value, the data it was fitted on and the objective.
Values set by hand are not here: they sit beside the code that uses them,
marked "set by hand" (for example the MinHash permutation count).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """The parsed ``storytrace/data/<name>.json`` (cached; treat it as read-only)."""
    with resources.files("storytrace.data").joinpath(f"{name}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def table() -> dict[str, dict]:
    """All entries of ``thresholds.json``."""
    return load("thresholds")


def threshold(name: str) -> float:
    """The fitted value of threshold ``name``."""
    return float(table()[name]["value"])


def corpus_value(name: str) -> float:
    """The fitted value of corpus grouping parameter ``name``."""
    return float(load("corpus_grouping")[name]["value"])


def provenance(name: str) -> str:
    """``value fitted on <data> (<objective>)`` for a threshold or corpus grouping parameter."""
    entry = table().get(name) or load("corpus_grouping")[name]
    return f"{entry['value']} fitted on {entry['data']} ({entry['objective']})"
