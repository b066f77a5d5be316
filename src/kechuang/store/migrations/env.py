"""Alembic environment: runs migrations on the engine Kechuang itself would use."""

from __future__ import annotations

from alembic import context

from kechuang.store.database import engine_for
from kechuang.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run the migrations in one transaction on the configured URL."""
    url = config.get_main_option("sqlalchemy.url")
    engine = engine_for(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
