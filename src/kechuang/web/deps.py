"""What every page handler needs before its one service call: the acting user, a transaction on
the app's database, CSRF verification for state-changing requests and rate limits.

Sessions are server-side: the signed cookie holds only the opaque session secret issued by
``users.sign_in``; each request resolves it through ``users.resolve_session`` (so signing out or
deactivating a user ends the session at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException, Request

from kechuang.domain import Actor, PermissionDenied, Role, User
from kechuang.services import transaction, users
from kechuang.web.i18n import N_
from kechuang.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    RateLimiter,
    client_key,
    csrf_matches,
)

SESSION_SECRET_KEY = "auth"  # noqa: S105 - the name of a session field, not a secret


@contextmanager
def tx(request: Request) -> Iterator[None]:
    """One transaction on the database of the app that serves ``request``."""
    with transaction(database_url=request.app.state.settings.database_url):
        yield


def current_actor(request: Request) -> Actor:
    """Resolve the session to a user (or the anonymous public) and remember both on the request."""
    cached = request.scope.get("state", {}).get("actor")
    if isinstance(cached, Actor):
        return cached
    user: User | None = None
    secret = request.session.get(SESSION_SECRET_KEY)
    if isinstance(secret, str) and secret:
        with tx(request):
            user = users.resolve_session(Actor.anonymous(), secret)
        if user is None:
            request.session.pop(SESSION_SECRET_KEY, None)
    actor = Actor.of(user) if user is not None else Actor.anonymous()
    request.state.actor = actor
    request.state.user = user
    return actor


def require_roles(*roles: Role) -> Callable[[Request], Actor]:
    """A dependency that lets only signed-in users (of ``roles``, if given) through.

    The services check every action again; this only decides between the sign-in page and a
    refusal page early, before a form is shown.
    """

    def dependency(request: Request) -> Actor:
        actor = current_actor(request)
        if actor.is_anonymous or (roles and actor.role not in roles):
            raise PermissionDenied(
                "此页面需要相应角色的账号",
                "This page needs an account with the right role",
                fix_zh="请用有权限的账号登录",
                fix_en="Sign in with an account that has the right",
            )
        return actor

    return dependency


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token does not match the session's."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_matches(request.session, submitted):
        raise HTTPException(
            status_code=403,
            detail=N_(
                "The form has expired or did not come from this site. Reload the page and "
                "submit it again."
            ),
        )


def rate_limit(bucket: str) -> Callable[[Request], None]:
    """A dependency counting one attempt on ``bucket`` for the client (POSTs only for forms)."""

    def dependency(request: Request) -> None:
        limiter: RateLimiter = request.app.state.rate_limiter
        limiter.hit(bucket, client_key(request))

    return dependency


def safe_next(target: str | None, default: str = "/") -> str:
    """A local redirect target only (no open redirects to other sites)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def form_value(form: Any, name: str) -> str:
    """A text field of a parsed form, stripped ('' when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
