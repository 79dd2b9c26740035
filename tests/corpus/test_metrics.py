import math

import pytest

from storytrace.corpus.metrics import cluster_scores, scores_for


def test_perfect_clustering():
    s = cluster_scores(["a", "a", "b"], [1, 1, 2])
    assert s.bcubed_f1 == 1.0 and s.pair_f1 == 1.0
    assert (s.clusters, s.classes, s.n) == (2, 2, 3)


def test_all_in_one_cluster():
    # gold {1,2},{3}: every item's cluster has 3 items
    s = cluster_scores(["x", "x", "x"], [1, 1, 2])
    # precision: items 1,2 -> 2/3 each, item 3 -> 1/3; mean 5/9
    assert s.bcubed_precision == pytest.approx(5 / 9)
    assert s.bcubed_recall == 1.0
    assert s.pair_precision == pytest.approx(1 / 3)  # 1 true of 3 predicted pairs
    assert s.pair_recall == 1.0


def test_all_singletons():
    s = cluster_scores([1, 2, 3, 4], ["a", "a", "b", "b"])
    assert s.bcubed_precision == 1.0
    assert s.bcubed_recall == pytest.approx(0.5)
    assert s.pair_precision == 1.0  # no predicted pairs
    assert s.pair_recall == 0.0 and s.pair_f1 == 0.0


def test_hand_example_amigo():
    # clusters {a1,a2,b1}, {b2,b3}; classes a={a1,a2}, b={b1,b2,b3}
    pred = [0, 0, 0, 1, 1]
    gold = ["a", "a", "b", "b", "b"]
    s = cluster_scores(pred, gold)
    p = (2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5
    r = (1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5
    assert s.bcubed_precision == pytest.approx(p)
    assert s.bcubed_recall == pytest.approx(r)
    assert s.bcubed_f1 == pytest.approx(2 * p * r / (p + r))
    # pairs: predicted 3 + 1 = 4, gold 1 + 3 = 4, true: (a1,a2), (b2,b3) = 2
    assert s.pair_precision == pytest.approx(0.5) and s.pair_recall == pytest.approx(0.5)


def test_scores_for_mapping_and_length_check():
    s = scores_for({"1": "s1", "2": "s1", "3": "s2", "x": "s9"}, {"1": "g", "2": "g", "3": "h"})
    assert s.n == 3 and math.isclose(s.bcubed_f1, 1.0)
    with pytest.raises(ValueError):
        cluster_scores([1], [1, 2])
