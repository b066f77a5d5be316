"""Dockings (对接): a demand paired with an expert, an organisation or an achievement, followed
through an explicit state machine to a signed and delivered contract, or closed with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from kechuang.domain.common import BilingualValueError, DomainModel, Fen, Record
from kechuang.domain.errors import Conflict
from kechuang.domain.vocab import label, register_labels


class DockingTargetKind(StrEnum):
    """What a demand is docked with."""

    EXPERT = "expert"
    ORGANISATION = "organisation"
    ACHIEVEMENT = "achievement"


register_labels(
    DockingTargetKind,
    {
        "expert": ("专家", "Expert"),
        "organisation": ("机构", "Organisation"),
        "achievement": ("成果", "Achievement"),
    },
)


class DockingStage(StrEnum):
    """The stages of a docking, in order; ``closed`` ends it early with a reason."""

    PROPOSED = "proposed"
    CONTACTED = "contacted"
    MEETING = "meeting"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    DELIVERED = "delivered"
    CLOSED = "closed"


register_labels(
    DockingStage,
    {
        "proposed": ("已推荐", "Proposed"),
        "contacted": ("已联系", "Contacted"),
        "meeting": ("已会谈", "Meeting"),
        "negotiating": ("洽谈中", "Negotiating"),
        "signed": ("已签约", "Signed"),
        "delivered": ("已交付", "Delivered"),
        "closed": ("已关闭", "Closed"),
    },
)

_S = DockingStage
TRANSITIONS: Mapping[DockingStage, frozenset[DockingStage]] = {
    _S.PROPOSED: frozenset({_S.CONTACTED, _S.CLOSED}),
    _S.CONTACTED: frozenset({_S.MEETING, _S.CLOSED}),
    _S.MEETING: frozenset({_S.NEGOTIATING, _S.CLOSED}),
    _S.NEGOTIATING: frozenset({_S.SIGNED, _S.CLOSED}),
    _S.SIGNED: frozenset({_S.DELIVERED, _S.CLOSED}),
    _S.DELIVERED: frozenset(),
    _S.CLOSED: frozenset(),
}
"""The transition table: each stage moves to the next, or to closed; delivered and closed end."""

SIGNED_OR_LATER = frozenset({_S.SIGNED, _S.DELIVERED})
"""Stages counted as a signed contract in statistics."""


def check_transition(current: DockingStage, target: DockingStage) -> None:
    """Raise :class:`Conflict` unless the table allows ``current -> target``."""
    allowed = TRANSITIONS[current]
    if target in allowed:
        return
    zh_allowed = (
        "、".join(label(stage, "zh") for stage in DockingStage if stage in allowed)
        or "无（已结束）"
    )
    en_allowed = (
        ", ".join(label(stage, "en") for stage in DockingStage if stage in allowed)
        or "none (finished)"
    )
    raise Conflict(
        f"对接处于「{label(current, 'zh')}」阶段，不能变为「{label(target, 'zh')}」",
        f"The docking is '{label(current, 'en')}' and cannot move to '{label(target, 'en')}'",
        fix_zh=f"可选的下一阶段：{zh_allowed}",
        fix_en=f"Allowed next stages: {en_allowed}",
    )


class Feedback(DomainModel):
    """One side's verdict on a docking."""

    rating: int = Field(ge=1, le=5)
    comment: str = ""
    given_at: datetime | None = None
    given_by_user_id: int | None = None


class DockingHistoryEntry(DomainModel):
    """One transition in a docking's life, kept for the full history."""

    from_stage: DockingStage | None
    to_stage: DockingStage
    at: datetime
    actor_user_id: int | None = None
    note: str = ""


class Docking(Record):
    """A demand paired with an expert, organisation or achievement, and how far it has got."""

    region_id: int
    demand_id: int
    target_kind: DockingTargetKind
    target_id: int
    stage: DockingStage = DockingStage.PROPOSED
    closed_reason: str = ""
    contract_value_fen: Fen | None = None
    signed_on: date | None = None
    delivered_on: date | None = None
    event_id: int | None = None
    """The event (e.g. a docking fair) the docking came out of."""
    enterprise_feedback: Feedback | None = None
    provider_feedback: Feedback | None = None
    note: str = ""
    history: list[DockingHistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _closed_needs_reason(self) -> Docking:
        if self.stage is DockingStage.CLOSED and not self.closed_reason:
            raise BilingualValueError(
                "关闭对接须说明原因",
                "closing a docking needs a reason",
                "请填写关闭原因",
                "Give the reason for closing",
            )
        return self
