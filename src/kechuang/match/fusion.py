"""Fusing lexical and semantic scores of the same candidate works.

Strategies live in :data:`FUSIONS`, keyed by :class:`FusionName`; callers pick one by name, never
by an if-chain. Each takes the two component arrays aligned over the candidates (``lexical`` is
0 where a work did not match lexically) and returns the fused array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
RRF_K = 60


class FusionName(StrEnum):
    """How lexical and semantic evidence combine into one score."""

    LEXICAL = "lexical"
    SEMANTIC = "semantic"
    RRF = "rrf"
    LINEAR = "linear"
    ZSCORE = "zscore"


def ranks(scores: FloatArray, present: npt.NDArray[np.bool_]) -> FloatArray:
    """1-based rank of each score among the present ones (``inf`` where absent)."""
    result = np.full(scores.shape, np.inf, dtype=np.float32)
    index = np.flatnonzero(present)
    order = index[np.argsort(-scores[index], kind="stable")]
    result[order] = np.arange(1, order.size + 1, dtype=np.float32)
    return result


def reciprocal_rank_fusion(lexical: FloatArray, semantic: FloatArray, k: int = RRF_K) -> FloatArray:
    """RRF: sum of 1/(k + rank) over the lists a work appears in.

    Cormack, Clarke, Büttcher, "Reciprocal rank fusion outperforms Condorcet and individual rank
    learning methods", SIGIR 2009 (k = 60). A work absent from a list adds nothing for it.
    """
    lexical_ranks = ranks(lexical, lexical > 0)
    semantic_ranks = ranks(semantic, np.isfinite(semantic))
    fused = 1.0 / (k + lexical_ranks) + 1.0 / (k + semantic_ranks)
    return fused.astype(np.float32)


def normalised_lexical(lexical: FloatArray) -> FloatArray:
    """BM25 divided by the best BM25 of this query, so it lives in [0, 1] like a cosine."""
    top = float(lexical.max(initial=0.0))
    if top <= 0:
        return np.zeros_like(lexical)
    normalised: FloatArray = (lexical / top).astype(np.float32)
    return normalised


@dataclass(frozen=True)
class LinearFusion:
    """``w_lex * BM25/max(BM25) + w_sem * cosine``; weights fitted on training data only."""

    lexical_weight: float = 0.3
    semantic_weight: float = 1.0

    def __call__(self, lexical: FloatArray, semantic: FloatArray) -> FloatArray:
        """Weighted sum of the normalised components."""
        semantic_finite = np.where(np.isfinite(semantic), semantic, 0.0)
        fused = (
            self.lexical_weight * normalised_lexical(lexical)
            + self.semantic_weight * semantic_finite
        )
        return fused.astype(np.float32)


def standardised(scores: FloatArray) -> FloatArray:
    """(score - mean) / std over the candidates of one query (``-inf`` counted as 0)."""
    finite = np.where(np.isfinite(scores), scores, 0.0).astype(np.float64)
    spread = float(finite.std())
    if spread == 0:
        return np.zeros_like(scores, dtype=np.float32)
    result: FloatArray = ((finite - finite.mean()) / spread).astype(np.float32)
    return result


@dataclass(frozen=True)
class ZScoreFusion:
    """``z(cosine) + w · z(BM25)``, each standardised over the query's candidates.

    CombSUM over z-scores (Montague & Aslam, "Relevance score normalization for metasearch",
    CIKM 2001): standardising per query removes BM25's growth with query length and the
    "hub" texts whose cosine is high with everything, so scores compare across queries.
    """

    lexical_weight: float = 0.5

    def __call__(self, lexical: FloatArray, semantic: FloatArray) -> FloatArray:
        """Weighted sum of the standardised components."""
        fused = standardised(semantic) + self.lexical_weight * standardised(lexical)
        return fused.astype(np.float32)


def cosine_spread(vectors: FloatArray, sample: int = 2000, seed: int = 0) -> float:
    """Standard deviation of the cosines between distinct indexed vectors (rows L2-normalised).

    The scale of an embedder's cosines on this corpus, read from the index alone (no query, no
    label): e5 packs scientific abstracts into a narrow band (σ ≈ 0.02 around 0.85), USE spreads
    them wider (σ ≈ 0.12). At most ``sample`` rows are drawn (seeded) so a large index pays
    ``sample²`` products, not ``n²``. 1.0 when there are fewer than two rows or no spread.
    """
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] < 2:
        return 1.0
    if matrix.shape[0] > sample:
        rows = np.random.default_rng(seed).choice(matrix.shape[0], size=sample, replace=False)
        matrix = matrix[np.sort(rows)]
    cosines = matrix @ matrix.T
    off_diagonal = cosines[~np.eye(matrix.shape[0], dtype=bool)].astype(np.float64)
    spread = float(off_diagonal.std())
    return spread if spread > 1e-6 else 1.0


@dataclass(frozen=True)
class CalibratedFusion:
    """``cosine / σ + w · z(BM25)``: cosines on one scale for every query, BM25 per query.

    The two components need different normalisations. BM25 grows with the query's length and
    rarity, so it is standardised over the query's candidates (as in :class:`ZScoreFusion`).
    Cosines of unit vectors are already comparable across queries: standardising them per query
    throws away how close a query is to the corpus as a whole, which is signal (measured on the
    gold standard: e5 alone 0.267 raw vs 0.310 per-query z). They are only divided by
    ``semantic_scale``, the spread of the embedder's cosines on the indexed corpus
    (:func:`cosine_spread`), so one unit of each component weighs the same. No fitted weight:
    ``lexical_weight`` stays 1.
    """

    semantic_scale: float = 1.0
    lexical_weight: float = 1.0

    def __call__(self, lexical: FloatArray, semantic: FloatArray) -> FloatArray:
        """Scaled cosine plus weighted per-query z-score of BM25."""
        semantic_finite = np.where(np.isfinite(semantic), semantic, 0.0).astype(np.float64)
        scale = self.semantic_scale if self.semantic_scale > 0 else 1.0
        fused = semantic_finite / scale + self.lexical_weight * standardised(lexical)
        return fused.astype(np.float32)


def fit_linear_fusion(
    objective: Callable[[LinearFusion], float],
    lexical_weights: Sequence[float] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0),
) -> tuple[LinearFusion, float]:
    """The lexical weight (semantic weight fixed at 1) minimising ``objective`` on training data.

    ``objective`` must evaluate on a training split only; the caller owns that discipline. A grid
    over one ratio is enough for two components and optimises the benchmark's own loss directly.
    """
    best: tuple[LinearFusion, float] | None = None
    for weight in lexical_weights:
        fusion = LinearFusion(lexical_weight=weight, semantic_weight=1.0)
        value = objective(fusion)
        if best is None or value < best[1]:
            best = (fusion, value)
    assert best is not None
    return best


def _lexical_only(lexical: FloatArray, semantic: FloatArray) -> FloatArray:
    return lexical


def _semantic_only(lexical: FloatArray, semantic: FloatArray) -> FloatArray:
    return semantic


Fusion = Callable[[FloatArray, FloatArray], FloatArray]

FUSIONS: dict[FusionName, Fusion] = {
    FusionName.LEXICAL: _lexical_only,
    FusionName.SEMANTIC: _semantic_only,
    FusionName.RRF: reciprocal_rank_fusion,
    FusionName.LINEAR: LinearFusion(),
    FusionName.ZSCORE: ZScoreFusion(),
}
