"""Evaluation metrics, as pure functions over plain dicts and arrays.

Gold-standard loss and easy/hard accuracy follow Stelmakh et al., "A Gold Standard Dataset for the
Reviewer Assignment Problem" (arXiv:2303.16750) and their reference ``scripts/scoring.py``; MRR and
recall are the usual IR definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

Scores = Mapping[str, Mapping[str, float]]
"""expert id -> paper id -> score."""


@dataclass(frozen=True)
class ExpertLoss:
    """One expert's weighted pair loss and its maximum (the loss of the reverse order)."""

    loss: float
    maximum: float


def expert_loss(truth: Mapping[str, float], predicted: Mapping[str, float]) -> ExpertLoss:
    """Weighted Kendall-tau loss of one expert: |Δtrue| per inverted pair, half per tied pair."""
    loss = maximum = 0.0
    for first, second in combinations(list(truth), 2):
        true_diff = truth[first] - truth[second]
        predicted_diff = predicted[first] - predicted[second]
        maximum += abs(true_diff)
        product = true_diff * predicted_diff
        if product == 0:
            loss += abs(true_diff) / 2
        elif product < 0:
            loss += abs(true_diff)
    return ExpertLoss(loss=loss, maximum=maximum)


def pooled_loss(losses: Sequence[ExpertLoss]) -> float:
    """Σ loss / Σ maximum over experts (0 best, 0.5 for a constant prediction)."""
    maximum = sum(item.maximum for item in losses)
    return sum(item.loss for item in losses) / maximum if maximum else 0.0


def pair_accuracy(truth: Scores, predicted: Scores, experts: Sequence[str], regime: str) -> float:
    """Share of *easy* (one ≥ 4, other ≤ 2) or *hard* (both ≥ 4) pairs ordered correctly.

    As in the reference code, pairs tied in truth are skipped and a predicted tie is not correct.
    """
    pairs = correct = 0
    for expert in experts:
        rated = truth[expert]
        for first, second in combinations(list(rated), 2):
            s1, s2 = rated[first], rated[second]
            if s1 == s2:
                continue
            if regime == "hard" and min(s1, s2) < 4:
                continue
            if regime == "easy" and (max(s1, s2) < 4 or min(s1, s2) > 2):
                continue
            pairs += 1
            if (predicted[expert][first] - predicted[expert][second]) * (s1 - s2) > 0:
                correct += 1
    return correct / pairs if pairs else float("nan")


def bootstrap_loss_interval(
    per_dataset: Sequence[Sequence[ExpertLoss]],
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of the mean-over-datasets loss, resampling experts with replacement.

    The same expert resample is used for every dataset, as in the reference evaluation script.
    """
    losses = np.asarray([[item.loss for item in row] for row in per_dataset], dtype=np.float64)
    maxima = np.asarray([[item.maximum for item in row] for row in per_dataset], dtype=np.float64)
    experts = losses.shape[1]
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, experts, size=(resamples, experts))
    # (resamples, datasets): pooled loss of each resample on each dataset, then mean over datasets.
    pooled = losses[:, samples].sum(axis=2) / maxima[:, samples].sum(axis=2)
    values = pooled.mean(axis=0)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def reciprocal_rank(ranked: Sequence[str], relevant: str, cutoff: int = 10) -> float:
    """1/rank of the relevant document within the first ``cutoff`` (0 if absent)."""
    for position, document in enumerate(ranked[:cutoff], start=1):
        if document == relevant:
            return 1.0 / position
    return 0.0


def recall_at(ranked: Sequence[str], relevant: str, cutoff: int = 10) -> float:
    """1 if the relevant document is within the first ``cutoff``, else 0."""
    return 1.0 if relevant in ranked[:cutoff] else 0.0


def mean(values: Sequence[float] | npt.NDArray[np.float64]) -> float:
    """Arithmetic mean (0 for no values)."""
    return float(np.mean(values)) if len(values) else 0.0
