"""How long `storytrace compare` takes on the seeds: cold and warm.

cold: a new process runs `storytrace compare SEEDS --json` (interpreter start,
imports and model loading included), timed end to end, median of --runs.
warm: in this process, after one untimed run, `compare_articles` on the same
articles, median of --runs.

    python -m bench.compare_speed [--seeds DIR] [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    files = sorted(str(p) for p in args.seeds.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.seeds}", file=sys.stderr)
        return 2

    cold = []
    for _ in range(args.runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storytrace.cli", "compare", *files, "--json"],
                       check=True, stdout=subprocess.DEVNULL)
        cold.append(time.perf_counter() - t)

    from storytrace.compare import compare_articles
    from storytrace.readers.records import read_articles

    articles = read_articles(files)
    compare_articles(articles)
    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        compare_articles(articles)
        warm.append(time.perf_counter() - t)
    n_sent = sum(len(a.text) for a in articles)
    result = {
        "articles": len(articles),
        "characters": n_sent,
        "runs": args.runs,
        "cold_s_median": round(statistics.median(cold), 3),
        "cold_s_min": round(min(cold), 3),
        "warm_s_median": round(statistics.median(warm), 3),
        "warm_s_min": round(min(warm), 3),
        "goal": {"warm_s": 2.0, "cold_s": 6.0},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"storytrace compare on {len(articles)} seed articles ({n_sent} characters), {args.runs} runs")
        print(f"  cold (new process, model load included): median {result['cold_s_median']:.2f} s, "
              f"min {result['cold_s_min']:.2f} s   goal <= 6 s")
        print(f"  warm (models loaded):                    median {result['warm_s_median']:.2f} s, "
              f"min {result['warm_s_min']:.2f} s   goal <= 2 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
