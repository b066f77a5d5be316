"""Year-to-year comparability: exact decomposition, frozen bounds, effective weights, sparse
entropy warning."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from kechuang.metrics import IndexSpecError, run_index
from kechuang.metrics.comparability import (
    bounds_of,
    decompose_change,
    effective_weights,
    removal_impacts,
    strengths_and_weaknesses,
    unit_effective_weights,
)
from kechuang.metrics.spec import parse_spec
from kechuang.metrics.tree import Dataset, IndicatorTree, Node

pytestmark = pytest.mark.data

NO_IMPUTE = {"impute": {"method": "none"}, "screen": {"min_availability": 0.5}}


def _next_year(asem: Dataset, seed: int = 4) -> Dataset:
    """ASEM with every value moved by up to ±30 % and a few new gaps: a plausible next year."""
    rng = np.random.default_rng(seed)
    data = asem.data * rng.uniform(0.7, 1.3, size=asem.data.shape)
    holes = rng.random(data.shape) < 0.03
    return replace(asem, data=data.mask(holes))


def test_unit_effective_weights_rebuild_the_index_with_gaps(asem: Dataset) -> None:
    result = run_index(_next_year(asem), parse_spec(NO_IMPUTE))
    assert result.stages["Normalised"].isna().any().any()
    shares = unit_effective_weights(result)
    rebuilt = (shares * result.stages["Normalised"][shares.columns].fillna(0)).sum(axis=1)
    assert np.allclose(rebuilt, result.index, atol=1e-10)
    assert np.allclose(shares.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("frozen", [False, True])
def test_contributions_and_bounds_term_sum_exactly_to_the_change(
    asem: Dataset, frozen: bool
) -> None:
    spec = parse_spec(NO_IMPUTE)
    before = run_index(asem, spec)
    if frozen:
        normalise = {"method": "minmax", "bounds": bounds_of(before)}
        spec = parse_spec({**NO_IMPUTE, "normalise": normalise})
    after = run_index(_next_year(asem), spec)
    changes = decompose_change(before, after)
    assert len(changes) == 51
    bounds_terms = []
    for change in changes.values():
        total = change.contributions.sum() + change.bounds_term
        assert total == pytest.approx(change.change, abs=1e-9)
        bounds_terms.append(change.bounds_term)
    if frozen:
        assert np.allclose(bounds_terms, 0.0, atol=1e-12)
    else:
        assert np.abs(bounds_terms).max() > 0.1  # moved bounds do move scores


def test_only_the_changed_indicator_contributes(asem: Dataset) -> None:
    before = run_index(asem)
    data = asem.data.copy()
    data.loc["IND", "LPI"] = data.loc["IND", "LPI"] * 1.05  # inside the range: bounds unchanged
    spec = parse_spec({"normalise": {"method": "minmax", "bounds": bounds_of(before)}})
    after = run_index(replace(asem, data=data), spec)
    changes = decompose_change(before, after)
    india = changes["IND"]
    assert india.change > 0
    assert india.contributions["LPI"] == pytest.approx(india.change, abs=1e-12)
    assert india.contributions.drop("LPI").abs().max() < 1e-12
    assert abs(changes["CHE"].change) < 1e-12


def test_decomposition_refuses_nonlinear_runs(asem: Dataset) -> None:
    before = run_index(asem)
    after = run_index(asem, parse_spec({"normalise": {"method": "zscore"}}))
    with pytest.raises(IndexSpecError, match="min-max"):
        decompose_change(before, after)


def test_effective_weights(asem: Dataset) -> None:
    result = run_index(asem)
    table = effective_weights(result)
    assert table["nominal_share"].sum() == pytest.approx(1.0)
    # LPI: 1 of 8 in Physical, 1 of 5 pillars in Conn, 1 of 2 sub-indices
    assert table.at["LPI", "nominal_share"] == pytest.approx(1 / 8 / 5 / 2)
    assert table["correlation_share"].sum() == pytest.approx(1.0)
    assert table["correlation"].between(-1, 1).all()


def test_strengths_rank_better_than_weaknesses(asem: Dataset) -> None:
    table = strengths_and_weaknesses(run_index(asem), top=3)
    for _, rows in table.groupby("unit"):
        strengths = rows[rows["kind"] == "strength"]["rank"]
        weaknesses = rows[rows["kind"] == "weakness"]["rank"]
        assert len(strengths) == 3
        assert strengths.max() <= weaknesses.min()


def _sparse_dataset() -> Dataset:
    rng = np.random.default_rng(0)
    units = [f"U{i}" for i in range(30)]
    rare = np.zeros(30)
    rare[:2] = [5.0, 1.0]
    data = pd.DataFrame(
        {"a": rng.uniform(40, 60, 30), "b": rng.uniform(40, 60, 30), "rare": rare}, index=units
    )
    tree = IndicatorTree(
        (
            Node("a", 1, "I", 1.0),
            Node("b", 1, "I", 1.0),
            Node("rare", 1, "I", 1.0),
            Node("I", 2, None, 1.0),
        )
    )
    return Dataset(data=data, tree=tree)


def test_entropy_on_a_sparse_indicator_warns() -> None:
    dataset = _sparse_dataset()
    base = {"impute": {"method": "none"}, "treat": {"method": "none"}}
    entropy = run_index(dataset, parse_spec({**base, "weights": {"method": "entropy"}}))
    assert entropy.weights["rare"] > 0.5
    assert any("rare" in w and "sparse" in w for w in entropy.warnings)
    given = run_index(dataset, parse_spec(base))
    assert given.warnings == []


def test_removal_impacts(asem: Dataset) -> None:
    spec = parse_spec({})
    impacts = removal_impacts(asem, spec, ["Flights", "Physical", "Conn"])
    assert (impacts["mean_abs_rank_change"] > 0).all()
    # removing a whole sub-index moves ranks more than removing one of 49 indicators
    assert (
        impacts.at["Conn", "mean_abs_rank_change"] > impacts.at["Flights", "mean_abs_rank_change"]
    )
    zeroed = parse_spec({"weights": {"overrides": {"Flights": 0}}})
    assert removal_impacts(asem, zeroed, ["Flights"]).at["Flights", "units_moved"] == 0
