"""The speed benchmark runs end to end at a tiny N (figures are not asserted: not a timed test)."""

from __future__ import annotations

import numpy as np
import pytest

from kechuang.match.evaluation.speed import SpeedConfig, _full_vectors, run_speed
from kechuang.match.settings import EmbedderName


def test_generated_vectors_keep_the_real_ones_and_are_unit_length() -> None:
    rng = np.random.default_rng(0)
    real = rng.standard_normal((5, 16)).astype(np.float32)
    real /= np.linalg.norm(real, axis=1, keepdims=True)
    vectors = _full_vectors(real, 40, 16, seed=1)
    np.testing.assert_array_equal(vectors[:5], real)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors, _full_vectors(real, 40, 16, seed=1))
    assert np.abs(vectors[5:] @ real.T).max(axis=1).min() > 0.3  # near the real ones
    with pytest.raises(ValueError, match="real vector"):
        _full_vectors(None, 3, 16, seed=1)


@pytest.mark.slow
def test_tiny_run_covers_every_phase_and_the_hnsw_path() -> None:
    result = run_speed(
        SpeedConfig(
            resources=150,
            embedders=(EmbedderName.USE,),
            queries=10,
            encode_all_max=100,
            sample={EmbedderName.USE: 40},
            exact_max=100,
            hnsw_m=8,
        )
    )
    assert result["resources"] == 150
    assert result["corpus"]["mean_tokens"] > 10
    assert result["reference"]["resources"] == 150
    assert result["reference"]["queries"] == 10
    use = result["embedders"]["use"]
    assert use["encoding"]["real_vectors"] == 40
    assert use["encoding"]["generated_vectors"] == 110
    assert use["vector_index"]["kind"] == "faiss-hnsw"
    for label in ("none", "kind", "region+kind+status"):
        timing = use["queries"][label]
        assert timing["query_with_embedding"]["p50_ms"] > 0
        assert timing["retrieval_raw_libraries"]["p50_ms"] > 0
        assert timing["ratio_ours_to_raw_p50"] > 0
    assert result["memory"]["peak_rss_main_mb"] > 0
