"""Checks on weights that do not need a finished index: sparse indicators under entropy.

Entropy weighting rewards dispersion, and an indicator that is zero for almost every unit is
maximally dispersed: it can take most of the weight while measuring almost nobody. The check
below says so when it happens, so nobody publishes a ranking decided by one rare event.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kechuang.metrics.tree import IndicatorTree

SPARSE_SHARE = 0.5
"""An indicator is sparse when at least this share of units has zero or no value."""


def sparse_indicators(data: pd.DataFrame, threshold: float = SPARSE_SHARE) -> list[str]:
    """Indicators with zero or missing values for at least ``threshold`` of the units."""
    empty = (data.fillna(0.0) == 0.0).mean(axis=0)
    return [str(code) for code, share in empty.items() if share >= threshold]


def sparse_weight_warnings(
    data: pd.DataFrame, tree: IndicatorTree, weights: Mapping[str, float]
) -> list[str]:
    """Warn when sparse indicators hold most of their aggregate's weight.

    Fires for an aggregate whose sparse children together hold more than half its weight, or
    whose single largest weight (at least twice the equal share) goes to a sparse child.
    """
    sparse = set(sparse_indicators(data))
    warnings: list[str] = []
    for parent in {tree.node(code).parent for code in sparse}:
        if parent is None:
            continue
        children = tree.children(parent)
        total = sum(weights[c] for c in children)
        if total <= 0:
            continue
        shares = {c: weights[c] / total for c in children}
        sparse_share = sum(shares[c] for c in children if c in sparse)
        top = max(children, key=lambda c: shares[c])
        if sparse_share > 0.5 or (top in sparse and shares[top] >= 2.0 / len(children)):
            names = ", ".join(f"{c} {shares[c]:.0%}" for c in children if c in sparse)
            warnings.append(
                f"{parent}：熵权把大部分权重给了稀疏指标（多数单位为零或缺失）：{names}；"
                "请改用给定权重或合并该指标 / "
                f"{parent}: entropy weighting gives most of the weight to sparse indicators "
                f"(zero or missing for most units): {names}; use given weights or merge them"
            )
    return warnings
