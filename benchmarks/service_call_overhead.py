"""Is a bulk volunteers.create worth adding to the demo build? Measures the per-call overhead of a
service action (its SAVEPOINT and flush) against the same body called without it.

The demo writes 1,961 volunteers, one `volunteers.create` each. A bulk action would keep the
body (validation, permission, insert, audit row) per volunteer and save only the per-call
wrapper, so `(action - body) x 1,961` bounds what it could save. Both variants run in one
process, alternating, on a fresh SQLite file, inside one transaction like the demo.
Usage: `.venv/bin/python benchmarks/service_call_overhead.py [--rows 600] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        os.environ["KECHUANG_DATABASE_URL"] = url
        from kechuang.domain import (  # noqa: PLC0415 -- after the URL is set
            Actor,
            Organisation,
            OrganisationKind,
            Region,
            Volunteer,
        )
        from kechuang.services import (  # noqa: PLC0415
            organisations,
            regions,
            transaction,
            volunteers,
        )
        from kechuang.store import migrate  # noqa: PLC0415

        migrate.upgrade(url)
        actor = Actor.system("bench")
        region_id = regions.create(actor, Region(name="基准区")).id
        association_id = organisations.create(
            actor,
            Organisation(
                kind=OrganisationKind.ENTERPRISE_ASSOCIATION,
                name="基准企业科协（演示）",
                region_id=region_id,
            ),
        ).id
        assert region_id is not None
        assert association_id is not None
        variants = {
            "action (as the demo calls it)": volunteers.create,
            "body without the action wrapper": volunteers.create.__wrapped__,  # type: ignore[attr-defined]
        }
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        for round_number in range(args.rounds):
            for name, function in variants.items():
                batch = [
                    Volunteer(
                        name=f"志愿者{round_number}-{len(cpu[name])}-{i}",
                        region_id=region_id,
                        association_id=association_id,
                        speciality="绿色化工",
                        skills=["工艺咨询"],
                        is_demo=True,
                    )
                    for i in range(args.rows)
                ]
                start = time.process_time()
                with transaction():
                    for volunteer in batch:
                        function(actor, volunteer)
                cpu[name].append(time.process_time() - start)
    print(f"load average (1 min): {os.getloadavg()[0]:.1f}; {args.rows} volunteers per round")
    for name, seconds in cpu.items():
        per_row = [1000 * s / args.rows for s in seconds]
        print(f"{name}: cpu ms/row per round {', '.join(f'{x:.2f}' for x in per_row)}")
    best = {name: min(seconds) / args.rows for name, seconds in cpu.items()}
    action_cost, body_cost = best.values()
    print(
        f"best rounds: wrapper overhead {1000 * (action_cost - body_cost):.2f} ms/row; "
        f"x 1,961 demo volunteers = {1961 * (action_cost - body_cost):.2f} s cpu at most saved"
    )


if __name__ == "__main__":
    main()
