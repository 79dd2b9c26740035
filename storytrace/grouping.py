"""Grouping articles into stories.

Method: for every pair of articles, four features: the share of each one's
sentences aligned to the other (min and max of the two directions), the cosine
of their mean sentence embeddings, and the Jaccard overlap of their named
people, organisations and places. A logistic model over these features gives
P(same story); it is fitted in ``training/fit_story_model.py`` on Multi-News
test clusters (Fabbri et al. 2019), with hard negatives: article pairs from
different clusters that share named entities, so "the same port, a different
event" is what the model learns to reject. Articles are then merged by
average-linkage agglomerative clustering while the mean P(same story) between
two groups is at least 0.5 (the decision point of a calibrated probability).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .model import Document, Story
from .thresholds import _table

NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})


@dataclass(frozen=True)
class StoryPairFeatures:
    coverage_min: float
    coverage_max: float
    doc_cosine: float
    entity_jaccard: float

    def vector(self) -> list[float]:
        return [self.coverage_min, self.coverage_max, self.doc_cosine, self.entity_jaccard]


def named_entities(doc: Document) -> set[str]:
    """Lower-cased names; people also by surname, so "Vladimir Putin" meets "Putin"."""
    names: set[str] = set()
    for e in doc.entities:
        if e.label not in NAMED_LABELS:
            continue
        text = e.text.lower().removeprefix("the ").strip()
        names.add(text)
        if e.label == "PERSON" and " " in text:
            names.add(text.split()[-1])
    return names


def story_pair_features(
    a: Document, b: Document, a_emb: np.ndarray, b_emb: np.ndarray, a_in_b: float, b_in_a: float
) -> StoryPairFeatures:
    if len(a_emb) and len(b_emb):
        ma, mb = a_emb.mean(axis=0), b_emb.mean(axis=0)
        cos = float(ma @ mb / max(1e-9, np.linalg.norm(ma) * np.linalg.norm(mb)))
    else:
        cos = 0.0
    ea, eb = named_entities(a), named_entities(b)
    jac = len(ea & eb) / len(ea | eb) if ea | eb else 0.0
    return StoryPairFeatures(min(a_in_b, b_in_a), max(a_in_b, b_in_a), cos, jac)


def same_story_probability(f: StoryPairFeatures) -> float:
    model = _table()["story_model"]
    z = model["intercept"] + sum(w * x for w, x in zip(model["weights"], f.vector()))
    return 1.0 / (1.0 + math.exp(-z))


def group_stories(ids: list[str], prob: dict[tuple[str, str], float]) -> list[Story]:
    """Average-linkage clustering of ``ids`` over pairwise P(same story)."""
    clusters: list[list[str]] = [[i] for i in ids]

    def p(x: str, y: str) -> float:
        return prob.get((x, y), prob.get((y, x), 0.0))

    while len(clusters) > 1:
        best, pair = 0.5, None
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                avg = sum(p(x, y) for x in clusters[i] for y in clusters[j]) / (
                    len(clusters[i]) * len(clusters[j])
                )
                if avg >= best:
                    best, pair = avg, (i, j)
        if pair is None:
            break
        i, j = pair
        clusters[i] = clusters[i] + clusters[j]
        del clusters[j]
    order = {a: k for k, a in enumerate(ids)}
    clusters = [sorted(c, key=order.__getitem__) for c in clusters]
    clusters.sort(key=lambda c: (-len(c), order[c[0]]))
    return [Story(f"story-{k + 1}", tuple(c)) for k, c in enumerate(clusters)]
