"""The REST twins of the honour-list pages: open a list, nominate, read the reviewers the matcher
proposes (conflicts of interest excluded), open and close review rounds (the second on a
shortlist), score as a reviewer, read a round's results, publish, archive; and a reviewer's own
assignments. Reading lists stays in ``api/routes.py`` (``GET /honours``, ``GET /honours/{id}``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from kechuang.api.deps import Caller, Id, match_index, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.domain import (
    HonourEntry,
    HonourList,
    HonourListKind,
    Nomination,
    NotFound,
    ReviewScore,
    validate,
)
from kechuang.domain.honour import NomineeKind
from kechuang.services import honours

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class HonourListIn(BaseModel):
    """A new edition of an honour list (``region_id`` defaults to the operator's region; a
    national list, for admins, sets ``national``)."""

    model_config = ConfigDict(extra="forbid")

    kind: HonourListKind
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=300)
    region_id: Id | None = None
    national: bool = False


class NominationIn(BaseModel):
    """A registered organisation, achievement or expert (``nominee_id``), or a named person."""

    model_config = ConfigDict(extra="forbid")

    nominee_kind: NomineeKind
    nominee_id: Id | None = None
    nominee_name: str = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=5000)


class RoundIn(BaseModel):
    """Open the next round with its reviewers; a later round names its shortlist."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=10)
    reviewer_expert_ids: list[Id] = Field(min_length=1, max_length=50)
    nomination_ids: list[Id] | None = Field(None, max_length=1000)


class ScoreIn(BaseModel):
    """A reviewer's score of one nomination (an expert's token scores as that expert)."""

    model_config = ConfigDict(extra="forbid")

    nomination_id: Id
    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=2000)
    reviewer_expert_id: Id | None = Field(
        None, description="staff only: score on behalf of a reviewer / 仅运营人员代录评分时填写"
    )


class EntryIn(BaseModel):
    """A place on the published list."""

    model_config = ConfigDict(extra="forbid")

    nomination_id: Id
    rank: int = Field(ge=1, le=10_000)
    citation: str = Field("", max_length=2000)


class PublishIn(BaseModel):
    """The ranked entries to publish."""

    model_config = ConfigDict(extra="forbid")

    entries: list[EntryIn] = Field(min_length=1, max_length=1000)


class ReviewerOut(BaseModel):
    """A proposed reviewer with the evidence, or a matched expert left out with the reasons."""

    expert_id: int
    name: str
    affiliation: str
    score: float
    matched_terms: list[str]
    evidence: list[str]
    conflicts: list[str]


class ReviewerProposalOut(BaseModel):
    """Conflict-free reviewers (best first) and the experts left out for a conflict."""

    candidates: list[ReviewerOut]
    excluded: list[ReviewerOut]


class ResultOut(BaseModel):
    """A nomination's mean score in a round."""

    nomination_id: int
    nominee_name: str
    mean: float | None
    scored_by: int


@router.post(
    "/honours",
    tags=["honours"],
    status_code=status.HTTP_201_CREATED,
    summary="Open an honour list / 创建榜单",
)
def create_list(request: Request, body: HonourListIn, actor: Caller) -> HonourList:
    """Open a list for nominations."""
    region_id = None if body.national else (body.region_id or actor.region_id)
    honour_list = validate(
        HonourList,
        {"kind": body.kind, "year": body.year, "title": body.title, "region_id": region_id},
    )
    with tx(request):
        return honours.create(actor, honour_list)


@router.post(
    "/honours/{honour_list_id}/nominations",
    tags=["honours"],
    status_code=status.HTTP_201_CREATED,
    summary="Nominate / 提名",
)
def nominate(
    request: Request, honour_list_id: int, body: NominationIn, actor: Caller
) -> HonourList:
    """Nominate while nominations are open (operators; signed-in users of the list's region)."""
    with tx(request):
        return honours.nominate(actor, honour_list_id, validate(Nomination, body.model_dump()))


@router.get(
    "/honours/{honour_list_id}/reviewer-proposals",
    tags=["honours"],
    summary="Reviewers the matcher proposes / 匹配推荐的评审专家",
)
def reviewer_proposals(
    request: Request,
    honour_list_id: int,
    actor: Caller,
    nomination_id: Annotated[list[int] | None, Query(max_length=1000)] = None,
    k: Annotated[int, Query(ge=1, le=30)] = 8,
) -> ReviewerProposalOut:
    """Experts matched to the nominations (the next round's scope, or ``nomination_id``s), with
    conflicts of interest (same organisation, co-authorship, the nominee themself) left out."""
    with tx(request):
        found = honours.propose_reviewers(
            actor, match_index(request), honour_list_id, nomination_ids=nomination_id or None, k=k
        )

    def out(candidate: honours.ReviewerCandidate) -> ReviewerOut:
        return ReviewerOut(
            expert_id=candidate.expert_id,
            name=candidate.name,
            affiliation=candidate.affiliation,
            score=candidate.score,
            matched_terms=list(candidate.matched_terms),
            evidence=list(candidate.evidence),
            conflicts=list(candidate.conflicts),
        )

    return ReviewerProposalOut(
        candidates=[out(c) for c in found.candidates], excluded=[out(c) for c in found.excluded]
    )


@router.post(
    "/honours/{honour_list_id}/rounds",
    tags=["honours"],
    status_code=status.HTTP_201_CREATED,
    summary="Open a review round / 开启评审轮次",
)
def open_round(request: Request, honour_list_id: int, body: RoundIn, actor: Caller) -> HonourList:
    """Open the next round with conflict-free reviewers (round 2: on a shortlist)."""
    with tx(request):
        return honours.open_round(
            actor, honour_list_id, body.number, body.reviewer_expert_ids, body.nomination_ids
        )


@router.post(
    "/honours/{honour_list_id}/rounds/{number}/scores",
    tags=["honours"],
    summary="Score a nomination / 评分",
)
def score(
    request: Request, honour_list_id: int, number: int, body: ScoreIn, actor: Caller
) -> HonourList:
    """A reviewer scores a nomination of an open round (scoring again replaces the score)."""
    reviewer = body.reviewer_expert_id or actor.expert_id or 0
    with tx(request):
        return honours.score(
            actor,
            honour_list_id,
            number,
            validate(
                ReviewScore,
                {
                    "nomination_id": body.nomination_id,
                    "reviewer_expert_id": reviewer,
                    "score": body.score,
                    "comment": body.comment,
                },
            ),
        )


@router.post(
    "/honours/{honour_list_id}/rounds/{number}/close",
    tags=["honours"],
    summary="Close a review round / 结束评审轮次",
)
def close_round(request: Request, honour_list_id: int, number: int, actor: Caller) -> HonourList:
    """Close the round; its scores become final."""
    with tx(request):
        return honours.close_round(actor, honour_list_id, number)


@router.get(
    "/honours/{honour_list_id}/rounds/{number}/results",
    tags=["honours"],
    summary="A round's results / 评审结果",
)
def results(request: Request, honour_list_id: int, number: int, actor: Caller) -> list[ResultOut]:
    """The round's nominations by mean score (staff; reviewers see their own scores only)."""
    with tx(request):
        honour_list = honours.get(actor, honour_list_id)
    review_round = next((r for r in honour_list.review_rounds if r.number == number), None)
    if review_round is None:
        raise NotFound.of("评审轮次", "Review round", number)
    return [
        ResultOut(
            nomination_id=result.nomination.id or 0,
            nominee_name=result.nomination.nominee_name,
            mean=result.mean,
            scored_by=result.scored_by,
        )
        for result in honours.round_results(honour_list, review_round)
    ]


@router.post("/honours/{honour_list_id}/publish", tags=["honours"], summary="Publish / 发布榜单")
def publish(request: Request, honour_list_id: int, body: PublishIn, actor: Caller) -> HonourList:
    """Publish the ranked entries once no round is open."""
    with tx(request):
        return honours.publish(
            actor,
            honour_list_id,
            [HonourEntry(**entry.model_dump()) for entry in body.entries],
        )


@router.post("/honours/{honour_list_id}/archive", tags=["honours"], summary="Archive / 归档榜单")
def archive(request: Request, honour_list_id: int, actor: Caller) -> HonourList:
    """Hide the list."""
    with tx(request):
        return honours.archive(actor, honour_list_id)


@router.get("/me/reviews", tags=["honours"], summary="My review assignments / 我的评审任务")
def my_reviews(request: Request, actor: Caller) -> list[HonourList]:
    """The lists under review in which the calling expert reviews a round."""
    with tx(request):
        return honours.my_reviews(actor)
