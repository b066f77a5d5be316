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
import threading
from dataclasses import dataclass

from kechuang.domain import (
    Actor,
    Demand,
    Docking,
    Expert,
    NotFound,
    OrganisationKind,
    PermissionDenied,
)
from kechuang.domain.docking import DockingStage, DockingTargetKind
from kechuang.match.conflicts import (
    Byline,
    Conflict,
    closed_lost_dockings,
    co_authorship,
    conflicted_experts,
    same_organisation,
    shared_authors,
)
from kechuang.match.embedding import Embedder, cached_embedder
from kechuang.match.engine import ROUTING_WEIGHT, Hit, MatchIndex
from kechuang.match.routing.router import CodeListRouter, Route, Taxonomy
from kechuang.match.scale.records import NATIONAL, demand_text, documents, entity_id
from kechuang.match.settings import MatchSettings, get_settings
from kechuang.services import achievements, demands, dockings, experts, organisations, policy
from kechuang.services.context import action

__plumbing__ = ("documents", "demand_text", "entity_id", "route_text")
"""Public helpers that are not service actions (pure functions over domain records)."""

KINDS: dict[str, tuple[str, ...]] = {
    "expert": ("expert",),
    "org": ("organisation", *(kind.value for kind in OrganisationKind)),
    "achievement": ("achievement",),
}
_SOCIETIES = (
    OrganisationKind.NATIONAL_SOCIETY,
    OrganisationKind.PROVINCIAL_SOCIETY,
    OrganisationKind.SOCIETY_SERVICE_STATION,
)
PARTNER_GROUPS: dict[str, tuple[str, ...]] = {
    "expert": ("expert",),
    "society": tuple(kind.value for kind in _SOCIETIES),
    "org": tuple(
        kind.value
        for kind in OrganisationKind
        if kind is not OrganisationKind.ENTERPRISE and kind not in _SOCIETIES
    ),
    "achievement": ("achievement",),
}
"""What a demand is docked with, one ranked list each: experts; societies (学会) and their
service stations, which serve a whole discipline and are reached mostly through the demand's
routed disciplines; other organisations that serve (labs, universities, workstations … — not
other enterprises); achievements."""
"""CLI/API kind names -> entity kinds in the index (a persisted index may store an
organisation under its own kind: society, lab …)."""

policy.rule("matching.build_index", "anyone: the index holds only what the public may read")(
    policy.anyone
)
policy.rule("matching.match_text", "anyone: public records only")(policy.anyone)
policy.rule("matching.route_demand", "whoever may read the demand (checked by demands.get)")(
    policy.anyone
)

ROUTING_LEVELS: dict[Taxonomy, int] = {Taxonomy.DISCIPLINE: 1, Taxonomy.INDUSTRY: 2}
"""Router level per code list: GB/T 13745 一级学科 (62), GB/T 4754 大类 (97)."""
ROUTING_FACETS: dict[Taxonomy, str] = {
    Taxonomy.DISCIPLINE: "discipline",
    Taxonomy.INDUSTRY: "industry",
}
ROUTING_TOP = 5
"""Routed codes per code list that take part in matching (the rest carry little mass)."""

_ROUTERS: dict[Taxonomy, CodeListRouter] = {}
_ROUTERS_LOCK = threading.Lock()


def _router(taxonomy: Taxonomy) -> CodeListRouter:
    """The code-list router, fitted once per process (under a second, from shipped lists)."""
    with _ROUTERS_LOCK:
        router = _ROUTERS.get(taxonomy)
        if router is None:
            router = CodeListRouter(taxonomy, ROUTING_LEVELS[taxonomy]).fit()
            _ROUTERS[taxonomy] = router
        return router


@dataclass(frozen=True)
class TextRouting:
    """A text's most probable disciplines and industries, each with the router's confidence."""

    disciplines: list[Route]
    industries: list[Route]

    def as_query(self) -> dict[str, dict[str, float]]:
        """The matching feature: facet key -> routed code -> probability."""
        return {
            ROUTING_FACETS[Taxonomy.DISCIPLINE]: {r.code: r.confidence for r in self.disciplines},
            ROUTING_FACETS[Taxonomy.INDUSTRY]: {r.code: r.confidence for r in self.industries},
        }


def route_text(text: str, top_k: int = ROUTING_TOP) -> TextRouting:
    """Classify a text into GB/T 13745 disciplines and GB/T 4754 industries (pure, no data)."""
    return TextRouting(
        disciplines=_router(Taxonomy.DISCIPLINE).route([text], top_k)[0],
        industries=_router(Taxonomy.INDUSTRY).route([text], top_k)[0],
    )


@action("matching.route_demand")
def route_demand(actor: Actor, demand_id: int, *, top_k: int = 3) -> TextRouting:
    """Suggested disciplines and industries of a demand, for the operator (with confidence)."""
    policy.require(actor, "matching.route_demand")
    return route_text(demand_text(demands.get(actor, demand_id)), top_k)


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
    routing: bool = True,
) -> builtins.list[Hit]:
    """Top-``k`` recommendations for a free text (Chinese or English) with evidence; with
    ``routing`` the text's disciplines and industries add their affinity, as for a demand."""
    policy.require(actor, "matching.match_text")
    filters = {"region": str(region_id)} if region_id is not None else {}
    return index.query(
        text,
        k=k,
        kind=KINDS[kind] if kind else None,
        filters=filters,
        routing=route_text(text).as_query() if routing else None,
    )


@dataclass(frozen=True)
class DemandMatches:
    """A demand's recommendations and the candidates excluded as conflicts of interest."""

    demand: Demand
    hits: list[Hit]
    conflicts: dict[str, list[Conflict]]
    routing: TextRouting | None = None
    """The demand's routed disciplines and industries (``None`` when routing was off)."""
    by_group: dict[str, list[Hit]] | None = None
    """Top-``k`` per group when ``groups`` were asked for (``hits`` is then their union)."""


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


def _byline(expert: Expert) -> Byline:
    """The expert's own names and the authors of their works (co-authorship by shared name)."""
    return Byline(
        names=(expert.name, expert.name_en),
        authors=[author for work in expert.works for author in work.authors],
    )


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
    bylines = {entity_id("expert", e.id): _byline(e) for e in people}
    found = conflicted_experts(
        same_organisation({enterprise}, {**affiliations, enterprise: {enterprise}}),
        co_authorship({f"work:{title}" for title in people_works}, coauthors),
        shared_authors(
            [bylines[e] for e in enterprise_people],
            {e: b for e, b in bylines.items() if e not in enterprise_people},
        ),
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
    routing: bool = True,
    routing_weight: float = ROUTING_WEIGHT,
    groups: dict[str, tuple[str, ...]] | None = None,
) -> DemandMatches:
    """Recommendations for a demand, conflicts of interest excluded inside retrieval.

    ``region_id`` keeps the region's resources and national ones (no region). ``groups`` (e.g.
    :data:`PARTNER_GROUPS`) asks for one top-``k`` list per group of entity kinds. With ``routing``
    the demand's text is classified into disciplines and industries and each candidate's
    affinity (the probability on its own codes) is added to its score, so a society or lab of
    the routed discipline is recommended even when no word matches.
    """
    policy.require(actor, "matching.match_demand")
    demand = demands.get(actor, demand_id)
    conflicts = _conflicts(actor, demand)
    filters = {"region": (str(region_id), NATIONAL)} if region_id is not None else {}
    text = demand_text(demand)
    routed = route_text(text) if routing else None
    routing_query = routed.as_query() if routed is not None else None
    if groups is not None:
        by_group = index.top_by_kind(
            text,
            groups,
            k=k,
            filters=filters,
            exclude=set(conflicts),
            routing=routing_query,
            routing_weight=routing_weight,
        )
        merged = sorted(
            (hit for hits in by_group.values() for hit in hits), key=lambda hit: -hit.score
        )
        return DemandMatches(demand, merged, conflicts, routed, by_group)
    hits = index.query(
        text,
        k=k,
        kind=KINDS[kind] if kind else None,
        filters=filters,
        exclude=set(conflicts),
        routing=routing_query,
        routing_weight=routing_weight,
    )
    return DemandMatches(demand=demand, hits=hits, conflicts=conflicts, routing=routed)
