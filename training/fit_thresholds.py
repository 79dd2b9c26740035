"""Fit the thresholds in ``storytrace/data/thresholds.json`` on real data.

Usage (from the repository root)::

    .venv/bin/python -m training.fit_thresholds [--data ../shared/data] [--only NAME]

Every entry is written with its ``value`` (or model weights), the ``data`` it
was fitted on, the ``objective`` optimised and a ``fit`` note with the measured
figure. Entries that a run does not fit are kept as they are. The data sets are
read in place from ``--data`` (see each ``SOURCE.md`` there).

Fits, in order (later fits run the pipeline with the values fitted before them):

* ``link_cosine_floor`` (align): the 1st percentile of the MiniLM cosine of
  STS-B news train pairs scored >= 2; no sentence pair below it is linked.
* ``merge_containment`` (align): synthetic merged sentences built from MRPC
  *train* pairs (Dolan & Brockett 2005). For a pair (s1, s2) the merged
  sentence is s2 joined (", and " / "; ") with a random other MRPC train
  sentence s3; the pair is positive when MRPC labels (s1, s2) a paraphrase, so
  s1's content is contained in the merge. Score: the pair scorer's
  containment of s1 in the merge; cut-off maximising F1. Checked on MRPC test
  merges built the same way.
* ``derived_coverage`` / ``wholly_coverage`` (derivation): Clough & Stevenson
  (2011) short answers against their Wikipedia source passage, through
  segment -> embed -> align_sentences -> reuse_shares. ``derived_coverage`` is
  the coverage cut-off separating derived answers (cut/light/heavy) from
  independent ones (non), maximising accuracy (5-fold stratified CV reported,
  value refitted on all answers); ``wholly_coverage`` is the 10th percentile
  of derived answers' coverage (90% of derived texts reach it).
* ``shared_source_agreement`` (derivation): two derived answers to the same
  Clough-Stevenson task share a source passage. With the source hidden they
  share an unseen source: agreement_against(y=A1, x=A2, others=[O]) gives a
  positive; with A1 copied directly from O, agreement_against(y=A1, x=O,
  others=[A2]) gives a negative. Cut-off on agree/departures maximising
  balanced accuracy, leave-one-task-out CV reported, refitted on all.
  Only items with at least ``MIN_DEPARTURES`` departures are used: below that
  derivation.py does not apply the test.
* ``story_model`` / ``story_same`` (grouping): logistic regression on
  story_pair_features for Multi-News test article pairs (Fabbri et al. 2019;
  articles kept by Multi-News+). Positives: two articles of one cluster.
  Negatives, all from different clusters: "near" = each sampled article with
  its TF-IDF nearest article among the Multi-News test clusters outside the
  sample (same topic, another event); "hard" = sampled articles sharing a
  PERSON/ORG/GPE name (spaCy, via segment()); "random". Split by cluster
  (70/30, seeded); C chosen by grouped 5-fold CV on log-loss; class weights
  balanced. ``story_same`` is the P(same story) cut-off maximising balanced
  accuracy on out-of-fold training probabilities, reported on the test clusters.
  (Requiring the near pairs to share a name as well selects pairs by the
  entity_jaccard feature itself and drove its weight negative, so they do not.)

Seeded (``SEED``) and deterministic for a given pair scorer.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
import time
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from training import DEFAULT_DATA, REPO

THRESHOLDS = REPO / "storytrace" / "data" / "thresholds.json"
SEED = 0
MIN_DEPARTURES = 10  # fallback; the driver reads storytrace.derivation.MIN_DEPARTURES (the gate it applies)
# Candidate feature sets of the story model (names of storytrace.grouping.StoryPairFeatures):
# the topic features alone, with each subset of the event features added, and the event
# features without doc_cosine. The set of lowest grouped-CV log-loss is fitted.
TOPIC_FEATURES = ("coverage_min", "coverage_max", "doc_cosine", "entity_jaccard")
EVENT_FEATURES = ("top_pair_mean", "event_word_jaccard", "specific_overlap")
BASELINE_SET = "topic"


def _feature_sets() -> dict[str, tuple[str, ...]]:
    out = {BASELINE_SET: TOPIC_FEATURES}
    for r in range(1, len(EVENT_FEATURES) + 1):
        for extra in combinations(EVENT_FEATURES, r):
            out["topic+" + "+".join(e.split("_")[0] for e in extra)] = TOPIC_FEATURES + extra
    out["all-doc_cosine"] = tuple(f for f in TOPIC_FEATURES if f != "doc_cosine") + EVENT_FEATURES
    return out


STORY_FEATURE_SETS = _feature_sets()
ENTITY_LABELS_HARD = ("PERSON", "ORG", "GPE")
CLOUGH_DERIVED = ("cut", "light", "heavy")
NEAR_NEEDS_NAME = False  # see the module docstring (story_model)

# --------------------------------------------------------------------------------------
# Pure fitting functions (no model, no data files: unit-tested on synthetic inputs)
# --------------------------------------------------------------------------------------


def metric_value(pred: np.ndarray, y: np.ndarray, metric: str) -> float:
    """``f1``, ``accuracy`` or ``balanced_accuracy`` of boolean predictions against 0/1 labels."""
    pred = np.asarray(pred, dtype=bool)
    y = np.asarray(y, dtype=bool)
    if metric == "accuracy":
        return float((pred == y).mean()) if len(y) else 0.0
    tp = float(np.sum(pred & y))
    fp = float(np.sum(pred & ~y))
    fn = float(np.sum(~pred & y))
    tn = float(np.sum(~pred & ~y))
    if metric == "f1":
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    if metric == "balanced_accuracy":
        tpr = tp / (tp + fn) if tp + fn else 0.0
        tnr = tn / (tn + fp) if tn + fp else 0.0
        return (tpr + tnr) / 2
    raise ValueError(f"unknown metric {metric!r}")


def candidate_cuts(scores: Sequence[float]) -> np.ndarray:
    """Midpoints between consecutive distinct scores, plus one cut below all and one above all."""
    u = np.unique(np.asarray(scores, dtype=float))
    if len(u) == 0:
        return np.array([0.5])
    mids = (u[:-1] + u[1:]) / 2
    return np.concatenate([[u[0] - 1e-9], mids, [u[-1] + 1e-9]])


def best_cut(scores: Sequence[float], labels: Sequence[int], metric: str = "accuracy") -> tuple[float, float]:
    """Cut-off ``c`` (predict positive when ``score >= c``) maximising ``metric``; (c, metric at c).

    Ties: the middle one of the best candidates, so the cut sits inside the
    plateau rather than at its edge.
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    cuts = candidate_cuts(s)
    vals = np.array([metric_value(s >= c, y, metric) for c in cuts])
    best = np.flatnonzero(vals >= vals.max() - 1e-12)
    k = int(best[len(best) // 2])
    return float(cuts[k]), float(vals[k])


def cv_cut(
    scores: Sequence[float],
    labels: Sequence[int],
    metric: str,
    folds: Iterable[tuple[np.ndarray, np.ndarray]],
) -> list[float]:
    """Held-out ``metric`` per fold, the cut fitted on the other folds each time."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    out = []
    for tr, te in folds:
        c, _ = best_cut(s[tr], y[tr], metric)
        out.append(metric_value(s[te] >= c, y[te], metric))
    return out


def stratified_folds(labels: Sequence[int], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded stratified k-fold index split (each class dealt round-robin after shuffling)."""
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(y), dtype=int)
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % k
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def group_folds(groups: Sequence) -> list[tuple[np.ndarray, np.ndarray]]:
    """Leave-one-group-out index split."""
    g = np.asarray(groups)
    return [(np.flatnonzero(g != v), np.flatnonzero(g == v)) for v in sorted(set(g.tolist()))]


def lower_percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile taken as an observed value at or below it, so >= (100-q)% reach it."""
    v = np.sort(np.asarray(values, dtype=float))
    if len(v) == 0:
        raise ValueError("no values")
    return float(np.percentile(v, q, method="lower"))


def unwrap(text: str) -> str:
    """Join hard-wrapped lines (single newlines) into paragraphs; blank lines stay breaks."""
    text = text.replace("\r\n", "\n")
    paras = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(p.split()) for p in paras if p.strip())


_JOIN_LOWER = frozenset(
    "a an the this that these those it its he she they we i his her their our in on at for by with "
    "as after before but and or if when while there here some many most one two".split()
)


def make_merge(s2: str, s3: str, joiner: str) -> str:
    """One sentence carrying two: ``s2`` (final stop dropped) + joiner + ``s3``.

    ``s3``'s first letter is lower-cased when it starts with a function word, as a
    writer merging the two would.
    """
    head = s2.strip()
    if head and head[-1] in ".!?":
        head = head[:-1]
    tail = s3.strip()
    first = tail.split(" ", 1)[0] if tail else ""
    if first.lower() in _JOIN_LOWER and first[:1].isupper() and not first.isupper():
        tail = tail[0].lower() + tail[1:]
    return f"{head}{joiner}{tail}"


def merge_examples(
    pairs: Sequence[tuple[str, str, int]], pool: Sequence[str], seed: int
) -> list[tuple[str, str, int]]:
    """(s1, merge of s2 with a random pool sentence other than s1/s2, label) for each MRPC pair."""
    rng = np.random.default_rng(seed)
    out = []
    for s1, s2, label in pairs:
        while True:
            s3 = pool[int(rng.integers(len(pool)))]
            if s3 != s1 and s3 != s2:
                break
        joiner = (", and ", "; ")[int(rng.integers(2))]
        out.append((s1, make_merge(s2, s3, joiner), int(label)))
    return out


def story_pairs(
    cluster_of: Sequence, names: Sequence[set[str]], seed: int, near: Sequence[tuple[int, int]] = (),
    anchors: Sequence[bool] | None = None, max_pos_per_cluster: int = 6,
    near_ratio: float = 1.0, hard_ratio: float = 0.5, random_ratio: float = 0.5, near_needs_name: bool = True,
) -> list[tuple[int, int, int, str]]:
    """Article index pairs (i, j, label, kind) for the story model, i < j.

    Among the ``anchors`` (default: all articles):

    * ``same``: pairs within a cluster (at most ``max_pos_per_cluster`` per cluster, sampled);
    * ``hard``: pairs from different clusters sharing at least one name, ``hard_ratio`` x positives,
      sampled uniformly among such pairs;
    * ``random``: other cross-cluster pairs, ``random_ratio`` x positives.

    ``near`` lists retrieved candidate pairs (an article and its most similar article
    of another cluster); those from different clusters that share a name become
    ``near`` negatives, ``near_ratio`` x positives, sampled.
    """
    rng = np.random.default_rng(seed)
    n = len(cluster_of)
    is_anchor = [True] * n if anchors is None else [bool(a) for a in anchors]
    by_cluster: dict = {}
    for i, c in enumerate(cluster_of):
        if is_anchor[i]:
            by_cluster.setdefault(c, []).append(i)
    pos: list[tuple[int, int]] = []
    for c in sorted(by_cluster, key=str):
        cp = list(combinations(by_cluster[c], 2))
        if len(cp) > max_pos_per_cluster:
            pick = rng.choice(len(cp), max_pos_per_cluster, replace=False)
            cp = [cp[k] for k in sorted(pick)]
        pos.extend(cp)
    taken: set[tuple[int, int]] = set(pos)

    def sample(cands: list[tuple[int, int]], k: int) -> list[tuple[int, int]]:
        cands = [p for p in cands if p not in taken]
        k = min(k, len(cands))
        out = [cands[q] for q in sorted(rng.choice(len(cands), k, replace=False))] if k else []
        taken.update(out)
        return out

    near_ok = sorted({
        (min(i, j), max(i, j)) for i, j in near
        if i != j and cluster_of[i] != cluster_of[j] and (names[i] & names[j] or not near_needs_name)
    })
    near_sel = sample(near_ok, int(round(near_ratio * len(pos))))
    index: dict[str, list[int]] = {}
    for i, ns in enumerate(names):
        if is_anchor[i]:
            for nm in ns:
                index.setdefault(nm, []).append(i)
    hard_set: set[tuple[int, int]] = set()
    for members in index.values():
        for i, j in combinations(members, 2):
            if cluster_of[i] != cluster_of[j]:
                hard_set.add((min(i, j), max(i, j)))
    hard = sample(sorted(hard_set), int(round(hard_ratio * len(pos))))
    n_rand = int(round(random_ratio * len(pos)))
    anchor_idx = [i for i in range(n) if is_anchor[i]]
    rand: list[tuple[int, int]] = []
    tries = 0
    while len(rand) < n_rand and tries < 100 * max(1, n_rand) and len(anchor_idx) > 1:
        tries += 1
        i, j = (anchor_idx[int(v)] for v in rng.integers(len(anchor_idx), size=2))
        key = (min(i, j), max(i, j))
        if i == j or cluster_of[i] == cluster_of[j] or key in taken:
            continue
        taken.add(key)
        rand.append(key)
    return (
        [(i, j, 1, "same") for i, j in pos]
        + [(i, j, 0, "near") for i, j in near_sel]
        + [(i, j, 0, "hard") for i, j in hard]
        + [(i, j, 0, "random") for i, j in rand]
    )


def nearest_other(query, pool, query_group: Sequence, pool_group: Sequence) -> list[int]:
    """For each query row, the index of the most similar pool row (dot product) of another group."""
    sims = query @ pool.T
    sims = sims.toarray() if hasattr(sims, "toarray") else np.asarray(sims)
    same = np.asarray(query_group)[:, None] == np.asarray(pool_group)[None, :]
    sims = np.where(same, -np.inf, sims)
    return [int(k) for k in np.argmax(sims, axis=1)]


def _nonnegative_logistic_class():
    """A balanced, L2-penalised logistic regression whose feature weights are kept >= 0.

    Every story-pair feature is evidence *for* the same story by construction, so
    the model is fitted under that monotonicity constraint (bounded L-BFGS-B):
    a negative weight could only be the fit exploiting an artefact of the data.
    """
    from scipy.optimize import minimize
    from sklearn.base import BaseEstimator, ClassifierMixin

    class NonNegativeLogisticRegression(ClassifierMixin, BaseEstimator):
        def __init__(self, C: float = 1.0):
            self.C = C

        def fit(self, X, y):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            n, d = X.shape
            w_pos = n / (2.0 * max(1.0, y.sum()))
            w_neg = n / (2.0 * max(1.0, n - y.sum()))
            sw = np.where(y == 1, w_pos, w_neg)

            def loss(theta):
                b, w = theta[0], theta[1:]
                z = X @ w + b
                p = 1.0 / (1.0 + np.exp(-z))
                ll = np.sum(sw * (np.logaddexp(0, z) - y * z)) + 0.5 / self.C * (w @ w)
                g = sw * (p - y)
                return ll, np.concatenate([[g.sum()], X.T @ g + w / self.C])

            res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                           bounds=[(None, None)] + [(0.0, None)] * d)
            self.intercept_ = np.array([res.x[0]])
            self.coef_ = res.x[1:][None, :]
            self.classes_ = np.array([0, 1])
            return self

        def predict_proba(self, X):
            z = np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]
            p = 1.0 / (1.0 + np.exp(-z))
            return np.column_stack([1 - p, p])

        def predict(self, X):
            return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    return NonNegativeLogisticRegression


def fit_logistic(
    X: np.ndarray, y: np.ndarray, groups: Sequence, Cs: Sequence[float] = (0.01, 0.1, 1.0, 10.0, 100.0),
    n_splits: int = 5,
) -> tuple[object, float, dict[float, float]]:
    """Balanced logistic regression, weights >= 0, with C chosen by grouped k-fold CV on log-loss.

    Returns (model refitted on all of X, chosen C, {C: mean CV log-loss}).
    """
    from sklearn.model_selection import GroupKFold, cross_val_score

    LogisticRegression = _nonnegative_logistic_class()
    k = min(n_splits, len(set(np.asarray(groups).tolist())))
    losses: dict[float, float] = {}
    for C in Cs:
        m = LogisticRegression(C=C)
        sc = cross_val_score(m, X, y, groups=groups, cv=GroupKFold(k), scoring="neg_log_loss")
        losses[float(C)] = float(-sc.mean())
    C = min(losses, key=lambda c: (losses[c], c))
    model = LogisticRegression(C=C).fit(X, y)
    return model, C, losses


def logistic_card(model, features: Sequence[str], cut: float) -> dict:
    """The fitted model as storytrace/compare/grouping.py's ``logistic`` reads it (data, objective and
    fit are added by the caller)."""
    return {
        "intercept": round(float(model.intercept_[0]), 4),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "features": list(features),
        "cut": round(float(cut), 4),
    }


def oof_probability(X: np.ndarray, y: np.ndarray, groups: Sequence, C: float, n_splits: int = 5) -> np.ndarray:
    from sklearn.model_selection import GroupKFold, cross_val_predict

    k = min(n_splits, len(set(np.asarray(groups).tolist())))
    m = _nonnegative_logistic_class()(C=C)
    return cross_val_predict(m, X, y, groups=groups, cv=GroupKFold(k), method="predict_proba")[:, 1]


BOILERPLATE_CLUSTERS = 3
BOILERPLATE_MIN_WORDS = 5  # shorter repeats are mostly abbreviation fragments ("sen", "u s", "jan")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+")


def boilerplate_sentences(clusters: Iterable[tuple[object, Sequence[str]]], min_clusters: int = BOILERPLATE_CLUSTERS
                          ) -> set[str]:
    """Normalised sentences (split at . ! ?) of at least ``BOILERPLATE_MIN_WORDS`` words occurring in
    at least ``min_clusters`` distinct clusters."""
    seen: dict[str, set] = {}
    for cid, texts in clusters:
        for t in texts:
            for sent in _SENT_SPLIT.split(t):
                key = _norm_text(sent)
                if key.count(" ") + 1 >= BOILERPLATE_MIN_WORDS:
                    seen.setdefault(key, set()).add(cid)
    return {k for k, cs in seen.items() if len(cs) >= min_clusters}


def strip_sentences(text: str, drop: set[str]) -> str:
    """``text`` without the sentences whose normalised form is in ``drop``."""
    return " ".join(s for s in _SENT_SPLIT.split(text) if _norm_text(s) not in drop)


def _norm_text(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def mean_sd(values: Sequence[float]) -> str:
    v = np.asarray(values, dtype=float)
    return f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0.0:.3f}"


# --------------------------------------------------------------------------------------
# Pipeline helpers (model + data)
# --------------------------------------------------------------------------------------


class Pipeline:
    """Encoder and pair scorer loaded once; segment / embed / align as compare.py does."""

    def __init__(self) -> None:
        from storytrace.embed import default_encoder
        from storytrace.compare.pairscore import PairScorer

        self.encoder = default_encoder()
        self.scorer = PairScorer.load()

    def documents(self, articles) -> tuple[dict, dict]:
        from storytrace.compare.segment import segment

        docs = {a.id: segment(a) for a in articles}
        texts = [s.text for d in docs.values() for s in d.sentences]
        vectors = self.encoder.encode(texts)
        emb, off = {}, 0
        for d in docs.values():
            emb[d.id] = vectors[off : off + len(d.sentences)]
            off += len(d.sentences)
        return docs, emb

    def align(self, docs: dict, emb: dict, pairs: Iterable[tuple[str, str]], with_matrix: bool = False):
        """links for both orders and reuse shares for both orders, mirroring compare.py; with
        ``with_matrix`` also the x-by-y sentence-pair probability matrix of each pair (x, y)."""
        from storytrace.compare.align import align_sentences, reuse_shares

        links, reuse, prob = {}, {}, {}
        for x, y in pairs:
            pa = align_sentences(docs[x], docs[y], emb[x], emb[y], self.scorer)
            prob[(x, y)] = pa.matrix.probability
            links[(x, y)] = pa.links
            links[(y, x)] = pa.reversed_links()
            reuse[(x, y)] = reuse_shares(docs[x], y, links[(x, y)])
            reuse[(y, x)] = reuse_shares(docs[y], x, links[(y, x)])
        return (links, reuse, prob) if with_matrix else (links, reuse)


def load_mrpc(data: Path, split: str) -> list[tuple[str, str, int]]:
    path = data / "mrpc" / f"msr_paraphrase_{split}.txt"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r[3], r[4], int(r[0])) for r in rows[1:] if len(r) == 5]


def load_clough(data: Path) -> list[dict]:
    path = data / "clough-stevenson" / "clough_stevenson_reuse.jsonl"
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def clough_documents(pipe: Pipeline, records: list[dict]):
    from storytrace.model import Article

    arts = [Article(id=r["id"], text=unwrap(r["text"])) for r in records]
    return pipe.documents(arts)


# --------------------------------------------------------------------------------------
# Drivers: each returns {entry name: entry dict} and prints its figures
# --------------------------------------------------------------------------------------

Log = Callable[[str], None]


def fit_merge_containment(data: Path, pipe: Pipeline, log: Log) -> dict:
    def scores(examples):
        s1 = sorted({e[0] for e in examples})
        mg = sorted({e[1] for e in examples})
        e1 = dict(zip(s1, pipe.encoder.encode(s1)))
        em = dict(zip(mg, pipe.encoder.encode(mg)))
        cont, prob = [], []
        block = 8  # score_matrix on 8x8 blocks, keeping the diagonal: same values, less overhead
        for lo in range(0, len(examples), block):
            part = examples[lo : lo + block]
            a, b = [e[0] for e in part], [e[1] for e in part]
            m = pipe.scorer.score_matrix(a, b, np.stack([e1[t] for t in a]), np.stack([em[t] for t in b]))
            cont.extend(np.diag(m.containment).tolist())
            prob.extend(np.diag(m.probability).tolist())
        return np.array(cont), np.array(prob), np.array([e[2] for e in examples])

    train = load_mrpc(data, "train")
    test = load_mrpc(data, "test")
    ex_tr = merge_examples(train, [s for p in train for s in p[:2]], SEED)
    ex_te = merge_examples(test, [s for p in test for s in p[:2]], SEED)
    c_tr, p_tr, y_tr = scores(ex_tr)
    c_te, p_te, y_te = scores(ex_te)
    cut, f1 = best_cut(c_tr, y_tr, "f1")
    f1_te = metric_value(c_te >= cut, y_te, "f1")
    tau = pipe.scorer.decision_threshold
    gate_tr = metric_value((c_tr >= cut) & (p_tr >= tau / 2), y_tr, "f1")
    gate_te = metric_value((c_te >= cut) & (p_te >= tau / 2), y_te, "f1")
    sym_te = metric_value(p_te >= tau, y_te, "f1")
    cv = cv_cut(c_tr, y_tr, "f1", stratified_folds(y_tr, 5, SEED))
    value = round(cut, 4)
    log(f"merge_containment: {len(ex_tr)} MRPC-train merges ({int(y_tr.sum())} positive), "
        f"{len(ex_te)} MRPC-test merges ({int(y_te.sum())} positive)")
    log(f"  cut-off {value}: F1 train {f1:.3f} (5-fold CV {mean_sd(cv)}), F1 test {f1_te:.3f}")
    log(f"  with align's gate P >= tau/2 (tau={tau:g}): F1 train {gate_tr:.3f}, test {gate_te:.3f}; "
        f"symmetric P >= tau alone on test merges: F1 {sym_te:.3f}")
    share_pos = float((c_tr >= cut).mean())
    all_pos = metric_value(np.ones_like(y_tr, dtype=bool), y_tr, "f1")
    bal_cut, bal = best_cut(c_tr, y_tr, "balanced_accuracy")
    log(f"  containment means: positives {c_tr[y_tr == 1].mean():.3f}, negatives {c_tr[y_tr == 0].mean():.3f}; "
        f"the cut-off calls {share_pos:.0%} of train merges contained (F1 of calling all contained: {all_pos:.3f})")
    log(f"  for comparison, the balanced-accuracy cut-off would be {bal_cut:.4f} (balanced accuracy {bal:.3f} "
        f"on train, {metric_value(c_te >= bal_cut, y_te, 'balanced_accuracy'):.3f} on test)")
    return {
        "merge_containment": {
            "value": value,
            "data": f"MRPC train (msr_paraphrase_train.txt), {len(ex_tr)} pairs s1 vs synthetic merge "
                    f"(s2 + ', and '/'; ' + random MRPC train sentence, seed {SEED}); "
                    f"checked on {len(ex_te)} MRPC test merges",
            "objective": "max F1 of containment(s1 in merge) >= value for MRPC paraphrase label",
            "fit": f"F1 {f1:.3f} on train (5-fold CV {mean_sd(cv)}), {f1_te:.3f} on test; "
                   f"with align's P >= tau/2 gate F1 {gate_te:.3f} on test; calls {share_pos:.0%} of train "
                   f"merges contained (all-contained F1 {all_pos:.3f})",
        }
    }


def fit_link_cosine_floor(data: Path, pipe: Pipeline, log: Log) -> dict:
    """The MiniLM cosine below which alignment links no sentence pair: the 1st percentile of STS-B news train
    pairs scored >= 2 ("not equivalent, but share some details")."""
    from training.pairsets import load_stsb

    stsb = load_stsb(data, "train")
    ea, eb = pipe.encoder.encode(list(stsb.a)), pipe.encoder.encode(list(stsb.b))
    cos = (ea * eb).sum(1) / np.maximum(np.linalg.norm(ea, axis=1) * np.linalg.norm(eb, axis=1), 1e-12)
    y = stsb.y
    value = round(float(np.percentile(cos[y >= 2], 1)), 3)
    p3, p4 = (float(np.percentile(cos[y >= k], 1)) for k in (3, 4))
    low = cos[y <= 1]
    mrpc = load_mrpc(data, "train")
    pos = [(a, b) for a, b, label in mrpc if label == 1]
    ma, mb = pipe.encoder.encode([a for a, _ in pos]), pipe.encoder.encode([b for _, b in pos])
    mcos = (ma * mb).sum(1) / np.maximum(np.linalg.norm(ma, axis=1) * np.linalg.norm(mb, axis=1), 1e-12)
    fit = (f"pairs scored >= 3: 1st percentile {p3:.3f}; >= 4: {p4:.3f}; scored <= 1 ({len(low)}): median "
           f"{float(np.median(low)):.3f}; MRPC train paraphrases: 1st percentile {float(np.percentile(mcos, 1)):.3f}")
    log(f"link_cosine_floor: {value} from {int((y >= 2).sum())} STS-B news train pairs scored >= 2; {fit}")
    return {
        "link_cosine_floor": {
            "value": value,
            "data": f"STS-B news train (stsb_news.tsv, Cer et al. 2017): {int((y >= 2).sum())} pairs scored >= 2 "
                    "('not equivalent, but share some details'); MiniLM (all-MiniLM-L6-v2, the run-time encoder) cosine",
            "objective": "1st percentile of the cosine of pairs that share some details: a sentence pair below it "
                         "shares none, so alignment never links it (compare/align.py)",
            "fit": fit,
        }
    }


def fit_coverage(data: Path, pipe: Pipeline, log: Log) -> dict:
    records = load_clough(data)
    by_id = {r["id"]: r for r in records}
    answers = [r for r in records if r["category"] != "orig"]
    docs, emb = clough_documents(pipe, records)
    cov, cat = [], []
    for r in answers:
        links, reuse = pipe.align(docs, emb, [(r["id"], by_id[r["source_id"]]["id"])])
        cov.append(reuse[(r["id"], r["source_id"])].total)
        cat.append(r["category"])
    cov = np.array(cov)
    cat = np.array(cat)
    y = np.isin(cat, CLOUGH_DERIVED).astype(int)
    cut, acc = best_cut(cov, y, "accuracy")
    cv = cv_cut(cov, y, "accuracy", stratified_folds(y, 5, SEED))
    # Two levels: "partially derived" from where 90% of derived texts are (the 10th
    # percentile of all derived answers); "wholly derived" from where 90% of the derived
    # answers that clear the derived-vs-independent cut-off are.
    partial = lower_percentile(cov[y == 1], 10)
    above = cov[(y == 1) & (cov >= cut)]
    wholly = lower_percentile(above, 10)
    reach_p = float((cov[y == 1] >= partial).mean())
    non_p = float((cov[y == 0] >= partial).mean())
    reach_w = float((cov[y == 1] >= wholly).mean())
    non_w = float((cov[y == 0] >= wholly).mean())
    by_cat = ", ".join(f"{c} {cov[cat == c].mean():.2f}" for c in ("cut", "light", "heavy", "non"))
    log(f"coverage: {len(answers)} Clough-Stevenson answers vs source ({int(y.sum())} derived, "
        f"{int((1 - y).sum())} non); mean coverage {by_cat}")
    log(f"  derived vs independent: best cut {cut:.4f}, accuracy {acc:.3f} on all, 5-fold CV {mean_sd(cv)}")
    log(f"  derived_coverage (partially) {partial:.4f}: reached by {reach_p:.0%} of derived, {non_p:.0%} of non")
    log(f"  wholly_coverage {wholly:.4f}: reached by {reach_w:.0%} of derived, {non_w:.0%} of non")
    data_note = (f"Clough-Stevenson 2011 short-answer corpus, {len(answers)} answers vs their orig passage "
                 f"({int(y.sum())} cut/light/heavy, {int((1 - y).sum())} non); lines unwrapped")
    return {
        "derived_coverage": {
            "value": round(partial, 4),
            "data": data_note,
            "objective": "10th percentile (lower) of derived answers' coverage: 90% of derived texts reach it "
                         "(below it no derivation is claimed)",
            "fit": f"reached by {reach_p:.0%} of derived and {non_p:.0%} of non answers; mean coverage {by_cat}",
        },
        "wholly_coverage": {
            "value": round(wholly, 4),
            "data": data_note,
            "objective": "10th percentile of the derived answers at or above the max-accuracy derived-vs-"
                         f"independent cut ({cut:.4f}; accuracy {acc:.3f}, 5-fold CV {mean_sd(cv)})",
            "fit": f"reached by {reach_w:.0%} of {int(y.sum())} derived answers and {non_w:.0%} of "
                   f"{int((1 - y).sum())} non answers",
        },
    }


VERSION_FEATURES = ("coverage_max", "top_pair_mean")


def fit_version_model(data: Path, pipe: Pipeline, log: Log) -> dict:
    """P(two texts are versions of one story) on Clough-Stevenson: derived answers vs answers
    written independently on the same task (same topic, same names, no shared text): the
    "same story vs similar story" distinction compare has to make, with real labels."""
    from storytrace.compare.grouping import story_pair_features

    records = load_clough(data)
    by_id = {r["id"]: r for r in records}
    answers = [r for r in records if r["category"] != "orig"]
    docs, emb = clough_documents(pipe, records)
    X, y, g = [], [], []
    for r in answers:
        a, o = r["id"], by_id[r["source_id"]]["id"]
        _, reuse, prob = pipe.align(docs, emb, [(a, o)], with_matrix=True)
        f = story_pair_features(docs[a], docs[o], emb[a], emb[o], reuse[(a, o)].total, reuse[(o, a)].total,
                                prob[(a, o)])
        X.append(f.vector(VERSION_FEATURES))
        y.append(int(r["category"] in CLOUGH_DERIVED))
        g.append(r["task"])
    X, y = np.array(X), np.array(y)
    model, C, losses = fit_logistic(X, y, g)
    oof = oof_probability(X, y, g, C)
    cut, bacc = best_cut(oof, y, "balanced_accuracy")
    acc_half = metric_value(oof >= 0.5, y, "accuracy")
    weights = [round(float(w), 4) for w in model.coef_[0]]
    log(f"version_model: {len(answers)} Clough-Stevenson answers vs their source ({int(y.sum())} derived, "
        f"{int((1 - y).sum())} independent); features {', '.join(VERSION_FEATURES)}")
    log(f"  C={C:g}; intercept {model.intercept_[0]:.3f}, weights {weights}; leave-one-task-out "
        f"accuracy at P>=0.5 {acc_half:.3f}; cut {cut:.4f} (balanced accuracy {bacc:.3f} out-of-task)")
    return {
        "version_model": {
            **logistic_card(model, VERSION_FEATURES, cut),
            "data": f"Clough-Stevenson 2011, {len(answers)} answers vs their orig passage "
                    f"({int(y.sum())} cut/light/heavy = versions, {int((1 - y).sum())} non = same topic, "
                    "written independently); lines unwrapped",
            "objective": "balanced logistic regression with weights >= 0, C by leave-one-task-out log-loss; "
                         "cut = max balanced accuracy of out-of-task probabilities",
            "fit": f"C={C:g}; out-of-task accuracy at P>=0.5 {acc_half:.3f}, balanced accuracy at cut {bacc:.3f}",
        }
    }


EXCERPT_FEATURES = ("word_containment", "event_containment", "name_containment", "number_containment")


def excerpt_pairs(data: Path, parity: int, max_clusters: int | None = None) -> tuple[list, list[int], list[int]]:
    """Multi-News summaries against the articles they summarise (1) and against the articles of two
    other clusters (0): the nearest by TF-IDF cosine of the summaries (the same kind of story) and
    the one whose articles share most names with the summary (the same people or places, another
    event): (features, labels, cluster ids), clusters with ``cluster_id % 2 == parity`` only."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storytrace.compare.grouping import excerpt_features

    clusters = []
    with gzip.open(data / "multinews" / "multinews_test_truncated.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["cluster_id"] % 2 != parity:
                continue
            kept = [d["articles"][k] for k in d.get("mnplus_kept_articles", range(len(d["articles"])))
                    if k < len(d["articles"]) and len(d["articles"][k].split()) >= 80]
            if kept and d["summary"].strip():
                clusters.append((d["cluster_id"], d["summary"], kept))
            if max_clusters and len(clusters) >= max_clusters:
                break
    vec = TfidfVectorizer(stop_words="english", min_df=2).fit([c[1] for c in clusters])
    m = vec.transform([c[1] for c in clusters])
    ids = list(range(len(clusters)))
    near = nearest_other(m, m, ids, ids)
    names = TfidfVectorizer(lowercase=False, token_pattern=r"(?<![.!?]\s)\b[A-Z][a-zA-Z'’-]+", use_idf=True,
                            min_df=2)
    summary_names = names.fit_transform([c[1] for c in clusters])
    article_names = names.transform([" ".join(c[2]) for c in clusters])
    same_names = nearest_other(summary_names, article_names, ids, ids)
    X, y, g = [], [], []
    for k, (cid, summary, arts) in enumerate(clusters):
        negatives = clusters[near[k]][2] + (clusters[same_names[k]][2] if same_names[k] != near[k] else [])
        for label, pool in ((1, arts), (0, negatives)):
            for text in pool:
                X.append(excerpt_features(summary, text).vector(EXCERPT_FEATURES))
                y.append(label)
                g.append(cid)
    return X, y, g


def fit_excerpt_model(data: Path, pipe: Pipeline, log: Log) -> dict:
    """P(a short text is drawn from a long one): Multi-News summaries vs their own articles and vs
    the articles of the nearest other cluster, fitted on the even cluster ids, scored on the odd."""
    X, y, g = (np.asarray(v) for v in excerpt_pairs(data, parity=0))
    model, C, _ = fit_logistic(X, y, g)
    oof = oof_probability(X, y, g, C)
    cut, bacc = best_cut(oof, y, "balanced_accuracy")
    Xo, yo, _ = (np.asarray(v) for v in excerpt_pairs(data, parity=1))
    po = model.predict_proba(Xo)[:, 1]
    held = metric_value(po >= cut, yo, "balanced_accuracy")
    weights = [round(float(w), 4) for w in model.coef_[0]]
    log(f"excerpt_model: {len(y)} Multi-News summary/article pairs on even clusters ({int(y.sum())} own, "
        f"{int((1 - y).sum())} nearest other cluster); features {', '.join(EXCERPT_FEATURES)}")
    log(f"  C={C:g}; intercept {model.intercept_[0]:.3f}, weights {weights}; cut {cut:.4f} (balanced accuracy "
        f"{bacc:.3f} out of fold); odd clusters (held out, {len(yo)} pairs): balanced accuracy {held:.3f}")
    return {
        "excerpt_model": {
            **logistic_card(model, EXCERPT_FEATURES, cut),
            "data": f"Multi-News test, even cluster_id: {len(y)} pairs of a human summary against each article "
                    f"Multi-News+ kept for it ({int(y.sum())}) and against the articles of the nearest other "
                    f"cluster by TF-IDF cosine of the summaries and of the cluster sharing most names with the "
                    f"summary ({int((1 - y).sum())}); articles of 80+ words",
            "objective": "balanced logistic regression with weights >= 0, C by grouped 5-fold log-loss; cut = max "
                         "balanced accuracy of out-of-fold probabilities",
            "fit": f"C={C:g}; out-of-fold balanced accuracy {bacc:.3f}; odd clusters held out: {held:.3f} "
                   f"({len(yo)} pairs)",
        }
    }


def fit_shared_source(data: Path, pipe: Pipeline, log: Log) -> dict:
    from storytrace.compare import derivation
    from storytrace.compare.derivation import agreement_against

    min_dep = int(getattr(derivation, "MIN_DEPARTURES", MIN_DEPARTURES))
    records = load_clough(data)
    keep = [r for r in records if r["category"] == "orig" or r["category"] in CLOUGH_DERIVED]
    docs, emb = clough_documents(pipe, keep)
    share, label, task, dep_all = [], [], [], []
    n_items = 0
    for t in sorted({r["task"] for r in keep}):
        orig = next(r["id"] for r in keep if r["task"] == t and r["category"] == "orig")
        ans = [r["id"] for r in keep if r["task"] == t and r["category"] != "orig"]
        links, _ = pipe.align(docs, emb, combinations([orig] + ans, 2))
        for a1 in ans:
            for a2 in ans:
                if a1 == a2:
                    continue
                for lab, x, z in ((1, a2, orig), (0, orig, a2)):
                    agree, dep = agreement_against(docs[a1], docs[x], [docs[z]], links)
                    n_items += 1
                    dep_all.append(dep)
                    if dep < min_dep:
                        continue
                    share.append(agree / dep)
                    label.append(lab)
                    task.append(t)
    share, label = np.array(share), np.array(label)
    cut, bacc = best_cut(share, label, "balanced_accuracy")
    cv = cv_cut(share, label, "balanced_accuracy", group_folds(task))
    npos, nneg = int(label.sum()), int((1 - label).sum())
    log(f"shared_source_agreement: {n_items} ordered items from {len(keep) - 5} derived Clough-Stevenson "
        f"answers in 5 tasks; {len(share)} with >= {min_dep} departures ({npos} shared-source, "
        f"{nneg} direct)")
    log(f"  mean agree share: shared-source {share[label == 1].mean():.3f}, direct {share[label == 0].mean():.3f}")
    log(f"  cut-off {cut:.4f}: balanced accuracy {bacc:.3f} on all, leave-one-task-out CV {mean_sd(cv)}")
    return {
        "shared_source_agreement": {
            "value": round(cut, 4),
            "data": f"Clough-Stevenson 2011, ordered pairs of derived answers (cut/light/heavy) within a task: "
                    f"{npos} shared-source items (y=A1, x=A2, others=[orig]) and {nneg} direct items "
                    f"(y=A1, x=orig, others=[A2]) with >= {min_dep} departures",
            "objective": "max balanced accuracy of agree/departures >= value for shared-source vs direct copy",
            "fit": f"balanced accuracy {bacc:.3f} on all; leave-one-task-out CV {mean_sd(cv)}; mean share "
                   f"{share[label == 1].mean():.2f} shared-source vs {share[label == 0].mean():.2f} direct",
        }
    }


def fit_story_model(data: Path, pipe: Pipeline, log: Log, n_clusters: int = 250, min_words: int = 40) -> dict:
    from storytrace.compare.grouping import FEATURE_NAMES, story_pair_features
    from storytrace.model import Article

    FEATURE_NAMES = list(FEATURE_NAMES)

    path = data / "multinews" / "multinews_test_truncated.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(l) for l in fh]
    # Scraping boilerplate (Wayback Machine crawl notes, newsletter sign-ups, ...) repeats verbatim
    # across unrelated clusters and would pass for shared content: sentences found in at least
    # BOILERPLATE_CLUSTERS clusters are removed from every article first.
    boiler = boilerplate_sentences([(r["cluster_id"], r["articles"]) for r in rows])
    n_art = sum(len(r["articles"]) for r in rows)
    for r in rows:
        r["articles"] = [strip_sentences(t, boiler) for t in r["articles"]]
    log(f"story_model: {len(boiler)} boilerplate sentences (>= {BOILERPLATE_MIN_WORDS} words, verbatim in "
        f">= {BOILERPLATE_CLUSTERS} of "
        f"{len(rows)} Multi-News test clusters) removed from the {n_art} articles")
    eligible = []
    for r in rows:
        kept = [k for k in r["mnplus_kept_articles"] if len(r["articles"][k].split()) >= min_words]
        if len(kept) >= 2:
            eligible.append((r["cluster_id"], [r["articles"][k] for k in kept]))
    rng = np.random.default_rng(SEED)
    pick = sorted(rng.choice(len(eligible), min(n_clusters, len(eligible)), replace=False))
    chosen = [eligible[k] for k in pick]
    order = rng.permutation(len(chosen))
    n_test = int(round(0.3 * len(chosen)))
    test_clusters = {chosen[k][0] for k in order[:n_test]}

    # Retrieval of "same topic, another event" partners: for every sampled article, the most
    # similar article (TF-IDF cosine) of a cluster outside the sample, anywhere in Multi-News test.
    from sklearn.feature_extraction.text import TfidfVectorizer

    chosen_ids = {cid for cid, _ in chosen}
    pool_texts, pool_cluster = [], []
    for r in rows:
        if r["cluster_id"] in chosen_ids:
            continue
        for k in r["mnplus_kept_articles"]:
            if len(r["articles"][k].split()) >= min_words:
                pool_texts.append(r["articles"][k])
                pool_cluster.append(r["cluster_id"])
    anchor_texts = [t for _, texts in chosen for t in texts]
    anchor_cluster = [cid for cid, texts in chosen for _ in texts]
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit(pool_texts + anchor_texts)
    nn = nearest_other(vec.transform(anchor_texts), vec.transform(pool_texts), anchor_cluster, pool_cluster)

    arts, cluster_of, is_anchor, split_of = [], [], [], []
    for cid, texts in chosen:
        for k, t in enumerate(texts):
            arts.append(Article(id=f"{cid}-{k}", text=t))
            cluster_of.append(cid)
            is_anchor.append(True)
            split_of.append("test" if cid in test_clusters else "train")
    near_pairs: dict[str, list[tuple[int, int]]] = {"train": [], "test": []}
    partner_at: dict[int, int] = {}
    for a, q in enumerate(nn):
        sp = split_of[a]
        if q not in partner_at:
            partner_at[q] = len(arts)
            arts.append(Article(id=f"{pool_cluster[q]}-p{q}", text=pool_texts[q]))
            cluster_of.append(pool_cluster[q])
            is_anchor.append(False)
            split_of.append(sp)
        if split_of[partner_at[q]] == sp:  # a partner serves one split only
            near_pairs[sp].append((a, partner_at[q]))
    t0 = time.time()
    docs, emb = pipe.documents(arts)
    n_sent = sum(len(d.sentences) for d in docs.values())
    n_anchor = sum(is_anchor)
    log(f"story_model: {len(chosen)} Multi-News test clusters ({n_anchor} kept articles of >= {min_words} words) "
        f"+ {len(arts) - n_anchor} retrieved partners from {len(pool_texts)} other articles; {n_sent} sentences "
        f"segmented+encoded in {time.time() - t0:.0f}s")

    def names(doc) -> set[str]:
        out = set()
        for e in doc.entities:
            if e.label in ENTITY_LABELS_HARD:
                n = e.text.lower().removeprefix("the ").strip()
                if n:
                    out.add(n)
        return out

    ids = [a.id for a in arts]
    entity_names = [names(docs[i]) for i in ids]
    results = {}
    same_pairs = []  # (a, b, coverage_max, identical text) for partial_coverage
    for split, seed in (("train", SEED), ("test", SEED + 1)):
        idx = [k for k in range(len(arts)) if split_of[k] == split]
        local = {k: n for n, k in enumerate(idx)}
        sub = story_pairs(
            [cluster_of[k] for k in idx], [entity_names[k] for k in idx], seed,
            near=[(local[a], local[b]) for a, b in near_pairs[split]], anchors=[is_anchor[k] for k in idx],
            near_needs_name=NEAR_NEEDS_NAME,
        )
        pairs = [(ids[idx[i]], ids[idx[j]], lab, kind) for i, j, lab, kind in sub]
        _, reuse, prob = pipe.align(docs, emb, [(a, b) for a, b, _, _ in pairs], with_matrix=True)
        X, y, g, kinds = [], [], [], []
        for a, b, lab, kind in pairs:
            f = story_pair_features(docs[a], docs[b], emb[a], emb[b], reuse[(a, b)].total, reuse[(b, a)].total,
                                    prob[(a, b)])
            X.append(f.vector(FEATURE_NAMES))
            y.append(lab)
            g.append(a.split("-")[0])
            kinds.append(kind)
            if kind == "same":
                same_pairs.append((a, b, f.coverage_max, _norm_text(docs[a].article.text) ==
                                   _norm_text(docs[b].article.text)))
        results[split] = (np.array(X), np.array(y), np.array(g), np.array(kinds))
    log(f"  pairs aligned and featurised in {time.time() - t0:.0f}s")
    Xtr, ytr, gtr, ktr = results["train"]
    Xte, yte, gte, kte = results["test"]

    def counts(k):
        return " / ".join(f"{int(np.sum(k == n))} {n}" for n in ("same", "near", "hard", "random"))

    log(f"  train clusters {len(chosen) - n_test}: {counts(ktr)}; test clusters {n_test}: {counts(kte)}")
    log("  feature means on train (same / near / hard / random):")
    for c, name in enumerate(FEATURE_NAMES):
        log(f"    {name:<20} " + " / ".join(f"{Xtr[ktr == k, c].mean():.3f}" for k in ("same", "near", "hard", "random")))

    # Feature set by grouped CV on the train clusters (log-loss; C chosen inside each set).
    log("  feature sets, grouped 5-fold CV on train clusters (out-of-fold P >= 0.5 for accuracy and rejections):")
    log(f"    {'set':<28} {'C':>5} {'logloss':>8} {'acc':>6} {'bacc':>6} {'near rej':>8} {'recall':>6}  negative weights")
    sets = {}
    for name, cols in STORY_FEATURE_SETS.items():
        ci = [FEATURE_NAMES.index(c) for c in cols]
        m, c_, ls = fit_logistic(Xtr[:, ci], ytr, gtr)
        oof_s = oof_probability(Xtr[:, ci], ytr, gtr, c_)
        row = {
            "C": c_, "logloss": ls[c_], "acc": metric_value(oof_s >= 0.5, ytr, "accuracy"),
            "bacc": metric_value(oof_s >= 0.5, ytr, "balanced_accuracy"),
            "near": float((oof_s[ktr == "near"] < 0.5).mean()), "recall": float((oof_s[ytr == 1] >= 0.5).mean()),
            "model": m, "cols": ci, "oof": oof_s, "losses": ls,
            "negative": [c for c, v in zip(cols, m.coef_[0]) if v < 0],
        }
        sets[name] = row
        log(f"    {name:<28} {c_:>5g} {row['logloss']:>8.4f} {row['acc']:>6.3f} {row['bacc']:>6.3f} "
            f"{row['near']:>8.3f} {row['recall']:>6.3f}  {', '.join(row['negative']) or '-'}")
    # Every feature is evidence *for* the same story by construction; a negative weight is
    # the model exploiting an artefact of this data (e.g. the pair scorer's high probabilities
    # between unrelated Multi-News sentences), so such sets are not eligible.
    eligible_sets = [n for n in sets if not sets[n]["negative"]] or list(sets)
    best = min(eligible_sets, key=lambda n: (sets[n]["logloss"], len(STORY_FEATURE_SETS[n])))
    features = list(STORY_FEATURE_SETS[best])
    model, C, ci, oof = sets[best]["model"], sets[best]["C"], sets[best]["cols"], sets[best]["oof"]
    base = sets[BASELINE_SET]
    log(f"  chosen: {best} (lowest CV log-loss {sets[best]['logloss']:.4f} among sets with no negative weight; "
        f"{BASELINE_SET} {base['logloss']:.4f})")

    p_te = model.predict_proba(Xte[:, ci])[:, 1]
    p_tr = model.predict_proba(Xtr[:, ci])[:, 1]
    p_te_base = base["model"].predict_proba(Xte[:, base["cols"]])[:, 1]
    acc_te = metric_value(p_te >= 0.5, yte, "accuracy")
    f1_te = metric_value(p_te >= 0.5, yte, "f1")
    acc_tr = metric_value(p_tr >= 0.5, ytr, "accuracy")

    def rejections(p, cut=0.5):
        return {k: float((p[kte == k] < cut).mean()) if np.any(kte == k) else float("nan")
                for k in ("near", "hard", "random")}

    rej = rejections(p_te)
    rej_txt = ", ".join(f"{k} {v:.3f}" for k, v in rej.items())
    rej_base = rejections(p_te_base)
    pos_te = float((p_te[kte == "same"] >= 0.5).mean())
    same_cut, same_bacc = best_cut(oof, ytr, "balanced_accuracy")
    same_te_bacc = metric_value(p_te >= same_cut, yte, "balanced_accuracy")
    same_te_acc = metric_value(p_te >= same_cut, yte, "accuracy")
    rej_cut = rejections(p_te, same_cut)
    rec_cut = float((p_te[kte == "same"] >= same_cut).mean())
    bacc_te_05 = metric_value(p_te >= 0.5, yte, "balanced_accuracy")
    w = [float(v) for v in model.coef_[0]]
    b = float(model.intercept_[0])
    log("  CV log-loss by C: " + ", ".join(f"{c:g}: {v:.4f}" for c, v in sets[best]["losses"].items())
        + f" -> C={C:g}")
    log(f"  intercept {b:.3f}, weights " + ", ".join(f"{n} {v:.3f}" for n, v in zip(features, w)))
    log(f"  at P >= 0.5: train accuracy {acc_tr:.3f}; test accuracy {acc_te:.3f}, F1 {f1_te:.3f}, "
        f"balanced accuracy {bacc_te_05:.3f}; same-story recall {pos_te:.3f}, negatives rejected: {rej_txt}")
    log(f"  {BASELINE_SET} on the same test pairs at P >= 0.5: near rejected {rej_base['near']:.3f}, "
        f"accuracy {metric_value(p_te_base >= 0.5, yte, 'accuracy'):.3f}")
    log(f"  story_same {same_cut:.4f}: balanced accuracy {same_bacc:.3f} out-of-fold on train, "
        f"{same_te_bacc:.3f} on test (accuracy {same_te_acc:.3f}); at it on test: same-story recall "
        f"{rec_cut:.3f}, near rejected {rej_cut['near']:.3f}")

    # How far independent reports of one event reach into each other (printed, not a threshold:
    # the 95th percentile is 1.0 because syndicated copies are among the "independent" pairs).
    cov_same = np.array([c for _, _, c, dup in same_pairs if not dup])
    n_dup = sum(1 for *_, dup in same_pairs if dup)
    partial = float(np.percentile(cov_same, 95))
    q = np.percentile(cov_same, [50, 75, 90, 95])
    log(f"  coverage between same-story reports {partial:.4f}: 95th percentile of coverage_max over {len(cov_same)} same-story pairs "
        f"(train + test, {n_dup} identical-text pairs left out); median {q[0]:.3f}, 75th {q[1]:.3f}, "
        f"90th {q[2]:.3f}; {np.mean(cov_same >= 0.999):.1%} at 1.0")

    data_note = (f"Multi-News test (multinews_test_truncated.jsonl.gz), {len(chosen)} clusters with >= 2 "
                 f"Multi-News+-kept articles of >= {min_words} words (seed {SEED}) + {len(arts) - n_anchor} "
                 f"retrieved articles of other clusters, split by cluster "
                 f"{len(chosen) - n_test} train / {n_test} test; train pairs {counts(ktr)}; test pairs {counts(kte)}")
    set_txt = "; ".join(f"{n}: {r['logloss']:.4f}/{r['acc']:.3f}/near {r['near']:.3f}" for n, r in sets.items())
    return {
        "story_model": {
            "intercept": round(b, 4),
            "weights": [round(v, 4) for v in w],
            "features": features,
            "data": data_note,
            "objective": "logistic regression P(same story), class-balanced, C by grouped 5-fold CV log-loss; "
                         "feature set of lowest grouped 5-fold CV log-loss on train clusters among sets whose "
                         "weights are all non-negative; boilerplate sentences (>= 5 words, verbatim in >= 3 "
                         "clusters) removed first; "
                         "negatives from other clusters: 'near' = the article's TF-IDF nearest neighbour among "
                         "clusters outside the sample, 'hard' = sampled articles sharing a PERSON/ORG/GPE name, "
                         "'random'",
            "fit": f"set {best}, C={C:g}; test accuracy {acc_te:.3f}, F1 {f1_te:.3f} at P >= 0.5; same-story recall "
                   f"{pos_te:.3f}, negatives rejected: {rej_txt} ({BASELINE_SET}: near {rej_base['near']:.3f}); "
                   f"CV log-loss/accuracy/near rejected by set: {set_txt}",
        },
        "story_same": {
            "value": round(same_cut, 4),
            "data": data_note,
            "objective": "max balanced accuracy of P(same story) >= value on out-of-fold train probabilities",
            "fit": f"balanced accuracy {same_bacc:.3f} out-of-fold on train, {same_te_bacc:.3f} on test clusters; "
                   f"at it on test: same-story recall {rec_cut:.3f}, near rejected {rej_cut['near']:.3f}",
        },
    }

FITS = {
    "merge_containment": (("merge_containment",), fit_merge_containment),
    "link_cosine_floor": (("link_cosine_floor",), fit_link_cosine_floor),
    "coverage": (("derived_coverage", "wholly_coverage"), fit_coverage),
    "shared_source_agreement": (("shared_source_agreement",), fit_shared_source),
    "version_model": (("version_model",), fit_version_model),
    "excerpt_model": (("excerpt_model",), fit_excerpt_model),
    "story_model": (("story_model", "story_same"), fit_story_model),
}


def write_entries(path: Path, entries: dict) -> None:
    table = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    table.update(entries)
    path.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    from storytrace import fitted

    fitted.load.cache_clear()  # later fits run the pipeline with the new values


def main(argv: list[str] | None = None) -> int:
    names = [n for entries, _ in FITS.values() for n in entries]
    ap = argparse.ArgumentParser(prog="python -m training.fit_thresholds", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--only", choices=names, help="fit one entry (entries fitted together are written together)")
    ap.add_argument("--out", type=Path, default=THRESHOLDS)
    ap.add_argument("--clusters", type=int, default=250, help="Multi-News clusters for story_model")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, flush=True)

    pipe = Pipeline()
    scorer_mod = sys.modules[type(pipe.scorer).__module__]
    log(f"fit_thresholds on {args.data} ({date.today().isoformat()}); pair scorer "
        f"{type(pipe.scorer).__module__}.{type(pipe.scorer).__name__}, decision_threshold "
        f"{pipe.scorer.decision_threshold:g} ({Path(scorer_mod.__file__).name})")
    fitted: dict = {}
    t_all = time.time()
    for group, (entries, fn) in FITS.items():
        if args.only and args.only not in entries:
            continue
        t0 = time.time()
        kwargs = {"n_clusters": args.clusters} if fn is fit_story_model else {}
        out = fn(args.data, pipe, log, **kwargs)
        log(f"  ({time.time() - t0:.0f}s)")
        write_entries(args.out, out)
        fitted.update(out)
    log("")
    log(f"{'entry':<24} {'value':>9}  fit")
    log("-" * 100)
    for name, e in fitted.items():
        v = e.get("value")
        vs = f"{v:.4f}" if v is not None else "(model)"
        log(f"{name:<24} {vs:>9}  {e['fit']}")
    log(f"\nwrote {len(fitted)} entries to {args.out} in {time.time() - t_all:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
