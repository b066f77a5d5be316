"""Aggregation of children into their parent, one aggregate at a time.

Weighted arithmetic and geometric means follow COINr's ``a_amean``/``a_gmean``: a missing
child is dropped and the remaining weights renormalised, so a gap neither counts as zero nor
blocks the unit. TOPSIS and grey relational analysis are offered as alternatives to compare
rankings against (scaled ×100 to sit on the same 0–100 scale).
"""

from __future__ import annotations

import numpy as np

from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.mcda import grey_relational_grade, topsis


def weighted_arithmetic(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ w·x / Σ w over the children present (units × children → units)."""
    present = ~np.isnan(values)
    w = np.broadcast_to(weights, values.shape) * present
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (np.where(present, values, 0.0) * w).sum(axis=-1) / total
    return np.where(total > 0, out, np.nan)


def weighted_geometric(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """exp(Σ w·ln x / Σ w) over the children present; needs x > 0 (Handbook 2008, §6.2).

    Partial compensability: a low child cannot be fully offset by a high one.
    """
    present = ~np.isnan(values)
    if np.any(values[present] <= 0):
        raise IndexSpecError(
            "几何平均要求所有得分为正；请把归一化区间设为 [1, 100] "
            "或使用 z 分数（均值 10，标准差 2）",
            "the geometric mean needs positive scores; normalise to [1, 100] or use a z-score "
            "with mean 10 and sd 2",
            where="aggregate",
        )
    w = np.broadcast_to(weights, values.shape) * present
    total = w.sum(axis=-1)
    logs = np.log(np.where(present, values, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.exp((logs * w).sum(axis=-1) / total)
    return np.where(total > 0, out, np.nan)


def _complete(values: np.ndarray, method: str) -> None:
    if np.isnan(values).any():
        raise IndexSpecError(
            f"{method} 不能处理缺失值；请先插补（impute）",
            f"{method} cannot handle missing values; impute first",
            where="aggregate",
        )


def topsis_aggregate(values: np.ndarray, weights: np.ndarray, normalisation: str) -> np.ndarray:
    """TOPSIS closeness of each unit over the children, ×100 (children already oriented)."""
    _complete(values, "TOPSIS")
    keep = weights > 0
    types = np.ones(int(keep.sum()))
    out: np.ndarray = 100.0 * topsis(values[:, keep], weights[keep], types, normalisation)
    return out


def grey_aggregate(values: np.ndarray, weights: np.ndarray, rho: float = 0.5) -> np.ndarray:
    """Grey relational grade of each unit against the ideal, ×100."""
    _complete(values, "grey relational analysis")
    keep = weights > 0
    types = np.ones(int(keep.sum()))
    out: np.ndarray = 100.0 * grey_relational_grade(values[:, keep], weights[keep], types, rho)
    return out
