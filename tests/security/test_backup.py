"""No data lost: ``kechuang backup`` / ``kechuang restore`` round-trip every table exactly, on
SQLite (online backup API, while a connection holds the database) and on PostgreSQL
(pg_dump/pg_restore of the server's major version), checked by per-table checksums."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner
from web_world import build_world

from kechuang.cli import app
from kechuang.cli.backup import BackupError, _pg_binary, table_checksums
from kechuang.config import get_settings
from kechuang.domain import Actor, Organisation, OrganisationKind
from kechuang.services import organisations
from kechuang.store import migrate
from kechuang.store.database import dispose_engines

RUNNER = CliRunner()


def _cli(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _round_trip(url: str, folder: Path) -> None:
    build_world()
    before = table_checksums(url)
    assert int(before["audit_log"].split(":")[0]) > 10
    assert before["alembic_version"].startswith("1:")
    backup = folder / "kechuang.backup"
    printed = _cli("backup", str(backup), "--checksums")
    assert f"organisations\t{before['organisations']}" in printed
    # Life goes on after the backup: a new record, an edit, an archive ...
    system = Actor.system("test")
    organisations.create(
        system, Organisation(kind=OrganisationKind.ENTERPRISE, name="备份后新增（演示）")
    )
    organisations.archive(system, 1)
    dispose_engines()
    changed = table_checksums(url)
    assert changed != before
    assert changed["organisations"] != before["organisations"]
    _cli("restore", str(backup))
    dispose_engines()
    assert table_checksums(url) == before
    # The restored database still works and its audit log is still append-only.
    engine = create_engine(url)
    with (
        pytest.raises(Exception, match=r"(?i)append-only|audit|not allowed|prohibited"),
        engine.begin() as connection,
    ):
        connection.execute(text("DELETE FROM audit_log"))
    engine.dispose()
    assert organisations.get(Actor.anonymous(), 2).name


def test_sqlite_round_trip_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'kechuang.sqlite3'}"
    _use(url, tmp_path, monkeypatch)
    migrate.upgrade(url)
    _round_trip(url, tmp_path)


def test_restore_refuses_a_file_of_the_wrong_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'kechuang.sqlite3'}"
    _use(url, tmp_path, monkeypatch)
    migrate.upgrade(url)
    before = table_checksums(url)
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"PGDMP not a sqlite file")
    result = RUNNER.invoke(app, ["restore", str(bogus)])
    assert result.exit_code == 1
    assert "不是 SQLite 备份" in result.output
    assert "not a SQLite backup" in result.output
    assert table_checksums(url) == before


def _use(url: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KECHUANG_DATABASE_URL", url)
    monkeypatch.setenv("KECHUANG_DATA_DIR", str(folder / "var"))
    monkeypatch.setenv("KECHUANG_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("KECHUANG_ARGON2_MEMORY_KIB", "256")
    monkeypatch.setenv("KECHUANG_ARGON2_PARALLELISM", "1")
    get_settings.cache_clear()
    dispose_engines()


@pytest.fixture
def postgres_database(_postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database of its own (dropped afterwards)."""
    name = f"kechuang_backup_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(_postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_postgres_server).set(database=name).render_as_string(hide_password=False)
    yield url
    dispose_engines()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgresql_round_trip_is_exact(
    postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        _pg_binary("pg_dump", postgres_database)
    except BackupError as error:
        pytest.skip(str(error))
    _use(postgres_database, tmp_path, monkeypatch)
    migrate.upgrade(postgres_database)
    _round_trip(postgres_database, tmp_path)
    dispose_engines()
    get_settings.cache_clear()
