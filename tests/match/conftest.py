"""Fixtures for the matching engine tests: tiny corpora and the real (fast) USE embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.match.embedding import Embedder, load_embedder
from kechuang.match.settings import EmbedderName, MatchSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "matching"


@pytest.fixture(scope="session")
def use_embedder() -> Embedder:
    """The real Universal Sentence Encoder from its wheel (loaded once per session)."""
    return load_embedder(EmbedderName.USE, MatchSettings(threads=1))


@pytest.fixture
def match_settings(tmp_path: Path) -> MatchSettings:
    """Settings with the embedding cache in a fresh temporary folder."""
    return MatchSettings(cache_dir=tmp_path / "cache", threads=1, embedder=EmbedderName.USE)


@pytest.fixture
def goldstandard_dir() -> Path:
    """../shared/data/matching/goldstandard_rap beside the repository, or skip with the reason."""
    folder = SHARED_DATA / "goldstandard_rap"
    if not folder.exists():
        pytest.skip(
            f"shared data not found at {folder} (the benchmark data lives outside the repo)"
        )
    return folder
