"""The closed set of errors every layer raises and every entry point maps exactly once.

``NotFound`` (HTTP 404), ``PermissionDenied`` (403), ``ValidationError`` (422) and ``Conflict``
(409). Each message is bilingual (Chinese first, English second) and says what went wrong, where,
and how to fix it, because the people reading it are civil servants and enterprise engineers, not
developers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from kechuang.domain.vocab import Language


@dataclass(frozen=True)
class Detail:
    """One problem in one place: a field of a form, or a column of a row in an imported file."""

    field: str | None
    problem_zh: str
    problem_en: str
    fix_zh: str = ""
    fix_en: str = ""
    row: int | None = None
    """1-based row number in an imported file (the header is row 1); ``None`` for forms."""

    def message(self, language: Language = "zh") -> str:
        """Where, what and how to fix, in one line of the given language."""
        if language == "zh":
            where = "".join(
                part
                for part in (
                    f"第 {self.row} 行" if self.row is not None else "",
                    f"「{self.field}」" if self.field else "",
                )
            )
            text = f"{where}：{self.problem_zh}" if where else self.problem_zh
            return f"{text}。{self.fix_zh}" if self.fix_zh else text
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        where_en = ", ".join(parts)
        text = f"{where_en}: {self.problem_en}" if where_en else self.problem_en
        return f"{text}. {self.fix_en}" if self.fix_en else text


class KechuangError(Exception):
    """Base of the closed error set; not raised itself."""

    code: ClassVar[str] = "error"

    def __init__(
        self,
        what_zh: str,
        what_en: str,
        *,
        fix_zh: str = "",
        fix_en: str = "",
        details: Iterable[Detail] = (),
    ) -> None:
        self.what_zh = what_zh
        self.what_en = what_en
        self.fix_zh = fix_zh
        self.fix_en = fix_en
        self.details: tuple[Detail, ...] = tuple(details)
        super().__init__(self.message("zh") + " / " + self.message("en"))

    def message(self, language: Language = "zh") -> str:
        """The headline (what, how to fix) in one language, without the per-field details."""
        if language == "zh":
            return f"{self.what_zh}。{self.fix_zh}" if self.fix_zh else self.what_zh
        return f"{self.what_en}. {self.fix_en}" if self.fix_en else self.what_en

    def lines(self, language: Language = "zh") -> list[str]:
        """Headline followed by one line per detail, for CLI output and error pages."""
        return [self.message(language), *(detail.message(language) for detail in self.details)]


class NotFound(KechuangError):  # noqa: N818 -- the names the architecture fixes
    """The record does not exist, or the actor may not know that it exists."""

    code = "not_found"

    @classmethod
    def of(cls, kind_zh: str, kind_en: str, key: object) -> NotFound:
        """The usual message: '<kind> <key> does not exist'."""
        return cls(
            f"{kind_zh} {key} 不存在",
            f"{kind_en} {key} does not exist",
            fix_zh="请检查编号或名称是否正确，或先创建该记录",
            fix_en="Check the id or name, or create the record first",
        )


class PermissionDenied(KechuangError):  # noqa: N818 -- the names the architecture fixes
    """The actor is known but may not perform this action on this record."""

    code = "permission_denied"

    @classmethod
    def for_action(cls, action: str) -> PermissionDenied:
        """The usual message for an action the actor's role does not allow."""
        return cls(
            f"您的角色无权执行操作 {action}",
            f"Your role may not perform {action}",
            fix_zh="请使用有权限的账号登录，或联系本区域管理员",
            fix_en="Sign in with an account that has the right, or ask your region's operator",
        )


class ValidationError(KechuangError):
    """The input is malformed; ``details`` lists every field or row that is wrong."""

    code = "validation_error"

    @classmethod
    def single(
        cls,
        field: str | None,
        *,
        problem_zh: str,
        problem_en: str,
        fix_zh: str = "",
        fix_en: str = "",
        row: int | None = None,
    ) -> ValidationError:
        """An error with exactly one detail."""
        detail = Detail(field, problem_zh, problem_en, fix_zh, fix_en, row)
        return cls(
            "输入有误",
            "The input is invalid",
            fix_zh="请按下列提示修改后重试",
            fix_en="Correct the items below and try again",
            details=[detail],
        )

    @classmethod
    def of_details(cls, details: Iterable[Detail]) -> ValidationError:
        """An error listing many details (an import file, a whole form)."""
        return cls(
            "输入有误",
            "The input is invalid",
            fix_zh="请按下列提示修改后重试",
            fix_en="Correct the items below and try again",
            details=details,
        )


class Conflict(KechuangError):  # noqa: N818 -- the names the architecture fixes
    """Well-formed input that clashes with the stored state (duplicate, illegal transition)."""

    code = "conflict"


ERRORS: tuple[type[KechuangError], ...] = (NotFound, PermissionDenied, ValidationError, Conflict)
"""The closed set, for the one place per entry point that maps errors to responses."""
