"""Technology achievements (科技成果) offered for transfer."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from kechuang.domain.common import DisciplineCodes, Fen, IndustryCodes, Record
from kechuang.domain.vocab import register_labels


class TransferMode(StrEnum):
    """How an achievement changes hands."""

    ASSIGNMENT = "assignment"
    LICENCE = "licence"
    EQUITY = "equity"
    JOINT_DEVELOPMENT = "joint_development"


register_labels(
    TransferMode,
    {
        "assignment": ("转让", "Assignment"),
        "licence": ("许可", "Licence"),
        "equity": ("作价入股", "Equity investment"),
        "joint_development": ("合作开发", "Joint development"),
    },
)


class AchievementStatus(StrEnum):
    """Where an achievement is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    NEGOTIATING = "negotiating"
    TRANSFERRED = "transferred"
    WITHDRAWN = "withdrawn"


register_labels(
    AchievementStatus,
    {
        "draft": ("草稿", "Draft"),
        "published": ("已发布", "Published"),
        "negotiating": ("洽谈中", "Negotiating"),
        "transferred": ("已转化", "Transferred"),
        "withdrawn": ("已撤回", "Withdrawn"),
    },
)


class Achievement(Record):
    """An achievement with owner, maturity (TRL 1–9), IP, transfer modes and asking price."""

    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    region_id: int | None = None
    owner_organisation_id: int | None = None
    owner_expert_id: int | None = None
    owner_name: str = Field("", max_length=200)
    """Display name of the owner, also when the owner is not registered."""
    trl: int = Field(ge=1, le=9)
    """Technology readiness level, 1 (principle observed) to 9 (proven in operation)."""
    patent_numbers: list[str] = Field(default_factory=list)
    transfer_modes: list[TransferMode] = Field(default_factory=list)
    asking_price_fen: Fen | None = None
    status: AchievementStatus = AchievementStatus.PUBLISHED
    industry_codes: IndustryCodes = Field(default_factory=list)
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
