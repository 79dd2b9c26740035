"""Sentence-pair scoring: does sentence b state the content of sentence a, and how was it reused?

PROVISIONAL STUB (to be replaced by the trained scorer of issue 3). The
interface below is what `align` uses and must stay:

    scorer = PairScorer.load()
    m = scorer.score_matrix(a_texts, b_texts, a_emb, b_emb)
    m.probability[i, j]   # calibrated P(a_i and b_j state the same content)
    m.kind[i, j]          # "verbatim" | "edited" | "paraphrase" | "related" | "unrelated"
    m.containment[i, j]   # share of a_i's content words found in b_j (asymmetric)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_STOP = frozenset(
    "a an the of to in on at for and or but is are was were be been by with as that this it its "
    "from has have had he she they their his her them which who will would said says".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in (t.lower() for t in _WORD.findall(text)) if w not in _STOP]


@dataclass
class PairMatrix:
    probability: np.ndarray
    kind: np.ndarray
    containment: np.ndarray


class PairScorer:
    decision_threshold = 0.5

    @classmethod
    def load(cls) -> "PairScorer":
        return cls()

    def score_matrix(
        self,
        a_texts: Sequence[str],
        b_texts: Sequence[str],
        a_emb: np.ndarray,
        b_emb: np.ndarray,
    ) -> PairMatrix:
        n, m = len(a_texts), len(b_texts)
        cos = a_emb @ b_emb.T if n and m else np.zeros((n, m))
        a_words = [set(content_words(t)) for t in a_texts]
        b_words = [set(content_words(t)) for t in b_texts]
        cont = np.zeros((n, m))
        prob = np.zeros((n, m))
        kind = np.empty((n, m), dtype=object)
        for i in range(n):
            for j in range(m):
                inter = len(a_words[i] & b_words[j])
                cont[i, j] = inter / max(1, len(a_words[i]))
                back = inter / max(1, len(b_words[j]))
                z = -9.0 + 9.0 * cos[i, j] + 3.0 * min(cont[i, j], back)
                prob[i, j] = 1.0 / (1.0 + np.exp(-z))
                if a_texts[i].strip() == b_texts[j].strip():
                    kind[i, j] = "verbatim"
                elif prob[i, j] >= 0.5 and min(cont[i, j], back) >= 0.6:
                    kind[i, j] = "edited"
                elif prob[i, j] >= 0.5:
                    kind[i, j] = "paraphrase"
                elif prob[i, j] >= 0.2:
                    kind[i, j] = "related"
                else:
                    kind[i, j] = "unrelated"
        return PairMatrix(prob, kind, cont)
