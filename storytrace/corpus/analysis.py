"""Batch analysis of a store: many stories' analyses in one process, their findings counts kept.

``storytrace analyze [--all | STORY_ID...] --db DB`` is a thin layer over
`analyze_stories`::

    from storytrace.corpus.analysis import analyze_stories

    with Store.open("storytrace.db") as store:
        summary = analyze_stories(store)            # every story; or story_ids=[...]
        print(summary.analysed, summary.skipped, summary.failed)

Each story is analysed by `storytrace.corpus.stories` (`load_story`, then
`LoadedStory.analyse`: what ``storytrace story ID`` and the web app run), so the
compare pipeline's models load once for the whole run. After each story its
findings counts go to the store (`Store.save_story_stats`, the ``web`` table
the web app's stories list reads), keyed by `story_key` of the articles
analysed, and the analysis itself (`Store.save_story_analysis`, without texts),
which ``storytrace story ID`` and the web app's story page then read instead of
analysing again (`storytrace.corpus.stories.stored_analysis`). A story whose saved key matches its current members (ids and
content hashes of the compared articles; no texts read) is skipped: a rerun,
or a run after an interrupted one, analyses only what is missing or changed.

One-article stories have nothing to compare: they are not analysed (their
counts are 0, as on the web app's list). A story that cannot be analysed (a
stored article the analysis refuses, an error inside the pipeline) is
reported in the summary and the run goes on. Failures of the store itself
(disk full, locked, read-only) are raised: nothing else could be saved.

`current_counts` gives the counts of a list of stories as the web app and
``storytrace stories`` show them: saved and current, 0 for one-article
stories, None when not analysed yet (or analysed before the story changed).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace.corpus.store import Store, StoryInfo, StoryStats
from storytrace.corpus.stories import DEFAULT_MAX_ARTICLES, StoryNotFound, compared_members, load_story, story_key
from storytrace.model import SEVERITY_RANK

__all__ = ["AnalyzeProgress", "AnalyzeSummary", "StoryFailure", "analyze_stories", "current_counts",
           "finding_counts", "plan_stories"]


def finding_counts(report: Mapping[str, Any]) -> dict[str, int]:
    """Findings of a compare contract document per severity, and ``total``."""
    findings = report.get("findings") or []
    counts = {k: 0 for k in SEVERITY_RANK}
    for f in findings:
        if f.get("severity") in counts:
            counts[f["severity"]] += 1
    counts["total"] = len(findings)
    return counts


def _zero() -> dict[str, int]:
    return {"total": 0, "high": 0, "medium": 0, "low": 0}


def current_counts(store: Store, infos: Sequence[StoryInfo], *,
                   max_articles: int = DEFAULT_MAX_ARTICLES) -> dict[str, dict[str, int] | None]:
    """Per story id: its saved findings counts when they come from its current content (``total``,
    ``high``, ``medium``, ``low``); zeros for a one-article story; None when not analysed yet.

    A store whose counts cannot be read (read-only, from before they were kept) gives None."""
    out: dict[str, dict[str, int] | None] = {i.id: (_zero() if i.size <= 1 else None) for i in infos}
    multi = [i.id for i in infos if i.size > 1]
    if not multi:
        return out
    try:
        stats = store.story_stats(multi)
    except sqlite3.Error:
        return out
    if not stats:
        return out
    members = store.story_members(list(stats))
    for sid, st in stats.items():
        if story_key(sid, compared_members(members.get(sid, []), max_articles)) == st.key:
            out[sid] = {"total": st.findings, "high": st.high, "medium": st.medium, "low": st.low}
    return out


@dataclass(frozen=True)
class StoryFailure:
    story_id: str
    message: str


@dataclass
class AnalyzeProgress:
    """Where a run stands, passed to ``progress``: at the start, at each pipeline step of a
    story (``step``), and after each story. ``total`` counts the stories to analyse (those
    skipped as current are not in it); ``done`` those analysed or failed so far."""

    total: int
    done: int = 0
    analysed: int = 0
    failed: int = 0
    skipped: int = 0
    single: int = 0
    story_id: str | None = None  # the story being analysed
    step: str | None = None  # its pipeline step ("aligning pairs 3/45")
    elapsed: float = 0.0


@dataclass
class AnalyzeSummary:
    """The result of a run. ``requested``: stories asked for; ``analysed``: analysed and saved now;
    ``skipped``: their saved counts were current; ``single``: one article, nothing to compare;
    ``failures``: could not be analysed (the run went on)."""

    requested: int = 0
    analysed: int = 0
    skipped: int = 0
    single: int = 0
    failures: list[StoryFailure] = field(default_factory=list)
    seconds: float = 0.0
    findings: int = 0  # found in the stories analysed now
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def stories_per_s(self) -> float:
        return self.analysed / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"requested": self.requested, "analysed": self.analysed, "skipped": self.skipped,
                "single": self.single, "failed": self.failed, "findings": self.findings,
                "seconds": round(self.seconds, 3), "stories_per_s": round(self.stories_per_s, 3),
                "interrupted": self.interrupted, "failures": [asdict(f) for f in self.failures]}


def plan_stories(store: Store, story_ids: Sequence[str] | None = None, *,
                 max_articles: int = DEFAULT_MAX_ARTICLES,
                 force: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(to analyse, skipped as current, one-article) story ids, in run order: the given ids in their
    order (repeats dropped), or every story biggest first. Reads ids and hashes only.

    Raises `StoryNotFound` naming the first given id that is no story."""
    if story_ids is None:
        infos = store.stories(order_by="size")
    else:
        wanted = list(dict.fromkeys(story_ids))
        found = store.story_infos(wanted)
        missing = [s for s in wanted if s not in found]
        if missing:
            raise StoryNotFound(missing[0])
        infos = [found[s] for s in wanted]
    single = [i.id for i in infos if i.size <= 1]
    multi = [i.id for i in infos if i.size > 1]
    if force or not multi:
        return multi, [], single
    try:
        stats = store.story_stats(multi)
    except sqlite3.Error:
        stats = {}
    members = store.story_members([sid for sid in multi if sid in stats])
    todo, skipped = [], []
    for sid in multi:
        st = stats.get(sid)
        current = st is not None and story_key(sid, compared_members(members.get(sid, []), max_articles)) == st.key
        (skipped if current else todo).append(sid)
    return todo, skipped, single


def _refusal(articles) -> str | None:
    """Why the analysis cannot take these stored articles (stored before the record check existed)."""
    from storytrace.readers.checks import article_problem, compare_problem

    for a in articles:
        problem = article_problem(a) or compare_problem(a)
        if problem:
            return f"stored article {a.id!r} ({a.origin or 'origin unknown'}): {problem}"
    return None


def analyze_stories(store: Store, story_ids: Sequence[str] | None = None, *,
                    max_articles: int = DEFAULT_MAX_ARTICLES, force: bool = False,
                    progress: Callable[[AnalyzeProgress], None] | None = None,
                    clock: Callable[[], float] = time.monotonic) -> AnalyzeSummary:
    """Analyse these stories (None: all) in this process and save their findings counts.

    Stories whose saved counts are current are skipped unless ``force``. Each story's counts are
    committed as soon as it is done, so an interrupted run keeps them and a rerun goes on from
    there: a ``KeyboardInterrupt`` ends the run, which returns its summary with ``interrupted``.
    Raises `StoryNotFound` (before any work) for a given id that is no story, and the store's
    errors (`sqlite3.Error`, `StoreUnavailable`) when counts cannot be saved."""
    start = clock()
    todo, skipped, single = plan_stories(store, story_ids, max_articles=max_articles, force=force)
    summary = AnalyzeSummary(requested=len(todo) + len(skipped) + len(single), skipped=len(skipped),
                             single=len(single))
    state = AnalyzeProgress(total=len(todo), skipped=len(skipped), single=len(single))

    def report(story_id: str | None = None, step: str | None = None) -> None:
        if progress is not None:
            state.story_id, state.step, state.elapsed = story_id, step, clock() - start
            progress(state)

    report()
    try:
        for sid in todo:
            report(sid)
            _analyse_one(store, sid, max_articles, summary, lambda step, _sid=sid: report(_sid, step))
            state.analysed, state.failed = summary.analysed, summary.failed
            state.done = summary.analysed + summary.failed
            report()
    except KeyboardInterrupt:  # what is saved is kept; a rerun goes on from there
        summary.interrupted = True
    summary.seconds = clock() - start
    return summary


def _analyse_one(store: Store, sid: str, max_articles: int, summary: AnalyzeSummary,
                 step: Callable[[str], None]) -> None:
    """One story: analysed and its counts saved, or its failure added to ``summary``."""
    try:
        story = load_story(store, sid, max_articles=max_articles)
    except StoryNotFound:  # regrouped away since the plan (another process ingested meanwhile)
        summary.failures.append(StoryFailure(sid, "no such story any more (the store was regrouped meanwhile)"))
        return
    problem = _refusal(story.compared)
    if problem is not None:
        summary.failures.append(StoryFailure(sid, problem))
        return
    try:
        doc = story.analyse(include_text=False, progress=step)
    except Exception as exc:  # the pipeline failed on this story's articles: reported, the run goes on
        summary.failures.append(StoryFailure(sid, f"{type(exc).__name__}: {exc}"))
        return
    c = finding_counts(doc)
    # the key of the articles analysed (read now), not of the plan: a story changed meanwhile is redone next run
    store.save_story_analysis(StoryStats(sid, story.key, len(story.compared), c["total"], c["high"], c["medium"],
                                         c["low"]), {k: v for k, v in doc.items() if k != "corpus_story"})
    summary.analysed += 1
    summary.findings += c["total"]
