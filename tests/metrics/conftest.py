"""Fixtures for the index tests: the shared reference data, located from the repository root."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kechuang.metrics.tree import Dataset, read_coin_csv

REPO_ROOT = Path(__file__).resolve().parents[2]
INDEX_DATA = REPO_ROOT.parent / "shared" / "data" / "index"
ASEM_DIR = INDEX_DATA / "coinr_asem"
MCDA_JSON = INDEX_DATA / "mcda_literature_vectors" / "mcda_literature_vectors.json"


@pytest.fixture(scope="session")
def asem_dir() -> Path:
    """The COINr ASEM folder, or skip when ../shared/data is absent."""
    if not ASEM_DIR.is_dir():
        pytest.skip(f"reference data {ASEM_DIR} is absent (../shared/data next to the repo)")
    return ASEM_DIR


@pytest.fixture(scope="session")
def asem(asem_dir: Path) -> Dataset:
    """The ASEM data set read from COINr's iData/iMeta CSVs."""
    return read_coin_csv(asem_dir / "ASEM_iData.csv", asem_dir / "ASEM_iMeta.csv")


@pytest.fixture(scope="session")
def mcda_vectors() -> dict[str, Any]:
    """The published MCDA test vectors, or skip when absent."""
    if not MCDA_JSON.is_file():
        pytest.skip(f"reference data {MCDA_JSON} is absent (../shared/data next to the repo)")
    data: dict[str, Any] = json.loads(MCDA_JSON.read_text(encoding="utf-8"))
    return data
