"""The operators' moderation queue in the browser: owners' expert and organisation profile edits
the spam detector held (and achievements it kept as drafts), with the flagged parts marked and
the detector's reasons; apply (the edit is saved as the operator) or reject with a reason (the
owner is mailed). Held demands wait in the demand review queue (``/operator/review``) like any
demand pending review."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from kechuang.domain import Actor, Role, ValidationError
from kechuang.services import moderation
from kechuang.web import i18n, mail
from kechuang.web.deps import require_roles, tx
from kechuang.web.i18n import N_
from kechuang.web.templating import flash, language_of, render

router = APIRouter()
Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]

FIELD_LABELS = {
    "name": N_("Name"),
    "name_en": N_("English name"),
    "title": N_("Title"),
    "affiliation": N_("Affiliation"),
    "keywords": N_("Keywords"),
    "think_tanks": N_("Think tanks"),
    "bio": N_("Biography"),
    "works": N_("Works"),
    "description": N_("Description"),
    "website": N_("Website"),
    "address": N_("Address"),
    "owner_name": N_("Owner"),
}
KIND_LABELS = {
    "expert": N_("Expert profile"),
    "organisation": N_("Organisation profile"),
    "achievement": N_("Achievement"),
}
OPERATION_LABELS = {
    "update": N_("Profile edit"),
    "add_work": N_("New work"),
    "publish": N_("Held as a draft"),
}
REASONS = (
    (re.compile(r"spam vocabulary: (?P<detail>.+)"), N_("spam vocabulary: %(detail)s")),
    (re.compile(r"(?P<detail>\d+) HTML links"), N_("%(detail)s HTML links")),
    (re.compile(r"(?P<detail>\d+) links"), N_("%(detail)s links")),
    (re.compile(r"URL shortener: (?P<detail>.+)"), N_("URL shortener: %(detail)s")),
    (re.compile(r"spam-prone domain: (?P<detail>.+)"), N_("spam-prone domain: %(detail)s")),
    (re.compile(r"hidden-text trick"), N_("hidden-text trick")),
    (re.compile(r"contact bait.*"), N_("contact bait (WeChat/QQ/Telegram id)")),
    (re.compile(r"keyword stuffing: (?P<detail>.+)"), N_("keyword stuffing: %(detail)s")),
)
"""The detector's reasons (English, as stored in the audit log) shown in the page's language."""
PATHS = {"expert": "experts", "organisation": "organisations", "achievement": "achievements"}


def reason_text(language: i18n.Language, reason: str) -> str:
    """One of the detector's reasons in ``language`` (unknown ones as stored)."""
    for pattern, message in REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return i18n.gettext(language, message) % match.groupdict()
    return reason


def _mailer(request: Request) -> moderation.Send:
    data_dir = request.app.state.settings.data_dir
    return lambda notice: mail.send(
        data_dir, to=notice.to, subject=notice.subject, body=notice.body
    )


def _page(
    request: Request,
    actor: Actor,
    *,
    decided: bool = False,
    errors: dict[int, list[str]] | None = None,
    reasons: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    with tx(request):
        page = moderation.queue(actor, decided=decided, limit=100)
    return render(
        request,
        "operator/moderation.html",
        {
            "items": page.items,
            "total": page.total,
            "decided": decided,
            "errors": errors or {},
            "reasons": reasons or {},
            "field_labels": FIELD_LABELS,
            "kind_labels": KIND_LABELS,
            "operation_labels": OPERATION_LABELS,
            "paths": PATHS,
            "reason_text": lambda reason: reason_text(language_of(request), reason),
        },
        status_code=status_code,
    )


@router.get("/operator/moderation")
def queue(request: Request, actor: Operator, decided: int = 0) -> Response:
    """Held profile edits awaiting a decision (``?decided=1``: the decided ones)."""
    return _page(request, actor, decided=bool(decided))


@router.post("/operator/moderation/{held_id}/apply")
def apply(request: Request, held_id: int, actor: Operator) -> Response:
    """Publish the held edit as the operator; a second decision is a 409 page."""
    with tx(request):
        item = moderation.apply(actor, held_id, send=_mailer(request))
    language = language_of(request)
    flash(
        request,
        "ok",
        i18n.gettext(language, "The edit of %(name)s was applied and published.")
        % {"name": item.entity_name},
    )
    return RedirectResponse("/operator/moderation", status_code=303)


@router.post("/operator/moderation/{held_id}/reject")
def reject(
    request: Request,
    held_id: int,
    actor: Operator,
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Reject the held edit with a reason the owner is mailed; a missing reason re-shows the
    queue with the error (422), a second decision is a 409 page."""
    language = language_of(request)
    try:
        with tx(request):
            item = moderation.reject(actor, held_id, reason, send=_mailer(request))
    except ValidationError as error:
        return _page(
            request,
            actor,
            errors={held_id: error.lines(language.short)},
            reasons={held_id: reason},
            status_code=422,
        )
    flash(
        request,
        "ok",
        i18n.gettext(language, "The edit of %(name)s was rejected; the owner has been told why.")
        % {"name": item.entity_name},
    )
    return RedirectResponse("/operator/moderation", status_code=303)
