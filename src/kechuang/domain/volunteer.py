"""Science and technology volunteers (科技志愿者), members of an enterprise science association."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kechuang.domain.common import Record


class Volunteer(Record):
    """A volunteer; ``association_id`` is the enterprise science association they belong to."""

    name: str = Field(min_length=1, max_length=100)
    region_id: int
    association_id: int | None = None
    speciality: str = ""
    skills: list[str] = Field(default_factory=list)
    joined_on: date | None = None
    service_hours: int = Field(0, ge=0)
