"""Portal full-text search on a loaded database: what a query, a suggestion and an index upkeep
cost, against the simple name/title search it replaced, measured in the same run.

Baseline: the former `/search` (four list services with `q=`: a case-insensitive LIKE on names
and titles, 10 per kind). Full text: `search.query` (BM25 over names, profiles, works, teasers,
events and honour lists, facets, highlighted snippets) and `search.suggest`, both on the
in-memory public index. Also: building the index from the database (first use), the after-commit
update for a profile edit, and for a write the public does not see (no re-index). Run on a
`kechuang demo` database:
`KECHUANG_DATABASE_URL=sqlite:////tmp/x/k.sqlite3 .venv/bin/python benchmarks/search_speed.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

QUERIES = [
    "氢能",
    "催化剂",
    "新材料 兰州",
    "燃料電池",
    "hydrogen fuel cell",
    "membrane",
    "学会",
    "氢",
]


def _timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def _p95(times: list[float]) -> float:
    return times[min(len(times) - 1, int(0.95 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    if "KECHUANG_DATABASE_URL" not in os.environ:
        raise SystemExit("set KECHUANG_DATABASE_URL to a database with the demo (kechuang demo)")
    from kechuang.domain import Actor  # noqa: PLC0415 -- after the environment is read
    from kechuang.services import (  # noqa: PLC0415
        achievements,
        demands,
        experts,
        organisations,
        search,
        transaction,
    )

    public = Actor.anonymous()
    system = Actor.system("bench")

    def simple(q: str) -> None:
        demands.list_teasers(public, q=q, limit=10)
        experts.list(public, q=q, limit=10)
        achievements.list(public, q=q, limit=10)
        organisations.list(public, q=q, limit=10)

    with transaction():
        start = time.perf_counter()
        search.query(public, "warm-up")
        first = time.perf_counter() - start
    builds = []
    for _ in range(3):
        search.invalidate()
        with transaction():
            start = time.perf_counter()
            search.query(public, "warm-up")
            builds.append(time.perf_counter() - start)
    with transaction():
        size = search.query(public, "", kind="expert", per_page=1)
        docs = sum(v.count for v in size.facets["kind"] if v.code != "organisation")
    print(
        f"index: {docs} public records; first use {first:.2f} s (analyser load + build), "
        f"rebuild median {statistics.median(builds):.2f} s"
    )
    print("| query | hits | simple search median / p95 ms | full text median / p95 ms | ratio |")
    print("|---|---|---|---|---|")
    ratios = []
    with transaction():
        for q in QUERIES:
            base = _timed(lambda q=q: simple(q), args.repeat)
            full = _timed(lambda q=q: search.query(public, q), args.repeat)
            hits = search.query(public, q).total
            ratio = statistics.median(full) / statistics.median(base)
            ratios.append(ratio)
            print(
                f"| {q} | {hits} | {statistics.median(base):.2f} / {_p95(base):.2f} | "
                f"{statistics.median(full):.2f} / {_p95(full):.2f} | {ratio:.2f}× |"
            )
        suggest = _timed(lambda: search.suggest(public, "兰州"), args.repeat)
    print(
        f"suggest('兰州'): median {statistics.median(suggest):.2f} ms, p95 {_p95(suggest):.2f} ms"
    )
    print(f"full text / simple, median of the per-query ratios: {statistics.median(ratios):.2f}×")
    with transaction():
        expert = experts.list(system, limit=1, with_works=False).items[0]
    assert expert.id is not None
    edits = []
    unseen = []
    for number in range(5):
        start = time.perf_counter()
        with transaction():
            experts.update(system, expert.id, {"bio": f"{expert.bio} 基准 {number}"})
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        with transaction():
            experts.update(system, expert.id, {"capacity": 3 + number % 2})
        unseen.append(time.perf_counter() - start)
    with transaction():
        experts.update(system, expert.id, {"bio": expert.bio, "capacity": expert.capacity})
    print(
        f"commit of a profile edit incl. index update: median {statistics.median(edits):.3f} s; "
        f"of a capacity edit (public view unchanged, no re-index): "
        f"median {statistics.median(unseen):.3f} s"
    )


if __name__ == "__main__":
    main()
