"""The operators' moderation queue: owners' profile edits held as spam, reviewed and decided.

An expert's or organisation member's edit the detector flags is not applied; the proposed edit is
kept in a ``moderation.held`` audit entry (:mod:`kechuang.services._moderation`). Here the region's
staff list those entries, see the proposed text with the flagged parts marked, and decide:

* **apply** — the edit is replayed as the operator (``experts.update`` / ``experts.add_work`` /
  ``organisations.update``, audited with the operator as actor; staff edits are not screened);
* **reject** with a reason — nothing changes and the owner is told by mail.

Each decision is one transaction and is itself an audit entry (``moderation.applied`` /
``moderation.rejected``, ``after.held_id`` naming the held entry); a held edit that already has a
decision is refused with :class:`Conflict`. Held demands and achievements are not here: they are
stored unpublished and reviewed in the operator's review queue like any other pending record.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kechuang.domain import (
    AchievementStatus,
    Actor,
    AuditEntry,
    Conflict,
    NotFound,
    Page,
    ValidationError,
    Work,
)
from kechuang.domain.moderation import highlight
from kechuang.services import _crud, achievements, experts, organisations, policy
from kechuang.services._moderation import HELD_ACTION, texts_of
from kechuang.services.context import action, unit_of_work
from kechuang.store.tables import AchievementRow, ExpertRow, OrganisationRow

APPLIED_ACTION = "moderation.applied"
REJECTED_ACTION = "moderation.rejected"
KINDS = ("expert", "organisation", "achievement")
"""The records whose held submissions this queue decides (held demands wait in the demand
review queue as pending review)."""
ACHIEVEMENT_FIELDS = ("title", "description", "owner_name", "keywords")
"""An achievement held as a draft: the texts shown (the stored draft is the held text)."""
REASON_MAX = 1000
_SCAN = 500


@dataclass(frozen=True)
class Decision:
    """What an operator decided about a held edit."""

    applied: bool
    at: datetime
    actor_label: str
    reason: str


@dataclass(frozen=True)
class HeldEdit:
    """One held profile edit as the queue shows it."""

    id: int
    """The ``moderation.held`` audit entry's id: the queue item's key."""
    at: datetime
    kind: str
    entity_id: int
    entity_name: str
    region_id: int | None
    author_user_id: int | None
    author_label: str
    operation: str
    score: int
    reasons: tuple[str, ...]
    proposed: dict[str, list[str]]
    current: dict[str, list[str]]
    decision: Decision | None

    @property
    def highlighted(self) -> dict[str, list[list[tuple[str, bool]]]]:
        """Each proposed text cut into ``(piece, flagged)`` parts, per field."""
        return {name: [highlight(text) for text in texts] for name, texts in self.proposed.items()}


@dataclass(frozen=True)
class Notice:
    """The mail telling the owner what was decided (the caller's mailer sends it)."""

    to: str
    subject: str
    body: str


Send = Callable[[Notice], object]


def _held_entries(region_id: int | None) -> builtins.list[AuditEntry]:
    found: builtins.list[AuditEntry] = []
    offset = 0
    while True:
        entries, total = unit_of_work().audit.page(
            offset=offset, limit=_SCAN, action=HELD_ACTION, region_id=region_id
        )
        found.extend(e for e in entries if e.entity_kind in KINDS and _is_profile_edit(e))
        offset += _SCAN
        if offset >= total:
            return found


def _is_profile_edit(entry: AuditEntry) -> bool:
    """A decidable hold: a profile edit with its changes kept, or an achievement held as draft."""
    if entry.after is None or entry.entity_id is None:
        return False
    return entry.entity_kind == "achievement" or "changes" in entry.after


def _decisions(region_id: int | None) -> dict[int, Decision]:
    decided: dict[int, Decision] = {}
    for name, applied in ((APPLIED_ACTION, True), (REJECTED_ACTION, False)):
        offset = 0
        while True:
            entries, total = unit_of_work().audit.page(
                offset=offset, limit=_SCAN, action=name, region_id=region_id
            )
            for entry in entries:
                held_id = (entry.after or {}).get("held_id")
                if isinstance(held_id, int):
                    reason = str((entry.after or {}).get("reason") or "")
                    decided[held_id] = Decision(applied, entry.at, entry.actor_label, reason)
            offset += _SCAN
            if offset >= total:
                break
    return decided


def _decision_of(entry: AuditEntry) -> Decision | None:
    for name, applied in ((APPLIED_ACTION, True), (REJECTED_ACTION, False)):
        entries, _total = unit_of_work().audit.page(
            limit=_SCAN, action=name, entity_kind=entry.entity_kind, entity_id=entry.entity_id
        )
        for decision in entries:
            if (decision.after or {}).get("held_id") == entry.id:
                reason = str((decision.after or {}).get("reason") or "")
                return Decision(applied, decision.at, decision.actor_label, reason)
    return None


def _record(kind: str, entity_id: int) -> Any:
    uow = unit_of_work()
    repositories: dict[str, Any] = {
        "expert": uow.experts,
        "organisation": uow.organisations,
        "achievement": uow.achievements,
    }
    return repositories[kind].get(entity_id)


def _view(entry: AuditEntry, decision: Decision | None) -> HeldEdit:
    after = entry.after or {}
    assert entry.id is not None
    assert entry.entity_id is not None
    record = _record(entry.entity_kind, entry.entity_id)
    if entry.entity_kind == "achievement":  # the held text is the stored draft itself
        proposed = {
            name: texts_of(getattr(record, name, None))
            for name in ACHIEVEMENT_FIELDS
            if record is not None and texts_of(getattr(record, name, None))
        }
        current: dict[str, builtins.list[str]] = {}
        operation = "publish"
    else:
        proposed = {
            str(name): [str(text) for text in texts]
            for name, texts in dict(after.get("proposed") or {}).items()
        }
        works = dict(after.get("changes") or {}).get("works")
        if "works" in proposed and isinstance(works, builtins.list):
            # A work's texts, without its kind code ("paper"), which is no one's prose.
            proposed["works"] = [
                text
                for work in works
                if isinstance(work, dict)
                for key, value in work.items()
                if key != "kind"
                for text in texts_of(value)
            ]
        current = {
            name: texts_of(getattr(record, name, None)) if record is not None else []
            for name in proposed
        }
        operation = str(after.get("operation") or "update")
    return HeldEdit(
        id=entry.id,
        at=entry.at,
        kind=entry.entity_kind,
        entity_id=entry.entity_id,
        entity_name=str(
            getattr(record, "name", "") or getattr(record, "title", "") or f"#{entry.entity_id}"
        ),
        region_id=entry.region_id,
        author_user_id=entry.actor_user_id,
        author_label=entry.actor_label,
        operation=operation,
        score=int(after.get("score") or 0),
        reasons=tuple(str(reason) for reason in after.get("reasons") or ()),
        proposed=proposed,
        current=current,
        decision=decision,
    )


@action("moderation.queue")
def queue(
    actor: Actor,
    *,
    region_id: int | None = None,
    decided: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[HeldEdit]:
    """Held profile edits, newest first: those awaiting a decision (``decided=False``) or those
    decided. An operator sees only their own region's."""
    policy.require(actor, "moderation.queue")
    if not policy.is_admin(actor):
        region_id = actor.region_id
    offset, limit = _crud.page_bounds(offset, limit)
    decisions = _decisions(region_id)
    entries = [
        entry
        for entry in _held_entries(region_id)
        if (entry.id in decisions) is decided and entry.id is not None
    ]
    items = [
        _view(entry, decisions.get(entry.id))
        for entry in entries[offset : offset + limit]
        if entry.id
    ]
    return Page(items, len(entries), offset, limit)


def _load(actor: Actor, name: str, held_id: int) -> AuditEntry:
    entries, _total = unit_of_work().audit.page(limit=1, id=held_id, action=HELD_ACTION)
    entry = entries[0] if entries else None
    if entry is None or entry.entity_kind not in KINDS or not _is_profile_edit(entry):
        raise NotFound.of("待审修改", "Held edit", held_id)
    if not policy.allowed(actor, name, entry.region_id):
        # Staff of another region must not learn that the item exists.
        if policy.allowed(actor, "moderation.queue"):
            raise NotFound.of("待审修改", "Held edit", held_id)
        policy.require(actor, name, entry.region_id)
    return entry


@action("moderation.get")
def get(actor: Actor, held_id: int) -> HeldEdit:
    """One held edit with its decision, if any."""
    entry = _load(actor, "moderation.get", held_id)
    return _view(entry, _decision_of(entry))


def _lock_profile(kind: str, entity_id: int) -> None:
    """Lock the profile's row until the transaction ends, so two operators deciding the same
    held edit at once are serialised and the second one sees the first one's decision
    (PostgreSQL ``FOR UPDATE``; SQLite lets one writer at a time in any case)."""
    row: type[ExpertRow] | type[OrganisationRow] | type[AchievementRow] = (
        ExpertRow
        if kind == "expert"
        else OrganisationRow
        if kind == "organisation"
        else AchievementRow
    )
    unit_of_work().session.execute(select(row.id).where(row.id == entity_id).with_for_update())


def _undecided(actor: Actor, name: str, held_id: int) -> AuditEntry:
    entry = _load(actor, name, held_id)
    _lock_profile(entry.entity_kind, entry.entity_id or 0)
    decision = _decision_of(entry)
    if decision is not None:
        verb_zh, verb_en = ("采纳", "applied") if decision.applied else ("驳回", "rejected")
        raise Conflict(
            f"该待审修改已由 {decision.actor_label} 于 {decision.at:%Y-%m-%d %H:%M} {verb_zh}",
            f"This held edit was already {verb_en} by {decision.actor_label} "
            f"at {decision.at:%Y-%m-%d %H:%M}",
            fix_zh="无需再次处理；请刷新审核队列",
            fix_en="Nothing more to do; reload the moderation queue",
        )
    if _record(entry.entity_kind, entry.entity_id or 0) is None:
        raise Conflict(
            "该档案已不存在，无法采纳或驳回",
            "The profile no longer exists, so the edit cannot be decided",
            fix_zh="请刷新审核队列",
            fix_en="Reload the moderation queue",
        )
    return entry


def _notice(actor: Actor, entry: AuditEntry, applied: bool, reason: str) -> Notice | None:
    record = _record(entry.entity_kind, entry.entity_id or 0)
    user = unit_of_work().users.get(entry.actor_user_id) if entry.actor_user_id else None
    contact = getattr(record, "contact", None)
    # The account's address; an expert's account without one: the profile's contact address.
    to = (user.email if user else "") or str(getattr(contact, "email", "") or "")
    if not to:
        return None
    name = str(getattr(record, "name", "") or getattr(record, "title", "") or "")
    kind_zh, kind_en = {
        "expert": ("专家档案", "expert profile"),
        "organisation": ("机构档案", "organisation profile"),
        "achievement": ("科技成果", "achievement"),
    }[entry.entity_kind]
    greeting = (user.display_name or user.username) if user else name
    if applied:
        subject = "科创 Kechuang：您的修改已通过审核 / Your edit was approved"
        body = (
            f"您好 {greeting}：\n\n您于 {entry.at:%Y-%m-%d %H:%M} 提交的{kind_zh}“{name}”修改曾被"
            f"系统暂缓发布，现经区域运营人员（{actor.label}）审核后已发布。\n\n"
            f"Hello {greeting},\n\nThe edit of the {kind_en} “{name}” you submitted at "
            f"{entry.at:%Y-%m-%d %H:%M} was held for review; the region's staff "
            f"({actor.label}) reviewed it and it is now published.\n"
        )
    else:
        subject = "科创 Kechuang：您的修改未通过审核 / Your edit was not approved"
        body = (
            f"您好 {greeting}：\n\n您于 {entry.at:%Y-%m-%d %H:%M} 提交的{kind_zh}“{name}”修改被"
            f"系统识别为疑似广告或垃圾外链，经区域运营人员（{actor.label}）审核未予发布。\n"
            f"原因：{reason}\n请按上述原因修改后重新保存。\n\n"
            f"Hello {greeting},\n\nThe edit of the {kind_en} “{name}” you submitted at "
            f"{entry.at:%Y-%m-%d %H:%M} looked like advertising or a link farm; the region's "
            f"staff ({actor.label}) reviewed it and did not publish it.\nReason: {reason}\n"
            "Please change the text accordingly and save it again.\n"
        )
    return Notice(to, subject, body)


def _decide(
    actor: Actor, entry: AuditEntry, applied: bool, reason: str, send: Send | None
) -> HeldEdit:
    name = APPLIED_ACTION if applied else REJECTED_ACTION
    _crud.audit(
        actor,
        name,
        entry.entity_kind,
        entry.entity_id,
        region_id=entry.region_id,
        before=None,
        after={"held_id": entry.id, "reason": reason},
    )
    notice = _notice(actor, entry, applied, reason)
    if notice is not None and send is not None:
        send(notice)  # inside the transaction: a mail that cannot be written decides nothing
    return _view(entry, _decision_of(entry))


@action("moderation.apply")
def apply(actor: Actor, held_id: int, *, send: Send | None = None) -> HeldEdit:
    """Apply a held edit as if its owner had saved it (audited with ``actor`` as actor), and tell
    the owner through ``send``. A decided edit is a :class:`Conflict`."""
    entry = _undecided(actor, "moderation.apply", held_id)
    assert entry.entity_id is not None
    assert entry.after is not None
    if entry.entity_kind == "achievement":
        achievements.update(actor, entry.entity_id, {"status": AchievementStatus.PUBLISHED})
        return _decide(actor, entry, True, "", send)
    changes = dict(entry.after["changes"])
    operation = str(entry.after.get("operation") or "update")
    if entry.entity_kind == "expert" and operation == "add_work":
        for work in changes.get("works") or []:
            experts.add_work(actor, entry.entity_id, Work.model_validate(work))
    elif entry.entity_kind == "expert":
        experts.update(actor, entry.entity_id, changes)
    else:
        organisations.update(actor, entry.entity_id, changes)
    return _decide(actor, entry, True, "", send)


@action("moderation.reject")
def reject(actor: Actor, held_id: int, reason: str, *, send: Send | None = None) -> HeldEdit:
    """Reject a held edit with a reason the owner is told through ``send``; nothing else
    changes. A decided edit is a :class:`Conflict`."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError.single(
            "reason",
            problem_zh=f"驳回理由必填，且不超过 {REASON_MAX} 字",
            problem_en=f"A reason is required, at most {REASON_MAX} characters",
            fix_zh="请写明驳回原因（例如“含赌博广告链接”），所有者会收到该原因",
            fix_en="Say why (e.g. 'contains gambling links'); the owner is sent the reason",
        )
    entry = _undecided(actor, "moderation.reject", held_id)
    return _decide(actor, entry, False, reason, send)
