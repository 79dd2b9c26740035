"""Tests for storytrace/data/thresholds.json and the pure fitting functions of training/fit_thresholds.py."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from storytrace.fitted import corpus_value, provenance, threshold
from tests.helpers import REPO
from training import fit_thresholds as fit

TABLE = json.loads((REPO / "storytrace" / "data" / "thresholds.json").read_text(encoding="utf-8"))
CORPUS = json.loads((REPO / "storytrace" / "data" / "corpus_grouping.json").read_text(encoding="utf-8"))

# Thresholds read by the package with `threshold(name)`; all are shares or probabilities.
VALUE_ENTRIES = [
    "merge_containment",
    "derived_coverage",
    "wholly_coverage",
    "shared_source_agreement",
    "story_same",
    "link_cosine_floor",
]


# -- the fitted table -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_entry_says_what_it_was_fitted_on(name):
    entry = TABLE[name]
    for key in ("data", "objective"):
        assert isinstance(entry.get(key), str) and entry[key].strip(), f"{name} lacks {key}"
        assert entry[key] != "provisional", f"{name} is not fitted ({key} is provisional)"
    assert isinstance(entry.get("fit"), str) and entry["fit"].strip(), f"{name} lacks a fit note"


@pytest.mark.parametrize("name", VALUE_ENTRIES)
def test_value_entries_are_shares_in_range(name):
    value = TABLE[name]["value"]
    assert isinstance(value, (int, float)) and math.isfinite(value)
    assert 0.0 <= value <= 1.0
    assert threshold(name) == pytest.approx(value)
    assert str(value) in provenance(name)


def test_every_entry_the_script_writes_is_in_the_table():
    written = {n for entries, _ in fit.FITS.values() for n in entries}
    assert written <= set(TABLE)
    assert set(VALUE_ENTRIES) | {"story_model", "version_model", "excerpt_model"} == written


def test_excerpt_model_is_a_usable_logistic_model():
    from dataclasses import fields

    from storytrace.compare.grouping import ExcerptFeatures, logistic

    m = TABLE["excerpt_model"]
    assert set(m["features"]) <= {f.name for f in fields(ExcerptFeatures)}
    assert len(m["weights"]) == len(m["features"]) and all(w >= 0 for w in m["weights"])
    assert 0 < m["cut"] < 1 and m["data"] and m["objective"] and m["fit"]
    contained = ExcerptFeatures(1.0, 1.0, 1.0, 1.0)
    unrelated = ExcerptFeatures(0.05, 0.0, 0.0, 1.0)
    assert logistic(contained, "excerpt_model") > m["cut"] > logistic(unrelated, "excerpt_model")


@pytest.mark.parametrize("name", ["story_model", "version_model"])
def test_story_model_is_a_usable_logistic_model(name):
    from storytrace.compare.grouping import StoryPairFeatures, same_story_probability

    m = TABLE[name]
    assert m["features"] and len(set(m["features"])) == len(m["features"])
    assert len(m["weights"]) == len(m["features"])
    assert all(math.isfinite(w) for w in m["weights"]) and math.isfinite(m["intercept"])
    assert all(w >= 0 for w in m["weights"])  # every feature is evidence for the same story
    far = same_story_probability(StoryPairFeatures(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), name)
    near = same_story_probability(StoryPairFeatures(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), name)
    assert far < 0.5 < near


# -- pure fitting functions -------------------------------------------------------------


def test_metric_values():
    y = np.array([1, 1, 0, 0])
    pred = np.array([True, False, True, False])
    assert fit.metric_value(pred, y, "accuracy") == 0.5
    assert fit.metric_value(pred, y, "f1") == 0.5
    assert fit.metric_value(pred, y, "balanced_accuracy") == 0.5
    assert fit.metric_value(y.astype(bool), y, "f1") == 1.0
    with pytest.raises(ValueError):
        fit.metric_value(pred, y, "auc")


@pytest.mark.parametrize("metric", ["accuracy", "f1", "balanced_accuracy"])
def test_best_cut_separates_separable_scores(metric):
    scores = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]
    labels = [0, 0, 0, 1, 1, 1]
    cut, value = fit.best_cut(scores, labels, metric)
    assert 0.3 < cut <= 0.7 and value == 1.0


def test_best_cut_takes_middle_of_plateau_and_is_order_free():
    scores = np.array([0.1, 0.2, 0.4, 0.6, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1, 1])
    perm = np.array([3, 0, 5, 1, 4, 2])
    assert fit.best_cut(scores, labels)[0] == fit.best_cut(scores[perm], labels[perm])[0] == pytest.approx(0.5)


def test_best_cut_f1_prefers_recall_when_positives_dominate():
    # one negative above most positives: F1 keeps the low cut, accuracy too here
    scores = [0.2, 0.3, 0.35, 0.4, 0.5, 0.6]
    labels = [0, 1, 0, 1, 1, 1]
    cut, f1 = fit.best_cut(scores, labels, "f1")
    assert cut < 0.3 and f1 == pytest.approx(2 * 4 / (2 * 4 + 1))


def test_stratified_and_group_folds_partition_the_items():
    y = np.array([0] * 7 + [1] * 13)
    folds = fit.stratified_folds(y, 5, seed=0)
    assert len(folds) == 5
    held = np.concatenate([te for _, te in folds])
    assert sorted(held.tolist()) == list(range(20))
    for tr, te in folds:
        assert not set(tr) & set(te)
        assert 1 <= y[te].sum() <= 3
    assert [te.tolist() for _, te in folds] == [te.tolist() for _, te in fit.stratified_folds(y, 5, seed=0)]
    g = ["a", "b", "a", "c", "b"]
    gf = fit.group_folds(g)
    assert [te.tolist() for _, te in gf] == [[0, 2], [1, 4], [3]]


def test_cv_cut_reports_held_out_metric_per_fold():
    rng = np.random.default_rng(0)
    y = np.array([0] * 20 + [1] * 20)
    s = np.where(y == 1, 0.7, 0.3) + rng.normal(0, 0.05, 40)
    accs = fit.cv_cut(s, y, "accuracy", fit.stratified_folds(y, 4, seed=1))
    assert len(accs) == 4 and all(a == 1.0 for a in accs)


def test_lower_percentile_is_reached_by_ninety_percent():
    values = np.linspace(0, 1, 57)
    p = fit.lower_percentile(values, 10)
    assert p in values
    assert (values >= p).mean() >= 0.9
    with pytest.raises(ValueError):
        fit.lower_percentile([], 10)


def test_unwrap_joins_hard_wrapped_lines_and_keeps_paragraphs():
    text = "Inheritance is a basic\nconcept of OOP.\r\n\r\nA second\n  paragraph.\n"
    assert fit.unwrap(text) == "Inheritance is a basic concept of OOP.\n\nA second paragraph."


def test_make_merge_joins_two_sentences_into_one():
    assert fit.make_merge("The plant closed.", "The union protested.", ", and ") == (
        "The plant closed, and the union protested."
    )
    assert fit.make_merge("Shares fell 3%.", "Microsoft gained.", "; ") == "Shares fell 3%; Microsoft gained."
    assert fit.make_merge("NASA launched it.", "IBM said so.", "; ") == "NASA launched it; IBM said so."


def test_merge_examples_are_seeded_and_contain_the_partner():
    pairs = [("a one.", "b one.", 1), ("a two.", "b two.", 0), ("a three.", "b three.", 1)]
    pool = ["x one.", "x two.", "x three.", "b one."]
    ex = fit.merge_examples(pairs, pool, seed=3)
    assert ex == fit.merge_examples(pairs, pool, seed=3)
    for (s1, s2, label), (t1, merged, lab) in zip(pairs, ex):
        assert t1 == s1 and lab == label
        allowed = {fit.make_merge(s2, s3, j) for s3 in pool if s3 not in (s1, s2) for j in (", and ", "; ")}
        assert merged in allowed


def test_story_pairs_labels_follow_the_definitions():
    clusters = ["c1", "c1", "c1", "c2", "c2", "c3", "c3", "c4"]
    names = [{"obama"}, {"senate"}, set(), {"obama", "paris"}, {"paris"}, {"senate"}, set(), {"tokyo"}]
    pairs = fit.story_pairs(clusters, names, seed=0, max_pos_per_cluster=2, hard_ratio=1.0, random_ratio=0.5)
    assert pairs == fit.story_pairs(clusters, names, seed=0, max_pos_per_cluster=2, hard_ratio=1.0, random_ratio=0.5)
    keys = [(i, j) for i, j, _, _ in pairs]
    assert len(keys) == len(set(keys))
    pos = [p for p in pairs if p[3] == "same"]
    hard = [p for p in pairs if p[3] == "hard"]
    rand = [p for p in pairs if p[3] == "random"]
    assert len(pos) == 2 + 1 + 1  # c1 capped at 2 of its 3 pairs; c2, c3 one each
    for i, j, label, kind in pairs:
        assert i < j
        assert label == (kind == "same")
        assert (clusters[i] == clusters[j]) == (kind == "same")
        if kind == "hard":
            assert names[i] & names[j]
    assert sorted((i, j) for i, j, _, _ in hard) == [(0, 3), (1, 5)]  # all cross-cluster name sharers
    assert len(rand) == 2


def test_fit_logistic_learns_the_informative_feature():
    rng = np.random.default_rng(0)
    n = 200
    y = rng.integers(0, 2, n)
    X = np.column_stack([rng.random(n), y * 0.6 + rng.random(n) * 0.4, rng.random(n), rng.random(n)])
    groups = np.arange(n) // 10
    model, C, losses = fit.fit_logistic(X, y, groups, Cs=(0.1, 10.0))
    assert C in (0.1, 10.0) and set(losses) == {0.1, 10.0}
    w = model.coef_[0]
    assert w[1] > 0 and abs(w[1]) > 3 * max(abs(w[0]), abs(w[2]), abs(w[3]))
    oof = fit.oof_probability(X, y, groups, C)
    assert ((oof >= 0.5) == y).mean() > 0.9


def test_story_pairs_near_negatives_come_from_the_retrieved_candidates():
    clusters = ["c1", "c1", "c2", "c2", "p1", "p2"]
    names = [{"obama"}, {"obama"}, {"paris"}, set(), {"obama"}, set()]
    anchors = [True, True, True, True, False, False]
    near = [(0, 4), (2, 5), (1, 0)]  # (1, 0) is within one cluster: never a negative
    with_name = fit.story_pairs(clusters, names, 0, near=near, anchors=anchors, near_needs_name=True)
    assert [(i, j) for i, j, _, k in with_name if k == "near"] == [(0, 4)]
    without = fit.story_pairs(clusters, names, 0, near=near, anchors=anchors, near_needs_name=False)
    assert sorted((i, j) for i, j, _, k in without if k == "near") == [(0, 4), (2, 5)]
    for i, j, label, kind in without:
        if kind in ("same", "hard", "random"):
            assert anchors[i] and anchors[j]


def test_nearest_other_skips_the_own_group():
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    pool = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    assert fit.nearest_other(q, pool, ["a", "b"], ["a", "x", "y"]) == [1, 2]


def test_story_model_features_are_pair_features():
    from storytrace.compare.grouping import FEATURE_NAMES

    m = TABLE["story_model"]
    assert set(m["features"]) <= set(FEATURE_NAMES) and len(m["features"]) == len(m["weights"])


def test_top_pair_mean_is_one_to_one_and_needs_more_than_one_pair():
    from storytrace.compare.grouping import top_pair_mean

    one_copied = np.array([[1.0, 0.1, 0.1], [0.9, 0.1, 0.1], [0.9, 0.1, 0.1]])
    assert top_pair_mean(one_copied) == pytest.approx((1.0 + 0.1 + 0.1) / 3)
    assert top_pair_mean(np.eye(3)) == pytest.approx(1.0)
    assert top_pair_mean(np.array([[0.8, 0.4]])) == pytest.approx(0.8)  # k lowered to the shorter side
    assert top_pair_mean(np.zeros((0, 3))) == 0.0


def test_boilerplate_is_what_repeats_across_clusters():
    text = "Sign up for our daily newsletter today. The dam broke on Tuesday morning."
    clusters = [(c, [text.replace("dam", f"dam {c}")]) for c in range(3)] + [(9, ["The dam broke on Tuesday morning."])]
    boiler = fit.boilerplate_sentences(clusters, min_clusters=3)
    assert boiler == {"sign up for our daily newsletter today"}
    assert fit.strip_sentences(text, boiler) == "The dam broke on Tuesday morning."


def test_write_entries_keeps_other_entries(tmp_path):
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps({"kept": {"value": 1.0}, "refit": {"value": 0.1}}), encoding="utf-8")
    fit.write_entries(path, {"refit": {"value": 0.2}, "new": {"value": 0.3}})
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "kept": {"value": 1.0}, "refit": {"value": 0.2}, "new": {"value": 0.3}}


# -- corpus_grouping.json (training/fit_corpus_grouping.py) ------------------------------


def test_corpus_grouping_entries_say_how_they_were_fitted():
    assert list(CORPUS) == ["join_cosine", "join_cosine_lead", "dup_jaccard", "window_hours", "avglink_cut_lead",
                            "avglink_boilerplate_df", "avglink_max_terms"]
    for name, entry in CORPUS.items():
        assert set(entry) == {"value", "data", "objective", "fit"}, name
        assert all(isinstance(entry[k], str) and entry[k].strip() for k in ("data", "objective", "fit")), name
        script = "fit_lexical_grouping" if name.startswith("avglink") else "fit_corpus_grouping"
        assert entry["fit"].startswith(f"python -m training.{script}"), name
        assert corpus_value(name) == pytest.approx(entry["value"])
        assert str(entry["value"]) in provenance(name)


def test_corpus_grouping_fit_grids_hold_the_shipped_values():
    from training import fit_corpus_grouping as fcg

    assert CORPUS["join_cosine"]["value"] in fcg.COSINE_GRID
    assert CORPUS["dup_jaccard"]["value"] in fcg.DUP_GRID
    assert CORPUS["join_cosine_lead"]["value"] in fcg.LEAD_GRID
    assert float(CORPUS["window_hours"]["value"]).is_integer()
    from training import fit_lexical_grouping as flg

    assert CORPUS["avglink_cut_lead"]["value"] in flg.LEAD_GRID
    assert CORPUS["avglink_boilerplate_df"]["value"] in flg.BOILERPLATE_GRID
    assert CORPUS["avglink_max_terms"]["value"] in flg.TERMS_GRID
