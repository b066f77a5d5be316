"""The MCDA methods against the published literature vectors (exact to the published digits)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kechuang.metrics import mcda

pytestmark = pytest.mark.data


def test_entropy_elsayed2017(mcda_vectors: dict[str, Any]) -> None:
    case = mcda_vectors["entropy_weights_elsayed2017"]
    weights = mcda.entropy_weights(np.array(case["matrix"]))
    assert np.allclose(weights, case["expected_weights"], rtol=0, atol=case["tolerance"])


def test_critic_tus_adali2019(mcda_vectors: dict[str, Any]) -> None:
    case = mcda_vectors["critic_weights_tus_adali2019"]
    weights = mcda.critic_weights(np.array(case["matrix"]))
    assert np.allclose(weights, case["expected_weights"], rtol=0, atol=case["tolerance"])


def test_sd_jahan_edwards2013(mcda_vectors: dict[str, Any]) -> None:
    case = mcda_vectors["std_weights_jahan_edwards2013"]
    weights = mcda.sd_weights(np.array(case["matrix"]))
    assert np.allclose(weights, case["expected_weights"], rtol=0, atol=case["tolerance"])


def test_topsis_opricovic_tzeng2004_both_normalisations(mcda_vectors: dict[str, Any]) -> None:
    case = mcda_vectors["topsis_opricovic_tzeng2004"]
    args = (np.array(case["matrix"]), np.array(case["weights"]), np.array(case["types"]))
    minmax = mcda.topsis(*args, normalisation="minmax")
    vector = mcda.topsis(*args, normalisation="vector")
    assert np.allclose(minmax, case["expected_closeness"], rtol=0, atol=case["tolerance"])
    assert np.allclose(vector, case["closeness_with_vector_normalisation"], rtol=0, atol=5e-7)
    # the best alternative really changes with the normalisation
    assert int(np.argmax(minmax)) == 1
    assert int(np.argmax(vector)) == 0


def test_topsis_rejects_unstated_normalisation() -> None:
    with pytest.raises(ValueError, match="normalisation"):
        mcda.topsis(np.eye(2), np.ones(2), np.ones(2), normalisation="")


def test_ahp_saaty2008_drinks(mcda_vectors: dict[str, Any]) -> None:
    case = mcda_vectors["ahp_saaty2008_drinks"]
    result = mcda.ahp_weights(np.array(case["pairwise_matrix"]))
    tol = case["tolerance"]
    assert np.allclose(
        result.weights, case["expected_weights_principal_eigenvector"], rtol=0, atol=tol
    )
    assert result.lambda_max == pytest.approx(case["expected_lambda_max"], abs=tol)
    assert result.consistency_ratio == pytest.approx(case["expected_CR_saaty_RI"], abs=tol)
    assert mcda.SAATY_RI[7] == case["saaty_RI_n7"]
    assert result.consistent


def test_ahp_perfectly_consistent_matrix_recovers_ratios() -> None:
    w = np.array([0.5, 0.3, 0.2])
    result = mcda.ahp_weights(w[:, None] / w[None, :])
    assert np.allclose(result.weights, w, atol=1e-12)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_ahp_flags_inconsistent_judgements() -> None:
    # a > b (9), b > c (9) but c > a (9): maximally intransitive
    pairwise = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not mcda.ahp_weights(pairwise).consistent


def test_entropy_favours_a_sparse_criterion() -> None:
    rng = np.random.default_rng(1)
    dense = rng.uniform(0.4, 0.6, size=(20, 2))
    sparse = np.zeros((20, 1))
    sparse[0, 0] = 1.0
    weights = mcda.entropy_weights(np.hstack([dense, sparse]))
    assert weights[2] > 0.9


def test_grey_relational_hand_computed() -> None:
    # two criteria already in [0, 1] orientation; A dominates B dominates C
    matrix = np.array([[1.0, 1.0], [0.5, 0.0], [0.0, 0.5]])
    grade = mcda.grey_relational_grade(matrix, np.array([0.5, 0.5]), np.array([1, 1]))
    # Δ = |1 − r|: A (0,0), B (0.5,1), C (1,0.5); Δmin 0, Δmax 1; ξ = 0.5/(Δ + 0.5)
    expected = [1.0, 0.5 * (0.5 + 1 / 3), 0.5 * (1 / 3 + 0.5)]
    assert np.allclose(grade, expected, atol=1e-15)
