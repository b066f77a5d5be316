"""Cell values ↔ typed values, driven by a :class:`~kechuang.exchange.spec.Column`.

Parsing is forgiving about *form* (full-width digits, 是/否 or yes/no, a vocabulary's code or its
Chinese or English label, ``;`` or ``；`` between list items) and strict about *meaning*: a value
that cannot be read raises :class:`CellError` saying what is wrong and how to fix it.

Formula injection (OWASP "CSV injection"): exported text that starts with ``= + - @``, tab, CR or
an apostrophe is prefixed with an apostrophe, so no spreadsheet program evaluates it; on import
one leading apostrophe is removed again, which makes export → import lossless. A text cell that
starts with a bare ``=`` on import is refused rather than stored as a formula-to-be.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from kechuang.exchange.messages import Text
from kechuang.exchange.spec import TYPE_NAMES, Choice, Column, ColumnType

Value = str | int | Decimal | dt.date | bool | tuple[str, ...] | None
CellValue = str | int | float | Decimal | dt.date | dt.datetime | bool | None

#: Leading characters a spreadsheet may treat as the start of a formula (OWASP), plus the
#: apostrophe itself so that escaping stays reversible.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
ESCAPE = "'"

_TRUE = {"是", "yes", "y", "true", "t", "1", "√", "✓", "对"}
_FALSE = {"否", "no", "n", "false", "f", "0", "×", "✗", "不"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_LIST_SEPARATORS = re.compile(r"[;；\n]")
_CODE_LIST_SEPARATORS = re.compile(r"[;；,，、\s]+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
LIST_JOINER = "; "


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""

    def __init__(self, what: Text, fix: Text) -> None:
        super().__init__(what.en)
        self.what = what
        self.fix = fix


def escape_text(text: str) -> str:
    """Neutralise a leading formula trigger so spreadsheets show the text instead of running it."""
    if text.startswith(FORMULA_TRIGGERS):
        return ESCAPE + text
    return text


def unescape_text(text: str) -> str:
    """Undo :func:`escape_text` (remove one leading apostrophe)."""
    return text[1:] if text.startswith(ESCAPE) else text


def _as_text(raw: CellValue) -> str:
    """Render any cell value as the text a user would read in it."""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _clean_text(raw: CellValue) -> str:
    text = _as_text(raw).replace("\r\n", "\n").strip()
    if _CONTROL.search(text):
        raise CellError(
            Text("内容含有不可见的控制字符。", "The text contains invisible control characters."),
            Text(
                "请删除该单元格中的特殊字符后重新输入。",
                "Delete the special characters from the cell and type it again.",
            ),
        )
    if text.startswith("="):
        raise CellError(
            Text(
                f"内容“{text[:40]}”以“=”开头，像是公式。",
                f"“{text[:40]}” starts with “=” like a formula.",
            ),
            Text(
                "本系统不导入公式：请填写数值或文字；"
                "若文字本身以“=”开头，请在前面加一个英文单引号 '。",
                "Formulas are not imported: enter the value itself; if the text really starts "
                "with “=”, put an apostrophe ' in front of it.",
            ),
        )
    return unescape_text(text)


def _normalise_number_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")


def _parse_integer(raw: CellValue, column: Column) -> int:
    if isinstance(raw, bool):
        raise _type_error(raw, column)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str | Decimal):
        text = _normalise_number_text(str(raw))
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            raise _type_error(raw, column)
        number = int(Decimal(text))
    else:
        raise _type_error(raw, column)
    if column.minimum is not None and number < column.minimum:
        raise _range_error(number, column)
    if column.maximum is not None and number > column.maximum:
        raise _range_error(number, column)
    return number


def _parse_decimal(raw: CellValue, column: Column) -> Decimal:
    if isinstance(raw, bool | dt.date):
        raise _type_error(raw, column)
    if isinstance(raw, float):
        raw = repr(raw)
    text = _normalise_number_text(str(raw)).removesuffix("元")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _type_error(raw, column) from None
    if not number.is_finite():
        raise _type_error(raw, column)
    if column.minimum is not None and number < column.minimum:
        raise _range_error(number, column)
    if column.maximum is not None and number > column.maximum:
        raise _range_error(number, column)
    return number


def _parse_date(raw: CellValue, column: Column) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if re.match(r"^\d{4}-\d{1,2}-\d{1,2} 00:00(:00)?$", text):
            text = text.split(" ")[0]
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month, day = (int(part) for part in match.groups())
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    break
    raise _type_error(raw, column)


def _parse_boolean(raw: CellValue, column: Column) -> bool:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", _as_text(raw)).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _type_error(raw, column)


def _choice_index(column: Column) -> dict[str, Choice]:
    index: dict[str, Choice] = {}
    for choice in column.choices:
        for spelling in (choice.code, choice.zh, choice.en, f"{choice.zh} / {choice.en}"):
            index[_fold(spelling)] = choice
    return index


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def _parse_choice(text: str, column: Column) -> str:
    choice = _choice_index(column).get(_fold(text))
    if choice is None:
        allowed_zh = "、".join(choice.zh for choice in column.choices)
        allowed_en = ", ".join(choice.en for choice in column.choices)
        raise CellError(
            Text(f"“{text}”不是允许的取值。", f"“{text}” is not an allowed value."),
            Text(f"请从下拉列表中选择：{allowed_zh}。", f"Choose one of: {allowed_en}."),
        )
    return choice.code


def _parse_code(text: str, column: Column) -> str:
    assert column.code_list is not None
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if not column.code_list.is_valid(code):
        name = column.code_list.name
        example = column.code_list.example
        raise CellError(
            Text(f"“{text}”不是{name.zh}中的代码。", f"“{text}” is not a code of {name.en}."),
            Text(
                f"请填写{name.zh}中的代码，例如 {example}；多个代码用分号“;”分隔。",
                f"Enter codes from {name.en}, e.g. {example}; separate several with “;”.",
            ),
        )
    return code


def _dedupe(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def parse_cell(raw: CellValue, column: Column) -> Value:
    """Read one cell as ``column`` says; blank → ``None`` (or ``()`` for lists).

    Raises :class:`CellError` for a value of the wrong type, outside the vocabulary or code list,
    or missing in a required column.
    """
    if isinstance(raw, str) and not raw.strip():
        raw = None
    if raw is None:
        if column.required:
            raise CellError(
                Text("必填项为空。", "A required value is missing."),
                Text(
                    f"请填写“{column.zh}”。{column.help.zh}",
                    f"Fill in “{column.en}”. {column.help.en}",
                ),
            )
        is_list = column.type in {ColumnType.CHOICES, ColumnType.TEXT_LIST, ColumnType.CODES}
        return () if is_list else None
    kind = column.type
    if kind is ColumnType.INTEGER:
        return _parse_integer(raw, column)
    if kind is ColumnType.DECIMAL:
        return _parse_decimal(raw, column)
    if kind is ColumnType.DATE:
        return _parse_date(raw, column)
    if kind is ColumnType.BOOLEAN:
        return _parse_boolean(raw, column)
    text = _clean_text(raw)
    if kind is ColumnType.TEXT:
        return text
    if kind is ColumnType.CHOICE:
        return _parse_choice(text, column)
    if kind is ColumnType.TEXT_LIST:
        items = [unescape_text(item.strip()) for item in _TEXT_LIST_SEPARATORS.split(text)]
        return _dedupe([item for item in items if item])
    items = [item for item in _CODE_LIST_SEPARATORS.split(text) if item]
    if kind is ColumnType.CHOICES:
        return _dedupe([_parse_choice(item, column) for item in items])
    return _dedupe([_parse_code(item, column) for item in items])


def format_cell(value: object, column: Column) -> str | int:
    """The cell written on export: integers stay numbers, everything else is escaped text."""
    if value is None or value == ():
        return ""
    kind = column.type
    if kind is ColumnType.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is ColumnType.BOOLEAN:
        return "是" if value else "否"
    if kind is ColumnType.DATE and isinstance(value, dt.datetime):
        return value.date().isoformat()
    if kind is ColumnType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if kind is ColumnType.CHOICE:
        return _choice_label(str(value), column)
    if kind in {ColumnType.CHOICES, ColumnType.TEXT_LIST, ColumnType.CODES}:
        if isinstance(value, list | tuple | set | frozenset):
            items = [str(item) for item in value]
        else:
            items = [str(value)]
        if kind is ColumnType.CHOICES:
            items = [_choice_label(item, column) for item in items]
        if kind is ColumnType.TEXT_LIST:
            items = [escape_text(item) for item in items]
        return LIST_JOINER.join(items)
    return escape_text(str(value))


def _choice_label(code: str, column: Column) -> str:
    for choice in column.choices:
        if choice.code == code:
            return choice.zh
    return escape_text(code)


def _type_error(raw: CellValue, column: Column) -> CellError:
    shown = _as_text(raw)[:40]
    expected = TYPE_NAMES[column.type]
    return CellError(
        Text(f"“{shown}”不是{expected.zh}。", f"“{shown}” is not a {expected.en}."),
        Text(f"请填写{expected.zh}。{column.help.zh}", f"Enter a {expected.en}. {column.help.en}"),
    )


def _range_error(number: int | Decimal, column: Column) -> CellError:
    low = "" if column.minimum is None else str(column.minimum)
    high = "" if column.maximum is None else str(column.maximum)
    return CellError(
        Text(f"{number} 超出允许范围 [{low}, {high}]。", f"{number} is outside [{low}, {high}]."),
        Text(f"请填写 {low} 到 {high} 之间的数。", f"Enter a number from {low} to {high}."),
    )
