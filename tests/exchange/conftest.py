"""Fixtures of the exchange tests: a small spec for the generic machinery (no database)."""

from __future__ import annotations

import pytest

from kechuang.exchange.messages import Text
from kechuang.exchange.spec import Choice, CodeList, Column, ColumnType, SheetSpec

INDUSTRY = CodeList(Text("行业代码", "industry codes"), lambda code: code in {"2614", "C"}, "2614")

SAMPLE = SheetSpec(
    "samples",
    Text("样例", "Samples"),
    (
        Column("name", "名称", "Name", required=True, example="甲"),
        Column(
            "kind",
            "类型",
            "Kind",
            ColumnType.CHOICE,
            required=True,
            example="企业",
            choices=(Choice("enterprise", "企业", "Enterprise"), Choice("lab", "实验室", "Lab")),
        ),
        Column("count", "人数", "Count", ColumnType.INTEGER, minimum=0, maximum=1000, example="5"),
        Column("price", "金额", "Price", ColumnType.DECIMAL, example="12.5"),
        Column("day", "日期", "Day", ColumnType.DATE, example="2024-08-27"),
        Column("flag", "是否", "Flag", ColumnType.BOOLEAN, example="是"),
        Column("tags", "标签", "Tags", ColumnType.TEXT_LIST, example="a; b"),
        Column(
            "codes",
            "行业代码",
            "Industry codes",
            ColumnType.CODES,
            code_list=INDUSTRY,
            example="2614",
        ),
    ),
)


@pytest.fixture
def sample() -> SheetSpec:
    """A spec with one column of every type."""
    return SAMPLE
