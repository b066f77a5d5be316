"""The REST twins of the operator's event pages: plan an event, change it, read the parties the
matcher proposes for its topic, invite, record attendance and trainees, link a resulting docking,
archive. Reading events stays in ``api/routes.py`` (``GET /events``, ``GET /events/{id}``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from kechuang.api.deps import Caller, Id, match_index, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.domain import Event, EventKind, ParticipantKind, Participation, validate
from kechuang.services import events

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class EventIn(BaseModel):
    """An event to plan (``region_id`` defaults to the operator's region)."""

    model_config = ConfigDict(extra="forbid")

    region_id: Id | None = None
    kind: EventKind
    title: str = Field(min_length=1, max_length=300)
    starts_on: dt.date
    ends_on: dt.date | None = None
    location: str = Field("", max_length=300)
    description: str = Field("", max_length=20_000)
    industry_codes: list[Annotated[str, Field(max_length=8)]] = Field(
        default_factory=list, max_length=20, description="GB/T 4754-2017 codes / 行业代码"
    )
    organiser_ids: list[Id] = Field(default_factory=list, max_length=50)


class EventChanges(BaseModel):
    """Fields to change; the ones left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    kind: EventKind | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    location: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    industry_codes: list[Annotated[str, Field(max_length=8)]] | None = Field(None, max_length=20)
    organiser_ids: list[Id] | None = Field(None, max_length=50)


class PartyRef(BaseModel):
    """An expert or an organisation taking part."""

    model_config = ConfigDict(extra="forbid")

    participant_kind: ParticipantKind
    participant_id: Id


class InvitationsIn(BaseModel):
    """Parties to invite (e.g. those ``GET …/proposals`` returned)."""

    model_config = ConfigDict(extra="forbid")

    parties: list[PartyRef] = Field(min_length=1, max_length=500)


class AttendanceIn(BaseModel):
    """Who attended and who did not (invited parties; others are invited and recorded), and the
    person-times trained (培训人次) when known."""

    model_config = ConfigDict(extra="forbid")

    attended: list[PartyRef] = Field(default_factory=list, max_length=500)
    absent: list[PartyRef] = Field(default_factory=list, max_length=500)
    trainee_count: int | None = Field(None, ge=0, le=10_000_000)


class DockingLinkIn(BaseModel):
    """A docking of the event's region that came out of the event."""

    model_config = ConfigDict(extra="forbid")

    docking_id: Id


class ProposedPartyOut(BaseModel):
    """A party the matcher proposes for the event, with the evidence."""

    participant_kind: ParticipantKind
    participant_id: int
    name: str
    entity_kind: str
    score: float
    matched_terms: list[str]
    evidence: list[str]
    invited: bool


@router.post(
    "/events",
    tags=["events"],
    status_code=status.HTTP_201_CREATED,
    summary="Plan an event / 策划活动",
)
def create_event(request: Request, body: EventIn, actor: Caller) -> Event:
    """Plan a docking event, roadshow, training or forum in the operator's region."""
    fields: dict[str, Any] = body.model_dump()
    if fields["region_id"] is None:
        fields["region_id"] = actor.region_id
    with tx(request):
        return events.create(actor, validate(Event, fields))


@router.patch("/events/{event_id}", tags=["events"], summary="Change an event / 修改活动")
def update_event(request: Request, event_id: int, body: EventChanges, actor: Caller) -> Event:
    """Change the fields given; the others keep their value."""
    with tx(request):
        return events.update(actor, event_id, body.model_dump(exclude_unset=True))


@router.get(
    "/events/{event_id}/proposals",
    tags=["events"],
    summary="Parties the matcher proposes / 匹配推荐的参与方",
)
def proposals(
    request: Request,
    event_id: int,
    actor: Caller,
    k: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[ProposedPartyOut]:
    """Experts and organisations of the event's region matched to its title, description and
    industries, best first, with the matched terms and works behind each."""
    with tx(request):
        found = events.propose_participants(actor, match_index(request), event_id, k=k)
    return [
        ProposedPartyOut(
            participant_kind=party.participant_kind,
            participant_id=party.participant_id,
            name=party.name,
            entity_kind=party.entity_kind,
            score=party.score,
            matched_terms=list(party.matched_terms),
            evidence=list(party.evidence),
            invited=party.invited,
        )
        for party in found
    ]


@router.post("/events/{event_id}/invitations", tags=["events"], summary="Invite / 邀请参与方")
def invite(request: Request, event_id: int, body: InvitationsIn, actor: Caller) -> Event:
    """Invite experts and organisations to the event."""
    with tx(request):
        return events.invite(
            actor,
            event_id,
            [
                Participation(participant_kind=p.participant_kind, participant_id=p.participant_id)
                for p in body.parties
            ],
        )


@router.post(
    "/events/{event_id}/attendance", tags=["events"], summary="Record attendance / 记录出席"
)
def attendance(request: Request, event_id: int, body: AttendanceIn, actor: Caller) -> Event:
    """Record who attended, who did not, and the trainee count."""
    parties = [
        Participation(
            participant_kind=p.participant_kind, participant_id=p.participant_id, attended=came
        )
        for came, group in ((True, body.attended), (False, body.absent))
        for p in group
    ]
    with tx(request):
        return events.record_attendance(actor, event_id, parties, trainee_count=body.trainee_count)


@router.post(
    "/events/{event_id}/dockings",
    tags=["events"],
    summary="Link a resulting docking / 关联活动促成的对接",
)
def link_docking(request: Request, event_id: int, body: DockingLinkIn, actor: Caller) -> Event:
    """Record that a docking of the region came out of this event."""
    with tx(request):
        return events.link_docking(actor, event_id, body.docking_id)


@router.post("/events/{event_id}/archive", tags=["events"], summary="Archive / 归档活动")
def archive(request: Request, event_id: int, actor: Caller) -> Event:
    """Hide the event from the public."""
    with tx(request):
        return events.archive(actor, event_id)
