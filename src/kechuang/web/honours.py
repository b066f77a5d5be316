"""Honour lists (榜单) in the browser: the operator opens a list, collects nominations, opens two
review rounds with reviewers the matcher proposes (conflicts of interest excluded), closes them,
shortlists for the second round and publishes the ranked entries; enterprises, societies and
experts of the region nominate while nominations are open; reviewers score on their own page.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kechuang.domain import (
    Actor,
    Conflict,
    HonourEntry,
    HonourList,
    HonourListKind,
    HonourListStatus,
    KechuangError,
    Nomination,
    ReviewScore,
    Role,
    ValidationError,
    label,
    validate,
)
from kechuang.domain.honour import NomineeKind, ReviewRound
from kechuang.services import achievements, experts, honours, organisations
from kechuang.web import i18n
from kechuang.web.deps import require_roles, tx
from kechuang.web.forms import (
    form_ids,
    form_text,
    match_index,
    operator_region,
    run_then_redirect,
)
from kechuang.web.templating import flash, language_of, render

log = logging.getLogger("kechuang.web.honours")
router = APIRouter()

Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]
Expert = Annotated[Actor, Depends(require_roles(Role.EXPERT))]
SignedIn = Annotated[Actor, Depends(require_roles())]

MAX_ROUNDS = 2
"""The 科创中国 programme reviews in two rounds (the service allows more; the page offers two)."""


def _field_error(field: str, zh: str, en: str, fix_zh: str, fix_en: str) -> ValidationError:
    return ValidationError.single(field, problem_zh=zh, problem_en=en, fix_zh=fix_zh, fix_en=fix_en)


def _kind_options(request: Request) -> list[tuple[str, str]]:
    return [(k.value, label(k, language_of(request).short)) for k in HonourListKind]


# --- the operator's list of lists --------------------------------------------------------------


def _lists_page(
    request: Request,
    actor: Actor,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    region_id = operator_region(actor, request)
    status = request.query_params.get("status") or ""
    kind = request.query_params.get("kind") or ""
    with tx(request):
        page = honours.list(
            actor,
            region_id=region_id,
            kind=HonourListKind(kind) if kind in HonourListKind._value2member_map_ else None,
            limit=200,
        )
    items = [h for h in page.items if not status or h.status.value == status]
    return render(
        request,
        "operator/honours.html",
        {
            "lists": items,
            "kinds": _kind_options(request),
            "statuses": [(s.value, label(s, language_of(request).short)) for s in HonourListStatus],
            "filters": {"status": status, "kind": kind},
            "errors": errors or [],
            "values": values or {"kind": "", "year": "", "title": ""},
        },
        status_code=status_code,
    )


@router.get("/operator/honours")
def honour_lists(request: Request, actor: Operator) -> Response:
    """The region's honour lists in every phase, and the form to open a new one."""
    return _lists_page(request, actor)


@router.post("/operator/honours")
async def create_list(request: Request, actor: Operator) -> Response:
    """Open a new edition of an honour list for the operator's region (nominations open)."""
    form = await request.form()
    values = {name: form_text(form, name) for name in ("kind", "year", "title")}
    language = language_of(request)
    try:
        if values["kind"] not in HonourListKind._value2member_map_:
            raise _field_error(
                "kind",
                "榜单类型无效",
                "unknown kind of list",
                "请从列表中选择",
                "Choose from the list",
            )
        if not values["year"].isdigit():
            raise _field_error(
                "year",
                "年份应为四位数字",
                "the year must be four digits",
                "例如 2025",
                "e.g. 2025",
            )
        honour_list = validate(
            HonourList,
            {
                "kind": values["kind"],
                "year": int(values["year"]),
                "title": values["title"],
                "region_id": operator_region(actor, request),
            },
        )
        with tx(request):
            stored = honours.create(actor, honour_list)
    except KechuangError as error:
        return _lists_page(
            request, actor, errors=error.lines(language.short), values=values, status_code=422
        )
    flash(request, "ok", i18n.gettext(language, "The list is open for nominations."))
    return RedirectResponse(f"/operator/honours/{stored.id}", status_code=303)


# --- one list: nominations, rounds, publication ------------------------------------------------


def _nominee_options(actor: Actor, region_id: int | None) -> dict[str, list[tuple[str, str]]]:
    """Registered nominees of the region by kind: ``kind:id`` → name."""
    return {
        NomineeKind.ORGANISATION.value: [
            (f"organisation:{o.id}", o.name) for o in organisations.all_in_region(actor, region_id)
        ],
        NomineeKind.EXPERT.value: [
            (f"expert:{e.id}", e.name)
            for e in experts.list(actor, region_id=region_id, limit=500).items
        ],
        NomineeKind.ACHIEVEMENT.value: [
            (f"achievement:{a.id}", a.title) for a in achievements.all_in_region(actor, region_id)
        ],
    }


def _shortlist_default(honour_list: HonourList) -> set[int]:
    """For the next round: the better half (at least one) of the last closed round by mean."""
    if not honour_list.review_rounds:
        return {n.id for n in honour_list.nominations if n.id is not None}
    results = honours.round_results(honour_list, honour_list.review_rounds[-1])
    keep = max(1, (len(results) + 1) // 2)
    return {r.nomination.id for r in results[:keep] if r.nomination.id is not None}


def _next_round(honour_list: HonourList) -> int | None:
    """The number of the round that can be opened now, or None."""
    if honour_list.status is HonourListStatus.PUBLISHED or not honour_list.nominations:
        return None
    if honour_list.review_rounds and honour_list.review_rounds[-1].closed_on is None:
        return None
    number = len(honour_list.review_rounds) + 1
    return number if number <= MAX_ROUNDS else None


def _expert_names(actor: Actor, honour_list: HonourList) -> dict[int, str]:
    wanted = {i for r in honour_list.review_rounds for i in r.reviewer_expert_ids}
    names: dict[int, str] = {}
    for expert_id in sorted(wanted):
        try:
            names[expert_id] = experts.get(actor, expert_id).name
        except KechuangError:
            names[expert_id] = f"#{expert_id}"
    return names


def _detail_page(
    request: Request,
    actor: Actor,
    honour_list_id: int,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    proposal: honours.ReviewerProposal | None = None
    proposal_failed = False
    with tx(request):
        honour_list = honours.get(actor, honour_list_id)
        next_round = _next_round(honour_list)
        shortlist = _shortlist_default(honour_list) if next_round else set()
        if next_round is not None:
            try:
                proposal = honours.propose_reviewers(
                    actor,
                    match_index(request),
                    honour_list_id,
                    nomination_ids=sorted(shortlist) if next_round > 1 else None,
                )
            except KechuangError:
                raise
            except Exception:  # the matcher failing must not take the page down
                log.exception("reviewer proposals for list %s failed", honour_list_id)
                proposal_failed = True
        names = _expert_names(actor, honour_list)
        pool = (
            sorted(
                (
                    (e.id, f"{e.name}（{e.affiliation}）" if e.affiliation else e.name)
                    for e in experts.list(actor, limit=500).items
                    if e.id is not None
                ),
                key=lambda item: item[1],
            )
            if next_round is not None
            else []
        )
        nominees = (
            _nominee_options(actor, honour_list.region_id)
            if honour_list.status is HonourListStatus.NOMINATING
            else {}
        )
    results = {
        review_round.number: honours.round_results(honour_list, review_round)
        for review_round in honour_list.review_rounds
    }
    last = honour_list.review_rounds[-1] if honour_list.review_rounds else None
    publishable = honour_list.status is not HonourListStatus.PUBLISHED and (
        last is None or last.closed_on is not None
    )
    ranking = (
        [r.nomination for r in results[last.number]]
        if last is not None
        else [*honour_list.nominations]
    )
    entries = {e.nomination_id: e for e in honour_list.entries}
    return render(
        request,
        "operator/honours_detail.html",
        {
            "honour": honour_list,
            "errors": errors or [],
            "results": results,
            "next_round": next_round,
            "shortlist": shortlist,
            "proposal": proposal,
            "proposal_failed": proposal_failed,
            "names": names,
            "pool": pool,
            "nominees": nominees,
            "nominee_kinds": [(k.value, label(k, language_of(request).short)) for k in NomineeKind],
            "publishable": publishable,
            "ranking": ranking,
            "entries": entries,
            "scope_size": {
                r.number: len(honours.round_scope(honour_list, r))
                for r in honour_list.review_rounds
            },
        },
        status_code=status_code,
    )


@router.get("/operator/honours/{honour_list_id}")
def honour_detail(request: Request, honour_list_id: int, actor: Operator) -> Response:
    """One list: nominations, rounds with their scores, proposed reviewers, publication."""
    return _detail_page(request, actor, honour_list_id)


def _run(request: Request, actor: Actor, honour_list_id: int, work: Any, message: str) -> Response:
    """One service call, then back to the list; a refusal shows the page with the reason."""
    return run_then_redirect(
        request,
        work,
        message,
        f"/operator/honours/{honour_list_id}",
        lambda errors, status: _detail_page(
            request, actor, honour_list_id, errors=errors, status_code=status
        ),
    )


def nomination_from_form(form: FormData) -> Nomination:
    """A nomination from the form: a registered nominee (``kind:id``) or a named person."""
    reason = form_text(form, "reason")
    reference = form_text(form, "nominee")
    name = form_text(form, "nominee_name")
    if reference:
        kind, _, raw_id = reference.partition(":")
        if kind not in NomineeKind._value2member_map_ or not raw_id.isdigit() or len(raw_id) > 12:
            raise _field_error(
                "nominee",
                "被提名对象无效",
                "an invalid nominee was submitted",
                "请从列表中选择",
                "Choose from the list",
            )
        return validate(
            Nomination,
            {
                "nominee_kind": kind,
                "nominee_id": int(raw_id),
                "nominee_name": name or form_text(form, "nominee_label") or reference,
                "reason": reason,
            },
        )
    if not name:
        raise _field_error(
            "nominee_name",
            "缺少被提名对象",
            "the nominee is missing",
            "请从列表中选择，或填写未登记个人的姓名",
            "Choose from the list, or enter the name of a person not registered",
        )
    return validate(
        Nomination, {"nominee_kind": NomineeKind.PERSON, "nominee_name": name, "reason": reason}
    )


def _resolved_name(actor: Actor, nomination: Nomination) -> Nomination:
    """Use the registered record's own name for a registered nominee."""
    if nomination.nominee_id is None:
        return nomination
    try:
        if nomination.nominee_kind is NomineeKind.ORGANISATION:
            name = organisations.get(actor, nomination.nominee_id).name
        elif nomination.nominee_kind is NomineeKind.EXPERT:
            name = experts.get(actor, nomination.nominee_id).name
        elif nomination.nominee_kind is NomineeKind.ACHIEVEMENT:
            name = achievements.get(actor, nomination.nominee_id).title
        else:
            return nomination
    except KechuangError:
        return nomination  # the service reports the missing nominee
    return nomination.model_copy(update={"nominee_name": name})


@router.post("/operator/honours/{honour_list_id}/nominations")
async def nominate(request: Request, honour_list_id: int, actor: Operator) -> Response:
    """The operator nominates a registered organisation, expert or achievement, or a person."""
    form = await request.form()

    def work() -> None:
        nomination = _resolved_name(actor, nomination_from_form(form))
        honours.nominate(actor, honour_list_id, nomination)

    return _run(request, actor, honour_list_id, work, i18n.N_("The nomination has been recorded."))


@router.post("/operator/honours/{honour_list_id}/rounds")
async def open_round(request: Request, honour_list_id: int, actor: Operator) -> Response:
    """Open the next review round with the ticked reviewers (and, for round 2, the shortlist)."""
    form = await request.form()

    def work() -> None:
        numbers = form_ids(form, "number")
        if not numbers:
            raise _field_error(
                "number", "缺少轮次", "the round is missing", "请重新打开页面", "Reload the page"
            )
        reviewers = [*form_ids(form, "reviewer"), *form_ids(form, "reviewer_extra")]
        shortlist = form_ids(form, "shortlist")
        if numbers[0] > 1 and not shortlist:
            raise _field_error(
                "shortlist",
                "入围名单为空",
                "the shortlist is empty",
                "请至少勾选一个进入第二轮的提名",
                "Tick at least one nomination for the second round",
            )
        honours.open_round(actor, honour_list_id, numbers[0], reviewers, shortlist or None)

    return _run(request, actor, honour_list_id, work, i18n.N_("The review round is open."))


@router.post("/operator/honours/{honour_list_id}/rounds/{number}/close")
def close_round(request: Request, honour_list_id: int, number: int, actor: Operator) -> Response:
    """Close a review round: its scores become final."""

    def work() -> None:
        honours.close_round(actor, honour_list_id, number)

    return _run(request, actor, honour_list_id, work, i18n.N_("The review round is closed."))


@router.post("/operator/honours/{honour_list_id}/publish")
async def publish(request: Request, honour_list_id: int, actor: Operator) -> Response:
    """Publish the ranked entries (a rank for each selected nomination, with its citation)."""
    form = await request.form()

    def work() -> None:
        entries = []
        for nomination_id in form_ids(form, "nomination"):
            rank_text = form_text(form, f"rank-{nomination_id}")
            if not rank_text:
                continue
            if not rank_text.isdigit() or not 1 <= int(rank_text) <= 10_000:
                raise _field_error(
                    "rank",
                    f"名次“{rank_text}”无效",
                    f"the rank '{rank_text}' is not valid",
                    "名次应为从 1 开始的整数",
                    "A rank is a whole number from 1",
                )
            entries.append(
                HonourEntry(
                    nomination_id=nomination_id,
                    rank=int(rank_text),
                    citation=form_text(form, f"citation-{nomination_id}"),
                )
            )
        honours.publish(actor, honour_list_id, entries)

    return _run(request, actor, honour_list_id, work, i18n.N_("The list is published."))


@router.post("/operator/honours/{honour_list_id}/archive")
def archive(request: Request, honour_list_id: int, actor: Operator) -> Response:
    """Hide the list."""
    with tx(request):
        honours.archive(actor, honour_list_id)
    flash(request, "ok", i18n.gettext(language_of(request), "The list has been archived."))
    return RedirectResponse("/operator/honours", status_code=303)


# --- nominations by the region's enterprises, societies and experts -------------------------


def _nominate_page(
    request: Request,
    actor: Actor,
    honour_list_id: int,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    with tx(request):
        honour_list = honours.get(actor, honour_list_id)
        own: list[tuple[str, str]] = []
        if actor.organisation_id is not None:
            organisation = organisations.get(actor, actor.organisation_id)
            own.append((f"organisation:{organisation.id}", organisation.name))
        if actor.expert_id is not None:
            expert = experts.get(actor, actor.expert_id)
            own.append((f"expert:{expert.id}", expert.name))
    return render(
        request,
        "portal/honour_nominate.html",
        {"honour": honour_list, "own": own, "errors": errors or []},
        status_code=status_code,
    )


@router.get("/honours/{honour_list_id}/nominate")
def nominate_form(request: Request, honour_list_id: int, actor: SignedIn) -> Response:
    """The nomination form for signed-in users of the list's region (while nominations are open)."""
    return _nominate_page(request, actor, honour_list_id)


@router.post("/honours/{honour_list_id}/nominate")
async def nominate_by_member(request: Request, honour_list_id: int, actor: SignedIn) -> Response:
    """Record the member's nomination; the service checks the region and the phase."""
    form = await request.form()
    language = language_of(request)
    try:
        with tx(request):
            nomination = _resolved_name(actor, nomination_from_form(form))
            honours.nominate(actor, honour_list_id, nomination)
    except (ValidationError, Conflict) as error:
        return _nominate_page(
            request, actor, honour_list_id, errors=error.lines(language.short), status_code=422
        )
    flash(
        request,
        "ok",
        i18n.gettext(language, "Thank you. Your nomination has been recorded for the review."),
    )
    return RedirectResponse(f"/honours/{honour_list_id}/nominate", status_code=303)


# --- the reviewer's own page -----------------------------------------------------------------


def _open_round_of(honour_list: HonourList, expert_id: int | None) -> ReviewRound | None:
    for review_round in honour_list.review_rounds:
        if review_round.closed_on is None and expert_id in review_round.reviewer_expert_ids:
            return review_round
    return None


def _reviews_page(
    request: Request, actor: Actor, *, errors: list[str] | None = None, status_code: int = 200
) -> Response:
    with tx(request):
        lists = honours.my_reviews(actor)
    assignments = []
    for honour_list in lists:
        review_round = _open_round_of(honour_list, actor.expert_id)
        if review_round is None:
            continue
        mine = {s.nomination_id: s for s in review_round.scores}
        assignments.append(
            {
                "honour": honour_list,
                "round": review_round,
                "nominations": honours.round_scope(honour_list, review_round),
                "scores": mine,
            }
        )
    return render(
        request,
        "expert/reviews.html",
        {"assignments": assignments, "errors": errors or []},
        status_code=status_code,
    )


@router.get("/expert/reviews")
def my_reviews(request: Request, actor: Expert) -> Response:
    """The open review rounds in which this expert reviews, with a score form per nomination."""
    return _reviews_page(request, actor)


@router.post("/expert/reviews/{honour_list_id}/{number}")
async def submit_scores(
    request: Request, honour_list_id: int, number: int, actor: Expert
) -> Response:
    """Save the reviewer's scores of one round (all in one transaction; blank ones are skipped)."""
    form = await request.form()
    language = language_of(request)
    try:
        scores = []
        for nomination_id in form_ids(form, "nomination"):
            value = form_text(form, f"score-{nomination_id}")
            if not value:
                continue
            if not value.isdigit() or int(value) > 100:
                raise _field_error(
                    "score",
                    f"评分“{value}”无效",
                    f"the score '{value}' is not valid",
                    "评分应为 0 到 100 的整数",
                    "A score is a whole number from 0 to 100",
                )
            scores.append(
                ReviewScore(
                    nomination_id=nomination_id,
                    reviewer_expert_id=actor.expert_id or 0,
                    score=int(value),
                    comment=form_text(form, f"comment-{nomination_id}")[:2000],
                )
            )
        if not scores:
            raise _field_error(
                "score",
                "没有填写任何评分",
                "no score was entered",
                "请为至少一个提名打分",
                "Score at least one nomination",
            )
        with tx(request):
            for score in scores:
                honours.score(actor, honour_list_id, number, score)
    except (ValidationError, Conflict) as error:
        return _reviews_page(request, actor, errors=error.lines(language.short), status_code=422)
    flash(request, "ok", i18n.gettext(language, "Your scores have been saved."))
    return RedirectResponse("/expert/reviews", status_code=303)


__all__ = ["nomination_from_form", "router"]
