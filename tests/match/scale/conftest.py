"""Fixtures for the scale tests: a small seeded corpus, indexed with the real USE embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.match.embedding import Embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.scale.corpus import CorpusGenerator
from kechuang.match.scale.persistence import save_index


@pytest.fixture(scope="session")
def small_corpus() -> tuple[list[Entity], list[Work]]:
    """60 generated resources (Chinese and English), one profile work each."""
    resources = list(CorpusGenerator(seed=11).resources(60))
    return [r.entity for r in resources], [r.work for r in resources]


@pytest.fixture(scope="session")
def saved_index(
    tmp_path_factory: pytest.TempPathFactory,
    small_corpus: tuple[list[Entity], list[Work]],
    use_embedder: Embedder,
) -> Path:
    """The small corpus indexed (BM25 + USE vectors) and saved once per session."""
    entities, works = small_corpus
    folder = tmp_path_factory.mktemp("scale") / "index"
    save_index(MatchIndex.build(works, entities, embedder=use_embedder), folder)
    return folder


@pytest.fixture(scope="session")
def demand_texts() -> list[str]:
    """Seeded demand texts in both languages."""
    return [
        *CorpusGenerator(seed=11).demands(16),
        "需要锂电池正极材料烧结工艺方面的专家",
        "looking for experts in hydrogen fuel cell membranes",
    ]
