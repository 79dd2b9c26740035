"""Near-copies: versions that are the same text up to small edits, found before any alignment.

Method: each version is reduced to the set of its word 3-shingles (lower-cased word tokens), and
that set to a MinHash signature (Broder 1997, "On the resemblance and containment of documents",
SEQUENCES; ``rensa``); the share of equal signature positions estimates the shingles' Jaccard
similarity. Versions are taken in order of publication (without ``published_at``, longest first:
rewrites condense far more often than they pad), and each joins, as a near-copy, the earlier version
it resembles most when that resemblance reaches ``NEAR_COPY_JACCARD``; otherwise it is a distinct
version. A near-copy's sentences are then paired with its source's by their text alone
(:func:`align_near_copy`): equal words first, then the closest remaining sentence by character edit
ratio (rapidfuzz's normalised Indel similarity), greedily and one-to-one. Its small edits are the word
changes of those pairs (compare/worddiff.py): no sentence embedding or pair scoring is needed.

Parameters (set by hand; not fitted): ``SHINGLE`` = 3 words, ``NUM_PERM`` = 128 permutations
(standard error of the Jaccard estimate about 0.04), ``NEAR_COPY_JACCARD`` = 0.6 (two versions of
30 sentences where one drops three and rewords a few words sit near 0.8; an independent rewrite of
the same facts sits below 0.2), ``EDITED_RATIO`` = 0.75 (a sentence with a few words changed stays
above it; two different sentences of one story fall below it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from storytrace.compare.worddiff import word_changes
from storytrace.model import Alignment, Document

SHINGLE = 3  # set by hand
NUM_PERM = 128  # set by hand
NEAR_COPY_JACCARD = 0.6  # set by hand
EDITED_RATIO = 0.75  # set by hand
_SEED = 11
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class NearCopy:
    """``copy`` is ``source`` up to small edits (estimated shingle Jaccard ``resemblance``);
    ``representative`` is the distinct version at the root of its chain of copies."""

    copy: str
    source: str
    representative: str
    resemblance: float


def signatures(docs: dict[str, Document]) -> dict[str, np.ndarray]:
    """MinHash signature of each version's word shingles."""
    import rensa

    out = {}
    for doc_id, d in docs.items():
        tokens = _TOKEN.findall(d.article.text.lower())
        shingles = [" ".join(tokens[k : k + SHINGLE]) for k in range(max(1, len(tokens) - SHINGLE + 1))]
        m = rensa.RMinHash(NUM_PERM, _SEED)
        m.update(shingles or [""])
        out[doc_id] = np.asarray(m.digest(), dtype=np.uint32)
    return out


def resemblance_matrix(ids: list[str], sigs: dict[str, np.ndarray]) -> np.ndarray:
    """Estimated Jaccard similarity of every pair of ``ids`` (share of equal MinHash positions)."""
    if not ids:
        return np.zeros((0, 0))
    m = np.stack([sigs[i] for i in ids])
    return np.stack([(m == row).mean(axis=1) for row in m])


def publication_order(docs: dict[str, Document]) -> list[str]:
    """Earliest first; versions without ``published_at`` after, longest first; then input order."""
    position = {d: k for k, d in enumerate(docs)}
    return sorted(docs, key=lambda d: (docs[d].article.published_at is None, docs[d].article.published_at or "",
                                       -len(docs[d].article.text), position[d]))


def near_copies(docs: dict[str, Document], sigs: dict[str, np.ndarray]) -> list[NearCopy]:
    """Each version that is a near-copy of an earlier one, with the earlier one it resembles most."""
    order = publication_order(docs)
    sim = resemblance_matrix(order, sigs)
    root: dict[str, str] = {}
    out = []
    for k, d in enumerate(order):
        if k == 0:
            root[d] = d
            continue
        j = int(np.argmax(sim[k, :k]))
        if sim[k, j] >= NEAR_COPY_JACCARD:
            source = order[j]
            root[d] = root[source]
            out.append(NearCopy(d, source, root[d], round(float(sim[k, j]), 3)))
        else:
            root[d] = d
    return out


def align_near_copy(a: Document, b: Document) -> list[Alignment]:
    """One-to-one links of ``a``'s sentences with ``b``'s, by their text alone (see the module docstring)."""
    from rapidfuzz import fuzz

    def norm(text: str) -> str:
        return " ".join(_TOKEN.findall(text.lower()))

    na = [norm(s.text) for s in a.sentences]
    nb = [norm(s.text) for s in b.sentences]
    free_b: dict[str, list[int]] = {}
    for j, t in enumerate(nb):
        free_b.setdefault(t, []).append(j)
    pairs: list[tuple[int, int, float]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, t in enumerate(na):
        js = [j for j in free_b.get(t, []) if j not in used_b and a.sentences[i].is_heading == b.sentences[j].is_heading]
        if t and js:
            pairs.append((i, js[0], 1.0))
            used_a.add(i)
            used_b.add(js[0])
    rest_a = [i for i in range(len(na)) if i not in used_a and na[i]]
    rest_b = [j for j in range(len(nb)) if j not in used_b and nb[j]]
    scored = sorted(((fuzz.ratio(na[i], nb[j]) / 100.0, i, j) for i in rest_a for j in rest_b
                     if a.sentences[i].is_heading == b.sentences[j].is_heading), reverse=True)
    for ratio, i, j in scored:
        if ratio < EDITED_RATIO:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, ratio))
    links = []
    for i, j, ratio in sorted(pairs):
        sa, sb = a.sentences[i], b.sentences[j]
        kind = "verbatim" if ratio == 1.0 else "edited"
        links.append(Alignment(a.id, b.id, i, j, (sa.start, sa.end), (sb.start, sb.end), kind, round(ratio, 4),
                               word_changes(sa.text, sa.start, sb.text, sb.start)))
    return links
