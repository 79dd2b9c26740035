"""Feature extraction for the pair scorer: numbers, negation, entities, containment, and the matrix/paired agreement."""

from __future__ import annotations

import time

import numpy as np
import pytest

from storytrace.compare.pairfeatures import (
    FEATURE_NAMES,
    analyse,
    entities_in,
    has_negation,
    intersections,
    numbers_in,
    pair_features,
)

F = {n: k for k, n in enumerate(FEATURE_NAMES)}


def _emb(n: int, seed: int = 0) -> np.ndarray:
    e = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def test_numbers_normalised():
    assert numbers_in("Sales rose 1,200 units to $2.50 a share, up 7%.") == {"1200", "2.5", "7"}
    assert numbers_in("He won 2.50 and then 2.5.") == {"2.5"}
    assert numbers_in("Three people died.") == {"3"}
    assert numbers_in("No figures here.") == frozenset()


def test_negation():
    assert has_negation("The minister did not resign.")
    assert has_negation("The minister didn't resign.")
    assert has_negation("She never said that.")
    assert not has_negation("The minister resigned on Tuesday.")
    assert not has_negation("Nothingness is a word in a notebook.")  # whole words only


def test_entities_capitalised_tokens():
    ents = entities_in("The Prime Minister met Angela Merkel in Berlin on Monday.")
    assert {"angela", "merkel", "berlin", "prime", "minister"} <= ents
    assert "the" not in ents and "monday" not in ents


def test_number_entity_negation_mismatch_features():
    a = ["Police arrested 12 people in Paris on Friday."]
    b = [
        "Police arrested 12 people in Paris on Friday.",
        "Police arrested 15 people in Paris on Friday.",
        "Police arrested 12 people in Lyon on Friday.",
        "Police did not arrest 12 people in Paris on Friday.",
    ]
    X, cont = pair_features(a, b, _emb(1), _emb(4, 1), use_wordllama=False)
    assert X.shape == (1, 4, len(FEATURE_NAMES))
    assert X[0, 0, F["num_conflict"]] == 0 and X[0, 1, F["num_conflict"]] == 1
    assert X[0, 1, F["num_a"]] > 0 and X[0, 0, F["num_a"]] == 0
    assert X[0, 2, F["ent_a"]] > 0 and X[0, 0, F["ent_a"]] == 0
    assert X[0, 3, F["neg_mismatch"]] == 1 and X[0, 0, F["neg_mismatch"]] == 0
    assert cont[0, 0] == pytest.approx(1.0)
    assert X[0, 0, F["w3_min"]] == pytest.approx(1.0) and X[0, 0, F["lcs_min"]] == pytest.approx(1.0)


def test_containment_is_directional():
    a = ["Storm closes schools."]
    b = ["A heavy storm closes schools across the northern region for two days."]
    _, cont = pair_features(a, b, _emb(1), _emb(1, 1), use_wordllama=False)
    _, back = pair_features(b, a, _emb(1, 1), _emb(1), use_wordllama=False)
    assert cont[0, 0] == pytest.approx(1.0)
    assert back[0, 0] < 0.5


def test_intersections_match_python_sets():
    texts = ["The cat sat on the mat.", "A dog sat on a log.", "", "Cats and dogs, 3 of them."]
    infos = [analyse(t) for t in texts]
    for attr in ("content", "bigrams", "char4", "numbers"):
        sets = [getattr(x, attr) for x in infos]
        got = intersections(sets, sets[::-1])
        want = np.array([[len(x & y) for y in sets[::-1]] for x in sets])
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(intersections(sets, sets[::-1], paired=True), np.diag(want))


def test_paired_equals_matrix_diagonal():
    a = ["Shares rose 5% on Monday.", "The mayor did not comment.", "Rain is expected in London."]
    b = ["Shares fell 5% on Monday.", "The mayor declined to comment.", "London expects rain tomorrow."]
    ea, eb = _emb(3), _emb(3, 1)
    M, cm = pair_features(a, b, ea, eb)
    P, cp = pair_features(a, b, ea, eb, paired=True)
    np.testing.assert_allclose(P, M[np.arange(3), np.arange(3)], atol=1e-6)
    np.testing.assert_allclose(cp, np.diag(cm), atol=1e-6)


def test_empty_inputs():
    X, c = pair_features([], ["x"], np.zeros((0, 384)), _emb(1))
    assert X.shape == (0, 1, len(FEATURE_NAMES)) and c.shape == (0, 1)


def test_score_matrix_interface_and_speed():
    from storytrace.compare.pairscore import KINDS, PairScorer

    scorer = PairScorer.load()
    assert 0.0 < scorer.decision_threshold < 1.0
    a = [f"Officials said {i} people were hurt when the bridge in Town{i} collapsed on Monday." for i in range(25)]
    b = [f"The bridge in Town{i} collapsed, hurting {i + 1} people, officials said." for i in range(25)]
    ea, eb = _emb(25), _emb(25, 1)
    m = scorer.score_matrix(a, b, ea, eb)
    assert m.probability.shape == m.kind.shape == m.containment.shape == (25, 25)
    assert ((m.probability >= 0) & (m.probability <= 1)).all()
    assert set(m.kind.ravel()) <= set(KINDS)
    same = scorer.score_matrix(a[:2], a[:2], ea[:2], ea[:2])
    assert same.kind[0, 0] == "verbatim" and same.probability[0, 0] > scorer.decision_threshold
    t0 = time.perf_counter()
    for _ in range(5):
        scorer.score_matrix(a, b, ea, eb)
    assert (time.perf_counter() - t0) / 5 < 0.25  # ~20 ms measured; generous for loaded CI machines
