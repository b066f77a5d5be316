"""``kechuang index run`` / ``index uncertainty`` end to end on the ASEM CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kechuang.cli import app

pytestmark = pytest.mark.data
runner = CliRunner()


def _args(asem_dir: Path) -> list[str]:
    return ["--data", str(asem_dir / "ASEM_iData.csv"), "--meta", str(asem_dir / "ASEM_iMeta.csv")]


def test_index_run_json_reproduces_coinr(asem_dir: Path) -> None:
    result = runner.invoke(app, ["index", "run", *_args(asem_dir), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    expected = pd.read_csv(asem_dir / "expected_results_Aggs.csv").set_index("uCode")
    units = {u["code"]: u for u in payload["units"]}
    assert len(units) == 51
    for code, row in expected.iterrows():
        unit = units[str(code)]
        assert unit["rank"] == row["Rank"]
        assert unit["score"] == pytest.approx(row["Index"], abs=1e-9)
        for column in expected.columns.drop(["Rank", "Index"]):
            assert unit["levels"][column] == pytest.approx(row[column], abs=1e-9)
    assert payload["units"][0]["code"] == "CHE"


def test_index_run_with_spec(asem_dir: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "normalise: {method: zscore, mean: 10, sd: 2}\naggregate: {method: geometric}\n"
        "remove: [Flights]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["index", "run", *_args(asem_dir), "--spec", str(spec), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["weights"]["Flights"] == 0.0
    assert payload["spec"]["normalise"] == {"method": "zscore", "mean": 10.0, "sd": 2.0}
    scores = [u["score"] for u in payload["units"]]
    assert scores == sorted(scores, reverse=True)
    assert 5 < scores[-1] < scores[0] < 15  # z-scores around 10
    assert payload["removal"]["removed"] == ["Flights"]
    assert payload["removal"]["mean_abs_rank_change"] >= 0
    assert payload["effective_weights"]["Flights"]["nominal_share"] == 0.0


def test_bad_spec_exits_2_with_bilingual_message(asem_dir: Path, tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("normalise: {method: minmax, rnge: [0, 1]}\n", encoding="utf-8")
    result = runner.invoke(app, ["index", "run", *_args(asem_dir), "--spec", str(spec)])
    assert result.exit_code == 2
    assert "normalise.minmax.rnge" in result.stderr
    assert "指数配置无效" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = runner.invoke(app, ["index", "run", "--data", str(missing), "--meta", str(missing)])
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_index_uncertainty_json(asem_dir: Path) -> None:
    result = runner.invoke(
        app, ["index", "uncertainty", *_args(asem_dir), "--runs", "50", "--seed", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n_runs"] == 50 * 6
    assert {row["factor"] for row in payload["sobol"]} == {
        "Winmax",
        "Normalisation",
        "Weights",
        "Aggregation",
    }
    che = next(u for u in payload["units"] if u["code"] == "CHE")
    assert che["nominal"] == 1
    assert che["q5"] <= che["median"] <= che["q95"]


def test_index_run_writes_stages_that_match_coinr(asem_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "stages"
    result = runner.invoke(app, ["index", "run", *_args(asem_dir), "--stages", str(out)])
    assert result.exit_code == 0, result.output
    for name in [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ]:
        expected = pd.read_csv(asem_dir / f"stage_{name}.csv").set_index("uCode")
        got = pd.read_csv(out / f"stage_{name}.csv").set_index("uCode")
        got = got.loc[expected.index, expected.columns]
        assert np.allclose(got, expected, rtol=0, atol=1e-9, equal_nan=True), name
