"""Fit the average-link grouper (storytrace/corpus/lexicalgrouping.py): its reference IDF and its cut.

Usage (from the repository root)::

    .venv/bin/python -m training.fit_lexical_grouping [--data ../shared/data]

Fits, in order:

* ``storytrace/data/idf.npz``: document frequencies (buckets seen in two
  documents or more) of the Multi-News test articles with an *even*
  cluster_id (Fabbri et al. 2019), the half the lead cut is fitted on; the
  odd half, WikiRef and UCI are never counted.
* ``avglink_cut_lead``: grid search (``LEAD_GRID``) for the highest BCubed F1
  of `group_by_average_link` on that even half.
Headlines alone are not grouped this way (see lexicalgrouping's docstring).

The cut is written into storytrace/data/corpus_grouping.json with the
data, objective and command; deterministic (no sampling).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA, REPO
from training.corpussets import load_multinews

DATA_DIR = REPO / "storytrace" / "data"
LEAD_GRID = tuple(round(float(c), 3) for c in np.arange(0.04, 0.121, 0.01))
COMMAND = "python -m training.fit_lexical_grouping"


def _f1(arts, gold, cut: float, vecs) -> float:
    from storytrace.corpus.linkage import AverageLinkGraph
    from storytrace.corpus.metrics import scores_for

    g = AverageLinkGraph(cut)
    for lo in range(0, len(arts), 512):
        g.add_many([a.id for a in arts[lo:lo + 512]], vecs[lo:lo + 512])
    return scores_for(g.stories(), gold).bcubed_f1


def _grid(name: str, arts, gold, grid, log) -> tuple[float, float]:
    from storytrace.corpus.lexicalgrouping import vectors

    vecs = vectors(arts)
    best = (-1.0, grid[0])
    for c in grid:
        f = _f1(arts, gold, c, vecs)
        log(f"  {name} {c:.3f}: BCubed F1 {f:.4f}")
        if f > best[0]:
            best = (f, c)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.fit_lexical_grouping", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", flush=True)

    from storytrace.corpus import lexical
    from storytrace.corpus.lexicalgrouping import lexical_text

    arts, gold, _ = load_multinews(args.data)
    even = [a for a in arts if int(gold[a.id]) % 2 == 0]
    idf = lexical.Idf.count(lexical_text(a) for a in even)
    idf.save(DATA_DIR / lexical.IDF_FILE)
    lexical.default_idf.cache_clear()
    log(f"IDF: {idf.docs} Multi-News even-half articles, {len(idf.index)} buckets with df >= 2 "
        f"-> storytrace/data/{lexical.IDF_FILE}")
    even_gold = {a.id: gold[a.id] for a in even}
    f_lead, cut_lead = _grid("avglink_cut_lead", even, even_gold, LEAD_GRID, log)

    path = DATA_DIR / "corpus_grouping.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    table["avglink_cut_lead"] = {
        "value": cut_lead,
        "data": f"Multi-News test clusters with even cluster_id ({len(even):,} articles; the odd half is held out)",
        "objective": f"max BCubed F1 of group_by_average_link, grid {LEAD_GRID[0]:.2f}-{LEAD_GRID[-1]:.2f} "
                     f"step 0.01 (F1 {f_lead:.3f})",
        "fit": COMMAND,
    }
    path.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    log(f"avglink_cut_lead {cut_lead} (F1 {f_lead:.4f}) -> {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
