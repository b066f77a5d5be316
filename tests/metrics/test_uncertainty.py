"""Monte Carlo uncertainty and Sobol sensitivity: exactness of the engine, the estimators on a
model with known indices, and agreement with COINr's published ASEM run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kechuang.metrics import IndexSpecError
from kechuang.metrics.spec import COINR_DEFAULT, MinMaxSpec, ZScoreSpec, parse_spec
from kechuang.metrics.tree import Dataset
from kechuang.metrics.uncertainty import (
    UncertaintyResult,
    UncertaintySpec,
    evaluate_naive,
    evaluate_vectorised,
    parse_uncertainty_spec,
    rank_rows,
    run_uncertainty,
    sample_design,
    sobol_indices,
)


def test_rank_rows_ties_take_the_best_rank() -> None:
    scores = np.array([[3.0, 5.0, 5.0, 1.0], [1.0, np.nan, 2.0, 2.0]])
    assert rank_rows(scores)[0].tolist() == [3.0, 1.0, 1.0, 4.0]
    second = rank_rows(scores)[1]
    assert np.isnan(second[1])
    assert second[[0, 2, 3]].tolist() == [3.0, 1.0, 1.0]


def test_sobol_estimators_on_a_linear_model_with_known_indices() -> None:
    # y = x1 + 2·x2 + 0·x3, x ~ U(0,1): V_i ∝ a_i², so S = ST = (1/5, 4/5, 0)
    rng = np.random.default_rng(7)
    n, coefficients = 200_000, np.array([1.0, 2.0, 0.0])
    a, b = rng.random((n, 3)), rng.random((n, 3))
    y_a, y_b = a @ coefficients, b @ coefficients
    y_ab = np.empty((3, n))
    for i in range(3):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        y_ab[i] = mixed @ coefficients
    first, total = sobol_indices(y_a, y_b, y_ab)
    assert np.allclose(first, [0.2, 0.8, 0.0], atol=0.01)
    assert np.allclose(total, [0.2, 0.8, 0.0], atol=0.01)


def test_sobol_interaction_shows_in_total_not_first_order() -> None:
    # y = (x1 − ½)(x2 − ½): no main effects, all variance is interaction
    rng = np.random.default_rng(8)
    n = 200_000
    a, b = rng.random((n, 2)), rng.random((n, 2))

    def model(x: np.ndarray) -> np.ndarray:
        return (x[:, 0] - 0.5) * (x[:, 1] - 0.5)

    y_ab = np.stack(
        [model(np.column_stack([b[:, 0], a[:, 1]])), model(np.column_stack([a[:, 0], b[:, 1]]))]
    )
    first, total = sobol_indices(model(a), model(b), y_ab)
    assert np.allclose(first, 0.0, atol=0.02)
    assert np.allclose(total, 1.0, atol=0.02)


def test_uncertainty_spec_validation() -> None:
    with pytest.raises(IndexSpecError, match="aggregation"):
        parse_uncertainty_spec({"aggregation": ["topsis"]})
    with pytest.raises(IndexSpecError, match="noise"):
        parse_uncertainty_spec({"weight_noise": {2: 1.5}})
    assert parse_uncertainty_spec(None) == UncertaintySpec()


@pytest.mark.data
def test_vectorised_engine_equals_one_pipeline_run_per_row(asem: Dataset) -> None:
    ua = UncertaintySpec(weight_noise={1: 0.25, 2: 0.25, 3: 0.25})
    design = sample_design(asem, COINR_DEFAULT, ua, 24, seed=11)
    # every treatment/normalisation/aggregation option appears
    assert len(np.unique(design.choices["Winmax"])) >= 4
    fast = evaluate_vectorised((asem, COINR_DEFAULT, ua), design)
    slow = evaluate_naive((asem, COINR_DEFAULT, ua), design)
    assert np.array_equal(fast, slow)


@pytest.mark.data
def test_no_uncertainty_reproduces_the_nominal_ranks(asem: Dataset) -> None:
    ua = UncertaintySpec(winmax=[], normalisation=[], weight_noise={}, aggregation=[])
    result = run_uncertainty(asem, COINR_DEFAULT, ua, n=5, sensitivity=True)
    assert result.sobol is None
    assert (result.rank_stats["Q5"] == result.rank_stats["Nominal"]).all()
    assert (result.rank_stats["Q95"] == result.rank_stats["Nominal"]).all()


@pytest.mark.data
def test_same_seed_same_result(asem: Dataset) -> None:
    one = run_uncertainty(asem, n=50, seed=3, sensitivity=False)
    two = run_uncertainty(asem, n=50, seed=3, sensitivity=False)
    assert np.array_equal(one.ranks, two.ranks)


@pytest.fixture(scope="module")
def large_sa(asem: Dataset) -> UncertaintyResult:
    return run_uncertainty(asem, n=2000, seed=20261129, bootstrap=200)


@pytest.mark.data
def test_sobol_estimates_fall_inside_the_published_intervals(
    large_sa: UncertaintyResult, asem_dir: Path
) -> None:
    """COINr published N=100 estimates with 5–95 % bootstrap intervals. An estimate from a
    20× larger sample of the same model must land inside them, and rank the factors alike."""
    published = pd.read_csv(asem_dir / "published_SA_sensitivity_indices_N100.csv")
    published = published.set_index("Variable")
    assert large_sa.sobol is not None
    ours = large_sa.sobol.loc[published.index]
    for variable, row in published.iterrows():
        assert row["Si_q5"] <= ours.at[variable, "Si"] <= row["Si_q95"], variable
        assert row["STi_q5"] <= ours.at[variable, "STi"] <= row["STi_q95"], variable
    assert list(ours["STi"].sort_values().index) == list(published["STi"].sort_values().index)


@pytest.mark.data
@pytest.mark.parametrize("name", ["UA", "SA"])
def test_rank_statistics_agree_with_published(asem: Dataset, asem_dir: Path, name: str) -> None:
    """Agreement with COINr's published rank statistics, as statistical tests per unit.

    The published figures come from 100 independent runs (for SA, the 600 runs of a Saltelli
    design whose AB rows re-use A's inputs, counted conservatively as 100). Our reference is a
    4,000-run sample. Mean rank: z = (published − ours)/(sd/√100), |z| < 3.5 for every unit
    (Bonferroni over 51 units at α ≈ 0.02). Quantiles (median, 5 %, 95 %): a sample p-quantile
    of 100 draws has, under the same model, a true CDF value within p ± 3.5·√(p(1−p)/100)
    (order-statistic interval); ranks are discrete, so the published value passes when the
    CDF interval it spans, [F(⌊q⌋−), F(⌈q⌉)], meets that interval.
    """
    published = pd.read_csv(asem_dir / f"published_{name}_rankstats_N100.csv").set_index("uCode")
    result = run_uncertainty(asem, n=4000, seed=5, sensitivity=False)
    ours = result.rank_stats.loc[published.index]
    assert (ours["Nominal"] == published["Nominal"]).all()
    ranks = pd.DataFrame(result.ranks, columns=result.units)[published.index]
    sd = ranks.std(ddof=1).clip(lower=0.1)
    z = (published["Mean"] - ours["Mean"]) / (sd / np.sqrt(100))
    assert z.abs().max() < 3.5
    for p, column in [(0.5, "Median"), (0.05, "Q5"), (0.95, "Q95")]:
        half_width = 3.5 * np.sqrt(p * (1 - p) / 100)
        for unit, value in published[column].items():
            below = float((ranks[unit] < np.floor(value)).mean())
            upto = float((ranks[unit] <= np.ceil(value)).mean())
            assert upto >= p - half_width, (unit, column, value)
            assert below <= p + half_width, (unit, column, value)


@pytest.mark.data
def test_thousand_runs_have_bands_around_nominal(asem: Dataset) -> None:
    result = run_uncertainty(asem, n=1000, seed=1, sensitivity=False)
    assert result.n_runs == 1000
    stats = result.rank_stats
    assert (stats["Q5"] <= stats["Median"]).all()
    assert (stats["Median"] <= stats["Q95"]).all()
    assert result.band("CHE") == (1.0, 1.0)


@pytest.mark.data
def test_vectorised_engine_handles_gaps_like_the_pipeline(asem: Dataset) -> None:
    """Without imputation, missing children drop out and weights renormalise per run.

    (z-score(10, 2) is left out: without imputation some z-scores fall below −5, and the
    geometric mean of a non-positive score is refused — tested below.)"""
    spec = parse_spec({"impute": {"method": "none"}, "screen": {"min_availability": 0.8}})
    ua = UncertaintySpec(
        normalisation=[MinMaxSpec(range=(1.0, 100.0))], weight_noise={1: 0.25, 2: 0.25, 3: 0.25}
    )
    design = sample_design(asem, spec, ua, 16, seed=12)
    fast = evaluate_vectorised((asem, spec, ua), design)
    slow = evaluate_naive((asem, spec, ua), design)
    assert np.array_equal(fast, slow)


@pytest.mark.data
def test_geometric_mean_of_non_positive_scores_is_refused(asem: Dataset) -> None:
    spec = parse_spec({"impute": {"method": "none"}, "screen": {"min_availability": 0.8}})
    ua = UncertaintySpec(normalisation=[ZScoreSpec(mean=10.0, sd=2.0)], aggregation=["geometric"])
    with pytest.raises(IndexSpecError, match="positive"):
        run_uncertainty(asem, spec, ua, n=20, sensitivity=False)
