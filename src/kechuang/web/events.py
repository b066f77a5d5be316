"""The operator's events (对接活动、路演、培训、论坛): plan an event, invite the parties the matcher
proposes for its topic, record who attended and how many were trained, link the dockings that came
out of it, archive it. Every form posts to one service call; a refused input re-renders the page
with the bilingual reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kechuang.domain import (
    Actor,
    Docking,
    Event,
    EventKind,
    KechuangError,
    NotFound,
    OrganisationKind,
    ParticipantKind,
    Participation,
    Role,
    ValidationError,
    label,
    validate,
)
from kechuang.services import demands, dockings, events, experts, organisations, regions
from kechuang.web import i18n
from kechuang.web.deps import require_roles, tx
from kechuang.web.forms import (
    form_ids,
    industry_options,
    match_index,
    operator_region,
    run_then_redirect,
)
from kechuang.web.templating import flash, language_of, render

log = logging.getLogger("kechuang.web.events")
router = APIRouter()

Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]

EVENT_FIELDS = ("kind", "title", "starts_on", "ends_on", "location", "description")


def event_status(event: Event, today: dt.date | None = None) -> str:
    """``archived``, ``upcoming`` (not started), ``ongoing`` or ``held``."""
    today = today or dt.datetime.now(dt.UTC).date()
    if event.archived:
        return "archived"
    if event.starts_on > today:
        return "upcoming"
    if (event.ends_on or event.starts_on) >= today:
        return "ongoing"
    return "held"


STATUS_LABELS = {
    "archived": i18n.N_("Archived"),
    "upcoming": i18n.N_("Upcoming"),
    "ongoing": i18n.N_("Ongoing"),
    "held": i18n.N_("Held"),
}


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError.single(
            field,
            problem_zh="日期格式不正确",
            problem_en="this is not a date",
            fix_zh="请按 年-月-日 填写，例如 2025-06-18",
            fix_en="Write it as year-month-day, e.g. 2025-06-18",
        ) from error


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    values["industry_codes"] = [str(v) for v in form.getlist("industry_codes") if str(v).strip()]
    values["organiser_ids"] = [str(v) for v in form.getlist("organiser_ids") if str(v).strip()]
    return values


def _event_changes(values: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as event attributes (dates parsed; bad input raises ValidationError)."""
    try:
        kind = EventKind(values["kind"])
    except ValueError as error:
        raise ValidationError.single(
            "kind",
            problem_zh="活动类型无效",
            problem_en="unknown kind of event",
            fix_zh="请从列表中选择",
            fix_en="Choose from the list",
        ) from error
    starts_on = _date(values["starts_on"], "starts_on")
    if starts_on is None:
        raise ValidationError.single(
            "starts_on",
            problem_zh="缺少开始日期",
            problem_en="the start date is missing",
            fix_zh="请填写活动开始日期",
            fix_en="Enter the day the event starts",
        )
    organiser_ids = []
    for raw in values["organiser_ids"]:
        if not raw.isdigit():
            raise ValidationError.single(
                "organiser_ids",
                problem_zh="主办机构无效",
                problem_en="an invalid organiser was submitted",
                fix_zh="请从列表中选择",
                fix_en="Choose from the list",
            )
        organiser_ids.append(int(raw))
    return {
        "kind": kind,
        "title": values["title"],
        "starts_on": starts_on,
        "ends_on": _date(values["ends_on"], "ends_on"),
        "location": values["location"],
        "description": values["description"],
        "industry_codes": values["industry_codes"],
        "organiser_ids": organiser_ids,
    }


def _organiser_options(actor: Actor, region_id: int | None) -> list[tuple[int, str]]:
    """Organisations that can organise an event: the region's non-enterprise bodies first."""
    found = organisations.all_in_region(actor, region_id)
    found.sort(key=lambda o: (o.kind is OrganisationKind.ENTERPRISE, o.name))
    return [(o.id, f"{o.name}") for o in found if o.id is not None]


def _form_page(
    request: Request,
    actor: Actor,
    values: dict[str, Any],
    *,
    errors: list[str],
    status_code: int = 200,
) -> Response:
    region_id = operator_region(actor, request)
    with tx(request):
        organisers = _organiser_options(actor, region_id)
        choices = (
            regions.list(actor, limit=200).items
            if actor.role is Role.NATIONAL_ADMIN and region_id is None
            else []
        )
    return render(
        request,
        "operator/events_form.html",
        {
            "regions": choices,
            "values": values,
            "errors": errors,
            "kinds": [(k.value, label(k, language_of(request).short)) for k in EventKind],
            "industry_options": industry_options(),
            "organisers": organisers,
        },
        status_code=status_code,
    )


@router.get("/operator/events")
def event_list(request: Request, actor: Operator) -> Response:
    """The region's events with filters (kind, year, timing, archived, text) and their status."""
    region_id = operator_region(actor, request)
    params = request.query_params
    kind = params.get("kind") or ""
    year = params.get("year") or ""
    when = params.get("when") or ""
    q = (params.get("q") or "").strip()[:100]
    archived = params.get("archived") == "1"
    try:
        page_number = max(1, int(params.get("page") or 1))
    except ValueError:
        page_number = 1
    size = 25
    with tx(request):
        page = events.list(
            actor,
            region_id=region_id,
            kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
            year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
            when=_when(when),
            q=q or None,
            archived_only=archived,
            offset=(page_number - 1) * size,
            limit=size,
        )
    today = dt.datetime.now(dt.UTC).date()
    return render(
        request,
        "operator/events.html",
        {
            "events": page.items,
            "page": page,
            "page_number": page_number,
            "status": {e.id: event_status(e, today) for e in page.items},
            "status_labels": STATUS_LABELS,
            "kinds": [(k.value, label(k, language_of(request).short)) for k in EventKind],
            "filters": {"kind": kind, "year": year, "when": when, "q": q, "archived": archived},
        },
    )


def _when(value: str) -> Literal["upcoming", "past"] | None:
    if value == "upcoming":
        return "upcoming"
    if value == "past":
        return "past"
    return None


@router.get("/operator/events/new")
def new_event(request: Request, actor: Operator) -> Response:
    """The form to plan an event."""
    values: dict[str, Any] = dict.fromkeys(EVENT_FIELDS, "")
    values.update(kind=EventKind.DOCKING_EVENT.value, industry_codes=[], organiser_ids=[])
    return _form_page(request, actor, values, errors=[])


@router.post("/operator/events/new")
async def create_event(request: Request, actor: Operator) -> Response:
    """Plan the event; on bad input show the form again with the reasons (nothing stored)."""
    form = await request.form()
    values = _form_values(form)
    region_id = operator_region(actor, request)
    language = language_of(request)
    try:
        if region_id is None:  # a national admin chooses the region on the form
            chosen = form_ids(form, "region_id")
            region_id = chosen[0] if chosen else None
            values["region_id"] = str(region_id or "")
        changes = _event_changes(values)
        event = validate(Event, {"region_id": region_id, **changes})
        with tx(request):
            stored = events.create(actor, event)
    except KechuangError as error:
        return _form_page(
            request, actor, values, errors=error.lines(language.short), status_code=422
        )
    flash(
        request,
        "ok",
        i18n.gettext(language, "The event is planned. Invite the proposed parties below."),
    )
    return RedirectResponse(f"/operator/events/{stored.id}", status_code=303)


def _participant_names(actor: Actor, event: Event) -> dict[tuple[ParticipantKind, int], str]:
    """Names of the event's organisers and participants (the region's organisations in one call;
    parties from elsewhere one by one — an event has tens of them, not thousands)."""
    names: dict[tuple[ParticipantKind, int], str] = {}
    for organisation in organisations.all_in_region(actor, event.region_id):
        assert organisation.id is not None
        names[(ParticipantKind.ORGANISATION, organisation.id)] = organisation.name
    wanted = [
        *((p.participant_kind, p.participant_id) for p in event.participants),
        *((ParticipantKind.ORGANISATION, i) for i in event.organiser_ids),
    ]
    for kind, participant_id in wanted:
        if (kind, participant_id) in names:
            continue
        try:
            if kind is ParticipantKind.EXPERT:
                names[(kind, participant_id)] = experts.get(actor, participant_id).name
            else:
                names[(kind, participant_id)] = organisations.get(actor, participant_id).name
        except NotFound:
            continue
    return names


def _detail_page(
    request: Request,
    actor: Actor,
    event_id: int,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request)
    proposals: list[events.ProposedParty] = []
    proposals_failed = False
    with tx(request):
        event = events.get(actor, event_id)
        names = _participant_names(actor, event)
        linked = [dockings.get(actor, docking_id) for docking_id in event.docking_ids]
        linkable = [
            d
            for d in dockings.list(actor, region_id=event.region_id, limit=200).items
            if d.event_id is None
        ]
        titles = {
            d.id: d.title for d in demands.all_in_region(actor, event.region_id) if d.id is not None
        }
        organisers = _organiser_options(actor, event.region_id)
        invited = {(p.participant_kind.value, p.participant_id) for p in event.participants}
        invitable = {
            "organisation": [
                (f"organisation:{oid}", name)
                for oid, name in organisers
                if ("organisation", oid) not in invited
            ],
            "expert": [
                (f"expert:{e.id}", e.name)
                for e in experts.list(actor, region_id=event.region_id, limit=500).items
                if ("expert", e.id) not in invited
            ],
        }
        if not event.archived:
            try:
                proposals = events.propose_participants(actor, match_index(request), event_id, k=20)
            except KechuangError:
                raise
            except Exception:  # the matcher failing must not take the page down
                log.exception("proposals for event %s failed", event_id)
                proposals_failed = True
    values = {
        "kind": event.kind.value,
        "title": event.title,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat() if event.ends_on else "",
        "location": event.location,
        "description": event.description,
        "industry_codes": event.industry_codes,
        "organiser_ids": [str(i) for i in event.organiser_ids],
    }
    return render(
        request,
        "operator/events_detail.html",
        {
            "event": event,
            "status": event_status(event),
            "status_labels": STATUS_LABELS,
            "names": names,
            "proposals": proposals,
            "proposals_failed": proposals_failed,
            "linked": linked,
            "linkable": linkable,
            "titles": titles,
            "docking_label": lambda d: _docking_label(d, titles, language),
            "errors": errors or [],
            "values": values,
            "kinds": [(k.value, label(k, language.short)) for k in EventKind],
            "industry_options": industry_options(),
            "industry_names": dict(industry_options()),
            "organisers": organisers,
            "invitable": invitable,
            "org_kinds": {k.value: label(k, language.short) for k in OrganisationKind},
        },
        status_code=status_code,
    )


def _docking_label(docking: Docking, titles: dict[int, str], language: i18n.Language) -> str:
    title = titles.get(docking.demand_id, f"#{docking.demand_id}")
    return f"#{docking.id} {title} · {label(docking.stage, language.short)}"


@router.get("/operator/events/{event_id}")
def event_detail(request: Request, event_id: int, actor: Operator) -> Response:
    """One event: details, matched parties to invite, attendance, trainees, resulting dockings."""
    return _detail_page(request, actor, event_id)


def _run(request: Request, actor: Actor, event_id: int, work: Any, message: str) -> Response:
    """One service call, then back to the event; a refusal shows the page with the reason."""
    return run_then_redirect(
        request,
        work,
        message,
        f"/operator/events/{event_id}",
        lambda errors, status: _detail_page(
            request, actor, event_id, errors=errors, status_code=status
        ),
    )


@router.post("/operator/events/{event_id}")
async def update_event(request: Request, event_id: int, actor: Operator) -> Response:
    """Change the event's details."""
    form = await request.form()
    values = _form_values(form)

    def work() -> None:
        events.update(actor, event_id, _event_changes(values))

    return _run(request, actor, event_id, work, i18n.N_("The event has been saved."))


def _participants(form: FormData, name: str) -> list[tuple[ParticipantKind, int]]:
    """``expert:12`` / ``organisation:5`` choices of a form."""
    chosen = []
    for raw in form.getlist(name):
        kind, _, raw_id = str(raw).partition(":")
        if kind not in ParticipantKind._value2member_map_ or not raw_id.isdigit():
            raise ValidationError.single(
                name,
                problem_zh="参与方无效",
                problem_en="an invalid party was submitted",
                fix_zh="请从列表中勾选",
                fix_en="Tick parties from the list",
            )
        chosen.append((ParticipantKind(kind), int(raw_id)))
    return chosen


@router.post("/operator/events/{event_id}/invite")
async def invite(request: Request, event_id: int, actor: Operator) -> Response:
    """Invite the ticked parties (proposed by the matcher)."""
    form = await request.form()

    def work() -> None:
        chosen = _participants(form, "party")
        if not chosen:
            raise ValidationError.single(
                "party",
                problem_zh="没有勾选任何参与方",
                problem_en="no party was ticked",
                fix_zh="请勾选要邀请的专家或机构",
                fix_en="Tick the experts or organisations to invite",
            )
        events.invite(
            actor,
            event_id,
            [Participation(participant_kind=kind, participant_id=pid) for kind, pid in chosen],
        )

    return _run(request, actor, event_id, work, i18n.N_("The invitations have been recorded."))


@router.post("/operator/events/{event_id}/attendance")
async def attendance(request: Request, event_id: int, actor: Operator) -> Response:
    """Record who came (ticked) and who did not, and the trainee count."""
    form = await request.form()
    raw_count = form.get("trainee_count")
    count_text = raw_count.strip() if isinstance(raw_count, str) else ""

    def work() -> None:
        if count_text and not count_text.isdigit():
            raise ValidationError.single(
                "trainee_count",
                problem_zh="培训人次应为非负整数",
                problem_en="the number of trainees must be a whole number of at least 0",
                fix_zh="例如 120",
                fix_en="e.g. 120",
            )
        event = events.get(actor, event_id)
        came = set(_participants(form, "attended"))
        updated = [
            p.model_copy(update={"attended": (p.participant_kind, p.participant_id) in came})
            for p in event.participants
        ]
        events.record_attendance(
            actor, event_id, updated, trainee_count=int(count_text) if count_text else None
        )

    return _run(request, actor, event_id, work, i18n.N_("Attendance has been recorded."))


@router.post("/operator/events/{event_id}/dockings")
async def link_docking(request: Request, event_id: int, actor: Operator) -> Response:
    """Record that a docking of the region came out of this event."""
    form = await request.form()

    def work() -> None:
        chosen = form_ids(form, "docking_id")
        if not chosen:
            raise ValidationError.single(
                "docking_id",
                problem_zh="没有选择对接",
                problem_en="no docking was chosen",
                fix_zh="请从列表中选择一项对接",
                fix_en="Choose a docking from the list",
            )
        events.link_docking(actor, event_id, chosen[0])

    return _run(
        request, actor, event_id, work, i18n.N_("The docking is recorded as a result of the event.")
    )


@router.post("/operator/events/{event_id}/archive")
def archive(request: Request, event_id: int, actor: Operator) -> Response:
    """Hide the event from the public pages."""
    with tx(request):
        events.archive(actor, event_id)
    flash(request, "ok", i18n.gettext(language_of(request), "The event has been archived."))
    return RedirectResponse("/operator/events", status_code=303)


__all__ = ["router"]
