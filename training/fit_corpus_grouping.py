"""Fit the corpus grouper's cut-offs in ``storytrace/data/corpus_grouping.json`` on real data.

Usage (from the repository root)::

    .venv/bin/python -m training.fit_corpus_grouping [--limit 30000] [--data ../shared/data] [--out storytrace/data/corpus_grouping.json]

Fits, in order (each with the values fitted before it):

* ``window_hours``: the longest time span of any gold story in the UCI News
  Aggregator train slice (Gasparetti 2016; stories first seen in the last 10% of
  headlines by time, disjoint from the stories `bench.group_corpus` scores),
  rounded up to whole hours, so the window never splits a train story.
* ``join_cosine`` (headline only) and ``dup_jaccard``: grid search (join_cosine
  0.15-0.65 step 0.05 x dup_jaccard 0.5 / 0.7) for the highest BCubed F1 of
  `CorpusGrouper.rebuild` on that train slice (the first ``--limit`` of its headlines).
* ``join_cosine_lead`` (title + lead): grid search (0.40-0.95 step 0.05) for the
  highest BCubed F1 on the Multi-News test clusters (Fabbri et al. 2019) with an
  *even* cluster_id; `bench.group_corpus multinews` also reports the odd half.
  ``--limit`` caps the Multi-News articles read as well (whole clusters).

Every entry is written with its ``value``, the ``data`` it was fitted on, the
``objective`` and the ``fit`` command; ``storytrace.fitted.corpus_value`` reads
them. Deterministic (no sampling). The embeddings of each set are computed once
and reused across the grid.
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA, REPO
from training.corpussets import TRAIN_SHARE, load_multinews, load_uci, run_storytrace

OUT = REPO / "storytrace" / "data" / "corpus_grouping.json"
COSINE_GRID = tuple(round(float(c), 3) for c in np.arange(0.15, 0.651, 0.05))
DUP_GRID = (0.5, 0.7)
LEAD_GRID = tuple(round(float(c), 2) for c in np.arange(0.40, 0.951, 0.05))


@contextmanager
def cached_embeddings(texts):
    """Within the block the grouper's ``embed`` looks ``texts`` up instead of re-encoding them."""
    import storytrace.corpus.grouping as cg

    real = cg.embed
    cache = dict(zip(texts, real(list(texts))))
    cg.embed = lambda ts: np.stack([cache[t] if t in cache else real([t])[0] for t in ts]) if ts else real(ts)
    try:
        yield
    finally:
        cg.embed = real


def bcubed_f1(arts, params, gold) -> float:
    from storytrace.corpus.metrics import cluster_scores

    pred = run_storytrace(arts, params)
    ids = [a.id for a in arts]
    return cluster_scores([pred[i] for i in ids], [gold[i] for i in ids]).bcubed_f1


def fit_headline(data: Path, limit: int | None, log) -> tuple[object, dict]:
    """window_hours, join_cosine and dup_jaccard on the UCI train slice."""
    import storytrace.corpus.grouping as cg

    arts, gold, _ = load_uci(data, limit, "train")
    stories = {gold[a.id] for a in arts}
    log(f"UCI train slice: {len(arts)} headlines, {len(stories)} stories "
        f"(first seen in the last {TRAIN_SHARE:.0%} of headlines)")
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for a in arts:
        s, t = gold[a.id], cg.timestamp(a)
        first[s] = min(first.get(s, t), t)
        last[s] = max(last.get(s, t), t)
    longest = max(last[s] - first[s] for s in first)
    window_h = float(np.ceil(longest / 3600))
    log(f"window: longest train story spans {longest / 3600:.2f} h -> window_hours {window_h:.0f}")
    best = (-1.0, None)
    with cached_embeddings([cg.embed_text(a, cg.DEFAULT_PARAMS.lead_chars) for a in arts]):
        for dup in DUP_GRID:
            for cos in COSINE_GRID:
                p = replace(cg.DEFAULT_PARAMS, join_cosine=cos, dup_jaccard=dup, window_s=window_h * 3600.0)
                f = bcubed_f1(arts, p, gold)
                log(f"  dup_jaccard {dup:.2f} join_cosine {cos:.3f}: BCubed F1 {f:.4f}")
                if f > best[0]:
                    best = (f, p)
    f_best, params = best
    slice_note = (f"first {len(arts):,} of them, " if limit else "") + f"{len(stories)} stories"
    data_uci = (f"UCI News Aggregator train slice: stories first seen in the last {TRAIN_SHARE:.0%} of headlines "
                f"by time ({slice_note}), disjoint from the evaluation stories")
    entries = {
        "join_cosine": {
            "value": params.join_cosine,
            "data": data_uci,
            "objective": f"max BCubed F1 of the online grouper, headline only, grid {COSINE_GRID[0]:.2f}-"
                         f"{COSINE_GRID[-1]:.2f} step 0.05 (F1 {f_best:.3f} there)",
        },
        "dup_jaccard": {
            "value": params.dup_jaccard,
            "data": "UCI News Aggregator train slice (as join_cosine)",
            "objective": "max BCubed F1 over the grid " + " / ".join(f"{d:.1f}" for d in DUP_GRID)
                         + " (with join_cosine)",
        },
        "window_hours": {
            "value": window_h,
            "data": "UCI News Aggregator train slice (as join_cosine)",
            "objective": f"longest gold story span in the slice ({longest / 3600:.2f} h), rounded up, "
                         "so the window never splits a train story",
        },
    }
    return params, entries


def fit_lead(data: Path, limit: int | None, params, log) -> dict:
    """join_cosine_lead on the Multi-News test clusters with an even cluster_id."""
    import storytrace.corpus.grouping as cg

    arts, gold, _ = load_multinews(data, limit)
    arts = [a for a in arts if int(gold[a.id]) % 2 == 0]
    n_clusters = len({gold[a.id] for a in arts})
    log(f"Multi-News even half: {len(arts)} articles, {n_clusters} clusters")
    best = (-1.0, None)
    with cached_embeddings([cg.embed_text(a, params.lead_chars) for a in arts]):
        for c in LEAD_GRID:
            f = bcubed_f1(arts, replace(params, join_cosine_lead=c), gold)
            log(f"  join_cosine_lead {c:.2f}: BCubed F1 {f:.4f}")
            if f > best[0]:
                best = (f, c)
    return {
        "join_cosine_lead": {
            "value": best[1],
            "data": "Multi-News test clusters with even cluster_id (the odd half is held out)"
                    + (f"; {len(arts):,} articles of the first {limit:,} read" if limit else ""),
            "objective": f"max BCubed F1 of the online grouper on title + lead, grid {LEAD_GRID[0]:.2f}-"
                         f"{LEAD_GRID[-1]:.2f} step 0.05 (F1 {best[0]:.3f})",
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.fit_corpus_grouping", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding uci-news/ and multinews/")
    ap.add_argument("--limit", type=int, default=None,
                    help="fit on the first N train-slice headlines (and at most N Multi-News articles)")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the json (default: the shipped file)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, flush=True)

    t0 = time.time()
    params, entries = fit_headline(args.data, args.limit, log)
    entries.update(fit_lead(args.data, args.limit, params, log))
    command = "python -m training.fit_corpus_grouping" + (f" --limit {args.limit}" if args.limit else "")
    order = ("join_cosine", "join_cosine_lead", "dup_jaccard", "window_hours")
    out = {name: {**entries[name], "fit": f"{command} (docs/benchmarks_corpus.md)"} for name in order}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, e in out.items():
        log(f"{name:<18} {e['value']:>6g}  {e['objective']}")
    log(f"wrote {args.out} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
