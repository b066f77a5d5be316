"""From domain records to what the engine indexes: entities, their works, and demand queries.

The one record → index mapping of the platform. Every index — the per-process search index of
the web app and API (:mod:`kechuang.services.search_index`), ``kechuang match rebuild`` / ``batch``
and :func:`kechuang.services.matching.build_index` — is built from these functions, so a work id,
a facet or a profile text means the same thing wherever it is read. Pure mapping (domain objects
in, engine objects out, no database): the services load and this module translates.

- Entity ids are ``kind:id`` (``expert:7``, ``organisation:3``, ``achievement:12``); work ids are
  ``<entity id>/profile`` and ``<entity id>/work:<work id>``.
- An expert is a profile work (name, title, affiliation, keywords, bio, the names of their
  disciplines and industries) plus one work per paper, patent or project. A work is co-owned by
  the expert's organisation, so organisations are also scored from their members' works.
- An organisation (society, lab, workstation, enterprise …) is its profile (name, English name,
  keywords, description, discipline and industry names); its entity kind is its organisation kind.
- A published, non-archived achievement is its own text, co-owned by its owning organisation and
  expert. Drafts and archived records are not indexed (:func:`indexable` says so).
- Facets: ``region`` (``national`` when none), ``discipline`` and ``industry`` with every code
  prefix (a level-1 filter finds level-3 records), ``org_kind``, ``academician``, ``status``;
  work facets ``work_kind`` and ``year``.

A change to ids, texts or facets here must bump ``persistence.LAYOUT_VERSION``: a saved index of
another layout is refused with "rebuild it with ``kechuang match rebuild``", never read with ids
of the old scheme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import cache

from kechuang.domain import Achievement, Demand, Expert, Organisation
from kechuang.domain.achievement import AchievementStatus
from kechuang.domain.codes import disciplines, industries
from kechuang.domain.demand import DemandStatus
from kechuang.match.engine import Entity, Work
from kechuang.match.scale.batch import BatchQuery

OPEN_DEMAND_STATUSES = frozenset({DemandStatus.PUBLISHED, DemandStatus.DOCKING})
"""Demands still looking for a partner: what ``match batch`` matches."""

INDEXED_KINDS = ("expert", "organisation", "achievement")
"""Change kinds (:class:`kechuang.domain.Change`) that alter the index."""

NATIONAL = "national"
"""Region facet of a record that belongs to no region."""


def entity_id(kind: str, record_id: int | None) -> str:
    """The index id of a stored record."""
    return f"{kind}:{record_id}"


def parse_entity_id(key: str) -> tuple[str, int] | None:
    """``("expert", 7)`` for ``"expert:7"``; ``None`` for an id that names no stored record."""
    kind, _, raw = key.partition(":")
    if kind not in INDEXED_KINDS or not raw.isdigit():
        return None
    return kind, int(raw)


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


@cache
def _code_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, entry in (*disciplines().items(), *industries().items()):
        table[code] = str(getattr(entry, "name", ""))
    return table


def code_names(codes: Iterable[str]) -> list[str]:
    """Names of GB/T 13745 / GB/T 4754 codes (unknown codes are skipped)."""
    table = _code_table()
    return [table[code] for code in codes if table.get(code)]


def _facets(
    region_id: int | None, discipline_codes: Iterable[str], industry_codes: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """Filterable metadata; codes are indexed with their prefixes so a level-1 filter works."""
    facets: dict[str, tuple[str, ...]] = {
        "region": (str(region_id) if region_id is not None else NATIONAL,)
    }
    discipline = {c[:n] for c in discipline_codes for n in (3, 5, 7) if len(c) >= n}
    industry = {c[:n] for c in industry_codes for n in (1, 2, 3, 4) if len(c) >= n}
    if discipline:
        facets["discipline"] = tuple(sorted(discipline))
    if industry:
        facets["industry"] = tuple(sorted(industry))
    return facets


def indexable(record: Expert | Organisation | Achievement) -> bool:
    """Whether the record belongs in the index (not archived; achievements only when published)."""
    if record.archived:
        return False
    if isinstance(record, Achievement):
        return record.status is AchievementStatus.PUBLISHED
    return True


def expert_records(expert: Expert) -> tuple[Entity, list[Work]]:
    """The expert and their works: a profile work, then each paper, patent or project.

    Works name the expert's organisation as a co-owner; :func:`documents` (and the upkeep) drop
    owners that are not in the index.
    """
    key = entity_id("expert", expert.id)
    facets = _facets(expert.region_id, expert.discipline_codes, expert.industry_codes)
    if expert.is_academician:
        facets["academician"] = ("yes",)
    entity = Entity(id=key, kind="expert", name=expert.name, metadata=facets)
    owners: tuple[str, ...] = (key,)
    if expert.affiliation_id is not None:
        owners = (key, entity_id("organisation", expert.affiliation_id))
    profile = _join(
        expert.name,
        expert.title,
        expert.affiliation,
        expert.keywords,
        expert.bio,
        code_names(expert.discipline_codes),
        code_names(expert.industry_codes),
    )
    works = [
        Work(
            id=f"{key}/profile",
            text=profile,
            title=f"{expert.name}（简介 / profile）",
            owners=(key,),
            metadata={"work_kind": ("profile",)},
        )
    ]
    for number, work in enumerate(expert.works):
        metadata: dict[str, tuple[str, ...]] = {"work_kind": (str(work.kind),)}
        if work.year is not None:
            metadata["year"] = (str(work.year),)
        works.append(
            Work(
                id=f"{key}/work:{work.id if work.id is not None else f'n{number}'}",
                text=_join(work.title, work.abstract, work.keywords),
                title=work.title,
                owners=owners,
                metadata=metadata,
            )
        )
    return entity, works


def organisation_records(organisation: Organisation) -> tuple[Entity, list[Work]]:
    """An organisation (society, lab, workstation, enterprise …) and its profile text."""
    key = entity_id("organisation", organisation.id)
    facets = _facets(
        organisation.region_id, organisation.discipline_codes, organisation.industry_codes
    )
    facets["org_kind"] = (str(organisation.kind),)
    entity = Entity(id=key, kind=str(organisation.kind), name=organisation.name, metadata=facets)
    text = _join(
        organisation.name,
        organisation.name_en,
        organisation.keywords,
        organisation.description,
        code_names(organisation.discipline_codes),
        code_names(organisation.industry_codes),
    )
    profile = Work(
        id=f"{key}/profile",
        text=text,
        title=f"{organisation.name}（简介 / profile）",
        owners=(key,),
        metadata={"work_kind": ("profile",)},
    )
    return entity, [profile]


def achievement_records(achievement: Achievement) -> tuple[Entity, list[Work]]:
    """A technology achievement and its description, co-owned by its organisation and expert."""
    key = entity_id("achievement", achievement.id)
    facets = _facets(
        achievement.region_id, achievement.discipline_codes, achievement.industry_codes
    )
    facets["status"] = (str(achievement.status),)
    entity = Entity(id=key, kind="achievement", name=achievement.title, metadata=facets)
    owners = [key]
    if achievement.owner_organisation_id is not None:
        owners.append(entity_id("organisation", achievement.owner_organisation_id))
    if achievement.owner_expert_id is not None:
        owners.append(entity_id("expert", achievement.owner_expert_id))
    text = _join(
        achievement.title,
        achievement.description,
        achievement.keywords,
        code_names(achievement.discipline_codes),
        code_names(achievement.industry_codes),
    )
    work = Work(
        id=f"{key}/profile",
        text=text,
        title=achievement.title,
        owners=tuple(owners),
        metadata={"work_kind": ("achievement",)},
    )
    return entity, [work]


def record_entries(
    record: Expert | Organisation | Achievement,
) -> tuple[Entity, list[Work]]:
    """The entity and works of any indexed record."""
    if isinstance(record, Expert):
        return expert_records(record)
    if isinstance(record, Organisation):
        return organisation_records(record)
    return achievement_records(record)


def keep_known_owners(works: Iterable[Work], known: Mapping[str, object] | set[str]) -> list[Work]:
    """Works with owners outside ``known`` dropped (a member of an organisation not indexed)."""
    kept = []
    for work in works:
        owners = tuple(owner for owner in work.owners if owner in known)
        if owners == work.owners:
            kept.append(work)
        elif owners:
            kept.append(replace(work, owners=owners))
    return kept


def documents(
    expert_list: Sequence[Expert],
    organisation_list: Sequence[Organisation],
    achievement_list: Sequence[Achievement],
) -> tuple[list[Work], list[Entity]]:
    """Works and entities of the index for these records (only the :func:`indexable` ones)."""
    entities: list[Entity] = []
    works: list[Work] = []
    everything: list[Expert | Organisation | Achievement] = [
        *organisation_list,
        *expert_list,
        *achievement_list,
    ]
    for record in everything:
        if not indexable(record):
            continue
        entity, own = record_entries(record)
        entities.append(entity)
        works.extend(own)
    return keep_known_owners(works, {entity.id for entity in entities}), entities


def demand_text(demand: Demand) -> str:
    """The text a demand is matched by: title, keywords, key problems, indicators, background."""
    return _join(
        demand.title,
        demand.keywords,
        demand.key_problems,
        demand.target_indicators,
        demand.background,
    )


def demand_query(demand: Demand) -> BatchQuery:
    """A demand as a batch query; the demanding enterprise itself is excluded."""
    return BatchQuery(
        id=entity_id("demand", demand.id),
        text=demand_text(demand),
        exclude=(entity_id("organisation", demand.enterprise_id),),
    )


def is_open(demand: Demand) -> bool:
    """A demand that still needs matching (published or in docking, not archived)."""
    return not demand.archived and demand.status in OPEN_DEMAND_STATUSES
