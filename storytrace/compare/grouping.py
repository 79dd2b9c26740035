"""Grouping articles into stories.

Method: for every pair of articles, features of two kinds. Topic features: the
share of each one's sentences aligned to the other (min and max of the two
directions), the cosine of their mean sentence embeddings, and the Jaccard
overlap of their named people, organisations and places. Event features, which
two versions of one story share and two stories on one topic (the same town,
company and people, another event) do not: ``top_pair_mean``, the mean of the
k highest sentence-pair probabilities after one-to-one competitive matching
(so one copied background sentence is not enough); ``event_word_jaccard``, the
Jaccard overlap of content words once every word of a named entity is removed;
``specific_overlap``, the Jaccard overlap of numbers and date/time words.

Two logistic models over these features are fitted in
``training/fit_thresholds.py``, both with non-negative weights (each feature is
evidence for the same story by construction):

- ``version_model`` (used by `compare`): P(two texts are versions of one
  story), on Clough & Stevenson (2011): answers derived from a source vs answers
  written independently on the same task, i.e. same topic and names but no
  shared text, which is the "same story vs similar story" line compare must
  draw. Out-of-task accuracy 0.93 on coverage_max and top_pair_mean.
- ``story_model``: P(same news event) on Multi-News test clusters (Fabbri et
  al. 2019) against near, name-sharing and random negatives. Independent
  reports of one event share little text, so this model leans on topic
  features and rejects only about 60% of same-topic negatives; it is kept for
  corpus-scale grouping, where merging independent reports is the goal.

A short version drawn from a long one (a summary, an excerpt, a social post)
shares too little of the long one's text for either model, so a third one,
``excerpt_model``, judges the pairs where one text is much shorter
(``EXCERPT_RATIO``): P(the short text is drawn from the long one) from how much
of the short text's content words, names and numbers the long one contains
(containment, Broder 1997, "On the resemblance and containment of documents").
It is fitted on Multi-News (Fabbri et al. 2019): each human summary against the
articles it summarises and against the articles of the nearest other cluster.
For those pairs the probability is the larger of the two models', when the two
were published within ``MAX_GAP_DAYS`` of each other (or a time is missing:
`published_close`, the corpus path's bound); further apart, the versions model
alone judges them.

Articles are merged by agglomerative clustering while the linkage between two
groups (each member's best probability across, averaged) reaches the model's
fitted cut-off. Then `joined_by_event` joins the stories that hold articles
of one event as the corpus path groups them (`storytrace.events`), so that
independent reports of one event, which share no text, are one story on both
paths.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np

from storytrace.text import content_words, words
from storytrace.model import Document, Story
from storytrace.events.lexicalgrouping import MAX_GAP_DAYS
from storytrace.fitted import table, threshold
from storytrace.published import published_timestamp

NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})
# Entity words removed for event_word_jaccard: names, and nationalities/groups.
ENTITY_WORD_LABELS = NAMED_LABELS | {"NORP"}
# Date/time entities; their month and weekday names count as specifics, with every number.
SPECIFIC_LABELS = frozenset({"DATE", "TIME"})
CALENDAR_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
TOP_PAIRS = 3  # k of top_pair_mean


@dataclass(frozen=True)
class StoryPairFeatures:
    coverage_min: float
    coverage_max: float
    doc_cosine: float
    entity_jaccard: float
    top_pair_mean: float = 0.0
    event_word_jaccard: float = 0.0
    specific_overlap: float = 0.0

    def vector(self, names: Sequence[str] | None = None) -> list[float]:
        """The features ``names`` in that order (default: all, in field order)."""
        if names is None:
            names = FEATURE_NAMES
        return [float(getattr(self, n)) for n in names]


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(StoryPairFeatures))


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


def _jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x | y else 0.0


def top_pair_mean(prob: np.ndarray, k: int = TOP_PAIRS) -> float:
    """Mean of the ``k`` highest pair probabilities under one-to-one greedy matching.

    Competitive linking as in align.py, without its cut-off: the best pair is
    taken, its row and column are struck out, and so on; ``k`` is lowered to the
    shorter article's sentence count.
    """
    prob = np.asarray(prob, dtype=float)
    if prob.ndim != 2 or prob.size == 0:
        return 0.0
    k = min(k, *prob.shape)
    order = np.argsort(-prob, axis=None, kind="stable")
    rows, cols = np.unravel_index(order, prob.shape)
    used_r: set[int] = set()
    used_c: set[int] = set()
    top: list[float] = []
    for i, j in zip(rows.tolist(), cols.tolist()):
        if i in used_r or j in used_c:
            continue
        used_r.add(i)
        used_c.add(j)
        top.append(float(prob[i, j]))
        if len(top) == k:
            break
    return sum(top) / k


def entity_words(doc: Document) -> set[str]:
    """Every lower-cased word of the document's names (and nationalities/groups)."""
    out: set[str] = set()
    for e in doc.entities:
        if e.label in ENTITY_WORD_LABELS:
            out.update(words(e.text))
            out.update(content_words(e.text))  # possessive forms as content_words gives them
    return out


def specifics(doc: Document) -> set[str]:
    """Numbers (digits, thousands separators dropped) and the month/weekday names of DATE/TIME entities."""
    out = {w.replace(",", "") for w in re.findall(r"\d[\d,.]*\d|\d", doc.article.text)}
    for e in doc.entities:
        if e.label in SPECIFIC_LABELS:
            out.update(w for w in words(e.text) if w in CALENDAR_WORDS)
    return out


def story_pair_features(
    a: Document, b: Document, a_emb: np.ndarray, b_emb: np.ndarray, a_in_b: float, b_in_a: float,
    prob: np.ndarray,
) -> StoryPairFeatures:
    """Features of the pair (a, b); ``prob`` is the a-by-b sentence-pair probability matrix
    (``PairAlignment.matrix.probability``)."""
    if len(a_emb) and len(b_emb):
        ma, mb = a_emb.mean(axis=0), b_emb.mean(axis=0)
        cos = float(ma @ mb / max(1e-9, np.linalg.norm(ma) * np.linalg.norm(mb)))
    else:
        cos = 0.0
    jac = _jaccard(named_entities(a), named_entities(b))
    names = entity_words(a) | entity_words(b)
    wa = content_words(a.article.text) - names
    wb = content_words(b.article.text) - names
    return StoryPairFeatures(
        coverage_min=min(a_in_b, b_in_a),
        coverage_max=max(a_in_b, b_in_a),
        doc_cosine=cos,
        entity_jaccard=jac,
        top_pair_mean=top_pair_mean(prob),
        event_word_jaccard=_jaccard(wa, wb),
        specific_overlap=_jaccard(specifics(a), specifics(b)),
    )


COMPARE_MODEL = "version_model"
EXCERPT_MODEL = "excerpt_model"
# Set by hand: a text at most this share of the other's length (in words) is judged as a possible
# excerpt or summary of it (news summaries, headlines and posts are a small fraction of their source;
# a third is generous). Longer texts are versions or other stories, for the versions model to judge:
# lexical containment cannot tell a long excerpt from another report on the same people and places.
EXCERPT_RATIO = 1 / 3
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")
_NUMBER = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class ExcerptFeatures:
    word_containment: float  # share of the short text's content words found in the long one
    event_containment: float  # the same without names: what happened, not who or where
    name_containment: float  # the same for capitalised words not starting a sentence (names)
    number_containment: float  # the same for numbers (1.0 when the short text has none)

    def vector(self, names: Sequence[str]) -> list[float]:
        return [float(getattr(self, n)) for n in names]


def _contained(part: set[str], whole: set[str], empty: float) -> float:
    return len(part & whole) / len(part) if part else empty


def excerpt_features(short_text: str, long_text: str) -> ExcerptFeatures:
    """How much of ``short_text`` is found in ``long_text`` (lexically, no models)."""
    names_s = {w.lower() for w in _CAPITALISED.findall(short_text)}
    names_l = {w.lower() for w in _CAPITALISED.findall(long_text)}
    long_words = set(words(long_text))
    short_content, long_content = content_words(short_text), content_words(long_text)
    nums_s = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(short_text)}
    nums_l = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(long_text)}
    return ExcerptFeatures(
        word_containment=_contained(short_content, long_content, 0.0),
        event_containment=_contained(short_content - names_s - names_l, long_content, 0.0),
        name_containment=_contained(names_s, long_words, 1.0),
        number_containment=_contained(nums_s, nums_l, 1.0),
    )


def is_excerpt_pair(a: Document, b: Document) -> bool:
    """One of the two is short enough, next to the other, to be judged as its excerpt or summary."""
    na, nb = len(words(a.article.text)), len(words(b.article.text))
    return min(na, nb) <= EXCERPT_RATIO * max(na, nb)


def published_close(a: Document, b: Document) -> bool:
    """The two were published at most ``MAX_GAP_DAYS`` apart, or one has no time: the bound of the corpus
    path's event grouping (`storytrace.events.lexicalgrouping`). A summary or excerpt appears within days
    of its source; a report on the same port or council months later that shares its names and
    background is another story, and lexical containment alone cannot tell the two apart."""
    ta, tb = published_timestamp(a.article.published_at), published_timestamp(b.article.published_at)
    return ta is None or tb is None or abs(ta - tb) <= MAX_GAP_DAYS * 86400.0


def excerpt_probability(a: Document, b: Document) -> float:
    """P(the shorter of ``a`` and ``b`` is drawn from the longer), by ``excerpt_model``, on the
    versions model's scale: shifted in log-odds so that the two models' fitted cuts coincide, so
    one average-linkage cut serves both."""
    short, long_ = sorted((a, b), key=lambda d: len(d.article.text))
    p = logistic(excerpt_features(short.article.text, long_.article.text), EXCERPT_MODEL)
    shift = _logit(version_cut()) - _logit(float(table()[EXCERPT_MODEL]["cut"]))
    return 1.0 / (1.0 + math.exp(-(_logit(p) + shift)))


def version_cut() -> float:
    """The versions model's fitted cut: P(same story) from which two texts are versions of one."""
    return float(table()[COMPARE_MODEL]["cut"])


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def logistic(features: StoryPairFeatures | ExcerptFeatures, model_name: str) -> float:
    """The fitted logistic model ``model_name`` of thresholds.json on these features."""
    model = table()[model_name]
    z = model["intercept"] + sum(w * x for w, x in zip(model["weights"], features.vector(model["features"]),
                                                      strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def same_story_probability(f: StoryPairFeatures, model_name: str = COMPARE_MODEL) -> float:
    return logistic(f, model_name)


def group_stories(
    ids: list[str], prob: dict[tuple[str, str], float], model_name: str = COMPARE_MODEL
) -> list[Story]:
    """Agglomerative clustering of ``ids`` over pairwise P(same story).

    Linkage: the mean, over every member of both groups, of its highest probability to a member
    of the other group (a symmetric nearest-neighbour average); a member with no pair in ``prob``
    to the other group (never compared: compare/candidates.py) is left out of the mean. Two versions drawn from one source
    need not share text with each other (a summary and a blend can take different parts), so plain
    average linkage would split them; each must still find a close version across, so one shared
    background sentence does not pull a distractor in.
    """
    clusters: list[list[str]] = [[i] for i in ids]

    def p(x: str, y: str) -> float | None:
        return prob.get((x, y), prob.get((y, x)))

    def linkage(a: list[str], b: list[str]) -> float:
        # a member never compared with the other group (compare/candidates.py) gives no evidence either way
        best = [max(known) for x in a if (known := [v for y in b if (v := p(x, y)) is not None])]
        best += [max(known) for y in b if (known := [v for x in a if (v := p(x, y)) is not None])]
        return sum(best) / len(best) if best else 0.0

    cut = float(table()[model_name]["cut"]) if "cut" in table()[model_name] else threshold("story_same")
    while len(clusters) > 1:
        best, pair = cut, None
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                link = linkage(clusters[i], clusters[j])
                if link >= best:
                    best, pair = link, (i, j)
        if pair is None:
            break
        i, j = pair
        clusters[i] = clusters[i] + clusters[j]
        del clusters[j]
    return _numbered(clusters, ids)


def joined_by_event(stories: list[Story], event_of: dict[str, str], ids: list[str]) -> list[Story]:
    """``stories`` with any two that hold articles of one event in ``event_of`` (article id -> event id, the
    story model the corpus path groups by: `storytrace.events.lexicalgrouping`) made one, ordered and
    numbered as :func:`group_stories` orders them, by ``ids``.

    compare's version model joins versions of one text (a summary, a blend, a rewrite) and leaves
    independent reports of one event apart; the event grouping joins those. Either is reason enough."""
    story_of_event: dict[str, int] = {}
    parent = list(range(len(stories)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, st in enumerate(stories):
        for a in st.article_ids:
            if (event := event_of.get(a)) is None:
                continue
            if event in story_of_event:
                parent[root(k)] = root(story_of_event[event])
            else:
                story_of_event[event] = k
    clusters: dict[int, list[str]] = {}
    for k, st in enumerate(stories):
        clusters.setdefault(root(k), []).extend(st.article_ids)
    return _numbered(list(clusters.values()), ids)


def with_members(stories: list[Story], members_of: dict[str, list[str]], ids: list[str]) -> list[Story]:
    """``stories`` with each member's ``members_of`` (its near-copies) added, ordered and numbered
    as :func:`group_stories` orders them, by ``ids``."""
    clusters = [[m for a in st.article_ids for m in [a, *members_of.get(a, [])]] for st in stories]
    return _numbered(clusters, ids)


def _numbered(clusters: list[list[str]], ids: list[str]) -> list[Story]:
    """Largest first, then by the first member's place in ``ids``; members in ``ids`` order."""
    order = {a: k for k, a in enumerate(ids)}
    clusters = [sorted(c, key=order.__getitem__) for c in clusters]
    clusters.sort(key=lambda c: (-len(c), order[c[0]]))
    return [Story(f"story-{k + 1}", tuple(c)) for k, c in enumerate(clusters)]
