import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from storytrace.corpus.grouping import DEFAULT_PARAMS, CorpusGrouper, group_articles, lsh_bands, shingles, timestamp
from storytrace.corpus.store import Store
from storytrace.model import Article
from tests.helpers import REPO

ROOT = REPO
DATA = ROOT.parent / "shared" / "data"

HEADLINES = [
    ("1", "Fed official says weak data caused by weather, should not slow taper", "2014-03-10T17:00:00Z"),
    ("2", "Fed's Plosser says weak data caused by weather, should not slow taper", "2014-03-10T17:01:00Z"),
    ("3", "Fed's Charles Plosser sees high bar for change in pace of tapering", "2014-03-10T17:02:00Z"),
    ("4", "Apple unveils new iPhone with bigger screen at Cupertino event", "2014-03-10T17:03:00Z"),
    ("5", "Apple shows off bigger iPhone at Cupertino launch event", "2014-03-10T17:04:00Z"),
    # same words as story 1, weeks later: outside the time window, a new story
    ("6", "Fed official says weak data caused by weather, should not slow taper", "2014-04-20T09:00:00Z"),
]


def arts(rows=HEADLINES):
    return [Article(id=i, text=t, title=t, published_at=ts) for i, t, ts in rows]


def test_lsh_bands_minimise_error_like_datasketch():
    b, r = lsh_bands(0.7, 64)
    assert b * r == 64
    # a higher threshold needs longer bands
    assert lsh_bands(0.9, 64)[1] >= lsh_bands(0.3, 64)[1]


def test_helpers():
    assert timestamp(Article("x", "t", published_at="2014-03-10T17:00:00Z")) == 1394470800.0
    assert timestamp(Article("x", "t", published_at="not a date")) is None
    assert {"fed", "fed official"} <= shingles("Fed official")


def memory_store() -> Store:
    return Store.open(":memory:")


def test_groups_and_window():
    out = CorpusGrouper(memory_store()).rebuild(arts())
    assert out["1"] == out["2"]  # near-duplicate
    assert out["4"] == out["5"]
    assert out["1"] != out["4"]
    assert out["6"] != out["1"]  # outside the window
    assert out["1"] == "s-1"
    assert group_articles(arts()) == out  # the pure entry point (Spark) decides the same


def test_incremental_equals_rebuild_and_survives_restart(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        first = CorpusGrouper(store).assign(arts()[:3])
    with Store.open(db) as store:  # a new grouper loads the state from the store
        g = CorpusGrouper(store)
        second = g.assign(arts()[3:])
        inc = {**first, **second}
        full = CorpusGrouper(memory_store()).rebuild(arts())
        assert inc == full
        # already grouped articles keep their story
        assert g.assign(arts()[:1]) == {"1": inc["1"]}
        assert sorted(len(v) for v in g.stories().values()) == sorted(
            [sum(1 for x in full.values() if x == s) for s in set(full.values())]
        )


def test_a_bare_sqlite_connection_works_and_the_caller_commits(tmp_path):
    """As bench/group_corpus.py uses it: the grouper over a plain sqlite3 file."""
    db = tmp_path / "bare.db"
    conn = sqlite3.connect(db)
    out = CorpusGrouper(conn).rebuild(arts())
    conn.commit()
    conn.close()
    assert out == group_articles(arts())
    with Store.open(db) as store:
        assert set(store.grouping_members()) == set(out.values())
        # the state is whole; only the articles themselves were never stored here
        assert store.check() == [f"grouping: {len(out)} grouped article(s) not in the store"]


def test_rollback_is_noticed():
    store = memory_store()
    g = CorpusGrouper(store)
    with pytest.raises(RuntimeError), store.transaction():
        g.assign(arts()[:2])
        raise RuntimeError("the caller did not keep the batch")
    out = g.assign(arts()[:1])
    assert out == {"1": "s-1"}
    assert sum(len(v) for v in store.grouping_members().values()) == 1
    # a bare connection: the grouper's writes join the transaction the caller opened
    conn = sqlite3.connect(":memory:", isolation_level=None)
    g = CorpusGrouper(conn)
    conn.execute("BEGIN")
    g.assign(arts()[:2])
    conn.execute("ROLLBACK")
    assert g.assign(arts()[:1]) == {"1": "s-1"}
    assert conn.execute("SELECT count(*) FROM grp_article").fetchone()[0] == 1


def test_untimed_articles_use_all_stories():
    rows = [(i, t, None) for i, t, _ in HEADLINES]
    out = CorpusGrouper(memory_store(), replace(DEFAULT_PARAMS, window_s=None)).rebuild(arts(rows))
    assert out["6"] == out["1"]
    out2 = CorpusGrouper(memory_store()).rebuild(arts(rows))
    assert out2 == out


@pytest.mark.skipif(not (DATA / "uci-news").exists(), reason="../shared/data is missing")
def test_bench_smoke():
    p = subprocess.run(
        [sys.executable, "-m", "bench.group_corpus", "uci", "--limit", "1500"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    for name in ("storytrace", "storytrace-notime", "minhash-lsh-cc", "community"):
        assert name in p.stdout
    assert "BCubed F1" in p.stdout


BOILERPLATE = ("This article is provided by the Newswire Syndication Service. All rights reserved. Reproduction "
               "in whole or in part without permission is prohibited. For licensing contact our sales desk.")
UNRELATED_TITLES = [
    "Harbour crane collapses onto cargo ship", "Wheat prices climb after poor harvest", "Mayor wins second term",
    "New vaccine approved for children", "Bridge closed for repairs until spring", "Drought forces water limits",
    "Nurses vote to strike over pay", "Museum returns stolen bronze statue", "Railway line reopens after flood",
    "Tariff row hits car exports", "Glacier retreat speeds up, study finds", "Satellite launch delayed by storm",
    "Orchestra cancels tour amid funding cuts", "Refinery fire sends smoke over city", "Kenyan wins city marathon",
    "Parliament passes housing bill", "Earthquake shakes coastal towns", "Lottery jackpot goes unclaimed",
    "Airport expansion plan rejected", "Cathedral roof restored after blaze", "Club sacks football coach",
    "Pension age to rise in 2030", "Wildfire destroys forty homes", "Jazz festival draws record crowd",
    "Navy recovers sunken submarine", "Frost damages vineyard crops", "Hospital opens new cancer ward",
    "Bakery chain closes twelve shops", "Telescope spots distant comet", "Casino licence suspended by regulator",
]


def _boilerplate_articles(n: int, offset: int = 0) -> list[Article]:
    out = []
    for k in range(offset, offset + n):
        title = UNRELATED_TITLES[k % len(UNRELATED_TITLES)] + ("" if k < len(UNRELATED_TITLES) else f" (update {k // len(UNRELATED_TITLES)})")
        out.append(Article(f"b{k:03d}", f"{title}\n\n{BOILERPLATE}", title=title))
    return out


def test_a_paragraph_many_articles_share_does_not_make_them_one_story():
    arts = _boilerplate_articles(30)
    stories = group_articles(arts)
    # before boilerplate_df articles carried it the paragraph still counted: at most those few merge
    assert len(set(stories.values())) >= 30 - DEFAULT_PARAMS.boilerplate_df
    counted = group_articles(arts, replace(DEFAULT_PARAMS, boilerplate_df=10_000))
    assert len(set(counted.values())) < 10  # without the discount the paragraph groups them (the test can fail)


def test_boilerplate_counts_persist_with_the_grouping(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as st:
        with st.transaction():
            CorpusGrouper(st).assign(_boilerplate_articles(DEFAULT_PARAMS.boilerplate_df + 5))
    with Store.open(db) as st:
        with st.transaction():
            later = CorpusGrouper(st).assign(_boilerplate_articles(5, offset=DEFAULT_PARAMS.boilerplate_df + 5))
    assert len(set(later.values())) == 5  # a new process knows the paragraph is boilerplate
