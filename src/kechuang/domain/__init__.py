"""The domain: every resource a pilot region works with, as validated models with bilingual
vocabularies, the docking state machine and the closed error set. Stdlib and pydantic only.

Import the models from here: ``from kechuang.domain import Demand, Expert, Actor``.
"""

from kechuang.domain.achievement import Achievement, AchievementStatus, TransferMode
from kechuang.domain.audit import AuditEntry
from kechuang.domain.common import Change, Page, Record, Upserted, utcnow, validate
from kechuang.domain.demand import (
    ConfidentialityTier,
    Demand,
    DemandStatus,
    DemandTeaser,
    NdaAcceptance,
)
from kechuang.domain.docking import (
    Docking,
    DockingHistoryEntry,
    DockingStage,
    DockingTargetKind,
    Feedback,
)
from kechuang.domain.errors import (
    Conflict,
    Detail,
    KechuangError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from kechuang.domain.event import Event, EventKind, ParticipantKind, Participation
from kechuang.domain.expert import Expert, ExpertContact, Work, WorkKind
from kechuang.domain.honour import (
    HonourEntry,
    HonourList,
    HonourListKind,
    HonourListStatus,
    Nomination,
    NomineeKind,
    ReviewRound,
    ReviewScore,
)
from kechuang.domain.organisation import LabLevel, Organisation, OrganisationKind
from kechuang.domain.region import Commitment, Region, RegionDocking, RegionKind
from kechuang.domain.user import Actor, ApiToken, Role, TokenKind, User
from kechuang.domain.visit import ResourceKind
from kechuang.domain.vocab import Language, label
from kechuang.domain.volunteer import Volunteer

__all__ = [
    "Achievement",
    "AchievementStatus",
    "Actor",
    "ApiToken",
    "AuditEntry",
    "Change",
    "Commitment",
    "ConfidentialityTier",
    "Conflict",
    "Demand",
    "DemandStatus",
    "DemandTeaser",
    "Detail",
    "Docking",
    "DockingHistoryEntry",
    "DockingStage",
    "DockingTargetKind",
    "Event",
    "EventKind",
    "Expert",
    "ExpertContact",
    "Feedback",
    "HonourEntry",
    "HonourList",
    "HonourListKind",
    "HonourListStatus",
    "KechuangError",
    "LabLevel",
    "Language",
    "NdaAcceptance",
    "Nomination",
    "NomineeKind",
    "NotFound",
    "Organisation",
    "OrganisationKind",
    "Page",
    "ParticipantKind",
    "Participation",
    "PermissionDenied",
    "Record",
    "Region",
    "RegionDocking",
    "RegionKind",
    "ResourceKind",
    "ReviewRound",
    "ReviewScore",
    "Role",
    "TokenKind",
    "TransferMode",
    "Upserted",
    "User",
    "ValidationError",
    "Volunteer",
    "Work",
    "WorkKind",
    "label",
    "utcnow",
    "validate",
]
