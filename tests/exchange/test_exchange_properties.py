"""Property tests (issue 6 item 2) for the importers: any text survives export → import, and any
bytes either read as rows or are refused with a FileRejectedError — never another exception."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.exchange.cells import format_cell, parse_cell
from kechuang.exchange.messages import FileRejectedError, Text
from kechuang.exchange.readers import DATA_SHEET, read_rows
from kechuang.exchange.spec import Column, ColumnType, SheetSpec
from kechuang.exchange.writers import write_table

NAME = Column("name", "名称", "Name", required=True)
TAGS = Column("tags", "标签", "Tags", ColumnType.TEXT_LIST)
SPEC = SheetSpec("props", Text("属性", "Properties"), (NAME, TAGS))

CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda text: text == text.strip() and text.strip())


@settings(max_examples=200, deadline=None)
@given(text=CELL_TEXT)
def test_text_survives_format_and_parse(text: str) -> None:
    assert parse_cell(format_cell(text, NAME), NAME) == text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(CELL_TEXT, min_size=1, max_size=5), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_text_round_trips_through_a_file(tmp_path: Path, names: list[str], suffix: str) -> None:
    path = tmp_path / f"t{suffix}"
    write_table(path, SPEC, [{"name": name, "tags": (name,)} for name in names])
    rows = list(read_rows(path, SPEC))
    assert [parse_cell(row.values.get("name"), NAME) for row in rows] == names


def _valid_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    sheet.append(["名称", "标签"])
    sheet.append(["甲", "a; b"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_workbook()


def _outcome(path: Path) -> FileRejectedError | None:
    """Read and parse every row; a refusal is returned, any other exception fails the test."""
    try:
        for row in read_rows(path, SPEC):
            for column in SPEC.columns:
                with contextlib.suppress(ValueError):  # a cell error is a normal row error
                    parse_cell(row.values.get(column.key), column)
    except FileRejectedError as error:
        return error
    return None


def _check(path: Path) -> None:
    error = _outcome(path)
    if error is not None:
        assert error.what.zh
        assert error.fix.en


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"b{suffix}"
    path.write_bytes(data)
    _check(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )
)
def test_corrupted_workbooks_are_refused_cleanly(
    tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(VALID_XLSX)
    for position, value in flips:
        data[position] = value
    path = tmp_path / "c.xlsx"
    path.write_bytes(bytes(data))
    _check(path)
