"""The declarative column spec: one per aggregate, shared by template, import and export.

A :class:`Column` says what a spreadsheet column holds (type, vocabulary, code list), whether it
is required, how to explain it to the user and what an example value looks like. A
:class:`SheetSpec` is the ordered list of columns of one aggregate. Nothing here knows about files
or services; :mod:`kechuang.exchange.cells` turns cells into values and back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kechuang.exchange.messages import Text


class ColumnType(StrEnum):
    """What a cell holds; decides parsing, formatting and the help shown in templates."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # one value of a vocabulary
    CHOICES = "choices"  # several values of a vocabulary
    TEXT_LIST = "text_list"  # several free-text values
    CODES = "codes"  # several codes of a national code list


TYPE_NAMES: dict[ColumnType, Text] = {
    ColumnType.TEXT: Text("文本", "text"),
    ColumnType.INTEGER: Text("整数", "whole number"),
    ColumnType.DECIMAL: Text("数字（可带小数）", "number (decimals allowed)"),
    ColumnType.DATE: Text("日期，如 2024-08-27", "date such as 2024-08-27"),
    ColumnType.BOOLEAN: Text("是 / 否", "yes / no"),
    ColumnType.CHOICE: Text("从下拉列表中选一项", "one value from the drop-down list"),
    ColumnType.CHOICES: Text("一项或多项，用分号“;”分隔", "one or more values separated by “;”"),
    ColumnType.TEXT_LIST: Text("一项或多项，用分号“;”分隔", "one or more values separated by “;”"),
    ColumnType.CODES: Text("一个或多个代码，用分号“;”分隔", "one or more codes separated by “;”"),
}


@dataclass(frozen=True)
class Choice:
    """One vocabulary value: the code the database stores and its labels."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class CodeList:
    """A national code list a column is checked against (GB/T 4754, GB/T 13745)."""

    name: Text
    is_valid: Callable[[str], bool]
    example: str


@dataclass(frozen=True)
class Column:
    """One spreadsheet column of an aggregate."""

    key: str
    zh: str
    en: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    help: Text = field(default_factory=lambda: Text("", ""))
    example: str = ""
    choices: tuple[Choice, ...] = ()
    code_list: CodeList | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def header(self) -> str:
        """The header written to files: Chinese first, English second."""
        return f"{self.zh} / {self.en}"

    def header_aliases(self) -> set[str]:
        """Every normalised spelling accepted on import: zh, en or the combined form."""
        return {normalise_header(self.header), normalise_header(self.zh), normalise_header(self.en)}


@dataclass(frozen=True)
class SheetSpec:
    """The ordered columns of one aggregate, as one sheet."""

    kind: str
    title: Text
    columns: tuple[Column, ...]
    description: Text = field(default_factory=lambda: Text("", ""))
    notes: tuple[Text, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        """The column holding ``key``; raises ``KeyError`` for an unknown key."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def header_index(self) -> Mapping[str, Column]:
        """Normalised header spelling → column, for matching a file's header row."""
        index: dict[str, Column] = {}
        for column in self.columns:
            for alias in column.header_aliases():
                index[alias] = column
        return index

    @property
    def headers(self) -> list[str]:
        """The bilingual headers in file order."""
        return [column.header for column in self.columns]


_SPACE = re.compile(r"\s+")


def normalise_header(header: str) -> str:
    """Fold a header for matching: NFKC (full-width → half-width), case, spaces, ``*`` markers."""
    folded = unicodedata.normalize("NFKC", header).casefold()
    folded = _SPACE.sub("", folded).strip("*")
    return folded.replace("（", "(").replace("）", ")")


def choices_from(values: Iterable[tuple[str, str, str]]) -> tuple[Choice, ...]:
    """Build a vocabulary from ``(code, zh, en)`` triples."""
    return tuple(Choice(code, zh, en) for code, zh, en in values)
