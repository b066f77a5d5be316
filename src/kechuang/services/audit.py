"""Reading the audit log, and recording events that no other service writes."""

from __future__ import annotations

from typing import Any

from kechuang.domain import Actor, AuditEntry, Page
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work


@action("audit.list")
def list(
    actor: Actor,
    *,
    entity_kind: str | None = None,
    entity_id: int | None = None,
    region_id: int | None = None,
    action_name: str | None = None,
    actor_user_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[AuditEntry]:
    """Audit entries, newest first; an operator sees only their own region's."""
    policy.require(actor, "audit.list")
    if not policy.is_admin(actor):
        region_id = actor.region_id
    offset, limit = _crud.page_bounds(offset, limit)
    entries, total = unit_of_work().audit.page(
        offset=offset,
        limit=limit,
        entity_kind=entity_kind,
        entity_id=entity_id,
        region_id=region_id,
        action=action_name,
        actor_user_id=actor_user_id,
    )
    return Page(entries, total, offset, limit)


@action("audit.record")
def record(
    actor: Actor,
    action_name: str,
    entity_kind: str,
    entity_id: int | None,
    *,
    region_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an entry for something that happened outside the other services (e.g. a page
    view the web layer must audit)."""
    policy.require(actor, "audit.record")
    _crud.audit(
        actor, action_name, entity_kind, entity_id, region_id=region_id, before=before, after=after
    )
