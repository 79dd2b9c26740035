"""What a new process pays to ingest one article into a store of articles with text, with and without the
saved average-link state (issue 11: "a new article joins or starts a story without regrouping the corpus").

    python -m bench.ingest_reload [--limit N] [--json]

Builds a store of the Multi-News test articles (Fabbri et al. 2019; ``--limit`` of them) with
`storytrace.ingest_articles` in batches of 1,000, then, each in a new Python process, ingests one new article:
once reading the state saved in the store (`grp_snapshot`), once with that state deleted, so the process reads
and groups every stored article again. Prints the seconds of each call and the saved state's size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from training import DEFAULT_DATA

REPO = Path(__file__).resolve().parent.parent

_BUILD = """
import sys
from pathlib import Path
from storytrace.corpus.ingest import ingest_articles
from storytrace.corpus.store import Store
from training.corpussets import load_multinews
arts = load_multinews(Path(sys.argv[2]))[0][: int(sys.argv[3])]
with Store.open(sys.argv[1], create=True) as store:
    for lo in range(0, len(arts), 1000):
        ingest_articles(store, arts[lo:lo + 1000])
"""

_ONE = """
import sys, time
from storytrace.corpus.ingest import ingest_articles
from storytrace.corpus.store import Store
from storytrace.model import Article
t0 = time.perf_counter()
with Store.open(sys.argv[1]) as store:
    if sys.argv[2] == "cold":
        store.conn.execute("DELETE FROM grp_snapshot")
    ingest_articles(store, [Article(id=f"new-{sys.argv[2]}", text="Rescuers in Izmir searched collapsed homes "
                            "on Tuesday after a magnitude 6.1 earthquake; officials said 40 people were hurt.")])
print(time.perf_counter() - t0)
"""


def _python(code: str, *args: str) -> str:
    p = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr[-3000:])
    return p.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ingest_reload", description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=10**9)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    import sqlite3

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "reload.db")
        t0 = time.perf_counter()
        _python(_BUILD, db, str(args.data), str(args.limit))
        build = time.perf_counter() - t0
        with sqlite3.connect(db) as c:
            n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            size = c.execute("SELECT length(data) FROM grp_snapshot").fetchone()[0]
        warm = float(_python(_ONE, db, "warm"))  # reads the saved state
        cold = float(_python(_ONE, db, "cold"))  # groups every stored article again
    res = {"articles": n, "build_s": round(build, 1), "state_mb": round(size / 1e6, 1),
           "one_article_with_saved_state_s": round(warm, 2), "one_article_regrouping_s": round(cold, 2)}
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print(f"store of {n:,} Multi-News articles built in {res['build_s']} s; saved state {res['state_mb']} MB")
        print(f"one more article, new process, saved state read back:  {res['one_article_with_saved_state_s']:.2f} s")
        print(f"one more article, new process, corpus grouped again:   {res['one_article_regrouping_s']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
