"""The audit log: one append-only entry per write (who, when, what, before/after).

The database refuses UPDATE and DELETE on the audit table (triggers), so not even a bug in the
application can rewrite history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from kechuang.domain.common import DomainModel


class AuditEntry(DomainModel):
    """One recorded write. ``action`` is the service action, e.g. ``demands.update``."""

    id: int | None = None
    at: datetime
    actor_user_id: int | None
    actor_label: str
    action: str = Field(min_length=1)
    entity_kind: str
    entity_id: int | None
    region_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
