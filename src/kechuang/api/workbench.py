"""The REST twins of the operator's matching workbench and of the stale-docking reminders.

``GET /workbench/demands`` lists the open demands to assign; ``POST /workbench/proposals``
returns the capacity-respecting assignment with each pair's evidence and the quality given up for
balance; ``POST /workbench/assignments`` creates the docking requests (all or nothing; overrides
need a reason and are audited). ``GET /stale-dockings`` and ``POST /stale-dockings/reminders`` are
the docking board's highlight and reminder button.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from kechuang.api.deps import Caller, match_index, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.domain import Demand, DemandStatus, Docking
from kechuang.domain.common import utcnow
from kechuang.exchange.mail import send_docking_reminder
from kechuang.services import dockings, workbench

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.get(
    "/workbench/demands",
    tags=["workbench"],
    summary="Open demands to assign / 待分配的需求",
)
def open_demands(
    request: Request,
    actor: Caller,
    *,
    region_id: Annotated[int, Query(ge=1, le=2**31 - 1, description="region / 区域")],
    industry: Annotated[
        str | None, Query(max_length=10, description="GB/T 4754 code prefix / 行业代码前缀")
    ] = None,
    demand_status: Annotated[
        DemandStatus | None,
        Query(alias="status", description="published or docking / 需求状态"),
    ] = None,
    min_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
    max_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
) -> list[Demand]:
    """The region's published (or docking) demands, filtered by industry, status and age."""
    with tx(request):
        return workbench.open_demands(
            actor,
            region_id,
            industry_code=industry or None,
            statuses=(demand_status,) if demand_status else workbench.OPEN_STATUSES,
            min_age_days=min_age_days,
            max_age_days=max_age_days,
        )


class ProposalIn(BaseModel):
    """Which demands to assign, and an optional per-expert limit for this batch."""

    region_id: int = Field(ge=1, le=2**31 - 1)
    demand_ids: list[int] = Field(min_length=1, max_length=workbench.MAX_BATCH)
    batch_capacity: int | None = Field(None, ge=1, le=100)
    candidates_per_demand: int = Field(10, ge=1, le=50)


class CandidateOut(BaseModel):
    """An expert the engine proposes for a demand, with the evidence behind the score."""

    expert_id: int
    name: str
    score: float
    evidence: list[str]
    matched_terms: list[str]
    capacity_left: int


class ConflictOut(BaseModel):
    """A candidate excluded as a conflict of interest."""

    expert_id: int
    reason: str


class PairOut(BaseModel):
    """One demand and the expert the assignment gives it (``null``: capacity ran out)."""

    demand_id: int
    demand_title: str
    expert_id: int | None
    expert_name: str | None
    score: float
    best_expert_id: int | None
    is_best: bool
    candidates: list[CandidateOut]
    conflicts: list[ConflictOut]
    already_docked: list[int]


class ProposalOut(BaseModel):
    """The proposed assignment and the quality given up for balance."""

    pairs: list[PairOut]
    total_score: float
    unconstrained_score: float
    quality_given_up: float
    top1_kept: float
    unfilled: int
    max_load: int


@router.post(
    "/workbench/proposals",
    tags=["workbench"],
    summary="Propose a capacity-respecting assignment / 按容量生成分配方案",
)
def propose(request: Request, actor: Caller, body: ProposalIn) -> ProposalOut:
    """Each demand gets one expert; capacity is the expert's own setting minus open dockings
    (and at most ``batch_capacity`` here); conflicts of interest are excluded. Nothing is
    written."""
    index = match_index(request)
    with tx(request):
        proposal = workbench.propose(
            actor,
            index,
            body.region_id,
            body.demand_ids,
            candidates_per_demand=body.candidates_per_demand,
            batch_capacity=body.batch_capacity,
        )
    return ProposalOut(
        pairs=[
            PairOut(
                demand_id=pair.demand.id or 0,
                demand_title=pair.demand.title,
                expert_id=pair.expert_id,
                expert_name=proposal.expert_names.get(pair.expert_id)
                if pair.expert_id is not None
                else None,
                score=pair.score,
                best_expert_id=pair.best_expert_id,
                is_best=pair.is_best,
                candidates=[
                    CandidateOut(
                        expert_id=c.expert_id,
                        name=c.name,
                        score=c.score,
                        evidence=list(c.evidence),
                        matched_terms=list(c.matched_terms),
                        capacity_left=c.capacity_left,
                    )
                    for c in pair.candidates
                ],
                conflicts=[ConflictOut(expert_id=e, reason=r) for e, r in pair.conflicts],
                already_docked=list(pair.already_docked),
            )
            for pair in proposal.pairs
        ],
        total_score=proposal.total_score,
        unconstrained_score=proposal.unconstrained_score,
        quality_given_up=proposal.quality_given_up,
        top1_kept=proposal.top1_kept,
        unfilled=proposal.unfilled,
        max_load=proposal.max_load,
    )


class ChoiceIn(BaseModel):
    """The decision for one demand; a reason is required when ``expert_id`` differs from
    ``proposed_expert_id`` (an override)."""

    demand_id: int = Field(ge=1, le=2**31 - 1)
    expert_id: int | None = Field(None, ge=1, le=2**31 - 1)
    proposed_expert_id: int | None = Field(None, ge=1, le=2**31 - 1)
    reason: str = Field("", max_length=500)


class AssignmentIn(BaseModel):
    """The confirmed assignment of one region."""

    region_id: int = Field(ge=1, le=2**31 - 1)
    choices: list[ChoiceIn] = Field(min_length=1, max_length=workbench.MAX_BATCH)


@router.post(
    "/workbench/assignments",
    tags=["workbench"],
    status_code=status.HTTP_201_CREATED,
    summary="Confirm an assignment as docking requests / 确认分配并发起对接",
)
def confirm(request: Request, actor: Caller, body: AssignmentIn) -> list[Docking]:
    """Create one docking per chosen pair in one transaction (nothing on any error); overrides
    are written to the audit log with their reasons."""
    index = match_index(request)
    with tx(request):
        return workbench.confirm(
            actor,
            index,
            body.region_id,
            [
                workbench.Choice(c.demand_id, c.expert_id, c.proposed_expert_id, c.reason)
                for c in body.choices
            ],
        )


class StaleDockingOut(BaseModel):
    """An open docking without change for more than the stale threshold."""

    docking: Docking
    idle_days: int


@router.get(
    "/stale-dockings",
    tags=["dockings"],
    summary="Dockings without progress / 长期无进展的对接",
)
def stale_dockings(
    request: Request,
    actor: Caller,
    region_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    days: Annotated[
        int | None,
        Query(ge=1, le=365, description="default: the region's own threshold, else the setting"),
    ] = None,
) -> list[StaleDockingOut]:
    """Open dockings of the region with no change for more than ``days`` (default: the region's
    own threshold, else ``KECHUANG_DOCKING_STALE_DAYS``)."""
    now = utcnow()
    with tx(request):
        found = dockings.stale(actor, region_id, days=days, now=now)
    return [StaleDockingOut(docking=d, idle_days=dockings.idle_days(d, now)) for d in found]


class ReminderOut(BaseModel):
    """One reminded docking and the addresses mailed."""

    docking_id: int
    idle_days: int
    recipients: list[str]


class RemindOut(BaseModel):
    """What a reminder run did."""

    sent: list[ReminderOut]
    recently_reminded: list[int]
    without_address: list[int]


@router.post(
    "/stale-dockings/reminders",
    tags=["dockings"],
    summary="Mail the parties of stale dockings / 提醒停滞对接的双方",
)
def remind(
    request: Request,
    actor: Caller,
    region_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    dry_run: Annotated[
        bool, Query(description="list what would be sent; send and record nothing")
    ] = False,
) -> RemindOut:
    """Mail both parties of each stale docking, at most once per docking per N days (the
    region's own threshold, else the setting); each reminder is recorded in the audit log.
    ``dry_run`` previews: nothing is sent or recorded."""
    settings = request.app.state.settings
    with tx(request):
        result = dockings.remind(
            actor,
            region_id,
            dry_run=dry_run,
            send=lambda reminder: send_docking_reminder(
                settings.data_dir, reminder, base_url=str(request.base_url)
            ),
        )
    return RemindOut(
        sent=[
            ReminderOut(
                docking_id=r.docking.id or 0,
                idle_days=r.idle_days,
                recipients=[x.email for x in r.recipients],
            )
            for r in result.sent
        ],
        recently_reminded=result.recently_reminded,
        without_address=result.without_address,
    )
