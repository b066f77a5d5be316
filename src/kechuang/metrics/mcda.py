"""Weighting and ranking methods from the MCDA literature, as small pure functions.

Matrices are alternatives (rows) × criteria (columns). Each function reproduces the published
vectors kept in ``../shared/data/index/mcda_literature_vectors`` (tests/metrics/test_mcda.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Saaty's random consistency indices (Saaty 1980; 2008 Table 2), by matrix order.
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def entropy_weights(matrix: np.ndarray) -> np.ndarray:
    """Shannon-entropy weights (Elsayed et al. 2017; Zeleny 1982).

    p_ij = x_ij/Σ_i x_ij; e_j = −(1/ln m)·Σ_i p_ij ln p_ij; w_j = (1 − e_j)/Σ_k(1 − e_k).
    Criteria whose values differ most get most weight — including a sparse criterion that is
    zero almost everywhere, which is why :mod:`kechuang.metrics.comparability` warns about it.
    """
    x = np.asarray(matrix, dtype=float)
    m = x.shape[0]
    totals = x.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(totals > 0, x / totals, 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(m)
    diversity = 1.0 - entropy
    total = diversity.sum()
    if total <= 0:
        return np.full(x.shape[1], 1.0 / x.shape[1])
    out: np.ndarray = diversity / total
    return out


def critic_weights(matrix: np.ndarray) -> np.ndarray:
    """CRITIC weights (Diakoulaki et al. 1995; as in Tuş & Adalı 2019).

    r = min-max(x) in [0, 1]; C_j = s_j·Σ_k(1 − ρ_jk) with s_j the sample sd of r_j and ρ the
    Pearson correlation; w = C/ΣC. Rewards contrast and penalises redundancy.
    """
    x = np.asarray(matrix, dtype=float)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    r = (x - lo) / span
    sd = r.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.corrcoef(r, rowvar=False)
    rho = np.nan_to_num(np.atleast_2d(rho), nan=0.0)
    information = sd * (1.0 - rho).sum(axis=0)
    total = information.sum()
    if total <= 0:
        return np.full(x.shape[1], 1.0 / x.shape[1])
    out: np.ndarray = information / total
    return out


def sd_weights(matrix: np.ndarray) -> np.ndarray:
    """Standard-deviation weights (Jahan & Edwards 2013): w_j = sd_j/Σ sd (ddof cancels)."""
    sd = np.asarray(matrix, dtype=float).std(axis=0, ddof=1)
    total = sd.sum()
    if total <= 0:
        return np.full(sd.size, 1.0 / sd.size)
    out: np.ndarray = sd / total
    return out


@dataclass(frozen=True)
class AhpResult:
    """AHP priorities with Saaty's consistency diagnostics."""

    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        """Saaty's rule of thumb: CR < 0.1 is acceptable."""
        return self.consistency_ratio < 0.1


def ahp_weights(pairwise: np.ndarray) -> AhpResult:
    """AHP principal-eigenvector priorities (Saaty 2008), λmax, CI = (λmax − n)/(n − 1), CR = CI/RI.

    Uses Saaty's random indices (:data:`SAATY_RI`); for n ≤ 2 CR is 0 by definition.
    """
    a = np.asarray(pairwise, dtype=float)
    n = a.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(a)
    index = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, index].real)
    weights = vector / vector.sum()
    lambda_max = float(eigenvalues[index].real)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RI.get(n, 1.49)
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(weights, lambda_max, ci, cr)


def _benefit_minmax(x: np.ndarray, types: np.ndarray) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    benefit = (x - lo) / span
    cost = (hi - x) / span
    out: np.ndarray = np.where(types > 0, benefit, cost)
    return out


def topsis(
    matrix: np.ndarray, weights: np.ndarray, types: np.ndarray, normalisation: str
) -> np.ndarray:
    """TOPSIS closeness C = D⁻/(D⁺ + D⁻) (Hwang & Yoon 1981), with the normalisation explicit.

    ``minmax``: linear min-max with cost criteria reversed (pymcdm's default; reproduces
    Opricovic & Tzeng 2004). ``vector``: x/‖x‖₂ (the classic form; pyDecision, scikit-criteria).
    The two can rank differently — so the caller must choose.
    """
    x = np.asarray(matrix, dtype=float)
    t = np.asarray(types, dtype=float)
    w = np.asarray(weights, dtype=float)
    if normalisation == "minmax":
        weighted = _benefit_minmax(x, t) * w
        ideal, anti = weighted.max(axis=0), weighted.min(axis=0)
    elif normalisation == "vector":
        norms = np.sqrt((x**2).sum(axis=0))
        weighted = x / np.where(norms > 0, norms, 1.0) * w
        ideal = np.where(t > 0, weighted.max(axis=0), weighted.min(axis=0))
        anti = np.where(t > 0, weighted.min(axis=0), weighted.max(axis=0))
    else:
        raise ValueError(f"unknown TOPSIS normalisation {normalisation!r}: use minmax or vector")
    d_plus = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(total > 0, d_minus / total, 0.5)
    return out


def grey_relational_grade(
    matrix: np.ndarray, weights: np.ndarray, types: np.ndarray, rho: float = 0.5
) -> np.ndarray:
    """Grey relational grade against the ideal alternative (Deng 1982; Kuo et al. 2008).

    Criteria are min-max normalised (cost reversed) to [0, 1]; Δ_ij = |1 − r_ij|;
    ξ_ij = (Δmin + ρΔmax)/(Δ_ij + ρΔmax); grade = Σ_j w_j ξ_ij / Σ w.
    """
    r = _benefit_minmax(np.asarray(matrix, dtype=float), np.asarray(types, dtype=float))
    delta = np.abs(1.0 - r)
    d_min, d_max = float(delta.min()), float(delta.max())
    if d_max == 0:
        return np.ones(r.shape[0])
    xi = (d_min + rho * d_max) / (delta + rho * d_max)
    w = np.asarray(weights, dtype=float)
    out: np.ndarray = xi @ w / w.sum()
    return out
