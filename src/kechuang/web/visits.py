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

from starlette.requests import Request

from kechuang.domain import Actor
from kechuang.domain.visit import ResourceKind
from kechuang.services import visits

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
    """Record one view of a public page (inside the request's transaction); False if not counted."""
    user_agent = request.headers.get("user-agent", "")
    if is_bot(user_agent):
        return False
    address = request.client.host if request.client else ""
    day = dt.datetime.now(dt.UTC).date()
    secret = request.app.state.settings.secret_key
    return visits.record(
        actor,
        resource_kind=kind,
        resource_id=resource_id,
        region_id=region_id,
        visitor_hash=visitor_hash(secret, day, address, user_agent),
        day=day,
    )
