"""Alembic, driven from code: ``kechuang db upgrade`` and the tests call these functions.

No ``alembic.ini`` is needed; the migration scripts ship inside the package
(``kechuang/store/migrations``), so an installed wheel can upgrade its own database.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from kechuang.config import get_settings
from kechuang.store.database import engine_for

SCRIPT_LOCATION = "kechuang.store:migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for ``url`` (default: the configured database)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option(
        "sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%")
    )
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision`` (creating the SQLite file if needed)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None, revision: str) -> None:
    """Step the database back to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of Kechuang."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
