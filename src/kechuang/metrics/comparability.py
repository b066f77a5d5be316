"""Year-to-year comparability: frozen bounds, exact score-change decomposition, strengths and
weaknesses, effective weights.

A rank that moves from 65th to 30th can come from the unit's own progress, from other units
moving the min/max used to normalise, or from the method. With min-max normalisation and
arithmetic aggregation the index is linear in each indicator, so a change of score splits
exactly into one term per indicator plus one term for the moved bounds (JRC practice for the
Global Innovation Index audits; OECD/JRC Handbook 2008, §7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kechuang.metrics import steps
from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.pipeline import IndexResult, frozen_bounds_arrays, run_index
from kechuang.metrics.spec import AggregateMethod, IndexSpec, MinMaxSpec
from kechuang.metrics.tree import Dataset, IndicatorTree


def directed_treated(result: IndexResult) -> pd.DataFrame:
    """Treated indicators multiplied by their direction: what min-max normalises."""
    return result.stages["Treated"] * result.tree.directions()


def bounds_of(result: IndexResult) -> dict[str, tuple[float, float]]:
    """The (min, max) each indicator was normalised with — freeze them for later years."""
    directed = directed_treated(result)
    spec = result.spec.normalise
    if not isinstance(spec, MinMaxSpec):
        raise IndexSpecError(
            "只有最小-最大归一化有边界可冻结",
            "only min-max normalisation has bounds to freeze",
            where="spec.normalise",
        )
    lo, hi = frozen_bounds_arrays(result.tree, spec.bounds or {}, directed.to_numpy())
    return {
        code: (float(lo[0, j]), float(hi[0, j])) for j, code in enumerate(result.tree.indicators)
    }


def unit_effective_weights(result: IndexResult) -> pd.DataFrame:
    """Each indicator's share of each unit's index (units × indicators), gaps accounted for.

    With arithmetic aggregation, index = Σ share·normalised score exactly: a missing child's
    weight goes to its present siblings, as the aggregation does.
    """
    tree: IndicatorTree = result.tree
    scores = result.aggregated
    shares = pd.DataFrame(index=scores.index, dtype=float)
    shares[tree.root] = np.where(scores[tree.root].notna(), 1.0, 0.0)
    for level in range(tree.max_level, 1, -1):
        for parent in tree.level_codes(level):
            children = tree.children(parent)
            weights = np.array([result.weights[c] for c in children])
            present = scores[children].notna().to_numpy()
            active = present * weights
            total = active.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                fraction = np.where(total > 0, active / total, 0.0)
            for j, child in enumerate(children):
                shares[child] = shares[parent].to_numpy() * fraction[:, j]
    return shares[tree.indicators]


@dataclass(frozen=True)
class ScoreChange:
    """A unit's index change split into per-indicator contributions and a bounds term."""

    unit: str
    before: float
    after: float
    contributions: pd.Series
    bounds_term: float

    @property
    def change(self) -> float:
        """after − before."""
        return self.after - self.before


def _require_linear(result: IndexResult, which: str) -> MinMaxSpec:
    spec = result.spec
    if not isinstance(spec.normalise, MinMaxSpec) or spec.aggregate.method != (
        AggregateMethod.ARITHMETIC
    ):
        raise IndexSpecError(
            f"{which}：精确分解需要最小-最大归一化与算术平均",
            f"{which}: the exact decomposition needs min-max normalisation and the arithmetic mean",
            where="comparability",
        )
    return spec.normalise


def decompose_change(before: IndexResult, after: IndexResult) -> dict[str, ScoreChange]:
    """Split every common unit's index change into indicator contributions and a bounds term.

    With B_a the earlier run's bounds, B_b the later run's, n(x; B) min-max against bounds B and
    s the units' effective weights:
    bounds term = Σ_i s_i^b [n_i(x^b; B_b) − n_i(x^b; B_a)] (zero when bounds are frozen);
    contribution_i = s_i^b n_i(x^b; B_a) − s_i^a n_i(x^a; B_a).
    They add up to S_b − S_a exactly (tested to 1e-9).
    """
    spec_a = _require_linear(before, "before")
    spec_b = _require_linear(after, "after")
    if before.tree.indicators != after.tree.indicators:
        raise IndexSpecError(
            "两年的指标不同，无法分解", "the two runs have different indicators", where="tree"
        )
    bounds_a = bounds_of(before)
    codes = before.tree.indicators
    lo_a = np.array([bounds_a[c][0] for c in codes]).reshape(1, -1)
    hi_a = np.array([bounds_a[c][1] for c in codes]).reshape(1, -1)
    low_b, high_b = spec_b.range
    low_a, high_a = spec_a.range
    x_b = directed_treated(after)[codes].to_numpy()
    x_a = directed_treated(before)[codes].to_numpy()
    n_b_own = after.stages["Normalised"][codes].to_numpy()
    n_b_at_a = steps.minmax_with_bounds(x_b, lo_a, hi_a, low_b, high_b)
    n_a = steps.minmax_with_bounds(x_a, lo_a, hi_a, low_a, high_a)
    s_b = unit_effective_weights(after)[codes].to_numpy()
    s_a = unit_effective_weights(before)[codes].to_numpy()

    def terms(shares: np.ndarray, values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.where(shares > 0, shares * np.nan_to_num(values), 0.0)
        return out

    bounds_terms = terms(s_b, n_b_own) - terms(s_b, n_b_at_a)
    contributions_b = terms(s_b, n_b_at_a)
    contributions_a = terms(s_a, n_a)
    units_a = list(before.index.index)
    position_a = {u: i for i, u in enumerate(units_a)}
    out: dict[str, ScoreChange] = {}
    for i, unit in enumerate(after.index.index):
        if unit not in position_a:
            continue
        j = position_a[unit]
        out[str(unit)] = ScoreChange(
            unit=str(unit),
            before=float(before.index.iloc[j]),
            after=float(after.index.iloc[i]),
            contributions=pd.Series(contributions_b[i] - contributions_a[j], index=codes),
            bounds_term=float(bounds_terms[i].sum()),
        )
    return out


def strengths_and_weaknesses(result: IndexResult, top: int = 3) -> pd.DataFrame:
    """Each unit's best and worst indicators by its rank among the units (COINr
    ``get_str_weak``): rows unit, kind (strength/weakness), code, rank, score."""
    normalised = result.stages["Normalised"]
    active = [c for c in result.tree.indicators if result.weights.get(c, 0) > 0]
    ranks = normalised[active].rank(ascending=False, method="min")
    rows: list[dict[str, object]] = []
    for unit in normalised.index:
        unit_scores = normalised.loc[unit]
        unit_ranks = ranks.loc[unit].dropna().sort_values(kind="stable")
        for kind, codes in (
            ("strength", unit_ranks.index[:top]),
            ("weakness", unit_ranks.index[::-1][:top]),
        ):
            rows.extend(
                {
                    "unit": str(unit),
                    "kind": kind,
                    "code": str(code),
                    "rank": int(unit_ranks[code]),
                    "score": float(unit_scores[code]),
                }
                for code in codes
            )
    return pd.DataFrame(rows, columns=["unit", "kind", "code", "rank", "score"])


def effective_weights(result: IndexResult) -> pd.DataFrame:
    """Nominal share of the index and Pearson correlation with it, per indicator.

    The nominal share is what the weights promise; the correlation is what the index really
    follows (Paruolo, Saisana & Saltelli 2013 measure importance this way). A large gap means
    the weights do not say what the index does.
    """
    normalised = result.stages["Normalised"][result.tree.indicators]
    index = result.index
    correlation = normalised.apply(lambda column: column.corr(index))
    nominal = result.tree.effective_weights(result.weights)
    positive = correlation.clip(lower=0)
    share = positive / positive.sum() if positive.sum() > 0 else positive
    return pd.DataFrame(
        {"nominal_share": nominal, "correlation": correlation, "correlation_share": share}
    )


def removal_impacts(
    dataset: Dataset, spec: IndexSpec, codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """What each element is worth to the ranking: remove it (weight zero), re-run, compare.

    One row per element (default: every indicator and aggregate below the index) with the mean
    and the largest absolute rank change of the units and the number of units whose rank moves
    (COINr ``remove_elements``).
    """
    base = run_index(dataset, spec)
    tree = dataset.tree
    candidates = list(codes) if codes is not None else [c for c in tree.codes if c != tree.root]
    rows = []
    for code in candidates:
        removed = run_index(dataset, spec.model_copy(update={"remove": [*spec.remove, code]}))
        change = (removed.ranks - base.ranks).abs()
        rows.append(
            {
                "code": code,
                "level": tree.node(code).level,
                "mean_abs_rank_change": float(change.mean()),
                "max_abs_rank_change": float(change.max()),
                "units_moved": int((change > 0).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("code")
