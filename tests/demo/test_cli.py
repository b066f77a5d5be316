"""The `demo` and `stats` commands' help and their refusals (fast: no demo is built here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.config import get_settings
from kechuang.domain import Actor, Region
from kechuang.services import regions
from kechuang.store.database import dispose_engines

runner = CliRunner()


@pytest.fixture
def unmigrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("KECHUANG_DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("command", "option", "chinese"),
    [("demo", "--seed", "演示数据"), ("stats", "--region", "区域统计")],
)
def test_help_is_bilingual(command: str, option: str, chinese: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert option in result.output
    assert chinese in result.output


def test_stats_on_a_database_never_set_up_says_what_to_run(unmigrated: str) -> None:
    result = runner.invoke(app, ["stats", "--region", "兰州新区"])
    assert result.exit_code == 2
    assert "kechuang db upgrade" in result.output
    assert "数据库尚未初始化" in result.output


def test_stats_refuses_a_bad_year_and_reads_an_empty_region(database_url: str) -> None:
    regions.create(Actor.system("test"), Region(name="空区"))
    bad = runner.invoke(app, ["stats", "--region", "空区", "--year", "1800"])
    assert bad.exit_code == 2
    assert "2000" in bad.output
    empty = runner.invoke(app, ["stats", "--region", "空区", "--json"])
    assert empty.exit_code == 0, empty.output
    figures = json.loads(empty.output)
    assert figures["region"] == "空区"
    assert all(
        value == 0
        for key, value in figures.items()
        if key not in ("region_id", "region", "region_en", "year")
    )
    assert figures["year"] is None


def test_stats_without_region_lists_every_region(database_url: str) -> None:
    for name in ("甲区", "乙区"):
        regions.create(Actor.system("test"), Region(name=name))
    listed = runner.invoke(app, ["stats", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [f["region"] for f in json.loads(listed.output)] == ["甲区", "乙区"]
    table = runner.invoke(app, ["stats"])
    assert table.exit_code == 0, table.output
    assert "乙区" in table.output
