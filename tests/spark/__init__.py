"""Shared by the Spark tests: article vectors and the candidate edges of the text grouping by hand."""
from __future__ import annotations

from collections import Counter

import numpy as np


def text_vectors():
    """The examples' and the dev set's `lexical_vectors` (no boilerplate), ``ix`` not in row order,
    times 5 days apart (every fifth none)."""
    import pandas as pd

    from storytrace.readers.records import read_articles
    from storytrace.spark import frames
    from tests.helpers import EXAMPLES, REPO

    arts = read_articles([EXAMPLES]) + read_articles([REPO / "bench" / "stories" / "dev"])
    pdf = pd.DataFrame([{**{f: getattr(a, f) for f in frames.ARTICLE_FIELDS}, "seq": i,
                         "ts": np.nan if i % 5 == 0 else i * 5 * 86400.0} for i, a in enumerate(arts)])
    vec = frames.lexical_vectors(pdf, set())
    vec["ix"] = (np.arange(len(vec), dtype=np.int64) * 7919) % 1009 + (1 << 33)
    return vec


def edges_by_hand(vec, floor: float, max_gap_s: float | None, posting_cap: int) -> set[tuple[int, int]]:
    """The pairs ``(a, b)``, ``a < b`` (``ix``) of the rows of ``vec`` (``ix, ts, buckets, weights``) whose
    sum of weight products over the buckets held by at most ``posting_cap`` rows is >= ``floor``, not
    more than ``max_gap_s`` apart (a NaN time: any gap), pair by pair."""
    rows = [(int(i), float(t), dict(zip(map(int, b), map(float, w))))
            for i, t, b, w in zip(vec["ix"], vec["ts"], vec["buckets"], vec["weights"])]
    held = Counter(k for _, _, v in rows for k in v)
    out = set()
    for n, (i, ti, vi) in enumerate(rows):
        for j, tj, vj in rows[n + 1:]:
            cos = sum(w * vj[k] for k, w in vi.items() if k in vj and held[k] <= posting_cap)
            near = max_gap_s is None or ti != ti or tj != tj or abs(ti - tj) <= max_gap_s
            if cos >= floor and near:
                out.add((min(i, j), max(i, j)))
    return out
