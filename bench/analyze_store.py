"""Batch analysis of a store: `storytrace analyze --all` against one `storytrace story` process per story.

    python -m bench.analyze_store [--copies 4] [--per-process 3] [--json]

Builds, in a temporary folder:

* a *base* store: `storytrace ingest` of examples/ and bench/stories/dev/ (their
  multi-article stories: the distinct stories);
* a *big* store: the base store's multi-article stories ``--copies`` times, each copy's
  articles with an id suffix (``~k``) and assigned to a story of their own (``<story>~k``),
  so no grouping runs for them.

Then times, each as its own process, as a user runs them:

1. ``storytrace analyze --all --db big``: N stories in one process (models loaded once);
2. ``storytrace analyze --all --db base``: the distinct stories only. Copies repeat their
   sentences, which the pipeline caches per process (pairfeatures), so (1) flatters the
   batch; (2) is the honest per-story figure;
3. ``storytrace story ID --db base --json --no-text --reanalyse`` for ``--per-process``
   stories: one process, one model load and one analysis per story (what a loop over the
   stories costs without a batch);
4. ``storytrace story ID --db base --json --no-text`` for the same stories: one process per
   story reading the analysis (2) kept in the store.

Prints the seconds, stories/s and seconds per story of each, and the speed-up of (2) over (3).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = [REPO / "examples", REPO / "bench" / "stories" / "dev"]


def build_stores(folder: Path, copies: int) -> tuple[str, str, list[str]]:
    """(base store, big store, the base store's multi-article story ids, biggest first)."""
    import dataclasses

    from storytrace.corpus.ingest import ingest_paths
    from storytrace.corpus.store import Store

    base, big = str(folder / "base.db"), str(folder / "big.db")
    with Store.open(base) as store:
        ingest_paths(store, [str(f) for f in FOLDERS])
        multi = [s.id for s in store.stories() if s.size > 1]
        stories = {sid: store.story(sid)[1] for sid in multi}
    with Store.open(big) as store:
        for k in range(copies):
            with store.transaction():
                arts, mapping = [], {}
                for sid, members in stories.items():
                    for a in members:
                        copy = dataclasses.replace(a, id=f"{a.id}~{k}")
                        arts.append(copy)
                        mapping[copy.id] = f"{sid}~{k}"
                store.add_articles(arts)
                store.assign(mapping)
    return base, big, multi


def timed(argv: list[str]) -> tuple[float, dict]:
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "storytrace", *argv], capture_output=True, text=True, cwd=REPO)
    seconds = time.monotonic() - start
    if res.returncode != 0:
        raise SystemExit(f"storytrace {' '.join(argv)} exited {res.returncode}: {res.stderr[-2000:]}")
    return seconds, json.loads(res.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=4, help="copies of each distinct story in the big store")
    ap.add_argument("--per-process", type=int, default=3, help="stories timed one `storytrace story` process each")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storytrace-bench-analyze-") as tmp:
        base, big, multi = build_stores(Path(tmp), args.copies)
        big_s, big_doc = timed(["analyze", "--all", "--db", big, "--json"])
        base_s, base_doc = timed(["analyze", "--all", "--db", base, "--json"])
        rerun_s, rerun_doc = timed(["analyze", "--all", "--db", big, "--json"])
        singles, kept = [], []
        for sid in multi[: args.per_process]:
            s, _ = timed(["story", sid, "--db", base, "--json", "--no-text", "--reanalyse"])
            singles.append({"story": sid, "seconds": round(s, 2)})
            s, _ = timed(["story", sid, "--db", base, "--json", "--no-text"])
            kept.append({"story": sid, "seconds": round(s, 2)})
    per_process = sum(s["seconds"] for s in singles) / max(len(singles), 1)
    per_kept = sum(s["seconds"] for s in kept) / max(len(kept), 1)
    base_per_story = base_s / max(base_doc["analysed"], 1)
    doc = {
        "distinct_stories": len(multi),
        "copies": args.copies,
        "analyze_all_big": {"stories": big_doc["analysed"], "failed": big_doc["failed"],
                            "seconds": round(big_s, 2), "stories_per_s": round(big_doc["analysed"] / big_s, 3),
                            "seconds_per_story": round(big_s / max(big_doc["analysed"], 1), 3)},
        "analyze_all_distinct": {"stories": base_doc["analysed"], "seconds": round(base_s, 2),
                                 "stories_per_s": round(base_doc["analysed"] / base_s, 3),
                                 "seconds_per_story": round(base_per_story, 3)},
        "rerun_big": {"skipped": rerun_doc["skipped"], "analysed": rerun_doc["analysed"], "seconds": round(rerun_s, 2)},
        "story_per_process": {"stories": singles, "seconds_per_story": round(per_process, 3)},
        "story_kept_per_process": {"stories": kept, "seconds_per_story": round(per_kept, 3)},
        "speedup_distinct_vs_per_process": round(per_process / base_per_story, 2) if base_per_story else None,
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    a, d, r = doc["analyze_all_big"], doc["analyze_all_distinct"], doc["rerun_big"]
    print(f"store: {len(multi)} distinct multi-article stories x {args.copies} copies = {a['stories']} stories")
    print(f"analyze --all (big store):      {a['seconds']:7.2f} s  {a['stories_per_s']:.2f} stories/s  "
          f"{a['seconds_per_story']:.2f} s/story  (copies share cached sentences)")
    print(f"analyze --all (distinct only):  {d['seconds']:7.2f} s  {d['stories_per_s']:.2f} stories/s  "
          f"{d['seconds_per_story']:.2f} s/story")
    print(f"analyze --all again (big):      {r['seconds']:7.2f} s  skipped {r['skipped']}, analysed {r['analysed']}")
    print(f"story ID --reanalyse, one process each: {per_process:7.2f} s/story over {len(singles)} stories "
          "(" + ", ".join(f"{s['story']} {s['seconds']} s" for s in singles) + ")")
    print(f"story ID reading the kept analysis:     {per_kept:7.2f} s/story")
    print(f"speed-up per story (distinct batch vs one process each): {doc['speedup_distinct_vs_per_process']}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
