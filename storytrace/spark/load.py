"""A `storytrace spark group` result into the SQLite corpus store (pyarrow; no Spark needed).

``storytrace ingest --from-parquet DIR`` runs `load_parquet`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from storytrace.corpus.storygrouping import StoryGrouper
from storytrace.corpus.ingest import RunCounts, ingest_batch
from storytrace.corpus.store import Store
from storytrace.model import Article
from storytrace.spark.frames import ARTICLE_FIELDS

__all__ = ["load_parquet"]


def load_parquet(store: Store, folder: str, *, batch_size: int = 5000,
                 progress: Callable[[int, int], None] | None = None) -> dict:
    """Load a `group` result (``folder/articles``) into the corpus store with its stories.

    Reads the Parquet files with pyarrow, in batches of ``batch_size``, each batch stored by
    `storytrace.corpus.ingest.ingest_batch` in one transaction: the articles (idempotent by id
    and text), their Spark story as membership, and the grouper's state (`StoryGrouper.adopt`:
    centroid sums, time spans, MinHash digests), so a later ``storytrace ingest`` adds new
    articles to these stories. Articles already stored keep their story (counted as
    ``unchanged``). ``progress(done, total)`` is called per batch."""
    import pyarrow.dataset as ds

    path = os.path.join(folder, "articles") if os.path.isdir(os.path.join(folder, "articles")) else folder
    try:
        data = ds.dataset(path, format="parquet")
        names = set(data.schema.names)
    except Exception as exc:  # not Parquet, missing
        raise ValueError(f"{folder}: not a `storytrace spark group` output ({exc})") from None
    need = {"id", "text", "story"}
    if not need <= names:
        raise ValueError(f"{folder}: the articles table lacks {', '.join(sorted(need - names))} "
                         "(expected the output of `storytrace spark group`)")
    total = data.count_rows()
    grouper = StoryGrouper(store)  # one for the whole load: its cache spans the batches
    stories_before = store.story_count()
    run_id = store.start_run([folder])
    counts = RunCounts()
    cols = [c for c in ARTICLE_FIELDS if c in names] + ["story"] + (["seq"] if "seq" in names else [])
    try:
        for batch in data.to_batches(columns=cols, batch_size=batch_size):
            d = batch.to_pydict()
            order = sorted(range(batch.num_rows), key=lambda i: d["seq"][i]) if "seq" in d else range(batch.num_rows)
            arts = [Article(**{f: d[f][i] for f in ARTICLE_FIELDS if f in d}, origin=f"{folder}#{d['id'][i]}")
                    for i in order]
            story = {d["id"][i]: d["story"][i] for i in order}
            counts = ingest_batch(store, arts, grouper=grouper, stories=story, run_id=run_id, run=counts).run
            if progress is not None:
                progress(counts.records, total)
    except BaseException:
        _finish(store, run_id, counts, "failed")
        raise
    _finish(store, run_id, counts, "done")
    return {"records": counts.records, "added": counts.added, "unchanged": counts.unchanged,
            "conflicts": counts.conflicts, "stories_before": stories_before, "stories_after": store.story_count()}


def _finish(store: Store, run_id: int, counts: RunCounts, status: str) -> None:
    store.update_run(run_id, records=counts.records, added=counts.added, unchanged=counts.unchanged,
                     conflicts=counts.conflicts, errors=0, status=status)
