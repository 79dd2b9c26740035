"""Fit the average-link grouper (storytrace/events/lexicalgrouping.py): its reference IDF, cut, limit, terms.

Usage (from the repository root)::

    .venv/bin/python -m training.fit_lexical_grouping [--data ../shared/data]

Fits, in order:

* ``storytrace/data/idf.npz``: document frequencies (buckets seen in two
  documents or more) of the Multi-News test articles with an *even*
  cluster_id (Fabbri et al. 2019), the half the lead cut is fitted on; the
  odd half, WikiRef and UCI are never counted.
* ``avglink_cut_lead``, ``avglink_boilerplate_df`` and ``avglink_max_terms``:
  grid search (``TERMS_GRID`` x ``BOILERPLATE_GRID`` x ``LEAD_GRID``) for the
  highest lower BCubed F1 of `group_by_average_link` on that even half and on
  WikiRef220's fit half (`training.corpussets.wikiref_halves`): short truncated
  reports of one event, and long web pages by topic, and the grouper must hold
  on both (the mean lets WikiRef's large swings buy a low cut that costs
  Multi-News 0.04; ties: the higher mean, then grid order); the limit's grid
  starts at 20 (set by hand, see ``BOILERPLATE_GRID``). The odd halves of both
  are held out.
Headlines alone are not grouped this way (see lexicalgrouping's docstring).

The cut is written into storytrace/data/corpus_grouping.json with the
data, objective and command; deterministic (no sampling).
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA, REPO
from training.corpussets import load_multinews, load_wikiref, wikiref_halves

DATA_DIR = REPO / "storytrace" / "data"
LEAD_GRID = tuple(round(float(c), 3) for c in np.arange(0.03, 0.071, 0.01))
TERMS_GRID = (100, 150, 200)
# the limit's grid starts at 20, set by hand: below it the copies of one report are its boilerplate (the
# Multi-News optimum is 3, BCubed F1 0.7997 against 0.7933 at 20, and at 3 three copies of one wire
# story lose every sentence and fall apart into three stories); 20 keeps a story's copies together.
BOILERPLATE_GRID = (20, 40, 80)
COMMAND = "python -m training.fit_lexical_grouping"


@contextmanager
def _max_terms(n: int):
    from storytrace.events import lexical

    kept, lexical.MAX_TERMS = lexical.MAX_TERMS, n
    try:
        yield
    finally:
        lexical.MAX_TERMS = kept


def _grid(sets: list[tuple[list, dict[str, str]]], log) -> tuple[float, float, int, int, list[float]]:
    """(lowest F1, cut, limit, max_terms, F1 per set) with the highest lowest BCubed F1 over ``sets``
    (the grouper must hold on each kind of text; ties: the higher mean, then the first in grid order)."""
    from storytrace.events.lexicalgrouping import group_by_average_link
    from storytrace.corpus.metrics import scores_for

    best = (-1.0, LEAD_GRID[0], BOILERPLATE_GRID[0], TERMS_GRID[0], [])
    best_key = (-1.0, -1.0)
    for terms in TERMS_GRID:
        with _max_terms(terms):
            for limit in BOILERPLATE_GRID:
                for c in LEAD_GRID:
                    fs = [scores_for(group_by_average_link(arts, cut=c, boilerplate_df=limit), gold).bcubed_f1
                          for arts, gold in sets]
                    key = (round(min(fs), 12), round(sum(fs) / len(fs), 12))
                    log(f"  max_terms {terms:3d} boilerplate_df {limit:3d} cut {c:.3f}: BCubed F1 "
                        + " / ".join(f"{x:.4f}" for x in fs) + f", lowest {key[0]:.4f}, mean {key[1]:.4f}")
                    if key > best_key:
                        best, best_key = (key[0], c, limit, terms, fs), key
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.fit_lexical_grouping", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", flush=True)

    from storytrace.events import lexical
    from storytrace.events.lexicalgrouping import lexical_text

    arts, gold, _ = load_multinews(args.data)
    even = [a for a in arts if int(gold[a.id]) % 2 == 0]
    idf = lexical.Idf.count(lexical_text(a) for a in even)
    idf.save(DATA_DIR / lexical.IDF_FILE)
    lexical.default_idf.cache_clear()
    log(f"IDF: {idf.docs} Multi-News even-half articles, {len(idf.index)} buckets with df >= 2 "
        f"-> storytrace/data/{lexical.IDF_FILE}")
    even_gold = {a.id: gold[a.id] for a in even}
    wiki, wiki_gold, _ = load_wikiref(args.data)
    wiki_fit, _ = wikiref_halves(wiki_gold)
    keep = set(wiki_fit)
    wiki = [a for a in wiki if a.id in keep]
    wiki_gold = {i: wiki_gold[i] for i in wiki_fit}
    f_lead, cut_lead, limit, terms, per_set = _grid([(even, even_gold), (wiki, wiki_gold)], log)

    path = DATA_DIR / "corpus_grouping.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    data = (f"Multi-News test clusters with even cluster_id ({len(even):,} articles; the odd half is held out) "
            f"and WikiRef220's fit half ({len(wiki)} articles, the even places of each topic in id order; "
            "the odd places are held out)")
    objective = (f"max of the lower BCubed F1 of group_by_average_link on the two sets, ties by the mean "
                 f"({per_set[0]:.3f} / {per_set[1]:.3f}); grid: cut {LEAD_GRID[0]:.2f}-{LEAD_GRID[-1]:.2f} step "
                 f"0.01 x avglink_boilerplate_df {list(BOILERPLATE_GRID)} x avglink_max_terms {list(TERMS_GRID)}")
    table["avglink_cut_lead"] = {"value": cut_lead, "data": data, "objective": objective, "fit": COMMAND}
    table["avglink_boilerplate_df"] = {"value": limit, "data": data,
                                       "objective": "fitted with avglink_cut_lead: " + objective, "fit": COMMAND}
    table["avglink_max_terms"] = {"value": terms, "data": data,
                                  "objective": "fitted with avglink_cut_lead: " + objective, "fit": COMMAND}
    path.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    log(f"avglink_cut_lead {cut_lead}, avglink_boilerplate_df {limit}, avglink_max_terms {terms} "
        f"(lowest F1 {f_lead:.4f}) -> {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
