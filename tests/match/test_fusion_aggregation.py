import numpy as np
import pytest

from kechuang.match.aggregation import AGGREGATIONS, AggregationName, softmax_weighted
from kechuang.match.fusion import (
    FUSIONS,
    CalibratedFusion,
    FusionName,
    LinearFusion,
    ZScoreFusion,
    cosine_spread,
    fit_linear_fusion,
    reciprocal_rank_fusion,
)


def test_every_registered_strategy_is_reachable_by_its_enum() -> None:
    assert set(FUSIONS) == set(FusionName)
    assert set(AGGREGATIONS) == set(AggregationName)


def test_rrf_sums_reciprocal_ranks_and_ignores_absent_lexical_matches() -> None:
    lexical = np.array([3.0, 0.0, 1.0], dtype=np.float32)
    semantic = np.array([0.1, 0.9, 0.5], dtype=np.float32)
    fused = reciprocal_rank_fusion(lexical, semantic, k=60)
    assert fused[0] == pytest.approx(1 / 61 + 1 / 63)
    assert fused[1] == pytest.approx(1 / 61)  # no lexical match: semantic rank only
    assert fused[2] == pytest.approx(1 / 62 + 1 / 62)


def test_linear_fusion_normalises_bm25_by_the_best_match() -> None:
    fused = LinearFusion(lexical_weight=0.5, semantic_weight=1.0)(
        np.array([4.0, 2.0], dtype=np.float32), np.array([0.2, 0.4], dtype=np.float32)
    )
    np.testing.assert_allclose(fused, [0.7, 0.65], rtol=1e-6)


def test_fit_linear_fusion_picks_the_weight_minimising_the_objective() -> None:
    fitted, value = fit_linear_fusion(lambda f: abs(f.lexical_weight - 0.4), (0.0, 0.4, 1.0))
    assert fitted.lexical_weight == 0.4
    assert value == 0


def test_aggregations_on_a_known_profile() -> None:
    scores = np.array([0.9, 0.1, 0.5, 0.3], dtype=np.float32)
    assert AGGREGATIONS[AggregationName.MAX](scores) == pytest.approx(0.9)
    assert AGGREGATIONS[AggregationName.MEAN](scores) == pytest.approx(0.45)
    assert AGGREGATIONS[AggregationName.TOP2_MEAN](scores) == pytest.approx(0.7)
    assert AGGREGATIONS[AggregationName.TOP3_MEAN](scores) == pytest.approx((0.9 + 0.5 + 0.3) / 3)
    assert AGGREGATIONS[AggregationName.TOP5_MEAN](scores) == pytest.approx(0.45)
    soft = softmax_weighted(scores)
    assert 0.45 < soft <= 0.9
    assert softmax_weighted(scores, temperature=1e-4) == pytest.approx(0.9)
    assert AGGREGATIONS[AggregationName.MAX](np.zeros(0, dtype=np.float32)) == 0.0


def test_zscore_fusion_is_scale_free_per_query() -> None:
    lexical = np.array([10.0, 0.0, 5.0], dtype=np.float32)
    semantic = np.array([0.8, 0.2, 0.5], dtype=np.float32)
    fused = ZScoreFusion(lexical_weight=1.0)(lexical, semantic)
    scaled = ZScoreFusion(lexical_weight=1.0)(lexical * 7, semantic * 3 + 1)
    np.testing.assert_allclose(fused, scaled, atol=1e-5)
    assert fused.argmax() == 0
    assert abs(float(fused.mean())) < 1e-5


def test_calibrated_fusion_keeps_the_cosine_level_and_standardises_bm25() -> None:
    lexical = np.array([10.0, 0.0, 5.0], dtype=np.float32)
    near = np.array([0.90, 0.86, 0.88], dtype=np.float32)
    fusion = CalibratedFusion(semantic_scale=0.02, lexical_weight=1.0)
    fused = fusion(lexical, near)
    # BM25 per query: scaling it (a longer query) changes nothing.
    np.testing.assert_allclose(fusion(lexical * 9, near), fused, rtol=1e-6)
    # Cosines are not re-centred per query: a query closer to every work scores higher.
    np.testing.assert_allclose(fusion(lexical, near + 0.02) - fused, 1.0, rtol=1e-5)
    expected = near / 0.02 + (lexical - lexical.mean()) / lexical.std()
    np.testing.assert_allclose(fused, expected, rtol=1e-5)
    # Without an embedder (semantic -inf) only the lexical part remains.
    absent = np.full(3, -np.inf, dtype=np.float32)
    np.testing.assert_allclose(fusion(lexical, absent), expected - near / 0.02, atol=1e-5)


def test_cosine_spread_is_the_std_of_the_cosines_between_distinct_rows() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = vectors @ vectors.T
    expected = cosines[~np.eye(50, dtype=bool)].std()
    assert cosine_spread(vectors) == pytest.approx(expected, rel=1e-5)
    assert 0 < cosine_spread(vectors, sample=20) < 1  # a seeded sample of rows
    assert cosine_spread(vectors[:1]) == 1.0  # one row: no spread to measure
    assert cosine_spread(np.tile(vectors[:1], (3, 1))) == 1.0  # identical rows
