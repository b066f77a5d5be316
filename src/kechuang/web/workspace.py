"""Each role's workspace: the enterprise's demands (guided form with a quality check,
recommendations with evidence, docking requests and statuses), the expert's invitations
(accept / decline with a reason), the operator's docking board and the region dashboard.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kechuang.domain import (
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    EventKind,
    KechuangError,
    NotFound,
    OrganisationKind,
    Role,
    User,
    ValidationError,
    Work,
    WorkKind,
    demand_quality,
    label,
    validate,
)
from kechuang.domain import codes as code_lists
from kechuang.domain.docking import TRANSITIONS
from kechuang.services import (
    achievements,
    audit,
    demands,
    dockings,
    events,
    experts,
    organisations,
    regions,
    stats,
    users,
    visits,
)
from kechuang.web import i18n, mail
from kechuang.web.deps import require_roles, tx
from kechuang.web.forms import form_ids, industry_options, operator_region
from kechuang.web.portal import discipline_text, industry_text
from kechuang.web.recommend import recommend, suggested_codes
from kechuang.web.templating import flash, language_of, render

router = APIRouter()

Enterprise = Annotated[Actor, Depends(require_roles(Role.ENTERPRISE_MEMBER))]
Expert = Annotated[Actor, Depends(require_roles(Role.EXPERT))]
Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]

DEMAND_FIELDS = (
    "title",
    "background",
    "key_problems",
    "target_indicators",
    "industry_codes",
    "discipline_codes",
    "keywords",
    "budget",
    "deadline",
    "tier",
    "contact_name",
)


def _split(text: str) -> list[str]:
    for separator in ("，", "、", ";", "；", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _split_authors(text: str) -> list[str]:
    """Author names from a form field: one per line or separated by semicolons (a name may hold
    a comma, as in "Smith, J.")."""
    for separator in ("；", "\n"):
        text = text.replace(separator, ";")
    return [part.strip() for part in text.split(";") if part.strip()]


def _demand_from_form(actor: Actor, form: dict[str, str]) -> tuple[Demand | None, list[str]]:
    """Parse the guided form into a draft demand; collect parse problems as bilingual lines."""
    problems: list[str] = []
    budget_fen: int | None = None
    if form.get("budget"):
        try:
            budget_fen = int(
                (Decimal(form["budget"].replace(",", "")) * 10000 * 100).to_integral_value()
            )
        except InvalidOperation:
            problems.append("budget")
    deadline: dt.date | None = None
    if form.get("deadline"):
        try:
            deadline = dt.date.fromisoformat(form["deadline"])
        except ValueError:
            problems.append("deadline")
    try:
        tier = ConfidentialityTier(form.get("tier") or "public")
    except ValueError:
        tier = ConfidentialityTier.PUBLIC
    if problems:
        return None, problems
    assert actor.region_id is not None
    assert actor.organisation_id is not None

    demand = validate(
        Demand,
        {
            "region_id": actor.region_id,
            "enterprise_id": actor.organisation_id,
            "title": form.get("title", ""),
            "background": form.get("background", ""),
            "key_problems": form.get("key_problems", ""),
            "target_indicators": form.get("target_indicators", ""),
            "industry_codes": _split(form.get("industry_codes", "")),
            "discipline_codes": _split(form.get("discipline_codes", "")),
            "keywords": _split(form.get("keywords", "")),
            "budget_fen": budget_fen,
            "deadline": deadline,
            "tier": tier,
            "contact_name": form.get("contact_name", ""),
            "status": DemandStatus.DRAFT,
        },
    )
    return demand, []


def _form_dict(form: FormData) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in DEMAND_FIELDS:
        if name == "industry_codes":
            values[name] = ",".join(str(v) for v in form.getlist(name) if str(v).strip())
            continue
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


def _demand_form(
    request: Request,
    values: dict[str, str],
    *,
    errors: list[str],
    issues: list[Any],
    flagged: frozenset[str] = frozenset(),
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "enterprise/demand_form.html",
        {
            "values": values,
            "errors": errors,
            "issues": issues,
            "flagged": flagged,
            "industry_options": industry_options(),
            "selected_industries": set(_split(values.get("industry_codes", ""))),
            "tiers": [
                (tier.value, label(tier, language_of(request).short))
                for tier in ConfidentialityTier
            ],
        },
        status_code=status_code,
    )


@router.get("/my/demands")
def my_demands(request: Request, actor: Enterprise) -> Response:
    """The enterprise's demands with the status of each docking."""
    with tx(request):
        page = demands.list(actor, enterprise_id=actor.organisation_id, limit=100)
        docking_lists: dict[int | None, list[Docking]] = {demand.id: [] for demand in page.items}
        ids = [demand.id for demand in page.items if demand.id]
        offset, total = 0, 1
        while offset < total:  # one query per 500 dockings, not one per demand (no N+1)
            batch = dockings.list(actor, demand_ids=ids, offset=offset, limit=500)
            for docking in batch.items:
                if len(docking_lists.setdefault(docking.demand_id, [])) < 50:
                    docking_lists[docking.demand_id].append(docking)
            if not batch.items:
                break
            offset, total = offset + len(batch.items), batch.total
    return render(
        request,
        "enterprise/my_demands.html",
        {"demands": page.items, "dockings": docking_lists, "industry_text": industry_text},
    )


@router.get("/my/demands/new")
def new_demand(request: Request, actor: Enterprise) -> Response:
    """The guided demand form."""
    return _demand_form(request, dict.fromkeys(DEMAND_FIELDS, ""), errors=[], issues=[])


@router.post("/my/demands/new")
async def post_demand(request: Request, actor: Enterprise) -> Response:
    """Check the demand's quality; if it passes (or the user insists on a draft), store it."""
    values = _form_dict(await request.form())
    intent = (await request.form()).get("intent")
    language = language_of(request)
    try:
        demand, problems = _demand_from_form(actor, values)
    except ValidationError as error:
        return _demand_form(
            request, values, errors=error.lines(language.short), issues=[], status_code=422
        )
    if demand is None:
        lines = [
            i18n.gettext(language, "The budget must be a number of ten-thousand yuan, e.g. 50.")
            if field == "budget"
            else i18n.gettext(language, "The deadline must be a date.")
            for field in problems
        ]
        return _demand_form(request, values, errors=lines, issues=[], status_code=422)
    issues = demand_quality.check(demand)
    if issues and intent != "draft":
        messages = [issue.message(language.short) for issue in issues]
        flagged = frozenset(issue.field for issue in issues)
        return _demand_form(
            request, values, errors=[], issues=messages, flagged=flagged, status_code=422
        )
    status = DemandStatus.DRAFT if intent == "draft" else DemandStatus.PENDING_REVIEW
    demand = demand.model_copy(update={"status": status})

    def store() -> Demand:
        with tx(request):
            return demands.create(actor, demand)

    try:
        stored = await run_in_threadpool(store)
    except ValidationError as error:
        return _demand_form(
            request, values, errors=error.lines(language.short), issues=[], status_code=422
        )
    flash(
        request,
        "ok",
        i18n.gettext(language, "The demand has been saved as a draft.")
        if status is DemandStatus.DRAFT
        else i18n.gettext(
            language,
            "The demand passed the quality check and awaits the operator's review. "
            "Here are the recommended partners.",
        ),
    )
    return RedirectResponse(f"/my/demands/{stored.id}", status_code=303)


@router.get("/my/demands/{demand_id}")
def my_demand(request: Request, demand_id: int, actor: Enterprise) -> Response:
    """One of the enterprise's demands: recommendations with evidence, dockings, who viewed it."""
    with tx(request):
        demand = demands.get(actor, demand_id)
        found = recommend(actor, demand, source=request.app.state.search_index)
        docking_page = dockings.list(actor, demand_id=demand_id, limit=50)
        viewers = (
            demands.nda_acceptances(actor, demand_id)
            if demand.tier is ConfidentialityTier.NDA
            else []
        )
    requested = {(d.target_kind, d.target_id) for d in docking_page.items}
    names = {(r.target_kind, r.target_id): r.name for r in found.items}
    return render(
        request,
        "enterprise/demand.html",
        {
            "demand": demand,
            "recommendations": found,
            "dockings": docking_page.items,
            "requested": requested,
            "names": names,
            "viewers": viewers,
            "industry_text": industry_text,
            "discipline_text": discipline_text,
        },
    )


@router.post("/my/demands/{demand_id}/dockings")
def request_docking(
    request: Request,
    *,
    demand_id: int,
    actor: Enterprise,
    target_kind: Annotated[str, Form()] = "",
    target_id: Annotated[int, Form()] = 0,
) -> Response:
    """Ask the science association to dock this demand with a recommended partner."""
    try:
        kind = DockingTargetKind(target_kind)
    except ValueError as error:
        raise ValidationError.single(
            "target_kind",
            problem_zh="对接对象类型无效",
            problem_en="unknown partner kind",
            fix_zh="请从推荐列表中选择",
            fix_en="Choose from the recommendations",
        ) from error
    with tx(request):
        demand = demands.get(actor, demand_id)
        dockings.create(
            actor,
            Docking(
                region_id=demand.region_id,
                demand_id=demand_id,
                target_kind=kind,
                target_id=target_id,
            ),
        )
    flash(
        request,
        "ok",
        i18n.gettext(
            language_of(request),
            "Docking requested. The science association will contact both sides.",
        ),
    )
    return RedirectResponse(f"/my/demands/{demand_id}", status_code=303)


@router.get("/expert/invitations")
def invitations(request: Request, actor: Expert) -> Response:
    """Dockings that propose this expert, with their demands' teasers."""
    with tx(request):
        page = dockings.list(
            actor, target_kind=DockingTargetKind.EXPERT, target_id=actor.expert_id, limit=100
        )
        # One query for every teaser; an unpublished demand (still under review) has none.
        wanted = sorted({d.demand_id for d in page.items})
        published = {
            teaser.id: teaser
            for teaser in demands.list_teasers(actor, ids=wanted, limit=max(1, len(wanted))).items
        }
        teasers = {demand_id: published.get(demand_id) for demand_id in wanted}
        profile = experts.get(actor, actor.expert_id) if actor.expert_id else None
    return render(
        request,
        "expert/invitations.html",
        {
            "dockings": page.items,
            "teasers": teasers,
            "profile": profile,
            "industry_text": industry_text,
        },
    )


@router.post("/expert/invitations/{docking_id}")
def answer_invitation(
    request: Request,
    *,
    docking_id: int,
    actor: Expert,
    answer: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Accept (→ contacted) or decline (→ closed, with the reason) an invitation."""
    language = language_of(request)
    if answer == "decline" and not reason.strip():
        raise ValidationError.single(
            "reason",
            problem_zh="拒绝邀请时须说明原因",
            problem_en="a reason is required to decline",
            fix_zh="请填写原因，例如“研究方向不符”或“本季度已满额”",
            fix_en="Give a reason, e.g. 'outside my field' or 'fully booked this quarter'",
        )
    with tx(request):
        if answer == "accept":
            dockings.transition(
                actor, docking_id, DockingStage.CONTACTED, note="accepted by expert"
            )
        else:
            dockings.transition(
                actor, docking_id, DockingStage.CLOSED, closed_reason=reason.strip()
            )
    flash(request, "ok", i18n.gettext(language, "Your answer has been recorded."))
    return RedirectResponse("/expert/invitations", status_code=303)


def _target_names(actor: Actor, items: list[Docking]) -> dict[tuple[DockingTargetKind, int], str]:
    """Names of the dockings' partners, one list call per kind (no N+1)."""
    names: dict[tuple[DockingTargetKind, int], str] = {}
    region_ids = {d.region_id for d in items}
    for region_id in region_ids:
        for organisation in organisations.all_in_region(actor, region_id):
            assert organisation.id is not None
            names[(DockingTargetKind.ORGANISATION, organisation.id)] = organisation.name
        for achievement in achievements.all_in_region(actor, region_id):
            assert achievement.id is not None
            names[(DockingTargetKind.ACHIEVEMENT, achievement.id)] = achievement.title
    wanted = {d.target_id for d in items if d.target_kind is DockingTargetKind.EXPERT}
    if wanted:
        for expert in experts.list(actor, limit=500).items:
            if expert.id in wanted:
                names[(DockingTargetKind.EXPERT, expert.id)] = expert.name
    return names


@router.get("/operator/dockings")
def docking_board(request: Request, actor: Operator) -> Response:
    """The docking kanban of the operator's region: one column per stage."""
    region_id = operator_region(actor, request)
    with tx(request):
        page = dockings.list(actor, region_id=region_id, limit=1000)
        demand_titles = {d.id: d.title for d in demands.all_in_region(actor, region_id)}
        names = _target_names(actor, page.items)
        thresholds = _stale_thresholds(actor, {d.region_id for d in page.items})
        stale_days = _stale_days(actor, region_id)
        region_stale_days = regions.get(actor, region_id).docking_stale_days if region_id else None
    columns = {stage: [d for d in page.items if d.stage is stage] for stage in DockingStage}
    today = dt.datetime.now(dt.UTC)
    idle = {d.id: dockings.idle_days(d, today) for d in page.items}
    stale = {
        d.id
        for d in page.items
        if d.stage in dockings.STALE_STAGES and idle[d.id] > thresholds[d.region_id]
    }
    reminded: dict[int | None, dt.date] = {}
    if stale:  # the recent reminders of the region, newest first, in one query
        with tx(request):
            entries = audit.list(
                actor, action_name="dockings.remind", region_id=region_id, limit=500
            ).items
        for entry in entries:
            if entry.entity_id in stale and entry.entity_id not in reminded:
                reminded[entry.entity_id] = entry.at.date()
    return render(
        request,
        "operator/board.html",
        {
            "columns": columns,
            "demand_titles": demand_titles,
            "names": names,
            "forward": {
                stage: sorted(
                    (next_stage for next_stage in nexts if next_stage is not DockingStage.CLOSED),
                    key=list(DockingStage).index,
                )
                for stage, nexts in TRANSITIONS.items()
            },
            "closable": {
                stage for stage, nexts in TRANSITIONS.items() if DockingStage.CLOSED in nexts
            },
            "stale": stale,
            "stale_days": stale_days,
            "region_stale_days": region_stale_days,
            "default_stale_days": request.app.state.settings.docking_stale_days,
            "idle": idle,
            "reminded": reminded,
            "region_id": region_id,
        },
    )


def _stale_thresholds(actor: Actor, region_ids: set[int]) -> dict[int, int]:
    """Each region's stale threshold (its own, else the installation's setting)."""
    return {rid: dockings.stale_threshold(regions.get(actor, rid)) for rid in region_ids}


def _stale_days(actor: Actor, region_id: int | None) -> int:
    """The threshold shown on the board: the chosen region's, else the installation's."""
    return dockings.stale_threshold(regions.get(actor, region_id) if region_id else None)


@router.get("/operator/dockings/remind")
def preview_reminders(request: Request, actor: Operator) -> Response:
    """What "send reminders" would do: each stale docking and who would get a mail (addresses
    half hidden), the ones reminded recently and the ones without any address; then confirm."""
    region_id = operator_region(actor, request)
    with tx(request):
        result = dockings.remind(actor, region_id, dry_run=True)
        stale_days = _stale_days(actor, region_id)
    return render(
        request,
        "operator/remind_preview.html",
        {
            "result": result,
            "stale_days": stale_days,
            "region_id": region_id,
            "region_query": f"?region={region_id}"
            if actor.role is Role.NATIONAL_ADMIN and region_id
            else "",
        },
    )


@router.post("/operator/dockings/remind")
async def remind_stale_dockings(request: Request, actor: Operator) -> Response:
    """Mail the parties of the region's stale dockings (each at most once per N days): the ones
    confirmed in the preview (``docking`` ids), or every stale one when none are named."""
    language = language_of(request)
    form = await request.form()
    region_id = operator_region(actor, request, form)
    try:
        chosen = form_ids(form, "docking")
    except KechuangError as error:
        flash(request, "bad", " ".join(error.lines(language.short)))
        return RedirectResponse("/operator/dockings", status_code=303)
    result = await run_in_threadpool(_send_reminders, request, actor, region_id, chosen or None)
    stale_days = await run_in_threadpool(_stale_days_tx, request, actor, region_id)
    flash(
        request,
        "ok",
        i18n.gettext(
            language,
            "Reminders sent for %(sent)s stale dockings (%(mails)s mails); %(recent)s were "
            "reminded in the last %(days)s days; %(silent)s have no address on either side.",
        )
        % {
            "sent": len(result.sent),
            "mails": sum(len(r.recipients) for r in result.sent),
            "recent": len(result.recently_reminded),
            "days": stale_days,
            "silent": len(result.without_address),
        },
    )
    suffix = f"?region={region_id}" if actor.role is Role.NATIONAL_ADMIN and region_id else ""
    return RedirectResponse(f"/operator/dockings{suffix}", status_code=303)


@router.post("/operator/dockings/threshold")
async def set_stale_threshold(request: Request, actor: Operator) -> Response:
    """The region's own stale-docking threshold (empty: the installation's setting)."""
    language = language_of(request)
    form = await request.form()
    region_id = operator_region(actor, request, form)
    raw = form.get("days")
    text = raw.strip() if isinstance(raw, str) else ""
    suffix = f"?region={region_id}" if actor.role is Role.NATIONAL_ADMIN and region_id else ""
    if region_id is None:
        return RedirectResponse("/operator/dockings", status_code=303)
    try:
        if text and not text.isdigit():
            raise ValidationError.single(
                "days",
                problem_zh=f"停滞天数“{text[:20]}”不是整数",
                problem_en=f"the number of days “{text[:20]}” is not a whole number",
                fix_zh="请填写 1 到 365 之间的整数，或留空以使用全局设置",
                fix_en="Give a whole number from 1 to 365, or leave it empty for the default",
            )
        days = int(text) if text else None
        await run_in_threadpool(_update_threshold, request, actor, region_id, days)
    except KechuangError as error:
        flash(request, "bad", " ".join(error.lines(language.short)))
        return RedirectResponse(f"/operator/dockings{suffix}", status_code=303)
    flash(request, "ok", i18n.gettext(language, "The stale threshold has been saved."))
    return RedirectResponse(f"/operator/dockings{suffix}", status_code=303)


def _update_threshold(request: Request, actor: Actor, region_id: int, days: int | None) -> None:
    with tx(request):
        regions.update(actor, region_id, {"docking_stale_days": days})


def _send_reminders(
    request: Request, actor: Actor, region_id: int | None, only: list[int] | None
) -> dockings.RemindResult:
    settings = request.app.state.settings
    with tx(request):
        return dockings.remind(
            actor,
            region_id,
            only=only,
            send=lambda reminder: mail.send_docking_reminder(
                settings.data_dir, reminder, base_url=str(request.base_url)
            ),
        )


def _stale_days_tx(request: Request, actor: Actor, region_id: int | None) -> int:
    with tx(request):
        return _stale_days(actor, region_id)


@router.post("/operator/dockings/{docking_id}/move")
def move_docking(
    request: Request,
    *,
    docking_id: int,
    actor: Operator,
    to: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    closed_reason: Annotated[str, Form()] = "",
    contract_value: Annotated[str, Form()] = "",
) -> Response:
    """Move one docking to its next stage (signing records the contract value in 万元)."""
    try:
        stage = DockingStage(to)
    except ValueError as error:
        raise ValidationError.single(
            "to",
            problem_zh="目标阶段无效",
            problem_en="unknown stage",
            fix_zh="请从列表中选择",
            fix_en="Choose from the list",
        ) from error
    value_fen: int | None = None
    if contract_value.strip():
        try:
            value_fen = int(
                (Decimal(contract_value.replace(",", "")) * 10000 * 100).to_integral_value()
            )
        except InvalidOperation as error:
            raise ValidationError.single(
                "contract_value",
                problem_zh="合同金额应为数字（万元）",
                problem_en="the contract value must be a number (10k yuan)",
                fix_zh="例如 120 表示 120 万元",
                fix_en="e.g. 120 means 1.2 million yuan",
            ) from error
    with tx(request):
        dockings.transition(
            actor,
            docking_id,
            stage,
            note=note.strip(),
            closed_reason=closed_reason.strip(),
            contract_value_fen=value_fen,
        )
    flash(request, "ok", i18n.gettext(language_of(request), "The docking has been moved."))
    return RedirectResponse("/operator/dockings", status_code=303)


def _dashboard_data(actor: Actor, region_id: int | None, language: i18n.Language) -> dict[str, Any]:
    """The region's figures for the dashboard, from the services."""
    short = language.short
    resources = []
    for kind in OrganisationKind:
        total = organisations.list(actor, region_id=region_id, kinds=[kind], limit=1).total
        if total:
            resources.append({"name": label(kind, short), "value": total})
    resources.append(
        {
            "name": i18n.gettext(language, "Experts"),
            "value": experts.list(actor, region_id=region_id, limit=1).total,
        }
    )
    resources.append(
        {
            "name": i18n.gettext(language, "Achievements"),
            "value": achievements.list(actor, region_id=region_id, limit=1).total,
        }
    )
    by_industry: Counter[str] = Counter()
    for demand in demands.all_in_region(actor, region_id):
        for code in demand.industry_codes[:1]:
            division = code[:2] if code[:1].isdigit() else code
            try:
                by_industry[f"{division} {code_lists.industry_name(division)}"] += 1
            except KeyError:
                by_industry[division] += 1
    stage_counts = {
        stage: dockings.list(actor, region_id=region_id, stage=stage, limit=1).total
        for stage in DockingStage
    }
    order = [
        DockingStage.PROPOSED,
        DockingStage.CONTACTED,
        DockingStage.MEETING,
        DockingStage.NEGOTIATING,
        DockingStage.SIGNED,
        DockingStage.DELIVERED,
    ]
    funnel = []
    for index, stage in enumerate(order):
        reached = sum(stage_counts[later] for later in order[index:])
        funnel.append({"name": label(stage, short), "value": reached})
    signed = stage_counts[DockingStage.SIGNED] + stage_counts[DockingStage.DELIVERED]
    event_page = events.list(actor, region_id=region_id, limit=1000)
    by_month: dict[str, dict[str, int]] = {}
    for event in event_page.items:
        month = event.starts_on.strftime("%Y-%m")
        bucket = by_month.setdefault(month, {"events": 0, "trainees": 0})
        bucket["events"] += 1
        bucket["trainees"] += (
            event.trainee_count if event.kind is EventKind.TRAINING or event.trainee_count else 0
        )
    months = sorted(by_month)
    since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=89)
    daily_visits = visits.daily(actor, region_id=region_id, since=since)
    return {
        "kpis": {
            "signed": signed,
            "dockings": sum(stage_counts.values()),
            "events": event_page.total,
            "trainees": sum(b["trainees"] for b in by_month.values()),
            "visits": sum(count for _day, count in daily_visits),
        },
        "resources": resources,
        "industries": [
            {"name": name, "value": count} for name, count in by_industry.most_common(12)
        ],
        "funnel": funnel,
        "months": months,
        "events": [by_month[m]["events"] for m in months],
        "trainees": [by_month[m]["trainees"] for m in months],
        "visit_days": [day.isoformat() for day, _count in daily_visits],
        "visit_counts": [count for _day, count in daily_visits],
        "labels": {
            "resources": i18n.gettext(language, "Resources by kind"),
            "industries": i18n.gettext(language, "Demands by industry"),
            "funnel": i18n.gettext(language, "Docking funnel"),
            "events": i18n.gettext(language, "Events"),
            "trainees": i18n.gettext(language, "Trainees"),
            "visits": i18n.gettext(language, "Visits to public pages (90 days)"),
        },
    }


@router.get("/dashboard")
def dashboard(request: Request, actor: Operator) -> Response:
    """The region's KPIs and trends as ECharts charts."""
    region_id = operator_region(actor, request)
    language = language_of(request)
    with tx(request):
        region = regions.get(actor, region_id) if region_id else None
        data = _dashboard_data(actor, region_id, language)
        figures = stats.region_figures(actor, region_id) if region_id else None
    report = []
    if figures is not None:
        values = figures.as_dict()
        for key in list(stats.LABELS)[:12]:
            zh, en = stats.LABELS[key]
            report.append(
                {"key": key, "label": zh if language.short == "zh" else en, "value": values[key]}
            )
    return render(
        request, "operator/dashboard.html", {"region": region, "data": data, "report": report}
    )


__all__ = ["router"]


@router.get("/operator/review")
def review_queue(request: Request, actor: Operator) -> Response:
    """Demands waiting for the operator's review before they are published."""
    region_id = operator_region(actor, request)
    with tx(request):
        page = demands.list(
            actor, region_id=region_id, status=DemandStatus.PENDING_REVIEW, limit=200
        )
    return render(
        request,
        "operator/review.html",
        {
            "demands": page.items,
            "industry_text": industry_text,
            "routes": suggested_codes(page.items),
        },
    )


@router.post("/operator/review/{demand_id}")
def review_demand(
    request: Request,
    demand_id: int,
    actor: Operator,
    decision: Annotated[str, Form()] = "",
) -> Response:
    """Publish a reviewed demand, or send it back to the enterprise as a draft."""
    status = DemandStatus.PUBLISHED if decision == "publish" else DemandStatus.DRAFT
    with tx(request):
        demands.update(actor, demand_id, {"status": status})
    flash(request, "ok", i18n.gettext(language_of(request), "The review decision has been saved."))
    return RedirectResponse("/operator/review", status_code=303)


@router.get("/operator/users")
def region_users(request: Request, actor: Operator) -> Response:
    """The region's accounts, and a form to invite an enterprise member or an expert."""
    region_id = operator_region(actor, request)
    with tx(request):
        page = users.list(actor, region_id=region_id, limit=500)
        enterprises = organisations.all_in_region(
            actor, region_id, kinds=[OrganisationKind.ENTERPRISE]
        )
    return render(
        request,
        "operator/users.html",
        {"users": page.items, "enterprises": enterprises, "errors": [], "invited": None},
    )


@router.post("/operator/users")
def invite_user(
    request: Request,
    actor: Operator,
    *,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    organisation_id: Annotated[int, Form()] = 0,
) -> Response:
    """Create an enterprise member's account and mail them a link to choose their password."""
    language = language_of(request)
    region_id = operator_region(actor, request)
    errors: list[str] = []
    invited = None
    try:
        with tx(request):
            account = validate(
                User,
                {
                    "username": username.strip(),
                    "display_name": display_name.strip(),
                    "email": email.strip(),
                    "role": Role.ENTERPRISE_MEMBER,
                    "region_id": region_id,
                    "organisation_id": organisation_id or None,
                },
            )
            created = users.create(actor, account, secrets.token_urlsafe(24))
            issued = users.request_password_reset(actor, created.username)
        if issued is not None:
            _user, secret = issued
            link = f"{request.base_url}password-reset/{secret}"
            mail.send(
                request.app.state.settings.data_dir,
                to=created.email or created.username,
                subject="科创 Kechuang：账号邀请 / Your account invitation",
                body=(
                    f"您好 {created.display_name or created.username}：\n\n"
                    f"科协已为您开通账号 {created.username}。请打开以下链接设置密码：\n{link}\n\n"
                    f"Hello {created.display_name or created.username},\n\nYour science "
                    f"association opened the account {created.username} for you. Open this link "
                    f"to choose your password:\n{link}\n"
                ),
            )
        invited = created.username
    except KechuangError as error:
        errors = error.lines(language.short)
    with tx(request):
        page = users.list(actor, region_id=region_id, limit=500)
        enterprises = organisations.all_in_region(
            actor, region_id, kinds=[OrganisationKind.ENTERPRISE]
        )
    return render(
        request,
        "operator/users.html",
        {"users": page.items, "enterprises": enterprises, "errors": errors, "invited": invited},
        status_code=422 if errors else 200,
    )


@router.post("/operator/users/{user_id}/activate")
def activate_user(request: Request, user_id: int, actor: Operator) -> Response:
    """Approve a self-service sign-up (or re-open a deactivated account) of the region."""
    with tx(request):
        activated = users.update(actor, user_id, {"is_active": True})
    flash(
        request,
        "ok",
        i18n.gettext(language_of(request), "Account %(name)s is active.")
        % {"name": activated.username},
    )
    return RedirectResponse("/operator/users", status_code=303)


def _profile_page(
    request: Request, actor: Actor, *, errors: list[str] | None = None, status_code: int = 200
) -> Response:
    assert actor.expert_id is not None
    with tx(request):
        profile = experts.get(actor, actor.expert_id)
    return render(
        request,
        "expert/profile.html",
        {
            "profile": profile,
            "errors": errors or [],
            "work_kinds": [
                (kind.value, label(kind, language_of(request).short)) for kind in WorkKind
            ],
            "discipline_text": discipline_text,
        },
        status_code=status_code,
    )


@router.get("/expert/profile")
def expert_profile(request: Request, actor: Expert) -> Response:
    """The expert's own profile: capacity and works (contact data is visible to them)."""
    return _profile_page(request, actor)


@router.post("/expert/profile/capacity")
def set_capacity(
    request: Request, actor: Expert, capacity: Annotated[str, Form()] = ""
) -> Response:
    """How many dockings the expert takes at once (the matcher respects it)."""
    assert actor.expert_id is not None
    language = language_of(request)
    try:
        with tx(request):
            experts.update(actor, actor.expert_id, {"capacity": int(capacity)})
    except ValueError:
        message = i18n.gettext(language, "The capacity must be a whole number from 0 to 100.")
        return _profile_page(request, actor, errors=[message], status_code=422)
    except KechuangError as error:
        return _profile_page(request, actor, errors=error.lines(language.short), status_code=422)
    flash(request, "ok", i18n.gettext(language, "Your capacity has been saved."))
    return RedirectResponse("/expert/profile", status_code=303)


@router.post("/expert/profile/works")
def add_work(
    request: Request,
    actor: Expert,
    *,
    kind: Annotated[str, Form()] = "paper",
    title: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    venue: Annotated[str, Form()] = "",
    abstract: Annotated[str, Form()] = "",
    keywords: Annotated[str, Form()] = "",
    authors: Annotated[str, Form()] = "",
) -> Response:
    """Add a paper, patent, project or achievement to the expert's profile."""
    assert actor.expert_id is not None
    language = language_of(request)
    try:
        work = validate(
            Work,
            {
                "kind": kind,
                "title": title,
                "year": int(year) if year.strip().isdigit() else None,
                "venue": venue,
                "abstract": abstract,
                "keywords": _split(keywords),
                "authors": _split_authors(authors),
            },
        )
        with tx(request):
            experts.add_work(actor, actor.expert_id, work)
    except KechuangError as error:
        return _profile_page(request, actor, errors=error.lines(language.short), status_code=422)
    flash(request, "ok", i18n.gettext(language, "The work has been added to your profile."))
    return RedirectResponse("/expert/profile", status_code=303)


@router.post("/expert/profile/works/{work_id}/authors")
def set_work_authors(
    request: Request, work_id: int, actor: Expert, authors: Annotated[str, Form()] = ""
) -> Response:
    """Correct the author list of one of the expert's works (co-authorship evidence)."""
    assert actor.expert_id is not None
    language = language_of(request)
    try:
        with tx(request):
            profile = experts.get(actor, actor.expert_id)
            if not any(work.id == work_id for work in profile.works):
                raise NotFound.of("成果", "Work", work_id)
            names = _split_authors(authors)
            works = [
                validate(Work, {**work.model_dump(), "authors": names})
                if work.id == work_id
                else work
                for work in profile.works
            ]
            experts.update(actor, actor.expert_id, {"works": works})
    except KechuangError as error:
        return _profile_page(request, actor, errors=error.lines(language.short), status_code=422)
    flash(request, "ok", i18n.gettext(language, "The authors have been saved."))
    return RedirectResponse("/expert/profile", status_code=303)
