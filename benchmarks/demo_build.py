"""How long `kechuang demo` takes on a fresh SQLite file, and where the time goes.

Runs, in one process and one temporary directory:
1. baseline: `generate_world(seed)` alone (the pure content, no database);
2. schema: Alembic upgrade of an empty SQLite file;
3. the full build through the services (`build_demo`), as `kechuang demo --quiet` does.
Reports wall time and this process's CPU time for each (the machine is shared: CPU time is the
figure that does not depend on other people's jobs), the number of service writes, and the ratio
build / baseline. Usage: `.venv/bin/python benchmarks/demo_build.py [--seed N]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _timed(function: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240827)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'demo.sqlite3'}"
        os.environ["KECHUANG_DATABASE_URL"] = url
        from kechuang.demo.builder import build_demo  # noqa: PLC0415 -- after the URL is set
        from kechuang.demo.generate import generate_world  # noqa: PLC0415
        from kechuang.store import migrate  # noqa: PLC0415

        world, gen_wall, gen_cpu = _timed(lambda: generate_world(args.seed))
        _, mig_wall, mig_cpu = _timed(lambda: migrate.upgrade(url))
        summary, build_wall, build_cpu = _timed(lambda: build_demo(seed=args.seed))
        transitions = sum(len(d.path) for d in world.dockings)
        writes = (
            len(world.regions)
            + len(world.organisations)
            + len(world.region_dockings)
            + len(world.experts)
            + len(world.volunteers)
            + len(world.achievements)
            + len(world.demands)
            + len(world.events)
            + len(world.dockings)
            + transitions
            + len(world.users)
        )
        load = os.getloadavg()[0]
        size = Path(directory, "demo.sqlite3").stat().st_size
    print(f"load average (1 min): {load:.1f}")
    print(f"generate_world (baseline): wall {gen_wall:.2f} s, cpu {gen_cpu:.2f} s")
    print(f"alembic upgrade:           wall {mig_wall:.2f} s, cpu {mig_cpu:.2f} s")
    print(f"build_demo:                wall {build_wall:.2f} s, cpu {build_cpu:.2f} s")
    print(f"  (includes generate_world again; {summary.users} argon2id password hashes)")
    print(
        f"service writes: {writes} (+ feedback and honour-list steps); database {size / 1e6:.1f} MB"
    )
    print(
        f"cpu per write: {1000 * build_cpu / writes:.2f} ms; build / baseline cpu: "
        f"{build_cpu / gen_cpu:.1f}x"
    )


if __name__ == "__main__":
    main()
