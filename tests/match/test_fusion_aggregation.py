import numpy as np
import pytest

from kechuang.match.aggregation import AGGREGATIONS, AggregationName, softmax_weighted
from kechuang.match.fusion import (
    FUSIONS,
    FusionName,
    LinearFusion,
    ZScoreFusion,
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
