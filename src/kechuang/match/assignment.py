"""Assign a batch of demands to experts under per-expert capacity, and say what balance costs.

Formulation (a transportation problem, solved exactly as an integer programme with HiGHS through
``scipy.optimize.milp``; its constraint matrix is totally unimodular, so the LP optimum is
integral): binary ``x[d, e]``; maximise Σ score[d, e]·x[d, e] subject to Σ_e x[d, e] ≤ need[d],
Σ_d x[d, e] ≤ capacity[e], x = 0 where the pair is forbidden (conflict, filtered out). A coverage
bonus makes the solver fill every slot it can before it prefers better scores. The report compares
with each demand's unconstrained best experts, the quality given up for balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class AssignmentReport:
    """The assignment and its price relative to the unconstrained choice."""

    pairs: tuple[tuple[str, str, float], ...]
    """(demand id, expert id, score) of every assignment."""
    total_score: float
    unconstrained_score: float
    """Sum over demands of their ``need`` best allowed experts, capacity ignored."""
    quality_given_up: float
    """1 - total / unconstrained (0 when capacity never binds)."""
    top1_kept: float
    """Share of demands that still got their unconstrained best expert."""
    unfilled: int
    """Demand slots left empty because capacity or conflicts ran out."""
    max_load: int
    """Most demands given to one expert."""


def assign(
    demand_ids: Sequence[str],
    expert_ids: Sequence[str],
    scores: FloatMatrix,
    *,
    capacity: Sequence[int] | int,
    need: Sequence[int] | int = 1,
    allowed: BoolMatrix | None = None,
) -> AssignmentReport:
    """Best capacity-respecting assignment of ``demand_ids`` (rows) to ``expert_ids`` (columns)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415 - heavy
    from scipy.sparse import coo_array  # noqa: PLC0415

    n_demands, n_experts = len(demand_ids), len(expert_ids)
    score = np.asarray(scores, dtype=np.float64).reshape(n_demands, n_experts)
    caps = np.broadcast_to(np.asarray(capacity, dtype=np.float64), (n_experts,))
    needs = np.broadcast_to(np.asarray(need, dtype=np.float64), (n_demands,))
    ok = np.ones_like(score, dtype=np.bool_) if allowed is None else np.asarray(allowed, np.bool_)
    ok = ok & np.isfinite(score)
    rows, cols = np.nonzero(ok)
    if rows.size == 0:
        return AssignmentReport((), 0.0, 0.0, 0.0, 0.0, int(needs.sum()), 0)
    values = score[rows, cols]
    bonus = 1.0 + float(np.abs(values).max()) * 2.0
    variables = rows.size
    demand_rows = coo_array(
        (np.ones(variables), (rows, np.arange(variables))), shape=(n_demands, variables)
    )
    expert_rows = coo_array(
        (np.ones(variables), (cols, np.arange(variables))), shape=(n_experts, variables)
    )
    result = milp(
        c=-(values + bonus),
        constraints=[
            LinearConstraint(demand_rows.tocsr(), -np.inf, needs),
            LinearConstraint(expert_rows.tocsr(), -np.inf, caps),
        ],
        integrality=np.ones(variables),
        bounds=Bounds(0, 1),
    )
    if not result.success:  # pragma: no cover - the problem is always feasible (x = 0)
        raise RuntimeError(f"assignment solver failed: {result.message}")
    chosen = np.flatnonzero(result.x > 0.5)
    pairs = tuple((demand_ids[rows[i]], expert_ids[cols[i]], float(values[i])) for i in chosen)
    total = float(values[chosen].sum())
    masked = np.where(ok, score, -np.inf)
    unconstrained = 0.0
    top1_kept = 0
    for d in range(n_demands):
        best = np.sort(masked[d][np.isfinite(masked[d])])[::-1][: int(needs[d])]
        unconstrained += float(best.sum())
        if best.size:
            top = int(np.argmax(masked[d]))
            top1_kept += any(rows[i] == d and cols[i] == top for i in chosen)
    load = np.bincount(cols[chosen], minlength=n_experts)
    return AssignmentReport(
        pairs=pairs,
        total_score=total,
        unconstrained_score=unconstrained,
        quality_given_up=1 - total / unconstrained if unconstrained > 0 else 0.0,
        top1_kept=top1_kept / n_demands if n_demands else 0.0,
        unfilled=int(needs.sum()) - int(chosen.size),
        max_load=int(load.max()) if load.size else 0,
    )
