"""The operator's wait on the matching workbench: ``workbench.propose`` for a region's open demands.

Usage (on a database built by `kechuang demo`):

    KECHUANG_DATABASE_URL=sqlite:///…/k.sqlite3 .venv/bin/python benchmarks/workbench_propose.py \
        [--region 兰州新区] [--batch-capacity 1] [--repeat 3]

Baseline in the same run: the engine's retrieval alone — one ``matching.match_demand`` per demand
(conflicts excluded), which ``propose`` cannot avoid. The difference is what the workbench adds
(capacity loads, already-open dockings, the scipy milp solve). Prints JSON: best-of-``repeat``
wall times, their ratio, and the proposal's quality given up for balance.
"""

from __future__ import annotations

import argparse
import json
import time

from kechuang.domain import Actor
from kechuang.services import matching, regions, transaction, workbench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--region", default="兰州新区")
    parser.add_argument("--batch-capacity", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    system = Actor.system("bench-workbench")
    with transaction():
        region = regions.get_by_name(system, args.region)
        assert region.id is not None
        index = matching.build_index(system, lexical_only=True)
        open_ids = [d.id or 0 for d in workbench.open_demands(system, region.id)]

    def retrieval() -> None:
        with transaction():
            for demand_id in open_ids:
                matching.match_demand(
                    system, index, demand_id, kind="expert", k=10, region_id=region.id
                )

    def propose() -> workbench.Proposal:
        with transaction():
            return workbench.propose(
                system, index, region.id, open_ids, batch_capacity=args.batch_capacity
            )

    baseline, full = [], []
    proposal = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        retrieval()
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        proposal = propose()
        full.append(time.perf_counter() - started)
    assert proposal is not None
    print(
        json.dumps(
            {
                "region": args.region,
                "demands": len(open_ids),
                "batch_capacity": args.batch_capacity,
                "retrieval_s": round(min(baseline), 3),
                "propose_s": round(min(full), 3),
                "propose_over_retrieval": round(min(full) / min(baseline), 2),
                "total_score": round(proposal.total_score, 3),
                "unconstrained_score": round(proposal.unconstrained_score, 3),
                "quality_given_up": round(proposal.quality_given_up, 4),
                "top1_kept": round(proposal.top1_kept, 3),
                "max_load": proposal.max_load,
                "unfilled": proposal.unfilled,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
