"""Batch analysis of a store (`storytrace.corpus.analysis`): counts saved, reruns skip, changes redone."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storytrace.cli import main
from storytrace.corpus.analysis import analyze_stories, current_counts, finding_counts, plan_stories
from storytrace.corpus.ingest import ingest_articles
from storytrace.corpus.store import Store
from storytrace.corpus.stories import LoadedStory, StoryNotFound, analyse_stored_story, compared_members, story_key
from storytrace.model import Article
from tests.helpers import EXAMPLES, split_front_matter

ORLEN, BRANTWICK = "s-orlen-derailment-wire", "s-brantwick-fire-wire"
MULTI = [ORLEN, BRANTWICK]  # the examples' stories of three articles, biggest first
SINGLE = {"s-orlen-crossing-upgrade", "s-brantwick-terminal-opening"}


@pytest.fixture
def db(tmp_path) -> str:
    """A store built the way a user builds one: `storytrace ingest` of the examples folder."""
    path = str(tmp_path / "corpus.db")
    res = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", path, "--json"])
    assert res.exit_code == 0, res.output
    return path


def test_analyze_all_saves_the_counts_of_each_story_and_a_rerun_skips_them(db) -> None:
    events = []
    with Store.open(db) as store:
        summary = analyze_stories(store, progress=lambda p: events.append((p.total, p.done, p.story_id)))
        assert (summary.requested, summary.analysed, summary.skipped, summary.single, summary.failed) == (4, 2, 0, 2, 0)
        assert summary.ok and not summary.interrupted and summary.seconds > 0
        stats = store.story_stats(MULTI + sorted(SINGLE))
        assert set(stats) == set(MULTI)  # one-article stories are not analysed
        members = store.story_members(MULTI)
        for sid in MULTI:
            st = stats[sid]
            assert st.key == story_key(sid, compared_members(members[sid]))
            assert st.n_articles == 3 and st.findings == st.high + st.medium + st.low > 0
        # the counts are those of the analysis `storytrace story ID` runs
        doc = analyse_stored_story(store, ORLEN, include_text=False)
        c = finding_counts(doc)
        assert (stats[ORLEN].findings, stats[ORLEN].high, stats[ORLEN].medium, stats[ORLEN].low) == (
            c["total"], c["high"], c["medium"], c["low"])
        assert summary.findings == stats[ORLEN].findings + stats[BRANTWICK].findings
        counts = current_counts(store, store.stories())
        assert counts[ORLEN] == {"total": c["total"], "high": c["high"], "medium": c["medium"], "low": c["low"]}
        assert all(counts[s] == {"total": 0, "high": 0, "medium": 0, "low": 0} for s in SINGLE)

        again = analyze_stories(store)
        assert (again.analysed, again.skipped, again.single, again.failed) == (0, 2, 2, 0)
        assert store.story_stats(MULTI)[ORLEN].computed_at == stats[ORLEN].computed_at
        forced = analyze_stories(store, [BRANTWICK], force=True)
        assert (forced.analysed, forced.skipped) == (1, 0)
    # progress: the stories to analyse, one after the other, biggest first
    assert events[0] == (2, 0, None) and events[-1] == (2, 2, None)
    assert [e[2] for e in events if e[2]][0] == ORLEN and BRANTWICK in {e[2] for e in events}
    assert all(total == 2 and 0 <= done <= 2 for total, done, _ in events)


def test_the_web_app_lists_the_saved_counts_without_analysing(db) -> None:
    pytest.importorskip("fastapi")
    from storytrace.web.service import Analyses

    with Store.open(db) as store:
        analyze_stories(store)
        web = Analyses(db)
        infos = store.stories()
        assert web.counts_for(store, infos) == current_counts(store, infos)
        assert all(v is not None for v in web.counts_for(store, infos).values())
        assert web.computed == 0


def test_a_changed_story_is_analysed_again(db) -> None:
    with Store.open(db) as store:
        analyze_stories(store)
        before = store.story_stats([ORLEN])[ORLEN]
        # a reprint of the wire story joins its story: its members change, so does its key
        meta, body = split_front_matter(EXAMPLES / "orlen-derailment-wire.txt")
        reprint = Article("orlen-derailment-reprint", body.replace("Orlen Falls", "Orlen Falls (Vantry)", 1),
                          title=meta.get("title"), source="Reprint Weekly", published_at="2026-04-17T06:00:00Z")
        ingest_articles(store, [reprint], source="test")
        assert store.membership([reprint.id])[reprint.id] == ORLEN
        todo, skipped, single = plan_stories(store)
        assert (todo, skipped, set(single)) == ([ORLEN], [BRANTWICK], SINGLE)
        assert current_counts(store, store.stories())[ORLEN] is None  # stale counts are not shown
        summary = analyze_stories(store)
        assert (summary.analysed, summary.skipped) == (1, 1)
        after = store.story_stats([ORLEN])[ORLEN]
        assert after.key != before.key and after.n_articles == 4
        assert current_counts(store, store.stories())[ORLEN]["total"] == after.findings


def test_a_failing_story_is_reported_and_the_run_goes_on(db, monkeypatch) -> None:
    real = LoadedStory.analyse

    def analyse(self, **kw):
        if self.id == ORLEN:
            raise RuntimeError("boom")
        return real(self, **kw)

    monkeypatch.setattr(LoadedStory, "analyse", analyse)
    with Store.open(db) as store:
        summary = analyze_stories(store)
        assert (summary.analysed, summary.failed) == (1, 1) and not summary.ok
        assert summary.failures[0].story_id == ORLEN and "RuntimeError: boom" in summary.failures[0].message
        assert set(store.story_stats(MULTI)) == {BRANTWICK}
        monkeypatch.setattr(LoadedStory, "analyse", real)
        retry = analyze_stories(store)  # the failed story is tried again, the other is current
        assert (retry.analysed, retry.skipped, retry.failed) == (1, 1, 0)


def test_an_interrupted_run_keeps_what_is_done_and_a_rerun_goes_on(db) -> None:
    def stop_after_first(p) -> None:
        if p.done == 1:
            raise KeyboardInterrupt

    with Store.open(db) as store:
        summary = analyze_stories(store, progress=stop_after_first)
        assert summary.interrupted and summary.analysed == 1
        assert set(store.story_stats(MULTI)) == {ORLEN}
        rest = analyze_stories(store)
        assert (rest.analysed, rest.skipped, rest.interrupted) == (1, 1, False)
        assert set(store.story_stats(MULTI)) == set(MULTI)


def test_given_ids_in_their_order_and_an_unknown_id_before_any_work(db) -> None:
    with Store.open(db) as store:
        assert plan_stories(store, [BRANTWICK, ORLEN, BRANTWICK, "s-orlen-crossing-upgrade"]) == (
            [BRANTWICK, ORLEN], [], ["s-orlen-crossing-upgrade"])
        with pytest.raises(StoryNotFound):
            analyze_stories(store, [ORLEN, "no-such-story"])
        assert store.story_stats(MULTI) == {}
        summary = analyze_stories(store, [BRANTWICK])
        assert (summary.requested, summary.analysed) == (1, 1)
        assert json.loads(json.dumps(summary.to_dict()))["analysed"] == 1
