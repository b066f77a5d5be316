"""Matching use cases: the region's experts, organisations and achievements as an index, queried
with a demand or a free text, every recommendation with its evidence.

The engine (``kechuang.match``) is a pure library; this module turns domain records into its
works and entities, applies the conflict rules with ids read through the other services, and
returns the engine's hits. An expert is the set of their works plus a profile text; an
organisation is its profile, its achievements and its members' works (co-owned works); an
achievement is its own text.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from kechuang.domain import (
    Actor,
    Demand,
    Docking,
    NotFound,
    OrganisationKind,
    PermissionDenied,
)
from kechuang.domain.docking import DockingStage, DockingTargetKind
from kechuang.match.conflicts import (
    Conflict,
    closed_lost_dockings,
    co_authorship,
    conflicted_experts,
    same_organisation,
)
from kechuang.match.embedding import Embedder, cached_embedder
from kechuang.match.engine import Hit, MatchIndex
from kechuang.match.scale.records import NATIONAL, demand_text, documents, entity_id
from kechuang.match.settings import MatchSettings, get_settings
from kechuang.services import achievements, demands, dockings, experts, organisations, policy
from kechuang.services.context import action

__plumbing__ = ("documents", "demand_text", "entity_id")
"""Public helpers that are not service actions (pure functions over domain records)."""

KINDS: dict[str, tuple[str, ...]] = {
    "expert": ("expert",),
    "org": ("organisation", *(kind.value for kind in OrganisationKind)),
    "achievement": ("achievement",),
}
"""CLI/API kind names -> entity kinds in the index (a persisted index may store an
organisation under its own kind: society, lab …)."""

policy.rule("matching.build_index", "anyone: the index holds only what the public may read")(
    policy.anyone
)
policy.rule("matching.match_text", "anyone: public records only")(policy.anyone)


def _may_match_demand(actor: Actor, _subject: object = None) -> bool:
    """Recommendations are a members' service: the conflict-of-interest exclusion reads the closed
    dockings the actor may see, of which the public sees none, so an anonymous caller would be
    shown partners the rules exclude. The demand's tier is then checked by ``demands.get``."""
    return policy.signed_in(actor)


policy.rule(
    "matching.match_demand",
    "signed-in users who may read the demand in full (tier checked by demands.get); "
    "not the anonymous public",
)(_may_match_demand)


@action("matching.build_index")
def build_index(
    actor: Actor,
    region_id: int | None = None,
    *,
    embedder: Embedder | None = None,
    lexical_only: bool = False,
    settings: MatchSettings | None = None,
) -> MatchIndex:
    """Index every non-archived expert, organisation and published achievement (of a region)."""
    policy.require(actor, "matching.build_index")
    settings = settings or get_settings()
    works, entities = documents(
        experts.all_with_works(actor, region_id),
        organisations.all_in_region(actor, region_id),
        achievements.all_in_region(actor, region_id),
    )
    if embedder is None and not lexical_only:
        embedder = cached_embedder(settings.embedder, settings)
    return MatchIndex.build(works, entities, embedder=embedder, settings=settings)


@action("matching.match_text")
def match_text(
    actor: Actor,
    index: MatchIndex,
    text: str,
    *,
    kind: str | None = None,
    region_id: int | None = None,
    k: int = 10,
) -> builtins.list[Hit]:
    """Top-``k`` recommendations for a free text (Chinese or English) with evidence."""
    policy.require(actor, "matching.match_text")
    filters = {"region": str(region_id)} if region_id is not None else {}
    return index.query(text, k=k, kind=KINDS[kind] if kind else None, filters=filters)


@dataclass(frozen=True)
class DemandMatches:
    """A demand's recommendations and the candidates excluded as conflicts of interest."""

    demand: Demand
    hits: list[Hit]
    conflicts: dict[str, list[Conflict]]


_TARGET_KINDS = {
    DockingTargetKind.EXPERT: "expert",
    DockingTargetKind.ORGANISATION: "organisation",
    DockingTargetKind.ACHIEVEMENT: "achievement",
}


def _closed_dockings(actor: Actor, region_id: int) -> builtins.list[Docking]:
    """Every closed docking of the region the actor may see (all pages)."""
    found: builtins.list[Docking] = []
    offset = 0
    while True:
        page = dockings.list(actor, region_id=region_id, stage=DockingStage.CLOSED, offset=offset)
        found.extend(page.items)
        if not page.has_more or not page.items:
            return found
        offset += len(page.items)


def _conflicts(actor: Actor, demand: Demand) -> dict[str, list[Conflict]]:
    """Same organisation, co-authorship with the enterprise's own people, closed-lost dockings.

    Read from the records (not the index), so the rules hold whichever index is loaded.
    """
    enterprise = entity_id("organisation", demand.enterprise_id)
    people = experts.all_with_works(actor, None)
    affiliations = {
        entity_id("expert", e.id): {entity_id("organisation", e.affiliation_id)}
        for e in people
        if e.affiliation_id is not None
    }
    titles = {entity_id("expert", e.id): {w.title.strip().lower() for w in e.works} for e in people}
    enterprise_people = {e for e, orgs in affiliations.items() if enterprise in orgs}
    people_works = {t for e in enterprise_people for t in titles.get(e, set())}
    coauthors = {
        expert: {f"work:{title}" for title in own & people_works}
        for expert, own in titles.items()
        if expert not in enterprise_people
    }
    closed = []
    for docking in _closed_dockings(actor, demand.region_id):
        if docking.demand_id == demand.id:
            continue
        try:
            other = demands.get(actor, docking.demand_id)
        except (NotFound, PermissionDenied):
            continue  # a demand the actor may not read is no evidence for them
        closed.append(
            (
                f"docking:{docking.id}",
                entity_id("organisation", other.enterprise_id),
                entity_id(_TARGET_KINDS[docking.target_kind], docking.target_id),
            )
        )
    found = conflicted_experts(
        same_organisation({enterprise}, {**affiliations, enterprise: {enterprise}}),
        co_authorship({f"work:{title}" for title in people_works}, coauthors),
        closed_lost_dockings(enterprise, closed),
    )
    return found


@action("matching.match_demand")
def match_demand(
    actor: Actor,
    index: MatchIndex,
    demand_id: int,
    *,
    kind: str | None = None,
    k: int = 10,
    region_id: int | None = None,
) -> DemandMatches:
    """Recommendations for a demand, conflicts of interest excluded inside retrieval.

    ``region_id`` keeps the region's resources and national ones (no region).
    """
    policy.require(actor, "matching.match_demand")
    demand = demands.get(actor, demand_id)
    conflicts = _conflicts(actor, demand)
    filters = {"region": (str(region_id), NATIONAL)} if region_id is not None else {}
    hits = index.query(
        demand_text(demand),
        k=k,
        kind=KINDS[kind] if kind else None,
        filters=filters,
        exclude=set(conflicts),
    )
    return DemandMatches(demand=demand, hits=hits, conflicts=conflicts)
