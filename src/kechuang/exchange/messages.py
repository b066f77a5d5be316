"""Bilingual messages and the errors of the exchange layer.

Users are civil servants and enterprise engineers: every message says what is wrong, where, and
how to fix it, in Chinese first and English second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Language(StrEnum):
    """The language a report is rendered in (``--lang``)."""

    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Text:
    """A piece of user-facing text in Chinese and English."""

    zh: str
    en: str

    def render(self, lang: Language | str | None = None) -> str:
        """One language, or both (zh first) when no language is asked for."""
        if lang == Language.ZH:
            return self.zh
        if lang == Language.EN:
            return self.en
        return f"{self.zh} / {self.en}"

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class RowError:
    """One problem in one data row: where (row, column), what is wrong and how to fix it.

    ``row`` is the spreadsheet row number the user sees (the header is row 1); ``column`` is the
    bilingual header, or ``None`` when the problem concerns the whole row.
    """

    row: int
    column: str | None
    what: Text
    fix: Text

    def render(self, lang: Language | str | None = None) -> str:
        """A single line in the user's language."""
        if lang == Language.EN:
            where = f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")
            return f"{where}: {self.what.en} Fix: {self.fix.en}"
        if lang == Language.ZH:
            where = f"第 {self.row} 行" + (f"，列“{self.column}”" if self.column else "")
            return f"{where}：{self.what.zh} 修改方法：{self.fix.zh}"
        return f"{self.render(Language.ZH)} / {self.render(Language.EN)}"


class ExchangeError(Exception):
    """Base of the exchange layer's errors; always carries a bilingual message."""

    def __init__(self, what: Text, fix: Text) -> None:
        super().__init__(f"{what.zh} {fix.zh} / {what.en} {fix.en}")
        self.what = what
        self.fix = fix

    def render(self, lang: Language | str | None = None) -> str:
        """The message in one language, or both when none is asked for."""
        if lang == Language.EN:
            return f"{self.what.en} Fix: {self.fix.en}"
        if lang == Language.ZH:
            return f"{self.what.zh} 修改方法：{self.fix.zh}"
        return f"{self.render(Language.ZH)}\n{self.render(Language.EN)}"


class FileRejectedError(ExchangeError):
    """The file as a whole cannot be read safely (format, size, encoding, layout)."""


@dataclass
class ImportFailedError(Exception):
    """Rows were rejected and the import was all-or-nothing: nothing was written."""

    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    def __str__(self) -> str:
        return f"{len(self.errors)} row error(s); nothing imported"
