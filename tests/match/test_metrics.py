import pytest

from kechuang.match.evaluation.metrics import (
    ExpertLoss,
    bootstrap_loss_interval,
    expert_loss,
    pair_accuracy,
    pooled_loss,
    recall_at,
    reciprocal_rank,
)

TRUTH = {"p1": 5.0, "p2": 3.0, "p3": 1.0}


def test_perfect_reversed_and_constant_predictions() -> None:
    assert expert_loss(TRUTH, {"p1": 3, "p2": 2, "p3": 1}) == ExpertLoss(0.0, 8.0)
    assert expert_loss(TRUTH, {"p1": 1, "p2": 2, "p3": 3}) == ExpertLoss(8.0, 8.0)
    constant = expert_loss(TRUTH, {"p1": 0, "p2": 0, "p3": 0})
    assert pooled_loss([constant]) == 0.5


def test_one_inversion_costs_its_true_difference() -> None:
    # p2 and p3 swapped: |3 - 1| = 2 of a maximum 2 + 4 + 2 = 8.
    assert expert_loss(TRUTH, {"p1": 3, "p2": 1, "p3": 2}) == ExpertLoss(2.0, 8.0)


def test_easy_and_hard_pairs_follow_the_reference_definition() -> None:
    truth = {"e": {"a": 5.0, "b": 4.0, "c": 1.0}}
    predicted = {"e": {"a": 1.0, "b": 2.0, "c": 0.0}}
    # easy pairs: (a, c), (b, c) -> both right; hard pairs: (a, b) -> wrong.
    assert pair_accuracy(truth, predicted, ["e"], "easy") == 1.0
    assert pair_accuracy(truth, predicted, ["e"], "hard") == 0.0


def test_bootstrap_interval_brackets_the_point_estimate() -> None:
    rows = [[ExpertLoss(1, 4), ExpertLoss(3, 4), ExpertLoss(0, 4), ExpertLoss(2, 4)]] * 2
    low, high = bootstrap_loss_interval(rows, resamples=500, seed=1)
    assert low <= pooled_loss(rows[0]) <= high
    assert bootstrap_loss_interval(rows, resamples=500, seed=1) == (low, high)


def test_rank_metrics() -> None:
    assert reciprocal_rank(["x", "y", "z"], "y") == 0.5
    assert reciprocal_rank(["x"] * 10 + ["y"], "y") == 0
    assert recall_at(["x", "y"], "y") == 1
    assert recall_at(["x"], "y") == 0
    with pytest.raises(KeyError):
        expert_loss(TRUTH, {"p1": 1})
