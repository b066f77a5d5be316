"""What the operator's pages share: reading form fields, the region an operator works on, the
industry choice, the app's matching index, and "run one service call, then redirect — or show the
page again with the bilingual reason" (a refused input changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kechuang.domain import Actor, Conflict, Role, ValidationError
from kechuang.domain import codes as code_lists
from kechuang.match.engine import MatchIndex
from kechuang.services.search_index import SearchIndex
from kechuang.web import i18n
from kechuang.web.deps import tx
from kechuang.web.templating import flash, language_of

MAX_ID_DIGITS = 12
"""An id longer than this is not one of ours (and would overflow PostgreSQL's integers)."""


def match_index(request: Request) -> MatchIndex:
    """The app's one matching index (kept current after every commit by its hook)."""
    source: SearchIndex = request.app.state.search_index
    return source.index()


def operator_region(actor: Actor, request: Request, form: FormData | None = None) -> int | None:
    """The operator's region; a national admin picks one with ``region`` (form, then query)."""
    chosen = (form.get("region") if form is not None else None) or request.query_params.get(
        "region"
    )
    if actor.role is Role.NATIONAL_ADMIN and isinstance(chosen, str) and chosen.isdigit():
        return int(chosen)
    return actor.region_id


def industry_options() -> list[tuple[str, str]]:
    """GB/T 4754 divisions (大类, two digits) for an industry choice."""
    return [
        (code.code, f"{code.code} {code.name}")
        for code in code_lists.industries().values()
        if code.level == 2
    ]


def form_text(form: FormData, name: str) -> str:
    """A text field, stripped; missing or a file upload → empty."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_ids(form: FormData, name: str) -> list[int]:
    """The ids ticked or chosen under ``name`` (blanks skipped); anything else is refused."""
    values = []
    for raw in form.getlist(name):
        text = str(raw).strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > MAX_ID_DIGITS:
            raise ValidationError.single(
                name,
                problem_zh="选择的值无效",
                problem_en="an invalid choice was submitted",
                fix_zh="请从列表中选择",
                fix_en="Choose from the list",
            )
        values.append(int(text))
    return values


def run_then_redirect(
    request: Request,
    work: Callable[[], Any],
    message: str,
    redirect_to: str,
    show_again: Callable[[list[str], int], Response],
) -> Response:
    """Run ``work`` in one transaction, flash ``message`` and redirect (303) to ``redirect_to``;
    on a refusal, nothing is written and ``show_again(errors, status)`` renders the page with the
    reasons in the reader's language (422 for bad input, 409 for a conflict of state)."""
    language = language_of(request)
    try:
        with tx(request):
            work()
    except (ValidationError, Conflict) as error:
        status = 422 if isinstance(error, ValidationError) else 409
        return show_again(error.lines(language.short), status)
    flash(request, "ok", i18n.gettext(language, message))
    return RedirectResponse(redirect_to, status_code=303)
