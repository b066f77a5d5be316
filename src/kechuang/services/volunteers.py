"""Science and technology volunteers: personal data, so operators and admins only; the public
sees the count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kechuang.domain import Actor, Page, Upserted, Volunteer
from kechuang.domain.common import validate
from kechuang.services import _crud, policy
from kechuang.services.context import action

KIND: _crud.Kind[Volunteer] = _crud.Kind(
    "volunteer", "志愿者", "Volunteer", lambda uow: uow.volunteers, "volunteers.get"
)


@action("volunteers.create")
def create(actor: Actor, volunteer: Volunteer) -> Volunteer:
    """Register a volunteer."""
    return _crud.create(actor, "volunteers.create", KIND, volunteer)


@action("volunteers.update")
def update(actor: Actor, volunteer_id: int, changes: Mapping[str, Any]) -> Volunteer:
    """Change a volunteer."""
    return _crud.update(actor, "volunteers.update", KIND, volunteer_id, changes)


@action("volunteers.get")
def get(actor: Actor, volunteer_id: int) -> Volunteer:
    """One volunteer."""
    return _crud.load(actor, "volunteers.get", KIND, volunteer_id)


@action("volunteers.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    association_id: int | None = None,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Volunteer]:
    """Volunteers; an operator always sees only their own region's."""
    policy.require(actor, "volunteers.list")
    if not policy.is_admin(actor):
        region_id = actor.region_id
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        association_id=association_id,
        q=q,
        include_archived=include_archived,
    )


@action("volunteers.count")
def count(actor: Actor, *, region_id: int, association_id: int | None = None) -> int:
    """How many (non-archived) volunteers a region — or one association — has."""
    policy.require(actor, "volunteers.count")
    return KIND.repo().count(region_id=region_id, association_id=association_id)


@action("volunteers.archive")
def archive(actor: Actor, volunteer_id: int) -> Volunteer:
    """Hide a volunteer."""
    return _crud.archive(actor, "volunteers.archive", KIND, volunteer_id)


@action("volunteers.upsert")
def upsert(actor: Actor, volunteer: Volunteer) -> Upserted[Volunteer]:
    """Create or merge by name + association + region — for importers."""
    volunteer = validate(Volunteer, volunteer)
    existing = KIND.repo().find_one(
        name=volunteer.name,
        association_id=volunteer.association_id,
        region_id=volunteer.region_id,
    )
    record, created, changed = _crud.upsert(
        actor, "volunteers.upsert", KIND, volunteer, existing=existing
    )
    return Upserted(record, created, changed)
