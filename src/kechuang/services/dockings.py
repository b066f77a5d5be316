"""Dockings (对接): a demand paired with an expert, organisation or achievement, moved through the
state machine in ``kechuang.domain.docking`` with every step kept in its history."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from kechuang.config import get_settings
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
    Region,
    Role,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.domain.docking import check_transition
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.repositories import DockingScope

__plumbing__ = ("idle_days", "stale_threshold")
"""Public helpers that are not service actions (pure functions over a docking or a region)."""

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
    demand_ids: Sequence[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Docking]:
    """Dockings the actor may see, filtered; ``demand_ids`` gives those of several demands in
    one query (a page listing demands with their dockings)."""
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
        demand_id_in=None if demand_ids is None else builtins.list(demand_ids),
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


# -- reminders for stale dockings ------------------------------------------------------------

STALE_STAGES: tuple[DockingStage, ...] = tuple(
    stage for stage in DockingStage if stage not in (DockingStage.DELIVERED, DockingStage.CLOSED)
)
"""Stages in which a docking can stall (delivered and closed ones are finished)."""


def _region_staff_or_admin(actor: Actor, region: object) -> bool:
    """Operators of the region; admins (and the system) also for every region at once."""
    return policy.is_admin(actor) or (isinstance(region, Region) and policy.staff(actor, region.id))


for _name, _words in (
    ("dockings.stale", "list the region's stale dockings"),
    ("dockings.remind", "mail the parties of stale dockings"),
    ("dockings.last_reminded", "when a docking's parties were last reminded"),
):
    policy.rule(_name, f"admins (all regions); operators of the region ({_words})")(
        _region_staff_or_admin
    )


@dataclass(frozen=True)
class Recipient:
    """One address a reminder goes to, and which side it stands for."""

    name: str
    email: str
    side: Literal["enterprise", "provider"]

    @property
    def masked_email(self) -> str:
        """The address with its local part hidden (``z•••@example.org``), for previews: enough
        to recognise the organisation, no private contact data."""
        local, _at, domain = self.email.partition("@")
        return f"{local[:1]}•••@{domain}" if domain else "•••"


@dataclass(frozen=True)
class Reminder:
    """A stale docking and who is reminded about it."""

    docking: Docking
    demand_title: str
    partner_name: str
    idle_days: int
    recipients: tuple[Recipient, ...]
    threshold: int = 0
    """The stale threshold (days) that applied: the region's own, the setting, or the caller's."""


@dataclass(frozen=True)
class RemindResult:
    """What a reminder run did: mailed, skipped as reminded recently, or without any address."""

    sent: builtins.list[Reminder]
    """Mailed (or, in a dry run, that would be mailed)."""
    recently_reminded: builtins.list[int]
    without_address: builtins.list[int]
    dry_run: bool = False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def idle_days(docking: Docking, now: datetime) -> int:
    """Whole days since the docking last changed (its last step, or any later edit)."""
    moments = [_aware(m) for m in (docking.updated_at,) if m is not None]
    moments += [_aware(entry.at) for entry in docking.history[-1:]]
    if not moments:
        return 0
    return (now - max(moments)).days


def stale_threshold(region: Region | None) -> int:
    """Days without change after which a docking of this region is stale: the region's own
    ``docking_stale_days``, else the installation's ``KECHUANG_DOCKING_STALE_DAYS``."""
    if region is not None and region.docking_stale_days is not None:
        return region.docking_stale_days
    return get_settings().docking_stale_days


def _check_days(days: int | None) -> None:
    if days is not None and days < 1:
        raise ValidationError.single(
            "days",
            problem_zh=f"天数须至少为 1（收到 {days}）",
            problem_en=f"the number of days must be at least 1 (got {days})",
            fix_zh="请填写正整数，例如 14",
            fix_en="Give a positive whole number, e.g. 14",
        )


def _scope_region(actor: Actor, region_id: int | None, name: str) -> Region | None:
    uow = unit_of_work()
    region = None
    if region_id is not None:
        region = uow.regions.get(region_id)
        if region is None:
            raise NotFound.of("区域", "Region", region_id)
    policy.require(actor, name, region)
    return region


class _Thresholds:
    """Each docking's stale threshold: the caller's ``days`` if given, else its region's."""

    def __init__(self, days: int | None) -> None:
        self.days = days
        self._by_region: dict[int, int] = {}

    def __call__(self, docking: Docking) -> int:
        if self.days is not None:
            return self.days
        if docking.region_id not in self._by_region:
            region = unit_of_work().regions.get(docking.region_id)
            self._by_region[docking.region_id] = stale_threshold(region)
        return self._by_region[docking.region_id]


def _stale(region_id: int | None, threshold: _Thresholds, now: datetime) -> builtins.list[Docking]:
    filters: dict[str, Any] = {"stage_in": builtins.list(STALE_STAGES)}
    if region_id is not None:
        filters["region_id"] = region_id
    return [d for d in KIND.repo().all(**filters) if idle_days(d, now) > threshold(d)]


@action("dockings.stale")
def stale(
    actor: Actor, region_id: int | None, *, days: int | None = None, now: datetime | None = None
) -> builtins.list[Docking]:
    """Open dockings of the region (every region: admins) with no change for more than ``days``
    (omitted: each region's own threshold, see :func:`stale_threshold`)."""
    _check_days(days)
    _scope_region(actor, region_id, "dockings.stale")
    return _stale(region_id, _Thresholds(days), now or utcnow())


def _recipients(docking: Docking) -> tuple[Recipient, ...]:
    """The enterprise's accounts and the provider's accounts (an expert without an account is
    written to at the address on their profile)."""
    uow = unit_of_work()
    access = _access(docking)
    found: dict[str, Recipient] = {}

    def add(name: str, email: str, side: Literal["enterprise", "provider"]) -> None:
        if email and email.lower() not in found:
            found[email.lower()] = Recipient(name, email, side)

    for user in uow.users.all(organisation_id=access.enterprise_id, is_active=True):
        add(user.display_name or user.username, user.email, "enterprise")
    if access.provider_expert_id is not None:
        accounts = uow.users.all(expert_id=access.provider_expert_id, is_active=True)
        for user in accounts:
            add(user.display_name or user.username, user.email, "provider")
        expert = uow.experts.get(access.provider_expert_id)
        if not accounts and expert is not None and expert.contact is not None:
            add(expert.name, expert.contact.email, "provider")
    if access.provider_organisation_id is not None:
        for user in uow.users.all(organisation_id=access.provider_organisation_id, is_active=True):
            add(user.display_name or user.username, user.email, "provider")
    return tuple(found.values())


def _partner_name(docking: Docking) -> str:
    uow = unit_of_work()
    if docking.target_kind is DockingTargetKind.EXPERT:
        expert = uow.experts.get(docking.target_id)
        return expert.name if expert else f"#{docking.target_id}"
    if docking.target_kind is DockingTargetKind.ORGANISATION:
        organisation = uow.organisations.get(docking.target_id)
        return organisation.name if organisation else f"#{docking.target_id}"
    achievement = uow.achievements.get(docking.target_id)
    return achievement.title if achievement else f"#{docking.target_id}"


@action("dockings.last_reminded")
def last_reminded(actor: Actor, docking_id: int) -> datetime | None:
    """When the parties of this docking were last reminded (from the audit log)."""
    docking = KIND.repo().get(docking_id)
    if docking is None or not policy.allowed(actor, "dockings.get", _access(docking)):
        raise KIND.not_found(docking_id)
    _scope_region(actor, docking.region_id, "dockings.last_reminded")
    return _last_reminded(docking_id)


def _last_reminded(docking_id: int) -> datetime | None:
    entries, _total = unit_of_work().audit.page(
        limit=1, action="dockings.remind", entity_kind=KIND.name, entity_id=docking_id
    )
    if not entries:
        return None
    recorded = (entries[0].after or {}).get("reminded_at")
    return _aware(datetime.fromisoformat(recorded)) if recorded else _aware(entries[0].at)


@action("dockings.remind")
def remind(
    actor: Actor,
    region_id: int | None,
    *,
    days: int | None = None,
    send: Callable[[Reminder], object] | None = None,
    dry_run: bool = False,
    only: Collection[int] | None = None,
    now: datetime | None = None,
) -> RemindResult:
    """Remind the parties of every stale docking, at most once per docking per ``days``
    (omitted: each region's own threshold, see :func:`stale_threshold`).

    ``send`` delivers one reminder (the caller's mailer: services send no mail themselves); it
    runs inside this transaction, so a mail that fails records nothing and is retried next time.
    Each reminder is written to the audit log (``dockings.remind``), which is also how a second
    run within ``days`` knows to skip it.

    ``dry_run`` sends and records nothing: the result lists what a real run would do (the
    preview an operator confirms). ``only`` limits the run to these dockings (the ones the
    operator saw in the preview); a docking no longer stale is left out.
    """
    _check_days(days)
    _scope_region(actor, region_id, "dockings.remind")
    if send is None and not dry_run:
        raise ValidationError.single(
            "send",
            problem_zh="未指定发送提醒的方式",
            problem_en="no way to send the reminders was given",
            fix_zh="请传入发送函数，或使用预览（dry_run）",
            fix_en="Pass a send function, or ask for a preview (dry_run)",
        )
    moment = now or utcnow()
    result = RemindResult([], [], [], dry_run=dry_run)
    titles: dict[int, str] = {}
    threshold = _Thresholds(days)
    wanted = None if only is None else set(only)
    for docking in _stale(region_id, threshold, moment):
        assert docking.id is not None
        if wanted is not None and docking.id not in wanted:
            continue
        previous = _last_reminded(docking.id)
        if previous is not None and (moment - previous).days < threshold(docking):
            result.recently_reminded.append(docking.id)
            continue
        recipients = _recipients(docking)
        if not recipients:
            result.without_address.append(docking.id)
            continue
        if docking.demand_id not in titles:
            demand = unit_of_work().demands.get(docking.demand_id)
            titles[docking.demand_id] = demand.title if demand else f"#{docking.demand_id}"
        reminder = Reminder(
            docking,
            titles[docking.demand_id],
            _partner_name(docking),
            idle_days(docking, moment),
            recipients,
            threshold(docking),
        )
        if dry_run or send is None:
            result.sent.append(reminder)
            continue
        send(reminder)
        _crud.audit(
            actor,
            "dockings.remind",
            KIND.name,
            docking.id,
            region_id=docking.region_id,
            before=None,
            after={
                "reminded_at": moment.isoformat(),
                "stage": docking.stage.value,
                "idle_days": reminder.idle_days,
                "recipients": [r.email for r in recipients],
            },
        )
        result.sent.append(reminder)
    return result
