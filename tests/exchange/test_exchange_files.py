"""Reading and writing files: bad files are refused with a clear bilingual error (issue 6 item 3),
good files stream row by row, and exports never carry a live formula."""

from __future__ import annotations

import codecs
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kechuang.exchange.cells import CellError, parse_cell
from kechuang.exchange.messages import FileRejectedError
from kechuang.exchange.readers import DATA_SHEET, Limits, RawRow, read_rows
from kechuang.exchange.spec import SheetSpec
from kechuang.exchange.writers import write_table

HEADER = ["名称 / Name", "类型 / Kind", "人数 / Count"]


def rows_of(path: Path, spec: SheetSpec, limits: Limits | None = None) -> list[RawRow]:
    return list(read_rows(path, spec, limits))


def rejected(path: Path, spec: SheetSpec, limits: Limits | None = None) -> FileRejectedError:
    with pytest.raises(FileRejectedError) as caught:
        rows_of(path, spec, limits)
    error = caught.value
    # bilingual, says what and how to fix
    assert error.what.zh
    assert error.what.en
    assert error.fix.zh
    assert error.fix.en
    return error


def workbook(path: Path, rows: list[list[object]], title: str = DATA_SHEET) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return book


# ----------------------------------------------------------------------------------- good files


def test_xlsx_rows_with_numbers_from_header_row_two(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "ok.xlsx"
    workbook(path, [HEADER, ["甲", "企业", 3], [None, None, None], ["乙", "Lab", None]])
    rows = rows_of(path, sample)
    assert [row.number for row in rows] == [2, 4]
    assert rows[0].values == {"name": "甲", "kind": "企业", "count": 3}


@pytest.mark.parametrize(
    "header",
    [["名称", "类型"], ["Name", "Kind"], ["名称 / Name", "KIND"], ["名称（Name）*", "类型/Kind"]],
)
def test_headers_in_either_language(tmp_path: Path, sample: SheetSpec, header: list[str]) -> None:
    path = tmp_path / "h.csv"
    path.write_text(",".join(header) + "\n甲,企业\n", encoding="utf-8")
    if "名称（Name）*" in header:
        # a parenthesised combined form is not one of the accepted spellings
        rejected(path, sample)
        return
    assert rows_of(path, sample)[0].values == {"name": "甲", "kind": "企业"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path: Path, sample: SheetSpec, encoding: str) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes("名称,类型\n兰州新区示例化工,实验室\n".encode(encoding))
    rows = rows_of(path, sample)
    assert rows[0].values == {"name": "兰州新区示例化工", "kind": "实验室"}
    assert rows[0].number == 2


def test_hidden_extra_sheets_are_ignored(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "hidden.xlsx"
    book = openpyxl.Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "secret"
    hidden.append(["名称", "类型"])
    hidden.append(["不应导入", "企业"])
    hidden.sheet_state = "hidden"
    data = book.create_sheet(DATA_SHEET)
    data.append(["名称", "类型"])
    data.append(["甲", "企业"])
    book.save(path)
    assert [row.values["name"] for row in rows_of(path, sample)] == ["甲"]


def test_formula_cell_is_a_row_problem_not_a_value(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "formula.xlsx"
    workbook(path, [HEADER, ["甲", "企业", "=1+2"], ["乙", "企业", 2]])
    first, second = rows_of(path, sample)
    assert "count" not in first.values
    column, what, _fix = first.problems[0]
    assert column is not None
    assert column.key == "count"
    assert "C2" in what.zh
    assert "公式" in what.zh
    assert "formula" in what.en
    assert second.problems == []


# ------------------------------------------------------------------------------------ bad files


def test_empty_file(tmp_path: Path, sample: SheetSpec) -> None:
    for name in ("empty.xlsx", "empty.csv"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert "空" in rejected(path, sample).what.zh


def test_text_named_xlsx(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("名称,类型\n甲,企业\n", encoding="utf-8")
    error = rejected(path, sample)
    assert "不是 Excel 工作簿" in error.what.zh
    assert ".csv" in error.fix.en


def test_old_xls_or_encrypted(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert ".xls" in rejected(path, sample).what.zh


def test_zip_that_is_not_a_workbook(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "损坏" in rejected(path, sample).what.zh


def test_zip_bomb_is_refused_before_decompression(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(64):
                member.write(zeros)
    assert path.stat().st_size < 1024 * 1024
    error = rejected(path, sample)
    assert "压缩炸弹" in error.what.zh
    assert "zip bomb" in error.what.en


def test_declared_size_over_the_limit(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "big.xlsx"
    workbook(path, [HEADER, ["甲", "企业", 1]])
    limits = Limits(max_uncompressed_bytes=1000)
    assert "过大" in rejected(path, sample, limits).what.zh


def test_merged_cells(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "merged.xlsx"
    book = workbook(path, [HEADER, ["甲", "企业", 1], ["乙", "企业", 2]])
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("B2:B3")
    book.save(path)
    error = rejected(path, sample)
    assert "B2:B3" in error.what.zh
    assert "merged" in error.what.en


def test_hidden_data_sheet(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "hidden-data.xlsx"
    book = openpyxl.Workbook()
    visible = book.active
    assert visible is not None
    visible.title = "其他"
    data = book.create_sheet(DATA_SHEET)
    data.append(["名称", "类型"])
    data.sheet_state = "hidden"
    book.save(path)
    assert "隐藏" in rejected(path, sample).what.zh


def test_wrong_sheet_names_the_sheet_and_the_expected_header(
    tmp_path: Path, sample: SheetSpec
) -> None:
    path = tmp_path / "wrong.xlsx"
    workbook(path, [["姓名", "身份证号"], ["张三", "6201"]], title="Sheet1")
    error = rejected(path, sample)
    assert "Sheet1" in error.what.zh
    assert "姓名" in error.what.zh
    assert "名称 / Name" in error.fix.zh


def test_missing_required_column(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "missing.csv"
    path.write_text("名称,人数\n甲,1\n", encoding="utf-8")
    error = rejected(path, sample)
    assert "类型 / Kind" in error.what.zh


def test_duplicate_column(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("名称,类型,Kind\n甲,企业,企业\n", encoding="utf-8")
    assert "两次" in rejected(path, sample).what.zh


def test_undecodable_and_utf16_csv(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\xff\xff\x80\x80" * 10)
    assert "UTF-16" in rejected(path, sample).what.en
    path.write_bytes(b"name,kind\n\xff\x80\xff,x\n")
    assert "encoding" in rejected(path, sample).what.en
    path.write_bytes(codecs.BOM_UTF16_LE + "名称,类型\n".encode("utf-16-le"))
    assert "UTF-16" in rejected(path, sample).what.en


def test_workbook_named_csv(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "book.csv"
    workbook(path.with_suffix(".xlsx"), [HEADER])
    path.write_bytes(path.with_suffix(".xlsx").read_bytes())
    assert "Excel" in rejected(path, sample).what.zh


def test_unsupported_suffix(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "data.xls"
    path.write_bytes(b"x")
    assert ".xls" in rejected(path, sample).what.zh


@pytest.mark.slow
def test_a_million_csv_rows_stop_at_the_limit_in_bounded_memory(
    tmp_path: Path, sample: SheetSpec
) -> None:
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("名称,类型,人数\n")
        line = "兰州新区示例企业,企业,12\n"
        for _ in range(1000):
            handle.write(line * 1000)
    seen: list[int] = []

    def consume() -> None:
        for row in read_rows(path, sample):  # rows are not kept, only their numbers
            seen.append(row.number)

    tracemalloc.start()
    try:
        with pytest.raises(FileRejectedError) as caught:
            consume()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(seen) == 50_000
    assert "50000" in caught.value.what.zh
    assert "50000" in caught.value.what.en
    assert peak < 20 * 1024 * 1024, f"peak {peak} bytes: rows are not streamed"


def test_xlsx_row_limit(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "many.xlsx"
    workbook(path, [HEADER] + [[f"企业{i}", "企业", i] for i in range(30)])
    assert "20" in rejected(path, sample, Limits(max_rows=20)).what.zh
    assert len(rows_of(path, sample, Limits(max_rows=30))) == 30


def test_file_size_limit(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "big.csv"
    path.write_text("名称,类型\n" + "甲,企业\n" * 100, encoding="utf-8")
    assert "太大" in rejected(path, sample, Limits(max_file_bytes=100)).what.zh


def test_broken_csv_quotes(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "quotes.csv"
    path.write_bytes('名称,类型\n甲,"企业\n乙,企业\n'.encode())
    error = rejected(path, sample)
    assert "第 3 行" in error.what.zh
    assert "quotes" in error.fix.en


def test_control_characters_in_a_cell(tmp_path: Path, sample: SheetSpec) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes("名称,类型\n甲\0,企业\n".encode())
    (row,) = rows_of(path, sample)
    with pytest.raises(CellError) as caught:
        parse_cell(row.values["name"], sample.columns[0])
    assert "控制字符" in caught.value.what.zh


# --------------------------------------------------------------------------------------- writers

RECORDS = [
    {
        "name": '=HYPERLINK("http://evil.example","点我")',
        "kind": "enterprise",
        "count": 3,
        "tags": ("@SUM(A1)", "普通"),
        "flag": True,
    },
    {"name": "+86 931 000", "kind": "lab", "count": None, "day": None},
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_has_no_live_formula_and_reads_back(
    tmp_path: Path, sample: SheetSpec, suffix: str
) -> None:
    path = tmp_path / f"out{suffix}"
    assert write_table(path, sample, RECORDS) == 2
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        sheet = book[DATA_SHEET]
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
        assert sheet["A2"].value.startswith("'=")
    rows = rows_of(path, sample)
    parsed = [{c.key: parse_cell(row.values.get(c.key), c) for c in sample.columns} for row in rows]
    assert parsed[0]["name"] == RECORDS[0]["name"]
    assert parsed[0]["tags"] == ("@SUM(A1)", "普通")
    assert parsed[1]["name"] == "+86 931 000"
    assert parsed[1]["kind"] == "lab"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_exports_are_deterministic(tmp_path: Path, sample: SheetSpec, suffix: str) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    write_table(first, sample, RECORDS)
    write_table(second, sample, RECORDS)
    assert first.read_bytes() == second.read_bytes()


def test_template_has_instructions_dropdowns_and_an_ignored_example(
    tmp_path: Path, sample: SheetSpec
) -> None:
    path = tmp_path / "template.xlsx"
    write_table(path, sample, [], template=True)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == [DATA_SHEET, "说明 Instructions"]
    assert book["词表 Lists"].sheet_state == "hidden"
    data = book[DATA_SHEET]
    assert [cell.value for cell in data[1]] == sample.headers
    assert str(data["A2"].value).startswith("【示例 Example】")
    validations = {str(v.sqref): v for v in data.data_validations.dataValidation}
    assert validations["B2:B10001"].type == "list"
    assert validations["F2:F10001"].formula1 == '"是,否"'
    instructions = "\n".join(
        str(cell.value)
        for row in book["说明 Instructions"].iter_rows()
        for cell in row
        if cell.value
    )
    assert "一项或多项" in instructions
    assert "Fix" not in instructions
    assert "企业、实验室" in instructions
    assert "Enterprise, Lab" in instructions
    assert rows_of(path, sample) == []  # the example row is never imported


def _minimal_xlsx(
    path: Path, header: list[str], row: list[str], count: int, *, dimension: bool = False
) -> None:
    """A real workbook with ``count`` copies of ``row``, written as streamed XML (fast);
    ``dimension`` adds the ``<dimension>`` element Excel writes (hostile files may omit it)."""

    def cells(values: list[str], number: int) -> str:
        return "".join(
            f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for index, value in enumerate(values)
        )

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relationships}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
            f'xmlns:r="{relationships}"><sheets><sheet name="{DATA_SHEET}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relationships}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
                + (f'<dimension ref="A1:B{count + 1}"/>' if dimension else "")
                + f'<sheetData><row r="1">{cells(header, 1)}</row>'
            )
            sheet.write(head.encode())
            for start in range(2, count + 2, 10_000):
                chunk = "".join(
                    f'<row r="{number}">{cells(row, number)}</row>'
                    for number in range(start, min(start + 10_000, count + 2))
                )
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")


@pytest.mark.slow
@pytest.mark.parametrize("dimension", [True, False])
def test_a_million_row_workbook_stops_at_the_limit(
    tmp_path: Path, sample: SheetSpec, dimension: bool
) -> None:
    """With a <dimension> (as Excel writes) rows stream until the limit; without one (a hostile
    file, which would make openpyxl parse every row to learn the size) the raw scan refuses it
    before openpyxl starts."""
    small = tmp_path / "three.xlsx"
    _minimal_xlsx(small, ["名称", "类型"], ["兰州新区示例企业", "企业"], 3, dimension=dimension)
    assert [row.values for row in rows_of(small, sample)] == [
        {"name": "兰州新区示例企业", "kind": "企业"}
    ] * 3
    path = tmp_path / "million.xlsx"
    _minimal_xlsx(
        path, ["名称", "类型"], ["兰州新区示例企业", "企业"], 1_000_000, dimension=dimension
    )
    seen: list[int] = []

    def consume() -> None:
        for row in read_rows(path, sample, Limits(max_rows=1_000)):
            seen.append(row.number)

    started = time.perf_counter()
    with pytest.raises(FileRejectedError) as caught:
        consume()
    assert len(seen) == (1_000 if dimension else 0)
    assert "1000" in caught.value.what.en
    assert time.perf_counter() - started < 120  # never a full parse of the million rows
