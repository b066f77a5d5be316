"""The closed error set mapped to error pages — once, here.

A refusal to an anonymous visitor sends them to sign in (and back afterwards); other errors show a
page saying what went wrong, where, and how to fix it, in the visitor's language.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kechuang.domain.errors import (
    Conflict,
    KechuangError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from kechuang.web import i18n
from kechuang.web.i18n import N_
from kechuang.web.templating import language_of, render

_STATUS: dict[type[KechuangError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    ValidationError: 422,
    Conflict: 409,
}

_TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    422: N_("Please correct the input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def _status(error: KechuangError) -> int:
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]  # type: ignore[index,unused-ignore]
    return 400


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Send an anonymous visitor to the sign-in page, remembering where they wanted to go."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)


def domain_error_page(request: Request, error: KechuangError, *, anonymous: bool) -> Response:
    """An error page for a domain error (or a sign-in redirect for an anonymous refusal)."""
    status = _status(error)
    if status == 403 and anonymous and request.method == "GET":
        return sign_in_redirect(request)
    language = language_of(request)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": i18n.gettext(language, _TITLES[status]),
            "message": error.message(language.short),
            "details": [
                {"where": detail.field, "message": detail.message(language.short)}
                for detail in error.details
            ],
        },
        status_code=status,
    )


_HTTP_MESSAGES: dict[int, str] = {
    404: N_("The address does not exist. Check the link, or start again from the home page."),
    405: N_("This page cannot be used this way. Go back and use the buttons on the page."),
    400: N_("The request was malformed. Reload the page and try again."),
}


def http_error_page(request: Request, error: StarletteHTTPException) -> Response:
    """Framework-level errors (unknown page, wrong method, bad CSRF token) as a page."""
    language = language_of(request)
    status = error.status_code
    message_id = error.detail if status in (400, 403) and isinstance(error.detail, str) else None
    message = i18n.gettext(
        language, message_id or _HTTP_MESSAGES.get(status, "The request could not be completed.")
    )
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": i18n.gettext(language, _TITLES.get(status, "Something went wrong")),
            "message": message,
            "details": [],
        },
        status_code=status,
        headers=dict(error.headers or {}),
    )


def rate_limited_page(request: Request, retry_after: int) -> Response:
    """429 with Retry-After, explained."""
    language = language_of(request)
    return render(
        request,
        "error.html",
        {
            "status": 429,
            "title": i18n.gettext(language, _TITLES[429]),
            "message": i18n.gettext(
                language, "Too many attempts from your address. Try again in %(seconds)s seconds."
            )
            % {"seconds": retry_after},
            "details": [],
        },
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


def internal_error_page(request: Request, request_id: str | None) -> Response:
    """500: nothing internal shown; a reference number for the operator."""
    language = language_of(request)
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": i18n.gettext(language, _TITLES[500]),
            "message": i18n.gettext(
                language,
                "The server failed to complete the request. Try again later; if it keeps "
                "failing, give your operator this reference: %(ref)s",
            )
            % {"ref": request_id or "-"},
            "details": [],
        },
        status_code=500,
    )
