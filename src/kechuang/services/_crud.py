"""The generic audited write and paged read every aggregate service is built from.

One mechanism instead of a copy per aggregate: look up (hiding what the actor may not see), check
the rule, validate the merged record, write through the repository, append the audit entry with
before/after in the same transaction, and record the change for the after-commit hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kechuang.config import get_settings
from kechuang.domain import (
    Actor,
    AuditEntry,
    Change,
    NotFound,
    Page,
    PermissionDenied,
    ValidationError,
)
from kechuang.domain.common import Record, utcnow, validate
from kechuang.services import policy
from kechuang.services.context import unit_of_work
from kechuang.store.repositories import Repository
from kechuang.store.uow import UnitOfWork

M = TypeVar("M", bound=Record)

READ_ONLY_FIELDS = frozenset({"id", "created_at", "updated_at", "archived"})


@dataclass(frozen=True)
class Kind(Generic[M]):
    """An aggregate as the services see it: its name, labels and repository."""

    name: str
    zh: str
    en: str
    repository: Callable[[UnitOfWork], Repository[M]]
    read_action: str
    """The action whose rule says who may see a record: others get NotFound, not a refusal."""

    def repo(self) -> Repository[M]:
        """The repository bound to the current unit of work."""
        return self.repository(unit_of_work())

    def not_found(self, key: object) -> NotFound:
        """The NotFound error for this kind."""
        return NotFound.of(self.zh, self.en, key)


def snapshot(model: Record | None) -> dict[str, Any] | None:
    """A JSON-able picture of a record for the audit log (timestamps left out)."""
    if model is None:
        return None
    return model.model_dump(mode="json", exclude={"created_at", "updated_at"})


def region_of(model: Record) -> int | None:
    """The region a record belongs to (a region belongs to itself)."""
    if model.__class__.__name__ == "Region":
        return model.id
    region_id = getattr(model, "region_id", None)
    return region_id if isinstance(region_id, int) else None


def audit(
    actor: Actor,
    action: str,
    kind: str,
    entity_id: int | None,
    *,
    region_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    change: str | None = None,
) -> None:
    """Append an audit entry and (when ``change`` is given) record a change for the hooks."""
    uow = unit_of_work()
    uow.audit.add(
        AuditEntry(
            at=utcnow(),
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            action=action,
            entity_kind=kind,
            entity_id=entity_id,
            region_id=region_id,
            before=before,
            after=after,
        )
    )
    if change is not None and entity_id is not None:
        uow.record(Change(kind, entity_id, change, region_id))


def load(actor: Actor, action: str, kind: Kind[M], record_id: int) -> M:
    """The record if ``action`` is allowed on it; PermissionDenied when the actor may see the
    record but not do this; NotFound when it is absent or the actor may not even see it."""
    record = kind.repo().get(record_id)
    if record is None:
        raise kind.not_found(record_id)
    if policy.allowed(actor, action, record):
        return record
    if policy.allowed(actor, kind.read_action, record):
        raise PermissionDenied.for_action(action)
    raise kind.not_found(record_id)


def create(actor: Actor, action: str, kind: Kind[M], record: M) -> M:
    """Check, insert, audit."""
    record = validate(type(record), record.model_copy(update={"id": None}))
    policy.require(actor, action, record)
    stored = kind.repo().add(record)
    audit_create(actor, action, kind, stored)
    return stored


def audit_create(actor: Actor, action: str, kind: Kind[M], stored: M) -> None:
    """Audit a record just inserted (and record the change for the after-commit hooks); for
    services that insert through their own repository call rather than :func:`create`."""
    audit(
        actor,
        action,
        kind.name,
        stored.id,
        region_id=region_of(stored),
        before=None,
        after=snapshot(stored),
        change="create",
    )


def merge(record: M, changes: Mapping[str, Any], extra_read_only: Collection[str] = ()) -> M:
    """``record`` with ``changes`` applied and re-validated (bilingual errors on bad input)."""
    forbidden = (READ_ONLY_FIELDS | set(extra_read_only)) & set(changes)
    if forbidden:
        raise ValidationError.single(
            ", ".join(sorted(forbidden)),
            problem_zh="该字段不能直接修改",
            problem_en="this field cannot be changed directly",
            fix_zh="请使用对应的专门操作（如归档、状态流转）",
            fix_en="Use the dedicated action (archive, transition ...)",
        )
    data = record.model_dump()
    data.update(changes)
    return validate(type(record), data)


def save(
    actor: Actor,
    action: str,
    kind: Kind[M],
    before: M,
    after: M,
    *,
    change: str,
    checked: bool = False,
) -> M:
    """Check the rule on the new state too (unless the caller ``checked`` it), write, audit."""
    if not checked:
        policy.require(actor, action, after)
    stored = kind.repo().save(after)
    audit(
        actor,
        action,
        kind.name,
        stored.id,
        region_id=region_of(stored),
        before=snapshot(before),
        after=snapshot(stored),
        change=change,
    )
    return stored


def update(
    actor: Actor,
    action: str,
    kind: Kind[M],
    record_id: int,
    changes: Mapping[str, Any],
    *,
    extra_read_only: Collection[str] = (),
) -> M:
    """Load, check, merge, check again, save, audit."""
    before = load(actor, action, kind, record_id)
    after = merge(before, changes, extra_read_only)
    return save(actor, action, kind, before, after, change="update")


def archive(actor: Actor, action: str, kind: Kind[M], record_id: int) -> M:
    """Hide a record from lists; kept for history."""
    before = load(actor, action, kind, record_id)
    if before.archived:
        return before
    archived = before.model_copy(update={"archived": True})
    return save(actor, action, kind, before, archived, change="archive")


def page_bounds(offset: int, limit: int | None) -> tuple[int, int]:
    """Validated ``(offset, limit)`` with the configured default and cap."""
    settings = get_settings()
    if offset < 0:
        raise ValidationError.single(
            "offset",
            problem_zh="不能为负数",
            problem_en="must not be negative",
            fix_zh="请从 0 开始",
            fix_en="Start from 0",
        )
    if limit is None:
        limit = settings.page_size
    if limit < 1:
        raise ValidationError.single(
            "limit",
            problem_zh="至少为 1",
            problem_en="must be at least 1",
            fix_zh="请填写正整数",
            fix_en="Give a positive number",
        )
    return offset, min(limit, settings.max_page_size)


def page(aggregate: Kind[M], offset: int, limit: int | None, /, **filters: Any) -> Page[M]:
    """One validated page from the repository."""
    offset, limit = page_bounds(offset, limit)
    items, total = aggregate.repo().page(offset=offset, limit=limit, **filters)
    return Page(items, total, offset, limit)


def upsert(
    actor: Actor,
    action: str,
    kind: Kind[M],
    record: M,
    *,
    existing: M | None,
    merge_fields: Callable[[M, M], M] | None = None,
) -> tuple[M, bool, tuple[str, ...]]:
    """Create ``record``, or update ``existing`` with its non-empty fields (importers' dedup)."""
    if existing is None:
        return create(actor, action, kind, record), True, ()
    if not policy.allowed(actor, action, existing):
        load(actor, action, kind, existing.id or 0)  # raises the right refusal
    merged = merge_fields(existing, record) if merge_fields else overlay(existing, record)
    changed = tuple(
        name
        for name in type(record).model_fields
        if name not in READ_ONLY_FIELDS and getattr(merged, name) != getattr(existing, name)
    )
    if not changed:
        return existing, False, ()
    stored = save(actor, action, kind, existing, merged, change="update")
    return stored, False, changed


def overlay(existing: M, incoming: M) -> M:
    """``existing`` with every field that ``incoming`` sets to a non-empty value."""
    updates = {
        name: getattr(incoming, name)
        for name in incoming.model_fields_set
        if name not in READ_ONLY_FIELDS and getattr(incoming, name) not in (None, "", [], {})
    }
    updates["is_demo"] = incoming.is_demo or existing.is_demo
    return validate(type(existing), {**existing.model_dump(), **updates})
