"""The REST twin of the moderation queue page: held profile edits (an owner's expert or
organisation edit the spam detector flagged), and the operator's decision — apply (the edit is
saved as the operator) or reject with a reason (the owner is mailed). Deciding twice is a 409."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kechuang.api.deps import Caller, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.exchange.mail import send
from kechuang.services import moderation

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
HeldId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class PieceOut(BaseModel):
    """A piece of a proposed text, ``flagged`` when a detector signal points at it."""

    text: str
    flagged: bool


class DecisionOut(BaseModel):
    """What was decided, when and by whom."""

    applied: bool
    at: datetime
    actor_label: str
    reason: str


class HeldEditOut(BaseModel):
    """One held profile edit."""

    id: int
    at: datetime
    kind: str = Field(description="expert | organisation")
    entity_id: int
    entity_name: str
    region_id: int | None
    author_label: str
    operation: str = Field(description="update | add_work")
    score: int
    reasons: list[str]
    proposed: dict[str, list[str]]
    highlighted: dict[str, list[list[PieceOut]]]
    current: dict[str, list[str]]
    decision: DecisionOut | None


class HeldEditPageOut(BaseModel):
    """One page of the queue."""

    items: list[HeldEditOut]
    total: int
    offset: int
    limit: int


class RejectIn(BaseModel):
    """Why the edit is not published (sent to the owner)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=moderation.REASON_MAX)


def _out(item: moderation.HeldEdit) -> HeldEditOut:
    decision = item.decision
    return HeldEditOut(
        id=item.id,
        at=item.at,
        kind=item.kind,
        entity_id=item.entity_id,
        entity_name=item.entity_name,
        region_id=item.region_id,
        author_label=item.author_label,
        operation=item.operation,
        score=item.score,
        reasons=list(item.reasons),
        proposed=item.proposed,
        highlighted={
            name: [[PieceOut(text=t, flagged=f) for t, f in parts] for parts in texts]
            for name, texts in item.highlighted.items()
        },
        current=item.current,
        decision=DecisionOut(
            applied=decision.applied,
            at=decision.at,
            actor_label=decision.actor_label,
            reason=decision.reason,
        )
        if decision
        else None,
    )


def _mailer(request: Request) -> moderation.Send:
    data_dir = request.app.state.settings.data_dir
    return lambda notice: send(data_dir, to=notice.to, subject=notice.subject, body=notice.body)


@router.get(
    "/moderation/held-edits",
    tags=["moderation"],
    summary="Held profile edits / 待审核的档案修改",
)
def queue(
    request: Request,
    actor: Caller,
    decided: bool = False,
    offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HeldEditPageOut:
    """Held edits awaiting a decision (``decided=true``: those decided), newest first; operators
    see their own region's."""
    with tx(request):
        page = moderation.queue(actor, decided=decided, offset=offset, limit=limit)
    return HeldEditPageOut(
        items=[_out(item) for item in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get(
    "/moderation/held-edits/{held_id}",
    tags=["moderation"],
    summary="One held profile edit / 一条待审修改",
)
def get(request: Request, held_id: HeldId, actor: Caller) -> HeldEditOut:
    """The proposed text with the flagged parts, the reasons, the current text and any decision."""
    with tx(request):
        return _out(moderation.get(actor, held_id))


@router.post(
    "/moderation/held-edits/{held_id}/apply",
    tags=["moderation"],
    summary="Apply a held edit / 采纳待审修改",
)
def apply(request: Request, held_id: HeldId, actor: Caller) -> HeldEditOut:
    """Save the edit as the operator (audited) and tell the owner; 409 when already decided."""
    with tx(request):
        return _out(moderation.apply(actor, held_id, send=_mailer(request)))


@router.post(
    "/moderation/held-edits/{held_id}/reject",
    tags=["moderation"],
    summary="Reject a held edit / 驳回待审修改",
)
def reject(request: Request, held_id: HeldId, body: RejectIn, actor: Caller) -> HeldEditOut:
    """Leave the profile as it is and mail the owner the reason; 409 when already decided."""
    with tx(request):
        return _out(moderation.reject(actor, held_id, body.reason, send=_mailer(request)))
