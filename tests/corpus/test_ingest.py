"""Bulk ingest: idempotency, bad input, crashes mid-ingest, incremental grouping."""
from __future__ import annotations

import gzip
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storytrace.corpus.grouping import CorpusGrouper
from storytrace.corpus.ingest import IngestProgress, ingest_paths
from storytrace.corpus.store import Store
from tests.helpers import REPO, EXAMPLES

ROOT = REPO


def row_counts(store: Store) -> dict[str, int]:
    names = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'articles_fts%' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'ingest_runs'")]
    return {n: store.conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}


def write_jsonl(path: Path, n: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps({"id": f"r{i}", "title": f"Item {i // 3} headline number {i // 3}",
                                 "text": f"Short record {i} about topic {i // 3}.",
                                 "published_at": f"2024-01-01T00:{(i // 60) % 60:02d}:{i % 60:02d}Z"}) + "\n")
    return path


class SpyGrouper:
    """The real grouper, with every call recorded (and an optional failure)."""

    def __init__(self, store, fail_on_call: int | None = None):
        self.inner = CorpusGrouper(store)
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.fail_on_call = fail_on_call

    def assign(self, articles):
        if self.fail_on_call is not None and len(self.calls) + 1 == self.fail_on_call:
            self.calls.append(([a.id for a in articles], {}))
            raise RuntimeError("simulated crash in the grouper")
        out = self.inner.assign(articles)
        self.calls.append(([a.id for a in articles], dict(out)))
        return out

    def rebuild(self, articles):
        return self.inner.rebuild(articles)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "corpus.db")
    yield s
    s.close()


def test_examples_ingest_and_reingest_adds_nothing(store):
    first = ingest_paths(store, [EXAMPLES])
    assert (first.records, first.added, first.unchanged, first.n_errors) == (8, 8, 0, 0) and first.ok
    assert store.check() == []
    before = row_counts(store)
    assert before["articles"] == before["memberships"] == 8
    again = ingest_paths(store, [EXAMPLES])
    assert (again.added, again.unchanged, again.n_conflicts, again.n_errors) == (0, 8, 0, 0)
    assert row_counts(store) == before  # grouping state included
    assert again.stories_after == again.stories_before and again.stories_touched == 0
    runs = store.runs()
    assert [r.status for r in runs] == ["done", "done"] and runs[0].unchanged == 8


def test_conflicting_reingest_keeps_the_stored_text(store, tmp_path):
    ingest_paths(store, [write_jsonl(tmp_path / "a.jsonl", 3)])
    changed = tmp_path / "b.jsonl"
    changed.write_text(json.dumps({"id": "r1", "text": "A rewritten text."}) + "\n", encoding="utf-8")
    rep = ingest_paths(store, [changed])
    assert rep.n_conflicts == 1 and not rep.ok and rep.added == 0
    assert rep.conflicts[0].origin == f"{changed}:1"
    assert store.articles(["r1"])[0].text == "Short record 1 about topic 0."


def test_bad_json_line_is_reported_with_file_and_line_and_the_rest_is_stored(store, tmp_path):
    bad = tmp_path / "mixed.jsonl"
    bad.write_text('{"id": "a", "text": "First good record."}\n'
                   '{"id": "b", "text": "unterminated\n'
                   '{"id": "c"}\n'
                   '{"id": "d", "text": "Last good record."}\n', encoding="utf-8")
    rep = ingest_paths(store, [bad])
    assert rep.added == 2 and rep.n_errors == 2 and not rep.ok
    where = [(e.path, e.line) for e in rep.errors]
    assert where == [(str(bad), 2), (str(bad), 3)]
    assert "invalid JSON" in rep.errors[0].message
    assert {a.id for a in store.iter_articles()} == {"a", "d"}
    assert store.check() == []
    assert store.runs()[0].errors == 2 and store.runs()[0].error_sample[0]["line"] == 2


def test_non_utf8_and_empty_files_are_clear_errors_and_nothing_is_lost(store, tmp_path):
    ingest_paths(store, [EXAMPLES])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners protest new rules.".encode("latin-1"))
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "lines.jsonl").write_bytes(b'{"id": "ok", "text": "Fine."}\n{"id": "bad", "text": "caf\xe9"}\n')
    (folder / "good.txt").write_text("A perfectly good article.", encoding="utf-8")
    rep = ingest_paths(store, [folder])
    msgs = {(Path(e.path).name, e.line): e.message for e in rep.errors}
    assert "not valid UTF-8" in msgs[("latin1.txt", 1)]
    assert msgs[("empty.jsonl", None)] == "empty file"
    assert "not valid UTF-8" in msgs[("lines.jsonl", 2)]
    assert rep.added == 2 and rep.n_errors == 3
    assert store.article_count() == 10  # the 8 examples are still there
    assert store.check() == []


def test_a_crash_in_the_second_batch_keeps_the_first_and_a_rerun_completes(store, tmp_path):
    src = write_jsonl(tmp_path / "many.jsonl", 50)
    spy = SpyGrouper(store, fail_on_call=2)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest_paths(store, [src], batch_size=20, grouper=spy)
    assert store.article_count() == 20  # batch 1 committed, batch 2 rolled back whole
    assert store.check() == []
    assert store.runs()[0].status == "failed" and store.runs()[0].added == 20
    rep = ingest_paths(store, [src], batch_size=20)  # a fresh grouper, as after a restart
    assert (rep.added, rep.unchanged) == (30, 20)
    assert store.article_count() == 50 and store.check() == []


def test_a_progress_callback_that_raises_is_a_crash_too(store, tmp_path):
    src = write_jsonl(tmp_path / "many.jsonl", 30)
    calls = []

    def progress(p: IngestProgress) -> None:
        calls.append(p.batches)
        if p.batches == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_paths(store, [src], batch_size=10, progress=progress)
    assert store.article_count() == 20 and store.check() == []
    assert store.runs()[0].status == "interrupted"
    assert ingest_paths(store, [src], batch_size=10).added == 10


def test_sigkill_mid_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path):
    total = 4000
    src = write_jsonl(tmp_path / "big.jsonl", total)
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "storytrace.cli", "ingest", str(src), "--db", str(db), "--batch-size", "100",
           "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    stored = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    c = sqlite3.connect(db, timeout=1)
                    try:
                        stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                    finally:
                        c.close()
                except sqlite3.OperationalError:
                    stored = 0  # schema not there yet
                if stored >= 300:
                    break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip(f"the ingest finished before it could be killed (rc {proc.returncode})")
    with Store.open(db, create=False) as s:
        n = s.article_count()
        assert 300 <= n < total and n % 100 == 0  # whole batches only
        assert s.check() == []  # integrity_check ok, every article in a story, sizes match
        assert s.runs()[0].status == "running"  # killed: no chance to say otherwise
        rep = ingest_paths(s, [src], batch_size=100)
        assert rep.added == total - n and rep.unchanged == n
        assert s.article_count() == total and s.check() == []


def test_incremental_assignment_joins_existing_stories_without_regrouping(store, tmp_path):
    step1 = tmp_path / "step1"
    step2 = tmp_path / "step2"
    step1.mkdir(), step2.mkdir()
    for f in EXAMPLES.iterdir():
        if f.suffix in (".txt", ".html"):
            shutil.copy(f, (step1 if "wire" in f.name or "opening" in f.name else step2) / f.name)
    # an exact copy of a first-step article under another id: any grouper puts it with the original
    (step2 / "brantwick-fire-wire-copy.txt").write_text((EXAMPLES / "brantwick-fire-wire.txt").read_text())
    spy = SpyGrouper(store)
    ingest_paths(store, [step1], grouper=spy)
    first_members = store.membership([a.id for a in store.iter_articles()])
    first_stories = {s.id: s.size for s in store.stories()}
    spy.calls.clear()

    rep = ingest_paths(store, [step2], grouper=spy)
    step2_ids = {f"{p.name.split('.')[0]}" for p in step2.iterdir()}
    called_with = [i for ids, _ in spy.calls for i in ids]
    assert sorted(called_with) == sorted(step2_ids)  # only the new articles went to the grouper
    mapping = {k: v for _, out in spy.calls for k, v in out.items()}
    assert store.membership(list(first_members)) == first_members  # first-step articles stay put
    assert store.membership(sorted(step2_ids)) == mapping  # the store records what the grouper said
    joined = {aid: sid for aid, sid in mapping.items() if sid in first_stories}
    assert joined["brantwick-fire-wire-copy"] == first_members["brantwick-fire-wire"]
    sizes = {s.id: s.size for s in store.stories()}
    for sid, size in first_stories.items():
        assert sizes[sid] == size + sum(1 for s in joined.values() if s == sid)
    new_ids = set(mapping.values()) - set(first_stories)
    assert rep.stories_after == len(first_stories) + len(new_ids)
    assert store.check() == []


def test_csv_with_a_column_map_gzip_and_unix_ms_times(store, tmp_path):
    path = tmp_path / "news.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write("ID,TITLE,URL,PUBLISHER,TIMESTAMP\n"
                 '1,"Fed official says weak data caused by weather",http://a,LA Times,1394470370698\n'
                 "2,Fed's Plosser sees high bar for change in pace of tapering,http://b,Livemint,1394470371207\n"
                 "3,,http://c,Nobody,1394470371300\n")
    cmap = {"id": "ID", "title": "TITLE", "text": "TITLE", "source": "PUBLISHER", "url": "URL",
            "published_at": "TIMESTAMP"}
    seen: list[IngestProgress] = []
    rep = ingest_paths(store, [path], column_map=cmap, progress=seen.append, estimate_total=True)
    assert rep.added == 2 and rep.n_errors == 1 and rep.errors[0].line == 4
    a = store.articles(["1"])[0]
    assert (a.title, a.source, a.url, a.published_at) == (
        "Fed official says weak data caused by weather", "LA Times", "http://a", "2014-03-10T16:52:50Z")
    assert seen[-1].units_total == 4 and seen[-1].units_done == 4 and seen[-1].records == 3


def test_limit_stops_after_n_records(store, tmp_path):
    rep = ingest_paths(store, [write_jsonl(tmp_path / "x.jsonl", 100)], limit=25, batch_size=10)
    assert rep.limited and rep.records == 25 and store.article_count() == 25 and store.check() == []


def test_bad_column_map_is_rejected_before_anything_is_written(store, tmp_path):
    with pytest.raises(ValueError, match="not an article field"):
        ingest_paths(store, [EXAMPLES], column_map={"headline": "TITLE"})
    assert store.counts()["ingest_runs"] == 0


def test_at_most_one_batch_is_pending(store, tmp_path):
    """The reader streams and batches flush as they fill: memory is one batch, not the input."""
    src = write_jsonl(tmp_path / "m.jsonl", 2000)
    pending: list[int] = []

    def progress(p: IngestProgress) -> None:
        pending.append(p.records - p.added - p.unchanged - p.conflicts - p.errors)

    ingest_paths(store, [src], batch_size=100, progress=progress)
    assert pending and max(pending) < 100
    assert store.article_count() == 2000


# --------------------------------------------------------------------------- ingest_batch


def batch_articles(n: int = 4, prefix: str = "b"):
    from storytrace.model import Article

    return [Article(f"{prefix}{i}", f"Batch record {i} about the harbour crane {i // 2}.",
                    title=f"Harbour crane {i // 2}", published_at=f"2024-02-01T10:0{i}:00Z", origin=f"mem:{i}")
            for i in range(n)]


def test_ingest_batch_stores_groups_and_counts_in_one_transaction(store):
    from storytrace.corpus.ingest import RunCounts, ingest_batch

    run_id = store.start_run(["memory"])
    res = ingest_batch(store, batch_articles(), run_id=run_id, run=RunCounts(records=2, errors=2))
    assert [a.id for a in res.added] == ["b0", "b1", "b2", "b3"] and not res.unchanged and not res.conflicts
    assert res.stories == store.membership(["b0", "b1", "b2", "b3"]) and res.touched == set(res.stories.values())
    assert res.run == RunCounts(records=6, added=4, errors=2)
    run = store.runs()[0]
    assert (run.records, run.added, run.errors, run.status) == (6, 4, 2, "running")
    assert store.check() == []
    # the same batch again: nothing written but the run's counts
    before = row_counts(store)
    again = ingest_batch(store, batch_articles(), run_id=run_id, run=res.run, status="done")
    assert not again.added and again.unchanged == ["b0", "b1", "b2", "b3"] and not again.stories
    assert row_counts(store) == before
    assert (store.runs()[0].unchanged, store.runs()[0].status) == (4, "done")


def test_ingest_batch_is_all_or_nothing(store):
    from storytrace.corpus.ingest import RunCounts, ingest_batch

    ingest_batch(store, batch_articles(2))
    before = row_counts(store)
    run_id = store.start_run(["memory"])
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest_batch(store, batch_articles(4, "c"), grouper=SpyGrouper(store, fail_on_call=1), run_id=run_id,
                     run=RunCounts(records=1))
    assert row_counts(store) == before  # no article, membership or grouping state of the batch
    assert store.runs()[0].records == 0  # nor the run's counts
    assert store.check() == []
    # a grouper that forgets an article is a failure too, not a story-less article
    class Forgetful(SpyGrouper):
        def assign(self, articles):
            return dict(list(super().assign(articles).items())[:-1])

    with pytest.raises(RuntimeError, match="no story for 1 new article"):
        ingest_batch(store, batch_articles(2, "d"), grouper=Forgetful(store))
    assert row_counts(store) == before and store.check() == []


def test_ingest_batch_with_given_stories_adopts_them(store):
    from storytrace.corpus.ingest import ingest_batch

    given = {"b0": "spark-1", "b1": "spark-1", "b2": "spark-2", "b3": "spark-2"}
    res = ingest_batch(store, batch_articles(), stories=given)
    assert res.stories == given and store.membership(list(given)) == given
    assert CorpusGrouper(store).stories() == {"spark-1": ["b0", "b1"], "spark-2": ["b2", "b3"]}
    assert store.check() == []


def test_ingest_articles_is_one_run(store):
    from storytrace.corpus.ingest import ingest_articles

    rep = ingest_articles(store, batch_articles(), source="POST /api/articles")
    assert (rep.records, rep.added, rep.batches, rep.ok) == (4, 4, 1, True)
    assert rep.stories_after - rep.stories_before == rep.stories_touched > 0
    assert rep.to_dict()["paths"] == ["POST /api/articles"]
    run = store.runs()[0]
    assert (run.paths, run.status, run.records, run.added) == (["POST /api/articles"], "done", 4, 4)
    with pytest.raises(RuntimeError):
        ingest_articles(store, batch_articles(2, "e"), grouper=SpyGrouper(store, fail_on_call=1))
    run = store.runs()[0]
    assert (run.status, run.records, run.added) == ("failed", 2, 0) and store.article_count() == 4
