"""Corpus-scale story grouping measured on data nobody here wrote.

``python -m bench.group_corpus {uci,multinews,wikiref,incremental,fit-peers,nearest-mates,order,boilerplate} [--limit N] [--json] [--data DIR]``

Methods, each run in its own subprocess (so each reports its own wall time and
peak RSS, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes reading
the data set):

* ``storytrace``       `storytrace.corpus_grouping.CorpusGrouper.rebuild` into a SQLite file
* ``storytrace-notime`` the same with the time window off (content only)
* ``storytrace-avglink`` `storytrace.events.lexicalgrouping.group_by_average_link`: hashed TF-IDF
                       with the shipped reference IDF, average link over the cosine graph, kept
                       incrementally (batches of 512) and independent of order; cuts fitted by
                       ``python -m training.fit_lexical_grouping`` on the Multi-News even half;
                       not run on UCI (headlines only: see lexicalgrouping.py)
* ``minhash-lsh-cc``   rensa MinHash LSH (same shingles, same title + lead text) and
                       connected components of the candidate pairs whose estimated
                       Jaccard reaches the threshold
* ``tfidf-avglink``    TF-IDF cosine (uni- and bigrams) and exact average-link clustering, per
                       connected component of the pairs at or above the cut (the baseline
                       issue 11 measures against); its lead cut-off is fitted on the even half
                       of Multi-News, its headline cut-off is not fitted yet (not run on UCI)
* ``community``        sentence-transformers' ``util.community_detection`` re-implemented
                       in numpy (installing sentence-transformers would pull torch) over the
                       same WordLlama vectors: for every item the set of items at cosine >=
                       threshold; communities taken largest first without overlap
                       (min_community_size=1, so what is left becomes singletons). It is
                       quadratic; above ``CD_BLOCK`` items it runs on consecutive blocks of
                       that many items (in time order for UCI) and says so.

Headline thresholds of all three are fitted on the UCI train slice (stories whose first
headline falls in the last 10% of headlines by time), maximising BCubed F1: storytrace's
by ``python -m training.fit_corpus_grouping`` (into storytrace/data/corpus_grouping.json),
the peers' by ``fit-peers`` here (into ``PEER_PARAMS``). UCI scores are reported on the
other stories (``eval``) and on everything (``all``). Lead thresholds (texts longer than
a headline) were grid-searched the same way on the Multi-News clusters with an even
cluster_id; Multi-News scores are also given on the odd half.

Data sets (read in place from ../shared/data, loaded by `training.corpussets`): UCI
News Aggregator (Gasparetti 2016; STORY is the gold story), Multi-News test (Fabbri
et al. 2019; each cluster_id is a story; no timestamps), WikiRef220 (Gialampoukidis
et al. 2016; topics, coarser than stories; no timestamps).

``nearest-mates``: on Multi-News, how often an article's nearest other article is of its own
cluster, by TF-IDF and by storytrace's title + lead embedding (a bound on any grouping by them).

``order DATASET``: BCubed F1 of storytrace's online grouper and of ``storytrace-avglink`` over four
shuffled ingest orders (batches of 1,000, as ``storytrace ingest`` hands them over), and the spread.

``boilerplate``: the first 100,000 UCI headlines (``--limit``), untimed, each followed by one
paragraph all of them share, grouped 1,000 at a time: records/s early and late, stories, the largest,
BCubed F1, beside the headlines alone.

``incremental``: the UCI set minus 1,000 random headlines is grouped and committed
to a SQLite store; a new `CorpusGrouper` on that store then assigns the 1,000 (time
and scores), against a full rebuild of all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from training import DEFAULT_DATA
from training.corpussets import TRAIN_SHARE, load, load_uci, run_storytrace

REPO_ROOT = Path(__file__).resolve().parent.parent
CD_BLOCK = 20000

# Peers' thresholds, fitted like ours for BCubed F1: "headline" on the UCI train slice
# (`python -m bench.group_corpus fit-peers`), "lead" on the even-cluster_id half of Multi-News.
PEER_PARAMS = {
    # tfidf_cosine for headlines: none can run. On the UCI train slice (42,277 headlines), exact average link
    # gave BCubed F1 0.045 / 0.061 / 0.095 / 0.166 at 0.7 / 0.6 / 0.5 / 0.4 (0.4: 15.4 GB peak, one dense
    # component), and 0.3 ran out of the machine's 23 GB. On all of UCI even 0.4 cannot be clustered exactly.
    "headline": {"lsh_jaccard": 0.25, "community_cosine": 0.45, "tfidf_cosine": None},
    # tfidf_cosine: chosen as storytrace's average-link parameters are (training.fit_lexical_grouping): the highest
    # lower BCubed F1 of the even half of Multi-News and WikiRef220's fit half, over 0.04/0.06/0.08/0.10/0.12/0.13/
    # 0.14/0.15 (Multi-News / WikiRef: 0.463/0.722, 0.609/0.911, 0.692/0.913, 0.739/0.896, 0.763/0.889,
    # 0.771/0.858, 0.777/0.793, 0.779/0.726); on Multi-News alone 0.15 was best (0.12/0.15/0.18/0.20: 0.775/
    # 0.778/0.768/0.757)
    "lead": {"lsh_jaccard": 0.2, "community_cosine": 0.55, "tfidf_cosine": 0.14},
}


# ---------------------------------------------------------------- methods


def run_lsh_cc(arts, threshold: float, num_perm: int = 64) -> dict[str, str]:
    """MinHash LSH + connected components (union-find) of pairs at estimated Jaccard >= threshold."""
    import rensa

    from storytrace.corpus.grouping import DEFAULT_PARAMS, embed_text, lsh_bands, shingles

    bands, _ = lsh_bands(threshold, num_perm)
    lsh = rensa.RMinHashLSH(threshold, num_perm, bands)
    texts = [embed_text(a, DEFAULT_PARAMS.lead_chars) for a in arts]
    parent = list(range(len(arts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    digests = np.zeros((len(arts), num_perm), dtype=np.uint32)
    for lo in range(0, len(arts), 4096):
        mhs = rensa.RMinHash.from_token_sets([sorted(shingles(t)) for t in texts[lo: lo + 4096]], num_perm, 1)
        for k, m in enumerate(mhs):
            i = lo + k
            digests[i] = m.digest()
            keys = lsh.query(m)
            if keys:
                keys = np.asarray(keys, dtype=np.int64)
                jac = (digests[keys] == digests[i]).mean(axis=1)
                for j in keys[jac >= threshold].tolist():
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[ri] = rj
            lsh.insert(i, m)
    return {a.id: f"c{find(i)}" for i, a in enumerate(arts)}


def community_detection(emb: np.ndarray, threshold: float, min_community_size: int = 1, batch: int = 1024):
    """sentence_transformers.util.community_detection in numpy (same algorithm, exact neighbour sets)."""
    n = len(emb)
    comms: list[np.ndarray] = []
    for lo in range(0, n, batch):
        cos = emb[lo: lo + batch] @ emb.T
        for row in cos:
            idx = np.nonzero(row >= threshold)[0]
            if len(idx) >= min_community_size:
                comms.append(idx[np.argsort(-row[idx], kind="stable")])
    comms.sort(key=len, reverse=True)
    taken = np.zeros(n, dtype=bool)
    out = []
    for c in comms:
        c = c[~taken[c]]
        if len(c) >= min_community_size:
            out.append(c)
            taken[c] = True
    return out


def run_community(arts, threshold: float, block: int = CD_BLOCK) -> tuple[dict[str, str], str]:
    from storytrace.corpus.grouping import DEFAULT_PARAMS, embed, embed_text

    emb = embed([embed_text(a, DEFAULT_PARAMS.lead_chars) for a in arts])
    out: dict[str, str] = {}
    for lo in range(0, len(arts), block):
        for k, c in enumerate(community_detection(emb[lo: lo + block], threshold)):
            for i in c.tolist():
                out[arts[lo + i].id] = f"b{lo}-{k}"
    for a in arts:
        out.setdefault(a.id, f"single-{a.id}")
    note = f"blocks of {block}" if len(arts) > block else ""
    return out, note


TFIDF_BLOCK = 512  # rows per block of the cosine product (set by hand: bounds its memory)


def run_tfidf_avglink(arts, threshold: float) -> dict[str, str]:
    """TF-IDF (word uni- and bigrams, sublinear tf, English stop words, df <= 50%) cosine, exact
    average-link agglomerative clustering cut at ``threshold``. Average-link clusters at a cut lie
    inside the connected components of the graph of pairs at or above it, so each component is
    clustered exactly on its own (dense distances per component only)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    import scipy.sparse as sp

    X = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_df=0.5, ngram_range=(1, 2),
                        min_df=2).fit_transform([a.text for a in arts]).tocsr()
    XT = X.T.tocsc()
    blocks = []
    for lo in range(0, X.shape[0], TFIDF_BLOCK):  # in row blocks, so memory holds the pairs kept, not all
        B = (X[lo:lo + TFIDF_BLOCK] @ XT).tocsr()
        B.data[B.data < threshold] = 0
        B.eliminate_zeros()
        blocks.append(B)
    S = sp.vstack(blocks).tocsr()
    _, comp = connected_components(S, directed=False)
    out: dict[str, str] = {}
    for c in np.unique(comp):
        idx = np.flatnonzero(comp == c)
        if len(idx) == 1:
            out[arts[idx[0]].id] = f"c{c}"
            continue
        Xi = X[idx]
        D = np.clip(1.0 - (Xi @ Xi.T).toarray(), 0.0, None)
        np.fill_diagonal(D, 0.0)
        labels = fcluster(linkage(squareform(D, checks=False), "average"), 1.0 - threshold, "distance")
        for i, l in zip(idx.tolist(), labels.tolist()):
            out[arts[i].id] = f"c{c}-{l}"
    return out


# ---------------------------------------------------------------- order dependence


def assign_in_batches(articles, batch: int, ingest_rule: bool = False) -> tuple[dict[str, str], list[float]]:
    """`CorpusGrouper.assign` (or, with ``ingest_rule``, `StoryGrouper.assign`: what `storytrace ingest`
    runs) over an in-memory store, ``batch`` articles at a time, as `storytrace ingest` hands them
    over: (article id -> story id, seconds per batch)."""
    from storytrace.corpus.grouping import CorpusGrouper
    from storytrace.corpus.storygrouping import StoryGrouper
    from storytrace.corpus.store import Store

    out: dict[str, str] = {}
    seconds: list[float] = []
    with Store.open(":memory:") as st, st.transaction():
        g = StoryGrouper(st) if ingest_rule else CorpusGrouper(st)
        for lo in range(0, len(articles), batch):
            t0 = time.perf_counter()
            chunk = articles[lo:lo + batch]
            if ingest_rule:
                st.add_articles(chunk)
                st.assign(g.assign(chunk))  # earlier articles the batch moved are moved in the store
            else:
                out.update(g.assign(chunk))
            seconds.append(time.perf_counter() - t0)
        if ingest_rule:
            out = st.membership([a.id for a in articles])
    return out, seconds


def bench_order(dataset: str, data: Path, limit: int | None, as_json: bool, seeds: int = 4,
                batch: int = 1000) -> dict:
    """BCubed F1 of each grouper over ``seeds`` shuffled ingest orders, ``batch`` articles at a time
    (as `storytrace ingest` hands them over), and the spread (max - min) between orders."""
    from storytrace.events.lexicalgrouping import group_by_average_link
    from storytrace.corpus.metrics import cluster_scores

    arts, gold, eval_ids = load(dataset, data, limit)
    ids = eval_ids if len(eval_ids) != len(gold) else list(gold)

    methods = {"storytrace": lambda order: assign_in_batches(order, batch)[0],
               "storytrace-avglink": lambda order: group_by_average_link(order, batch=batch),
               "storytrace ingest": lambda order: assign_in_batches(order, batch, ingest_rule=True)[0]}
    res: dict = {"dataset": dataset, "limit": limit, "batch": batch, "methods": {}}
    for name, run in methods.items():
        f1s = []
        for seed in range(seeds):
            order = list(arts)
            random.Random(seed).shuffle(order)
            t0 = time.perf_counter()
            pred = run(order)
            f1s.append(cluster_scores([pred[i] for i in ids], [gold[i] for i in ids]).bcubed_f1)
            if not as_json:
                print(f"{dataset} {name:<20} order {seed}: BCubed F1 {f1s[-1]:.4f} ({time.perf_counter() - t0:.1f} s)",
                      flush=True)
        res["methods"][name] = {"f1": f1s, "spread": max(f1s) - min(f1s)}
        if not as_json:
            print(f"{dataset} {name:<20} spread between {seeds} orders: {max(f1s) - min(f1s):.4f} "
                  f"(goal <= 0.005)", flush=True)
    return res


# ---------------------------------------------------------------- boilerplate


BOILERPLATE = ("This article is provided by the Newswire Syndication Service. All rights reserved. Reproduction in "
               "whole or in part without permission is prohibited. For licensing enquiries contact our sales desk.")


def bench_boilerplate(data: Path, limit: int | None, as_json: bool, batch: int = 1000) -> dict:
    """UCI headlines (no timestamps) each followed by one paragraph they all share, as feeds carry
    it: records/s as the store grows, the stories made and BCubed F1, against the headlines alone."""
    from collections import Counter

    from storytrace.corpus.metrics import scores_for
    from storytrace.model import Article

    arts, gold, _ = load_uci(data, limit or 100_000)
    runs = {
        "headline + shared paragraph": [Article(a.id, f"{a.title}\n\n{BOILERPLATE}", title=a.title) for a in arts],
        "headline alone": [Article(a.id, a.title, title=a.title) for a in arts],
    }
    res: dict = {"n": len(arts), "runs": {}}
    for name, docs, rule in [(n, d, rule) for n, d in runs.items() for rule in (False, True)]:
        name = f"{name}{' (ingest rule)' if rule else ''}"
        t0 = time.perf_counter()
        out, seconds = assign_in_batches(docs, batch, ingest_rule=rule)
        rates = [batch / max(t, 1e-9) for t in seconds]
        sizes = Counter(out.values())
        r = {"wall_s": time.perf_counter() - t0, "stories": len(sizes), "largest": max(sizes.values()),
             "rate_first_10": sum(rates[:10]) / len(rates[:10]), "rate_last_10": sum(rates[-10:]) / len(rates[-10:]),
             "bcubed_f1": scores_for(out, gold).bcubed_f1}
        res["runs"][name] = r
        if not as_json:
            print(f"{name:<42} {len(docs):>7} articles: {r['stories']:>6} stories, largest {r['largest']:>5}; "
                  f"{r['rate_first_10']:,.0f} records/s over the first 10 batches, {r['rate_last_10']:,.0f} over the "
                  f"last 10; BCubed F1 {r['bcubed_f1']:.3f}; {r['wall_s']:.0f} s", flush=True)
    return res


# ---------------------------------------------------------------- one method in this process


def _child(args) -> None:
    from storytrace.corpus.grouping import DEFAULT_PARAMS
    from storytrace.corpus.metrics import cluster_scores

    data = Path(args.data)
    arts, gold, eval_ids = load(args.dataset, data, args.limit, args.split)
    kind = "headline" if args.dataset == "uci" else "lead"
    t0 = time.perf_counter()
    note = ""
    if args.method == "storytrace":
        pred = run_storytrace(arts)
    elif args.method == "storytrace-notime":
        pred = run_storytrace(arts, replace(DEFAULT_PARAMS, window_s=None))
    elif args.method == "storytrace-avglink":
        from storytrace.events.lexicalgrouping import group_by_average_link

        pred = group_by_average_link(arts)
    elif args.method == "minhash-lsh-cc":
        pred = run_lsh_cc(arts, PEER_PARAMS[kind]["lsh_jaccard"])
    elif args.method == "community":
        pred, note = run_community(arts, PEER_PARAMS[kind]["community_cosine"])
    elif args.method == "tfidf-avglink":
        pred = run_tfidf_avglink(arts, PEER_PARAMS[kind]["tfidf_cosine"])
    else:
        raise ValueError(args.method)
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ids = list(gold)
    res = {
        "method": args.method, "wall_s": wall, "peak_rss_mb": rss, "note": note, "n": len(arts),
        "all": cluster_scores([pred[i] for i in ids], [gold[i] for i in ids]).as_dict(),
    }
    if len(eval_ids) != len(ids):
        res["eval"] = cluster_scores([pred[i] for i in eval_ids], [gold[i] for i in eval_ids]).as_dict()
    print("RESULT " + json.dumps(res))


def run_method(method: str, dataset: str, data: Path, limit: int | None, split: str = "all") -> dict:
    cmd = [sys.executable, "-m", "bench.group_corpus", "_child", method, dataset, "--data", str(data), "--split", split]
    if limit:
        cmd += ["--limit", str(limit)]
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    p = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{method} failed:\n{p.stderr[-3000:]}")


# ---------------------------------------------------------------- tables


def table(title: str, results: list[dict], part: str) -> str:
    head = f"{'method':<20} {'items':>7} {'clusters':>8} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pairP':>6} {'pairR':>6} {'pairF1':>6} {'wall s':>7} {'RSS MB':>7}  note"
    lines = [title, head, "-" * len(head)]
    for r in results:
        s = r.get(part) or r["all"]
        lines.append(
            f"{r['method']:<20} {s['n']:>7} {s['clusters']:>8} {s['bcubed_precision']:>6.3f} {s['bcubed_recall']:>6.3f} "
            f"{s['bcubed_f1']:>6.3f} {s['pair_precision']:>6.3f} {s['pair_recall']:>6.3f} {s['pair_f1']:>6.3f} "
            f"{r['wall_s']:>7.1f} {r['peak_rss_mb']:>7.0f}  {r.get('note', '')}"
        )
    return "\n".join(lines)


def bench_dataset(dataset: str, data: Path, limit: int | None, as_json: bool) -> dict:
    methods = ["storytrace", "minhash-lsh-cc", "community"]
    if dataset != "uci":  # average link is for articles with text, not headlines (lexicalgrouping.py)
        methods.insert(1, "storytrace-avglink")
    if PEER_PARAMS["headline" if dataset == "uci" else "lead"]["tfidf_cosine"] is not None:
        methods.append("tfidf-avglink")
    arts_n = limit
    # the content-only variant compares each headline with every story; on all of UCI that is under a
    # minute (its stories chain into a few thousand), so it runs on every size
    methods.insert(1, "storytrace-notime")
    results = [run_method(m, dataset, data, limit) for m in methods]
    if not as_json:
        parts = ["eval", "all"] if any("eval" in r for r in results) else ["all"]
        for part in parts:
            label = {
                "eval": "evaluation stories (train slice left out of the scores)" if dataset == "uci"
                else "held-out half (odd cluster_id; the even half fitted the cuts)" if dataset == "multinews"
                else "held-out half (odd places of each topic in id order; the even ones fitted the cuts)",
                "all": "all items",
            }[part]
            print(table(f"\n{dataset} (--limit {arts_n}) — {label}", results, part))
        best_peer = max(
            (r.get("eval") or r["all"])["bcubed_f1"] for r in results if not r["method"].startswith("storytrace")
        )
        ours = (results[0].get("eval") or results[0]["all"])["bcubed_f1"]
        print(f"\nstorytrace BCubed F1 {ours:.3f} vs best peer {best_peer:.3f}: margin {ours - best_peer:+.3f}")
    return {"dataset": dataset, "limit": limit, "results": results}


# ---------------------------------------------------------------- incremental


def _incremental_child(args) -> None:
    from storytrace.corpus.grouping import CorpusGrouper
    from storytrace.corpus.metrics import cluster_scores

    arts, gold, eval_ids = load_uci(Path(args.data), args.limit)
    rng = random.Random(0)
    new_ids = set(rng.sample([a.id for a in arts], min(1000, len(arts) // 10)))
    rest = [a for a in arts if a.id not in new_ids]
    new = [a for a in arts if a.id in new_ids]
    ids = eval_ids
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.db"
        conn = sqlite3.connect(db)
        t0 = time.perf_counter()
        base = CorpusGrouper(conn).rebuild(rest)
        conn.commit()
        t_rest = time.perf_counter() - t0
        conn.close()
        conn = sqlite3.connect(db)  # a fresh connection and grouper: state comes from the store
        t0 = time.perf_counter()
        g = CorpusGrouper(conn)
        added = g.assign(new)
        conn.commit()
        t_add = time.perf_counter() - t0
        conn.close()
        inc = {**base, **added}
        conn = sqlite3.connect(Path(tmp) / "full.db")
        t0 = time.perf_counter()
        full = CorpusGrouper(conn).rebuild(arts)
        conn.commit()
        t_full = time.perf_counter() - t0
        conn.close()
    s_inc = cluster_scores([inc[i] for i in ids], [gold[i] for i in ids])
    s_full = cluster_scores([full[i] for i in ids], [gold[i] for i in ids])
    agree = cluster_scores([inc[i] for i in ids], [full[i] for i in ids])
    new_agree = sum(
        1 for i in new_ids if set_key(inc, i) == set_key(full, i)
    )
    res = {
        "n_store": len(rest), "n_new": len(new), "t_store_s": t_rest, "t_add_s": t_add, "t_full_s": t_full,
        "inc": s_inc.as_dict(), "full": s_full.as_dict(), "inc_vs_full_bcubed_f1": agree.bcubed_f1,
        "new_same_story_head": new_agree / max(1, len(new_ids)),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print("RESULT " + json.dumps(res))


def set_key(assign: dict[str, str], aid: str) -> str:
    return assign[aid]


def bench_incremental(data: Path, limit: int | None, as_json: bool) -> dict:
    cmd = [sys.executable, "-m", "bench.group_corpus", "_incremental", "--data", str(data)]
    if limit:
        cmd += ["--limit", str(limit)]
    p = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    res = None
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            res = json.loads(line[7:])
    if res is None:
        raise RuntimeError(p.stderr[-3000:])
    if not as_json:
        print(f"\nincremental (UCI --limit {limit}): store of {res['n_store']} headlines grouped in {res['t_store_s']:.1f} s")
        print(f"{'run':<28} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pairF1':>6} {'time s':>7}")
        for name, key, t in (("store + 1,000 added", "inc", res["t_add_s"]), ("full rebuild", "full", res["t_full_s"])):
            s = res[key]
            print(f"{name:<28} {s['bcubed_precision']:>6.3f} {s['bcubed_recall']:>6.3f} {s['bcubed_f1']:>6.3f} {s['pair_f1']:>6.3f} {t:>7.2f}")
        d = res["inc"]["bcubed_f1"] - res["full"]["bcubed_f1"]
        print(f"add of {res['n_new']} took {res['t_add_s']:.2f} s (new process state loaded from SQLite); "
              f"BCubed F1 incremental - rebuild {d:+.4f}; incremental vs rebuild agreement (BCubed F1) {res['inc_vs_full_bcubed_f1']:.4f}; "
              f"peak RSS {res['peak_rss_mb']:.0f} MB")
    return res


# ---------------------------------------------------------------- peers' thresholds


def fit_peers(data: Path, limit: int | None) -> dict:
    """Grid-search the peers' headline thresholds for BCubed F1 on the UCI train slice (as
    ``python -m training.fit_corpus_grouping`` fits storytrace's); copy them into PEER_PARAMS."""
    import storytrace.corpus.grouping as cg
    from storytrace.corpus.metrics import cluster_scores

    arts, gold, _ = load_uci(data, limit, "train")
    ids = [a.id for a in arts]
    y = [gold[i] for i in ids]
    print(f"train slice: {len(arts)} headlines, {len(set(y))} stories (first seen in the last {TRAIN_SHARE:.0%} of headlines)")
    emb = cg.embed([cg.embed_text(a, cg.DEFAULT_PARAMS.lead_chars) for a in arts])
    best_lsh = (-1.0, None)
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        pred = run_lsh_cc(arts, t)
        f = cluster_scores([pred[i] for i in ids], y).bcubed_f1
        print(f"  minhash-lsh-cc threshold {t:.2f}: BCubed F1 {f:.4f}", flush=True)
        if f > best_lsh[0]:
            best_lsh = (f, t)
    best_cd = (-1.0, None)
    sub = min(len(arts), CD_BLOCK)
    for t in np.arange(0.4, 0.951, 0.05):
        comms = community_detection(emb[:sub], float(t))
        pred = {}
        for k, c in enumerate(comms):
            for i in c.tolist():
                pred[ids[i]] = k
        f = cluster_scores([pred[i] for i in ids[:sub]], y[:sub]).bcubed_f1
        print(f"  community threshold {t:.3f}: BCubed F1 {f:.4f} (first {sub} train items)", flush=True)
        if f > best_cd[0]:
            best_cd = (f, round(float(t), 3))
    out = {"minhash-lsh-cc": {"lsh_jaccard": best_lsh[1], "bcubed_f1": best_lsh[0]},
           "community": {"community_cosine": best_cd[1], "bcubed_f1": best_cd[0]}}
    print(json.dumps(out, indent=1))
    return out


def nearest_mates(data: Path, limit: int | None) -> dict:
    """How often an article's nearest other article (by cosine) is one of its own cluster, on
    Multi-News: an upper bound on what any grouping by that similarity can join correctly."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storytrace.corpus.grouping import DEFAULT_PARAMS, embed, embed_text

    arts, gold, _ = load("multinews", data, limit)
    labels = np.array([gold[a.id] for a in arts])
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_df=0.5, ngram_range=(1, 2),
                            min_df=2).fit_transform([a.text for a in arts])
    lead = embed([embed_text(a, DEFAULT_PARAMS.lead_chars) for a in arts])
    lead = lead / np.maximum(np.linalg.norm(lead, axis=1, keepdims=True), 1e-12)
    out = {"n": len(arts)}
    for name, sim in (("tfidf (uni+bigram, full text)", lambda rows: (tfidf[rows] @ tfidf.T).toarray()),
                      ("wordllama (title + lead, storytrace's)", lambda rows: lead[rows] @ lead.T)):
        hits = low = 0
        for lo in range(0, len(arts), 2000):  # blocks of rows keep memory flat
            rows = np.arange(lo, min(lo + 2000, len(arts)))
            S = sim(rows)
            S[np.arange(len(rows)), rows] = -np.inf
            mate = labels[None, :] == labels[rows, None]
            mate[np.arange(len(rows)), rows] = False
            best_mate = np.where(mate, S, -np.inf).max(axis=1)
            hits += int((best_mate > np.where(mate, -np.inf, S).max(axis=1)).sum())
            low += int((best_mate < 0.1).sum())
        out[name] = {"nearest_is_mate": hits / len(arts), "best_mate_below_0.1": low / len(arts)}
        print(f"{name:<40} nearest other article is of its own cluster: {hits / len(arts):.3f}; "
              f"closest cluster mate below cosine 0.1: {low / len(arts):.3f}", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.group_corpus", description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["uci", "multinews", "wikiref", "incremental", "fit-peers", "nearest-mates", "order", "boilerplate",
                                           "_child", "_incremental"])
    ap.add_argument("method", nargs="?")
    ap.add_argument("dataset", nargs="?")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--split", default="all")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if args.what == "_child":
        return _child(args)
    if args.what == "_incremental":
        return _incremental_child(args)
    if args.what == "fit-peers":
        fit_peers(data, args.limit)
        return
    if args.what == "nearest-mates":
        nearest_mates(data, args.limit)
        return
    if args.what == "boilerplate":
        res = bench_boilerplate(data, args.limit, args.json)
        if args.json:
            print(json.dumps(res, indent=1))
        return
    if args.what == "order":
        res = bench_order(args.method or "multinews", data, args.limit, args.json)
        if args.json:
            print(json.dumps(res, indent=1))
        return
    if args.what == "incremental":
        res = bench_incremental(data, args.limit, args.json)
    else:
        res = bench_dataset(args.what, data, args.limit, args.json)
    if args.json:
        print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
