"""The Spark job's per-partition functions (`storytrace.spark.frames`), without Spark."""
from __future__ import annotations

import json
import sys

import pytest

pd = pytest.importorskip("pandas", reason="the Spark frames need pandas")

from storytrace.corpus.grouping import group_articles, timestamp  # noqa: E402
from storytrace.corpus.ingest import ingest_paths  # noqa: E402
from storytrace.corpus.store import Store  # noqa: E402
from storytrace.corpus.stories import analyse_stored_story  # noqa: E402
from storytrace.readers.records import read_articles  # noqa: E402
from storytrace.spark import frames  # noqa: E402
from tests.helpers import EXAMPLES  # noqa: E402

STORY = "s-orlen-derailment-wire"


def test_pure_helpers():
    assert frames.warm_blocks(10 * 3600.0 - 1, 10 * 3600.0, 3600.0) == [1]
    assert frames.warm_blocks(5 * 3600.0, 10 * 3600.0, 3600.0) == []
    rows = [("x", 0, "home", "0/s-x", 0), ("y", 0, "home", "0/s-x", 1), ("x", 1, "warm", "1/s-x", 0),
            ("y", 1, "warm", "1/s-x", 1), ("z", 1, "home", "1/s-x", 2)]
    assert frames.stitch_parents(rows) == {"1/s-x": "0/s-x"}


def test_frames_never_import_spark():
    import subprocess

    from tests.helpers import REPO

    code = "import sys, storytrace.spark.frames, storytrace.spark.load; assert 'pyspark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_a_story_frame_is_analysed_as_storytrace_story_analyses_the_stored_story(tmp_path):
    arts = read_articles([EXAMPLES])
    stories = group_articles(arts)
    rows = [{**{f: getattr(a, f) for f in frames.ARTICLE_FIELDS}, "seq": i, "ts": timestamp(a),
             "story": stories[a.id]} for i, a in enumerate(arts)]
    pdf = pd.DataFrame(rows)
    story_rows = pdf[pdf.story == STORY].iloc[::-1]  # any row order: the frame sorts by time
    out = frames.analyse_story_frame(story_rows, 2, include_text=True).to_dict("records")
    assert len(out) == 1 and out[0]["error"] is None
    assert (out[0]["story"], out[0]["size"], out[0]["compared"]) == (STORY, 3, 2)
    doc = json.loads(out[0]["report"])
    with Store.open(tmp_path / "s.db") as store:
        ingest_paths(store, [EXAMPLES])
        stored = analyse_stored_story(store, STORY, max_articles=2)
    # the same articles compared, the same analysis; corpus_story has what the rows know
    assert doc["corpus_story"] == {k: stored["corpus_story"][k] for k in ("id", "size", "articles", "compared")}
    assert {k: v for k, v in doc.items() if k != "corpus_story"} == \
        {k: v for k, v in stored.items() if k != "corpus_story"}


def test_lexical_frames_group_as_average_link_does():
    """`lexical_rows` -> boilerplate -> `lexical_vectors` -> `average_link_component`, without Spark:
    one component holding every article is `group_by_average_link` (here with a boilerplate limit of 2,
    so the sentences the story sets share are left out)."""
    from collections import Counter

    from storytrace.events.lexicalgrouping import MAX_GAP_DAYS, group_by_average_link
    from storytrace.fitted import corpus_value
    from tests.helpers import REPO

    arts = read_articles([EXAMPLES]) + read_articles([REPO / "bench" / "stories" / "dev"])
    pdf = pd.DataFrame([{**{f: getattr(a, f) for f in frames.ARTICLE_FIELDS}, "seq": i, "ts": timestamp(a)}
                        for i, a in enumerate(arts)]).iloc[::-1]
    lex = frames.lexical_rows(pdf)
    assert lex["lead"].all() and list(lex["id"]) == [a.id for a in arts]
    counts = Counter(h for hs in lex["hashes"] for h in hs)
    boilerplate = {h for h, n in counts.items() if n >= 2}
    assert boilerplate
    vec = frames.lexical_vectors(pdf, boilerplate)
    assert list(vec["id"]) == [a.id for a in arts]
    assert all(b.tolist() == sorted(b.tolist()) for b in vec["buckets"])
    cut = corpus_value("avglink_cut_lead")
    out = frames.average_link_component(vec.iloc[::-1], cut, MAX_GAP_DAYS * 86400.0)
    assert dict(zip(out["id"], out["story"])) == group_by_average_link(arts, boilerplate_df=2)


def test_block_pair_edges_are_the_pairs_scored_by_hand():
    """Two blocks, scored as (0, 0), (0, 1), (1, 1): the edges of all pairs, the capped buckets and the
    time gap applied as pair by pair."""
    from collections import Counter

    import numpy as np

    from tests.spark import edges_by_hand, text_vectors

    vec = text_vectors()
    floor, gap, cap = 0.05, 7 * 86400.0, 2
    held = Counter(int(b) for bs in vec["buckets"] for b in bs)
    capped = np.asarray(sorted(b for b, n in held.items() if n > cap), dtype=np.int64)
    vec["blk"] = np.arange(len(vec)) % 2
    got = []
    for p, q in ((0, 0), (0, 1), (1, 1)):
        part = vec[vec["blk"].isin({p, q})].assign(p=p, q=q)
        out = frames.block_pair_edges(part, floor, gap, capped)
        assert (out["a"] < out["b"]).all()
        got += list(zip(out["a"].tolist(), out["b"].tolist()))
    assert len(got) == len(set(got))
    want = edges_by_hand(vec, floor, gap, cap)
    assert set(got) == want
    # the cap and the gap both bind here
    assert want != edges_by_hand(vec, floor, gap, len(vec)) and want != edges_by_hand(vec, floor, None, cap)
