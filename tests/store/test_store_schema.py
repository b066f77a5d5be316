"""Store: migrations equal the table definitions on this backend (drift), they downgrade and
upgrade cleanly, the audit log refuses UPDATE/DELETE in the database itself, and timestamps come
back timezone-aware."""

from __future__ import annotations

from datetime import UTC

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from kechuang.domain import Actor, Region
from kechuang.services import regions
from kechuang.store import migrate
from kechuang.store.database import dispose_engines, engine_for
from kechuang.store.tables import Base


def test_migrations_match_the_tables(database_url: str) -> None:
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = compare_metadata(context, Base.metadata)
    assert drift == [], f"tables and migrations differ; generate a migration: {drift}"
    assert migrate.current_revision(database_url) == migrate.head_revision()


def test_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    migrate.downgrade(database_url, "base")
    dispose_engines()
    assert set(inspect(engine_for(database_url)).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(database_url)
    dispose_engines()
    assert set(Base.metadata.tables) <= set(inspect(engine_for(database_url)).get_table_names())


def test_audit_log_refuses_update_and_delete_in_the_database(database_url: str) -> None:
    regions.create(Actor.system("test"), Region(name="兰州新区"))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1
        for statement in (
            "UPDATE audit_log SET actor_label = 'forged'",
            "DELETE FROM audit_log",
        ):
            with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        if engine.dialect.name == "postgresql":
            with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_log"))
        with engine.connect() as connection:
            label = connection.execute(text("SELECT actor_label FROM audit_log")).scalar()
        assert label == "test"
    finally:
        engine.dispose()


def test_timestamps_are_timezone_aware_utc(database_url: str) -> None:
    region = regions.create(Actor.system(), Region(name="兰州新区"))
    assert region.created_at is not None
    assert region.created_at.tzinfo is not None
    assert region.created_at.utcoffset() == UTC.utcoffset(None)
    again = regions.get(Actor.anonymous(), region.id or 0)
    assert again.created_at == region.created_at
