"""Counting views of public resource pages for the ranking, without keeping personal data.

A view counts once per visitor per resource per day. The visitor is a salted hash of the day, the
client address and the user agent, keyed by the installation's secret: it changes every day and
cannot be turned back into an address. Known bots and crawlers (by user agent) are not counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import threading
from collections import OrderedDict

from starlette.requests import Request

from kechuang.domain import Actor
from kechuang.domain.visit import ResourceKind
from kechuang.services import visits
from kechuang.services.context import after_transaction, read_only

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|baiduspider|bingpreview|yandex|sogou|360spider|bytespider|"
    r"petalbot|semrush|ahrefs|mj12|facebookexternalhit|headless|python-requests|curl|wget|"
    r"httpx|go-http-client|java/|okhttp|libwww|scrapy|monitor|uptime|preview",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """True for crawlers, scripts and monitors (and an empty user agent)."""
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def visitor_hash(secret: str, day: dt.date, address: str, user_agent: str) -> str:
    """The day's salted visitor id (HMAC-SHA256, 32 hex digits); nothing else is stored."""
    message = f"{day.isoformat()}|{address}|{user_agent}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def count_view(
    request: Request, actor: Actor, kind: ResourceKind, resource_id: int, region_id: int | None
) -> bool:
    """Count one view of a public page; False if not counted (a bot, or already stored today).

    The view is written in a transaction of its own once the request's (read-only) transaction
    has ended, and noted on the request so that a cached copy of the page counts it again."""
    request.scope.setdefault("state", {})["counted_view"] = (kind, resource_id, region_id)
    user_agent = request.headers.get("user-agent", "")
    if is_bot(user_agent):
        return False
    address = request.client.host if request.client else ""
    day = dt.datetime.now(dt.UTC).date()
    secret = request.app.state.settings.secret_key
    visitor = visitor_hash(secret, day, address, user_agent)
    seen = _counted_views(request)
    key = (day, visitor, str(kind), resource_id)
    if seen.get(key):  # this process already stored this visitor's view today
        return False

    def record() -> None:
        with read_only(False):
            visits.record(
                actor,
                resource_kind=kind,
                resource_id=resource_id,
                region_id=region_id,
                visitor_hash=visitor,
                day=day,
            )
        with _COUNTED_VIEWS_LOCK:
            seen[key] = True

    after_transaction(record)
    return True


_COUNTED_VIEWS_KEPT = 100_000
_COUNTED_VIEWS_LOCK = threading.Lock()


class _CountedViews(OrderedDict[tuple[dt.date, str, str, int], bool]):
    """Views this process has stored, most recent last (bounded): a repeat view on the same day
    needs no write to be counted once, so it skips the database. Per app, hence per database."""

    def __setitem__(self, key: tuple[dt.date, str, str, int], value: bool) -> None:
        super().__setitem__(key, value)
        while len(self) > _COUNTED_VIEWS_KEPT:
            self.popitem(last=False)


def _counted_views(request: Request) -> _CountedViews:
    state = request.app.state
    seen = getattr(state, "counted_views", None)
    if not isinstance(seen, _CountedViews):
        seen = state.counted_views = _CountedViews()
    return seen
