"""The ranking of regions from their KPIs: ordering, bands, year-on-year significance."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest
from kpi_world import ADMIN, REGIONS, world_database

from kechuang.domain import ValidationError
from kechuang.metrics import Dataset, run_index
from kechuang.metrics.spec import ZScoreSpec
from kechuang.metrics.uncertainty import UncertaintySpec
from kechuang.services import kpis, ranking

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with world_database(request, tmp_path_factory, "ranking") as url:
        yield url


@pytest.fixture(scope="module")
def result(world: str) -> ranking.Ranking:
    return ranking.rank_regions(ADMIN, 2024, runs=300, seed=1)


def test_bigger_regions_rank_higher(result: ranking.Ranking) -> None:
    assert [entry.region for entry in result.regions] == [name for name, _, _ in REGIONS]
    assert [entry.rank for entry in result.regions] == [1, 2, 3, 4]
    scores = [entry.score for entry in result.regions]
    assert scores == sorted(scores, reverse=True)


def test_bands_contain_the_median_and_are_reported(result: ranking.Ranking) -> None:
    for entry in result.regions:
        assert entry.band is not None
        assert entry.median is not None
        assert 1 <= entry.band[0] <= entry.median <= entry.band[1] <= 4
    assert result.sobol is not None
    assert set(result.sobol.index) == {"Winmax", "Normalisation", "Weights", "Aggregation"}


def test_rank_changes_and_their_significance(result: ranking.Ranking) -> None:
    lanzhou = result.region("兰州新区")
    # smallest in 2023 (tied last or near), largest in 2024
    assert lanzhou.previous_rank is not None
    assert lanzhou.previous_rank >= 3
    assert lanzhou.change is not None
    assert lanzhou.change > 0
    assert lanzhou.band is not None
    assert lanzhou.significant is (not lanzhou.band[0] <= lanzhou.previous_rank <= lanzhou.band[1])
    for entry in result.regions:
        assert entry.previous_rank is not None
        if entry.band is not None and entry.band[0] <= entry.previous_rank <= entry.band[1]:
            assert entry.significant is False


def test_score_is_the_documented_composite(result: ranking.Ranking) -> None:
    """Re-compute the index by hand from the treated indicators and the stated weights."""
    table = result.index.stages["Treated"]
    normalised = (table - table.min()) / (table.max() - table.min()) * 100
    pillar_scores = {}
    for pillar in ranking.RANKING_PILLARS:
        codes = [i.code for i in result.indicators if i.pillar == pillar]
        pillar_scores[pillar] = normalised[codes].mean(axis=1, skipna=True)
    weights = {p: w for p, (w, _, _) in ranking.RANKING_PILLARS.items()}
    expected = sum(pillar_scores[p] * weights[p] for p in weights) / sum(weights.values())
    got = {entry.region: entry.score for entry in result.regions}
    for region, value in expected.items():
        if np.isnan(value):
            continue
        assert got[region] == pytest.approx(value, abs=1e-9)


def test_indicators_without_data_are_left_out_with_a_warning(result: ranking.Ranking) -> None:
    assert "visits" not in {i.code for i in result.indicators}
    assert any("visits" in w for w in result.warnings)


def test_json_shape(result: ranking.Ranking) -> None:
    payload = result.as_dict()
    assert payload["year"] == 2024
    first = payload["regions"][0]
    assert set(first) >= {"region", "score", "rank", "band", "previous_rank", "significant"}
    assert payload["pillars"]["resources"]["weight"] == 0.30


def test_two_regions_minimum_and_year_check(world: str) -> None:
    current = kpis.all_regions(ADMIN, year=2024)[:1]
    with pytest.raises(ValidationError):
        ranking.rank_kpis(2024, current)
    with pytest.raises(ValidationError):
        ranking.rank_regions(ADMIN, 1800)


def test_default_spec_runs_through_the_general_pipeline(result: ranking.Ranking) -> None:
    dataset = Dataset(data=result.data, tree=ranking.ranking_tree(result.indicators))
    again = run_index(dataset, ranking.RANKING_SPEC)
    assert np.allclose(again.index, result.index.index, equal_nan=True)


def test_rank_cli(world: str) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from kechuang.cli import app  # noqa: PLC0415

    runner = CliRunner()
    out = runner.invoke(app, ["rank", "--year", "2024", "--runs", "20", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert [r["rank"] for r in payload["regions"]] == [1, 2, 3, 4]
    text = runner.invoke(app, ["rank", "--year", "2024", "--runs", "20"])
    assert text.exit_code == 0
    assert "兰州新区" in text.stdout
    assert "显著" in text.stdout
    bad = runner.invoke(app, ["rank", "--year", "1800"])
    assert bad.exit_code == 2


def test_score_changes_decompose_exactly(result: ranking.Ranking) -> None:
    assert set(result.changes) == {name for name, _, _ in REGIONS}
    for entry in result.regions:
        change = result.changes[entry.region]
        assert entry.score is not None
        assert change.after == pytest.approx(entry.score, abs=1e-9)
        total = change.contributions.sum() + change.bounds_term
        assert total == pytest.approx(change.after - change.before, abs=1e-9)
    lanzhou = result.changes["兰州新区"]
    assert lanzhou.change > 0  # it grew from the smallest to the largest


def test_bands_fall_back_to_arithmetic_when_geometric_is_undefined(
    world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # z-scores around 0 are negative for half the regions: the geometric mean is undefined
    monkeypatch.setattr(
        ranking,
        "RANKING_UNCERTAINTY",
        UncertaintySpec(normalisation=[ZScoreSpec(mean=0.0, sd=1.0)], aggregation=["geometric"]),
    )
    current = kpis.all_regions(ADMIN, year=2024)
    result = ranking.rank_kpis(2024, current, runs=20)
    assert any("geometric" in w for w in result.warnings)
    assert all(entry.band is not None for entry in result.regions)
