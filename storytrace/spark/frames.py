"""The Spark job's per-partition work, as pure functions of pandas frames (no Spark here).

Each is what one ``mapInPandas`` / ``applyInPandas`` task of `storytrace.spark.jobs`
runs, and each calls the embedded path's own functions, so a stage means the
same on Spark as in ``storytrace ingest`` / ``storytrace story``:

* `normalise_record` -- one input row as `storytrace ingest` reads it;
* `home_block`, `warm_blocks` -- which time blocks an article is grouped in;
* `group_unit` -- one block grouped by the embedded `CorpusGrouper`
  (`storytrace.corpus.grouping.group_articles`); `stitch_parents` is the
  pure-Python twin of the Spark stitching across blocks, for tests;
* `lexical_rows`, `lexical_vectors`, `block_pair_edges`, `average_link_component` --
  articles with text (`storytrace.events.articletext.has_lead_text`): their sentence
  hashes (for the boilerplate count), their lexical vectors without the boilerplate,
  the candidate edges between two blocks of articles (one sparse product), and
  one connected component of the candidate graph clustered by the embedded
  `storytrace.events.linkage.AverageLinkGraph`, as
  `storytrace.events.lexicalgrouping.group_by_average_link` clusters it;
* `minhash_rows`, `embedding_pairs` -- candidate pairs (MinHash bands, exact
  embedding neighbours in a time bucket);
* `analyse_story_frame` -- one story's rows analysed as ``storytrace story``
  analyses a stored story (`storytrace.corpus.stories`).

Spark pickles the tasks with references to these functions by module path, so
executors import this module (and never Spark through it).
"""

from __future__ import annotations

import json
import math
from typing import Sequence

import numpy as np

from storytrace.corpus.grouping import DEFAULT_PARAMS, GroupingParams, embed, embed_text, group_articles, lsh_bands, \
    minhash_digests
from storytrace.corpus.stories import DEFAULT_MAX_ARTICLES, select_story
from storytrace.model import Article

__all__ = ["ARTICLE_FIELDS", "PAIR_K", "analyse_story_frame", "articles_from_frame", "average_link_component",
           "block_pair_edges", "embedding_pairs", "group_unit", "home_block", "lexical_rows", "lexical_vectors", "minhash_rows",
           "normalise_record", "stitch_parents", "warm_blocks"]

ARTICLE_FIELDS = ("id", "text", "title", "source", "url", "published_at")
PAIR_K = 5  # embedding neighbours kept per article


def normalise_record(rec: dict, column_map: dict[str, str] | None = None, origin: str = "spark",
                     line: int = 0):
    """An `Article` (or an `IngestError`) from one input row, exactly as `storytrace ingest` reads it.

    A ``published_at`` written as digits (a Unix time in s or ms, as in CSV) becomes ISO 8601 UTC
    with its full precision."""
    from storytrace.readers.records import check_column_map, coerce_published_at, make_record

    cmap = check_column_map(column_map)
    clean = {}
    for k, v in rec.items():
        if isinstance(v, np.ndarray):
            v = v.tolist()
        elif isinstance(v, float) and math.isnan(v):
            v = None
        elif isinstance(v, np.generic):
            v = v.item()
        clean[k] = v
    key = cmap["published_at"]
    p = clean.get(key)
    if isinstance(p, str) and p.strip().isdigit() and 9 <= len(p.strip()) <= 13:
        clean[key] = coerce_published_at(int(p.strip()))
    return make_record(origin, line, clean, cmap, "field")


def home_block(ts: float | None, block_s: float) -> int | None:
    return None if ts is None else int(math.floor(ts / block_s))


def warm_blocks(ts: float, block_s: float, warm_s: float) -> list[int]:
    """The later blocks whose warm-up (the ``warm_s`` before their start) holds time ``ts``."""
    b = home_block(ts, block_s)
    last = int(math.floor((ts + warm_s) / block_s))
    # block k starts at k * block_s; ts is in its warm-up iff k * block_s - warm_s <= ts < k * block_s
    return [k for k in range(b + 1, last + 1) if k * block_s - warm_s <= ts]


def articles_from_frame(pdf) -> list[Article]:
    """Articles from a pandas frame with ``ARTICLE_FIELDS`` columns, in ``seq`` order."""
    if "seq" in pdf.columns:
        pdf = pdf.sort_values("seq", kind="stable")
    cols = {f: pdf[f].tolist() if f in pdf.columns else [None] * len(pdf) for f in ARTICLE_FIELDS}
    out = []
    for i in range(len(pdf)):
        vals = {f: cols[f][i] for f in ARTICLE_FIELDS}
        for f, v in vals.items():
            if v is not None and not isinstance(v, str):
                vals[f] = None if (isinstance(v, float) and math.isnan(v)) else str(v)
        out.append(Article(**vals))
    return out


def group_unit(pdf, params: GroupingParams = DEFAULT_PARAMS):
    """One time block (home + warm-up rows): the embedded grouper's story for each row.

    Returns a frame ``id, unit, role, local`` where ``local`` is ``"<unit>/<story id>"``."""
    import pandas as pd

    pdf = pdf.sort_values("seq", kind="stable")
    arts = articles_from_frame(pdf)
    mapping = group_articles(arts, params)
    unit = pdf["unit"].astype("int64").to_numpy()
    return pd.DataFrame({
        "id": pdf["id"].to_numpy(), "unit": unit, "role": pdf["role"].to_numpy(),
        "local": [f"{u}/{mapping[a.id]}" for u, a in zip(unit, arts)],
    })


def stitch_parents(rows: Sequence[tuple[str, int, str, str, int]]) -> dict[str, str]:
    """Pure-Python twin of the Spark stitching, for tests: ``rows`` are (id, unit, role, local, seq);
    returns each local story's parent (the home story most of its warm-up members belong to; ties:
    the earliest member)."""
    home = {i: loc for i, _, role, loc, _ in rows if role == "home"}
    votes: dict[str, dict[str, list]] = {}
    for i, _, role, loc, seq in rows:
        if role == "warm" and i in home:
            v = votes.setdefault(loc, {}).setdefault(home[i], [0, seq])
            v[0] += 1
            v[1] = min(v[1], seq)
    return {loc: min(c.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[0] for loc, c in votes.items()}


def lexical_rows(pdf):
    """Per article: ``id``, ``lead`` (text beyond its title: `has_lead_text`, then average link groups it)
    and, for those, the distinct `sentence_hashes` of its `grouping_text` (as
    `storytrace.events.lexicalgrouping.AverageLinkGrouper` counts them)."""
    import pandas as pd

    from storytrace.events.boilerplate import sentence_hashes
    from storytrace.events.articletext import has_lead_text
    from storytrace.events.lexicalgrouping import grouping_text

    arts = articles_from_frame(pdf)
    lead = [has_lead_text(a) for a in arts]
    hashes = [sorted(set(sentence_hashes(grouping_text(a)))) if x else [] for a, x in zip(arts, lead)]
    return pd.DataFrame({"id": pd.Series([a.id for a in arts], dtype=object), "lead": np.asarray(lead, dtype=bool),
                         "hashes": pd.Series(hashes, dtype=object)})


def lexical_vectors(pdf, boilerplate: set[int]):
    """Per article: ``id``, ``ts`` and its lexical vector, ``vectorize(without(text, boilerplate))`` of its
    grouping text (as `AverageLinkGrouper.add_many` reads it), as ``buckets`` (ascending) and ``weights``
    (the float32 weights, exactly, as doubles)."""
    import pandas as pd

    from storytrace.events.boilerplate import without
    from storytrace.events.lexical import vectorize
    from storytrace.events.lexicalgrouping import grouping_text

    if "seq" in pdf.columns:
        pdf = pdf.sort_values("seq", kind="stable")
    ts = pdf["ts"].to_numpy(dtype=np.float64) if "ts" in pdf.columns else np.full(len(pdf), np.nan)
    arts = articles_from_frame(pdf)
    vecs = [vectorize(without(grouping_text(a), boilerplate)) for a in arts]
    return pd.DataFrame({"id": pd.Series([a.id for a in arts], dtype=object), "ts": ts,
                         "buckets": pd.Series([v.index.astype(np.int64) for v in vecs], dtype=object),
                         "weights": pd.Series([v.value.astype(np.float64) for v in vecs], dtype=object)})


def block_pair_edges(pdf, floor: float, max_gap_s: float | None, capped: np.ndarray | None = None):
    """The candidate edges between two blocks of articles (rows ``ix, ts, buckets, weights, blk, p, q``:
    block ``p`` against block ``q``, or within it when ``p == q``), from one sparse product: the pairs
    ``a < b`` (``ix``) whose cosine, the sum of weight products over the shared buckets not in
    ``capped``, is at or above ``floor``, not published more than ``max_gap_s`` apart (no time: kept).
    Returns ``a, b, cosine``."""
    import pandas as pd
    import scipy.sparse as sp

    p, q = int(pdf["p"].iat[0]), int(pdf["q"].iat[0])
    blk = pdf["blk"].to_numpy()
    sides = [pdf[blk == p]] if p == q else [pdf[blk == p], pdf[blk == q]]
    lens = [np.fromiter((len(b) for b in d["buckets"]), dtype=np.int64, count=len(d)) for d in sides]
    flat = [np.concatenate([np.zeros(0, np.int64)] + [np.asarray(b, dtype=np.int64) for b in d["buckets"]])
            for d in sides]
    vals = [np.concatenate([np.zeros(0)] + [np.asarray(w, dtype=np.float64) for w in d["weights"]]) for d in sides]
    # columns renumbered over the buckets present: the matrices stay as narrow as the data
    cols, inverse = np.unique(np.concatenate(flat), return_inverse=True)
    keep = np.ones(len(cols), dtype=bool) if capped is None or not len(capped) else ~np.isin(cols, capped)
    mats, start = [], 0
    for d, n, f, v in zip(sides, lens, flat, vals):
        col = inverse[start:start + len(f)]
        start += len(f)
        row = np.repeat(np.arange(len(d)), n)
        m = keep[col]  # a capped bucket contributes to no cosine
        mats.append(sp.csr_matrix((v[m], (row[m], col[m])), shape=(len(d), len(cols))))
    prod = (mats[0] @ mats[-1].T).tocoo()
    ix = [d["ix"].to_numpy(dtype=np.int64) for d in sides]
    ts = [d["ts"].to_numpy(dtype=np.float64) for d in sides]
    a, b = ix[0][prod.row], ix[-1][prod.col]
    ok = (prod.data >= floor) & _in_window(ts[0][prod.row], ts[-1][prod.col], max_gap_s)
    if p == q:
        ok &= a < b  # the product holds each pair of one block twice (and the diagonal)
    a, b = a[ok], b[ok]
    return pd.DataFrame({"a": np.minimum(a, b), "b": np.maximum(a, b), "cosine": prod.data[ok].astype(np.float64)})


def average_link_component(pdf, cut: float, max_gap_s: float | None, posting_cap: int | None = None):
    """One connected component of the candidate graph (rows ``id, ts, buckets, weights``): its articles
    added, in id order, to an `AverageLinkGraph` (``cut``, ``max_gap_s``), which clusters them exactly
    by average link; ``id, story`` (``s-`` and the id of the cluster's first article, `graph.stories`)."""
    import pandas as pd

    from storytrace.events.lexical import SparseVector
    from storytrace.events.linkage import AverageLinkGraph

    pdf = pdf.sort_values("id", kind="stable")
    kw = {} if posting_cap is None else {"posting_cap": int(posting_cap)}
    graph = AverageLinkGraph(float(cut), max_gap_s=max_gap_s, **kw)
    ids = [str(i) for i in pdf["id"].tolist()]
    vecs = [SparseVector(np.asarray(b, dtype=np.int64), np.asarray(w, dtype=np.float32))
            for b, w in zip(pdf["buckets"].tolist(), pdf["weights"].tolist())]
    times = [None if (t is None or t != t) else float(t) for t in pdf["ts"].tolist()]
    graph.add_many(ids, vecs, times)
    stories = graph.stories()
    return pd.DataFrame({"id": pd.Series(ids, dtype=object),
                         "story": pd.Series([stories[i] for i in ids], dtype=object)})


def minhash_rows(pdf, params: GroupingParams = DEFAULT_PARAMS):
    """Per article: its MinHash digest (the grouper's) and the hash of each LSH band of it."""
    import pandas as pd

    pdf = pdf.sort_values("seq", kind="stable")
    texts = [embed_text(a, params.lead_chars) for a in articles_from_frame(pdf)]
    dig = minhash_digests(texts, params)
    bands, rows = lsh_bands(params.dup_jaccard, params.num_perm)
    keys = [[hash(tuple(d[b * rows:(b + 1) * rows].tolist())) for b in range(bands)] for d in dig]
    return pd.DataFrame({"id": pdf["id"].to_numpy(dtype=object), "digest": list(dig.astype(np.int64)),
                         "bands": keys})


def _no_pairs():
    import pandas as pd

    return pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=object),
                         "jaccard": np.zeros(0), "cosine": np.zeros(0)})


def _in_window(ta: np.ndarray, tb: np.ndarray, w: float | None) -> np.ndarray:
    if w is None:
        return np.ones(np.broadcast(ta, tb).shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.isnan(ta) | np.isnan(tb) | (np.abs(ta - tb) <= w)


def embedding_pairs(pdf, params: GroupingParams = DEFAULT_PARAMS, k: int = PAIR_K, chunk: int = 2048):
    """Exact nearest neighbours inside one time bucket: rows with ``role == "home"`` against every row
    (home and the previous bucket's ``shadow`` copies), within the window, cosine >= ``join_cosine``,
    at most ``k`` per article. Memory is ``chunk`` x bucket size."""
    import pandas as pd

    arts = articles_from_frame(pdf)
    pdf = pdf.sort_values("seq", kind="stable")
    empty = _no_pairs()
    if len(pdf) < 2:
        return empty
    v = embed([embed_text(a, params.lead_chars) for a in arts])
    ids = pdf["id"].to_numpy()
    ts = pdf["ts"].to_numpy(dtype=np.float64)
    home = np.nonzero(pdf["role"].to_numpy() == "home")[0]
    out_a, out_b, out_c = [], [], []
    for lo in range(0, len(home), chunk):
        h = home[lo: lo + chunk]
        s = v[h] @ v.T
        s[np.arange(len(h)), h] = -np.inf
        s[~_in_window(ts[h][:, None], ts[None, :], params.window_s)] = -np.inf
        s[s < params.join_cosine] = -np.inf
        kk = min(k, s.shape[1] - 1)
        top = np.argpartition(-s, kk - 1, axis=1)[:, :kk] if kk > 0 else np.zeros((len(h), 0), int)
        for r, cols in enumerate(top):
            for c in cols:
                if np.isfinite(s[r, c]):
                    out_a.append(ids[h[r]])
                    out_b.append(ids[c])
                    out_c.append(float(s[r, c]))
    if not out_a:
        return empty
    a, b = np.asarray(out_a, dtype=object), np.asarray(out_b, dtype=object)
    lo_, hi_ = np.where(a < b, a, b), np.where(a < b, b, a)
    return pd.DataFrame({"a": lo_, "b": hi_, "jaccard": np.full(len(a), np.nan), "cosine": np.asarray(out_c)})


def analyse_story_frame(pdf, max_articles: int = DEFAULT_MAX_ARTICLES, include_text: bool = False):
    """One story's rows -> a one-row frame holding the compare JSON contract for it (plus
    ``corpus_story``: id, size, its article ids earliest first, those compared)."""
    import pandas as pd

    # earliest first to the millisecond (stories.earliest_first keeps this order: it sorts by the second)
    pdf = pdf.sort_values(["ts", "seq"], kind="stable", na_position="last")
    sid = str(pdf["story"].iat[0])
    story = select_story({"id": sid, "size": int(len(pdf))}, articles_from_frame(pdf.drop(columns=["seq"])),
                         max_articles)
    try:
        doc, err = json.dumps(story.analyse(include_text=include_text), ensure_ascii=False), None
    except Exception as exc:  # one bad story must not fail the job: it is reported in its row
        doc, err = None, f"{type(exc).__name__}: {exc}"
    return pd.DataFrame({"story": [sid], "size": [int(len(pdf))], "compared": [len(story.compared)],
                         "report": [doc], "error": [err]})
