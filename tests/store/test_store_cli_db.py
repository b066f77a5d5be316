"""``kechuang db upgrade`` creates the embedded database from nothing; ``db current`` tells
whether it is up to date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.config import get_settings
from kechuang.store import migrate
from kechuang.store.database import dispose_engines


@pytest.fixture
def empty_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'new' / 'kechuang.sqlite3'}"
    monkeypatch.setenv("KECHUANG_DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    yield url
    dispose_engines()
    get_settings.cache_clear()


def test_upgrade_creates_the_database_and_current_reports_it(empty_sqlite: str) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 1
    assert "kechuang db upgrade" in before.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert migrate.current_revision(empty_sqlite) == migrate.head_revision()
    again = runner.invoke(app, ["db", "upgrade"])
    assert "Already at revision" in again.output
    after = runner.invoke(app, ["db", "current"])
    assert after.exit_code == 0
    assert f"current: {migrate.head_revision()}" in after.output


def test_help_is_bilingual() -> None:
    result = CliRunner().invoke(app, ["db", "--help"])
    assert result.exit_code == 0
    assert "数据库" in result.output
    assert "upgrade" in result.output
