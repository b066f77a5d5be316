"""Dockings (对接): a demand paired with an expert, organisation or achievement, moved through the
state machine in ``kechuang.domain.docking`` with every step kept in its history."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from kechuang.domain import (
    Actor,
    Conflict,
    Docking,
    DockingHistoryEntry,
    DockingStage,
    DockingTargetKind,
    Feedback,
    NotFound,
    Page,
    PermissionDenied,
    Role,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.domain.docking import check_transition
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.repositories import DockingScope

KIND: _crud.Kind[Docking] = _crud.Kind(
    "docking", "对接", "Docking", lambda uow: uow.dockings, "dockings.get"
)


def _access(docking: Docking) -> policy.DockingAccess:
    uow = unit_of_work()
    demand = uow.demands.get(docking.demand_id)
    if demand is None:
        raise NotFound.of("科技需求", "Demand", docking.demand_id)
    provider_organisation_id: int | None = None
    provider_expert_id: int | None = None
    if docking.target_kind is DockingTargetKind.EXPERT:
        if uow.experts.get(docking.target_id) is None:
            raise NotFound.of("专家", "Expert", docking.target_id)
        provider_expert_id = docking.target_id
    elif docking.target_kind is DockingTargetKind.ORGANISATION:
        if uow.organisations.get(docking.target_id) is None:
            raise NotFound.of("机构", "Organisation", docking.target_id)
        provider_organisation_id = docking.target_id
    else:
        achievement = uow.achievements.get(docking.target_id)
        if achievement is None:
            raise NotFound.of("科技成果", "Achievement", docking.target_id)
        provider_organisation_id = achievement.owner_organisation_id
        provider_expert_id = achievement.owner_expert_id
    return policy.DockingAccess(
        region_id=docking.region_id,
        enterprise_id=demand.enterprise_id,
        provider_organisation_id=provider_organisation_id,
        provider_expert_id=provider_expert_id,
    )


def _load(actor: Actor, name: str, docking_id: int) -> tuple[Docking, policy.DockingAccess]:
    docking = KIND.repo().get(docking_id)
    if docking is None:
        raise KIND.not_found(docking_id)
    access = _access(docking)
    if not policy.allowed(actor, "dockings.get", access):
        raise KIND.not_found(docking_id)
    policy.require(actor, name, access)
    return docking, access


def _save(actor: Actor, name: str, before: Docking, after: Docking, change: str) -> Docking:
    stored = KIND.repo().save(after)
    _crud.audit(
        actor,
        name,
        KIND.name,
        stored.id,
        region_id=stored.region_id,
        before=_crud.snapshot(before),
        after=_crud.snapshot(stored),
        change=change,
    )
    return stored


def _recorded_at(actor: Actor, at: datetime | None, previous: datetime | None) -> datetime:
    """When a history step happened: now, or ``at`` given by the system actor (importers, the
    demo) replaying a past docking. A signed-in user may not backdate — the history is what KPI
    response times are measured on. A naive ``at`` is taken as UTC."""
    now = utcnow()
    if at is None:
        return now
    if not policy.is_system(actor):
        raise PermissionDenied(
            "只有系统导入可以补记对接的历史时间",
            "Only a system import may record a past time for a docking step",
            fix_zh="请不填时间，系统将记录当前时间",
            fix_en="Leave the time empty; the current time is recorded",
        )
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if moment > now:
        raise ValidationError.single(
            "at",
            problem_zh=f"对接步骤的时间 {moment.isoformat()} 在未来",
            problem_en=f"the docking step's time {moment.isoformat()} is in the future",
            fix_zh="请填写该步骤实际发生的时间",
            fix_en="Give the time the step actually happened",
        )
    if previous is not None and moment < (
        previous if previous.tzinfo is not None else previous.replace(tzinfo=UTC)
    ):
        raise ValidationError.single(
            "at",
            problem_zh=f"对接步骤的时间 {moment.isoformat()} 早于上一步 {previous.isoformat()}",
            problem_en=(
                f"the docking step's time {moment.isoformat()} is before the previous step's "
                f"{previous.isoformat()}"
            ),
            fix_zh="请按发生顺序填写，每一步不早于上一步",
            fix_en="Record the steps in order, each no earlier than the one before",
        )
    return moment


@action("dockings.create")
def create(actor: Actor, docking: Docking, *, at: datetime | None = None) -> Docking:
    """Propose a docking; it starts at ``proposed`` with one history entry.

    ``at`` (system actor only) records when the proposal was really made, for imports of past
    dockings; otherwise the history is stamped now.
    """
    docking = validate(Docking, docking.model_copy(update={"id": None}))
    demand = unit_of_work().demands.get(docking.demand_id)
    if demand is None:
        raise NotFound.of("科技需求", "Demand", docking.demand_id)
    if docking.region_id != demand.region_id:
        raise ValidationError.single(
            "region_id",
            problem_zh="对接的区域须与需求的区域一致",
            problem_en="the docking's region must be the demand's region",
            fix_zh=f"请填写区域编号 {demand.region_id}",
            fix_en=f"Use region id {demand.region_id}",
        )
    if docking.stage is not DockingStage.PROPOSED:
        raise ValidationError.single(
            "stage",
            problem_zh="新对接须从「已推荐」开始",
            problem_en="a new docking starts at 'proposed'",
            fix_zh="创建后再逐步流转",
            fix_en="Create it, then move it through the stages",
        )
    policy.require(actor, "dockings.create", _access(docking))
    proposed_at = _recorded_at(actor, at, None)
    for other in KIND.repo().all(demand_id=docking.demand_id):
        if (
            other.target_kind is docking.target_kind
            and other.target_id == docking.target_id
            and other.stage is not DockingStage.CLOSED
        ):
            raise Conflict(
                "该需求与该对象已有进行中的对接",
                "This demand already has an open docking with this party",
                fix_zh=f"请继续对接 #{other.id}",
                fix_en=f"Continue docking #{other.id}",
            )
    docking = docking.model_copy(
        update={
            "history": [
                DockingHistoryEntry(
                    from_stage=None,
                    to_stage=DockingStage.PROPOSED,
                    at=proposed_at,
                    actor_user_id=actor.user_id,
                    note=docking.note,
                )
            ]
        }
    )
    stored = KIND.repo().add(docking)
    _crud.audit_create(actor, "dockings.create", KIND, stored)
    return stored


@action("dockings.get")
def get(actor: Actor, docking_id: int) -> Docking:
    """One docking with its history (staff of its region and both parties)."""
    return _load(actor, "dockings.get", docking_id)[0]


@action("dockings.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    demand_id: int | None = None,
    stage: DockingStage | None = None,
    target_kind: DockingTargetKind | None = None,
    target_id: int | None = None,
    event_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Docking]:
    """Dockings the actor may see, filtered."""
    policy.require(actor, "dockings.list")
    if policy.is_admin(actor):
        scope = DockingScope(everything=True)
    else:
        targets: dict[str, builtins.list[int]] = {}
        if actor.role is Role.EXPERT and actor.expert_id is not None:
            targets[DockingTargetKind.EXPERT.value] = [actor.expert_id]
        if actor.role in policy.MEMBER_ROLES and actor.organisation_id is not None:
            targets[DockingTargetKind.ORGANISATION.value] = [actor.organisation_id]
        scope = DockingScope(
            region_ids=[actor.region_id]
            if actor.role is Role.REGION_OPERATOR and actor.region_id
            else [],
            enterprise_id=actor.organisation_id if actor.role is Role.ENTERPRISE_MEMBER else None,
            targets=targets,
        )
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        demand_id=demand_id,
        stage=stage,
        target_kind=target_kind,
        target_id=target_id,
        event_id=event_id,
        visible=scope,
    )


_FIXED = ("stage", "history", "demand_id", "target_kind", "target_id", "region_id", "closed_reason")


@action("dockings.update")
def update(actor: Actor, docking_id: int, changes: Mapping[str, Any]) -> Docking:
    """Change a docking's note, event, contract value or dates (not its stage: transition)."""
    before, _ = _load(actor, "dockings.update", docking_id)
    after = _crud.merge(before, changes, extra_read_only=_FIXED)
    if after.event_id is not None and unit_of_work().events.get(after.event_id) is None:
        raise NotFound.of("活动", "Event", after.event_id)
    return _save(actor, "dockings.update", before, after, "update")


@action("dockings.transition")
def transition(
    actor: Actor,
    docking_id: int,
    to: DockingStage,
    *,
    note: str = "",
    closed_reason: str = "",
    contract_value_fen: int | None = None,
    on: date | None = None,
    at: datetime | None = None,
) -> Docking:
    """Move a docking one step (or close it with a reason); illegal moves raise Conflict.

    ``at`` (system actor only; not before the previous step) records when the step really
    happened, for imports of past dockings; ``on`` then defaults to its date.
    """
    before, _ = _load(actor, "dockings.transition", docking_id)
    to = DockingStage(to)
    check_transition(before.stage, to)
    step_at = _recorded_at(actor, at, before.history[-1].at if before.history else None)
    updates: dict[str, Any] = {"stage": to}
    if to is DockingStage.CLOSED:
        if not closed_reason.strip():
            raise ValidationError.single(
                "closed_reason",
                problem_zh="关闭对接须说明原因",
                problem_en="closing a docking needs a reason",
                fix_zh="请填写关闭原因",
                fix_en="Give the reason for closing",
            )
        updates["closed_reason"] = closed_reason.strip()
    day = on or step_at.date()
    if to is DockingStage.SIGNED:
        updates["signed_on"] = day
        if contract_value_fen is not None:
            updates["contract_value_fen"] = contract_value_fen
    if to is DockingStage.DELIVERED:
        updates["delivered_on"] = day
    entry = DockingHistoryEntry(
        from_stage=before.stage,
        to_stage=to,
        at=step_at,
        actor_user_id=actor.user_id,
        note=note or closed_reason,
    )
    updates["history"] = [*before.history, entry]
    after = validate(Docking, {**before.model_dump(), **updates})
    return _save(actor, "dockings.transition", before, after, "transition")


@action("dockings.give_feedback")
def give_feedback(
    actor: Actor,
    docking_id: int,
    side: Literal["enterprise", "provider"],
    feedback: Feedback,
) -> Docking:
    """Record one side's rating and comment (staff may record either side)."""
    before, access = _load(actor, "dockings.give_feedback", docking_id)
    if not policy.staff(actor, before.region_id):
        own_side = (
            actor.role is Role.ENTERPRISE_MEMBER and actor.organisation_id == access.enterprise_id
        )
        if (side == "enterprise") != own_side:
            raise PermissionDenied(
                "只能填写本方的反馈",
                "You can only give your own side's feedback",
                fix_zh="请选择您所在的一方",
                fix_en="Choose your own side",
            )
    feedback = validate(Feedback, feedback).model_copy(
        update={"given_at": utcnow(), "given_by_user_id": actor.user_id}
    )
    field = "enterprise_feedback" if side == "enterprise" else "provider_feedback"
    after = before.model_copy(update={field: feedback})
    return _save(actor, "dockings.give_feedback", before, after, "update")
