"""Hold spam submissions for operator review (the services' side of `kechuang.domain.moderation`).

A submission by someone other than the record's staff (admins, operators of its region, the
system) whose text the detector flags is stored in a non-public status — an achievement as a
draft, a demand as pending review — instead of being published, and the hold is written to the
audit log as ``moderation.held`` with the detector's reasons, so operators find it with
``audit.list(actor, action_name="moderation.held")``. Staff texts are trusted: they are the review.

Expert and organisation profiles have no unpublished state: an owner's spam edit of one (the
expert editing their profile or adding a work, a member editing their organisation) is not
applied — the public profile stays as it was — and the proposed edit is kept for review in a
``moderation.held`` audit entry (written in a transaction of its own, since the refusal rolls the
caller's back) while the owner is told, bilingually, that the text was sent for review.

The detector itself folds texts (full-width -> half-width, traditional -> simplified) before it
reads them, so every caller catches traditional-character spam.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from kechuang.domain import Actor, AuditEntry, ValidationError
from kechuang.domain.common import utcnow
from kechuang.domain.moderation import Verdict, check
from kechuang.services import _crud, policy
from kechuang.services.context import unit_of_work
from kechuang.store.uow import UnitOfWork

HELD_ACTION = "moderation.held"
M = TypeVar("M", bound=BaseModel)


def texts_of(value: Any) -> list[str]:
    """Every string inside ``value`` (strings, lists, mappings, models such as works)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in texts_of(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in texts_of(item)]
    return []


def check_texts(record: Mapping[str, Any], fields: Iterable[str]) -> Verdict:
    """The detector's verdict on the named fields (the detector folds to simplified Chinese)."""
    return check([text for name in fields for text in texts_of(record.get(name))])


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
    verdict = check_texts(record.model_dump(), fields)
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


def _refusal(field: str, verdict: Verdict) -> ValidationError:
    reasons = "; ".join(verdict.reasons)
    return ValidationError.single(
        field,
        problem_zh=f"内容疑似广告或垃圾外链（{reasons}），未发布，已提交区域运营人员审核",
        problem_en=(
            f"The text looks like advertising or a link farm ({reasons}); it was not published "
            "and has been sent to the region's operators for review"
        ),
        fix_zh="请删除广告、联系方式和无关链接后重新保存；如属误判，运营人员审核后会代为发布",
        fix_en=(
            "Remove advertising, contact bait and unrelated links, then save again; if this is "
            "a mistake an operator will publish it after review"
        ),
    )


def hold_profile_edit(
    actor: Actor,
    kind: str,
    record: BaseModel,
    changes: Mapping[str, Any],
    fields: tuple[str, ...],
    *,
    operation: str = "update",
) -> None:
    """Refuse an owner's spam edit of a profile (expert, organisation), keeping it for review.

    Staff edits pass (they are the review). Only the fields being changed are read, so a
    profile that staff approved is never blocked by its own earlier text. The held edit is
    written to the audit log when the caller's transaction has ended (the refusal rolls that
    transaction back); then :class:`ValidationError` names the field and the reasons. The entry
    keeps the whole edit (``changes``, and ``operation``: ``update`` or ``add_work``) so an
    operator can apply it from the moderation queue (:mod:`kechuang.services.moderation`).
    """
    region_id = getattr(record, "region_id", None)
    if policy.staff(actor, region_id):
        return
    changed = {name: changes[name] for name in fields if name in changes}
    if not changed:
        return
    verdict = check_texts(changed, tuple(changed))
    if not verdict.is_spam:
        return
    engine = unit_of_work().engine
    proposed = {name: texts_of(value) for name, value in changed.items()}
    entry = AuditEntry(
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=HELD_ACTION,
        entity_kind=kind,
        entity_id=getattr(record, "id", None),
        region_id=region_id,
        before=None,
        after={
            "score": verdict.score,
            "reasons": list(verdict.reasons),
            "proposed": proposed,
            # What an operator's "apply" replays (kechuang.services.moderation).
            "operation": operation,
            "changes": to_jsonable_python(dict(changes)),
        },
    )

    def keep_for_review() -> None:
        with UnitOfWork(engine) as uow:
            uow.audit.add(entry)

    unit_of_work().at_end(keep_for_review)
    first_spam = next(
        (name for name in changed if check_texts(changed, (name,)).is_spam), next(iter(changed))
    )
    raise _refusal(first_spam, verdict)
