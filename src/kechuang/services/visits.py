"""Visits to public resource pages, for the ranking's activity indicator and the dashboard.

The web layer decides what counts (known bots excluded by user agent) and computes the visitor
hash (salted, rotating daily, from the client's address and user agent); this service keeps one
row per visitor hash, resource and day, and nothing else about the visitor. Visits are not audited:
they are not a change to anyone's data.
"""

from __future__ import annotations

import re
from datetime import date

from kechuang.domain import Actor, ResourceKind, ValidationError
from kechuang.domain.common import utcnow
from kechuang.services import policy
from kechuang.services.context import action, unit_of_work

_HASH = re.compile(r"^[0-9a-f]{16,64}$")


@action("visits.record")
def record(
    actor: Actor,
    *,
    resource_kind: ResourceKind,
    resource_id: int,
    region_id: int | None,
    visitor_hash: str,
    day: date | None = None,
) -> bool:
    """Count one view; False when this visitor was already counted for the resource that day."""
    policy.require(actor, "visits.record")
    if not _HASH.match(visitor_hash):
        raise ValidationError.single(
            "visitor_hash",
            problem_zh="访客标识须为 16–64 位十六进制摘要",
            problem_en="the visitor id must be a 16–64 character hex digest",
            fix_zh="请传入加盐哈希，不要传入 IP 地址或浏览器标识",
            fix_en="Pass the salted hash, never an address or user agent",
        )
    return unit_of_work().visits.record(
        day=day or utcnow().date(),
        region_id=region_id,
        resource_kind=ResourceKind(resource_kind).value,
        resource_id=resource_id,
        visitor_hash=visitor_hash,
    )


@action("visits.count")
def count(
    actor: Actor,
    *,
    region_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    resource_kind: ResourceKind | None = None,
) -> int:
    """Visits in a region (or everywhere) between two days, inclusive."""
    policy.require(actor, "visits.count")
    return unit_of_work().visits.count(
        region_id=region_id,
        since=since,
        until=until,
        resource_kind=None if resource_kind is None else ResourceKind(resource_kind).value,
    )


@action("visits.daily")
def daily(
    actor: Actor,
    *,
    region_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[tuple[date, int]]:
    """Visits per day (for the dashboard's trend chart), oldest first."""
    policy.require(actor, "visits.daily")
    return unit_of_work().visits.daily(region_id=region_id, since=since, until=until)
