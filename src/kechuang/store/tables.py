"""The database schema: typed declarative tables, one per aggregate plus their child tables.

Columns mirror the domain models' field names so one generic mapping serves every repository.
Lists of codes and keywords are JSON columns (filtered by a text match on the serialised list);
enumerations are stored as their code strings; money as integer fen; timestamps as UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kechuang.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names that are the same on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 -- SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class RecordColumns:
    """Columns every aggregate root has (see ``kechuang.domain.common.Record``)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


def _region_fk(nullable: bool = True) -> Mapped[Any]:
    return mapped_column(ForeignKey("regions.id"), nullable=nullable, index=True)


class RegionRow(RecordColumns, Base):
    """科创中国 pilot regions."""

    __tablename__ = "regions"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(50))
    division_code: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(Text)
    docking_stale_days: Mapped[int | None] = mapped_column(Integer)


class OrganisationRow(RecordColumns, Base):
    """Organisations of every kind."""

    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_region_kind", "region_id", "kind"),)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int | None] = _region_fk()
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    lab_level: Mapped[str | None] = mapped_column(String(20))
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    industry_codes: Mapped[list[str]]
    discipline_codes: Mapped[list[str]]
    keywords: Mapped[list[str]]
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(300))
    website: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(254))
    founded_on: Mapped[date | None] = mapped_column(Date)
    employee_count: Mapped[int | None] = mapped_column(Integer)


class RegionDockingRow(RecordColumns, Base):
    """Organisations a region has docked (signed a cooperation with)."""

    __tablename__ = "region_dockings"
    __table_args__ = (UniqueConstraint("region_id", "organisation_id"),)
    region_id: Mapped[int] = _region_fk(nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    commitments: Mapped[list[dict[str, Any]]]
    notes: Mapped[str] = mapped_column(Text)


class ExpertRow(RecordColumns, Base):
    """Experts; ``contact`` holds the private contact data (JSON)."""

    __tablename__ = "experts"
    __table_args__ = (Index("ix_experts_name_affiliation", "name", "affiliation"),)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(100))
    affiliation: Mapped[str] = mapped_column(String(200))
    affiliation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region_id: Mapped[int | None] = _region_fk()
    is_academician: Mapped[bool] = mapped_column(Boolean)
    discipline_codes: Mapped[list[str]]
    industry_codes: Mapped[list[str]]
    keywords: Mapped[list[str]]
    think_tanks: Mapped[list[str]]
    capacity: Mapped[int] = mapped_column(Integer)
    bio: Mapped[str] = mapped_column(Text)
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WorkRow(Base):
    """An expert's papers, patents, projects and achievements."""

    __tablename__ = "works"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]]
    year: Mapped[int | None] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(String(300))
    identifier: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"))
    authors: Mapped[list[str]]


class VolunteerRow(RecordColumns, Base):
    """Science and technology volunteers."""

    __tablename__ = "volunteers"
    name: Mapped[str] = mapped_column(String(100))
    region_id: Mapped[int] = _region_fk(nullable=False)
    association_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    speciality: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[str]]
    joined_on: Mapped[date | None] = mapped_column(Date)
    service_hours: Mapped[int] = mapped_column(Integer)


class AchievementRow(RecordColumns, Base):
    """Technology achievements."""

    __tablename__ = "achievements"
    title: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text)
    region_id: Mapped[int | None] = _region_fk()
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    owner_expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    owner_name: Mapped[str] = mapped_column(String(200))
    trl: Mapped[int] = mapped_column(Integer)
    patent_numbers: Mapped[list[str]]
    transfer_modes: Mapped[list[str]]
    asking_price_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    industry_codes: Mapped[list[str]]
    discipline_codes: Mapped[list[str]]
    keywords: Mapped[list[str]]


class DemandRow(RecordColumns, Base):
    """Technology demands."""

    __tablename__ = "demands"
    __table_args__ = (Index("ix_demands_region_status", "region_id", "status"),)
    region_id: Mapped[int] = _region_fk(nullable=False)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text)
    key_problems: Mapped[str] = mapped_column(Text)
    target_indicators: Mapped[str] = mapped_column(Text)
    industry_codes: Mapped[list[str]]
    discipline_codes: Mapped[list[str]]
    keywords: Mapped[list[str]]
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    deadline: Mapped[date | None] = mapped_column(Date)
    tier: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime | None]


class NdaAcceptanceRow(Base):
    """Who accepted a demand's non-disclosure terms, and when."""

    __tablename__ = "demand_nda_acceptances"
    __table_args__ = (UniqueConstraint("demand_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_at: Mapped[datetime]


class EventRow(RecordColumns, Base):
    """Docking events, roadshows, trainings, forums."""

    __tablename__ = "events"
    region_id: Mapped[int] = _region_fk(nullable=False)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(300))
    industry_codes: Mapped[list[str]] = mapped_column(server_default="[]")
    organiser_ids: Mapped[list[int]]
    trainee_count: Mapped[int] = mapped_column(Integer)


class EventParticipantRow(Base):
    """Invited parties of an event and whether they attended."""

    __tablename__ = "event_participants"
    __table_args__ = (UniqueConstraint("event_id", "participant_kind", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_kind: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[int] = mapped_column(Integer)
    invited: Mapped[bool] = mapped_column(Boolean)
    attended: Mapped[bool] = mapped_column(Boolean)


class DockingRow(RecordColumns, Base):
    """Dockings between a demand and an expert, organisation or achievement."""

    __tablename__ = "dockings"
    __table_args__ = (
        Index("ix_dockings_target", "target_kind", "target_id"),
        Index("ix_dockings_region_stage", "region_id", "stage"),
    )
    region_id: Mapped[int] = _region_fk(nullable=False)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    closed_reason: Mapped[str] = mapped_column(Text)
    contract_value_fen: Mapped[int | None] = mapped_column(BigInteger)
    signed_on: Mapped[date | None] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    enterprise_feedback: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    provider_feedback: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)


class DockingHistoryRow(Base):
    """Every stage change of a docking."""

    __tablename__ = "docking_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    docking_id: Mapped[int] = mapped_column(
        ForeignKey("dockings.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)


class HonourListRow(RecordColumns, Base):
    """One year's edition of an honour list."""

    __tablename__ = "honour_lists"
    kind: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int | None] = _region_fk()
    status: Mapped[str] = mapped_column(String(20))


class NominationRow(Base):
    """Candidates for an honour list."""

    __tablename__ = "honour_nominations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    honour_list_id: Mapped[int] = mapped_column(
        ForeignKey("honour_lists.id", ondelete="CASCADE"), index=True
    )
    nominee_kind: Mapped[str] = mapped_column(String(20))
    nominee_id: Mapped[int | None] = mapped_column(Integer)
    nominee_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    nominated_by_user_id: Mapped[int | None] = mapped_column(Integer)
    nominated_at: Mapped[datetime | None]


class ReviewRoundRow(Base):
    """Review rounds of an honour list; scores are JSON (few per round, always read together)."""

    __tablename__ = "honour_review_rounds"
    __table_args__ = (UniqueConstraint("honour_list_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    honour_list_id: Mapped[int] = mapped_column(
        ForeignKey("honour_lists.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    reviewer_expert_ids: Mapped[list[int]]
    nomination_ids: Mapped[list[int]] = mapped_column(server_default="[]")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    scores: Mapped[list[dict[str, Any]]]


class HonourEntryRow(Base):
    """Published places on an honour list."""

    __tablename__ = "honour_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    honour_list_id: Mapped[int] = mapped_column(
        ForeignKey("honour_lists.id", ondelete="CASCADE"), index=True
    )
    nomination_id: Mapped[int] = mapped_column(ForeignKey("honour_nominations.id"))
    rank: Mapped[int] = mapped_column(Integer)
    citation: Mapped[str] = mapped_column(Text)


class UserRow(RecordColumns, Base):
    """Accounts; ``password_hash`` is argon2id and never leaves the store."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(30))
    region_id: Mapped[int | None] = _region_fk()
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    is_active: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(5))
    last_login_at: Mapped[datetime | None]
    failed_sign_ins: Mapped[int] = mapped_column(Integer, server_default="0")
    locked_until: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(String(200))


class TokenRow(RecordColumns, Base):
    """API tokens, sessions, reset links: SHA-256 of a 256-bit random secret, never the secret."""

    __tablename__ = "user_tokens"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class VisitRow(Base):
    """One visitor (salted daily hash) on one public resource page on one day."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("day", "resource_kind", "resource_id", "visitor_hash"),
        Index("ix_visits_region_day", "region_id", "day"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    region_id: Mapped[int | None] = mapped_column(Integer)
    resource_kind: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[int] = mapped_column(Integer)
    visitor_hash: Mapped[str] = mapped_column(String(64))


class AuditRow(Base):
    """The append-only audit log; triggers (``kechuang.store.guards``) refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_kind", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_label: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity_kind: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
