"""Technology demands with tiered confidentiality: the teaser (title, industry, region) is public;
the detail follows the tier (public / members / NDA, the acceptance recorded in the audit log)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from kechuang.domain import (
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    DemandTeaser,
    DockingTargetKind,
    NdaAcceptance,
    NotFound,
    OrganisationKind,
    Page,
    PermissionDenied,
    Role,
    Upserted,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.services import _crud, _moderation, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.repositories import DemandScope

KIND: _crud.Kind[Demand] = _crud.Kind(
    "demand", "科技需求", "Demand", lambda uow: uow.demands, "demands.get_teaser"
)
_PUBLIC = sorted(policy.PUBLIC_DEMAND_STATUSES)
_TEXT_FIELDS = ("title", "background", "key_problems", "target_indicators", "keywords")
_HOLD: dict[str, Any] = {
    "status_field": "status",
    "public": policy.PUBLIC_DEMAND_STATUSES,
    "held": DemandStatus.PENDING_REVIEW,
}


def _check_references(demand: Demand) -> None:
    uow = unit_of_work()
    if uow.regions.get(demand.region_id) is None:
        raise NotFound.of("区域", "Region", demand.region_id)
    enterprise = uow.organisations.get(demand.enterprise_id)
    if enterprise is None:
        raise NotFound.of("企业", "Enterprise", demand.enterprise_id)
    if enterprise.kind is not OrganisationKind.ENTERPRISE:
        raise ValidationError.single(
            "enterprise_id",
            problem_zh=f"「{enterprise.name}」不是企业",
            problem_en=f"'{enterprise.name}' is not an enterprise",
            fix_zh="科技需求须由企业提出，请选择企业",
            fix_en="Demands are posted by enterprises; choose an enterprise",
        )


def _check_status_change(actor: Actor, demand: Demand, status: Any) -> None:
    if status is None or policy.staff(actor, demand.region_id):
        return
    if DemandStatus(status) not in policy.ENTERPRISE_DEMAND_STATUSES:
        raise PermissionDenied(
            "企业不能自行发布需求",
            "An enterprise cannot publish its own demand",
            fix_zh="请提交审核（待审核），由区域运营人员发布",
            fix_en="Submit it for review (pending review); the region's operator publishes it",
        )


def _check_published_at(actor: Actor, before: Demand | None, after: Demand) -> None:
    """Only the system actor (importers, the demo) sets a publication time; for anyone else the
    service stamps it on publishing, so KPI response times cannot be shortened by hand."""
    previous = before.published_at if before is not None else None
    if after.published_at == previous or policy.is_system(actor):
        return
    raise PermissionDenied(
        "发布时间由系统在发布时记录，不能手工填写",
        "The publication time is recorded by the system when the demand is published",
        fix_zh="请不填发布时间（published_at）",
        fix_en="Leave published_at out",
    )


def _stamp_published(demand: Demand) -> Demand:
    if demand.status is DemandStatus.PUBLISHED and demand.published_at is None:
        return demand.model_copy(update={"published_at": utcnow()})
    return demand


@action("demands.create")
def create(actor: Actor, demand: Demand) -> Demand:
    """Post a demand (enterprises: as draft or for review; operators may publish directly)."""
    demand = validate(Demand, demand)
    _check_status_change(actor, demand, demand.status)
    _check_published_at(actor, None, demand)
    _check_references(demand)
    return _crud.create(actor, "demands.create", KIND, _stamp_published(demand))


@action("demands.update")
def update(actor: Actor, demand_id: int, changes: Mapping[str, Any]) -> Demand:
    """Change a demand; only staff may publish it."""
    before = _crud.load(actor, "demands.update", KIND, demand_id)
    _check_status_change(actor, before, changes.get("status"))
    # Text edits of a published demand by non-staff: spam goes back to review, not live.
    changes, held = _moderation.screen_changes(actor, before, changes, _TEXT_FIELDS, **_HOLD)
    merged = _crud.merge(before, changes)
    _check_published_at(actor, before, merged)
    after = _stamp_published(merged)
    if after.enterprise_id != before.enterprise_id or after.region_id != before.region_id:
        _check_references(after)
    stored = _crud.save(actor, "demands.update", KIND, before, after, change="update")
    _moderation.record_hold(actor, KIND.name, stored, held)
    return stored


def _docked_demand_ids(actor: Actor) -> builtins.list[int]:
    targets: dict[str, builtins.list[int]] = {}
    if actor.expert_id is not None:
        targets[DockingTargetKind.EXPERT.value] = [actor.expert_id]
    if actor.organisation_id is not None:
        targets[DockingTargetKind.ORGANISATION.value] = [actor.organisation_id]
    if not targets:
        return []
    from kechuang.store.repositories import DockingScope  # noqa: PLC0415 -- only needed here

    dockings = unit_of_work().dockings.all(visible=DockingScope(targets=targets))
    return sorted({docking.demand_id for docking in dockings})


def _access(actor: Actor, demand: Demand) -> policy.DemandAccess:
    if actor.is_anonymous or policy.may_edit_demand(actor, demand):
        return policy.DemandAccess(demand)
    nda = actor.user_id is not None and unit_of_work().demands.has_accepted_nda(
        demand.id or 0, actor.user_id
    )
    return policy.DemandAccess(
        demand, nda_accepted=nda, docked_party=demand.id in _docked_demand_ids(actor)
    )


def _load(demand_id: int) -> Demand:
    demand = KIND.repo().get(demand_id)
    if demand is None:
        raise KIND.not_found(demand_id)
    return demand


@action("demands.get")
def get(actor: Actor, demand_id: int) -> Demand:
    """The full demand; PermissionDenied when the tier allows the teaser only."""
    demand = _load(demand_id)
    policy.require(actor, "demands.get_teaser", demand, hide=(KIND.zh, KIND.en))
    policy.require(actor, "demands.get", _access(actor, demand))
    return demand


@action("demands.can_read_detail")
def can_read_detail(actor: Actor, demand_id: int) -> bool:
    """Whether :func:`get` would return the detail (pages decide: detail, NDA button, teaser)."""
    policy.require(actor, "demands.can_read_detail")
    demand = _load(demand_id)
    return policy.allowed(actor, "demands.get_teaser", demand) and policy.allowed(
        actor, "demands.get", _access(actor, demand)
    )


@action("demands.get_teaser")
def get_teaser(actor: Actor, demand_id: int) -> DemandTeaser:
    """Title, industry and region of a published demand — for anyone."""
    demand = _load(demand_id)
    policy.require(actor, "demands.get_teaser", demand, hide=(KIND.zh, KIND.en))
    return DemandTeaser.of(demand)


def _scope(actor: Actor) -> DemandScope:
    if policy.is_admin(actor):
        return DemandScope(everything=True)
    tiers = [ConfidentialityTier.PUBLIC.value]
    if policy.signed_in(actor):
        tiers.append(ConfidentialityTier.MEMBERS.value)
    return DemandScope(
        open_tiers=tiers,
        published_statuses=[status.value for status in _PUBLIC],
        region_ids=[actor.region_id]
        if actor.role is Role.REGION_OPERATOR and actor.region_id
        else [],
        enterprise_ids=[actor.organisation_id]
        if actor.role is Role.ENTERPRISE_MEMBER and actor.organisation_id
        else [],
        nda_user_id=actor.user_id,
        demand_ids=_docked_demand_ids(actor) if policy.signed_in(actor) else [],
    )


@action("demands.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    enterprise_id: int | None = None,
    status: DemandStatus | None = None,
    tier: ConfidentialityTier | None = None,
    industry_code: str | None = None,
    discipline_code: str | None = None,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Demand]:
    """Demands the actor may read in full (for teasers of the rest, use :func:`list_teasers`)."""
    policy.require(actor, "demands.list")
    scope = _scope(actor)
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        enterprise_id=enterprise_id,
        status=status,
        tier=tier,
        industry_code=industry_code,
        discipline_code=discipline_code,
        q=q,
        include_archived=include_archived and policy.is_admin(actor),
        readable=scope,
    )


@action("demands.list_teasers")
def list_teasers(
    actor: Actor,
    *,
    region_id: int | None = None,
    industry_code: str | None = None,
    q: str | None = None,
    ids: Sequence[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[DemandTeaser]:
    """Teasers of every published demand, whatever its tier (the public demand board);
    ``ids`` picks some demands (one query for a page that shows several teasers)."""
    policy.require(actor, "demands.list_teasers")
    result = _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        industry_code=industry_code,
        status_in=_PUBLIC,
        id_in=None if ids is None else builtins.list(ids),
        q=q,
    )
    return Page(
        [DemandTeaser.of(demand) for demand in result.items],
        result.total,
        result.offset,
        result.limit,
    )


@action("demands.all_in_region")
def all_in_region(actor: Actor, region_id: int | None) -> builtins.list[Demand]:
    """Every non-archived demand of a region the actor may read in full (matcher)."""
    policy.require(actor, "demands.all_in_region")
    return KIND.repo().all(region_id=region_id, readable=_scope(actor))


@action("demands.archive")
def archive(actor: Actor, demand_id: int) -> Demand:
    """Hide a demand."""
    return _crud.archive(actor, "demands.archive", KIND, demand_id)


@action("demands.accept_nda")
def accept_nda(actor: Actor, demand_id: int) -> NdaAcceptance:
    """Record that the signed-in user accepts the demand's non-disclosure terms (audited)."""
    demand = _load(demand_id)
    policy.require(actor, "demands.get_teaser", demand, hide=(KIND.zh, KIND.en))
    policy.require(actor, "demands.accept_nda", demand)
    if actor.user_id is None:
        raise PermissionDenied(
            "只有登录用户才能签署保密协议",
            "Only a signed-in user can accept an NDA",
            fix_zh="请先登录",
            fix_en="Sign in first",
        )
    acceptance = unit_of_work().demands.accept_nda(demand_id, actor.user_id)
    _crud.audit(
        actor,
        "demands.accept_nda",
        KIND.name,
        demand_id,
        region_id=demand.region_id,
        before=None,
        after=acceptance.model_dump(mode="json"),
    )
    return acceptance


@action("demands.nda_acceptances")
def nda_acceptances(actor: Actor, demand_id: int) -> builtins.list[NdaAcceptance]:
    """Who accepted the NDA of a demand (the owner sees who viewed)."""
    demand = _crud.load(actor, "demands.nda_acceptances", KIND, demand_id)
    return unit_of_work().demands.nda_acceptances(demand.id or demand_id)


@action("demands.upsert")
def upsert(actor: Actor, demand: Demand) -> Upserted[Demand]:
    """Create or merge by enterprise + title — for importers."""
    demand = validate(Demand, demand)
    _check_references(demand)
    existing = KIND.repo().find_one(enterprise_id=demand.enterprise_id, title=demand.title)
    if existing is None:
        _check_status_change(actor, demand, demand.status)
    if demand.published_at is not None:  # None = not given: the stored time is kept
        _check_published_at(actor, existing, demand)
    record, created, changed = _crud.upsert(
        actor, "demands.upsert", KIND, _stamp_published(demand), existing=existing
    )
    return Upserted(record, created, changed)
