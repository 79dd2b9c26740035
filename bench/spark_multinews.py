"""The Spark grouping (`storytrace.spark`) on Multi-News (articles with text, no timestamps), beside the embedded path.

``python -m bench.spark_multinews [--limit N] [--master local[2]] [--json]``

* embedded: `storytrace.corpus.storygrouping.group_stories` (average link over lexical vectors,
  boilerplate left out) on the articles in loading order, in this process;
* spark: `storytrace.spark.jobs.run_group` reading the same articles from JSONL, writing Parquet
  (no ``pairs`` table: grouping only); wall time from reading to the last table written (session
  start-up reported apart). Without timestamps the old time-block job ran the whole corpus as one
  task; the text grouping is now partitioned by the components of the candidate graph.

Scores: BCubed F1 against the Multi-News clusters (`storytrace.corpus.metrics.cluster_scores`) on
the odd cluster_id half (the even half fitted the cut and the boilerplate limit) and on all, and
the agreement of the two groupings (BCubed F1 of one against the other; share of articles given the
identical story id).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"


def run(data: Path, limit: int | None, master: str, shuffle_partitions: int | None = None) -> dict:
    import pyarrow.parquet as pq

    from bench.spark_uci import score_paths
    from storytrace.corpus.storygrouping import group_stories
    from storytrace.spark import jobs as st
    from storytrace.spark.frames import ARTICLE_FIELDS
    from training.corpussets import load_multinews

    arts, gold, odd = load_multinews(data, limit)
    t0 = time.perf_counter()
    emb = group_stories(arts)
    t_emb = time.perf_counter() - t0

    tmp = Path(tempfile.mkdtemp(prefix="spark-multinews-"))
    try:
        inp = tmp / "multinews.jsonl"
        with open(inp, "w", encoding="utf-8") as fh:
            for a in arts:
                fh.write(json.dumps({f: getattr(a, f) for f in ARTICLE_FIELDS}) + "\n")
        conf = {"spark.sql.shuffle.partitions": str(shuffle_partitions)} if shuffle_partitions else None
        t0 = time.perf_counter()
        spark = st.spark_session(master, "storytrace-bench", conf=conf)
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = st.run_group(spark, [str(inp)], str(tmp / "out"), pairs=False)
        t_spark = time.perf_counter() - t0
        spark.stop()
        tab = pq.read_table(tmp / "out" / "articles", columns=["id", "story"]).to_pydict()
        sp = dict(zip(tab["id"], tab["story"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ids = list(gold)
    res = {"n": len(ids), "gold_stories": len(set(gold.values())), "master": master, "spark_start_s": t_start,
           "spark_wall_s": t_spark, "embedded_wall_s": t_emb, "average_link": summary["average_link"],
           "missing_in_spark": sum(1 for i in ids if i not in sp)}
    res.update(score_paths(sp, emb, gold, {"odd": odd, "all": ids}))
    return res


def render(res: dict) -> str:
    info = res["average_link"]
    from bench.spark_uci import path_table

    lines = [f"Multi-News articles: {res['n']:,} ({res['gold_stories']:,} gold clusters, no timestamps)  "
             f"master {res['master']}"] + path_table(res, ("odd", "all"))
    d = res["odd"]["spark"]["bcubed_f1"] - res["odd"]["embedded"]["bcubed_f1"]
    da = res["all"]["spark"]["bcubed_f1"] - res["all"]["embedded"]["bcubed_f1"]
    lines.append(f"BCubed F1 spark - embedded: {d:+.4f} (odd), {da:+.4f} (all); agreement (BCubed F1 of one "
                 f"against the other) {res['agreement_bcubed_f1']:.4f}; identical story id {res['same_story_id']:.4f}; "
                 f"missing in spark {res['missing_in_spark']}; spark session start {res['spark_start_s']:.1f} s")
    lines.append(f"text grouping: {info.get('articles', 0):,} articles, cut {info.get('cut')}, "
                 f"{info.get('boilerplate_sentences', 0):,} boilerplate sentences (limit {info.get('boilerplate_df')}), "
                 f"{info.get('edges', 0):,} candidate edges ({info.get('edge_blocks', 0)} article blocks, "
                 f"{info.get('capped_buckets', 0)} capped buckets), {info.get('components', 0):,} components "
                 f"(largest {info.get('largest_component', 0):,}; {info.get('in_components', 0):,} articles in "
                 f"them, the rest alone) clustered in {info.get('component_tasks', 0)} tasks")
    if info.get("seconds"):
        lines.append("text grouping stages, s: " + ", ".join(f"{k} {v:.1f}" for k, v in info["seconds"].items()))
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.spark_multinews", description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="the first clusters holding about N articles")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--shuffle-partitions", type=int, default=None, help="default: the session's (16)")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    res = run(Path(args.data), args.limit, args.master, args.shuffle_partitions)
    print(json.dumps(res, indent=1) if args.json else render(res))


if __name__ == "__main__":
    main()
