"""Initial schema: every aggregate's tables and the append-only guard on the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kechuang.store.guards import drop_audit_guards, install_audit_guards
from kechuang.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity_kind", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_actor_user_id"), ["actor_user_id"], unique=False
        )
        batch_op.create_index("ix_audit_log_entity", ["entity_kind", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_region_id"), ["region_id"], unique=False)

    op.create_table(
        "regions",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=50), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "events",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("organiser_ids", sa.JSON(), nullable=False),
        sa.Column("trainee_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_events_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_region_id"), ["region_id"], unique=False)

    op.create_table(
        "honour_lists",
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_honour_lists_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_lists")),
    )
    with op.batch_alter_table("honour_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_honour_lists_region_id"), ["region_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("lab_level", sa.String(length=20), nullable=True),
        sa.Column("host_organisation_id", sa.Integer(), nullable=True),
        sa.Column("industry_codes", sa.JSON(), nullable=False),
        sa.Column("discipline_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("employee_count", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_host_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_organisations_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organisations_credit_code")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_organisations_region_kind", ["region_id", "kind"], unique=False)

    op.create_table(
        "demands",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("key_problems", sa.Text(), nullable=False),
        sa.Column("target_indicators", sa.Text(), nullable=False),
        sa.Column("industry_codes", sa.JSON(), nullable=False),
        sa.Column("discipline_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["organisations.id"],
            name=op.f("fk_demands_enterprise_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_demands_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demands")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demands_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_demands_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_demands_region_status", ["region_id", "status"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_kind", sa.String(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participants")),
        sa.UniqueConstraint(
            "event_id",
            "participant_kind",
            "participant_id",
            name=op.f("uq_event_participants_event_id"),
        ),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_participants_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "experts",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("affiliation", sa.String(length=200), nullable=False),
        sa.Column("affiliation_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("is_academician", sa.Boolean(), nullable=False),
        sa.Column("discipline_codes", sa.JSON(), nullable=False),
        sa.Column("industry_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("think_tanks", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["affiliation_id"],
            ["organisations.id"],
            name=op.f("fk_experts_affiliation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_experts_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
    )
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.create_index("ix_experts_name_affiliation", ["name", "affiliation"], unique=False)
        batch_op.create_index(batch_op.f("ix_experts_region_id"), ["region_id"], unique=False)

    op.create_table(
        "honour_nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honour_list_id", sa.Integer(), nullable=False),
        sa.Column("nominee_kind", sa.String(length=20), nullable=False),
        sa.Column("nominee_id", sa.Integer(), nullable=True),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("nominated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("nominated_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["honour_list_id"],
            ["honour_lists.id"],
            name=op.f("fk_honour_nominations_honour_list_id_honour_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_nominations")),
    )
    with op.batch_alter_table("honour_nominations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honour_nominations_honour_list_id"), ["honour_list_id"], unique=False
        )

    op.create_table(
        "honour_review_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honour_list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reviewer_expert_ids", sa.JSON(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["honour_list_id"],
            ["honour_lists.id"],
            name=op.f("fk_honour_review_rounds_honour_list_id_honour_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_review_rounds")),
        sa.UniqueConstraint(
            "honour_list_id", "number", name=op.f("uq_honour_review_rounds_honour_list_id")
        ),
    )
    with op.batch_alter_table("honour_review_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honour_review_rounds_honour_list_id"), ["honour_list_id"], unique=False
        )

    op.create_table(
        "region_dockings",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("commitments", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_region_dockings_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_region_dockings_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_dockings")),
        sa.UniqueConstraint(
            "region_id", "organisation_id", name=op.f("uq_region_dockings_region_id")
        ),
    )
    with op.batch_alter_table("region_dockings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_region_dockings_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_region_dockings_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "volunteers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("speciality", sa.String(length=200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("service_hours", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["organisations.id"],
            name=op.f("fk_volunteers_association_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_volunteers_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
    )
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteers_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_volunteers_region_id"), ["region_id"], unique=False)

    op.create_table(
        "achievements",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("owner_expert_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("trl", sa.Integer(), nullable=False),
        sa.Column("patent_numbers", sa.JSON(), nullable=False),
        sa.Column("transfer_modes", sa.JSON(), nullable=False),
        sa.Column("asking_price_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("industry_codes", sa.JSON(), nullable=False),
        sa.Column("discipline_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_expert_id"],
            ["experts.id"],
            name=op.f("fk_achievements_owner_expert_id_experts"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_achievements_owner_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_achievements_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
    )
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_achievements_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_achievements_title"), ["title"], unique=False)

    op.create_table(
        "dockings",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("closed_reason", sa.Text(), nullable=False),
        sa.Column("contract_value_fen", sa.BigInteger(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_feedback", sa.JSON(), nullable=True),
        sa.Column("provider_feedback", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_dockings_demand_id_demands")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_dockings_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_dockings_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dockings")),
    )
    with op.batch_alter_table("dockings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dockings_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dockings_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dockings_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_dockings_region_stage", ["region_id", "stage"], unique=False)
        batch_op.create_index("ix_dockings_target", ["target_kind", "target_id"], unique=False)

    op.create_table(
        "honour_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honour_list_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["honour_list_id"],
            ["honour_lists.id"],
            name=op.f("fk_honour_entries_honour_list_id_honour_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["honour_nominations.id"],
            name=op.f("fk_honour_entries_nomination_id_honour_nominations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_entries")),
    )
    with op.batch_alter_table("honour_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honour_entries_honour_list_id"), ["honour_list_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_users_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_users_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_users_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_region_id"), ["region_id"], unique=False)

    op.create_table(
        "demand_nda_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_demand_nda_acceptances_demand_id_demands")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_demand_nda_acceptances_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_nda_acceptances")),
        sa.UniqueConstraint(
            "demand_id", "user_id", name=op.f("uq_demand_nda_acceptances_demand_id")
        ),
    )
    with op.batch_alter_table("demand_nda_acceptances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demand_nda_acceptances_demand_id"), ["demand_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_demand_nda_acceptances_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "docking_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("docking_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["docking_id"],
            ["dockings.id"],
            name=op.f("fk_docking_history_docking_id_dockings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_docking_history")),
    )
    with op.batch_alter_table("docking_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_docking_history_docking_id"), ["docking_id"], unique=False
        )

    op.create_table(
        "user_tokens",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_user_tokens_secret_hash")),
    )
    with op.batch_alter_table("user_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "works",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_works_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["experts.id"],
            name=op.f("fk_works_expert_id_experts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_works")),
    )
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_works_expert_id"), ["expert_id"], unique=False)

    install_audit_guards(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    drop_audit_guards(op.get_bind())
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_works_expert_id"))

    op.drop_table("works")
    with op.batch_alter_table("user_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_tokens_user_id"))

    op.drop_table("user_tokens")
    with op.batch_alter_table("docking_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_docking_history_docking_id"))

    op.drop_table("docking_history")
    with op.batch_alter_table("demand_nda_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_nda_acceptances_user_id"))
        batch_op.drop_index(batch_op.f("ix_demand_nda_acceptances_demand_id"))

    op.drop_table("demand_nda_acceptances")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_region_id"))
        batch_op.drop_index(batch_op.f("ix_users_email"))

    op.drop_table("users")
    with op.batch_alter_table("honour_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honour_entries_honour_list_id"))

    op.drop_table("honour_entries")
    with op.batch_alter_table("dockings", schema=None) as batch_op:
        batch_op.drop_index("ix_dockings_target")
        batch_op.drop_index("ix_dockings_region_stage")
        batch_op.drop_index(batch_op.f("ix_dockings_region_id"))
        batch_op.drop_index(batch_op.f("ix_dockings_event_id"))
        batch_op.drop_index(batch_op.f("ix_dockings_demand_id"))

    op.drop_table("dockings")
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievements_title"))
        batch_op.drop_index(batch_op.f("ix_achievements_region_id"))

    op.drop_table("achievements")
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteers_region_id"))
        batch_op.drop_index(batch_op.f("ix_volunteers_association_id"))

    op.drop_table("volunteers")
    with op.batch_alter_table("region_dockings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_dockings_region_id"))
        batch_op.drop_index(batch_op.f("ix_region_dockings_organisation_id"))

    op.drop_table("region_dockings")
    with op.batch_alter_table("honour_review_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honour_review_rounds_honour_list_id"))

    op.drop_table("honour_review_rounds")
    with op.batch_alter_table("honour_nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honour_nominations_honour_list_id"))

    op.drop_table("honour_nominations")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experts_region_id"))
        batch_op.drop_index("ix_experts_name_affiliation")

    op.drop_table("experts")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participants_event_id"))

    op.drop_table("event_participants")
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_index("ix_demands_region_status")
        batch_op.drop_index(batch_op.f("ix_demands_region_id"))
        batch_op.drop_index(batch_op.f("ix_demands_enterprise_id"))

    op.drop_table("demands")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_region_kind")
        batch_op.drop_index(batch_op.f("ix_organisations_region_id"))
        batch_op.drop_index(batch_op.f("ix_organisations_name"))

    op.drop_table("organisations")
    with op.batch_alter_table("honour_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honour_lists_region_id"))

    op.drop_table("honour_lists")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_region_id"))

    op.drop_table("events")
    op.drop_table("regions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_region_id"))
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_user_id"))

    op.drop_table("audit_log")
