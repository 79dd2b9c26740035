"""The Spark job (`storytrace.spark`) on Spark local[2]: it must group exactly as the embedded path.

Skipped, with the reason, when pyspark or Java is missing. One SparkSession for the module."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from storytrace.corpus.grouping import group_articles
from storytrace.events.articletext import has_lead_text
from storytrace.corpus.storygrouping import StoryGrouper, group_stories
from storytrace.readers.records import read_articles
from storytrace.corpus.metrics import cluster_scores
from tests.helpers import REPO

ROOT = REPO
UCI = ROOT.parent / "shared" / "data" / "uci-news" / "uci-news-aggregator.csv.gz"
UCI_MAP = {"id": "ID", "title": "TITLE", "text": "TITLE", "published_at": "TIMESTAMP"}

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (make test installs it)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (Spark needs Java 17+): the Spark tests are skipped", allow_module_level=True)

from storytrace.spark import __main__ as spark_cli  # noqa: E402
from storytrace.spark import frames  # noqa: E402
from storytrace.spark import jobs as st  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    s = st.spark_session("local[2]", "storytrace-tests", conf={"spark.sql.shuffle.partitions": "4"})
    yield s
    s.stop()


def _jsonl(articles, path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({f: getattr(a, f) for f in frames.ARTICLE_FIELDS}) + "\n")
    return path


def _stories(out: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    t = pq.read_table(out / "articles", columns=["id", "story"]).to_pydict()
    return dict(zip(t["id"], t["story"]))


@pytest.fixture(scope="module")
def examples_out(spark, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark-examples")
    arts = read_articles([ROOT / "examples"])
    summary = st.run_group(spark, [str(_jsonl(arts, tmp / "examples.jsonl"))], str(tmp / "out"))
    return arts, tmp / "out", summary


def test_examples_equal_embedded(examples_out):
    arts, out, summary = examples_out
    assert _stories(out) == group_stories(arts)  # the same stories, with the same ids
    assert summary["articles"] == len(arts) and summary["errors"] == 0
    assert summary["average_link"]["articles"] == len(arts)  # all have text: the average-link path
    import pyarrow.parquet as pq

    stories = pq.read_table(out / "stories").to_pydict()
    assert set(stories) >= {"article_id", "story_id", "size"}
    pairs = pq.read_table(out / "pairs").to_pylist()
    assert pairs and all(p["a"] < p["b"] for p in pairs)
    wire = {(p["a"], p["b"]): p for p in pairs}[("orlen-derailment-courier", "orlen-derailment-wire")]
    assert wire["same_story"] and wire["cosine"] > 0.5


MULTINEWS = ROOT.parent / "shared" / "data" / "multinews"
MULTINEWS_ARTICLES = 1000  # the first Multi-News clusters holding about this many (4 boilerplate sentences)


def test_a_corpus_without_timestamps_is_grouped_in_parts_as_embedded(spark, tmp_path):
    """Issue 11: without timestamps the time-block job ran the corpus as one task; articles with text
    are now grouped per component of the candidate graph, and exactly as `group_stories` groups them."""
    from dataclasses import replace

    arts = read_articles([ROOT / "examples"]) + read_articles([ROOT / "bench" / "stories" / "dev"])
    n_bare = 0
    if MULTINEWS.exists():
        from training.corpussets import load_multinews

        more = load_multinews(MULTINEWS.parent, MULTINEWS_ARTICLES)[0]
        n_bare = sum(not has_lead_text(a) for a in more)  # a few Multi-News texts are short: headlines
        arts += more
    from storytrace.model import Article

    # headlines alone (40 characters or fewer, no title): the online grouper takes them
    heads = ["Fed holds interest rates steady", "Fed keeps interest rates on hold", "Orlen rail line reopens"]
    arts = [replace(a, published_at=None) for a in arts]
    arts += [Article(id=f"head-{k}", text=t) for k, t in enumerate(heads)]
    # no coalescing of small shuffle partitions for this run: the components spread over the tasks
    key = "spark.sql.adaptive.coalescePartitions.enabled"
    before = spark.conf.get(key)
    spark.conf.set(key, "false")
    try:
        summary = st.run_group(spark, [str(_jsonl(arts, tmp_path / "untimed.jsonl"))], str(tmp_path / "out"),
                               pairs=False)
    finally:
        spark.conf.set(key, before)
    got = _stories(tmp_path / "out")
    assert got == group_stories(arts)
    info = summary["average_link"]
    assert info["articles"] == sum(map(has_lead_text, arts)) == len(arts) - len(heads) - n_bare
    assert info["edges"] > 0
    assert info["components"] > 1 and info["largest_component"] < len(arts)  # more than one group ...
    assert info["component_tasks"] > 1  # ... clustered in more than one task
    if MULTINEWS.exists():
        assert info["boilerplate_sentences"] > 0  # scraped notices on Multi-News: the boilerplate path ran


@pytest.mark.skipif(not UCI.exists(), reason="../shared/data/uci-news is not here")
def test_uci_slice_equal_embedded(spark, tmp_path):
    from bench.spark_uci import write_slice

    write_slice(UCI, tmp_path / "uci.csv", 3000)
    from bench.group_corpus import load_uci

    arts, gold, _ = load_uci(UCI.parent.parent, 3000)
    embedded = group_articles(arts)
    # one block: exactly the embedded grouping
    st.run_group(spark, [str(tmp_path / "uci.csv")], str(tmp_path / "one"), fmt="csv", column_map=UCI_MAP,
                 pairs=False)
    assert _stories(tmp_path / "one") == embedded
    # 2-hour blocks (6 of them, each with a 22 h warm-up): stitched across blocks
    st.run_group(spark, [str(tmp_path / "uci.csv")], str(tmp_path / "blocks"), fmt="csv", column_map=UCI_MAP,
                 block_s=2 * 3600.0, pairs=False)
    blocks = _stories(tmp_path / "blocks")
    ids = list(embedded)
    agree = cluster_scores([blocks[i] for i in ids], [embedded[i] for i in ids]).bcubed_f1
    assert agree >= 0.99, agree
    f_emb = cluster_scores([embedded[i] for i in ids], [gold[i] for i in ids]).bcubed_f1
    f_blk = cluster_scores([blocks[i] for i in ids], [gold[i] for i in ids]).bcubed_f1
    assert abs(f_emb - f_blk) <= 0.01


def test_bad_records_reported_not_fatal(spark, tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_text('{"id": "a", "text": "Fed holds rates", "published_at": "2014-03-10T10:00:00Z"}\n'
                 '{"id": "b", "text": ""}\n'
                 '{"id": "c", "text": "Fed keeps rates on hold", "published_at": 1394445600}\n', encoding="utf-8")
    summary = st.run_group(spark, [str(p)], str(tmp_path / "out"), pairs=False)
    assert summary["articles"] == 2 and summary["errors"] == 1
    import pyarrow.parquet as pq

    t = pq.read_table(tmp_path / "out" / "articles").to_pydict()
    assert dict(zip(t["id"], t["published_at"]))["c"] == "2014-03-10T10:00:00Z"


def test_analyze_writes_the_compare_contract(spark, examples_out, tmp_path):
    arts, out, _ = examples_out
    res = st.run_analyze(spark, str(out), str(tmp_path / "analysis"))
    assert res == {"stories": 2, "failed": 0, "output": str(tmp_path / "analysis")}
    import pyarrow.parquet as pq

    rows = {r["story"]: r for r in pq.read_table(tmp_path / "analysis").to_pylist()}
    doc = json.loads(rows["s-orlen-derailment-wire"]["report"])
    assert {"articles", "stories", "pairs", "derivation", "findings", "brief"} <= set(doc)
    assert doc["corpus_story"]["size"] == 3
    assert any(e["source"] == "orlen-derailment-wire" and e["derived"] == "orlen-derailment-courier"
               for e in doc["derivation"])
    assert any(f["kind"] == "number_changed" for f in doc["findings"])


def test_ingest_from_parquet(examples_out, tmp_path):
    from click.testing import CliRunner

    from storytrace.cli import main
    from storytrace.corpus.store import Store

    arts, out, _ = examples_out
    db = tmp_path / "s.db"
    r = CliRunner().invoke(main, ["ingest", "--from-parquet", str(out), "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["added"] == len(arts)
    with Store.open(db, create=False) as store:
        assert store.check() == []
        assert store.membership([a.id for a in arts]) == _stories(out)
        assert store.counts()["stories"] == 4
        # the grouper's state continues the Spark stories: a near-copy joins its story
        g = StoryGrouper(store)
        wire = next(a for a in arts if a.id == "orlen-derailment-wire")
        from dataclasses import replace

        copy = "orlen-derailment-wire-copy"  # published with the wire, after it by id: the story keeps its name
        got = g.assign([replace(wire, id=copy, origin=None)])
        assert got[copy] == "s-orlen-derailment-wire"
        assert {k: v for k, v in got.items() if k != copy}.items() <= _stories(out).items()
    again = CliRunner().invoke(main, ["ingest", "--from-parquet", str(out), "--db", str(db), "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["unchanged"] == len(arts)
    bad = CliRunner().invoke(main, ["ingest", "--from-parquet", str(tmp_path / "nope"), "--db", str(db)])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_cli_spark_group_bad_input_exit_2(spark, tmp_path, capsys):
    # the command's body (storytrace spark group / python -m storytrace.spark) on the module's session
    args = spark_cli.build_parser().parse_args(["group", "--input", str(tmp_path / "none.jsonl"), "--output",
                                                str(tmp_path / "o")])
    assert spark_cli.run_command(spark, args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
    with pytest.raises(SystemExit) as e:  # usage errors exit 2 too
        spark_cli.main(["group", "--output", "x"])
    assert e.value.code == 2


def test_malformed_lines_and_conflicts_are_reported_as_ingest_reports_them(spark, tmp_path, capsys):
    """Issue 12: malformed lines had "missing field 'id'" with id nan and no line; a text that is an
    object was stored; a conflicting duplicate id was dropped silently."""
    import gzip

    import pyarrow.parquet as pq

    from storytrace.corpus.store import Store
    from storytrace.readers.records import iter_records

    ok = "The council approved the new bridge over the Tamsey on Monday, officials said."
    lines = [
        json.dumps({"id": "a", "text": ok}),                       # 1
        "{not json",                                               # 2
        "",                                                        # 3 (blank: skipped, still counted)
        json.dumps({"id": "obj", "text": {"body": "x"}}),          # 4
        json.dumps({"id": "num", "text": 5}),                      # 5
        json.dumps([1, 2]),                                        # 6
        json.dumps({"id": "a", "text": ok + " Again."}),           # 7: conflict with line 1
        json.dumps({"id": "a", "text": ok}),                       # 8: the same text: unchanged
        json.dumps({"id": "b", "text": ok + " Work starts in May."}),  # 9
    ]
    first = tmp_path / "in" / "first.jsonl"
    first.parent.mkdir()
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = tmp_path / "in" / "second.jsonl.gz"  # its own line numbers; gzipped
    second.write_bytes(gzip.compress((json.dumps({"id": "c", "text": ok + " Residents cheered."}) + "\n"
                                      + '{"id": "d"}\n').encode()))
    paths = [str(first), str(second)]
    summary = st.run_group(spark, paths, str(tmp_path / "out"), pairs=False)
    assert summary["articles"] == 3 and summary["errors"] == 5 and summary["conflicts"] == 1
    # ingest reads the same files: the same bad records, worded the same, with the same file:line
    want = sorted(str(e) for p in paths for e in iter_records(p, strict=False) if not hasattr(e, "text"))
    got = pq.read_table(tmp_path / "out" / "errors").to_pylist()
    assert sorted(r["error"] for r in got if r["kind"] == "error") == want
    assert any(f"{first}:2: invalid JSON" in w for w in want) and any(f"{second}:2:" in w for w in want)
    assert not any("nan" in (r["id"] or "") for r in got)
    by_line = {r["origin"]: r for r in got}
    assert by_line[f"{first}:4"]["id"] == "obj" and "must be a string" in by_line[f"{first}:4"]["error"]
    # the conflict: ingest's message, naming both places
    db = tmp_path / "s.db"
    with Store.open(str(db)) as store:
        from storytrace.corpus.ingest import ingest_paths

        report = ingest_paths(store, [str(first)])
    [c] = report.conflicts
    [conflict] = [r for r in got if r["kind"] == "conflict"]
    assert conflict["id"] == "a" and conflict["origin"] == f"{first}:7"
    assert conflict["error"] == f"{c.origin}: {c.message()}" and f"{first}:1" in conflict["error"]
    assert summary["error_list"][0].startswith(f"{first}:2: invalid JSON")
    # the command exits 2, printing each one on stderr
    args = spark_cli.build_parser().parse_args(["group", "--input", paths[0], "--input", paths[1], "--output",
                                                str(tmp_path / "o2"), "--no-pairs"])
    assert spark_cli.run_command(spark, args) == 2
    err = capsys.readouterr().err
    assert f"{first}:7: article id 'a' is already stored with a different text" in err
    assert f"{first}:5:" in err and "Traceback" not in err


def test_bad_csv_and_parquet_rows_are_named_by_their_place_in_their_file(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    ok = "The council approved the new bridge over the Tamsey on Monday, officials said."
    csv_path = tmp_path / "in.csv"
    # record 2 spans two lines (a quoted line break): its number is 2, its line would be 3
    csv_path.write_text('id,text\na,"' + ok + '"\nb,"' + ok + '\nWork starts in May."\nc,\nd,"' + ok + ' More."\n',
                        encoding="utf-8")
    summary = st.run_group(spark, [str(csv_path)], str(tmp_path / "out-csv"), fmt="csv", pairs=False)
    assert summary["articles"] == 3 and summary["errors"] == 1
    errors = pq.read_table(tmp_path / "out-csv" / "errors").to_pydict()
    assert errors["origin"] == [f"{csv_path} record 3"], errors
    pq_path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": [ok, "", ok + " Again, later."]}), pq_path)
    summary = st.run_group(spark, [str(pq_path)], str(tmp_path / "out-pq"), fmt="parquet", pairs=False)
    assert summary["errors"] == 1
    assert pq.read_table(tmp_path / "out-pq" / "errors").to_pydict()["origin"] == [f"{pq_path} row 2"]


def test_candidate_edges_are_the_pairs_scored_by_hand(spark):
    """`candidate_edges` in one block and in many: the pairs at the floor, by hand, the posting cap
    counted over all rows (binding here) and the time gap (binding too) applied."""
    from tests.spark import edges_by_hand, text_vectors

    vec = text_vectors()
    floor, gap, cap = 0.05, 7 * 86400.0, 2
    want = edges_by_hand(vec, floor, gap, cap)
    assert want and want != edges_by_hand(vec, floor, gap, len(vec))
    sdf = spark.createDataFrame(vec)
    for rows, blocks in ((st.BLOCK_ROWS, 1), (3, 7)):
        info: dict = {}
        got = st.candidate_edges(sdf, floor, gap, cap, block_rows=rows, info=info).collect()
        assert info["edge_blocks"] == blocks and info["capped_buckets"] > 0
        assert len(got) == len(want) and {(r["src"], r["dst"]) for r in got} == want
