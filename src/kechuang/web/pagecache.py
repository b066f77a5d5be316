"""In-process cache of the public portal pages as the anonymous public sees them.

A portal page rendered for an anonymous visitor is the same for every anonymous visitor in the
same language — except the CSRF token in it, which is rendered as a placeholder and replaced by
the visitor's own token on the way out. An entry is valid while the data versions of the
aggregate kinds the page shows are unchanged (:mod:`kechuang.store.data_version`: every committed
write, in any process on the machine, bumps the kinds it wrote) and for at most ``max_age``
seconds (a backstop for writes made on other machines). Signed-in users, pages with a flash
message and anything but a 200 response are never cached.

Views are still counted for every view of a detail page (issue 4, item 5): the entry remembers
which resource the page counted, and a cache hit counts it again, bots excluded as usual.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kechuang.domain import Actor
from kechuang.domain.visit import ResourceKind
from kechuang.services.context import read_only
from kechuang.services.hooks import Version, data_version
from kechuang.web.security import csrf_token
from kechuang.web.templating import CSRF_PLACEHOLDER
from kechuang.web.visits import count_view

P = ParamSpec("P")
T = TypeVar("T")

EVERY_KIND: tuple[str, ...] = (
    "region",
    "region_docking",
    "organisation",
    "expert",
    "volunteer",
    "achievement",
    "demand",
    "docking",
    "event",
    "honour_list",
)
"""The aggregate kinds a public page may show (a page that names none depends on all of them)."""


@dataclass(frozen=True)
class Entry:
    """One cached page."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    version: Version
    made_at: float
    view: tuple[ResourceKind, int, int | None] | None


class PageCache:
    """A bounded LRU of rendered public pages for one database."""

    def __init__(
        self, database_url: str, *, max_entries: int = 2000, max_age: float = 60.0
    ) -> None:
        self.database_url = database_url
        self.max_entries = max_entries
        self.max_age = max_age
        self.enabled = max_entries > 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._shared: dict[str, tuple[Version, float, Any]] = {}
        self._lock = threading.Lock()

    def version(self, kinds: Iterable[str]) -> Version:
        """The current data version of ``kinds``."""
        return data_version(self.database_url, kinds)

    def get(self, key: tuple[Any, ...], kinds: tuple[str, ...]) -> Entry | None:
        """The entry for ``key`` if it is still valid."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if time.monotonic() - entry.made_at > self.max_age or entry.version != self.version(kinds):
            with self._lock:
                self._entries.pop(key, None)
            self.misses += 1
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        """Remember ``entry`` (the least recently used entry goes when full)."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._shared.clear()

    def shared(self, name: str, kinds: tuple[str, ...], compute: Callable[[], T]) -> T:
        """A value that is the same for every visitor (the region list ...), computed again when
        the data version of ``kinds`` changes or ``max_age`` passes. Callers must not mutate it."""
        version = self.version(kinds)
        with self._lock:
            found = self._shared.get(name)
        if (
            self.enabled
            and found is not None
            and found[0] == version
            and time.monotonic() - found[1] <= self.max_age
        ):
            value: T = found[2]
            return value
        value = compute()
        with self._lock:
            self._shared[name] = (version, time.monotonic(), value)
        return value


def _personalised(body: bytes, request: Request) -> bytes:
    if "session" not in request.scope:
        return body.replace(CSRF_PLACEHOLDER.encode(), b"")
    return body.replace(CSRF_PLACEHOLDER.encode(), csrf_token(request.session).encode())


def _respond(request: Request, entry: Entry) -> Response:
    response = HTMLResponse(_personalised(entry.body, request))
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def public_page(
    *kinds: str,
) -> Callable[[Callable[P, Response]], Callable[P, Response]]:
    """Serve a portal handler's page from the cache for anonymous visitors.

    ``kinds`` are the aggregate kinds the page shows (all of them when none are named). The
    handler takes ``request`` and ``actor`` as keyword arguments (FastAPI passes them so)."""
    depends_on = kinds or EVERY_KIND

    def decorate(handler: Callable[P, Response]) -> Callable[P, Response]:
        @functools.wraps(handler)
        def run(*args: P.args, **kwargs: P.kwargs) -> Response:
            request = kwargs.get("request")
            actor = kwargs.get("actor")
            cache: PageCache | None = (
                getattr(request.app.state, "page_cache", None)
                if isinstance(request, Request)
                else None
            )
            if (
                cache is None
                or not cache.enabled
                or not isinstance(request, Request)
                or not isinstance(actor, Actor)
                or not actor.is_anonymous
                or request.method != "GET"
                or ("session" in request.scope and "flash" in request.session)
            ):
                if isinstance(request, Request) and request.method == "GET":
                    with read_only():  # signed-in visitors: the same reads, just not cached
                        return handler(*args, **kwargs)
                return handler(*args, **kwargs)
            state = request.scope.setdefault("state", {})
            key = (request.url.path, request.url.query, str(state.get("language")))
            entry = cache.get(key, depends_on)
            if entry is not None:
                if entry.view is not None:
                    count_view(request, actor, *entry.view)
                return _respond(request, entry)
            version = cache.version(depends_on)  # before reading: a write meanwhile invalidates
            state["csrf_placeholder"] = True
            try:
                with read_only():  # portal pages only read (views are counted afterwards)
                    response = handler(*args, **kwargs)
            finally:
                state.pop("csrf_placeholder", None)
            if not isinstance(response, HTMLResponse):
                return response
            body = bytes(response.body)
            if response.status_code != 200:
                personal = HTMLResponse(
                    _personalised(body, request), status_code=response.status_code
                )
                personal.headers.update(
                    {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
                )
                return personal
            entry = Entry(
                body=body,
                headers=tuple(
                    (name, value)
                    for name, value in response.headers.items()
                    if name.lower() in ("content-language", "cache-control")
                ),
                version=version,
                made_at=time.monotonic(),
                view=state.get("counted_view"),
            )
            cache.put(key, entry)
            return _respond(request, entry)

        return run

    return decorate
