"""Corpus grouping evaluation sets, read in place from ``../shared/data``.

Shared by ``training/fit_corpus_grouping.py`` (which fits on the UCI train slice
and the even Multi-News half) and ``bench/group_corpus.py`` (which measures on
the rest): UCI News Aggregator (Gasparetti 2016; STORY is the gold story),
Multi-News test (Fabbri et al. 2019; each cluster_id is a story; no timestamps),
WikiRef220 (Gialampoukidis et al. 2016; topics, coarser than stories; no
timestamps). Each loader returns ``(articles, gold, eval_ids)``: gold maps an
article id to its story, ``eval_ids`` are the ids not used for fitting.
"""

from __future__ import annotations

import csv
import gzip
import json
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

TRAIN_SHARE = 0.10  # train slice: stories first seen in the last 10% of headlines (by time)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat()


def load_uci(data: Path, limit: int | None = None, split: str = "all"):
    """(articles, gold, eval_ids): the first ``limit`` headlines by ID (time order).

    ``split``: "all", "train" (stories first seen in the last TRAIN_SHARE of headlines by time) or "eval"."""
    from storytrace.model import Article

    rows = []
    with gzip.open(data / "uci-news" / "uci-news-aggregator.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for row in r:
            rows.append((row[0], row[1], row[3], row[5], int(row[7])))
    cut = sorted(x[4] for x in rows)[int(len(rows) * (1 - TRAIN_SHARE))]
    first: dict[str, int] = {}
    for x in rows:
        first[x[3]] = min(first.get(x[3], x[4]), x[4])
    train_stories = {s for s, t in first.items() if t >= cut}
    if split == "train":
        rows = [x for x in rows if x[3] in train_stories]
    elif split == "eval":
        rows = [x for x in rows if x[3] not in train_stories]
    if limit:
        rows = rows[:limit]
    arts = [Article(id=i, text=t, title=t, source=p, published_at=_iso(ts)) for i, t, p, _, ts in rows]
    gold = {x[0]: x[3] for x in rows}
    eval_ids = [x[0] for x in rows if x[3] not in train_stories]
    return arts, gold, eval_ids


def load_multinews(data: Path, limit: int | None = None):
    from storytrace.model import Article

    arts, gold = [], {}
    with gzip.open(data / "multinews" / "multinews_test_truncated.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            for k, text in enumerate(d["articles"]):
                if not text.strip():
                    continue
                aid = f"{d['cluster_id']}-{k}"
                arts.append(Article(id=aid, text=text.strip()))
                gold[aid] = str(d["cluster_id"])
            if limit and len(arts) >= limit:
                break
    # the even cluster_ids fitted join_cosine_lead: scores are also given on the odd half
    return arts, gold, [i for i in gold if int(gold[i]) % 2 == 1]


def multinews_irrelevant(data: Path) -> set[str]:
    """Ids (as `load_multinews` names them) of the articles Multi-News+ (Choi et al. 2024) did not keep: a
    majority of its five votes judged them irrelevant to their cluster's summary (mostly failed scrapes)."""
    out = set()
    with gzip.open(data / "multinews" / "multinews_test_truncated.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            kept = set(d["mnplus_kept_articles"])
            out |= {f"{d['cluster_id']}-{k}" for k, text in enumerate(d["articles"]) if text.strip() and k not in kept}
    return out


def load_wikiref(data: Path, limit: int | None = None):
    from storytrace.model import Article

    arts, gold = [], {}
    with open(data / "wikiref" / "wikiref220.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            lines = d["text"].split("\n", 1)
            title = lines[0].strip() if len(lines) > 1 and len(lines[0]) < 200 else None
            arts.append(Article(id=d["id"], text=d["text"], title=title))
            gold[d["id"]] = d["topic"]
    if limit:
        arts = arts[:limit]
        gold = {a.id: gold[a.id] for a in arts}
    # the fit half set the average-link grouper's parameters (training.fit_lexical_grouping): scores on the other
    return arts, gold, wikiref_halves(gold)[1]


def wikiref_halves(gold: dict[str, str]) -> tuple[list[str], list[str]]:
    """WikiRef220 split in two within each topic: articles in id order, the even places fit (the average-link
    grouper's parameters, with Multi-News's even half), the odd places are held out and scored."""
    fit, held = [], []
    by_topic: dict[str, list[str]] = {}
    for i in sorted(gold):
        by_topic.setdefault(gold[i], []).append(i)
    for ids in by_topic.values():
        fit += ids[0::2]
        held += ids[1::2]
    return sorted(fit), sorted(held)


def load(dataset: str, data: Path, limit: int | None, split: str = "all"):
    if dataset == "uci":
        return load_uci(data, limit, split)
    if dataset == "multinews":
        return load_multinews(data, limit)
    if dataset == "wikiref":
        return load_wikiref(data, limit)
    raise ValueError(dataset)


# ---------------------------------------------------------------- grouping


def run_storytrace(arts, params=None) -> dict[str, str]:
    """`CorpusGrouper.rebuild` of ``arts`` into a temporary SQLite file: article id -> story id."""
    from storytrace.corpus.grouping import CorpusGrouper

    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "store.db")
        out = CorpusGrouper(conn, params).rebuild(arts)
        conn.commit()
        conn.close()
    return out
