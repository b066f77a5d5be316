"""The REST API twins of the pages: every handler parses, makes its service call(s) in one
transaction and returns domain models (the services have already removed what the caller may not
see — demand details by tier, expert contact data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from kechuang.api.deps import Caller, rate_limit, rate_limit_text_search, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.api.schemas import (
    PageOut,
    QualityIssueOut,
    RecommendationOut,
    RecommendationsOut,
    SignUpIn,
    SignUpOut,
    TokenIn,
    TokenOut,
    TransitionIn,
)
from kechuang.domain import (
    Achievement,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    DemandTeaser,
    Detail,
    Docking,
    DockingStage,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    HonourList,
    HonourListKind,
    LabLevel,
    NdaAcceptance,
    Organisation,
    OrganisationKind,
    Region,
    TransferMode,
    User,
    ValidationError,
    Work,
    demand_quality,
)
from kechuang.exchange.mail import send_sign_up_mail
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    honours,
    matching,
    organisations,
    policy,
    regions,
    stats,
    users,
)
from kechuang.services.search_index import SearchIndex

router = APIRouter(
    prefix="/api/v1",
    responses=ERROR_RESPONSES,
    # a list's ``q`` is a public text search: it shares the search rate limit
    dependencies=[Depends(rate_limit_text_search("search"))],
)

Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip / 跳过条数")]
Limit = Annotated[int, Query(ge=1, le=200, description="page size / 每页条数")]
Text = Annotated[
    str | None, Query(max_length=100, description="substring of name or title / 名称关键词")
]


class DemandOut(BaseModel):
    """A demand as the caller may see it: always the teaser; the detail when the tier allows."""

    teaser: DemandTeaser
    detail: Demand | None


# --- caller and tokens -----------------------------------------------------------------------


@router.get("/me", tags=["account"], summary="The calling user / 当前用户")
def me(request: Request, actor: Caller) -> User | None:
    """The user behind the token (``null`` for the anonymous public)."""
    if actor.user_id is None:
        return None
    with tx(request):
        return users.get(actor, actor.user_id)


@router.post(
    "/tokens",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(rate_limit("sign_in"))],
    summary="Exchange a password for an API token / 用密码换取 API 令牌",
)
def create_token(request: Request, body: TokenIn) -> TokenOut:
    """For scripts: sign in once and keep the token; the secret appears only in this response."""
    with tx(request):
        user, session_secret = users.sign_in(Actor.anonymous(), body.username, body.password)
        actor = Actor.of(user)
        token, secret = users.issue_api_token(actor, user.id or 0, body.name)
        users.sign_out(Actor.anonymous(), session_secret)
    return TokenOut(
        token=secret,
        token_id=token.id or 0,
        expires_at=token.expires_at.isoformat() if token.expires_at else None,
    )


SIGN_UP_ANSWER = {
    "zh": "已受理。我们已向您填写的邮箱发送邮件，说明下一步如何操作。",
    "en": "Accepted. We have sent a mail to the address you gave; it says what happens next.",
}


@router.post(
    "/sign-up",
    tags=["account"],
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(rate_limit("sign_up"))],
    summary="Sign up an enterprise member / 企业用户注册",
)
def sign_up(request: Request, body: SignUpIn, actor: Caller) -> SignUpOut:
    """Open an enterprise-member account for an enterprise registered in the region (inactive
    until an operator approves it, by default). The answer is the same whether or not the address
    already has an account; a mail to the address says which."""
    with tx(request):
        outcome = users.sign_up(
            actor,
            email=body.email,
            password=body.password,
            region_id=body.region_id,
            credit_code=body.credit_code,
            display_name=body.display_name,
            language=body.language,
        )
    send_sign_up_mail(
        request.app.state.settings.data_dir,
        outcome.user,
        created=outcome.created,
        base_url=str(request.base_url),
    )
    return SignUpOut(message=SIGN_UP_ANSWER)


# --- public resources ------------------------------------------------------------------------


@router.get("/regions", tags=["portal"], summary="Pilot regions / 试点区域")
def list_regions(
    request: Request, actor: Caller, q: Text = None, offset: Offset = 0, limit: Limit = 50
) -> PageOut[Region]:
    """Every pilot region the platform hosts."""
    with tx(request):
        return PageOut.of(regions.list(actor, q=q, offset=offset, limit=limit))


@router.get(
    "/demands", tags=["demands"], summary="Published demands (teasers) / 已发布需求（摘要）"
)
def list_demands(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    industry_code: Annotated[str | None, Query(max_length=8)] = None,
    q: Text = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[DemandTeaser]:
    """Teasers of published demands of every tier: title, industry, region, tier."""
    with tx(request):
        return PageOut.of(
            demands.list_teasers(
                actor,
                region_id=region_id,
                industry_code=industry_code,
                q=q,
                offset=offset,
                limit=limit,
            )
        )


@router.get("/demands/{demand_id}", tags=["demands"], summary="One demand / 需求详情")
def get_demand(request: Request, demand_id: int, actor: Caller) -> DemandOut:
    """The teaser always; the full demand only when its tier allows it for the caller."""
    with tx(request):
        if demands.can_read_detail(actor, demand_id):
            detail = demands.get(actor, demand_id)
            return DemandOut(teaser=DemandTeaser.of(detail), detail=detail)
        return DemandOut(teaser=demands.get_teaser(actor, demand_id), detail=None)


@router.post(
    "/demands/quality-check",
    tags=["demands"],
    summary="Check a demand before publishing / 发布前质量检查",
)
def check_demand(demand: Demand) -> list[QualityIssueOut]:
    """What the demand should add before it is published, and why (empty list: ready)."""
    return [
        QualityIssueOut(
            field=i.field, code=i.code, message_zh=i.message("zh"), message_en=i.message("en")
        )
        for i in demand_quality.check(demand)
    ]


@router.post(
    "/demands",
    tags=["demands"],
    status_code=status.HTTP_201_CREATED,
    summary="Post a demand / 发布需求",
)
def create_demand(request: Request, actor: Caller, demand: Demand) -> Demand:
    """Store a demand. Publishing (status ``published``) requires it to pass the quality check;
    drafts are stored as they are."""
    if demand.status is DemandStatus.PUBLISHED:
        issues = demand_quality.check(demand)
        if issues:
            raise ValidationError.of_details(
                Detail(i.field, i.what_zh, i.what_en, i.why_zh, i.why_en) for i in issues
            )
    with tx(request):
        return demands.create(actor, demand)


@router.post(
    "/demands/{demand_id}/nda", tags=["demands"], summary="Accept a demand's NDA / 接受保密协议"
)
def accept_nda(request: Request, demand_id: int, actor: Caller) -> NdaAcceptance:
    """Record that the caller accepted the non-disclosure terms (audited)."""
    with tx(request):
        return demands.accept_nda(actor, demand_id)


@router.get("/achievements", tags=["portal"], summary="Technology achievements / 科技成果")
def list_achievements(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    min_trl: Annotated[int | None, Query(ge=1, le=9)] = None,
    transfer_mode: TransferMode | None = None,
    industry_code: Annotated[str | None, Query(max_length=8)] = None,
    q: Text = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[Achievement]:
    """Published achievements, filterable by maturity, transfer mode and industry."""
    with tx(request):
        return PageOut.of(
            achievements.list(
                actor,
                region_id=region_id,
                min_trl=min_trl,
                transfer_mode=transfer_mode,
                industry_code=industry_code,
                q=q,
                offset=offset,
                limit=limit,
            )
        )


@router.get("/achievements/{achievement_id}", tags=["portal"], summary="One achievement / 成果详情")
def get_achievement(request: Request, achievement_id: int, actor: Caller) -> Achievement:
    """One achievement."""
    with tx(request):
        return achievements.get(actor, achievement_id)


@router.get("/experts", tags=["portal"], summary="Experts / 专家")
def list_experts(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    discipline_code: Annotated[str | None, Query(max_length=8)] = None,
    industry_code: Annotated[str | None, Query(max_length=8)] = None,
    q: Text = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[Expert]:
    """Experts with their works; ``contact`` is null unless the caller may see it."""
    with tx(request):
        return PageOut.of(
            experts.list(
                actor,
                region_id=region_id,
                discipline_code=discipline_code,
                industry_code=industry_code,
                q=q,
                offset=offset,
                limit=limit,
            )
        )


@router.get("/experts/{expert_id}", tags=["portal"], summary="One expert / 专家详情")
def get_expert(request: Request, expert_id: int, actor: Caller) -> Expert:
    """One expert with works; ``contact`` only for the expert, their operators and admins."""
    with tx(request):
        return experts.get(actor, expert_id)


@router.get("/organisations", tags=["portal"], summary="Organisations by kind / 机构")
def list_organisations(
    request: Request,
    *,
    actor: Caller,
    kind: Annotated[list[OrganisationKind] | None, Query()] = None,
    lab_level: Annotated[list[LabLevel] | None, Query()] = None,
    region_id: int | None = None,
    industry_code: Annotated[str | None, Query(max_length=8)] = None,
    q: Text = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[Organisation]:
    """Societies, stations, labs, workstations, bases, enterprises … (``kind`` may repeat)."""
    with tx(request):
        return PageOut.of(
            organisations.list(
                actor,
                region_id=region_id,
                kinds=kind or None,
                lab_levels=lab_level or None,
                industry_code=industry_code,
                q=q,
                offset=offset,
                limit=limit,
            )
        )


@router.get(
    "/organisations/{organisation_id}", tags=["portal"], summary="One organisation / 机构详情"
)
def get_organisation(request: Request, organisation_id: int, actor: Caller) -> Organisation:
    """One organisation."""
    with tx(request):
        return organisations.get(actor, organisation_id)


@router.get("/events", tags=["portal"], summary="Events / 活动")
def list_events(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    kind: EventKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    q: Text = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[Event]:
    """Docking events, roadshows, trainings and forums."""
    with tx(request):
        return PageOut.of(
            events.list(
                actor, region_id=region_id, kind=kind, year=year, q=q, offset=offset, limit=limit
            )
        )


@router.get("/events/{event_id}", tags=["portal"], summary="One event / 活动详情")
def get_event(request: Request, event_id: int, actor: Caller) -> Event:
    """One event."""
    with tx(request):
        return events.get(actor, event_id)


@router.get("/honours", tags=["portal"], summary="Honour lists / 榜单")
def list_honours(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    kind: HonourListKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> PageOut[HonourList]:
    """Honour lists (published ones for the public)."""
    with tx(request):
        return PageOut.of(
            honours.list(
                actor, region_id=region_id, kind=kind, year=year, offset=offset, limit=limit
            )
        )


@router.get("/honours/{honour_list_id}", tags=["portal"], summary="One honour list / 榜单详情")
def get_honour(request: Request, honour_list_id: int, actor: Caller) -> HonourList:
    """One honour list."""
    with tx(request):
        return honours.get(actor, honour_list_id)


# --- dockings --------------------------------------------------------------------------------


@router.get("/dockings", tags=["dockings"], summary="Dockings / 对接")
def list_dockings(
    request: Request,
    *,
    actor: Caller,
    region_id: int | None = None,
    demand_id: int | None = None,
    stage: DockingStage | None = None,
    target_kind: DockingTargetKind | None = None,
    target_id: int | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> PageOut[Docking]:
    """Dockings the caller may see (operators: their region; enterprises: their demands'; experts:
    those proposing them)."""
    with tx(request):
        return PageOut.of(
            dockings.list(
                actor,
                region_id=region_id,
                demand_id=demand_id,
                stage=stage,
                target_kind=target_kind,
                target_id=target_id,
                offset=offset,
                limit=limit,
            )
        )


@router.post(
    "/dockings",
    tags=["dockings"],
    status_code=status.HTTP_201_CREATED,
    summary="Request a docking / 发起对接",
)
def create_docking(request: Request, actor: Caller, docking: Docking) -> Docking:
    """Pair a demand with an expert, organisation or achievement (stage ``proposed``)."""
    with tx(request):
        return dockings.create(actor, docking)


@router.get("/dockings/{docking_id}", tags=["dockings"], summary="One docking / 对接详情")
def get_docking(request: Request, docking_id: int, actor: Caller) -> Docking:
    """One docking with its history."""
    with tx(request):
        return dockings.get(actor, docking_id)


@router.post(
    "/dockings/{docking_id}/transition", tags=["dockings"], summary="Move a docking / 推进对接"
)
def transition_docking(
    request: Request, docking_id: int, actor: Caller, body: TransitionIn
) -> Docking:
    """Move a docking along proposed → contacted → meeting → negotiating → signed → delivered,
    or close it with a reason (409 for a move the state machine forbids)."""
    try:
        stage = DockingStage(body.to)
    except ValueError as error:
        raise ValidationError.single(
            "to",
            problem_zh=f"阶段 {body.to} 不存在",
            problem_en=f"there is no stage {body.to}",
            fix_zh="可选：" + "、".join(s.value for s in DockingStage),
            fix_en="Use one of: " + ", ".join(s.value for s in DockingStage),
        ) from error
    with tx(request):
        return dockings.transition(
            actor,
            docking_id,
            stage,
            note=body.note,
            closed_reason=body.closed_reason,
            contract_value_fen=body.contract_value_fen,
        )


# --- writes behind the workspaces ------------------------------------------------------------


class DemandChanges(BaseModel):
    """Fields of a demand to change (operators publish a reviewed demand with ``status``)."""

    model_config = ConfigDict(extra="forbid")

    status: DemandStatus | None = None
    title: str | None = Field(None, min_length=2, max_length=200)
    key_problems: str | None = None
    target_indicators: str | None = None
    tier: ConfidentialityTier | None = None


@router.patch("/demands/{demand_id}", tags=["demands"], summary="Change a demand / 修改需求")
def update_demand(
    request: Request, demand_id: int, actor: Caller, changes: DemandChanges
) -> Demand:
    """Change a demand; only operators of its region publish it."""
    with tx(request):
        return demands.update(actor, demand_id, changes.model_dump(exclude_none=True))


class ExpertChanges(BaseModel):
    """Fields an expert (or their operator) may change on the profile."""

    model_config = ConfigDict(extra="forbid")

    capacity: int | None = Field(None, ge=0, le=100)
    keywords: list[str] | None = None
    bio: str | None = None


@router.patch("/experts/{expert_id}", tags=["experts"], summary="Change a profile / 修改专家档案")
def update_expert(
    request: Request, expert_id: int, actor: Caller, changes: ExpertChanges
) -> Expert:
    """Capacity, keywords, biography (the expert themself, their operators, admins)."""
    with tx(request):
        return experts.update(actor, expert_id, changes.model_dump(exclude_none=True))


@router.post(
    "/experts/{expert_id}/works",
    tags=["experts"],
    status_code=status.HTTP_201_CREATED,
    summary="Add a work / 添加论著",
)
def add_work(request: Request, expert_id: int, actor: Caller, work: Work) -> Expert:
    """Add a paper, patent, project or achievement to an expert's profile."""
    with tx(request):
        return experts.add_work(actor, expert_id, work)


class RegionFiguresOut(BaseModel):
    """The figures the Lanzhou report states, computed from the database (``kechuang stats``)."""

    region_id: int
    region: str
    enterprises: int
    societies_docked: int
    academician_workstations: int
    innovation_bases: int
    labs: int
    society_service_stations: int
    enterprise_associations: int
    volunteers: int
    docking_events: int
    trainees: int
    demands: int
    dockings_signed: int
    dockings: int
    contract_value_fen: int


@router.get(
    "/regions/{region_id}/figures", tags=["dashboard"], summary="A region's figures / 区域指标"
)
def region_figures(request: Request, region_id: int, actor: Caller) -> RegionFiguresOut:
    """The dashboard's figures for one region."""
    with tx(request):
        figures = stats.region_figures(actor, region_id)
    return RegionFiguresOut.model_validate(figures.as_dict(), strict=False, from_attributes=False)


@router.get(
    "/demands/{demand_id}/recommendations",
    tags=["demands"],
    summary="Recommended partners with evidence / 推荐合作方及依据",
)
def recommendations(
    request: Request,
    demand_id: int,
    actor: Caller,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> RecommendationsOut:
    """The matching engine's hits for a demand the caller may read in full: score, components,
    the works behind each hit and the matched terms (conflicts of interest excluded)."""
    # Refuse the public before the index is built (the service rule, not a route rule).
    policy.require(actor, "matching.match_demand")
    source: SearchIndex = request.app.state.search_index
    with tx(request):
        demand = demands.get(actor, demand_id)
        found = matching.match_demand(
            actor, source.index(), demand_id, k=k, region_id=demand.region_id
        )
    items = []
    for hit in found.hits:
        prefix, _, raw_id = str(hit.entity_id).partition(":")
        if not raw_id.isdigit():
            continue
        items.append(
            RecommendationOut(
                target_kind=prefix,
                target_id=int(raw_id),
                name=str(hit.name),
                subtitle=str(hit.kind),
                score=float(hit.score),
                matched_terms=[str(term) for term in hit.matched_terms],
                evidence=[
                    f"{work.title} (BM25 {work.lexical:.2f}, semantic {work.semantic:.2f})"
                    for work in hit.works
                ],
            )
        )
    return RecommendationsOut(engine="matching", items=items)
