"""Dependencies of the API routes: the caller (by Bearer token), a transaction, rate limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from kechuang.domain import Actor, PermissionDenied
from kechuang.match.engine import MatchIndex
from kechuang.services import transaction, users
from kechuang.services.search_index import SearchIndex

bearer = HTTPBearer(
    auto_error=False, description="API token from the account page / 账户页面生成的 API 令牌"
)


class Limiter(Protocol):
    """The rate limiter the app installs (``app.state.rate_limiter``)."""

    def hit(self, bucket: str, client: str) -> None:
        """Count an attempt or raise the app's rate-limit error."""


@contextmanager
def tx(request: Request) -> Iterator[None]:
    """One transaction on the app's database."""
    with transaction(database_url=request.app.state.settings.database_url):
        yield


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The actor behind the Bearer token, or the anonymous public without one.

    A token that is unknown, expired or revoked is refused (401) rather than silently treated as
    anonymous, so a script notices at once.
    """
    actor = Actor.anonymous()
    if credentials is not None:
        with tx(request):
            user = users.resolve_api_token(Actor.anonymous(), credentials.credentials)
        if user is None:
            request.state.actor = actor
            raise PermissionDenied(
                "API 令牌无效、已过期或已吊销",
                "The API token is unknown, expired or revoked",
                fix_zh="请在账户页面生成新令牌",
                fix_en="Issue a new token on the account page",
            )
        actor = Actor.of(user)
    request.state.actor = actor
    return actor


Caller = Annotated[Actor, Depends(caller)]


def rate_limit(bucket: str) -> Callable[[Request], None]:
    """Count one attempt on ``bucket`` for the client address."""

    def dependency(request: Request) -> None:
        limiter: Limiter = request.app.state.rate_limiter
        limiter.hit(bucket, request.client.host if request.client else "unknown")

    return dependency


def rate_limit_text_search(bucket: str) -> Callable[[Request], None]:
    """Count a list request on ``bucket`` only when it searches by text (a non-empty ``q``):
    the API lists' ``q`` is a public search like ``/api/v1/search`` and shares its limit, while
    plain paging through a list is not limited."""

    def dependency(request: Request) -> None:
        if request.method == "GET" and (request.query_params.get("q") or "").strip():
            limiter: Limiter = request.app.state.rate_limiter
            limiter.hit(bucket, request.client.host if request.client else "unknown")

    return dependency


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
"""A record id as the API accepts it (PostgreSQL's INTEGER range; larger ones are refused, 422)."""


def match_index(request: Request) -> MatchIndex:
    """The app's one matching index (kept current after every commit by its hook)."""
    source: SearchIndex = request.app.state.search_index
    return source.index()
