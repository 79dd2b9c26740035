"""`python -m storytrace.spark group|analyze ...` (also the `spark-submit` entry point).

The command line of the Spark jobs (`storytrace.spark.jobs`); ``storytrace spark
group|analyze`` passes its arguments to `main`. Exit codes as for every storytrace
command: 0 done, 2 bad input or no Spark (for ``group``, as for ``storytrace ingest``: some records
were bad or conflicting; each is printed on stderr as ``file:line: message``, the good ones are
written), 1 an internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Sequence

from storytrace.corpus.grouping import DEFAULT_PARAMS, GroupingParams
from storytrace.spark.jobs import DEFAULT_BLOCK_S, run_analyze, run_group, spark_session

__all__ = ["build_parser", "main", "run_command"]


def _params_from(args: argparse.Namespace) -> GroupingParams:
    p = DEFAULT_PARAMS
    if args.window_hours is not None:
        p = replace(p, window_s=None if args.window_hours <= 0 else args.window_hours * 3600.0)
    return p


def build_parser() -> argparse.ArgumentParser:
    """The ``group`` and ``analyze`` commands and their options."""
    ap = argparse.ArgumentParser(prog="python -m storytrace.spark", description="storytrace on Spark")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("group", help="group articles into stories; write articles, stories, pairs (Parquet)")
    g.add_argument("--input", action="append", required=True, help="path or glob (repeatable): JSONL, CSV, Parquet")
    g.add_argument("--output", required=True)
    g.add_argument("--master", default=None, help="e.g. local[2]; default: from spark-submit")
    g.add_argument("--format", choices=["jsonl", "csv", "parquet"])
    g.add_argument("--map", dest="mapping", help="FIELD=COLUMN,... as for storytrace ingest")
    g.add_argument("--block-hours", type=float, default=DEFAULT_BLOCK_S / 3600)
    g.add_argument("--warm-hours", type=float, default=None, help="default: three grouping windows (66 h)")
    g.add_argument("--window-hours", type=float, default=None, help="0: no time window")
    g.add_argument("--no-pairs", action="store_true")
    a = sub.add_parser("analyze", help="the per-story compare analysis, one task per story")
    a.add_argument("--stories", required=True, help="the output folder of `group`")
    a.add_argument("--output", required=True)
    a.add_argument("--master", default=None)
    a.add_argument("--min-size", type=int, default=2)
    a.add_argument("--max-articles", type=int, default=50)
    a.add_argument("--with-text", action="store_true")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes: 0 done, 2 bad input or no Spark, 1 an internal error (as for every storytrace command)."""
    args = build_parser().parse_args(argv)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("error: storytrace spark needs pyspark (pip install 'pyspark[sql]>=4.0') and Java 17+", file=sys.stderr)
        return 2
    try:
        spark = spark_session(args.master)
    except Exception as exc:  # no Java, bad master
        print(f"error: cannot start Spark ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    try:
        return run_command(spark, args)
    finally:
        spark.stop()


def run_command(spark, args: argparse.Namespace) -> int:
    """Run the parsed command on ``spark``; print its summary as JSON. Bad input: a message, 2."""
    from pyspark.errors import AnalysisException

    try:
        if args.cmd == "group":
            from storytrace.readers.records import parse_column_map

            summary = run_group(spark, args.input, args.output, fmt=args.format, column_map=parse_column_map(args.mapping),
                                params=_params_from(args), block_s=args.block_hours * 3600.0,
                                warm_s=None if args.warm_hours is None else args.warm_hours * 3600.0,
                                pairs=not args.no_pairs)
        else:
            summary = run_analyze(spark, args.stories, args.output, min_size=args.min_size,
                                  max_articles=args.max_articles, include_text=args.with_text)
    except (ValueError, AnalysisException) as exc:  # a missing path, a bad --map, an unknown format
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    bad = summary.get("errors", 0) + summary.get("conflicts", 0) if args.cmd == "group" else 0
    if bad:  # reported as `storytrace ingest` reports them, one line each
        for line in summary.get("error_list", []):
            print(line, file=sys.stderr)
        if bad > len(summary.get("error_list", [])):
            print(f"… and {bad - len(summary['error_list']):,} more in {summary['output']}/errors", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # python -m storytrace.spark / spark-submit -m storytrace.spark
    sys.exit(main())
