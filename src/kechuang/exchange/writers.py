"""Writing templates and exports (.xlsx with xlsxwriter, .csv as UTF-8 with BOM).

A template is an export with no data and one example row: the same code writes both, so a
template's columns, drop-downs and instructions are exactly what an export carries and what the
importer expects. Every text cell is written as a *string* (never a formula) and text starting
with a formula trigger is escaped (:func:`kechuang.exchange.cells.escape_text`).

Output is deterministic (fixed workbook timestamps), so export → import → export can be compared
byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import xlsxwriter

from kechuang.exchange.cells import format_cell
from kechuang.exchange.messages import FileRejectedError, Text
from kechuang.exchange.readers import (
    DATA_SHEET,
    EXAMPLE_MARKER,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
)
from kechuang.exchange.spec import TYPE_NAMES, Column, ColumnType, SheetSpec

#: Rows of the data sheet that carry drop-down validation in templates and exports.
VALIDATED_ROWS = 10_000
_FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

GENERAL_NOTES = (
    Text(
        "第 1 行是表头，请勿修改；从第 2 行起每行一条记录。表头可写中文、英文或“中文 / English”。",
        "Row 1 is the header — do not change it; one record per row from row 2. Headers may be "
        "Chinese, English or “中文 / English”.",
    ),
    Text(
        f"以“{EXAMPLE_MARKER}”开头的灰色行是示例，导入时忽略，可以保留或删除。",
        f"The grey row starting with “{EXAMPLE_MARKER}” is an example; it is ignored on import "
        "and may be kept or deleted.",
    ),
    Text(
        "有下拉列表的列请从列表中选择；多个值之间用分号“;”分隔。日期写作 2024-08-27。",
        "Pick values from the drop-down lists; separate several values with “;”. "
        "Write dates as 2024-08-27.",
    ),
    Text(
        "不要使用公式、合并单元格；隐藏的工作表不会被导入。",
        "Do not use formulas or merged cells; hidden sheets are not imported.",
    ),
    Text(
        "导入是“全部或全不”：只要有一行有错，就不会写入任何数据，并列出每个错误的行、列和修改方法。",
        "Imports are all-or-nothing: if any row is wrong nothing is written, and every error is "
        "listed with its row, column and how to fix it.",
    ),
    Text(
        "以 = + - @ 或单引号开头的文字在导出时会在前面加一个单引号 '，导入时自动去掉。",
        "Text starting with = + - @ or an apostrophe is exported with a leading apostrophe ', "
        "which the import removes again.",
    ),
)


def allowed_values(column: Column) -> Text:
    """What may go into a column, for the instructions sheet and the docs."""
    if column.choices:
        return Text(
            "、".join(choice.zh for choice in column.choices),
            ", ".join(choice.en for choice in column.choices),
        )
    if column.code_list is not None:
        return Text(
            f"{column.code_list.name.zh}代码，如 {column.code_list.example}",
            f"{column.code_list.name.en} codes, e.g. {column.code_list.example}",
        )
    if column.type is ColumnType.BOOLEAN:
        return Text("是、否", "是 (yes), 否 (no)")
    if column.minimum is not None or column.maximum is not None:
        low = "" if column.minimum is None else column.minimum
        high = "" if column.maximum is None else column.maximum
        return Text(f"{low}–{high}", f"{low}–{high}")
    return Text("", "")


def _formatted(records: Iterable[Mapping[str, Any]], spec: SheetSpec) -> Iterable[list[str | int]]:
    for record in records:
        yield [format_cell(record.get(column.key), column) for column in spec.columns]


def _example_row(spec: SheetSpec) -> list[str | int]:
    row: list[str | int] = [column.example for column in spec.columns]
    row[0] = f"{EXAMPLE_MARKER}{row[0]}"
    return row


def write_table(
    path: Path, spec: SheetSpec, records: Iterable[Mapping[str, Any]], *, template: bool = False
) -> int:
    """Write ``records`` (or, for a template, one example row) to ``path``; return the row count.

    The format follows the suffix: ``.xlsx`` or ``.csv``.
    """
    rows: Iterable[list[str | int]]
    rows = [_example_row(spec)] if template else _formatted(records, spec)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _write_csv(path, spec, rows)
    if suffix == ".xlsx":
        return _write_xlsx(path, spec, rows, template=template)
    raise FileRejectedError(
        Text(f"不支持的文件类型“{path.suffix}”。", f"Unsupported file type “{path.suffix}”."),
        Text("文件名请以 .xlsx 或 .csv 结尾。", "Name the file with .xlsx or .csv."),
    )


def _write_csv(path: Path, spec: SheetSpec, rows: Iterable[list[str | int]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(spec.headers)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _write_xlsx(
    path: Path, spec: SheetSpec, rows: Iterable[list[str | int]], *, template: bool
) -> int:
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"title": f"{spec.title.zh} / {spec.title.en}", "created": _FIXED_TIME})
    header_format = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    required_format = workbook.add_format(
        {
            "bold": True,
            "bg_color": "#FCE4D6",
            "font_color": "#C00000",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    example_format = workbook.add_format({"italic": True, "font_color": "#808080"})
    text_format = workbook.add_format({"num_format": "@"})

    data = workbook.add_worksheet(DATA_SHEET)
    instructions = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    lists.hide()

    # vocabulary lists on the hidden sheet (written column by column, before constant-memory rows)
    list_ranges: dict[str, str] = {}
    choice_columns = [column for column in spec.columns if column.type is ColumnType.CHOICE]
    longest = max((len(column.choices) for column in choice_columns), default=0)
    for row_index in range(longest):
        for list_index, column in enumerate(choice_columns):
            if row_index < len(column.choices):
                lists.write_string(row_index, list_index, column.choices[row_index].zh)
    for list_index, column in enumerate(choice_columns):
        letter = xlsxwriter.utility.xl_col_to_name(list_index)
        list_ranges[column.key] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(column.choices)}"

    data.freeze_panes(1, 0)
    for index, column in enumerate(spec.columns):
        width = max(12, min(40, len(column.header) + 4))
        data.set_column(index, index, width, text_format)
        cell_format = required_format if column.required else header_format
        data.write_string(0, index, column.header, cell_format)
        _validate(data, index, column, list_ranges)
    count = 0
    for row_index, row in enumerate(rows, start=1):
        cell_format = example_format if template else None
        for index, value in enumerate(row):
            if isinstance(value, int):
                data.write_number(row_index, index, value, cell_format)
            elif value != "":
                data.write_string(row_index, index, value, cell_format)
        count += 1

    _write_instructions(workbook, instructions, spec)
    workbook.close()
    return count


def _validate(sheet: Any, index: int, column: Column, list_ranges: dict[str, str]) -> None:
    """Attach a drop-down (vocabularies, yes/no) or a number check to the column's data rows."""
    options: dict[str, Any] | None = None
    message = {
        "input_title": column.zh[:32],
        "input_message": f"{column.help.zh}\n{column.help.en}"[:255],
        "error_title": "取值无效 / Invalid value",
        "error_message": f"{allowed_values(column).zh}\n{allowed_values(column).en}"[:255],
    }
    if column.type is ColumnType.CHOICE:
        options = {"validate": "list", "source": list_ranges[column.key]}
    elif column.type is ColumnType.BOOLEAN:
        options = {"validate": "list", "source": ["是", "否"]}
    elif column.type is ColumnType.INTEGER:
        low = column.minimum if column.minimum is not None else -(2**31)
        high = column.maximum if column.maximum is not None else 2**31 - 1
        options = {"validate": "integer", "criteria": "between", "minimum": low, "maximum": high}
    if options is None:
        if column.help.zh:
            options = {"validate": "any"}
        else:
            return
    sheet.data_validation(1, index, VALIDATED_ROWS, index, {**options, **message})


def _write_instructions(workbook: Any, sheet: Any, spec: SheetSpec) -> None:
    bold = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, f"{spec.title.zh}导入说明 / How to fill in: {spec.title.en}", bold)
    row = 2
    for note in (spec.description, *spec.notes, *GENERAL_NOTES):
        if not note.zh:
            continue
        sheet.write_string(row, 0, f"• {note.zh}", wrap)
        sheet.write_string(row, 4, f"• {note.en}", wrap)
        row += 1
    row += 1
    titles = (
        "列 / Column",
        "必填 / Required",
        "类型 / Type",
        "可选值 / Allowed values",
        "说明 / Help",
        "Help",
        "示例 / Example",
    )
    for index, title in enumerate(titles):
        sheet.write_string(row, index, title, header)
    for column in spec.columns:
        row += 1
        kind = TYPE_NAMES[column.type]
        allowed = allowed_values(column)
        cells = (
            column.header,
            "是 / yes" if column.required else "否 / no",
            f"{kind.zh} / {kind.en}",
            allowed.zh if allowed.zh == allowed.en else f"{allowed.zh} / {allowed.en}",
            column.help.zh,
            column.help.en,
            column.example,
        )
        for index, text in enumerate(cells):
            if text:
                sheet.write_string(row, index, text, wrap)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 2, 16)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 5, 48)
    sheet.set_column(6, 6, 24)
