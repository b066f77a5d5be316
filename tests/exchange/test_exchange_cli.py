"""``kechuang import | export | template`` through typer's CliRunner on a temporary SQLite file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.config import get_settings

runner = CliRunner()


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("KECHUANG_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, list(args))
    get_settings.cache_clear()
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("import", "export", "template"):
        assert command in result.stdout
    result = runner.invoke(app, ["import", "--help"])
    assert "--skip-bad-rows" in result.stdout
    assert "--lang" in result.stdout


def test_template_export_import_cycle(
    source_url: str, empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "t.xlsx"
    code, out, _ = run(empty_url, monkeypatch, "template", "regions", str(template))
    assert code == 0
    assert template.exists()
    exported = tmp_path / "regions.xlsx"
    code, out, _ = run(source_url, monkeypatch, "export", "regions", str(exported))
    assert code == 0
    assert "2" in out
    code, out, _ = run(empty_url, monkeypatch, "import", "regions", str(exported))
    assert code == 0, out
    assert "新建 2 条" in out


def test_malformed_import_exits_non_zero_naming_rows_and_columns(
    world_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 2 "Done means": missing required field in one row, wrong type in another."""
    path = tmp_path / "experts.csv"
    code, _, _ = run(world_url, monkeypatch, "export", "experts", str(path))
    assert code == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows.append(list(rows[1]))
    rows[2][rows[0].index("职称 / Title")] = "研究员"
    rows[1][rows[0].index("姓名 / Name")] = ""
    rows[2][rows[0].index("同时对接上限 / Capacity")] = "很多"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    export_before = tmp_path / "before.csv"
    run(world_url, monkeypatch, "export", "experts", str(export_before))

    code, _, err = run(world_url, monkeypatch, "import", "experts", str(path), "--lang", "en")
    assert code == 1
    assert "Row 2" in err
    assert "Name" in err
    assert "Row 3" in err
    assert "Capacity" in err
    assert "nothing was written" in err
    code, _, err = run(world_url, monkeypatch, "import", "experts", str(path))
    assert code == 1
    assert "第 2 行" in err
    assert "同时对接上限" in err

    export_after = tmp_path / "after.csv"
    run(world_url, monkeypatch, "export", "experts", str(export_after))
    assert export_after.read_bytes() == export_before.read_bytes()


def test_bad_file_exits_2_with_bilingual_message(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    code, _, err = run(empty_url, monkeypatch, "import", "regions", str(path))
    assert code == 2
    assert "不是 Excel 工作簿" in err
    assert "not an Excel workbook" in err


def test_unknown_kind(empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(empty_url, monkeypatch, "template", "widgets", str(tmp_path / "w.xlsx"))
    assert code == 2
    assert "organisations" in err


def test_skip_bad_rows_exit_zero_and_report(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "regions.csv"
    path.write_text("名称,类型\n甲区（演示）,试点园区\n乙区（演示）,火星\n", encoding="utf-8")
    code, out, err = run(empty_url, monkeypatch, "import", "regions", str(path), "--skip-bad-rows")
    assert code == 0
    assert "新建 1 条" in out
    assert "第 3 行" in err
