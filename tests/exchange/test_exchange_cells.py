"""Cell parsing and formatting: forgiving about form, strict about meaning, formula-safe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.exchange.cells import CellError, escape_text, format_cell, parse_cell, unescape_text
from kechuang.exchange.messages import Text
from kechuang.exchange.spec import Choice, CodeList, Column, ColumnType

NAME = Column("name", "名称", "Name", required=True)
KIND = Column(
    "kind",
    "类型",
    "Kind",
    ColumnType.CHOICE,
    required=True,
    choices=(Choice("enterprise", "企业", "Enterprise"), Choice("lab", "实验室", "Lab")),
)
COUNT = Column("count", "人数", "Count", ColumnType.INTEGER, minimum=0, maximum=1000)
PRICE = Column("price", "金额", "Price", ColumnType.DECIMAL)
DAY = Column("day", "日期", "Day", ColumnType.DATE)
FLAG = Column("flag", "是否", "Flag", ColumnType.BOOLEAN)
TAGS = Column("tags", "标签", "Tags", ColumnType.TEXT_LIST)
CODES = Column(
    "codes",
    "行业代码",
    "Industry codes",
    ColumnType.CODES,
    code_list=CodeList(Text("行业代码", "industry codes"), {"2614", "C"}.__contains__, "2614"),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("企业", "enterprise"),
        ("Enterprise", "enterprise"),
        ("enterprise", "enterprise"),
        ("实验室 / Lab", "lab"),
        (" ＬＡＢ ", "lab"),
    ],
)
def test_choice_accepts_code_and_labels(raw: str, expected: str) -> None:
    assert parse_cell(raw, KIND) == expected


def test_choice_rejects_unknown_value_listing_the_allowed_ones() -> None:
    with pytest.raises(CellError) as caught:
        parse_cell("学会", KIND)
    assert "企业、实验室" in caught.value.fix.zh
    assert "Enterprise, Lab" in caught.value.fix.en


@pytest.mark.parametrize(("raw", "expected"), [(5, 5), (5.0, 5), ("５", 5), ("1,000", 1000)])
def test_integer_forms(raw: object, expected: int) -> None:
    assert parse_cell(raw, COUNT) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["abc", 5.5, "12人", True, dt.date(2024, 1, 1)])
def test_integer_rejects_non_integers(raw: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_cell(raw, COUNT)  # type: ignore[arg-type]
    assert "整数" in caught.value.what.zh
    assert "whole number" in caught.value.what.en


def test_integer_range() -> None:
    with pytest.raises(CellError):
        parse_cell(1001, COUNT)
    with pytest.raises(CellError):
        parse_cell(-1, COUNT)


def test_decimal_keeps_exact_value() -> None:
    assert parse_cell(12.1, PRICE) == Decimal("12.1")
    assert parse_cell("1,234.50", PRICE) == Decimal("1234.50")
    with pytest.raises(CellError):
        parse_cell("NaN", PRICE)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-08-27",
        "2024/8/27",
        "2024年8月27日",
        "2024.08.27",
        dt.datetime(2024, 8, 27),
        dt.date(2024, 8, 27),
        "2024-08-27 00:00:00",
    ],
)
def test_date_forms(raw: object) -> None:
    assert parse_cell(raw, DAY) == dt.date(2024, 8, 27)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["2024-02-30", "27/08/2024", "yesterday", 45000])
def test_date_rejects(raw: object) -> None:
    with pytest.raises(CellError):
        parse_cell(raw, DAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("是", True), ("否", False), ("Yes", True), ("n", False), (True, True), (1, True)],
)
def test_boolean_forms(raw: object, expected: bool) -> None:
    assert parse_cell(raw, FLAG) is expected  # type: ignore[arg-type]


def test_lists_split_on_both_semicolons_and_drop_duplicates() -> None:
    assert parse_cell("a；b; a\nc", TAGS) == ("a", "b", "c")
    assert parse_cell("2614, C、2614", CODES) == ("2614", "C")


def test_code_list_rejects_unknown_code_with_example() -> None:
    with pytest.raises(CellError) as caught:
        parse_cell("9999", CODES)
    assert "2614" in caught.value.fix.zh


def test_blank_required_and_optional() -> None:
    with pytest.raises(CellError) as caught:
        parse_cell("  ", NAME)
    assert "必填" in caught.value.what.zh
    assert parse_cell(None, COUNT) is None
    assert parse_cell("", TAGS) == ()


def test_text_from_numbers_reads_as_written() -> None:
    assert parse_cell(13800000000.0, NAME) == "13800000000"


def test_bare_formula_text_is_refused() -> None:
    with pytest.raises(CellError) as caught:
        parse_cell('=HYPERLINK("http://evil.example","点击")', NAME)
    assert "公式" in caught.value.what.zh


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "'quoted", "plain"])
def test_escape_round_trip(text: str) -> None:
    escaped = escape_text(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_text(escaped) == text


def test_format_cell_escapes_and_labels() -> None:
    assert format_cell("=cmd|' /C calc'!A0", NAME) == "'=cmd|' /C calc'!A0"
    assert format_cell("lab", KIND) == "实验室"
    assert format_cell(7, COUNT) == 7
    assert format_cell(dt.date(2024, 8, 27), DAY) == "2024-08-27"
    assert format_cell(("a", "=b"), TAGS) == "a; '=b"
    assert format_cell(False, FLAG) == "否"
    assert format_cell(None, NAME) == ""


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "普通文本", "-负数"])
def test_text_survives_format_then_parse(text: str) -> None:
    assert parse_cell(format_cell(text, NAME), NAME) == text
