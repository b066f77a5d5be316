"""Jinja2 rendering with the request's language, user and CSRF token in every template.

Templates call ``_("English msgid")`` for every label; the ``_`` in their context is bound to the
request's language, so one environment serves both languages. Autoescaping is on for all HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kechuang.domain import vocab
from kechuang.web import i18n
from kechuang.web.nav import nav_for
from kechuang.web.security import CSRF_FIELD, csrf_token


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("kechuang.web").joinpath(name)))


CSRF_PLACEHOLDER = "__kechuang_csrf_" + secrets.token_hex(8) + "__"
"""Rendered instead of the CSRF token into cacheable public pages (random per process, so no
page content can pose as it); :mod:`kechuang.web.pagecache` replaces it per visitor."""

TEMPLATES_DIR = _package_dir("templates")
STATIC_DIR = _package_dir("static")


@cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescape on, undefined names fail loudly in tests)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "xml"], default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static_url"] = static_url
    return env


def preload() -> int:
    """Compile every template now (a worker's first render of each otherwise pays for it);
    returns how many."""
    env = environment()
    names = env.list_templates(filter_func=lambda name: name.endswith((".html", ".xml")))
    for name in names:
        env.get_template(name)
    return len(names)


@cache
def _static_version(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        return "0"
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """URL of a static file with a content hash, so browsers may cache it for long."""
    return f"/static/{path}?v={_static_version(path)}"


def language_of(request: Request) -> i18n.Language:
    """The language chosen for this request (set by the language middleware)."""
    language = request.scope.get("state", {}).get("language")
    return language if isinstance(language, i18n.Language) else i18n.DEFAULT_LANGUAGE


def _url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced (``None`` removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def _csrf_for_page(request: Request, session: dict[str, Any]) -> str:
    """The session's CSRF token, or the placeholder while a cacheable public page renders
    (:mod:`kechuang.web.pagecache` puts each visitor's own token in on the way out)."""
    if request.scope.get("state", {}).get("csrf_placeholder"):
        return CSRF_PLACEHOLDER
    return csrf_token(session) if "session" in request.scope else ""


def template_context(request: Request, extra: dict[str, Any]) -> dict[str, Any]:
    """Everything every page needs: translation, formats, the user, the CSRF token."""
    language = language_of(request)
    session: dict[str, Any] = request.session if "session" in request.scope else {}

    def translate(message: str, **values: Any) -> str:
        text = i18n.gettext(language, message)
        return text % values if values else text

    def fmt_date(value: dt.date | None) -> str:
        return i18n.format_date(language, value)

    def fmt_money(value: Decimal | int | float | None) -> str:
        return i18n.format_money(language, value)

    def fmt_number(value: int | float | Decimal | None) -> str:
        return i18n.format_number(language, value)

    def label(value: Any) -> str:
        """The label of a vocabulary member in the request's language (falls back to its code)."""
        if value is None:
            return "—"
        if isinstance(value, StrEnum):
            return vocab.label(value, language.short)
        return str(value)

    user = request.scope.get("state", {}).get("user")
    context: dict[str, Any] = {
        "request": request,
        "_": translate,
        "gettext": translate,
        "lang": language,
        "lang_code": language.value,
        "other_lang": language.other,
        "fmt_date": fmt_date,
        "fmt_money": fmt_money,
        "fmt_number": fmt_number,
        "label": label,
        "url_with": lambda **changes: _url_with(request, **changes),
        "csrf_field": CSRF_FIELD,
        "csrf_token": _csrf_for_page(request, session),
        "current_user": user,
        "nav": nav_for(getattr(user, "role", None)),
        "path": request.url.path,
        "flash": session.pop("flash", None),
    }
    context.update(extra)
    return context


def flash(request: Request, kind: str, text: str) -> None:
    """Show ``text`` once on the next page (after a redirect); ``kind`` is ok, warn or bad."""
    request.session["flash"] = {"kind": kind, "text": text}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` for ``request`` into a response."""
    html = environment().get_template(template).render(template_context(request, context or {}))
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["content-language"] = language_of(request).value
    response.headers.setdefault("cache-control", "no-store")
    return response
