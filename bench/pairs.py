"""`storytrace bench pairs`: the sentence-pair scorer measured on data nobody here wrote.

PLACEHOLDER: data loaders only (the bench itself follows).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
CACHE_DIR = Path(os.environ.get("STORYTRACE_CACHE", Path.home() / ".cache" / "storytrace")) / "emb"


@dataclass
class PairSet:
    name: str
    a: list[str]
    b: list[str]
    y: np.ndarray  # label (0/1, 0-5 score, or class index)


def load_mrpc(data: Path, split: str) -> PairSet:
    path = data / "mrpc" / f"msr_paraphrase_{split}.txt"
    a, b, y = [], [], []
    with open(path, encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) < 5:
                continue
            y.append(int(row[0]))
            a.append(row[3])
            b.append(row[4])
    return PairSet(f"mrpc-{split}", a, b, np.array(y, dtype=np.int64))


def load_stsb(data: Path, split: str) -> PairSet:
    path = data / "stsb-news" / "stsb_news.tsv"
    a, b, y = [], [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["split"] != split:
                continue
            y.append(float(row["score"]))
            a.append(row["sentence1"])
            b.append(row["sentence2"])
    return PairSet(f"stsb-{split}", a, b, np.array(y, dtype=np.float64))


CLOUGH_LEVELS = ("cut", "light", "heavy", "non")


def load_clough(data: Path) -> PairSet:
    """Each answer (a) against its source passage (b); y = index in CLOUGH_LEVELS."""
    path = data / "clough-stevenson" / "clough_stevenson_reuse.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in records}
    a, b, y = [], [], []
    for r in records:
        if r["category"] == "orig":
            continue
        a.append(r["text"])
        b.append(by_id[r["source_id"]]["text"])
        y.append(CLOUGH_LEVELS.index(r["category"]))
    return PairSet("clough-stevenson", a, b, np.array(y, dtype=np.int64))


def _key(text: str, model: str) -> str:
    return hashlib.sha1((model + "\x00" + text).encode("utf-8")).hexdigest()


def embed_cached(texts: Sequence[str], use_cache: bool = True) -> tuple[np.ndarray, int, float]:
    """MiniLM embeddings of ``texts``; returns (array, how many were encoded now, seconds spent encoding).

    Embeddings are cached on disk (``~/.cache/storytrace/emb``, one ``.npy`` per
    text set) so repeated bench runs do not spend minutes re-encoding; the
    embedding speed reported by the bench is measured separately.
    """
    import time

    from storytrace.embed import default_encoder

    texts = list(texts)
    digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
    path = CACHE_DIR / f"minilm-{digest}.npy"
    if use_cache and path.exists():
        arr = np.load(path)
        if arr.shape[0] == len(texts):
            return arr, 0, 0.0
    uniq = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    emb = default_encoder().encode(uniq)
    spent = time.perf_counter() - t0
    index = {t: i for i, t in enumerate(uniq)}
    arr = emb[[index[t] for t in texts]]
    if use_cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.save(path, arr)
    return arr, len(uniq), spent


def embed_pairs(ps: PairSet, use_cache: bool = True) -> tuple[np.ndarray, np.ndarray]:
    emb, _, _ = embed_cached(ps.a + ps.b, use_cache)
    return emb[: len(ps.a)], emb[len(ps.a) :]


if __name__ == "__main__":  # pragma: no cover
    data = DEFAULT_DATA
    for ps in (load_mrpc(data, "train"), load_mrpc(data, "test"), *(load_stsb(data, s) for s in ("train", "dev", "test")), load_clough(data)):
        e, n, s = embed_cached(ps.a + ps.b)
        print(ps.name, len(ps.a), n, round(s, 1), flush=True)
