"""Experts and their works. Contact data is dropped for everyone who may not see it."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from kechuang.domain import Actor, Expert, NotFound, Page, Upserted, Work
from kechuang.domain.common import validate
from kechuang.services import _crud, _moderation, policy
from kechuang.services.context import action

__plumbing__ = ("visible",)
"""Public helpers that are not service actions (no actor, no data access)."""
KIND: _crud.Kind[Expert] = _crud.Kind(
    "expert", "专家", "Expert", lambda uow: uow.experts, "experts.get"
)
_TEXT_FIELDS = (
    "name",
    "name_en",
    "title",
    "affiliation",
    "keywords",
    "think_tanks",
    "bio",
    "works",
)
"""Public profile text an owner's edit is screened on (SEO spam, link farms)."""


def visible(actor: Actor, expert: Expert) -> Expert:
    """The expert as ``actor`` may see them: without contact data unless allowed."""
    if expert.contact is None or policy.can_see_expert_contact(actor, expert):
        return expert
    return expert.model_copy(update={"contact": None})


@action("experts.create")
def create(actor: Actor, expert: Expert) -> Expert:
    """Register an expert with works and contact data."""
    return visible(actor, _crud.create(actor, "experts.create", KIND, expert))


@action("experts.update")
def update(actor: Actor, expert_id: int, changes: Mapping[str, Any]) -> Expert:
    """Change an expert; ``works`` in ``changes`` replaces the list (matched by work id).

    The expert's own spam edit is refused and kept for operator review (``_moderation``)."""
    before = _crud.load(actor, "experts.update", KIND, expert_id)
    _moderation.hold_profile_edit(actor, KIND.name, before, changes, _TEXT_FIELDS)
    return visible(actor, _crud.update(actor, "experts.update", KIND, expert_id, changes))


@action("experts.get")
def get(actor: Actor, expert_id: int) -> Expert:
    """One expert with works; contact data per policy."""
    expert = _crud.load(actor, "experts.get", KIND, expert_id)
    if expert.archived and not policy.allowed(actor, "experts.update", expert):
        raise KIND.not_found(expert_id)
    return visible(actor, expert)


@action("experts.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    discipline_code: str | None = None,
    industry_code: str | None = None,
    q: str | None = None,
    include_archived: bool = False,
    with_works: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Expert]:
    """Experts, filtered by region, discipline, industry or name/affiliation; with their works
    unless ``with_works=False`` (list pages that show no works save the second query)."""
    policy.require(actor, "experts.list")
    result = _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        discipline_code=discipline_code,
        industry_code=industry_code,
        q=q,
        include_archived=include_archived and policy.staff(actor, region_id),
        children=with_works,
    )
    return Page(
        [visible(actor, e) for e in result.items], result.total, result.offset, result.limit
    )


@action("experts.all_with_works")
def all_with_works(actor: Actor, region_id: int | None = None) -> builtins.list[Expert]:
    """Every non-archived expert with works, for the matcher: two queries in total."""
    policy.require(actor, "experts.all_with_works")
    return [visible(actor, expert) for expert in KIND.repo().all(region_id=region_id)]


@action("experts.archive")
def archive(actor: Actor, expert_id: int) -> Expert:
    """Hide an expert."""
    return visible(actor, _crud.archive(actor, "experts.archive", KIND, expert_id))


def _load_for_edit(actor: Actor, name: str, expert_id: int) -> Expert:
    return _crud.load(actor, name, KIND, expert_id)


@action("experts.add_work")
def add_work(actor: Actor, expert_id: int, work: Work) -> Expert:
    """Append a paper, patent, project or achievement to an expert's profile (the expert's own
    spam is refused and kept for operator review)."""
    before = _load_for_edit(actor, "experts.add_work", expert_id)
    work = validate(Work, work.model_copy(update={"id": None}))
    _moderation.hold_profile_edit(
        actor, KIND.name, before, {"works": [work]}, ("works",), operation="add_work"
    )
    after = before.model_copy(update={"works": [*before.works, work]})
    stored = _crud.save(actor, "experts.add_work", KIND, before, after, change="update")
    return visible(actor, stored)


@action("experts.remove_work")
def remove_work(actor: Actor, expert_id: int, work_id: int) -> Expert:
    """Remove one work from an expert's profile."""
    before = _load_for_edit(actor, "experts.remove_work", expert_id)
    works = [work for work in before.works if work.id != work_id]
    if len(works) == len(before.works):
        raise NotFound.of("成果/论文", "Work", work_id)
    after = before.model_copy(update={"works": works})
    stored = _crud.save(actor, "experts.remove_work", KIND, before, after, change="update")
    return visible(actor, stored)


def _merge_expert(existing: Expert, incoming: Expert) -> Expert:
    merged = _crud.overlay(existing, incoming.model_copy(update={"works": []}))
    known = {(work.kind, work.title) for work in existing.works}
    new_works = [
        work.model_copy(update={"id": None})
        for work in incoming.works
        if (work.kind, work.title) not in known
    ]
    return merged.model_copy(update={"works": [*existing.works, *new_works]})


@action("experts.upsert")
def upsert(actor: Actor, expert: Expert) -> Upserted[Expert]:
    """Create or merge by name + affiliation (works merged by kind + title) — for importers."""
    expert = validate(Expert, expert)
    existing = KIND.repo().find_one(name=expert.name, affiliation=expert.affiliation)
    record, created, changed = _crud.upsert(
        actor, "experts.upsert", KIND, expert, existing=existing, merge_fields=_merge_expert
    )
    return Upserted(visible(actor, record), created, changed)
