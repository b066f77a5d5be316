"""Uncertainty and sensitivity of a composite index's ranks (JRC practice, Saisana et al. 2005).

A Monte Carlo over the modelling choices — outlier limit, normalisation, weights, aggregation —
re-computes the index many times. Each unit gets a median rank and a 5–95 % band; a change of
rank inside the band is not significant. Sobol indices of the mean absolute rank change say
which choice matters: first order by Saltelli et al. (2010), total by Jansen (1999), with
bootstrap confidence intervals — the estimators of COINr's ``get_sensitivity``.

The engine is vectorised: every distinct (winmax, normalisation) data matrix is prepared once,
then all runs sharing it are aggregated together with their own weights in a few einsums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.pipeline import (
    normalise_stage,
    prepare,
    run_index,
    treat_stage,
)
from kechuang.metrics.spec import (
    COINR_DEFAULT,
    AggregateMethod,
    IndexSpec,
    MinMaxSpec,
    NormaliseSpec,
    WeightMethod,
    ZScoreSpec,
)
from kechuang.metrics.tree import Dataset, IndicatorTree


def _default_normalisations() -> list[NormaliseSpec]:
    return [MinMaxSpec(range=(1.0, 100.0)), ZScoreSpec(mean=10.0, sd=2.0)]


class UncertaintySpec(BaseModel):
    """Which modelling choices vary and how. Defaults: COINr's published ASEM run.

    An empty list (or empty ``weight_noise``) keeps that choice at its nominal value.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    winmax: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    normalisation: list[NormaliseSpec] = Field(default_factory=_default_normalisations)
    weight_noise: dict[int, float] = Field(
        default_factory=lambda: {2: 0.25, 3: 0.25},
        description="tree level → noise factor f: w·(1 + U(−f, f))",
    )
    aggregation: list[AggregateMethod] = Field(
        default_factory=lambda: [AggregateMethod.ARITHMETIC, AggregateMethod.GEOMETRIC]
    )

    @model_validator(mode="after")
    def _supported(self) -> UncertaintySpec:
        allowed = {AggregateMethod.ARITHMETIC, AggregateMethod.GEOMETRIC}
        if any(method not in allowed for method in self.aggregation):
            raise ValueError("uncertainty aggregation alternatives: arithmetic, geometric")
        if any(not 0 <= f < 1 for f in self.weight_noise.values()):
            raise ValueError("weight noise factors must lie in [0, 1)")
        return self


def parse_uncertainty_spec(raw: object, where: str = "uncertainty") -> UncertaintySpec:
    """Validate an uncertainty spec mapping (``None`` gives the COINr defaults)."""
    if raw is None:
        return UncertaintySpec()
    try:
        return UncertaintySpec.model_validate(raw)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise IndexSpecError(
            f"不确定性分析配置无效：{details}", f"invalid uncertainty spec: {details}", where=where
        ) from error


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a discrete choice, or a group of weight multipliers."""

    name: str
    size: int  # number of options (discrete) or of perturbed weights (group)
    discrete: bool


@dataclass
class Design:
    """Rows of model runs: option indices per discrete factor and a weight vector per row."""

    choices: dict[str, np.ndarray]  # factor → option index per row
    weights: np.ndarray  # rows × nodes (tree.codes order)


@dataclass
class UncertaintyResult:
    """Rank statistics per unit and Sobol indices per factor."""

    nominal_rank: pd.Series
    ranks: np.ndarray  # runs × units
    units: list[str]
    rank_stats: pd.DataFrame
    sobol: pd.DataFrame | None
    n_base: int
    n_runs: int
    factors: list[str] = field(default_factory=list)

    def band(self, unit: str) -> tuple[float, float]:
        """The 5–95 % rank band of one unit."""
        position = self.units.index(unit)
        return (
            float(self.rank_stats["Q5"].to_numpy(dtype=float)[position]),
            float(self.rank_stats["Q95"].to_numpy(dtype=float)[position]),
        )

    def to_json(self) -> dict[str, Any]:
        """Rank bands and Sobol indices, as the CLI prints them."""
        stats = self.rank_stats.rename_axis("code").reset_index()
        out: dict[str, Any] = {
            "n_base": self.n_base,
            "n_runs": self.n_runs,
            "factors": self.factors,
            "units": [
                {
                    "code": str(row["code"]),
                    "nominal": int(row["Nominal"]),
                    "mean": float(row["Mean"]),
                    "median": float(row["Median"]),
                    "q5": float(row["Q5"]),
                    "q95": float(row["Q95"]),
                }
                for _, row in stats.sort_values("Nominal").iterrows()
            ],
        }
        if self.sobol is not None:
            out["sobol"] = [
                {"factor": str(name), **{k: _finite(v) for k, v in row.items()}}
                for name, row in self.sobol.iterrows()
            ]
        return out


def _finite(value: Any) -> float | None:
    """JSON has no NaN: undefined indices (no output variance) become null."""
    number = float(value)
    return number if np.isfinite(number) else None


# ------------------------------------------------------------------------------ engine


class _Engine:
    """Prepared data for fast repeated evaluation of one data set under many choices."""

    def __init__(self, dataset: Dataset, spec: IndexSpec, ua: UncertaintySpec) -> None:
        self.dataset = dataset
        self.spec = spec
        self.ua = ua
        self.nominal = run_index(dataset, spec)
        self.tree: IndicatorTree = dataset.tree
        self.codes = self.tree.codes
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.nominal_weights = np.array([self.nominal.weights[c] for c in self.codes])
        stages, _ = prepare(dataset, spec)
        self.screened = stages["Screened"]
        self.units = [str(u) for u in self.screened.index]
        self.winmax_options = ua.winmax or [spec.treat.winmax]
        self.norm_options: list[NormaliseSpec] = ua.normalisation or [spec.normalise]
        nominal_agg = spec.aggregate.method
        if not ua.aggregation and nominal_agg not in (
            AggregateMethod.ARITHMETIC,
            AggregateMethod.GEOMETRIC,
        ):
            raise IndexSpecError(
                "不确定性分析只支持算术或几何聚合",
                "uncertainty analysis supports arithmetic or geometric aggregation only",
                where="spec.aggregate",
            )
        self.agg_options = ua.aggregation or [nominal_agg]
        self._matrices: dict[tuple[int, int], np.ndarray] = {}
        # the levels whose aggregates are built, with child index arrays
        self.levels: list[list[tuple[int, np.ndarray]]] = []
        for level in range(2, self.tree.max_level + 1):
            self.levels.append(
                [
                    (
                        self.position[parent],
                        np.array([self.position[c] for c in self.tree.children(parent)]),
                    )
                    for parent in self.tree.level_codes(level)
                ]
            )
        self.noisy = np.array(
            [
                self.position[c]
                for c in self.codes
                if self.tree.node(c).level in ua.weight_noise
                and ua.weight_noise[self.tree.node(c).level] > 0
            ],
            dtype=int,
        )
        self.noise_factor = np.array(
            [ua.weight_noise[self.tree.node(self.codes[i]).level] for i in self.noisy]
        )
        self.factors: list[Factor] = []
        if len(self.winmax_options) > 1:
            self.factors.append(Factor("Winmax", len(self.winmax_options), True))
        if len(self.norm_options) > 1:
            self.factors.append(Factor("Normalisation", len(self.norm_options), True))
        if self.noisy.size:
            self.factors.append(Factor("Weights", int(self.noisy.size), False))
        if len(self.agg_options) > 1:
            self.factors.append(Factor("Aggregation", len(self.agg_options), True))

    def matrix(self, winmax_index: int, norm_index: int) -> np.ndarray:
        """Normalised indicators (units × indicators) for one treatment and normalisation."""
        key = (winmax_index, norm_index)
        if key not in self._matrices:
            treat = self.spec.treat.model_copy(update={"winmax": self.winmax_options[winmax_index]})
            spec = self.spec.model_copy(update={"treat": treat})
            treated, _ = treat_stage(self.screened, spec)
            normalised = normalise_stage(treated, self.tree, self.norm_options[norm_index])
            self._matrices[key] = normalised.to_numpy(dtype=float)
        return self._matrices[key]

    def index_scores(
        self, matrix: np.ndarray, weights: np.ndarray, method: AggregateMethod
    ) -> np.ndarray:
        """Index scores (runs × units) for one data matrix and a batch of weight vectors."""
        runs, units = weights.shape[0], matrix.shape[0]
        n_ind = matrix.shape[1]
        scores = np.full((runs, units, len(self.codes)), np.nan)
        scores[:, :, :n_ind] = matrix[None, :, :]
        geometric = method == AggregateMethod.GEOMETRIC
        for parents in self.levels:
            for parent, children in parents:
                values = scores[:, :, children]
                present = ~np.isnan(values)
                w = weights[:, children]
                den = np.einsum("ruk,rk->ru", present, w)
                if geometric:
                    if np.any(values[present] <= 0):
                        raise IndexSpecError(
                            "几何平均要求正得分；请用 [1, 100] 归一化",
                            "the geometric mean needs positive scores; normalise to [1, 100]",
                            where="uncertainty",
                        )
                    terms = np.where(present, np.log(np.where(present, values, 1.0)), 0.0)
                else:
                    terms = np.where(present, values, 0.0)
                num = np.einsum("ruk,rk->ru", terms, w)
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratio = num / den
                out = np.exp(ratio) if geometric else ratio
                scores[:, :, parent] = np.where(den > 0, out, np.nan)
        return scores[:, :, self.position[self.tree.root]]

    def evaluate(self, design: Design) -> np.ndarray:
        """Ranks (runs × units) of every design row."""
        rows = design.weights.shape[0]
        keys = np.zeros((rows, 3), dtype=int)
        for column, name in enumerate(("Winmax", "Normalisation", "Aggregation")):
            if name in design.choices:
                keys[:, column] = design.choices[name]
        index = np.empty((rows, len(self.units)))
        combos, inverse = np.unique(keys, axis=0, return_inverse=True)
        for combo_id, (wi, ni, ai) in enumerate(combos):
            selected = np.flatnonzero(inverse.ravel() == combo_id)
            index[selected] = self.index_scores(
                self.matrix(int(wi), int(ni)), design.weights[selected], self.agg_options[int(ai)]
            )
        return rank_rows(index)


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row, 1 = highest, ties share the best rank (R ``ties.method = "min"``).

    Counts, for each unit, the units scoring strictly higher; a missing score has no rank.
    """
    higher = (scores[:, None, :] > scores[:, :, None]).sum(axis=2)
    ranks: np.ndarray = np.where(np.isnan(scores), np.nan, higher + 1.0)
    return ranks


def evaluate_naive(
    engine_input: tuple[Dataset, IndexSpec, UncertaintySpec], design: Design
) -> np.ndarray:
    """Reference path: one full :func:`run_index` per design row (slow; tests and benchmark).

    Proves the vectorised engine computes exactly what the pipeline would, run by run.
    """
    dataset, spec, ua = engine_input
    engine = _Engine(dataset, spec, ua)
    rows = design.weights.shape[0]
    ranks = np.empty((rows, len(engine.units)))
    for row in range(rows):

        def choice(name: str, row: int = row) -> int:
            values = design.choices.get(name)
            return 0 if values is None else int(values[row])

        # a choice that does not vary still takes the spec's single option (index 0)
        update: dict[str, Any] = {
            "treat": spec.treat.model_copy(
                update={"winmax": engine.winmax_options[choice("Winmax")]}
            ),
            "normalise": engine.norm_options[choice("Normalisation")],
            "aggregate": spec.aggregate.model_copy(
                update={"method": engine.agg_options[choice("Aggregation")]}
            ),
        }
        overrides = dict(zip(engine.codes, design.weights[row].tolist(), strict=True))
        update["weights"] = spec.weights.model_copy(
            update={"method": WeightMethod.GIVEN, "overrides": overrides}
        )
        result = run_index(dataset, spec.model_copy(update=update))
        ranks[row] = result.ranks.loc[engine.units].to_numpy(dtype=float)
    return ranks


def sample_design(
    dataset: Dataset, spec: IndexSpec, ua: UncertaintySpec, n: int, seed: int = 0
) -> Design:
    """``n`` Monte Carlo rows drawn from the uncertainty spec (for tests and benchmarks)."""
    engine = _Engine(dataset, spec, ua)
    rng = np.random.default_rng(seed)
    u = {f.name: rng.random((n, 1 if f.discrete else f.size)) for f in engine.factors}
    return _design_from_uniform(engine, u, n)


def evaluate_vectorised(
    engine_input: tuple[Dataset, IndexSpec, UncertaintySpec], design: Design
) -> np.ndarray:
    """Ranks of every design row through the vectorised engine."""
    return _Engine(*engine_input).evaluate(design)


def _design_from_uniform(engine: _Engine, u: dict[str, np.ndarray], rows: int) -> Design:
    choices = {}
    weights = np.tile(engine.nominal_weights, (rows, 1))
    for factor in engine.factors:
        if factor.discrete:
            choices[factor.name] = np.minimum(
                (u[factor.name][:, 0] * factor.size).astype(int), factor.size - 1
            )
        else:
            noise = (2.0 * u[factor.name] - 1.0) * engine.noise_factor[None, :]
            weights[:, engine.noisy] = engine.nominal_weights[engine.noisy] * (1.0 + noise)
    return Design(choices, weights)


def sobol_indices(
    y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli et al. 2010) and total (Jansen 1999) Sobol indices.

    S_i = mean(y_B·(y_ABi − y_A))/V and ST_i = Σ(y_A − y_ABi)²/(2N·V), V = var([y_A, y_B])
    (sample variance, as R's ``var``). ``y_ab`` is N × d: column i has factor i from B.
    """
    n = y_a.shape[-1]
    variance = np.var(np.concatenate([y_a, y_b], axis=-1), axis=-1, ddof=1)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):  # no variance: indices undefined (NaN)
        first = np.mean(y_b[..., None, :] * (y_ab - y_a[..., None, :]), axis=-1) / variance
        total = np.sum((y_a[..., None, :] - y_ab) ** 2, axis=-1) / (2 * n * variance)
    return first, total


def run_uncertainty(
    dataset: Dataset,
    spec: IndexSpec = COINR_DEFAULT,
    ua: UncertaintySpec | None = None,
    *,
    n: int = 100,
    seed: int = 0,
    sensitivity: bool = True,
    bootstrap: int = 1000,
) -> UncertaintyResult:
    """Monte Carlo uncertainty (and, with ``sensitivity``, Sobol indices) of the ranks.

    Without sensitivity: ``n`` runs. With it: Saltelli's design, N = ``n`` base rows in A and B
    plus one AB_i block per factor, N·(d + 2) runs in all, every one of which also feeds the
    rank statistics.
    """
    ua = ua or UncertaintySpec()
    if n < 2:
        raise IndexSpecError("运行次数至少为 2", "the number of runs must be at least 2", where="n")
    engine = _Engine(dataset, spec, ua)
    rng = np.random.default_rng(seed)
    names = [f.name for f in engine.factors]
    sizes = {f.name: (1 if f.discrete else f.size) for f in engine.factors}
    a = {name: rng.random((n, sizes[name])) for name in names}
    nominal = engine.nominal.ranks.loc[engine.units].to_numpy(dtype=float)
    sobol = None
    if sensitivity and names:
        b = {name: rng.random((n, sizes[name])) for name in names}
        blocks = [a, b]
        for name in names:
            blocks.append({k: (b[k] if k == name else a[k]) for k in names})
        stacked = {k: np.concatenate([blk[k] for blk in blocks]) for k in names}
        ranks = engine.evaluate(_design_from_uniform(engine, stacked, n * (len(names) + 2)))
        y = np.mean(np.abs(ranks - nominal[None, :]), axis=1)
        y_a, y_b = y[:n], y[n : 2 * n]
        y_ab = y[2 * n :].reshape(len(names), n)
        first, total = sobol_indices(y_a, y_b, y_ab)
        boot = rng.integers(0, n, size=(bootstrap, n))
        first_b, total_b = sobol_indices(y_a[boot], y_b[boot], y_ab[:, boot].transpose(1, 0, 2))
        sobol = pd.DataFrame(
            {
                "Si": first,
                "STi": total,
                "Si_q5": np.quantile(first_b, 0.05, axis=0),
                "Si_q95": np.quantile(first_b, 0.95, axis=0),
                "STi_q5": np.quantile(total_b, 0.05, axis=0),
                "STi_q95": np.quantile(total_b, 0.95, axis=0),
            },
            index=pd.Index(names, name="Variable"),
        )
    else:
        ranks = engine.evaluate(_design_from_uniform(engine, a, n))
    stats = pd.DataFrame(
        {
            "Nominal": nominal,
            "Mean": ranks.mean(axis=0),
            "Median": np.median(ranks, axis=0),
            "Q5": np.quantile(ranks, 0.05, axis=0),
            "Q95": np.quantile(ranks, 0.95, axis=0),
        },
        index=pd.Index(engine.units, name="uCode"),
    )
    return UncertaintyResult(
        nominal_rank=pd.Series(nominal, index=engine.units),
        ranks=ranks,
        units=engine.units,
        rank_stats=stats,
        sobol=sobol,
        n_base=n,
        n_runs=int(ranks.shape[0]),
        factors=names,
    )
