"""The Spark grouping (`storytrace.spark`) on the UCI News Aggregator headlines, beside the embedded path.

``python -m bench.spark_uci [--limit N] [--master local[2]] [--block-hours H] [--json]``

* spark: `storytrace.spark.run_group` reading the CSV (``--map id=ID,title=TITLE,text=TITLE,
  published_at=TIMESTAMP``), writing Parquet; wall time from reading to the last table written
  (session start-up reported apart), pairs included.
* embedded: `storytrace.corpus_grouping.group_articles` (the `CorpusGrouper`) on the same
  headlines in the same order, in this process.

Scores: BCubed F1 against the STORY labels on all items and on the evaluation stories (the UCI
train slice, which fitted the thresholds, left out; as in ``bench.group_corpus``), and the
agreement of the two groupings (BCubed F1 of one against the other; share of articles given the
identical story id).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
UCI_MAP = {"id": "ID", "title": "TITLE", "text": "TITLE", "published_at": "TIMESTAMP"}


def write_slice(src: Path, dst: Path, limit: int) -> None:
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh, open(dst, "w", encoding="utf-8", newline="") as out:
        r, w = csv.reader(fh), csv.writer(out)
        w.writerow(next(r))
        for i, row in enumerate(r):
            if i >= limit:
                break
            w.writerow(row)


def run(data: Path, limit: int | None, master: str, block_hours: float, keep: str | None = None,
        warm_hours: float | None = None, pairs: bool = True) -> dict:
    import pyarrow.parquet as pq

    from storytrace.spark import jobs as st
    from storytrace.corpus.grouping import group_articles
    from training.corpussets import load_uci

    src = data / "uci-news" / "uci-news-aggregator.csv.gz"
    tmp = Path(tempfile.mkdtemp(prefix="spark-uci-"))
    try:
        if limit:
            inp = tmp / "uci.csv"
            write_slice(src, inp, limit)
        else:
            inp = src
        out = keep or str(tmp / "out")
        t0 = time.perf_counter()
        spark = st.spark_session(master, "storytrace-bench")
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = st.run_group(spark, [str(inp)], out, fmt="csv", column_map=UCI_MAP, block_s=block_hours * 3600.0,
                               warm_s=None if warm_hours is None else warm_hours * 3600.0, pairs=pairs)
        t_spark = time.perf_counter() - t0
        spark.stop()
        tab = pq.read_table(f"{out}/articles", columns=["id", "story"]).to_pydict()
        sp = dict(zip(tab["id"], tab["story"]))

        arts, gold, eval_ids = load_uci(data, limit)
        t0 = time.perf_counter()
        emb = group_articles(arts)
        t_emb = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ids = list(gold)
    res = {"n": len(ids), "master": master, "block_hours": block_hours, "warm_hours": warm_hours or 66.0, "spark_start_s": t_start,
           "spark_wall_s": t_spark, "embedded_wall_s": t_emb, "pairs": summary["pairs"],
           "missing_in_spark": sum(1 for i in ids if i not in sp)}
    res.update(score_paths(sp, emb, gold, {"all": ids, "eval": eval_ids}))
    return res


def score_paths(spark: dict[str, str], embedded: dict[str, str], gold: dict[str, str],
                parts: dict[str, list[str]]) -> dict:
    """Per part, each path's scores against gold; and the two paths' agreement over all of ``gold``
    (BCubed F1 of one against the other, and the share of articles with the same story id)."""
    from storytrace.corpus.metrics import cluster_scores

    ids = list(gold)
    res: dict = {}
    for part, sel in parts.items():
        res[part] = {
            "spark": cluster_scores([spark.get(i, "?" + i) for i in sel], [gold[i] for i in sel]).as_dict(),
            "embedded": cluster_scores([embedded[i] for i in sel], [gold[i] for i in sel]).as_dict(),
        }
    res["agreement_bcubed_f1"] = cluster_scores([spark.get(i, "?" + i) for i in ids],
                                                [embedded[i] for i in ids]).bcubed_f1
    res["same_story_id"] = sum(1 for i in ids if spark.get(i) == embedded[i]) / len(ids)
    return res


def path_table(res: dict, parts: tuple[str, ...]) -> list[str]:
    """The header and one line per part and path (Spark, embedded) of `score_paths`' scores, with wall times."""
    lines = [f"{'path':<10} {'part':<5} {'stories':>8} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pairF1':>6} {'wall s':>7}"]
    for part in parts:
        for path in ("spark", "embedded"):
            s = res[part][path]
            wall = res["spark_wall_s"] if path == "spark" else res["embedded_wall_s"]
            lines.append(f"{path:<10} {part:<5} {s['clusters']:>8} {s['bcubed_precision']:>6.3f} "
                         f"{s['bcubed_recall']:>6.3f} {s['bcubed_f1']:>6.3f} {s['pair_f1']:>6.3f} {wall:>7.1f}")
    return lines


def render(res: dict) -> str:
    lines = [f"UCI headlines: {res['n']:,}  master {res['master']}  block {res['block_hours']:g} h  "
             f"warm-up {res['warm_hours']:g} h"] + path_table(res, ("all", "eval"))
    d = res["eval"]["spark"]["bcubed_f1"] - res["eval"]["embedded"]["bcubed_f1"]
    da = res["all"]["spark"]["bcubed_f1"] - res["all"]["embedded"]["bcubed_f1"]
    lines.append(f"BCubed F1 spark - embedded: {da:+.4f} (all), {d:+.4f} (eval); agreement (BCubed F1 of one "
                 f"against the other) {res['agreement_bcubed_f1']:.4f}; identical story id {res['same_story_id']:.4f}; "
                 f"spark session start {res['spark_start_s']:.1f} s; "
                 + (f"{res['pairs']:,} candidate pairs written" if res["pairs"] is not None else "no pairs table"))
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.spark_uci", description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--block-hours", type=float, default=7 * 24.0)
    ap.add_argument("--warm-hours", type=float, default=None, help="default: three grouping windows (66 h)")
    ap.add_argument("--no-pairs", action="store_true", help="skip the pairs table (grouping only)")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--keep", help="write the Spark output here (kept)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    res = run(Path(args.data), args.limit, args.master, args.block_hours, args.keep, args.warm_hours,
              not args.no_pairs)
    print(json.dumps(res, indent=1) if args.json else render(res))


if __name__ == "__main__":
    main()
