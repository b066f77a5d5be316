"""Events: docking fairs, roadshows, trainings, forums — with attendance, trainee counts and the
dockings that came out of them."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from kechuang.domain import (
    Actor,
    Event,
    EventKind,
    NotFound,
    Page,
    ParticipantKind,
    Participation,
    ValidationError,
)
from kechuang.domain.common import validate
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work

KIND: _crud.Kind[Event] = _crud.Kind("event", "活动", "Event", lambda uow: uow.events, "events.get")


def _check_participants(participants: Sequence[Participation]) -> None:
    uow = unit_of_work()
    for participation in participants:
        repository = (
            uow.experts
            if participation.participant_kind is ParticipantKind.EXPERT
            else uow.organisations
        )
        if repository.get(participation.participant_id) is None:
            raise NotFound.of(
                "参与方",
                "Participant",
                f"{participation.participant_kind}:{participation.participant_id}",
            )


def _check_organisers(event: Event) -> None:
    found = unit_of_work().organisations.get_many(event.organiser_ids)
    missing = [str(i) for i in event.organiser_ids if i not in found]
    if missing:
        raise ValidationError.single(
            "organiser_ids",
            problem_zh=f"主办机构 {', '.join(missing)} 不存在",
            problem_en=f"organiser organisations {', '.join(missing)} do not exist",
            fix_zh="请先登记这些机构",
            fix_en="Register those organisations first",
        )


@action("events.create")
def create(actor: Actor, event: Event) -> Event:
    """Plan an event (``docking_ids`` is derived and ignored here)."""
    event = validate(Event, event.model_copy(update={"docking_ids": []}))
    _check_organisers(event)
    _check_participants(event.participants)
    return _crud.create(actor, "events.create", KIND, event)


@action("events.update")
def update(actor: Actor, event_id: int, changes: Mapping[str, Any]) -> Event:
    """Change an event's details."""
    before = _crud.load(actor, "events.update", KIND, event_id)
    after = _crud.merge(before, changes, extra_read_only=("docking_ids",))
    _check_organisers(after)
    _check_participants(after.participants)
    return _crud.save(actor, "events.update", KIND, before, after, change="update")


@action("events.get")
def get(actor: Actor, event_id: int) -> Event:
    """One event with participants and resulting dockings."""
    event = _crud.load(actor, "events.get", KIND, event_id)
    if event.archived and not policy.staff(actor, event.region_id):
        raise KIND.not_found(event_id)
    return event


@action("events.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    kind: EventKind | None = None,
    year: int | None = None,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Event]:
    """Events, filtered by region, kind and year."""
    policy.require(actor, "events.list")
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        kind=kind,
        year=year,
        q=q,
        include_archived=include_archived and policy.staff(actor, region_id),
    )


@action("events.archive")
def archive(actor: Actor, event_id: int) -> Event:
    """Hide an event."""
    return _crud.archive(actor, "events.archive", KIND, event_id)


def _merge_participants(
    current: Sequence[Participation], incoming: Sequence[Participation]
) -> builtins.list[Participation]:
    merged = {(p.participant_kind, p.participant_id): p for p in current}
    for participation in incoming:
        merged[(participation.participant_kind, participation.participant_id)] = participation
    return [*merged.values()]


@action("events.invite")
def invite(actor: Actor, event_id: int, participants: Sequence[Participation]) -> Event:
    """Invite parties (e.g. the experts the matcher proposed) to an event."""
    before = _crud.load(actor, "events.invite", KIND, event_id)
    incoming = [
        validate(Participation, p).model_copy(update={"invited": True}) for p in participants
    ]
    _check_participants(incoming)
    after = before.model_copy(
        update={"participants": _merge_participants(before.participants, incoming)}
    )
    return _crud.save(actor, "events.invite", KIND, before, after, change="update")


@action("events.record_attendance")
def record_attendance(
    actor: Actor,
    event_id: int,
    participants: Sequence[Participation],
    trainee_count: int | None = None,
) -> Event:
    """Record who attended and (for trainings) how many person-times were trained."""
    before = _crud.load(actor, "events.record_attendance", KIND, event_id)
    incoming = [validate(Participation, p) for p in participants]
    _check_participants(incoming)
    updates: dict[str, Any] = {"participants": _merge_participants(before.participants, incoming)}
    if trainee_count is not None:
        updates["trainee_count"] = trainee_count
    after = validate(Event, {**before.model_dump(), **updates})
    return _crud.save(actor, "events.record_attendance", KIND, before, after, change="update")


@action("events.link_docking")
def link_docking(actor: Actor, event_id: int, docking_id: int) -> Event:
    """Record that a docking came out of this event."""
    event = _crud.load(actor, "events.link_docking", KIND, event_id)
    uow = unit_of_work()
    docking = uow.dockings.get(docking_id)
    if docking is None or docking.region_id != event.region_id:
        raise NotFound.of("对接", "Docking", docking_id)
    if docking.event_id != event_id:
        linked = uow.dockings.save(docking.model_copy(update={"event_id": event_id}))
        _crud.audit(
            actor,
            "events.link_docking",
            "docking",
            docking_id,
            region_id=docking.region_id,
            before=_crud.snapshot(docking),
            after=_crud.snapshot(linked),
            change="update",
        )
    stored = KIND.repo().get(event_id)
    assert stored is not None
    return stored
