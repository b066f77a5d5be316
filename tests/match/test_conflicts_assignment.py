from itertools import permutations

import numpy as np
import pytest

from kechuang.match.assignment import assign
from kechuang.match.conflicts import (
    ConflictReason,
    closed_lost_dockings,
    co_authorship,
    conflicted_experts,
    same_organisation,
)


def test_conflict_rules_find_each_reason_with_its_cause() -> None:
    found = conflicted_experts(
        same_organisation({"org-a"}, {"e1": {"org-a", "org-b"}, "e2": {"org-c"}}),
        co_authorship({"p-9"}, {"e2": {"p-9", "p-1"}, "e3": {"p-2"}}),
        closed_lost_dockings("ent-1", [("dk-1", "ent-1", "e4"), ("dk-2", "ent-2", "e5")]),
    )
    assert set(found) == {"e1", "e2", "e4"}
    assert found["e1"][0].reason is ConflictReason.SAME_ORGANISATION
    assert found["e1"][0].because_of == "org-a"
    assert found["e2"][0].reason is ConflictReason.CO_AUTHORSHIP
    assert found["e4"][0].because_of == "dk-1"
    assert "同一单位" in ConflictReason.SAME_ORGANISATION.label


def _brute_force(scores: np.ndarray) -> float:
    demands, experts = scores.shape
    return max(sum(scores[d, p[d]] for d in range(demands)) for p in permutations(range(experts)))


def test_capacity_one_matches_brute_force_optimum_and_reports_the_price() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random((4, 5))
    report = assign(["d1", "d2", "d3", "d4"], list("abcde"), scores, capacity=1)
    assert report.total_score == pytest.approx(_brute_force(scores))
    assert report.max_load == 1
    assert report.unfilled == 0
    assert report.unconstrained_score == pytest.approx(scores.max(axis=1).sum())
    expected = 1 - report.total_score / report.unconstrained_score
    assert report.quality_given_up == pytest.approx(expected)


def test_one_star_expert_is_not_sent_every_demand() -> None:
    scores = np.array([[0.9, 0.5], [0.8, 0.6], [0.85, 0.4]])
    free = assign(["d1", "d2", "d3"], ["star", "other"], scores, capacity=3)
    assert free.quality_given_up == 0
    assert free.max_load == 3
    balanced = assign(["d1", "d2", "d3"], ["star", "other"], scores, capacity=[1, 2])
    loads = [expert for _, expert, _ in balanced.pairs].count("star")
    assert loads == 1
    assert balanced.unfilled == 0
    assert balanced.quality_given_up > 0


def test_conflicts_forbid_pairs_and_shortage_leaves_slots_unfilled() -> None:
    scores = np.array([[0.9, 0.1], [0.8, 0.7]])
    allowed = np.array([[False, True], [True, True]])
    report = assign(["d1", "d2"], ["a", "b"], scores, capacity=1, allowed=allowed)
    assert ("d1", "a", 0.9) not in report.pairs
    assert set(report.pairs) == {("d1", "b", 0.1), ("d2", "a", 0.8)}
    short = assign(["d1", "d2", "d3"], ["a"], np.ones((3, 1)), capacity=2)
    assert short.unfilled == 1


def test_demands_needing_several_experts_get_distinct_ones() -> None:
    scores = np.array([[0.9, 0.8, 0.1]])
    report = assign(["d1"], ["a", "b", "c"], scores, capacity=1, need=2)
    assert {expert for _, expert, _ in report.pairs} == {"a", "b"}
