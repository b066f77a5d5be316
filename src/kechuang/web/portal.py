"""The public portal: lists with filters and pagination, and detail pages, for every public
resource — demands (teasers unless the tier allows more), achievements, experts (never their
private contacts), organisations by kind, events and honour lists.

Each handler parses the query, makes its service calls in one transaction and renders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from kechuang.domain import (
    Actor,
    EventKind,
    HonourListKind,
    LabLevel,
    OrganisationKind,
    Page,
    PermissionDenied,
    Region,
    TransferMode,
    label,
)
from kechuang.domain import codes as code_lists
from kechuang.domain.visit import ResourceKind
from kechuang.services import (
    achievements,
    demands,
    events,
    experts,
    honours,
    organisations,
    regions,
)
from kechuang.web import i18n
from kechuang.web.deps import current_actor, tx
from kechuang.web.i18n import N_
from kechuang.web.pagecache import PageCache, public_page
from kechuang.web.templating import flash, language_of, render
from kechuang.web.visits import count_view

router = APIRouter()
# Each page names, in @public_page(...), the aggregate kinds it shows: its cached copy for
# anonymous visitors is dropped when any of them changes (a page shows only what its service
# calls load; the region list of the filter boxes makes every page depend on "region").

PAGE_SIZE = 20
ActorDep = Annotated[Actor, Depends(current_actor)]


def industry_text(codes: Sequence[str]) -> str:
    """Industry codes with their GB/T 4754 names (Chinese; the standard has no English names)."""
    names = []
    for code in codes:
        try:
            names.append(f"{code} {code_lists.industry_name(code)}")
        except KeyError:
            names.append(code)
    return "、".join(names) or "—"


def discipline_text(codes: Sequence[str]) -> str:
    """Discipline codes with their GB/T 13745 names."""
    names = []
    for code in codes:
        try:
            names.append(f"{code} {code_lists.discipline_name(code)}")
        except KeyError:
            names.append(code)
    return "、".join(names) or "—"


@dataclass(frozen=True)
class OrgSection:
    """A portal section listing organisations of some kinds."""

    slug: str
    title: str
    kinds: tuple[OrganisationKind, ...]
    lab_levels: tuple[LabLevel, ...] = field(default=())


ORG_SECTIONS: dict[str, OrgSection] = {
    section.slug: section
    for section in (
        OrgSection("organisations", N_("Organisations"), ()),
        OrgSection(
            "societies",
            N_("Societies"),
            (OrganisationKind.NATIONAL_SOCIETY, OrganisationKind.PROVINCIAL_SOCIETY),
        ),
        OrgSection(
            "stations", N_("Society service stations"), (OrganisationKind.SOCIETY_SERVICE_STATION,)
        ),
        OrgSection("labs", N_("Laboratories"), (OrganisationKind.LABORATORY,)),
        OrgSection(
            "workstations",
            N_("Academician expert workstations"),
            (OrganisationKind.ACADEMICIAN_WORKSTATION,),
        ),
        OrgSection(
            "bases", N_("Collaborative innovation bases"), (OrganisationKind.INNOVATION_BASE,)
        ),
    )
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _page_number(request: Request) -> int:
    number = _int(request.query_params.get("page")) or 1
    return max(1, min(number, 10_000))


def _pager(page: Page[Any]) -> dict[str, int]:
    pages = max(1, -(-page.total // max(page.limit, 1)))
    return {"number": page.offset // max(page.limit, 1) + 1, "pages": pages, "total": page.total}


def _regions(request: Request, actor: Actor) -> list[Region]:
    """The region list of the filter boxes: the same for everyone, cached until regions change."""
    cache: PageCache | None = getattr(request.app.state, "page_cache", None)
    if cache is None:
        return list(regions.list(actor, limit=200).items)
    return list(
        cache.shared(
            "portal.regions", ("region",), lambda: tuple(regions.list(actor, limit=200).items)
        )
    )


def _list_page(
    request: Request,
    *,
    title: str,
    kind: str,
    page: Page[Any],
    region_list: list[Region],
    filters: list[dict[str, Any]],
    detail_prefix: str,
    note: str | None = None,
) -> Response:
    return render(
        request,
        "portal/list.html",
        {
            "title": title,
            "kind": kind,
            "page": page,
            "pager": _pager(page),
            "regions": region_list,
            "filters": filters,
            "detail_prefix": detail_prefix,
            "note": note,
            "q": request.query_params.get("q", ""),
            "region_id": _int(request.query_params.get("region")),
            "industry_text": industry_text,
            "discipline_text": discipline_text,
        },
    )


def _select(
    name: str, label: str, options: Sequence[tuple[str, str]], selected: str | None
) -> dict[str, Any]:
    return {"name": name, "label": label, "options": list(options), "selected": selected or ""}


def _enum_options(
    request: Request, enum: type[StrEnum], members: Sequence[StrEnum] | None = None
) -> list[tuple[str, str]]:
    language = language_of(request)
    chosen: Sequence[StrEnum] = members or [*enum]
    return [(member.value, label(member, language.short)) for member in chosen]


@router.get("/")
@public_page("demand", "expert", "achievement", "organisation", "region")
def home(request: Request, actor: ActorDep) -> Response:
    """The portal's front page: search box, sections and the latest published demands."""
    with tx(request):
        latest = demands.list_teasers(actor, limit=6)
        figures = {
            "demands": latest.total,
            "experts": experts.list(actor, limit=1, with_works=False).total,
            "achievements": achievements.list(actor, limit=1).total,
            "organisations": organisations.list(actor, limit=1).total,
        }
    return render(
        request,
        "home.html",
        {"latest": latest.items, "figures": figures, "industry_text": industry_text},
    )


@router.get("/demands")
@public_page("demand", "region")
def demand_list(request: Request, actor: ActorDep) -> Response:
    """Published demands: teasers for everyone (title, industry, region, tier)."""
    query = request.query_params
    number = _page_number(request)
    with tx(request):
        page = demands.list_teasers(
            actor,
            region_id=_int(query.get("region")),
            industry_code=query.get("industry") or None,
            q=query.get("q") or None,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        region_list = _regions(request, actor)
    language = language_of(request)
    return _list_page(
        request,
        title=i18n.gettext(language, "Technology demands"),
        kind="demand",
        page=page,
        region_list=region_list,
        filters=[
            {"name": "industry", "label": N_("Industry code"), "value": query.get("industry", "")}
        ],
        detail_prefix="/demands/",
        note=i18n.gettext(
            language,
            "Everyone sees a demand's title, industry and region. The details are shown by its "
            "confidentiality tier: public to all, members-only after signing in, NDA after "
            "accepting the non-disclosure terms.",
        ),
    )


@router.get("/demands/{demand_id}")
@public_page("demand", "region")
def demand_detail(request: Request, demand_id: int, actor: ActorDep) -> Response:
    """A demand: the teaser, plus the details when the tier allows them for this visitor."""
    with tx(request):
        teaser = demands.get_teaser(actor, demand_id)
        detail = (
            demands.get(actor, demand_id) if demands.can_read_detail(actor, demand_id) else None
        )
        region = regions.get(actor, teaser.region_id)
        count_view(request, actor, ResourceKind.DEMAND, demand_id, teaser.region_id)
    return render(
        request,
        "portal/demand.html",
        {
            "teaser": teaser,
            "demand": detail,
            "region": region,
            "industry_text": industry_text,
            "discipline_text": discipline_text,
        },
    )


@router.post("/demands/{demand_id}/nda")
def accept_nda(request: Request, demand_id: int, actor: ActorDep) -> Response:
    """Accept a demand's non-disclosure terms (recorded in the audit log), then show it."""
    if actor.is_anonymous:
        raise PermissionDenied(
            "接受保密协议前请先登录",
            "Sign in before accepting the non-disclosure terms",
            fix_zh="请登录后重试",
            fix_en="Sign in and try again",
        )
    with tx(request):
        demands.accept_nda(actor, demand_id)
    flash(
        request, "ok", i18n.gettext(language_of(request), "You accepted the non-disclosure terms.")
    )
    return RedirectResponse(f"/demands/{demand_id}", status_code=303)


@router.get("/achievements")
@public_page("achievement", "region")
def achievement_list(request: Request, actor: ActorDep) -> Response:
    """Technology achievements with TRL, transfer modes and asking price."""
    query = request.query_params
    number = _page_number(request)
    with tx(request):
        page = achievements.list(
            actor,
            region_id=_int(query.get("region")),
            min_trl=_int(query.get("min_trl")),
            transfer_mode=_enum_or_none(TransferMode, query.get("transfer_mode")),
            industry_code=query.get("industry") or None,
            q=query.get("q") or None,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        region_list = _regions(request, actor)
    return _list_page(
        request,
        title=i18n.gettext(language_of(request), "Technology achievements"),
        kind="achievement",
        page=page,
        region_list=region_list,
        filters=[
            _select(
                "transfer_mode",
                N_("Transfer mode"),
                _enum_options(request, TransferMode),
                query.get("transfer_mode"),
            ),
            _select(
                "min_trl",
                N_("Minimum maturity (TRL)"),
                [(str(n), f"TRL {n}") for n in range(1, 10)],
                query.get("min_trl"),
            ),
            {"name": "industry", "label": N_("Industry code"), "value": query.get("industry", "")},
        ],
        detail_prefix="/achievements/",
    )


def _enum_or_none(enum: type[Any], value: str | None) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        return None


@router.get("/achievements/{achievement_id}")
@public_page("achievement", "region")
def achievement_detail(request: Request, achievement_id: int, actor: ActorDep) -> Response:
    """One achievement."""
    with tx(request):
        achievement = achievements.get(actor, achievement_id)
        count_view(request, actor, ResourceKind.ACHIEVEMENT, achievement_id, achievement.region_id)
    return render(
        request,
        "portal/achievement.html",
        {
            "achievement": achievement,
            "industry_text": industry_text,
            "discipline_text": discipline_text,
        },
    )


@router.get("/experts")
@public_page("expert", "region")
def expert_list(request: Request, actor: ActorDep) -> Response:
    """Experts by discipline and industry; private contact data is never shown on the portal."""
    query = request.query_params
    number = _page_number(request)
    with tx(request):
        page = experts.list(
            actor,
            region_id=_int(query.get("region")),
            discipline_code=query.get("discipline") or None,
            industry_code=query.get("industry") or None,
            q=query.get("q") or None,
            with_works=False,  # the list shows no works
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        region_list = _regions(request, actor)
    return _list_page(
        request,
        title=i18n.gettext(language_of(request), "Experts"),
        kind="expert",
        page=page,
        region_list=region_list,
        filters=[
            {
                "name": "discipline",
                "label": N_("Discipline code"),
                "value": query.get("discipline", ""),
            },
            {"name": "industry", "label": N_("Industry code"), "value": query.get("industry", "")},
        ],
        detail_prefix="/experts/",
    )


@router.get("/experts/{expert_id}")
@public_page("expert", "region")
def expert_detail(request: Request, expert_id: int, actor: ActorDep) -> Response:
    """An expert's public profile and works (no contact data)."""
    with tx(request):
        expert = experts.get(actor, expert_id)
        count_view(request, actor, ResourceKind.EXPERT, expert_id, expert.region_id)
    return render(
        request,
        "portal/expert.html",
        {"expert": expert, "industry_text": industry_text, "discipline_text": discipline_text},
    )


def _organisation_list(request: Request, actor: Actor, section: OrgSection) -> Response:
    query = request.query_params
    number = _page_number(request)
    kinds: tuple[OrganisationKind, ...] = section.kinds
    chosen = _enum_or_none(OrganisationKind, query.get("kind"))
    if chosen is not None and (not kinds or chosen in kinds):
        kinds = (chosen,)
    levels = section.lab_levels
    chosen_level = _enum_or_none(LabLevel, query.get("level"))
    if chosen_level is not None:
        levels = (chosen_level,)
    with tx(request):
        page = organisations.list(
            actor,
            region_id=_int(query.get("region")),
            kinds=kinds or None,
            lab_levels=levels or None,
            industry_code=query.get("industry") or None,
            q=query.get("q") or None,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        region_list = _regions(request, actor)
    filters: list[dict[str, Any]] = []
    if len(section.kinds) != 1:
        filters.append(
            _select(
                "kind",
                N_("Kind"),
                _enum_options(request, OrganisationKind, list(section.kinds) or None),
                query.get("kind"),
            )
        )
    if section.slug in ("labs", "organisations"):
        filters.append(
            _select("level", N_("Lab level"), _enum_options(request, LabLevel), query.get("level"))
        )
    filters.append(
        {"name": "industry", "label": N_("Industry code"), "value": query.get("industry", "")}
    )
    return _list_page(
        request,
        title=i18n.gettext(language_of(request), section.title),
        kind="organisation",
        page=page,
        region_list=region_list,
        filters=filters,
        detail_prefix="/organisations/",
    )


def _section_handler(section: OrgSection) -> Callable[[Request, Actor], Response]:
    @public_page("organisation", "region")
    def handler(request: Request, actor: ActorDep) -> Response:
        return _organisation_list(request, actor, section)

    handler.__doc__ = f"Organisations: {section.slug}."
    return handler


for _section in ORG_SECTIONS.values():
    router.add_api_route(
        f"/{_section.slug}",
        _section_handler(_section),
        methods=["GET"],
        name=f"portal_{_section.slug}",
    )


@router.get("/organisations/{organisation_id}")
@public_page("organisation", "region")
def organisation_detail(request: Request, organisation_id: int, actor: ActorDep) -> Response:
    """One organisation."""
    with tx(request):
        organisation = organisations.get(actor, organisation_id)
        count_view(
            request, actor, ResourceKind.ORGANISATION, organisation_id, organisation.region_id
        )
        region = regions.get(actor, organisation.region_id) if organisation.region_id else None
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": organisation,
            "region": region,
            "industry_text": industry_text,
            "discipline_text": discipline_text,
        },
    )


def _kind_year_list(
    request: Request,
    actor: Actor,
    fetch: Callable[..., Page[Any]],
    kinds: type[StrEnum],
    *,
    title: str,
    kind: str,
    kind_label: str,
    detail_prefix: str,
    **criteria: Any,
) -> Response:
    """A list filtered by region, kind and year (events, honour lists); ``criteria`` go to
    ``fetch`` as they are."""
    query = request.query_params
    number = _page_number(request)
    with tx(request):
        page = fetch(
            actor,
            region_id=_int(query.get("region")),
            kind=_enum_or_none(kinds, query.get("kind")),
            year=_int(query.get("year")),
            **criteria,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        region_list = _regions(request, actor)
    return _list_page(
        request,
        title=title,
        kind=kind,
        page=page,
        region_list=region_list,
        filters=[
            _select("kind", kind_label, _enum_options(request, kinds), query.get("kind")),
            {"name": "year", "label": N_("Year"), "value": query.get("year", "")},
        ],
        detail_prefix=detail_prefix,
    )


@router.get("/events")
@public_page("event", "docking", "region")
def event_list(request: Request, actor: ActorDep) -> Response:
    """Docking events, roadshows, trainings and forums."""
    return _kind_year_list(
        request,
        actor,
        events.list,
        EventKind,
        title=i18n.gettext(language_of(request), "Events"),
        kind="event",
        kind_label=N_("Kind"),
        detail_prefix="/events/",
        q=request.query_params.get("q") or None,
    )


@router.get("/events/{event_id}")
@public_page("event", "docking", "region")
def event_detail(request: Request, event_id: int, actor: ActorDep) -> Response:
    """One event with its participants and trainee count."""
    with tx(request):
        event = events.get(actor, event_id)
        region = regions.get(actor, event.region_id)
        count_view(request, actor, ResourceKind.EVENT, event_id, event.region_id)
    return render(request, "portal/event.html", {"event": event, "region": region})


@router.get("/honours")
@public_page("honour_list", "region")
def honour_list(request: Request, actor: ActorDep) -> Response:
    """Published honour lists (新锐企业榜, 融通创新组织榜, 先导技术榜, 技术经理人先锋榜)."""
    return _kind_year_list(
        request,
        actor,
        honours.list,
        HonourListKind,
        title=i18n.gettext(language_of(request), "Honour lists"),
        kind="honour",
        kind_label=N_("List"),
        detail_prefix="/honours/",
    )


@router.get("/honours/{honour_list_id}")
@public_page("honour_list", "region")
def honour_detail(request: Request, honour_list_id: int, actor: ActorDep) -> Response:
    """One honour list with its ranked entries."""
    with tx(request):
        honour = honours.get(actor, honour_list_id)
        count_view(request, actor, ResourceKind.HONOUR_LIST, honour_list_id, honour.region_id)
    nominations = {nomination.id: nomination for nomination in honour.nominations}
    return render(request, "portal/honour.html", {"honour": honour, "nominations": nominations})
