"""Regions and the organisations each region has docked."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import date
from typing import Any

from kechuang.domain import Actor, Conflict, NotFound, Page, Region, RegionDocking, Upserted
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work

KIND: _crud.Kind[Region] = _crud.Kind(
    "region", "区域", "Region", lambda uow: uow.regions, "regions.get"
)
DOCKING: _crud.Kind[RegionDocking] = _crud.Kind(
    "region_docking",
    "区域对接机构",
    "Region docking",
    lambda uow: uow.region_dockings,
    "regions.list_dockings",
)


@action("regions.create")
def create(actor: Actor, region: Region) -> Region:
    """Add a pilot region (national admins)."""
    if KIND.repo().find_one(name=region.name) is not None:
        raise Conflict(
            f"区域「{region.name}」已存在",
            f"Region '{region.name}' already exists",
            fix_zh="请换一个名称，或编辑已有区域",
            fix_en="Choose another name or edit the existing region",
        )
    return _crud.create(actor, "regions.create", KIND, region)


@action("regions.update")
def update(actor: Actor, region_id: int, changes: Mapping[str, Any]) -> Region:
    """Change a region's descriptive fields."""
    return _crud.update(actor, "regions.update", KIND, region_id, changes)


@action("regions.get")
def get(actor: Actor, region_id: int) -> Region:
    """One region."""
    return _crud.load(actor, "regions.get", KIND, region_id)


@action("regions.get_by_name")
def get_by_name(actor: Actor, name: str) -> Region:
    """One region by its (Chinese) name, e.g. 兰州新区."""
    policy.require(actor, "regions.get_by_name")
    region = KIND.repo().find_one(name=name.strip())
    if region is None:
        raise KIND.not_found(name)
    return region


@action("regions.list")
def list(
    actor: Actor,
    *,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Region]:
    """Regions, by id."""
    policy.require(actor, "regions.list")
    return _crud.page(
        KIND, offset, limit, q=q, include_archived=include_archived and policy.is_admin(actor)
    )


@action("regions.archive")
def archive(actor: Actor, region_id: int) -> Region:
    """Hide a region (national admins)."""
    return _crud.archive(actor, "regions.archive", KIND, region_id)


@action("regions.upsert")
def upsert(actor: Actor, region: Region) -> Upserted[Region]:
    """Create a region or update the one with the same name (importers, demo)."""
    existing = KIND.repo().find_one(name=region.name)
    record, created, changed = _crud.upsert(
        actor, "regions.upsert", KIND, region, existing=existing
    )
    return Upserted(record, created, changed)


@action("regions.dock")
def dock(actor: Actor, docking: RegionDocking) -> RegionDocking:
    """Record that an organisation (e.g. a national society) signed a cooperation with a region."""
    uow = unit_of_work()
    if uow.regions.get(docking.region_id) is None:
        raise KIND.not_found(docking.region_id)
    if uow.organisations.get(docking.organisation_id) is None:
        raise NotFound.of("机构", "Organisation", docking.organisation_id)
    if DOCKING.repo().find_one(
        region_id=docking.region_id, organisation_id=docking.organisation_id
    ):
        raise Conflict(
            "该机构已与本区域对接",
            "This organisation is already docked with the region",
            fix_zh="请编辑已有的对接记录",
            fix_en="Edit the existing docking instead",
        )
    return _crud.create(actor, "regions.dock", DOCKING, docking)


@action("regions.update_docking")
def update_docking(actor: Actor, docking_id: int, changes: Mapping[str, Any]) -> RegionDocking:
    """Change a region docking's date, commitments or notes."""
    return _crud.update(
        actor,
        "regions.update_docking",
        DOCKING,
        docking_id,
        changes,
        extra_read_only=("region_id", "organisation_id"),
    )


@action("regions.end_docking")
def end_docking(actor: Actor, docking_id: int, ended_on: date) -> RegionDocking:
    """Mark a region docking as ended (kept for history)."""
    return _crud.update(actor, "regions.end_docking", DOCKING, docking_id, {"ended_on": ended_on})


@action("regions.list_dockings")
def list_dockings(
    actor: Actor, region_id: int, *, include_ended: bool = True
) -> builtins.list[RegionDocking]:
    """The organisations docked with a region."""
    policy.require(actor, "regions.list_dockings")
    return DOCKING.repo().all(region_id=region_id, active=None if include_ended else True)
