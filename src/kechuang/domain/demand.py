"""Technology demands (科技需求): an enterprise's technical problem, in the fields 科创中国 uses.

The confidentiality tier decides who sees more than the teaser (title, industry, region): public
demands are open to all, ``members`` to signed-in users, ``nda`` only to those who accepted the
non-disclosure terms (recorded in the audit log).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from kechuang.domain.common import DisciplineCodes, DomainModel, Fen, IndustryCodes, Record
from kechuang.domain.vocab import register_labels


class ConfidentialityTier(StrEnum):
    """Who may read a demand's details."""

    PUBLIC = "public"
    MEMBERS = "members"
    NDA = "nda"


register_labels(
    ConfidentialityTier,
    {
        "public": ("公开", "Public"),
        "members": ("会员可见", "Members only"),
        "nda": ("签署保密协议后可见", "Under NDA"),
    },
)


class DemandStatus(StrEnum):
    """A demand's life: drafted, reviewed, published, docked, solved or closed."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    DOCKING = "docking"
    SOLVED = "solved"
    CLOSED = "closed"


register_labels(
    DemandStatus,
    {
        "draft": ("草稿", "Draft"),
        "pending_review": ("待审核", "Pending review"),
        "published": ("已发布", "Published"),
        "docking": ("对接中", "In docking"),
        "solved": ("已解决", "Solved"),
        "closed": ("已关闭", "Closed"),
    },
)


class Demand(Record):
    """A technology demand with every field the 科创中国 demand form has."""

    region_id: int
    enterprise_id: int
    title: str = Field(min_length=2, max_length=200)
    background: str = ""
    key_problems: str = ""
    """关键技术难题."""
    target_indicators: str = ""
    """技术指标: what 'solved' means, measurably."""
    industry_codes: IndustryCodes = Field(default_factory=list)
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    budget_fen: Fen | None = None
    deadline: date | None = None
    tier: ConfidentialityTier = ConfidentialityTier.PUBLIC
    status: DemandStatus = DemandStatus.DRAFT
    contact_name: str = ""
    published_at: datetime | None = None


class DemandTeaser(DomainModel):
    """What anyone may see of any published demand, whatever its tier."""

    id: int
    region_id: int
    title: str
    industry_codes: list[str]
    tier: ConfidentialityTier
    status: DemandStatus
    is_demo: bool = False

    @classmethod
    def of(cls, demand: Demand) -> DemandTeaser:
        """The teaser of a stored demand."""
        assert demand.id is not None
        return cls(
            id=demand.id,
            region_id=demand.region_id,
            title=demand.title,
            industry_codes=list(demand.industry_codes),
            tier=demand.tier,
            status=demand.status,
            is_demo=demand.is_demo,
        )


class NdaAcceptance(DomainModel):
    """A user's acceptance of a demand's non-disclosure terms."""

    demand_id: int
    user_id: int
    accepted_at: datetime
