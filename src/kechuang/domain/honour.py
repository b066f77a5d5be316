"""Honour lists (榜单): nominations, review rounds with reviewer scores, and the published entries.

The four lists of the 科创中国 programme: 新锐企业榜, 融通创新组织榜, 先导技术榜, 技术经理人先锋榜.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from kechuang.domain.common import DomainModel, Record
from kechuang.domain.vocab import register_labels


class HonourListKind(StrEnum):
    """The four honour lists."""

    EMERGING_ENTERPRISES = "emerging_enterprises"
    INTEGRATED_INNOVATION_ORGANISATIONS = "integrated_innovation_organisations"
    PIONEERING_TECHNOLOGIES = "pioneering_technologies"
    TECHNOLOGY_MANAGER_PIONEERS = "technology_manager_pioneers"


register_labels(
    HonourListKind,
    {
        "emerging_enterprises": ("新锐企业榜", "Emerging enterprises"),
        "integrated_innovation_organisations": (
            "融通创新组织榜",
            "Integrated innovation organisations",
        ),
        "pioneering_technologies": ("先导技术榜", "Pioneering technologies"),
        "technology_manager_pioneers": ("技术经理人先锋榜", "Technology manager pioneers"),
    },
)


class HonourListStatus(StrEnum):
    """Phase of an honour list."""

    NOMINATING = "nominating"
    REVIEWING = "reviewing"
    PUBLISHED = "published"


register_labels(
    HonourListStatus,
    {
        "nominating": ("提名中", "Nominating"),
        "reviewing": ("评审中", "Reviewing"),
        "published": ("已发布", "Published"),
    },
)


class NomineeKind(StrEnum):
    """What can be nominated."""

    ORGANISATION = "organisation"
    ACHIEVEMENT = "achievement"
    EXPERT = "expert"
    PERSON = "person"


register_labels(
    NomineeKind,
    {
        "organisation": ("机构", "Organisation"),
        "achievement": ("成果", "Achievement"),
        "expert": ("专家", "Expert"),
        "person": ("个人", "Person"),
    },
)


class Nomination(DomainModel):
    """A candidate for a list; ``nominee_id`` is None for a person not registered as an expert."""

    id: int | None = None
    nominee_kind: NomineeKind
    nominee_id: int | None = None
    nominee_name: str = Field(min_length=1, max_length=200)
    reason: str = ""
    nominated_by_user_id: int | None = None
    nominated_at: datetime | None = None


class ReviewScore(DomainModel):
    """One reviewer's score for one nomination in one round."""

    nomination_id: int
    reviewer_expert_id: int
    score: int = Field(ge=0, le=100)
    comment: str = ""


class ReviewRound(DomainModel):
    """A review round (the programme uses two) with its reviewers and their scores."""

    id: int | None = None
    number: int = Field(ge=1)
    reviewer_expert_ids: list[int] = Field(default_factory=list)
    nomination_ids: list[int] = Field(default_factory=list)
    """The nominations this round reviews (round 2: the shortlist); empty = every nomination."""
    opened_on: date | None = None
    closed_on: date | None = None
    scores: list[ReviewScore] = Field(default_factory=list)


class HonourEntry(DomainModel):
    """A published place on the list."""

    id: int | None = None
    nomination_id: int
    rank: int = Field(ge=1)
    citation: str = ""


class HonourList(Record):
    """One year's edition of one honour list, in one region (or national when region is None)."""

    kind: HonourListKind
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=300)
    region_id: int | None = None
    status: HonourListStatus = HonourListStatus.NOMINATING
    nominations: list[Nomination] = Field(default_factory=list)
    review_rounds: list[ReviewRound] = Field(default_factory=list)
    entries: list[HonourEntry] = Field(default_factory=list)
