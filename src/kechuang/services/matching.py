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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kechuang.domain import (
    Achievement,
    Actor,
    Demand,
    Docking,
    Expert,
    NotFound,
    Organisation,
    OrganisationKind,
    PermissionDenied,
)
from kechuang.domain.achievement import AchievementStatus
from kechuang.domain.codes import disciplines, industries
from kechuang.domain.docking import DockingStage, DockingTargetKind
from kechuang.match.conflicts import (
    Conflict,
    closed_lost_dockings,
    co_authorship,
    conflicted_experts,
    same_organisation,
)
from kechuang.match.embedding import Embedder, cached_embedder
from kechuang.match.engine import Entity, Hit, MatchIndex
from kechuang.match.engine import Work as IndexedWork
from kechuang.match.scale.records import entity_id
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


def _code_names(codes: Iterable[str], table: dict[str, object]) -> str:
    names = []
    for code in codes:
        entry = table.get(code)
        if entry is not None:
            names.append(str(getattr(entry, "name", "")))
    return " ".join(names)


def _facets(
    region_id: int | None, discipline_codes: Sequence[str], industry_codes: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Filterable metadata; codes are indexed with their prefixes so a level-1 filter works."""
    discipline = {c[:length] for c in discipline_codes for length in (3, 5, 7) if len(c) >= length}
    industry = {c[:length] for c in industry_codes for length in (1, 2, 3, 4) if len(c) >= length}
    return {
        "region": (str(region_id) if region_id is not None else "national",),
        "discipline": tuple(sorted(discipline)),
        "industry": tuple(sorted(industry)),
    }


def documents(
    expert_records: Sequence[Expert],
    organisation_records: Sequence[Organisation],
    achievement_records: Sequence[Achievement],
) -> tuple[list[IndexedWork], list[Entity]]:
    """Works and entities of the index for these records (pure: no database, no permissions)."""
    discipline_table: dict[str, object] = dict(disciplines())
    industry_table: dict[str, object] = dict(industries())
    org_ids = {o.id for o in organisation_records}
    entities: list[Entity] = []
    works: list[IndexedWork] = []
    for org in organisation_records:
        oid = entity_id("organisation", org.id)
        entities.append(
            Entity(
                oid,
                "organisation",
                org.name,
                {
                    **_facets(org.region_id, org.discipline_codes, org.industry_codes),
                    "org_kind": (org.kind.value,),
                },
            )
        )
        text = " ".join(
            part
            for part in (
                org.name,
                org.name_en,
                " ".join(org.keywords),
                org.description,
                _code_names(org.discipline_codes, discipline_table),
                _code_names(org.industry_codes, industry_table),
            )
            if part
        )
        works.append(
            IndexedWork(
                f"{oid}:profile",
                text,
                f"{org.name}（简介 / profile）",
                (oid,),
                {"kind": ("profile",)},
            )
        )
    for expert in expert_records:
        eid = entity_id("expert", expert.id)
        member_of = (
            (entity_id("organisation", expert.affiliation_id),)
            if expert.affiliation_id in org_ids
            else ()
        )
        facets = _facets(expert.region_id, expert.discipline_codes, expert.industry_codes)
        if expert.is_academician:
            facets["academician"] = ("yes",)
        entities.append(Entity(eid, "expert", expert.name, facets))
        profile = " ".join(
            part
            for part in (
                expert.name,
                expert.title,
                expert.affiliation,
                " ".join(expert.keywords),
                expert.bio,
                _code_names(expert.discipline_codes, discipline_table),
                _code_names(expert.industry_codes, industry_table),
            )
            if part
        )
        works.append(
            IndexedWork(
                f"{eid}:profile",
                profile,
                f"{expert.name}（简介 / profile）",
                (eid,),
                {"kind": ("profile",)},
            )
        )
        for number, work in enumerate(expert.works):
            text = " ".join(p for p in (work.title, work.abstract, " ".join(work.keywords)) if p)
            metadata: dict[str, tuple[str, ...]] = {"kind": (work.kind.value,)}
            if work.year is not None:
                metadata["year"] = (str(work.year),)
            works.append(
                IndexedWork(
                    f"{eid}:work:{work.id if work.id is not None else number}",
                    text,
                    work.title,
                    (eid, *member_of),
                    metadata,
                )
            )
    for achievement in achievement_records:
        if achievement.status is not AchievementStatus.PUBLISHED or achievement.archived:
            continue
        aid = entity_id("achievement", achievement.id)
        entities.append(
            Entity(
                aid,
                "achievement",
                achievement.title,
                _facets(
                    achievement.region_id,
                    achievement.discipline_codes,
                    achievement.industry_codes,
                ),
            )
        )
        owners = [aid]
        if achievement.owner_organisation_id in org_ids:
            owners.append(entity_id("organisation", achievement.owner_organisation_id))
        if any(e.id == achievement.owner_expert_id for e in expert_records):
            owners.append(entity_id("expert", achievement.owner_expert_id))
        text = " ".join(
            p
            for p in (achievement.title, achievement.description, " ".join(achievement.keywords))
            if p
        )
        works.append(
            IndexedWork(aid, text, achievement.title, tuple(owners), {"kind": ("achievement",)})
        )
    return works, entities


def demand_text(demand: Demand) -> str:
    """The text a demand is matched by: title, background, problems, indicators, keywords."""
    return " ".join(
        part
        for part in (
            demand.title,
            " ".join(demand.keywords),
            demand.key_problems,
            demand.target_indicators,
            demand.background,
        )
        if part
    )


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
) -> DemandMatches:
    """Recommendations for a demand, conflicts of interest excluded inside retrieval."""
    policy.require(actor, "matching.match_demand")
    demand = demands.get(actor, demand_id)
    conflicts = _conflicts(actor, demand)
    hits = index.query(
        demand_text(demand),
        k=k,
        kind=KINDS[kind] if kind else None,
        exclude=set(conflicts),
    )
    return DemandMatches(demand=demand, hits=hits, conflicts=conflicts)
