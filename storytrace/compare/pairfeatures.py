"""Vectorised sentence-pair features for the pair scorer (`storytrace.pairscore`).

Every text is analysed once (`analyse`): lowercase word tokens, content words,
word bigrams/trigrams, character 4-grams, numbers, capitalised-token entities
and negation words, all found with regular expressions (no spaCy here: this is
the per-pair hot path). Pair features are then computed for a whole ``(n, m)``
grid at once: set intersections become products of 0/1 incidence matrices over
a vocabulary local to the call, and longest common subsequences and fuzzy
ratios are computed in C by ``rapidfuzz.process.cdist``. ``paired=True``
computes the same features for the aligned pairs ``(a[k], b[k])`` only (used for
training and benchmarks), through the same code.

Features (`FEATURE_NAMES`; directional measures enter as min and max of the two
directions, so the score is symmetric in a and b):

* ``cos``       MiniLM cosine (embeddings passed in; Reimers & Gurevych 2019)
* ``cos_wl``    WordLlama static-embedding cosine (optional; 0 if unavailable)
* ``w1_*``      share of content words found in the other text (containment, Broder 1997)
* ``w2_*``, ``w3_*``  word bigram / trigram containment (Clough & Stevenson 2011 use n-gram containment)
* ``c4_*``      character 4-gram containment
* ``lcs_*``     word longest common subsequence / length
* ``tsr``       rapidfuzz token_set_ratio / 100
* ``len_ratio`` shorter / longer word count; ``len_log`` log(1 + mean word count)
* ``num_*``     share of each side's numbers missing from the other; ``num_conflict`` both have numbers and they differ
* ``ent_*``     share of capitalised entities missing from the other
* ``neg_mismatch`` exactly one side carries a negation word
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:['’][A-Za-z]+)*")
_NUMBER = re.compile(r"(?<![\w.])\$?\d+(?:[.,]\d+)*(?:\s?%)?")
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "hundred": "100", "thousand": "1000", "dozen": "12",
}
_SCALE = re.compile(r"\b(million|billion|trillion)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|nowhere|without|cannot|hardly|barely)\b|n['’]t\b",
    re.I,
)
_CAPWORD = re.compile(r"\b[A-Z][A-Za-z'’.&-]*[A-Za-z]|\b[A-Z]\b")
STOPWORDS = frozenset(
    """a an the of to in on at for and or but is are was were be been being by with as that this these those
    it its from has have had he she they their his her them him we our you your i me my which who whom whose
    will would shall should can could may might must do does did said says say told according also than then
    there here so if about after before into over under up down out more most some any such not no very just
    what when where why how all both each other only own same too s t mr mrs ms dr""".split()
)
# Capitalised words that open sentences or titles without naming anything.
_NOT_ENTITY = STOPWORDS | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday however but yet meanwhile".split()
)

FEATURE_NAMES: tuple[str, ...] = (
    "cos", "cos_wl",
    "w1_min", "w1_max", "w2_min", "w2_max", "w3_min", "w3_max", "c4_min", "c4_max",
    "lcs_min", "lcs_max", "tsr",
    "len_ratio", "len_log",
    "num_a", "num_b", "num_conflict", "ent_a", "ent_b", "neg_mismatch",
)


@dataclass(frozen=True)
class TextInfo:
    """What the pair features need from one text, computed once."""

    tokens: tuple[str, ...]  # lowercase word tokens
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    char4: frozenset[str]
    numbers: frozenset[str]
    entities: frozenset[str]
    negated: bool


def normalise_number(raw: str) -> str:
    s = raw.replace("$", "").replace(" ", "").replace("%", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    s = s.replace(",", ".")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    return s


def numbers_in(text: str) -> frozenset[str]:
    """Numbers stated in ``text``: digits (1,200 == 1200; 2.50 == 2.5) and number words up to twenty."""
    found = {normalise_number(m.group(0)) for m in _NUMBER.finditer(text)}
    for w in re.findall(r"[A-Za-z]+", text.lower()):
        if w in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[w])
    return frozenset(found)


def entities_in(text: str) -> frozenset[str]:
    """Capitalised tokens that are not stopwords (a cheap stand-in for named entities), lowercased."""
    out = set()
    for m in _CAPWORD.finditer(text):
        w = m.group(0).rstrip(".").lower()
        w = re.sub(r"['’]s$", "", w)
        if w and w not in _NOT_ENTITY:
            out.add(w)
    return frozenset(out)


def has_negation(text: str) -> bool:
    return _NEGATION.search(text) is not None


def tokenize(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


@lru_cache(maxsize=65536)
def analyse(text: str) -> TextInfo:
    """Analyse one text (cached: a story's sentences meet many others)."""
    toks = tuple(tokenize(text))
    content = frozenset(t for t in toks if t not in STOPWORDS)
    squashed = " ".join(toks)
    return TextInfo(
        tokens=toks,
        content=content,
        bigrams=frozenset(zip(toks, toks[1:])),
        trigrams=frozenset(zip(toks, toks[1:], toks[2:])),
        char4=frozenset(squashed[i : i + 4] for i in range(max(0, len(squashed) - 3))),
        numbers=numbers_in(text),
        entities=entities_in(text),
        negated=has_negation(text),
    )


def _incidence(a_sets: Sequence[frozenset], b_sets: Sequence[frozenset]) -> tuple[np.ndarray, np.ndarray]:
    vocab: dict = {}
    for s in a_sets:
        for x in s:
            vocab.setdefault(x, len(vocab))
    # Items only in b never intersect a: they need no column.
    A = np.zeros((len(a_sets), max(1, len(vocab))), dtype=np.float32)
    B = np.zeros((len(b_sets), max(1, len(vocab))), dtype=np.float32)
    for i, s in enumerate(a_sets):
        if s:
            A[i, [vocab[x] for x in s]] = 1.0
    for j, s in enumerate(b_sets):
        cols = [vocab[x] for x in s if x in vocab]
        if cols:
            B[j, cols] = 1.0
    return A, B


def intersections(a_sets: Sequence[frozenset], b_sets: Sequence[frozenset], paired: bool = False) -> np.ndarray:
    """``|a_i & b_j|`` for all i, j (``(n, m)``), or ``|a_k & b_k|`` (``(n,)``) when ``paired``."""
    if not paired:
        # A sparse-times-dense product by gathering columns: no BLAS call, whose
        # thread start-up costs tens of milliseconds on small matrices.
        vocab: dict = {}
        for s in a_sets:
            for x in s:
                vocab.setdefault(x, len(vocab))
        A = np.zeros((len(a_sets), len(vocab) + 1), dtype=np.float32)  # last column: never set
        for i, s in enumerate(a_sets):
            if s:
                A[i, [vocab[x] for x in s]] = 1.0
        cols: list[int] = []
        starts = np.zeros(len(b_sets), dtype=np.int64)
        for j, s in enumerate(b_sets):
            starts[j] = len(cols)
            cols.extend(vocab[x] for x in s if x in vocab)
            cols.append(len(vocab))  # a zero column keeps every segment non-empty
        return np.add.reduceat(A[:, cols], starts, axis=1)
    out = np.zeros(len(a_sets), dtype=np.float32)
    step = 256
    for lo in range(0, len(a_sets), step):
        A, B = _incidence(a_sets[lo : lo + step], b_sets[lo : lo + step])
        out[lo : lo + step] = (A * B).sum(axis=1)
    return out


def _sizes(sets: Sequence[frozenset]) -> np.ndarray:
    return np.array([len(s) for s in sets], dtype=np.float32)


def _containment(a_sets, b_sets, paired: bool) -> tuple[np.ndarray, np.ndarray]:
    """(share of a's items found in b, share of b's items found in a)."""
    inter = intersections(a_sets, b_sets, paired)
    na, nb = _sizes(a_sets), _sizes(b_sets)
    if paired:
        return inter / np.maximum(na, 1), inter / np.maximum(nb, 1)
    return inter / np.maximum(na, 1)[:, None], inter / np.maximum(nb, 1)[None, :]


def _as_symbols(token_lists: Sequence[list[str]], vocab: dict) -> list[str]:
    out = []
    for toks in token_lists:
        out.append("".join(chr(0x100 + vocab.setdefault(t, len(vocab))) for t in toks))
    return out


@lru_cache(maxsize=1)
def _wordllama():
    try:
        from pathlib import Path

        import wordllama
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # pragma: no cover - optional dependency
        return None


def wordllama_available() -> bool:
    return _wordllama() is not None


def wordllama_embed(texts: Sequence[str]) -> np.ndarray | None:
    wl = _wordllama()
    if wl is None or len(texts) == 0:
        return None
    e = np.asarray(wl.embed(list(texts)), dtype=np.float32)
    return e / np.clip(np.linalg.norm(e, axis=1, keepdims=True), 1e-12, None)


def pair_features(
    a_texts: Sequence[str],
    b_texts: Sequence[str],
    a_emb: np.ndarray,
    b_emb: np.ndarray,
    paired: bool = False,
    a_info: Sequence[TextInfo] | None = None,
    b_info: Sequence[TextInfo] | None = None,
    use_wordllama: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(features, containment)``.

    ``features`` is ``(n, m, F)`` (or ``(n, F)`` when ``paired``) in the order of
    `FEATURE_NAMES`; ``containment`` is the share of a's content words found in b
    (``(n, m)`` or ``(n,)``).
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import LCSseq

    n, m = len(a_texts), len(b_texts)
    if paired and n != m:
        raise ValueError("paired features need as many a texts as b texts")
    shape = (n,) if paired else (n, m)
    F = len(FEATURE_NAMES)
    if n == 0 or m == 0:
        return np.zeros(shape + (F,), dtype=np.float32), np.zeros(shape, dtype=np.float32)

    ai = list(a_info) if a_info is not None else [analyse(t) for t in a_texts]
    bi = list(b_info) if b_info is not None else [analyse(t) for t in b_texts]
    a_emb = np.asarray(a_emb, dtype=np.float32)
    b_emb = np.asarray(b_emb, dtype=np.float32)
    out = np.zeros(shape + (F,), dtype=np.float32)
    col = {name: k for k, name in enumerate(FEATURE_NAMES)}

    def put(name: str, value) -> None:
        out[..., col[name]] = value

    def put_pair(prefix: str, x: np.ndarray, y: np.ndarray) -> None:
        put(prefix + "_min", np.minimum(x, y))
        put(prefix + "_max", np.maximum(x, y))

    put("cos", (a_emb * b_emb).sum(axis=1) if paired else a_emb @ b_emb.T)
    if use_wordllama:
        wa, wb = wordllama_embed(list(a_texts)), wordllama_embed(list(b_texts))
        if wa is not None and wb is not None:
            put("cos_wl", (wa * wb).sum(axis=1) if paired else wa @ wb.T)

    w1a, w1b = _containment([x.content for x in ai], [x.content for x in bi], paired)
    put_pair("w1", w1a, w1b)
    put_pair("w2", *_containment([x.bigrams for x in ai], [x.bigrams for x in bi], paired))
    put_pair("w3", *_containment([x.trigrams for x in ai], [x.trigrams for x in bi], paired))
    put_pair("c4", *_containment([x.char4 for x in ai], [x.char4 for x in bi], paired))

    vocab: dict = {}
    sa = _as_symbols([x.tokens for x in ai], vocab)
    sb = _as_symbols([x.tokens for x in bi], vocab)
    la = np.array([len(x.tokens) for x in ai], dtype=np.float32)
    lb = np.array([len(x.tokens) for x in bi], dtype=np.float32)
    if paired:
        lcs = process.cpdist(sa, sb, scorer=LCSseq.similarity, dtype=np.float32, workers=1)
        tsr = process.cpdist(list(a_texts), list(b_texts), scorer=fuzz.token_set_ratio,
                             processor=str.lower, dtype=np.float32, workers=1)
        LA, LB = la, lb
    else:
        lcs = process.cdist(sa, sb, scorer=LCSseq.similarity, dtype=np.float32, workers=1)
        tsr = process.cdist(list(a_texts), list(b_texts), scorer=fuzz.token_set_ratio,
                            processor=str.lower, dtype=np.float32, workers=1)
        LA, LB = la[:, None], lb[None, :]
    put_pair("lcs", lcs / np.maximum(LA, 1), lcs / np.maximum(LB, 1))
    put("tsr", tsr / 100.0)
    put("len_ratio", np.minimum(LA, LB) / np.maximum(np.maximum(LA, LB), 1))
    put("len_log", np.log1p((LA + LB) / 2.0))

    def missing(a_sets, b_sets):
        """Share of each side's items the other lacks (0 where a side has none), and who has any."""
        ca, cb = _containment(a_sets, b_sets, paired)
        has_a, has_b = _sizes(a_sets) > 0, _sizes(b_sets) > 0
        HA, HB = (has_a, has_b) if paired else (has_a[:, None], has_b[None, :])
        return np.where(HA, 1.0 - ca, 0.0), np.where(HB, 1.0 - cb, 0.0), HA, HB

    miss_a, miss_b, HA, HB = missing([x.numbers for x in ai], [x.numbers for x in bi])
    put("num_a", np.maximum(miss_a, miss_b))
    put("num_b", np.minimum(miss_a, miss_b))
    put("num_conflict", (HA & HB & ((miss_a > 0) | (miss_b > 0))).astype(np.float32))

    miss_a, miss_b, _, _ = missing([x.entities for x in ai], [x.entities for x in bi])
    put("ent_a", np.maximum(miss_a, miss_b))
    put("ent_b", np.minimum(miss_a, miss_b))

    nga = np.array([x.negated for x in ai])
    ngb = np.array([x.negated for x in bi])
    put("neg_mismatch", (nga != ngb if paired else nga[:, None] != ngb[None, :]).astype(np.float32))
    return out, w1a.astype(np.float32)
