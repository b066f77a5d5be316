"""Import and export through the real services on real databases.

Round trip for every aggregate (export → import into an empty database → export gives the same
bytes), the malformed import of issue 2, all-or-nothing versus --skip-bad-rows, duplicates merged,
service validation errors mapped to columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from kechuang.domain import Actor, Region, Role, User
from kechuang.exchange.aggregates import IMPORT_ORDER
from kechuang.exchange.bindings import get_binding
from kechuang.exchange.exporter import export_file, write_template
from kechuang.exchange.importer import import_file
from kechuang.exchange.messages import FileRejectedError, ImportFailedError, Language
from kechuang.services import regions, transaction, users
from kechuang.services.batch import savepoint

SYSTEM = Actor.system("test")


def table_counts(url: str) -> dict[str, int]:
    """Rows per table, every table of the database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in names
            }
    finally:
        engine.dispose()


def export_all(url: str, folder: Path, suffix: str) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind in IMPORT_ORDER:
        files[kind] = folder / f"{kind}{suffix}"
        export_file(files[kind], kind, SYSTEM, database_url=url)
    return files


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_every_aggregate(
    source_url: str, empty_url: str, tmp_path: Path, suffix: str
) -> None:
    first = export_all(source_url, tmp_path / "first", suffix)
    for kind in IMPORT_ORDER:
        report = import_file(first[kind], kind, SYSTEM, database_url=empty_url)
        assert report.errors == [], [e.render() for e in report.errors]
        assert report.created >= 1, kind  # every aggregate is really exercised
    second = export_all(empty_url, tmp_path / "second", suffix)
    for kind in IMPORT_ORDER:
        assert second[kind].read_bytes() == first[kind].read_bytes(), kind


def test_export_escapes_formula_text(world_url: str, tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    export_file(path, "organisations", SYSTEM, database_url=world_url)
    content = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in content
    assert ",=HYPERLINK" not in content
    assert "'-负号开头的简介" in content


def test_reimport_merges_instead_of_doubling(
    source_url: str, empty_url: str, tmp_path: Path
) -> None:
    files = export_all(source_url, tmp_path / "files", ".csv")
    for kind in IMPORT_ORDER:
        import_file(files[kind], kind, SYSTEM, database_url=empty_url)
    before = table_counts(empty_url)
    for kind in IMPORT_ORDER:
        report = import_file(files[kind], kind, SYSTEM, database_url=empty_url)
        assert report.created == 0, kind
    after = table_counts(empty_url)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"audit_log", "audit_entries", "audit"}, changed


def test_malformed_import_changes_nothing(world_url: str, tmp_path: Path) -> None:
    """Issue 2: a missing required field in one row, a wrong type in another → nothing written."""
    path = tmp_path / "organisations.csv"
    export_file(path, "organisations", SYSTEM, database_url=world_url)
    rows = read_csv(path)
    header = rows[0]
    name_at, employees_at = header.index("名称 / Name"), header.index("员工人数 / Employees")
    assert len(rows) >= 4
    rows[1][name_at] = ""
    rows[3][employees_at] = "一百二十"
    write_csv(path, rows)
    before = table_counts(world_url)
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, "organisations", SYSTEM, database_url=world_url)
    assert table_counts(world_url) == before
    found = {(error.row, error.column) for error in caught.value.errors}
    assert found == {(2, "名称 / Name"), (4, "员工人数 / Employees")}
    messages = [error.render(Language.EN) for error in caught.value.errors]
    assert "Row 2" in messages[0]
    assert "Fix:" in messages[0]


def test_service_validation_reaches_the_column(world_url: str, tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    write_csv(
        path,
        [
            ["名称", "机构类型", "统一社会信用代码", "所属区域"],
            ["甲公司（演示）", "企业", "91620100MA00000010", "兰州新区"],
            ["乙公司（演示）", "企业", "", "没有这个区"],
            ["丙实验室（演示）", "实验室", "", "兰州新区"],
        ],
    )
    before = table_counts(world_url)
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, "organisations", SYSTEM, database_url=world_url)
    assert table_counts(world_url) == before
    by_row = {error.row: error for error in caught.value.errors}
    assert by_row[2].column == "统一社会信用代码 / Unified social credit code"
    assert "GB 32100" in by_row[2].what.zh
    assert by_row[3].column == "所属区域 / Region"
    assert "实验室" in by_row[4].what.zh  # a whole-record rule: the lab needs a level


def test_skip_bad_rows_imports_the_good_ones(empty_url: str, tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    write_csv(
        path,
        [
            ["名称", "类型"],
            ["甲区（演示）", "试点园区"],
            ["", "试点园区"],
            ["乙区（演示）", "不存在的类型"],
            ["丙区（演示）", "Pilot city"],
        ],
    )
    with pytest.raises(ImportFailedError):
        import_file(path, "regions", SYSTEM, database_url=empty_url)
    assert table_counts(empty_url)["regions"] == 0
    report = import_file(path, "regions", SYSTEM, skip_bad_rows=True, database_url=empty_url)
    assert (report.created, report.rows_skipped) == (2, 2)
    assert [error.row for error in report.errors] == [3, 4]
    assert table_counts(empty_url)["regions"] == 2


def test_late_service_error_rolls_back_earlier_rows(world_url: str, tmp_path: Path) -> None:
    path = tmp_path / "experts.csv"
    write_csv(
        path,
        [
            ["姓名", "工作单位", "所属区域"],
            ["王示例（演示）", "兰州大学", "兰州新区"],
            ["赵示例（演示）", "兰州大学", "不存在的区域"],
        ],
    )
    before = table_counts(world_url)
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, "experts", SYSTEM, database_url=world_url)
    assert [error.row for error in caught.value.errors] == [3]
    assert table_counts(world_url) == before


def test_duplicate_rows_in_one_file_merge(empty_url: str, tmp_path: Path) -> None:
    path = tmp_path / "experts.csv"
    write_csv(
        path,
        [
            ["姓名 / Name", "工作单位 / Affiliation", "职称"],
            ["钱示例（演示）", "兰州大学", "副教授"],
            ["钱示例（演示）", "兰州大学", "教授"],
            ["钱示例（演示）", "兰州理工大学", "教授"],
        ],
    )
    report = import_file(path, "experts", SYSTEM, database_url=empty_url)
    assert (report.created, report.updated) == (2, 1)
    assert table_counts(empty_url)["experts"] == 2


@pytest.mark.parametrize("kind", IMPORT_ORDER)
def test_bad_file_per_aggregate(world_url: str, tmp_path: Path, kind: str) -> None:
    """Each aggregate's export, with its first required column blanked in row 2, imports nothing."""
    path = tmp_path / f"{kind}.csv"
    export_file(path, kind, SYSTEM, database_url=world_url)
    rows = read_csv(path)
    spec = get_binding(kind).spec
    required = next(column for column in spec.columns if column.required)
    at = rows[0].index(required.header)
    rows[1][at] = ""
    write_csv(path, rows)
    before = table_counts(world_url)
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, kind, SYSTEM, database_url=world_url)
    assert (2, required.header) in {(error.row, error.column) for error in caught.value.errors}
    assert table_counts(world_url) == before


@pytest.mark.parametrize("kind", IMPORT_ORDER)
def test_template_imports_nothing(tmp_path: Path, kind: str) -> None:
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"{kind}{suffix}"
        write_template(path, kind)
        with pytest.raises(FileRejectedError) as caught:
            import_file(path, kind, SYSTEM)
        assert "没有数据行" in caught.value.what.zh


def test_gbk_csv_import(empty_url: str, tmp_path: Path) -> None:
    path = tmp_path / "regions-gbk.csv"
    path.write_bytes("名称,类型,省份\n兰州新区,国家级新区,甘肃省\n".encode("gbk"))
    report = import_file(path, "regions", SYSTEM, database_url=empty_url)
    assert report.created == 1


def test_bare_formula_in_csv_is_refused(empty_url: str, tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    write_csv(path, [["名称", "简介"], ["甲区（演示）", '=HYPERLINK("http://spam.example","看")']])
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, "regions", SYSTEM, database_url=empty_url)
    assert caught.value.errors[0].column == "简介 / Description"
    assert table_counts(empty_url)["regions"] == 0


def create_two_then_fail() -> None:
    with savepoint():
        regions.create(SYSTEM, Region(name="撤销区一（演示）"))
        regions.create(SYSTEM, Region(name="撤销区二（演示）"))
        raise RuntimeError("boom")


def test_savepoint_undoes_a_group_of_service_calls(empty_url: str) -> None:
    """services.batch.savepoint: a failure undoes every call in the group and nothing before it."""
    with transaction(empty_url):
        regions.create(SYSTEM, Region(name="保留区（演示）"))
        with pytest.raises(RuntimeError, match="boom"):
            create_two_then_fail()
        regions.create(SYSTEM, Region(name="其后区（演示）"))
    with transaction(empty_url):
        names = [region.name for region in regions.list(SYSTEM).items]
    assert names == ["保留区（演示）", "其后区（演示）"]


def test_skip_bad_rows_leaves_no_half_written_row(world_url: str, tmp_path: Path) -> None:
    """A docking row whose creation succeeds but whose closing fails leaves no docking behind."""
    path = tmp_path / "dockings.csv"
    write_csv(
        path,
        [
            [
                "需求企业",
                "需求名称",
                "对接对象类型",
                "对接对象",
                "专家单位/成果权利人",
                "阶段",
                "关闭原因",
            ],
            [
                "兰州新区示例化工有限公司（演示）",
                "高纯电子化学品提纯工艺优化（演示）",
                "机构",
                "示例企业科协（演示）",
                "",
                "已关闭",
                "",
            ],
            [
                "兰州新区示例化工有限公司（演示）",
                "高纯电子化学品提纯工艺优化（演示）",
                "机构",
                "示例省级重点实验室（演示）",
                "",
                "已会谈",
                "",
            ],
        ],
    )
    before = table_counts(world_url)
    report = import_file(path, "dockings", SYSTEM, skip_bad_rows=True, database_url=world_url)
    assert report.created == 1
    assert {error.row for error in report.errors} == {2}
    after = table_counts(world_url)
    assert after["dockings"] == before["dockings"] + 1


def test_exports_show_only_what_the_actor_may_read(world_url: str, tmp_path: Path) -> None:
    """Issue 6 item 1 for exports: no expert contact data, no NDA demand for the public."""
    public = Actor.anonymous()
    experts_path, demands_path = tmp_path / "experts.csv", tmp_path / "demands.csv"
    export_file(experts_path, "experts", public, database_url=world_url)
    export_file(demands_path, "demands", public, database_url=world_url)
    experts_text = experts_path.read_text(encoding="utf-8-sig")
    assert "张示例（演示）" in experts_text
    assert "zhang@example.org" not in experts_text
    assert "931" not in experts_text
    demands_text = demands_path.read_text(encoding="utf-8-sig")
    assert "高纯电子化学品提纯工艺优化（演示）" in demands_text
    assert "保密需求（演示）" not in demands_text
    admin_path = tmp_path / "admin-experts.csv"
    export_file(admin_path, "experts", SYSTEM, database_url=world_url)
    assert "zhang@example.org" in admin_path.read_text(encoding="utf-8-sig")


def test_operator_cannot_import_into_another_region(world_url: str, tmp_path: Path) -> None:
    """Permissions are the services': an operator's rows for a foreign region are refused."""
    with transaction(world_url):
        lanzhou = regions.get_by_name(SYSTEM, "兰州新区")
        operator = users.create(
            SYSTEM,
            User(username="op-lanzhou", role=Role.REGION_OPERATOR, region_id=lanzhou.id),
            "a-long-enough-password-1",
        )
    actor = Actor.of(operator)
    path = tmp_path / "experts.csv"
    write_csv(
        path,
        [
            ["姓名", "工作单位", "所属区域"],
            ["本区专家（演示）", "兰州大学", "兰州新区"],
            ["外区专家（演示）", "兰州大学", "示例园区（演示）"],
        ],
    )
    before = table_counts(world_url)
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, "experts", actor, database_url=world_url)
    assert [error.row for error in caught.value.errors] == [3]
    assert table_counts(world_url) == before
    report = import_file(path, "experts", actor, skip_bad_rows=True, database_url=world_url)
    assert report.created == 1
