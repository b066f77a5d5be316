"""Run an index spec over a data set: every stage kept, every choice recorded.

The stages are named as in COINr (Raw, Denominated, Imputed, Screened, Treated, Normalised,
Aggregated) so each can be compared with COINr's ``coin$Data`` one to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kechuang.metrics import aggregate as agg
from kechuang.metrics import mcda, steps
from kechuang.metrics.diagnostics import sparse_weight_warnings
from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.spec import (
    COINR_DEFAULT,
    AggregateMethod,
    AggregateSpec,
    ImputeMethod,
    IndexSpec,
    MinMaxSpec,
    NormaliseSpec,
    RankSpec,
    TargetSpec,
    WeightMethod,
    WeightsSpec,
    ZScoreSpec,
)
from kechuang.metrics.tree import Dataset, IndicatorTree


@dataclass
class IndexResult:
    """Every stage of one index run, the weights used and what each step did."""

    spec: IndexSpec
    tree: IndicatorTree
    stages: dict[str, pd.DataFrame]
    weights: dict[str, float]
    treatment: list[steps.TreatmentRecord] = field(default_factory=list)
    dropped_units: list[str] = field(default_factory=list)
    ahp: dict[str, mcda.AhpResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def aggregated(self) -> pd.DataFrame:
        """Normalised indicators and every aggregate, units × codes."""
        return self.stages["Aggregated"]

    @property
    def index(self) -> pd.Series:
        """The index score per unit."""
        return self.aggregated[self.tree.root]

    @property
    def ranks(self) -> pd.Series:
        """Rank per unit, 1 = best; ties share the best rank (R's ``ties.method = "min"``)."""
        return rank_descending(self.index)

    def to_json(self) -> dict[str, Any]:
        """The CLI's output: units with score, rank and every aggregate's score."""
        aggregates = [c for c in self.tree.codes if self.tree.node(c).level > 1]
        ranks = self.ranks
        order = ranks.sort_values(kind="stable").index
        units = [
            {
                "code": str(code),
                "score": _num(self.index[code]),
                "rank": None if pd.isna(ranks[code]) else int(ranks[code]),
                "levels": {c: _num(self.aggregated.at[code, c]) for c in aggregates},
            }
            for code in order
        ]
        return {
            "index": self.tree.root,
            "units": units,
            "spec": self.spec.model_dump(mode="json"),
            "dropped_units": self.dropped_units,
            "treatment": [
                {
                    "code": r.code,
                    "method": r.method,
                    "winsorised": r.winsorised,
                    "skew_before": r.skew_before,
                    "kurt_before": r.kurt_before,
                    "skew_after": r.skew_after,
                    "kurt_after": r.kurt_after,
                }
                for r in self.treatment
                if r.method != "none"
            ],
            "weights": self.weights,
            "ahp": {
                code: {
                    "weights": res.weights.tolist(),
                    "lambda_max": res.lambda_max,
                    "consistency_ratio": res.consistency_ratio,
                }
                for code, res in self.ahp.items()
            },
            "warnings": self.warnings,
        }


def _num(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def rank_descending(scores: pd.Series) -> pd.Series:
    """1 = highest score; ties take the best rank; missing stays missing."""
    return scores.rank(ascending=False, method="min", na_option="keep")


# ------------------------------------------------------------------------------- the steps


def prepare(dataset: Dataset, spec: IndexSpec) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Raw → Denominated → Imputed → Screened: the steps no modelling choice varies."""
    tree = dataset.tree
    raw = dataset.data[tree.indicators].astype(float)
    stages = {"Raw": raw}
    denominated = (
        steps.denominate(raw, tree, dataset.denominators) if spec.denominate else raw.copy()
    )
    stages["Denominated"] = denominated
    if spec.impute.method == ImputeMethod.GROUP_MEAN:
        group = spec.impute.group
        if group is None or group not in dataset.groups.columns:
            raise IndexSpecError(
                f"插补分组列 {group} 不在数据中（现有 {list(dataset.groups.columns)}）；"
                "请在配置中设 impute.group，或用 impute.method: mean / none",
                f"impute group column {group} is not in the data (have "
                f"{list(dataset.groups.columns)}); set impute.group, or use impute.method: "
                "mean / none",
                where="spec.impute",
            )
        imputed = steps.impute_group_mean(denominated, dataset.groups[group])
    elif spec.impute.method == ImputeMethod.MEAN:
        imputed = steps.impute_group_mean(denominated, None)
    else:
        imputed = steps.impute_none(denominated)
    stages["Imputed"] = imputed
    screened, dropped = steps.screen_units(imputed, spec.screen.min_availability)
    if screened.empty:
        raise IndexSpecError(
            "筛选后没有剩下任何单位；请降低 screen.min_availability",
            "no unit is left after screening; lower screen.min_availability",
            where="spec.screen",
        )
    stages["Screened"] = screened
    return stages, dropped


def treat_stage(
    screened: pd.DataFrame, spec: IndexSpec
) -> tuple[pd.DataFrame, list[steps.TreatmentRecord]]:
    """Outlier treatment as the spec says (or none)."""
    if spec.treat.method == "none":
        return screened.copy(), []
    return steps.treat(screened, spec.treat.winmax, spec.treat.skew, spec.treat.kurt)


def normalise_stage(
    treated: pd.DataFrame, tree: IndicatorTree, normalise: NormaliseSpec
) -> pd.DataFrame:
    """Orient every indicator (x·direction), then normalise column-wise."""
    directed = treated.to_numpy(dtype=float) * tree.directions().reshape(1, -1)
    if isinstance(normalise, MinMaxSpec):
        low, high = normalise.range
        if normalise.bounds is None:
            values = steps.minmax(directed, low, high)
        else:
            lo, hi = frozen_bounds_arrays(tree, normalise.bounds, directed)
            values = steps.minmax_with_bounds(directed, lo, hi, low, high)
    elif isinstance(normalise, ZScoreSpec):
        values = steps.zscore(directed, normalise.mean, normalise.sd)
    elif isinstance(normalise, TargetSpec):
        targets = []
        for code in tree.indicators:
            node = tree.node(code)
            if node.target is None:
                raise IndexSpecError(
                    f"指标 {code} 没有目标值；请在 iMeta 的 Target 列填写",
                    f"indicator {code} has no Target; fill in iMeta's Target column",
                    where="spec.normalise",
                )
            targets.append(node.target * node.direction)
        values = steps.distance_to_target(
            directed, np.array(targets), normalise.scale, normalise.cap
        )
    elif isinstance(normalise, RankSpec):
        values = steps.rank_scores(directed, normalise.scale)
    else:  # pragma: no cover - the union is closed
        raise AssertionError(normalise)
    return pd.DataFrame(values, index=treated.index, columns=treated.columns)


def frozen_bounds_arrays(
    tree: IndicatorTree, bounds: dict[str, tuple[float, float]], directed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds per indicator (after direction); indicators not listed use this data's min/max."""
    lo = np.nanmin(directed, axis=0)
    hi = np.nanmax(directed, axis=0)
    for j, code in enumerate(tree.indicators):
        if code in bounds:
            lo[j], hi[j] = bounds[code]
    return lo.reshape(1, -1), hi.reshape(1, -1)


def _data_weights(method: WeightMethod, children: np.ndarray) -> np.ndarray:
    complete = children[~np.isnan(children).any(axis=1)]
    scaled = steps.minmax(complete, 0.0, 1.0)
    scaled = np.nan_to_num(scaled, nan=0.0)  # a constant child carries no information
    if method == WeightMethod.ENTROPY:
        return mcda.entropy_weights(scaled)
    if method == WeightMethod.CRITIC:
        return mcda.critic_weights(scaled)
    return mcda.sd_weights(scaled)


def resolve_static_weights(
    tree: IndicatorTree, spec: WeightsSpec
) -> tuple[dict[str, float], dict[str, mcda.AhpResult], list[str]]:
    """Weights that do not depend on data: given, equal, AHP, overrides."""
    weights = tree.weights()
    ahp: dict[str, mcda.AhpResult] = {}
    warnings: list[str] = []
    if spec.method == WeightMethod.EQUAL:
        weights = dict.fromkeys(weights, 1.0)
    if spec.method == WeightMethod.AHP:
        for parent, block in spec.ahp.items():
            children = tree.children(parent)
            if sorted(children) != sorted(block.children):
                raise IndexSpecError(
                    f"AHP 块 {parent} 的下级应为 {children}，配置中是 {block.children}",
                    f"AHP block {parent} must list the children {children}, got {block.children}",
                    where="spec.weights.ahp",
                )
            result = mcda.ahp_weights(np.array(block.matrix))
            ahp[parent] = result
            weights.update(zip(block.children, result.weights.tolist(), strict=True))
            if not result.consistent:
                warnings.append(
                    f"AHP {parent}: 一致性比率 CR = {result.consistency_ratio:.3f} ≥ 0.1，"
                    f"判断矩阵不一致 / consistency ratio {result.consistency_ratio:.3f} ≥ 0.1: "
                    "revise the pairwise judgements"
                )
    for code, value in spec.overrides.items():
        tree.node(code)
        weights[code] = float(value)
    return weights, ahp, warnings


def aggregate_stage(
    normalised: pd.DataFrame,
    tree: IndicatorTree,
    weights: dict[str, float],
    aggregate: AggregateSpec,
    *,
    data_weight_method: WeightMethod | None = None,
    data_weight_levels: tuple[int, ...] = (),
    removed: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Aggregate level by level (1 → 2 → … → index); returns all scores and the weights used.

    Data-driven weights are computed, per aggregate, from its children's scores on the
    requested levels; ``removed`` elements get weight zero afterwards.
    """
    scores = normalised.copy()
    used = dict(weights)
    for level in range(2, tree.max_level + 1):
        new_columns = {}
        for parent in tree.level_codes(level):
            children = tree.children(parent)
            values = scores[children].to_numpy(dtype=float)
            if data_weight_method is not None and (level - 1) in data_weight_levels:
                used.update(zip(children, _data_weights(data_weight_method, values), strict=True))
            for code in children:
                if code in removed:
                    used[code] = 0.0
            w = np.array([used[c] for c in children], dtype=float)
            if aggregate.method == AggregateMethod.ARITHMETIC:
                new_columns[parent] = agg.weighted_arithmetic(values, w)
            elif aggregate.method == AggregateMethod.GEOMETRIC:
                new_columns[parent] = agg.weighted_geometric(values, w)
            elif aggregate.method == AggregateMethod.TOPSIS:
                assert aggregate.topsis_normalisation is not None
                new_columns[parent] = agg.topsis_aggregate(
                    values, w, aggregate.topsis_normalisation
                )
            else:
                new_columns[parent] = agg.grey_aggregate(values, w, aggregate.grey_rho)
        scores = pd.concat([scores, pd.DataFrame(new_columns, index=scores.index)], axis=1)
    return scores, used


def run_index(dataset: Dataset, spec: IndexSpec = COINR_DEFAULT) -> IndexResult:
    """Run every step of ``spec`` over ``dataset``."""
    tree = dataset.tree
    for code in spec.remove:
        node = tree.node(code)
        if node.parent is None:
            raise IndexSpecError(
                "不能移除总指数本身", "the index itself cannot be removed", where="spec.remove"
            )
    stages, dropped = prepare(dataset, spec)
    treated, records = treat_stage(stages["Screened"], spec)
    stages["Treated"] = treated
    normalised = normalise_stage(treated, tree, spec.normalise)
    stages["Normalised"] = normalised
    weights, ahp, warnings = resolve_static_weights(tree, spec.weights)
    dynamic = spec.weights.method in (WeightMethod.ENTROPY, WeightMethod.CRITIC, WeightMethod.SD)
    aggregated, used = aggregate_stage(
        normalised,
        tree,
        weights,
        spec.aggregate,
        data_weight_method=spec.weights.method if dynamic else None,
        data_weight_levels=tuple(spec.weights.levels),
        removed=tuple(spec.remove),
    )
    stages["Aggregated"] = aggregated
    if spec.weights.method == WeightMethod.ENTROPY:
        warnings += sparse_weight_warnings(stages["Screened"], tree, used)
    return IndexResult(
        spec=spec,
        tree=tree.with_weights(used),
        stages=stages,
        weights=used,
        treatment=records,
        dropped_units=dropped,
        ahp=ahp,
        warnings=warnings,
    )
