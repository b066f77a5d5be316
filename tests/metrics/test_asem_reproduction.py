"""COINr's ASEM example reproduced stage by stage (issue 5, "Done means")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kechuang.metrics import run_index
from kechuang.metrics.pipeline import IndexResult
from kechuang.metrics.tree import Dataset

pytestmark = pytest.mark.data

STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


@pytest.fixture(scope="module")
def result(asem: Dataset) -> IndexResult:
    return run_index(asem)


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_matches_coinr_to_1e_9(result: IndexResult, asem_dir: Path, stage: str) -> None:
    expected = pd.read_csv(asem_dir / f"stage_{stage}.csv").set_index("uCode")
    got = result.stages[stage].loc[expected.index, expected.columns]
    assert (got.isna() == expected.isna()).all().all()
    assert np.allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9, equal_nan=True)


def test_index_and_ranks_match_published_table(result: IndexResult, asem_dir: Path) -> None:
    expected = pd.read_csv(asem_dir / "expected_results_Aggs.csv").set_index("uCode")
    got = result.aggregated.loc[expected.index]
    for column in expected.columns.drop("Rank"):
        assert np.allclose(got[column], expected[column], rtol=0, atol=1e-9), column
    assert (result.ranks.loc[expected.index].astype(int) == expected["Rank"]).all()


def test_full_results_every_column(result: IndexResult, asem_dir: Path) -> None:
    expected = pd.read_csv(asem_dir / "expected_results_full.csv").set_index("uCode")
    got = result.aggregated.loc[expected.index, expected.columns.drop("Rank")]
    assert np.allclose(got, expected.drop(columns="Rank"), rtol=0, atol=1e-9)


def test_headline_figures(result: IndexResult) -> None:
    assert round(result.index["CHE"], 2) == 68.38
    assert round(result.index["NLD"], 2) == 64.82
    assert int(result.ranks["IND"]) == 45
    assert round(result.aggregated.at["IND", "Conn"], 2) == 28.60
    assert round(result.aggregated.at["IND", "Sust"], 2) == 50.99


def test_treatment_details(result: IndexResult, asem_dir: Path) -> None:
    details = pd.read_csv(asem_dir / "treatment_details.csv").set_index("iCode")
    records = {r.code: r for r in result.treatment}
    assert set(records) == set(details.index)
    winsorised = 0
    for code, row in details.iterrows():
        record = records[str(code)]
        assert record.passed_before == bool(row["check_SkewKurt0.Pass"])
        assert record.skew_before == pytest.approx(row["check_SkewKurt0.Skew"], abs=1e-12)
        assert record.kurt_before == pytest.approx(row["check_SkewKurt0.Kurt"], abs=1e-12)
        if record.passed_before:
            assert record.method == "none"
            continue
        winsorised += 1
        assert record.method == "winsorise"
        assert record.winsorised == int(row["winsorise.nwin"])
        assert record.passed_after == bool(row["check_SkewKurt1.Pass"])
        assert record.skew_after == pytest.approx(row["check_SkewKurt1.Skew"], abs=1e-12)
        assert record.kurt_after == pytest.approx(row["check_SkewKurt1.Kurt"], abs=1e-12)
    assert winsorised == 15


def test_no_unit_is_screened_out(result: IndexResult) -> None:
    assert result.dropped_units == []
    assert len(result.index) == 51
