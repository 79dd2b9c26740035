"""How `storytrace compare` scales with the number of versions of one story (issue 13).

The versions are built here from one real article (WikiRef220, `../shared/data/wikiref/`; by default the
first article by id of a non-noise topic with 2,500-4,500 characters and at least 6 figures): version 0 is
the article as published ("the wire"); every other version is a light edit of the wire or of an earlier
unplanted version: paragraphs dropped (1-3), two neighbours swapped, a few words reworded from a fixed list;
one version in ten is a heavier rewrite (neighbouring words swapped in every sentence, a third of them
dropped), which is not a near-copy.
Some leaf versions (nobody copies from them) carry one planted change each: a figure of the wire replaced by
another. Versions get ``published_at`` one minute apart, so the wire is the earliest. A planted change counts
as found when a finding in its version is of a figure kind and its span covers the changed figure.

Each size runs in its own process: the models are loaded and a small compare (3 versions of another
article) runs untimed first, so the figure is warm; then ``compare_articles`` on the N versions is timed, and the process's peak RSS
is read after it. ``--unrelated 20`` adds a run on 20 unrelated articles (MultiNews, one per cluster).

``--long 100,200,400,600`` adds runs on two versions of one long text of that many sentences (WikiRef220
paragraphs one after another; the second drops one in ten and rewords some): the time below the per-article
sentence limit (600, readers/limits.py).

    python -m bench.compare_scaling [--sizes 10,30,100,300] [--unrelated 20] [--long 100,200,400,600]
                                    [--timeout 900] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIKIREF = REPO.parent / "shared" / "data" / "wikiref" / "wikiref220.jsonl"
MULTINEWS = REPO.parent / "shared" / "data" / "multinews" / "multinews_test_truncated.jsonl.gz"
SEED = 13
WARM_UP_ARTICLE = "malaysia.airlines.flight.134"
FIGURE_KINDS = {"number_changed", "figure_vaguer", "date_changed"}
# Rewordings a light edit makes (set by hand: common newsroom swaps, both directions).
REWORDINGS = [
    ("said", "stated"), ("says", "states"), ("also", "additionally"), ("after", "following"),
    ("about", "around"), ("but", "however"), ("began", "started"), ("help", "assist"),
    ("told", "informed"), ("show", "indicate"), ("large", "big"), ("near", "close to"),
]
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")


def pick_article(article_id: str | None) -> dict:
    rows = [json.loads(line) for line in WIKIREF.open(encoding="utf-8")]
    if article_id:
        return next(r for r in rows if r["id"] == article_id)
    for r in sorted(rows, key=lambda r: r["id"]):
        if r["noise_topic"] != "True" and 2500 <= len(r["text"]) <= 4500 and len(_FIGURE.findall(r["text"])) >= 6:
            return r
    raise SystemExit("no article fits")


def _paragraphs(text: str) -> list[str]:
    """The article's lines (paragraphs of one or two sentences): the units a light edit drops or moves."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _reword(sentence: str, rng: random.Random) -> str:
    for a, b in rng.sample(REWORDINGS, 3):
        src, dst = (a, b) if rng.random() < 0.5 else (b, a)
        sentence = re.sub(rf"\b{re.escape(src)}\b", dst, sentence, count=1)
    return sentence


def _scramble(sentence: str, rng: random.Random) -> str:
    """Neighbouring words swapped at a few places (breaks most three-word sequences, keeps the words)."""
    words = sentence.split()
    for _ in range(max(1, len(words) // 5)):
        j = rng.randrange(0, max(1, len(words) - 2))
        if not any(c.isdigit() for c in words[j] + words[j + 1]):
            words[j], words[j + 1] = words[j + 1], words[j]
    return " ".join(words)


def build_versions(n: int, article: dict) -> tuple[list[dict], list[dict]]:
    """``n`` versions (dicts with id, text, published_at) and the planted changes
    (version id and the changed figure's text, which occurs once in that version)."""
    rng = random.Random(SEED)
    wire = _paragraphs(article["text"])
    figure_rows = [k for k, s in enumerate(wire) if _FIGURE.search(s) and k > 0]
    versions = [{"id": "v000", "sentences": list(wire)}]
    n_planted = max(3, n // 10)
    planted_ids = set(range(n - n_planted, n))  # the last ones: no later version copies from them
    planted = []
    for k in range(1, n):
        parents = [v for v in versions if v["id"] not in {f"v{p:03d}" for p in planted_ids}]
        parent = versions[0] if rng.random() < 0.7 or k in planted_ids else rng.choice(parents)
        body = list(parent["sentences"])
        keep_rows = set(figure_rows[:1]) if k in planted_ids else set()
        for _ in range(rng.randint(1, 3)):
            candidates = [j for j in range(1, len(body)) if j not in keep_rows]
            if len(body) > 8 and candidates:
                del body[rng.choice(candidates)]
        if rng.random() < 0.5 and len(body) > 4:
            j = rng.randrange(2, len(body) - 1)
            body[j], body[j + 1] = body[j + 1], body[j]
        rewrite = k % 10 == 5 and k not in planted_ids  # one in ten is a heavier rewrite: word order shuffled locally, a third dropped
        for _ in range(2):
            j = rng.randrange(1, len(body))
            body[j] = _reword(body[j], rng)
        if rewrite:
            body = [b if j == 0 else _scramble(b, rng) for j, b in enumerate(body)
                    if j == 0 or j in keep_rows or rng.random() > 0.33]
        if k in planted_ids:
            rows = [j for j, s in enumerate(body) if j > 0 and _FIGURE.search(s)]
            j = rows[(k - min(planted_ids)) % len(rows)]
            figures = list(_FIGURE.finditer(body[j]))
            m = figures[-1]
            old = m.group()
            new = str(int(float(old.replace(",", ""))) + 7)
            body[j] = body[j][: m.start()] + new + body[j][m.end():]
            planted.append({"version": f"v{k:03d}", "sentence": body[j], "figure": new, "was": old})
        versions.append({"id": f"v{k:03d}", "sentences": body})
    out = []
    for k, v in enumerate(versions):
        text = "\n\n".join(v["sentences"])
        out.append({"id": v["id"], "text": text, "published_at": f"2015-11-15T{8 + k // 60:02d}:{k % 60:02d}:00Z"})
    for p in planted:
        text = next(v["text"] for v in out if v["id"] == p["version"])
        at = text.index(p["sentence"]) + p["sentence"].rindex(p["figure"])
        p["span"] = [at, at + len(p["figure"])]
    return out, planted


def unrelated_articles(n: int) -> list[dict]:
    out = []
    with gzip.open(MULTINEWS, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts = row["articles"] if isinstance(row["articles"], list) else json.loads(row["articles"])
            text = next((t for t in texts if 1500 <= len(t) <= 5000), None)
            if text:
                out.append({"id": f"mn{row['cluster_id']}", "text": text})
            if len(out) == n:
                break
    return out


def long_pair(n: int) -> list[dict]:
    """Two versions of one text of ``n`` sentences (see the module docstring)."""
    rows = [json.loads(line) for line in WIKIREF.open(encoding="utf-8")]
    sentences: list[str] = []
    for r in sorted(rows, key=lambda r: r["id"]):
        for para in _paragraphs(r["text"]):
            if len(para) > 60 and para[-1] in '.!?"':
                sentences += [s for s in re.split(r"(?<=[.!?])\s+", para) if len(s) > 40]
    a = sentences[:n]
    rng = random.Random(SEED)
    b = [_reword(s, rng) if rng.random() < 0.3 else s for s in a if rng.random() > 0.1]
    return [{"id": "long-a", "text": "\n\n".join(a)}, {"id": "long-b", "text": "\n\n".join(b)}]


def run_one(spec: dict) -> dict:
    """In a child process: warm up, then time one compare and read the peak RSS."""
    from storytrace.compare import compare_articles
    from storytrace.model import Article

    def articles(rows: list[dict]) -> list[Article]:
        return [Article(id=r["id"], text=r["text"], published_at=r.get("published_at")) for r in rows]

    warm_rows, _ = build_versions(3, pick_article(WARM_UP_ARTICLE))  # another article: no cache carries over
    compare_articles(articles([dict(r, id="w" + r["id"]) for r in warm_rows]))
    if spec["kind"] == "unrelated":
        rows, planted = unrelated_articles(spec["n"]), []
    elif spec["kind"] == "long":
        rows, planted = long_pair(spec["n"]), []
    else:
        rows, planted = build_versions(spec["n"], pick_article(spec.get("article")))
    t = time.perf_counter()
    comparison = compare_articles(articles(rows))
    wall = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    findings = [f for a in comparison.analyses for f in a.findings]
    found = 0
    for p in planted:
        s, e = p["span"]
        if any(f.article == p["version"] and f.kind in FIGURE_KINDS and f.span[0] <= s and e <= f.span[1]
               for f in findings):
            found += 1
    pairs = sum(len(a.reuse) for a in comparison.analyses)
    return {"kind": spec["kind"], "versions": spec["n"] if spec["kind"] == "long" else len(rows), "wall_s": round(wall, 2), "peak_rss_mb": round(rss_mb),
            "stories": len(comparison.stories), "planted": len(planted), "planted_found": found,
            "findings": len(findings), "pairs_reported": pairs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,30,100,300")
    ap.add_argument("--unrelated", type=int, default=20, help="unrelated articles in one more run (0: none)")
    ap.add_argument("--long", default="", help="sentence counts of two-version long-text runs, e.g. 100,200,400,600")
    ap.add_argument("--article", help="WikiRef220 id of the article the versions are built from")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one size may run")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(json.loads(args.child))))
        return 0
    specs = [{"kind": "versions", "n": int(n), "article": args.article} for n in args.sizes.split(",") if n]
    if args.unrelated:
        specs.append({"kind": "unrelated", "n": args.unrelated, "article": args.article})
    specs += [{"kind": "long", "n": int(n), "article": args.article} for n in args.long.split(",") if n]
    results = []
    for spec in specs:
        cmd = [sys.executable, "-m", "bench.compare_scaling", "--child", json.dumps(spec)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=REPO)
            row = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else \
                {"kind": spec["kind"], "versions": spec["n"], "error": done.stderr.strip().splitlines()[-1:]}
        except subprocess.TimeoutExpired:
            row = {"kind": spec["kind"], "versions": spec["n"], "error": f"over {args.timeout:.0f} s"}
        results.append(row)
        if not args.json:
            print(_line(row), flush=True)
    exponents = {}
    for kind in ("versions", "long"):
        timed = [r for r in results if r["kind"] == kind and "wall_s" in r]
        exponents.update({f"{kind} {a['versions']}-{b['versions']}": round(
            math.log(b["wall_s"] / a["wall_s"]) / math.log(b["versions"] / a["versions"]), 2)
            for a, b in zip(timed, timed[1:])})
    if args.json:
        print(json.dumps({"runs": results, "growth_exponents": exponents}, indent=2))
    else:
        print("growth exponent of wall time between sizes: "
              + ", ".join(f"{k}: {v}" for k, v in exponents.items()))
        print("goals: 100 versions <= 15 s, 300 <= 60 s warm on 2 cores, peak RSS <= 2048 MB, all planted found")
    return 0


def _line(row: dict) -> str:
    if "error" in row:
        return f"{row['kind']:9} {row['versions']:4}  error: {row['error']}"
    return (f"{row['kind']:9} {row['versions']:4}  {row['wall_s']:8.2f} s  peak RSS {row['peak_rss_mb']:5} MB  "
            f"stories {row['stories']:3}  planted found {row['planted_found']}/{row['planted']}  "
            f"findings {row['findings']:4}  pairs reported {row['pairs_reported']}")


if __name__ == "__main__":
    sys.exit(main())
