"""storytrace on Apache Spark: corpus grouping and per-story analysis as Spark jobs.

``storytrace spark group --input 'articles/*.jsonl.gz' --output out/ [--master local[2]]``
``storytrace spark analyze --stories out/ --output analysis/``
(or ``spark-submit -m storytrace.spark group ...`` / ``python -m storytrace.spark group ...``)

Nothing here re-implements an algorithm: every stage calls, from ``mapInPandas`` /
``applyInPandas``, a pure function of `storytrace.spark.frames`, which calls the ones the
embedded path uses:

* reading: Spark's JSON / CSV / Parquet readers, then the readers' record coercion
  (``storytrace.readers.records.make_record``: text required, CRLF -> LF, stripped,
  numbers as Unix times), so a record means the same as it does to ``storytrace ingest``;
* ``pairs`` (candidate pairs with scores, an output for inspection): MinHash LSH by band
  join (rows grouped by band hash; ``corpus.grouping.minhash_digests``, the grouper's own
  shingles and permutations, estimated Jaccard) and static-embedding neighbours by
  per-partition exact search (``corpus.grouping.embed``; rows grouped by time bucket of
  ``window_s``, each compared with its own and the previous bucket, the ``pair_k``
  nearest at cosine >= ``join_cosine`` kept);
* grouping: the rule of `storytrace.corpus.storygrouping.group_stories`, articles split by
  ``events.articletext.has_lead_text``; the two sets never share a story.

  - Articles with text: average link (`storytrace.events.lexicalgrouping.group_by_average_link`),
    partitioned by the candidate graph, never by time, and nothing of the corpus collected to the
    driver but the boilerplate sentence hashes and the capped buckets (broadcast). (a) Each
    article's distinct sentence hashes are counted; those ``avglink_boilerplate_df`` or more
    articles carry are boilerplate. (b) Each article's vector, ``vectorize(without(text,
    boilerplate))``. (c) Candidate edges (`candidate_edges`): the articles hashed into blocks of
    about ``BLOCK_ROWS``, each pair of blocks (and each block with itself) scored in one task by one
    sparse product of their vectors (`frames.block_pair_edges`), the buckets held by more than
    ``linkage.POSTING_CAP`` articles of the corpus left out (as the embedded graph leaves
    them out), pairs at or above ``avglink_cut_lead`` kept unless published more than
    ``MAX_GAP_DAYS`` apart: the same edges as the self-join of the (article, bucket, weight) postings
    on bucket it replaced, on Multi-News in 6-16 s instead of 118 s. (d) Their connected components
    (large-star / small-star below). (e) Each component clustered in one ``applyInPandas`` task by
    the embedded `storytrace.events.linkage.AverageLinkGraph`; an article without an edge is its own
    story. Average-link clusters at the cut lie inside those components, so this is the embedded
    grouping exactly, but where a bucket's posting cap binds (the embedded graph checks it as
    articles arrive). A component is as large as the data makes it (Multi-News at the shipped cut:
    one of 13,471 of 15,409 articles).
  - Headlines alone: ``corpus.grouping.group_articles`` (the embedded `CorpusGrouper`, unchanged)
    on time blocks. The grouper is online and only looks back ``window_s``, so the timeline
    is cut into blocks of ``block_s`` and each block is grouped in one task together with
    a warm-up: the articles of the ``warm_s`` (default three windows, 66 h) before it, which
    rebuild the stories its first articles can join (and their recent centroids). Warm-up articles
    keep the story their own block gave them; a block's story that holds warm-up articles continues
    the story most of them belong to. Those continuation links form a forest over the block-local
    stories; its connected components (large-star / small-star, Kiveris et al. 2014, in
    Spark; never collected to the driver) are the final stories, named after their first
    article as the embedded grouper names them. Headlines without a timestamp are grouped
    in the last block (the embedded grouper compares them with every story; no time
    partition can do that exactly).

Where the headline grouping equals the embedded result: exactly when the headlines fit in one
block (any slice shorter than ``block_s``); across blocks it differs only where a story's centroid
before the warm-up would have changed a decision. On all 422,937 UCI headlines
(``bench/spark_uci.py``, ``docs/benchmarks_spark.md``): BCubed F1 0.650 for both paths (+0.0004),
the two groupings agreeing at BCubed F1 0.974. The text grouping equals `group_stories` exactly on
the shipped examples and story sets, with or without timestamps, and on all 15,444 Multi-News
articles (``bench/spark_multinews.py``).

Outputs (Parquet, under ``--output``): ``articles`` (every field, the story id),
``stories`` (article id -> story id, with the story's size and first/last time) and
``pairs`` (a, b, jaccard, cosine, same_story; the MinHash / embedding candidates above, for
inspection, not the average-link edges). `storytrace.spark.load.load_parquet` puts
them into the SQLite store; `storytrace.spark.__main__` is the command line.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from typing import Sequence

import numpy as np

from storytrace.corpus.grouping import DEFAULT_PARAMS, GroupingParams, timestamp
from storytrace.spark.frames import ARTICLE_FIELDS, PAIR_K, analyse_story_frame, average_link_component, \
    block_pair_edges, embedding_pairs, group_unit, home_block, lexical_rows, lexical_vectors, minhash_rows, \
    normalise_record, warm_blocks

__all__ = ["ARTICLE_FIELDS", "BLOCK_ROWS", "DEFAULT_BLOCK_S", "WARM_WINDOWS", "candidate_edges", "candidate_pairs",
           "connected_components", "group", "input_format", "read_input", "run_analyze", "run_group", "spark_session"]

DAY = 86400.0
DEFAULT_BLOCK_S = 7 * DAY
WARM_WINDOWS = 3  # default warm-up: this many grouping windows (UCI: 22 h -> 66 h)
ERROR_SAMPLE = 20  # bad records and conflicts listed in the summary (all are counted and written)


# --------------------------------------------------------------------------- Spark


def spark_session(master: str | None = None, app: str = "storytrace", conf: dict | None = None):
    """A SparkSession (``master`` None: whatever spark-submit / the environment says)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import warnings

    # pyspark 4.3 warns that pandas 3 is "not yet fully supported"; what we use works (tests/test_spark.py)
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    if master and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    defaults = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.shuffle.partitions": "16",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.adaptive.enabled": "true",
    }
    if master and master.startswith("local"):
        defaults["spark.driver.memory"] = os.environ.get("STORYTRACE_SPARK_DRIVER_MEMORY", "4g")
    for k, v in {**defaults, **(conf or {})}.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


_READERS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def input_format(paths: Sequence[str]) -> str:
    for p in paths:
        low = p.lower().rstrip("/")
        low = low[:-3] if low.endswith(".gz") else low
        for ext, fmt in _READERS.items():
            if low.endswith(ext) or low.endswith(ext + "*"):
                return fmt
    raise ValueError(f"cannot tell the input format of {', '.join(paths)}: use --format jsonl|csv|parquet")


def read_input(spark, paths: Sequence[str], fmt: str | None = None, column_map: dict[str, str] | None = None):
    """(articles, errors): normalised articles with ``seq`` (input order) and ``ts``; bad records.

    ``errors`` has ``id`` (None when the record has none), ``origin`` (``file:line`` for JSONL),
    ``kind`` (``error`` or ``conflict``), ``seq`` and ``error``, worded as `storytrace ingest` reports it: a malformed line (``file:line: invalid JSON
    ...``), a bad record (the same record check), and an id repeated with another text (a conflict:
    the first kept). An id repeated with the same text is dropped silently, as ``ingest`` counts it
    unchanged."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from storytrace.readers.records import IngestError, check_column_map, parse_jsonl_line

    cmap = check_column_map(column_map)
    fmt = fmt or input_format(paths)
    fmt = {"jsonl": "json"}.get(fmt, fmt)
    schema = T.StructType([T.StructField(f, T.StringType()) for f in ARTICLE_FIELDS] + [
        T.StructField("seq", T.LongType()), T.StructField("ts", T.DoubleType()),
        T.StructField("origin", T.StringType()), T.StructField("error", T.StringType())])

    def rows_out(items):
        """A frame of the schema from (seq, origin, Article | IngestError, the record's id if any) items."""
        import pandas as pd

        out = {f: [] for f in ARTICLE_FIELDS}
        seq, ts, origin, err = [], [], [], []
        for n, where, rec, rid in items:
            seq.append(n)
            origin.append(where)
            if isinstance(rec, IngestError):
                for f in ARTICLE_FIELDS:
                    out[f].append(rid if f == "id" else None)
                ts.append(None)
                err.append(str(rec))  # "file:line: message", as ingest prints it
                continue
            for f in ARTICLE_FIELDS:
                out[f].append(getattr(rec, f))
            ts.append(timestamp(rec))
            err.append(None)
        return pd.DataFrame({**out, "seq": np.asarray(seq, dtype=np.int64),
                             "ts": np.asarray([np.nan if t is None else t for t in ts], dtype=np.float64),
                             "origin": origin, "error": err})

    if fmt == "json":
        # read as lines, parsed here by the readers' own line parser: Spark's JSON reader turns a
        # malformed line into nulls ("missing field 'id'", id nan) and an object `text` into a string
        lines = _numbered_lines(spark, paths)

        def norm_lines(batches):
            for pdf in batches:
                items = []
                for n, file, line, value in zip(pdf["_seq"], pdf["_file"], pdf["_line"], pdf["value"]):
                    name = _local_path(file)
                    obj = parse_jsonl_line(name, int(line), value.lstrip("\ufeff") if int(line) == 1 else value)
                    if obj is None:
                        continue
                    rec = obj if isinstance(obj, IngestError) else normalise_record(obj, cmap, name, int(line))
                    rid = obj.get(cmap["id"]) if isinstance(obj, dict) else None
                    items.append((int(n), f"{name}:{int(line)}", rec, rid if isinstance(rid, str) else None))
                yield rows_out(items)

        df = lines.mapInPandas(norm_lines, schema)
    else:
        if fmt == "csv":
            raw = spark.read.csv(list(paths), header=True, multiLine=True, escape='"', inferSchema=False)
        elif fmt == "parquet":
            raw = spark.read.parquet(*paths)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        # keep the input order (file, then position): monotonically_increasing_id is ordered that way
        raw = _numbered_rows(raw.withColumn("_seq", F.monotonically_increasing_id())
                             .withColumn("_file", F.input_file_name()).withColumn("_pid", F.spark_partition_id()))
        unit = "record" if fmt == "csv" else "row"  # a CSV record may span lines: its number, not its line
        # CSV headers are matched case-insensitively, like storytrace ingest
        lower = {c.lower(): c for c in raw.columns}
        wanted = {f: lower.get(cmap[f].lower(), cmap[f]) for f in ARTICLE_FIELDS}
        cols = [F.col(f"`{c}`").alias(f) for f, c in wanted.items() if c in raw.columns]
        missing = [cmap[f] for f in ("id", "text") if wanted[f] not in raw.columns]
        if missing:
            raise ValueError(f"input lacks the field(s) {', '.join(map(repr, missing))}; "
                             f"found {', '.join(c for c in raw.columns if not c.startswith('_'))} (use --map)")
        sel = raw.select(*cols, "_seq", "_file", "_row")
        identity = {f: f for f in ARTICLE_FIELDS}

        def norm(batches):
            for pdf in batches:
                items = []
                for row in pdf.to_dict("records"):
                    name = f"{_local_path(row['_file'])} {unit} {int(row['_row'])}"
                    rec = normalise_record({f: row.get(f) for f in ARTICLE_FIELDS}, identity, name)
                    rid = row.get("id")  # pandas gives a missing id as NaN: never shown as "nan"
                    items.append((int(row["_seq"]), name, rec, rid if isinstance(rid, str) else None))
                yield rows_out(items)

        df = sel.mapInPandas(norm, schema)
    df = df.withColumn("ts", F.when(F.isnan("ts"), None).otherwise(F.col("ts")))
    df = df.persist()
    bad = df.where(F.col("error").isNotNull()).select("id", "origin", "error", F.lit("error").alias("kind"), "seq")
    good = df.where(F.col("error").isNull()).drop("error")
    # a repeated id keeps its first occurrence (as the store does); with another text it is a
    # conflict, reported with ingest's words, never dropped silently
    from pyspark.sql import Window

    w = Window.partitionBy("id").orderBy("seq")
    ranked = good.withColumn("_r", F.row_number().over(w)) \
        .withColumn("_first_text", F.first("text").over(w)).withColumn("_first_origin", F.first("origin").over(w))

    @F.udf(T.StringType())
    def conflict_message(aid, origin, stored_origin):
        from storytrace.corpus.store import Conflict

        return f"{origin}: {Conflict(aid, origin, stored_origin).message()}"

    conflicts = ranked.where((F.col("_r") > 1) & (F.col("text") != F.col("_first_text"))) \
        .select("id", "origin", conflict_message("id", "origin", "_first_origin").alias("error"),
                F.lit("conflict").alias("kind"), "seq")
    good = ranked.where("_r = 1").drop("_r", "_first_text", "_first_origin", "origin")
    return good, bad.unionByName(conflicts)


def _numbered_lines(spark, paths: Sequence[str]):
    """The lines of text files as ``value, _seq, _file, _line`` (``_line`` counted from 1 in its file).

    Line numbers without a shuffle of the data: within one task, ``monotonically_increasing_id`` is
    consecutive, and a file's splits are read by tasks in file order (Spark sorts splits by size,
    stably, and packs them in that order; a gzip file is one split), so a line's number is its place
    in its task plus the lines of the file's earlier tasks (a small aggregate, broadcast)."""
    from pyspark.sql import functions as F

    lines = spark.read.text(list(paths)).withColumn("_seq", F.monotonically_increasing_id()) \
        .withColumn("_file", F.input_file_name()).withColumn("_pid", F.spark_partition_id())
    return _numbered_rows(lines).select("value", "_seq", "_file", F.col("_row").alias("_line"))


def _numbered_rows(df):
    """``df`` (with ``_seq``, ``_file``, ``_pid``) plus ``_row``: each row's place in its file, from 1,
    counted as `_numbered_lines` counts lines (no shuffle of the data)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spans = df.groupBy("_file", "_pid").agg(F.min("_seq").alias("_first"), F.count("*").alias("_n"))
    before = Window.partitionBy("_file").orderBy("_pid").rowsBetween(Window.unboundedPreceding, -1)
    spans = spans.withColumn("_before", F.coalesce(F.sum("_n").over(before), F.lit(0)))
    return df.join(F.broadcast(spans.select("_file", "_pid", "_first", "_before")), ["_file", "_pid"]) \
        .withColumn("_row", F.col("_seq") - F.col("_first") + F.col("_before") + 1)


def _local_path(uri: str) -> str:
    """A ``file:`` URI from ``input_file_name()`` as the path `storytrace ingest` would print."""
    from urllib.parse import unquote, urlparse

    if uri and uri.startswith("file:"):
        return unquote(urlparse(uri).path)
    return uri or "?"


def connected_components(edges, max_iter: int = 64):
    """Connected components of an undirected graph given as a DataFrame ``(src, dst)`` of strings:
    ``(node, component)``, the component named by its smallest node. Alternating large-star /
    small-star (Kiveris et al. 2014, "Connected Components in MapReduce and Beyond"): O(log^2 n)
    rounds of joins and aggregations; nothing is collected to the driver but a count per round."""
    from pyspark.sql import functions as F

    e = edges.select(F.least("src", "dst").alias("u"), F.greatest("src", "dst").alias("v")) \
        .where(F.col("u") != F.col("v")).distinct()
    nodes = edges.select(F.col("src").alias("node")).union(edges.select(F.col("dst").alias("node"))).distinct()
    e = e.localCheckpoint()
    for _ in range(max_iter):
        # large-star: every neighbour larger than u links to the smallest of u's closed neighbourhood
        both = e.select(F.col("u").alias("n"), F.col("v").alias("m")).union(
            e.select(F.col("v").alias("n"), F.col("u").alias("m")))
        mins = both.groupBy("n").agg(F.min("m").alias("mn")).select("n", F.least("mn", "n").alias("mn"))
        large = both.where(F.col("m") > F.col("n")).join(mins, "n") \
            .select(F.col("m").alias("u0"), F.col("mn").alias("v0"))
        large = large.select(F.least("u0", "v0").alias("u"), F.greatest("u0", "v0").alias("v")) \
            .where(F.col("u") != F.col("v")).distinct().localCheckpoint()
        # small-star: u and its smaller neighbours link to the smallest of them
        small_n = large.select(F.col("v").alias("n"), F.col("u").alias("m"))  # neighbours m < n
        smin = small_n.groupBy("n").agg(F.min("m").alias("mn"))
        small = small_n.join(smin, "n").select(F.col("m").alias("x"), F.col("mn").alias("y")).union(
            smin.select(F.col("n").alias("x"), F.col("mn").alias("y")))
        new = small.select(F.least("x", "y").alias("u"), F.greatest("x", "y").alias("v")) \
            .where(F.col("u") != F.col("v")).distinct().localCheckpoint()
        changed = new.join(e, ["u", "v"], "left_anti").count() + e.join(new, ["u", "v"], "left_anti").count()
        e = new
        if changed == 0:
            break
    else:
        raise RuntimeError(f"connected components did not converge in {max_iter} rounds")
    comp = e.groupBy("v").agg(F.min("u").alias("c")).select(F.col("v").alias("node"), "c")
    return nodes.join(comp, "node", "left").select("node", F.coalesce("c", "node").alias("component"))


def group(spark, articles, params: GroupingParams = DEFAULT_PARAMS, block_s: float = DEFAULT_BLOCK_S,
          warm_s: float | None = None, pairs: bool = True, *, cut: float | None = None,
          boilerplate_df: int | None = None, posting_cap: int | None = None, info: dict | None = None):
    """(articles with ``story``, stories, pairs or None). ``articles`` as from `read_input`.

    The rule of `storytrace.corpus.storygrouping.group_stories`: articles with text beyond their
    title by average link (`_group_text`; ``cut``, ``boilerplate_df`` default to the fitted
    ``avglink_cut_lead`` / ``avglink_boilerplate_df``, read now; ``posting_cap`` to
    ``linkage.POSTING_CAP``), headlines alone by the online grouper on time blocks (`_group_headlines`).
    ``info``, when given, receives counts of the text grouping (``run_group``'s ``average_link``)."""
    from pyspark.sql import functions as F

    arts = articles.persist()
    lex = arts.select(*ARTICLE_FIELDS, "seq").mapInPandas(
        lambda it: (lexical_rows(x) for x in it), "id string, lead boolean, hashes array<long>").persist()
    n_by = {r["lead"]: r["count"] for r in lex.groupBy("lead").count().collect()}
    parts = []
    if n_by.get(True, 0):
        texts = arts.join(lex.where("lead").select("id"), "id")
        parts.append(_group_text(spark, texts, lex.where("lead"), cut=cut, boilerplate_df=boilerplate_df,
                                 posting_cap=posting_cap, info=info))
    elif info is not None:
        info.update(articles=0)
    if n_by.get(False, 0):
        heads = arts.join(lex.where("NOT lead").select("id"), "id")
        parts.append(_group_headlines(heads, params, block_s, warm_s))
    if parts:
        story = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
    else:
        story = spark.createDataFrame([], "id string, story string")
    result = arts.join(story, "id").persist()
    stories = result.groupBy("story").agg(F.count("*").alias("size"), F.min("ts").alias("first_ts"),
                                          F.max("ts").alias("last_ts"))
    stories = result.select("id", "story").join(stories, "story") \
        .select(F.col("id").alias("article_id"), F.col("story").alias("story_id"), "size", "first_ts", "last_ts")
    pair_df = candidate_pairs(arts, result, params) if pairs else None
    return result, stories, pair_df


COSINE_SLACK = 1e-9  # candidate pairs this far below the cut are kept too (sums in any order)
# rows per block of `candidate_edges`: a block pair's product holds up to BLOCK_ROWS**2 cosines (about
# half of them nonzero on Multi-News), so this bounds a task's memory (~100 MB) whatever the corpus
# size; Multi-News (15,409 articles) gets 7 blocks, 28 block pairs: enough tasks for the cores
BLOCK_ROWS = 2500


def candidate_edges(vec, floor: float, max_gap_s: float | None, posting_cap: int, *,
                    block_rows: int = BLOCK_ROWS, info: dict | None = None):
    """The candidate graph of the text grouping as ``src, dst`` (``ix``, ``src < dst``): the pairs of
    ``vec`` rows (``ix, ts, buckets, weights``) whose cosine over the buckets held by at most
    ``posting_cap`` rows (the bucket's document frequency over all of ``vec``) is at or above ``floor``,
    not published more than ``max_gap_s`` apart (a row without a time: whatever the gap).

    The rows are hashed into ``ceil(rows / block_rows)`` blocks and every pair of blocks (and every
    block with itself) is scored in one task by one sparse product (`frames.block_pair_edges`); the
    buckets over the cap (few: at most ``postings / posting_cap``) are collected and broadcast.
    ``info``, when given, receives ``edge_blocks`` and ``capped_buckets``."""
    from pyspark.sql import functions as F

    n = vec.count()
    capped = np.zeros(0, dtype=np.int64)
    if n > posting_cap:  # else no bucket can be held by more than the cap: no count needed
        over = vec.select(F.explode("buckets").alias("bucket")).groupBy("bucket").count() \
            .where(F.col("count") > posting_cap).select("bucket").collect()
        capped = np.sort(np.asarray([int(r["bucket"]) for r in over], dtype=np.int64))
    k = max(1, math.ceil(n / block_rows))
    if info is not None:
        info.update(edge_blocks=k, capped_buckets=len(capped))
    bc = vec.sparkSession.sparkContext.broadcast(capped)
    # each row goes to the k block pairs (p <= q) holding its block, so it is shuffled k times: its
    # buckets (22 bits) as ints and weights (float32 values) as floats, both exact
    slim = vec.select("ix", "ts", F.col("buckets").cast("array<int>").alias("buckets"),
                      F.col("weights").cast("array<float>").alias("weights"))
    rows = slim.select("ix", "ts", "buckets", "weights", F.pmod(F.xxhash64("ix"), F.lit(k)).alias("blk")) \
        .withColumn("o", F.explode(F.sequence(F.lit(0).cast("long"), F.lit(k - 1).cast("long")))) \
        .select("ix", "ts", "buckets", "weights", "blk", F.least("blk", "o").alias("p"),
                F.greatest("blk", "o").alias("q"))
    pairs = rows.groupBy("p", "q").applyInPandas(
        lambda pdf: block_pair_edges(pdf, floor, max_gap_s, bc.value), "a long, b long, cosine double")
    return pairs.select(F.col("a").alias("src"), F.col("b").alias("dst"))


def _group_text(spark, texts, lex, *, cut: float | None = None, boilerplate_df: int | None = None,
                posting_cap: int | None = None, info: dict | None = None):
    """``id, story`` for articles with text: `storytrace.events.lexicalgrouping.group_by_average_link`
    partitioned by the connected components of the candidate graph.

    ``texts``: the articles (`read_input` columns); ``lex``: their `lexical_rows`. Boilerplate: the
    sentence hashes ``boilerplate_df`` or more of them carry (collected, broadcast). Candidate
    graph (`candidate_edges`, one sparse product per pair of article blocks): pairs whose cosine
    over the buckets held by at most ``posting_cap`` articles (sum of weight products) is at or
    above the cut, not published more than ``MAX_GAP_DAYS`` apart. Each
    component is clustered in one task by an `AverageLinkGraph` (`average_link_component`); an
    article with no edge is its own story. Average-link clusters lie inside those components, so
    this is the embedded result exactly, but where a bucket's posting cap binds (the embedded graph
    checks the cap as articles arrive)."""
    from pyspark.sql import functions as F

    from storytrace.events.lexicalgrouping import MAX_GAP_DAYS
    from storytrace.events.linkage import POSTING_CAP
    from storytrace.fitted import corpus_value

    cut = float(corpus_value("avglink_cut_lead") if cut is None else cut)
    limit = int(corpus_value("avglink_boilerplate_df") if boilerplate_df is None else boilerplate_df)
    cap = int(POSTING_CAP if posting_cap is None else posting_cap)
    max_gap_s = MAX_GAP_DAYS * 86400.0

    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}
    edge_info: dict = {}

    def lap(name: str) -> None:  # wall time of the stages that ran eagerly since the last lap
        now = time.perf_counter()
        seconds[name] = round(now - clock[0], 2)
        clock[0] = now

    # a. boilerplate: sentences carried by `limit` or more articles with text
    df = lex.select(F.explode("hashes").alias("h")).groupBy("h").count().where(F.col("count") >= limit)
    boiler = {int(r["h"]) for r in df.collect()}
    bp = spark.sparkContext.broadcast(boiler)
    lap("boilerplate")

    # b. vectors, an integer index for the joins (fixed by the checkpoint)
    vec = texts.select(*ARTICLE_FIELDS, "seq", "ts").mapInPandas(
        lambda it: (lexical_vectors(x, bp.value) for x in it),
        "id string, ts double, buckets array<long>, weights array<double>") \
        .withColumn("ix", F.monotonically_increasing_id()).localCheckpoint()
    lap("vectors")

    # c. candidate edges: a sparse product per pair of article blocks
    edges = candidate_edges(vec, cut - COSINE_SLACK, max_gap_s, cap, info=edge_info).localCheckpoint()
    lap("edges")

    # d. connected components (named by their smallest index)
    comps = connected_components(edges).select(F.col("node").alias("ix"), "component")
    lap("components")

    # e. each component clustered in one task; singletons are their own story
    members = vec.join(comps, "ix")

    def cluster(pdf):
        from pyspark import TaskContext

        out = average_link_component(pdf, cut, max_gap_s, cap)
        out["task"] = TaskContext.get().partitionId() if TaskContext.get() is not None else -1
        return out

    grouped = members.select("id", "ts", "buckets", "weights", "component").groupBy("component") \
        .applyInPandas(cluster, "id string, story string, task int").persist()
    alone = vec.join(comps, "ix", "left_anti").select("id", F.concat(F.lit("s-"), F.col("id")).alias("story"))
    if info is not None:
        n_tasks = grouped.select("task").distinct().count()
        lap("clusters")
        sizes = comps.groupBy("component").count() \
            .agg(F.count("*").alias("k"), F.max("count").alias("largest"), F.sum("count").alias("in_comps")).first()
        info.update(articles=vec.count(), boilerplate_sentences=len(boiler), cut=cut, boilerplate_df=limit,
                    posting_cap=cap, **edge_info, edges=edges.count(), components=int(sizes["k"] or 0),
                    largest_component=int(sizes["largest"] or 0), in_components=int(sizes["in_comps"] or 0),
                    component_tasks=n_tasks, seconds=seconds)
    return grouped.select("id", "story").unionByName(alone)


def _group_headlines(arts, params: GroupingParams = DEFAULT_PARAMS, block_s: float = DEFAULT_BLOCK_S,
                     warm_s: float | None = None):
    """``id, story`` for headlines alone: `corpus.grouping.group_articles` on time blocks, stitched."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if warm_s is None:
        warm_s = WARM_WINDOWS * params.window_s if params.window_s is not None else 0.0
    if params.window_s is None:  # no time window: the grouper compares with every story, one task
        block_s, warm_s = math.inf, 0.0
    warm_s = warm_s or 0.0
    max_ts = arts.agg(F.max("ts")).first()[0]
    last_block = 0 if (max_ts is None or math.isinf(block_s)) else home_block(max_ts, block_s)

    @F.udf(T.ArrayType(T.StructType([T.StructField("unit", T.LongType()), T.StructField("role", T.StringType())])))
    def units(ts):
        if ts is None or math.isinf(block_s):
            return [(last_block, "home")]
        b = home_block(ts, block_s)
        return [(b, "home")] + [(k, "warm") for k in warm_blocks(ts, block_s, warm_s) if k <= last_block]

    cols = list(ARTICLE_FIELDS) + ["seq", "ts"]
    exploded = arts.select(*cols, F.explode(units("ts")).alias("u")).select(*cols, "u.unit", "u.role")
    out_schema = "id string, unit long, role string, local string"
    p = params
    local = exploded.groupBy("unit").applyInPandas(lambda pdf: group_unit(pdf, p), out_schema) \
        .join(arts.select("id", "seq"), "id").localCheckpoint()
    home = local.where("role = 'home'").select("id", F.col("local").alias("auth"))
    warm = local.where("role = 'warm'").join(home, "id")
    votes = warm.groupBy("local", "auth").agg(F.count("*").alias("n"), F.min("seq").alias("first"))
    pick = Window.partitionBy("local").orderBy(F.desc("n"), "first")
    parents = votes.withColumn("_r", F.row_number().over(pick)).where("_r = 1") \
        .select(F.col("local").alias("src"), F.col("auth").alias("dst"))
    # each block story links to at most one story of an earlier block: a forest; its components are
    # the final stories, each named after its root (the one block story with no parent, the earliest)
    comps = connected_components(parents)
    roots = comps.join(parents.select(F.col("src").alias("node")).distinct(), "node", "left_anti") \
        .select("component", F.col("node").alias("root"))
    node_root = comps.join(roots, "component").select("node", "root")
    story_of_local = home.select(F.col("auth").alias("node")).distinct() \
        .join(node_root, "node", "left") \
        .select("node", F.coalesce("root", "node").alias("root"))
    return home.join(story_of_local.withColumnRenamed("node", "auth"), "auth") \
        .select("id", F.regexp_extract("root", r"^-?\d+/(.*)$", 1).alias("story"))


def candidate_pairs(arts, result, params: GroupingParams = DEFAULT_PARAMS, k: int = PAIR_K):
    """MinHash band-join candidates (Jaccard) and per-time-bucket embedding neighbours (cosine)."""
    from pyspark.sql import functions as F

    p = params
    cols = list(ARTICLE_FIELDS) + ["seq", "ts"]
    mh_schema = "id string, digest array<long>, bands array<long>"
    mhr = arts.select(*cols).mapInPandas(lambda it: (minhash_rows(x, p) for x in it), mh_schema) \
        .join(arts.select("id", "ts"), "id").localCheckpoint()
    # band join: rows grouped by (band, band hash), every pair inside a bucket, within the window
    keys = mhr.select("id", "ts", F.posexplode("bands").alias("band", "bhash"))
    ka, kb = keys.alias("x"), keys.alias("y")
    cond = (F.col("x.band") == F.col("y.band")) & (F.col("x.bhash") == F.col("y.bhash")) & (F.col("x.id") < F.col("y.id"))
    if p.window_s is not None:
        cond = cond & (F.col("x.ts").isNull() | F.col("y.ts").isNull()
                       | (F.abs(F.col("x.ts") - F.col("y.ts")) <= F.lit(p.window_s)))
    cand = ka.join(kb, cond).select(F.col("x.id").alias("a"), F.col("y.id").alias("b")).distinct()
    dg = mhr.select("id", "digest")
    mh = cand.join(dg.withColumnRenamed("id", "a").withColumnRenamed("digest", "da"), "a") \
        .join(dg.withColumnRenamed("id", "b").withColumnRenamed("digest", "db"), "b") \
        .select("a", "b", (F.size(F.filter(F.zip_with("da", "db", lambda x, y: x == y), lambda t: t))
                           / F.lit(float(p.num_perm))).alias("jaccard"),
                F.lit(None).cast("double").alias("cosine"))
    w = p.window_s or math.inf
    if math.isinf(w):
        bucket = F.lit(0).cast("long")
    else:
        bucket = F.when(F.col("ts").isNull(), F.lit(-1)).otherwise(F.floor(F.col("ts") / F.lit(w))).cast("long")
    b = arts.select(*cols).withColumn("bucket", bucket)
    shadow = b.where("bucket >= 0").withColumn("bucket", F.col("bucket") + 1).withColumn("role", F.lit("shadow"))
    untimed_all = b.where("bucket < 0")
    rows = b.withColumn("role", F.lit("home")).unionByName(shadow)
    if not math.isinf(w):
        # articles without a time are candidates for every bucket: copy them in as shadows
        buckets = b.select("bucket").where("bucket >= 0").distinct()
        rows = rows.unionByName(untimed_all.drop("bucket").crossJoin(buckets).withColumn("role", F.lit("shadow"))
                                .select(*rows.columns))
    pair_schema = "a string, b string, jaccard double, cosine double"
    emb = rows.groupBy("bucket").applyInPandas(lambda pdf: embedding_pairs(pdf, p, k), pair_schema)
    allp = mh.unionByName(emb).groupBy("a", "b").agg(F.max("jaccard").alias("jaccard"), F.max("cosine").alias("cosine"))
    s = result.select("id", "story")
    allp = allp.join(s.withColumnRenamed("id", "a").withColumnRenamed("story", "sa"), "a") \
        .join(s.withColumnRenamed("id", "b").withColumnRenamed("story", "sb"), "b") \
        .select("a", "b", "jaccard", "cosine", (F.col("sa") == F.col("sb")).alias("same_story"))
    return allp


def run_group(spark, inputs: Sequence[str], output: str, *, fmt: str | None = None,
              column_map: dict[str, str] | None = None, params: GroupingParams = DEFAULT_PARAMS,
              block_s: float = DEFAULT_BLOCK_S, warm_s: float | None = None, pairs: bool = True) -> dict:
    """Read, group, write ``articles``, ``stories``, ``pairs`` (and ``errors``) under ``output``."""
    arts, errors = read_input(spark, inputs, fmt, column_map)
    text_info: dict = {}
    result, stories, pair_df = group(spark, arts, params, block_s, warm_s, pairs, info=text_info)
    out = output.rstrip("/")
    result.select(*ARTICLE_FIELDS, "seq", "ts", "story").write.mode("overwrite").parquet(f"{out}/articles")
    stories.write.mode("overwrite").parquet(f"{out}/stories")
    n_pairs = None
    if pair_df is not None:
        pair_df.write.mode("overwrite").parquet(f"{out}/pairs")
        n_pairs = spark.read.parquet(f"{out}/pairs").count()
    errors = errors.persist()
    by_kind = {r["kind"]: r["count"] for r in errors.groupBy("kind").count().collect()}
    n_err, n_conflicts = by_kind.get("error", 0), by_kind.get("conflict", 0)
    sample = []
    if n_err or n_conflicts:
        errors.write.mode("overwrite").parquet(f"{out}/errors")
        # the first ones in input order, as `storytrace ingest --json` lists them
        sample = [r["error"] for r in errors.orderBy("seq").select("error").limit(ERROR_SAMPLE).collect()]
    st = spark.read.parquet(f"{out}/stories")
    summary = {"articles": st.count(), "stories": st.select("story_id").distinct().count(),
               "pairs": n_pairs, "average_link": text_info, "errors": n_err, "conflicts": n_conflicts,
               "error_list": sample, "output": out,
               "params": {**params.__dict__, "block_s": block_s,
                          "warm_s": warm_s if warm_s is not None else WARM_WINDOWS * (params.window_s or 0.0)}}
    with open(os.path.join(out, "_storytrace.json"), "w", encoding="utf-8") if "://" not in out else _nullctx() as fh:
        if fh is not None:
            json.dump(summary, fh, indent=1)
    return summary


class _nullctx:
    def __enter__(self):
        return None

    def __exit__(self, *a):
        return False


def run_analyze(spark, stories_dir: str, output: str, *, min_size: int = 2, max_articles: int = 50,
                include_text: bool = False) -> dict:
    """One task per story (``size >= min_size``): the compare analysis, written as Parquet
    ``story, size, compared, report`` (the compare JSON contract, plus ``corpus_story``) and ``error``."""
    from pyspark.sql import functions as F

    src = stories_dir.rstrip("/")
    arts = spark.read.parquet(f"{src}/articles")
    sizes = arts.groupBy("story").agg(F.count("*").alias("_n"))
    todo = arts.join(sizes, "story").where(F.col("_n") >= min_size).drop("_n")
    schema = "story string, size long, compared long, report string, error string"
    res = todo.repartition("story").groupBy("story").applyInPandas(
        lambda pdf: analyse_story_frame(pdf, max_articles, include_text), schema)
    out = output.rstrip("/")
    res.write.mode("overwrite").parquet(out)
    done = spark.read.parquet(out)
    return {"stories": done.count(), "failed": done.where(F.col("error").isNotNull()).count(), "output": out}
