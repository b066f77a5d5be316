"""From the scores of an entity's works to the entity's score (an expert is the set of works).

Strategies live in :data:`AGGREGATIONS`, keyed by :class:`AggregationName`. The default was chosen
by measurement on the reviewer-assignment gold standard (see ``docs/matching.md``); the others stay
available because a region's profiles may differ.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import partial

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


class AggregationName(StrEnum):
    """How works' scores make an entity's score."""

    MAX = "max"
    MEAN = "mean"
    TOP2_MEAN = "top2-mean"
    TOP3_MEAN = "top3-mean"
    TOP5_MEAN = "top5-mean"
    SOFTMAX = "softmax"


def max_score(scores: FloatArray) -> float:
    """The best work decides (openreview-expertise ``max_score``)."""
    return float(scores.max()) if scores.size else 0.0


def mean_score(scores: FloatArray) -> float:
    """Every work counts equally (openreview-expertise ``average_score``)."""
    return float(scores.mean()) if scores.size else 0.0


def top_k_mean(scores: FloatArray, k: int) -> float:
    """Mean of the ``k`` best works: robust to one lucky match, unlike ``max``."""
    if not scores.size:
        return 0.0
    k = min(k, scores.size)
    return float(np.partition(scores, scores.size - k)[scores.size - k :].mean())


def softmax_weighted(scores: FloatArray, temperature: float = 0.02) -> float:
    """Scores weighted by softmax(score / T): between mean (T large) and max (T small).

    The default temperature suits cosine-scale scores (their spread within a profile is ~0.05).
    """
    if not scores.size:
        return 0.0
    finite = scores.astype(np.float64)
    weights = np.exp((finite - finite.max()) / temperature)
    return float((weights * finite).sum() / weights.sum())


Aggregation = Callable[[FloatArray], float]

AGGREGATIONS: dict[AggregationName, Aggregation] = {
    AggregationName.MAX: max_score,
    AggregationName.MEAN: mean_score,
    AggregationName.TOP2_MEAN: partial(top_k_mean, k=2),
    AggregationName.TOP3_MEAN: partial(top_k_mean, k=3),
    AggregationName.TOP5_MEAN: partial(top_k_mean, k=5),
    AggregationName.SOFTMAX: softmax_weighted,
}
