"""bench.group_compare: scores are pooled over pastes without mixing their labels."""

from __future__ import annotations

from bench.group_compare import score


def test_pastes_are_scored_apart_and_pooled():
    # the same label in two pastes is two stories, not one
    perfect = score([(["s1", "s1", "s2"], ["a", "a", "b"]), (["s1", "s2"], ["a", "b"])])
    assert perfect["bcubed_f1"] == 1.0 and perfect["clusters"] == 4
    merged = score([(["s", "s", "s"], ["a", "a", "b"])])
    assert merged["bcubed_recall"] == 1.0 and merged["bcubed_precision"] < 1.0
