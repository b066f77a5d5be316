"""Events: docking fairs, roadshows, trainings, forums — with attendance, trainee counts and the
dockings that came out of them."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

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
from kechuang.domain.codes import industries
from kechuang.domain.common import utcnow, validate
from kechuang.match.engine import MatchIndex
from kechuang.services import _crud, matching, policy
from kechuang.services.context import action, unit_of_work

__plumbing__ = ("event_text",)
"""Public helpers that are not service actions (pure functions over domain records)."""

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


def _check_industries(event: Event) -> None:
    table = industries()
    unknown = [code for code in event.industry_codes if code not in table]
    if unknown:
        raise ValidationError.single(
            "industry_codes",
            problem_zh=f"行业代码 {', '.join(unknown)} 不在 GB/T 4754-2017 中",
            problem_en=f"industry codes {', '.join(unknown)} are not in GB/T 4754-2017",
            fix_zh="请从行业列表中选择",
            fix_en="Choose from the industry list",
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
    _check_industries(event)
    _check_organisers(event)
    _check_participants(event.participants)
    return _crud.create(actor, "events.create", KIND, event)


@action("events.update")
def update(actor: Actor, event_id: int, changes: Mapping[str, Any]) -> Event:
    """Change an event's details."""
    before = _crud.load(actor, "events.update", KIND, event_id)
    after = _crud.merge(before, changes, extra_read_only=("docking_ids",))
    _check_industries(after)
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
    when: Literal["upcoming", "past"] | None = None,
    today: date | None = None,
    include_archived: bool = False,
    archived_only: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Event]:
    """Events, filtered by region, kind, year, timing (upcoming: starting today or later; past:
    started before today) and, for staff, archived ones."""
    policy.require(actor, "events.list")
    timing: dict[str, Any] = {}
    if when is not None:
        day = today or utcnow().date()
        timing["starts_on_from" if when == "upcoming" else "starts_on_before"] = day
    staff = policy.staff(actor, region_id)
    if archived_only and staff:
        timing["archived"] = True
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        kind=kind,
        year=year,
        q=q,
        include_archived=(include_archived or archived_only) and staff,
        **timing,
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


@dataclass(frozen=True)
class ProposedParty:
    """A party the matcher proposes to invite to an event, with why (matched terms, works)."""

    participant_kind: ParticipantKind
    participant_id: int
    name: str
    entity_kind: str
    """The index's kind: ``expert``, or the organisation's kind (``society``, ``lab`` …)."""
    score: float
    matched_terms: tuple[str, ...]
    evidence: tuple[str, ...]
    invited: bool
    """Already on the event's participant list."""


def event_text(event: Event) -> str:
    """What an event is matched by: title, description and the names of its industries."""
    table = industries()
    names = [table[code].name for code in event.industry_codes if code in table]
    return " ".join(part for part in (event.title, event.description, " ".join(names)) if part)


policy.rule("events.propose_participants", "admins; operators of the event's region")(
    lambda a, e: isinstance(e, Event) and policy.staff(a, e.region_id)
)


@action("events.propose_participants")
def propose_participants(
    actor: Actor, index: MatchIndex, event_id: int, *, k: int = 20
) -> builtins.list[ProposedParty]:
    """Experts and organisations (societies, labs, enterprises …) of the event's region matched to
    its topic, best first, each with its evidence; achievements are left out (their owners are
    proposed)."""
    event = _crud.load(actor, "events.propose_participants", KIND, event_id)
    invited = {(p.participant_kind, p.participant_id) for p in event.participants}
    organisers = set(event.organiser_ids)
    hits = matching.match_text(
        actor, index, event_text(event), region_id=event.region_id, k=max(1, k) * 2
    )
    proposed: builtins.list[ProposedParty] = []
    for hit in hits:
        prefix, _, raw_id = str(hit.entity_id).partition(":")
        if not raw_id.isdigit() or prefix not in ("expert", "organisation"):
            continue
        kind = ParticipantKind.EXPERT if prefix == "expert" else ParticipantKind.ORGANISATION
        participant_id = int(raw_id)
        if kind is ParticipantKind.ORGANISATION and participant_id in organisers:
            continue
        proposed.append(
            ProposedParty(
                participant_kind=kind,
                participant_id=participant_id,
                name=str(hit.name),
                entity_kind=str(hit.kind),
                score=float(hit.score),
                matched_terms=tuple(str(term) for term in hit.matched_terms[:8]),
                evidence=tuple(str(work.title) for work in hit.works[:3]),
                invited=(kind, participant_id) in invited,
            )
        )
        if len(proposed) >= k:
            break
    return proposed
