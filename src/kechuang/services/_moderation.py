"""Hold spam submissions for operator review (the services' side of `kechuang.domain.moderation`).

A submission by someone other than the record's staff (admins, operators of its region, the
system) whose text the detector flags is stored in a non-public status — an achievement as a
draft, a demand as pending review — instead of being published, and the hold is written to the
audit log as ``moderation.held`` with the detector's reasons, so operators find it with
``audit.list(actor, action_name="moderation.held")``. Staff texts are trusted: they are the review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from kechuang.domain import Actor
from kechuang.domain.moderation import Verdict, check_fields
from kechuang.services import _crud, policy

HELD_ACTION = "moderation.held"
M = TypeVar("M", bound=BaseModel)


def screen(
    actor: Actor,
    record: M,
    fields: tuple[str, ...],
    *,
    status_field: str,
    public: frozenset[Any],
    held: Any,
) -> tuple[M, Verdict | None]:
    """``record`` with ``status_field`` set to ``held`` when a non-staff actor submits spam that
    would be public; the verdict when held, else None."""
    if policy.staff(actor, getattr(record, "region_id", None)):
        return record, None
    if getattr(record, status_field) not in public:
        return record, None
    verdict = check_fields(record.model_dump(), fields)
    if not verdict.is_spam:
        return record, None
    return record.model_copy(update={status_field: held}), verdict


def screen_changes(
    actor: Actor,
    before: M,
    changes: Mapping[str, Any],
    fields: tuple[str, ...],
    *,
    status_field: str,
    public: frozenset[Any],
    held: Any,
) -> tuple[dict[str, Any], Verdict | None]:
    """``changes`` plus the held status when the record after them would be public spam."""
    merged = before.model_copy(update=dict(changes))
    if status_field in changes:
        try:
            status = type(held)(changes[status_field])
        except ValueError:  # the merge that follows reports the bad value bilingually
            return dict(changes), None
        merged = merged.model_copy(update={status_field: status})
    screened, verdict = screen(
        actor, merged, fields, status_field=status_field, public=public, held=held
    )
    if verdict is None:
        return dict(changes), None
    return {**changes, status_field: getattr(screened, status_field)}, verdict


def record_hold(actor: Actor, kind: str, record: BaseModel, verdict: Verdict | None) -> None:
    """Write the hold to the audit log (no-op when nothing was held)."""
    if verdict is None:
        return
    _crud.audit(
        actor,
        HELD_ACTION,
        kind,
        getattr(record, "id", None),
        region_id=getattr(record, "region_id", None),
        before=None,
        after={"score": verdict.score, "reasons": list(verdict.reasons)},
    )
