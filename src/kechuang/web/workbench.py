"""The operator's matching workbench: pick open demands (industry, status, age), run the batch
assignment with per-expert capacity and conflicts excluded, see each pair's evidence and the
quality given up for balance, override a pair with a reason, confirm — the docking requests are
created in one transaction and appear on the docking board.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kechuang.domain import (
    Actor,
    DemandStatus,
    Docking,
    KechuangError,
    Role,
    ValidationError,
    label,
)
from kechuang.services import regions, workbench
from kechuang.web import i18n
from kechuang.web.deps import require_roles, tx
from kechuang.web.forms import industry_options, match_index, operator_region
from kechuang.web.portal import industry_text
from kechuang.web.templating import flash, language_of, render

router = APIRouter()

Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]

AGES: dict[str, tuple[int | None, int | None]] = {
    "": (None, None),
    "7": (None, 7),
    "30": (None, 30),
    "30+": (31, None),
    "90+": (91, None),
}
"""Age filter choices → (min, max) days since the demand was posted."""

STATUSES = (DemandStatus.PUBLISHED, DemandStatus.DOCKING)


def _filters(request: Request) -> dict[str, str]:
    params = request.query_params
    return {
        "industry": params.get("industry", "").strip(),
        "status": params.get("status", "").strip(),
        "age": params.get("age", "").strip(),
    }


def _region_choices(actor: Actor) -> list[Any]:
    if actor.role is not Role.NATIONAL_ADMIN:
        return []
    return list(regions.list(actor, limit=500).items)


@router.get("/operator/workbench")
def workbench_page(request: Request, actor: Operator) -> Response:
    """Step 1: the region's open demands, filtered; tick the ones to assign."""
    filters = _filters(request)
    region_id = operator_region(actor, request)
    statuses: Sequence[DemandStatus] = STATUSES
    if filters["status"] in {s.value for s in STATUSES}:
        statuses = (DemandStatus(filters["status"]),)
    min_age, max_age = AGES.get(filters["age"], (None, None))
    with tx(request):
        region_choices = _region_choices(actor)
        if region_id is None and region_choices:  # an admin starts with the first region
            region_id = region_choices[0].id
        found = workbench.open_demands(
            actor,
            region_id,
            industry_code=filters["industry"] or None,
            statuses=statuses,
            min_age_days=min_age,
            max_age_days=max_age,
        )
    short = language_of(request).short
    return render(
        request,
        "operator/workbench.html",
        {
            "demands": found,
            "filters": filters,
            "region_id": region_id,
            "region_choices": region_choices,
            "industries": industry_options(),
            "statuses": [(s.value, label(s, short)) for s in STATUSES],
            "industry_text": industry_text,
            "max_batch": workbench.MAX_BATCH,
        },
    )


def _int_or_none(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError.single(
            field,
            problem_zh=f"“{text[:20]}”不是整数",
            problem_en=f"“{text[:20]}” is not a whole number",
            fix_zh="请填写整数，或留空",
            fix_en="Give a whole number, or leave it empty",
        )
    return int(text)


def _demand_ids(form: FormData) -> list[int]:
    ids = []
    for value in form.getlist("demand_ids"):
        if isinstance(value, str) and value.strip().isdigit():
            ids.append(int(value))
    return ids


def _proposal_page(
    request: Request,
    actor: Actor,
    region_id: int | None,
    demand_ids: list[int],
    batch_capacity: int | None,
    *,
    choices: dict[int, tuple[str, str]] | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    index = match_index(request)
    with tx(request):
        proposal = workbench.propose(
            actor, index, region_id, demand_ids, batch_capacity=batch_capacity
        )
    return render(
        request,
        "operator/workbench_proposal.html",
        {
            "proposal": proposal,
            "region_id": region_id,
            "batch_capacity": batch_capacity,
            "choices": choices or {},
            "errors": errors or [],
            "industry_text": industry_text,
        },
        status_code=status_code,
    )


@router.post("/operator/workbench/propose")
async def propose(request: Request, actor: Operator) -> Response:
    """Step 2: the proposed assignment with its evidence and the price of balance."""
    form = await request.form()
    region_id = operator_region(actor, request, form)
    batch_capacity = _int_or_none(str(form.get("batch_capacity") or ""), "batch_capacity")
    # The engine and the solver take seconds for a large batch: off the event loop.
    return await run_in_threadpool(
        _proposal_page, request, actor, region_id, _demand_ids(form), batch_capacity
    )


def _choices(form: FormData, demand_ids: list[int]) -> list[workbench.Choice]:
    choices = []
    for demand_id in demand_ids:
        expert = str(form.get(f"expert_{demand_id}") or "").strip()
        proposed = str(form.get(f"proposed_{demand_id}") or "").strip()
        choices.append(
            workbench.Choice(
                demand_id,
                int(expert) if expert.isdigit() else None,
                int(proposed) if proposed.isdigit() else None,
                str(form.get(f"reason_{demand_id}") or "").strip(),
            )
        )
    return choices


@router.post("/operator/workbench/confirm")
async def confirm(request: Request, actor: Operator) -> Response:
    """Step 3: create the docking requests (all or nothing); overrides go to the audit log."""
    form = await request.form()
    region_id = operator_region(actor, request, form)
    language = language_of(request)
    demand_ids = _demand_ids(form)
    batch_capacity = _int_or_none(str(form.get("batch_capacity") or ""), "batch_capacity")
    choices = _choices(form, demand_ids)

    def create() -> list[Docking]:
        index = match_index(request)
        with tx(request):
            return workbench.confirm(actor, index, region_id, choices)

    try:
        created = await run_in_threadpool(create)
    except KechuangError as error:
        kept = {
            c.demand_id: ("" if c.expert_id is None else str(c.expert_id), c.reason)
            for c in choices
        }
        return await run_in_threadpool(
            _proposal_page,
            request,
            actor,
            region_id,
            demand_ids,
            batch_capacity,
            choices=kept,
            errors=error.lines(language.short),
            status_code=422,
        )
    overrides = sum(1 for c in choices if c.is_override)
    flash(
        request,
        "ok",
        i18n.gettext(
            language,
            "%(count)s docking requests created (%(overrides)s overridden by hand, with "
            "reasons in the audit log).",
        )
        % {"count": len(created), "overrides": overrides},
    )
    suffix = f"?region={region_id}" if actor.role is Role.NATIONAL_ADMIN and region_id else ""
    return RedirectResponse(f"/operator/dockings{suffix}", status_code=303)


__all__ = ["router"]
