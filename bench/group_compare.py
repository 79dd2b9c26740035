"""Compare's story grouping on pastes of several events at once, measured on data nobody here wrote.

    python -m bench.group_compare [--groups 30] [--per-cluster 4] [--json]

Each *paste* is one Multi-News test cluster (Fabbri et al. 2019; independent reports of one event) mixed with
its nearest other cluster (highest TF-IDF cosine between the clusters' centroids: another event that reads
alike), at most ``--per-cluster`` articles of each, as a user would paste them. ``storytrace compare``'s
grouping (`compare_articles(...).stories`) is scored against the two clusters, BCubed F1 pooled over all pastes
(each paste's labels kept apart); in the same run: the order-independent average-link grouper of the
corpus path alone (`events.lexicalgrouping.group_by_average_link`; since issue 11 compare joins its own
stories by it), the two trivial answers (one story per paste, every article alone), and ``bound``: what a
perfect content grouper scores, every article with its cluster except those Multi-News+ (Choi et al. 2024)
judged irrelevant to it (mostly failed scrapes), each alone. Then the example story sets (shipped examples,
bench/stories/dev): each set as one paste, versions of a story together and distractors (same places and
people, another event) on their own.

Clusters with an odd cluster_id only (the even half fitted the corpus path's cuts); the sample is seeded.
Goal (issue 11): BCubed F1 at least 0.9.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA
from training.corpussets import load_multinews, multinews_irrelevant

REPO = Path(__file__).resolve().parent.parent
SEED = 11


def pastes(data: Path, groups: int, per_cluster: int) -> list[list[tuple[object, str]]]:
    """``groups`` pastes of (article, gold cluster) pairs: a cluster and its nearest other cluster."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    arts, gold, _ = load_multinews(data)
    clusters: dict[str, list] = {}
    for a in arts:
        if int(gold[a.id]) % 2 == 1:
            clusters.setdefault(gold[a.id], []).append(a)
    names = sorted(c for c, m in clusters.items() if len(m) >= 2)
    docs = [" ".join(a.text for a in clusters[c]) for c in names]
    X = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_df=0.5, min_df=2).fit_transform(docs)
    rng = random.Random(SEED)
    chosen = rng.sample(range(len(names)), min(groups, len(names)))
    out = []
    for i in chosen:
        sims = (X @ X[i].T).toarray().ravel()
        sims[i] = -1.0
        j = int(np.argmax(sims))
        paste = [(a, names[i]) for a in clusters[names[i]][:per_cluster]]
        paste += [(a, names[j]) for a in clusters[names[j]][:per_cluster]]
        rng.shuffle(paste)
        out.append(paste)
    return out


def _story_sets() -> list[list[tuple[object, str]]]:
    from storytrace.readers.records import read_articles

    out = []
    for folder in (REPO / "examples", REPO / "bench" / "stories" / "dev"):
        g = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        label = {m: s["name"] for s in g["stories"] for m in s["articles"]}
        label.update({d: d for d in g["distractors"]})
        arts = read_articles(sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".html")))
        out.append([(a, label[a.id]) for a in arts])
    return out


def score(runs: list[tuple[list[str], list[str]]]) -> dict:
    from storytrace.corpus.metrics import cluster_scores

    pred, gold = [], []
    for k, (p, g) in enumerate(runs):
        pred += [f"{k}:{x}" for x in p]
        gold += [f"{k}:{x}" for x in g]
    return cluster_scores(pred, gold).as_dict()


def run_methods(sets: list[list[tuple[object, str]]], log, irrelevant: set[str] = frozenset()) -> dict:
    from storytrace.compare import compare_articles
    from storytrace.events.lexicalgrouping import group_by_average_link

    results: dict[str, list[tuple[list[str], list[str]]]] = {"storytrace compare": [], "corpus avglink": [],
                                                            "one story": [], "all apart": []}
    if irrelevant:
        results["bound"] = []
    t0 = time.perf_counter()
    for k, paste in enumerate(sets):
        arts = [a for a, _ in paste]
        gold = [g for _, g in paste]
        story_of = {aid: s.id for s in compare_articles(arts).stories for aid in s.article_ids}
        results["storytrace compare"].append(([story_of[a.id] for a in arts], gold))
        lex = group_by_average_link(arts)
        results["corpus avglink"].append(([lex[a.id] for a in arts], gold))
        results["one story"].append((["s"] * len(arts), gold))
        results["all apart"].append(([a.id for a in arts], gold))
        if irrelevant:  # every relevant article with its cluster, each irrelevant one alone
            results["bound"].append(([a.id if a.id in irrelevant else g for a, g in paste], gold))
        if (k + 1) % 10 == 0:
            log(f"  {k + 1}/{len(sets)} pastes ({time.perf_counter() - t0:.0f} s)")
    return {name: score(r) for name, r in results.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.group_compare", description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=30)
    ap.add_argument("--per-cluster", type=int, default=4)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        if not args.json:
            print(msg, flush=True)

    t0 = time.perf_counter()
    mn = pastes(args.data, args.groups, args.per_cluster)
    log(f"Multi-News: {len(mn)} pastes of a cluster and its nearest other cluster, "
        f"{sum(len(p) for p in mn)} articles")
    res = {"multinews": run_methods(mn, log, multinews_irrelevant(args.data)),
           "story sets": run_methods(_story_sets(), log)}
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    for part in ("multinews", "story sets"):
        print(f"\n{part}: BCubed P / R / F1 pooled over pastes (goal F1 >= 0.9)")
        for name, s in res[part].items():
            print(f"  {name:<20} {s['bcubed_precision']:.3f} / {s['bcubed_recall']:.3f} / {s['bcubed_f1']:.3f}"
                  f"   ({s['n']} articles, {s['clusters']} stories, {s['classes']} gold)")
    print(f"\n{res['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
