"""The demo world as plain records, independent of the database.

The generator (`kechuang.demo.generate`) produces a `DemoWorld`; the builder
(`kechuang.demo.builder`) writes it through the services. Keeping the two apart lets the content
be tested for determinism and plausibility without a database, and keeps the service wiring small.
Every record has a stable `key` so that references between records survive a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

DEMO_MARK_ZH = "【演示】"
DEMO_MARK_EN = "[Demo]"
FICTIONAL_NOTE = (
    "【演示】虚构，与任何真实单位或个人无关。[Demo] Fictional; unrelated to any real one."
)
REAL_NOTE = (
    "【演示】真实机构，名称与事实引自公开报道；本演示中与其相关的对接、日期和数字为虚构。"
    "[Demo] Real organisation named in public reports; its demo relations and figures are invented."
)


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """A 科创中国 pilot city or park."""

    key: str
    name: str
    name_en: str
    kind: str  # RegionKind code: city / park / new_area / county
    province: str
    joined_on: date
    description: str


@dataclass(frozen=True, slots=True)
class OrganisationSpec:
    """An organisation of any kind; `kind` and `lab_level` use the domain's vocabulary codes."""

    key: str
    kind: str
    name: str
    name_en: str
    description: str
    region_key: str | None
    industry_codes: tuple[str, ...] = ()
    discipline_codes: tuple[str, ...] = ()
    lab_level: str | None = None
    host_key: str | None = None  # e.g. the enterprise hosting a workstation or an association
    founded_on: date | None = None
    employee_count: int | None = None
    keywords: tuple[str, ...] = ()
    address: str = ""
    fictional: bool = True


@dataclass(frozen=True, slots=True)
class RegionDockingSpec:
    """A region's docking with an organisation (e.g. a national society's cooperation)."""

    region_key: str
    organisation_key: str
    docked_on: date
    commitments: tuple[tuple[str, int | None, str], ...]  # (description, target, unit)
    notes: str
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class WorkSpec:
    """One of an expert's works; together they are the expert's profile."""

    kind: str  # WorkKind code: paper / patent / project / achievement
    title: str
    abstract: str
    keywords: tuple[str, ...]
    year: int
    venue: str  # journal kind, patent office or funding programme
    identifier: str  # patent or project number; marked as a demo identifier


@dataclass(frozen=True, slots=True)
class ExpertSpec:
    """A fictional expert with works derived from the demo topics."""

    key: str
    name: str
    title: str
    affiliation_key: str
    affiliation: str
    region_key: str | None
    is_academician: bool
    discipline_codes: tuple[str, ...]
    industry_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    think_tanks: tuple[str, ...]
    capacity: int
    email: str
    phone: str
    bio: str
    topic_keys: tuple[str, ...]
    works: tuple[WorkSpec, ...]


@dataclass(frozen=True, slots=True)
class VolunteerSpec:
    """A 科技志愿者, a member of an enterprise science association."""

    key: str
    name: str
    region_key: str
    association_key: str
    speciality: str
    skills: tuple[str, ...]
    joined_on: date
    service_hours: int


@dataclass(frozen=True, slots=True)
class AchievementSpec:
    """A technology achievement offered for transfer."""

    key: str
    title: str
    owner_key: str
    owner_name: str
    region_key: str | None
    description: str
    trl: int
    patent_numbers: tuple[str, ...]
    transfer_modes: tuple[str, ...]  # TransferMode codes
    asking_price_yuan: int | None
    status: str  # AchievementStatus code
    topic_key: str | None
    industry_codes: tuple[str, ...]
    discipline_codes: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemandSpec:
    """An enterprise's technology demand (科技需求)."""

    key: str
    enterprise_key: str
    region_key: str
    topic_key: str
    title: str
    background: str
    key_problems: str
    target_indicators: str
    industry_code: str
    discipline_code: str
    keywords: tuple[str, ...]
    budget_yuan: int
    deadline: date
    tier: str  # ConfidentialityTier code: public / members / nda
    status: str  # DemandStatus code
    published_on: date | None
    contact_name: str


@dataclass(frozen=True, slots=True)
class DockingSpec:
    """A demand paired with an expert, organisation or achievement, and the path it took."""

    key: str
    demand_key: str
    region_key: str
    target_kind: str  # DockingTargetKind code: expert / organisation / achievement
    target_key: str
    path: tuple[str, ...]  # stages after `proposed`, in order; may end in `closed`
    close_reason: str
    contract_value_yuan: int | None
    signed_on: date | None
    delivered_on: date | None
    enterprise_feedback: tuple[int, str] | None  # (rating 1–5, comment)
    provider_feedback: tuple[int, str] | None
    note: str
    stage_at: tuple[datetime, ...] = ()
    """When each step happened (UTC): `proposed`, then one per stage of `path`; empty = now."""


@dataclass(frozen=True, slots=True)
class EventSpec:
    """A docking event, roadshow, training or forum."""

    key: str
    region_key: str
    kind: str  # EventKind code: docking_event / roadshow / training / forum
    title: str
    held_on: date
    location: str
    description: str
    organiser_keys: tuple[str, ...]
    participant_keys: tuple[str, ...]  # organisations
    expert_keys: tuple[str, ...]
    trainees: int
    docking_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NominationSpec:
    """A nomination to an honour list; `rank` is set for those that made the list."""

    organisation_key: str
    reason: str
    rank: int | None
    citation: str


@dataclass(frozen=True, slots=True)
class HonourListSpec:
    """A 科创中国 honour list of one year."""

    key: str
    kind: str  # HonourListKind code
    year: int
    title: str
    nominations: tuple[NominationSpec, ...]
    reviewer_keys: tuple[str, ...]  # candidate reviewers (those with a conflict are skipped)
    region_key: str | None = None  # None: a national list
    phase: str = "published"
    """How far the list has come: nominating, round1 (open), round2 (open, on the shortlist of
    ranked nominations) or published — the operator pages show a list in each phase."""


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A demo account for one role."""

    username: str
    display_name: str
    role: str  # national_admin / region_operator / enterprise_member / expert / org_member
    region_key: str | None
    organisation_key: str | None = None
    expert_key: str | None = None


@dataclass(slots=True)
class DemoWorld:
    """Everything `kechuang demo` writes, in dependency order."""

    seed: int
    regions: list[RegionSpec] = field(default_factory=list)
    organisations: list[OrganisationSpec] = field(default_factory=list)
    region_dockings: list[RegionDockingSpec] = field(default_factory=list)
    experts: list[ExpertSpec] = field(default_factory=list)
    volunteers: list[VolunteerSpec] = field(default_factory=list)
    achievements: list[AchievementSpec] = field(default_factory=list)
    demands: list[DemandSpec] = field(default_factory=list)
    dockings: list[DockingSpec] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)
    honour_lists: list[HonourListSpec] = field(default_factory=list)
    users: list[UserSpec] = field(default_factory=list)

    def organisations_of(self, region_key: str, kind: str) -> list[OrganisationSpec]:
        """The organisations of one kind located in a region."""
        return [o for o in self.organisations if o.region_key == region_key and o.kind == kind]
