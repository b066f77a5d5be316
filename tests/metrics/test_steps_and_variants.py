"""The steps on hand-computed cases, and variants of the pipeline checked for consistency."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kechuang.metrics import IndexSpecError, run_index, steps
from kechuang.metrics.spec import COINR_DEFAULT, load_spec, parse_spec
from kechuang.metrics.tree import Dataset, IndicatorTree, Node

# --------------------------------------------------------------------------- pure steps


def test_skew_and_kurtosis_are_the_bias_corrected_type_2() -> None:
    x = np.random.default_rng(3).lognormal(size=40)
    assert steps.skewness(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert steps.kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)
    with_gap = np.append(x, np.nan)
    assert steps.skewness(with_gap) == pytest.approx(steps.skewness(x), rel=1e-15)


def test_winsorise_counts_points_clipped_not_resets_summed() -> None:
    # one huge outlier then a second: clipping the first makes two values share the max
    x = np.concatenate([np.linspace(0, 1, 30), [50.0, 100.0]])
    treated, clipped, passes = steps.winsorise_coinr(x, winmax=5)
    assert passes
    # step 1 resets 100 → 50 (1 point); step 2 resets both 50s → 1.0 (2 points)
    assert clipped == 2
    assert treated.max() == 1.0
    assert np.sum(treated == 1.0) == 3


def test_winsorise_stops_at_winmax_then_log_fallback_on_untreated() -> None:
    x = np.concatenate([np.zeros(20), np.geomspace(1, 1e6, 12)])
    treated, record = steps.treat_indicator("X", x, winmax=1)
    assert not record.passed_before
    assert record.method == "log_ct"
    assert np.allclose(treated, np.log(x - x.min() + 0.01 * (x.max() - x.min())))


def test_negative_skew_clips_the_minimum() -> None:
    x = np.concatenate([np.linspace(10, 11, 30), [-100.0]])
    treated, clipped, _ = steps.winsorise_coinr(x, winmax=5)
    assert clipped == 1
    assert treated.min() == 10.0


def test_log_gii_returns_the_transform() -> None:
    x = np.array([1.0, 2.0, 5.0, 10.0])
    assert not np.allclose(steps.log_gii(x), x)
    assert steps.log_gii(x)[0] == 0.0
    assert steps.log_gii(x)[-1] == pytest.approx(np.log(10.0))


def test_normalisers() -> None:
    x = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, np.nan]])
    mm = steps.minmax(x, 1, 100)
    assert np.allclose(mm[:, 0], [1, 34, 100])
    z = steps.zscore(x, 10, 2)
    assert np.nanmean(z, axis=0) == pytest.approx([10, 10])
    assert np.nanstd(z, axis=0, ddof=1) == pytest.approx([2, 2])
    ranks = steps.rank_scores(np.array([[3.0], [1.0], [2.0]]))
    assert ranks[:, 0].tolist() == [100.0, 0.0, 50.0]
    d2t = steps.distance_to_target(np.array([[0.0], [5.0], [20.0]]), np.array([10.0]))
    assert d2t[:, 0].tolist() == [0.0, 50.0, 100.0]


def test_group_mean_imputation() -> None:
    data = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0, np.nan]}, index=list("pqrst"))
    groups = pd.Series(["g", "g", "g", "h", "h"], index=data.index)
    out = steps.impute_group_mean(data, groups)
    assert out["a"].tolist() == [1.0, 2.0, 3.0, 10.0, 10.0]


# ------------------------------------------------------------------------------ spec


def test_spec_errors_are_clear(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(IndexSpecError, match=r"normalise"):
        parse_spec({"normalise": {"method": "minmax", "range": [100, 0]}})
    with pytest.raises(IndexSpecError, match=r"aggregate"):
        parse_spec({"aggregate": {"method": "topsis"}})
    with pytest.raises(IndexSpecError, match=r"nomalise"):
        parse_spec({"nomalise": {}})
    with pytest.raises(IndexSpecError, match="not found"):
        load_spec("/nonexistent/spec.yaml")
    assert parse_spec(None) == COINR_DEFAULT


# --------------------------------------------------------------------- pipeline variants


@pytest.mark.data
def test_minmax_range_is_an_affine_map_of_the_index(asem: Dataset) -> None:
    base = run_index(asem)
    shifted = run_index(asem, parse_spec({"normalise": {"method": "minmax", "range": [1, 100]}}))
    assert np.allclose(shifted.index, 1 + 0.99 * base.index, atol=1e-10)
    assert (shifted.ranks == base.ranks).all()


@pytest.mark.data
def test_zscore_normalisation_has_the_requested_moments(asem: Dataset) -> None:
    result = run_index(asem, parse_spec({"normalise": {"method": "zscore", "mean": 10, "sd": 2}}))
    normalised = result.stages["Normalised"]
    assert np.allclose(normalised.mean(), 10, atol=1e-12)
    assert np.allclose(normalised.std(ddof=1), 2, atol=1e-12)
    # arithmetic means of z-scores: every pillar is a weighted mean of its indicators
    physical = normalised[asem.tree.children("Physical")].mean(axis=1)
    assert np.allclose(result.aggregated["Physical"], physical, atol=1e-12)


@pytest.mark.data
def test_geometric_never_exceeds_arithmetic(asem: Dataset) -> None:
    range_1_100 = {"normalise": {"method": "minmax", "range": [1, 100]}}
    arithmetic = run_index(asem, parse_spec(range_1_100))
    geometric = run_index(asem, parse_spec({**range_1_100, "aggregate": {"method": "geometric"}}))
    assert np.all(geometric.index <= arithmetic.index + 1e-12)
    pillar = asem.tree.children("Physical")
    values = arithmetic.stages["Normalised"][pillar].to_numpy()
    expected = np.exp(np.log(values).mean(axis=1))
    assert np.allclose(geometric.aggregated["Physical"], expected, atol=1e-12)


@pytest.mark.data
def test_geometric_on_zero_scores_fails_clearly(asem: Dataset) -> None:
    with pytest.raises(IndexSpecError, match=r"\[1, 100\]"):
        run_index(asem, parse_spec({"aggregate": {"method": "geometric"}}))


@pytest.mark.data
def test_removing_an_indicator_equals_dropping_it_from_the_tree(asem: Dataset) -> None:
    removed = run_index(asem, parse_spec({"remove": ["Flights"]}))
    assert removed.weights["Flights"] == 0.0
    tree = IndicatorTree(tuple(n for n in asem.tree.nodes if n.code != "Flights"))
    smaller = replace(asem, data=asem.data.drop(columns="Flights"), tree=tree)
    dropped = run_index(smaller)
    assert np.allclose(removed.index, dropped.index, atol=1e-12)
    assert not np.allclose(removed.index, run_index(asem).index)


@pytest.mark.data
def test_removing_a_pillar_reweights_its_siblings(asem: Dataset) -> None:
    result = run_index(asem, parse_spec({"remove": ["P2P"]}))
    conn = result.aggregated[["Physical", "ConEcFin", "Political", "Instit"]].mean(axis=1)
    assert np.allclose(result.aggregated["Conn"], conn, atol=1e-12)


@pytest.mark.data
def test_weights_scale_invariance_and_equal_weights(asem: Dataset) -> None:
    base = run_index(asem)
    equal = run_index(asem, parse_spec({"weights": {"method": "equal"}}))
    assert np.allclose(base.index, equal.index, atol=1e-12)  # ASEM's weights are all 1
    doubled = parse_spec({"weights": {"overrides": {"Conn": 2, "Sust": 2}}})
    assert np.allclose(run_index(asem, doubled).index, base.index, atol=1e-12)
    tilted = parse_spec({"weights": {"overrides": {"Conn": 3, "Sust": 1}}})
    expected = 0.75 * base.aggregated["Conn"] + 0.25 * base.aggregated["Sust"]
    assert np.allclose(run_index(asem, tilted).index, expected, atol=1e-12)


@pytest.mark.data
@pytest.mark.parametrize("method", ["entropy", "critic", "sd"])
def test_data_driven_weights_sum_to_one_per_aggregate(asem: Dataset, method: str) -> None:
    result = run_index(asem, parse_spec({"weights": {"method": method, "levels": [1, 2]}}))
    for parent in asem.tree.level_codes(2) + asem.tree.level_codes(3):
        total = sum(result.weights[c] for c in asem.tree.children(parent))
        assert total == pytest.approx(1.0, abs=1e-12)
    assert result.weights["Conn"] == 1.0  # level 3 not requested: nominal weight


@pytest.mark.data
def test_ahp_weights_applied_with_consistency_ratio(asem: Dataset) -> None:
    spec = parse_spec(
        {
            "weights": {
                "method": "ahp",
                "ahp": {"Index": {"children": ["Conn", "Sust"], "matrix": [[1, 3], [1 / 3, 1]]}},
            }
        }
    )
    result = run_index(asem, spec)
    assert result.weights["Conn"] == pytest.approx(0.75)
    assert result.ahp["Index"].consistency_ratio == 0.0
    expected = 0.75 * result.aggregated["Conn"] + 0.25 * result.aggregated["Sust"]
    assert np.allclose(result.index, expected, atol=1e-12)


@pytest.mark.data
@pytest.mark.parametrize(
    "aggregate",
    [
        {"method": "topsis", "topsis_normalisation": "minmax"},
        {"method": "topsis", "topsis_normalisation": "vector"},
        {"method": "grey"},
    ],
)
def test_alternative_aggregations_stay_on_0_100_and_agree_broadly(
    asem: Dataset, aggregate: dict[str, object]
) -> None:
    base = run_index(asem)
    result = run_index(asem, parse_spec({"aggregate": aggregate}))
    assert result.index.between(0, 100).all()
    rho = stats.spearmanr(base.index, result.index).statistic
    assert rho > 0.8


@pytest.mark.data
def test_frozen_bounds_equal_to_own_bounds_change_nothing(asem: Dataset) -> None:
    base = run_index(asem)
    treated = base.stages["Treated"] * asem.tree.directions()
    bounds = {c: (float(treated[c].min()), float(treated[c].max())) for c in treated.columns}
    frozen = run_index(asem, parse_spec({"normalise": {"method": "minmax", "bounds": bounds}}))
    assert np.allclose(frozen.index, base.index, atol=1e-12)


@pytest.mark.data
def test_rank_normalisation_ignores_monotone_transforms(asem: Dataset) -> None:
    # denominating and mean imputation are not rank-preserving under x³, so they are off here
    spec = parse_spec(
        {
            "denominate": False,
            "impute": {"method": "none"},
            "screen": {"min_availability": 0},
            "normalise": {"method": "rank"},
            "treat": {"method": "none"},
        }
    )
    base = run_index(asem, spec)
    cubed = replace(asem, data=asem.data**3)  # monotone, keeps signs and NaNs
    assert np.allclose(run_index(cubed, spec).index, base.index, atol=1e-12)


def test_small_hand_computed_index() -> None:
    tree = IndicatorTree(
        (
            Node("a", 1, "P", 1.0),
            Node("b", 1, "P", 3.0, direction=-1),
            Node("c", 1, "Q", 1.0),
            Node("P", 2, "I", 1.0),
            Node("Q", 2, "I", 1.0),
            Node("I", 3, None, 1.0),
        )
    )
    data = pd.DataFrame(
        {"a": [0.0, 5.0, 10.0], "b": [1.0, 3.0, 2.0], "c": [2.0, np.nan, 4.0]},
        index=["u1", "u2", "u3"],
    )
    spec = parse_spec({"impute": {"method": "none"}, "screen": {"min_availability": 0.5}})
    result = run_index(Dataset(data=data, tree=tree), spec)
    # a → 0, 50, 100; b reversed → 100, 0, 50; c → 0, NaN, 100
    p = [(0 + 300) / 4, (50 + 0) / 4, (100 + 150) / 4]
    q = [0.0, np.nan, 100.0]
    index = [(p[0] + q[0]) / 2, p[1], (p[2] + q[2]) / 2]  # u2's missing Q is dropped
    assert np.allclose(result.index, index, atol=1e-12)
    assert result.ranks.tolist() == [2.0, 3.0, 1.0]
