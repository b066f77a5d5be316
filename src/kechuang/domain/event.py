"""Events: docking fairs, roadshows, trainings and forums, with who organised and who attended,
how many were trained, and which dockings came out of them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from kechuang.domain.common import BilingualValueError, DomainModel, Record
from kechuang.domain.vocab import register_labels


class EventKind(StrEnum):
    """The kinds of event a region runs."""

    DOCKING_EVENT = "docking_event"
    ROADSHOW = "roadshow"
    TRAINING = "training"
    FORUM = "forum"


register_labels(
    EventKind,
    {
        "docking_event": ("对接活动", "Docking event"),
        "roadshow": ("路演", "Roadshow"),
        "training": ("培训", "Training"),
        "forum": ("论坛", "Forum"),
    },
)


class ParticipantKind(StrEnum):
    """Who can take part in an event."""

    ORGANISATION = "organisation"
    EXPERT = "expert"


register_labels(
    ParticipantKind,
    {"organisation": ("机构", "Organisation"), "expert": ("专家", "Expert")},
)


class Participation(DomainModel):
    """An invited party and whether they attended."""

    participant_kind: ParticipantKind
    participant_id: int
    invited: bool = True
    attended: bool = False


class Event(Record):
    """An event held by a region; ``docking_ids`` are the dockings that came out of it."""

    region_id: int
    kind: EventKind
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    starts_on: date
    ends_on: date | None = None
    location: str = ""
    industry_codes: list[str] = Field(default_factory=list)
    """GB/T 4754 industries of the event's topic (the matcher proposes parties from them)."""
    organiser_ids: list[int] = Field(default_factory=list)
    """Organisations that organised the event."""
    participants: list[Participation] = Field(default_factory=list)
    trainee_count: int = Field(0, ge=0)
    """Person-times trained (培训人次)."""
    docking_ids: list[int] = Field(default_factory=list)
    """Read-only: derived from dockings whose ``event_id`` is this event."""

    @model_validator(mode="after")
    def _ends_after_start(self) -> Event:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise BilingualValueError(
                "结束日期早于开始日期",
                "the end date is before the start date",
                "请检查日期",
                "Check the dates",
            )
        return self
