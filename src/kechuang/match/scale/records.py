"""From domain records to what the engine indexes: entities, their works, and demand queries.

Pure mapping (domain objects in, engine objects out), so the services load and this module
translates; used by the index upkeep hook and by ``kechuang match batch``. An expert is their
profile plus their works; an organisation or an achievement is one profile text. Entity ids are
``kind:id`` so that experts, organisations and achievements share one index without clashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kechuang.domain import Achievement, Demand, Expert, Organisation
from kechuang.domain.demand import DemandStatus
from kechuang.match.engine import Entity, Work
from kechuang.match.scale.batch import BatchQuery

OPEN_DEMAND_STATUSES = frozenset({DemandStatus.PUBLISHED, DemandStatus.DOCKING})
"""Demands still looking for a partner: what ``match batch`` matches."""

INDEXED_KINDS = ("expert", "organisation", "achievement")
"""Change kinds (:class:`kechuang.domain.Change`) that alter the index."""


def entity_id(kind: str, record_id: int | None) -> str:
    """The index id of a stored record."""
    return f"{kind}:{record_id}"


def _join(*parts: str | Sequence[str]) -> str:
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                pieces.append(part.strip())
        else:
            words = [word.strip() for word in part if word.strip()]
            if words:
                pieces.append("、".join(words))
    return "。".join(pieces)


def _facets(
    region_id: int | None, disciplines: Iterable[str], industries: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    facets: dict[str, tuple[str, ...]] = {}
    if region_id is not None:
        facets["region"] = (str(region_id),)
    if disciplines := tuple(disciplines):
        facets["discipline"] = disciplines
    if industries := tuple(industries):
        facets["industry"] = industries
    return facets


def expert_records(expert: Expert) -> tuple[Entity, list[Work]]:
    """The expert and their works (a profile work from bio and keywords, then each work)."""
    key = entity_id("expert", expert.id)
    entity = Entity(
        id=key,
        kind="expert",
        name=expert.name,
        metadata=_facets(expert.region_id, expert.discipline_codes, expert.industry_codes),
    )
    works: list[Work] = []
    profile = _join(expert.title, expert.affiliation, expert.bio, expert.keywords)
    if profile:
        works.append(Work(id=f"{key}/profile", text=profile, title=expert.name, owners=(key,)))
    for number, work in enumerate(expert.works):
        text = _join(work.title, work.abstract, work.keywords)
        work_key = f"{key}/work:{work.id if work.id is not None else f'n{number}'}"
        works.append(
            Work(
                id=work_key,
                text=text,
                title=work.title,
                owners=(key,),
                metadata={"work_kind": str(work.kind)},
            )
        )
    return entity, works


def organisation_records(organisation: Organisation) -> tuple[Entity, list[Work]]:
    """An organisation (society, lab, workstation, enterprise …) and its profile text."""
    key = entity_id("organisation", organisation.id)
    entity = Entity(
        id=key,
        kind=str(organisation.kind),
        name=organisation.name,
        metadata=_facets(
            organisation.region_id, organisation.discipline_codes, organisation.industry_codes
        ),
    )
    text = _join(organisation.name, organisation.description, organisation.keywords)
    return entity, [Work(id=f"{key}/profile", text=text, title=organisation.name, owners=(key,))]


def achievement_records(achievement: Achievement) -> tuple[Entity, list[Work]]:
    """A technology achievement and its description."""
    key = entity_id("achievement", achievement.id)
    metadata = _facets(
        achievement.region_id, achievement.discipline_codes, achievement.industry_codes
    )
    metadata["status"] = (str(achievement.status),)
    entity = Entity(id=key, kind="achievement", name=achievement.title, metadata=metadata)
    text = _join(achievement.title, achievement.description, achievement.keywords)
    return entity, [Work(id=f"{key}/profile", text=text, title=achievement.title, owners=(key,))]


def demand_query(demand: Demand) -> BatchQuery:
    """A demand as a query: its title, background, key problems, indicators and keywords.

    The demanding enterprise itself is excluded (an organisation never docks with itself).
    """
    text = _join(
        demand.title,
        demand.background,
        demand.key_problems,
        demand.target_indicators,
        demand.keywords,
    )
    return BatchQuery(
        id=entity_id("demand", demand.id),
        text=text,
        exclude=(entity_id("organisation", demand.enterprise_id),),
    )


def is_open(demand: Demand) -> bool:
    """A demand that still needs matching (published or in docking, not archived)."""
    return not demand.archived and demand.status in OPEN_DEMAND_STATUSES
