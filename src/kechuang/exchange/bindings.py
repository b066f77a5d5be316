"""Binding each aggregate's column spec to the services: rows in, rows out.

A :class:`Binding` pairs a :class:`~kechuang.exchange.spec.SheetSpec` with two functions: ``load``
turns one parsed row into service calls (upserts, so duplicates merge instead of doubling) and
``export`` turns the records the actor may read into rows. References between aggregates are
written as natural keys people can read — region names, organisation names or credit codes,
expert name + affiliation, demand enterprise + title — never database ids, so an export imports
into any database.

Validation is the services': the binding only translates names into ids and builds the domain
model through :func:`kechuang.domain.common.validate`, whose errors carry the field names that
the importer maps back to columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from kechuang.domain import (
    Actor,
    Expert,
    NotFound,
    ValidationError,
    codes,
)
from kechuang.domain.common import Page
from kechuang.domain.vocab import labels_of
from kechuang.exchange.cells import Value
from kechuang.exchange.messages import Text
from kechuang.exchange.spec import Choice, CodeList, Column, ColumnType, SheetSpec
from kechuang.services import (
    experts,
    organisations,
    regions,
)

T = TypeVar("T")
Row = dict[str, Any]

INDUSTRY = CodeList(
    Text("GB/T 4754-2017 国民经济行业分类", "GB/T 4754-2017 (industries)"),
    codes.is_industry,
    "2614",
)
DISCIPLINE = CodeList(
    Text("GB/T 13745-2009 学科分类与代码", "GB/T 13745-2009 (disciplines)"),
    codes.is_discipline,
    "530",
)


# ------------------------------------------------------------------------------- column helpers


def vocabulary(enum: type[StrEnum]) -> tuple[Choice, ...]:
    """The domain vocabulary as choices, in declaration order."""
    labels = labels_of(enum)
    return tuple(Choice(member.value, *labels[member.value]) for member in enum)


def col(
    key: str,
    zh: str,
    en: str,
    kind: ColumnType = ColumnType.TEXT,
    *,
    required: bool = False,
    help_zh: str = "",
    help_en: str = "",
    example: str = "",
    choices: type[StrEnum] | None = None,
    code_list: CodeList | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Column:
    """A column, with the vocabulary taken from a domain enum."""
    return Column(
        key=key,
        zh=zh,
        en=en,
        type=kind,
        required=required,
        help=Text(help_zh, help_en),
        example=example,
        choices=vocabulary(choices) if choices else (),
        code_list=code_list,
        minimum=minimum,
        maximum=maximum,
    )


def region_col(*, required: bool = True) -> Column:
    """The region a record belongs to, by name."""
    return col(
        "region",
        "所属区域",
        "Region",
        required=required,
        help_zh="试点区域名称，须已在系统中存在。",
        help_en="Name of an existing pilot region.",
        example="兰州新区",
    )


def industries_col() -> Column:
    """GB/T 4754-2017 industry codes."""
    return col(
        "industry_codes",
        "行业代码",
        "Industry codes",
        ColumnType.CODES,
        code_list=INDUSTRY,
        help_zh="国民经济行业分类代码，多个用分号分隔。",
        help_en="GB/T 4754-2017 codes, separated by “;”.",
        example="2614; 2651",
    )


def disciplines_col() -> Column:
    """GB/T 13745-2009 discipline codes."""
    return col(
        "discipline_codes",
        "学科代码",
        "Discipline codes",
        ColumnType.CODES,
        code_list=DISCIPLINE,
        help_zh="学科分类与代码，多个用分号分隔。",
        help_en="GB/T 13745-2009 codes, separated by “;”.",
        example="530",
    )


def keywords_col() -> Column:
    """Free keywords."""
    return col(
        "keywords",
        "关键词",
        "Keywords",
        ColumnType.TEXT_LIST,
        help_zh="多个关键词用分号分隔。",
        help_en="Separate keywords with “;”.",
        example="氢能; 储氢",
    )


def money_col(key: str, zh: str, en: str) -> Column:
    """An amount in yuan (元), stored as integer fen."""
    return col(
        key,
        zh,
        en,
        ColumnType.DECIMAL,
        minimum=0,
        help_zh="单位：元，最多两位小数。",
        help_en="In yuan (元), at most two decimals.",
        example="500000",
    )


# ------------------------------------------------------------------------------------- context


def all_pages(list_function: Callable[..., Page[T]], actor: Actor, **filters: Any) -> Iterator[T]:
    """Every item of a paginated list service, page by page."""
    offset = 0
    while True:
        page = list_function(actor, offset=offset, **filters)
        yield from page.items
        offset += len(page.items)
        if not page.has_more or not page.items:
            return


def _reference_error(key: str, zh: str, en: str, fix_zh: str, fix_en: str) -> ValidationError:
    return ValidationError.single(key, problem_zh=zh, problem_en=en, fix_zh=fix_zh, fix_en=fix_en)


@dataclass
class ImportContext:
    """State shared by the rows of one import: actor, current row, id caches, pending work."""

    actor: Actor
    row: int = 0
    _regions: dict[str, int] = field(default_factory=dict)
    _organisations: dict[str, int] = field(default_factory=dict)
    pending: dict[Any, Any] = field(default_factory=dict)

    def region_id(self, name: Value, key: str = "region") -> int | None:
        """The id of the region called ``name`` (``None`` for a blank cell)."""
        if not name:
            return None
        text = str(name)
        if text not in self._regions:
            try:
                region = regions.get_by_name(self.actor, text)
            except NotFound:
                raise _reference_error(
                    key,
                    f"区域“{text}”不存在",
                    f"there is no region “{text}”",
                    "请先导入或创建该区域，或检查名称",
                    "Import or create the region first, or check the name",
                ) from None
            assert region.id is not None
            self._regions[text] = region.id
        return self._regions[text]

    def organisation_id(self, reference: Value, key: str) -> int | None:
        """An organisation by credit code or exact name (``None`` for a blank cell)."""
        if not reference:
            return None
        text = str(reference).strip()
        if text in self._organisations:
            return self._organisations[text]
        found = self._find_organisation(text, key)
        self._organisations[text] = found
        return found

    def _find_organisation(self, text: str, key: str) -> int:
        if codes.is_credit_code(text.upper()):
            found_one = organisations.find_by_credit_code(self.actor, text.upper())
            if found_one is not None and found_one.id is not None:
                return found_one.id
        matches = [o for o in all_pages(organisations.list, self.actor, q=text) if o.name == text]
        if len(matches) == 1 and matches[0].id is not None:
            return matches[0].id
        if not matches:
            raise _reference_error(
                key,
                f"机构“{text}”不存在",
                f"there is no organisation “{text}”",
                "请先导入该机构，或填写其统一社会信用代码",
                "Import the organisation first, or enter its unified social credit code",
            )
        raise _reference_error(
            key,
            f"有 {len(matches)} 个机构名为“{text}”",
            f"{len(matches)} organisations are called “{text}”",
            "请改填其统一社会信用代码",
            "Enter its unified social credit code instead",
        )

    def expert(self, name: Value, affiliation: Value, key: str) -> Expert:
        """An expert by name + affiliation, the experts' duplicate key."""
        text, where = str(name or ""), str(affiliation or "")
        for expert in all_pages(experts.list, self.actor, q=text):
            if expert.name == text and expert.affiliation == where:
                return expert
        raise _reference_error(
            key,
            f"专家“{text}”（{where or '无单位'}）不存在",
            f"there is no expert “{text}” ({where or 'no affiliation'})",
            "请先导入该专家，或核对姓名与工作单位",
            "Import the expert first, or check name and affiliation",
        )


@dataclass
class _Names:
    """id → display name maps for exports, built once per export."""

    regions: dict[int, str]
    organisations: dict[int, str]

    @classmethod
    def load(cls, actor: Actor) -> _Names:
        return cls(
            {r.id: r.name for r in all_pages(regions.list, actor) if r.id is not None},
            {o.id: o.name for o in all_pages(organisations.list, actor) if o.id is not None},
        )

    def region(self, region_id: int | None) -> str:
        return self.regions.get(region_id, "") if region_id is not None else ""

    def organisation(self, organisation_id: int | None) -> str:
        if organisation_id is None:
            return ""
        return self.organisations.get(organisation_id, "")


# ---------------------------------------------------------------------------------- conversions


def to_fen(value: Value, key: str) -> int | None:
    """Yuan (Decimal) → integer fen; more than two decimals is an error on ``key``."""
    if value is None:
        return None
    assert isinstance(value, Decimal | int)
    fen = Decimal(value) * 100
    if fen != fen.to_integral_value():
        raise _reference_error(
            key,
            "金额最多两位小数",
            "an amount has at most two decimals",
            "请四舍五入到分",
            "Round to the fen (0.01)",
        )
    return int(fen)


def from_fen(fen: int | None) -> Decimal | None:
    """Integer fen → yuan with two decimals."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _text(value: Value) -> str:
    return "" if value is None else str(value)


def _list(value: Value) -> list[str]:
    return list(value) if isinstance(value, tuple) else []


# ------------------------------------------------------------------------------------- bindings


@dataclass(frozen=True)
class Binding:
    """An aggregate's spec, its row loader and its exporter."""

    spec: SheetSpec
    load: Callable[[ImportContext, Mapping[str, Value]], bool]
    export: Callable[[Actor], Iterable[Row]]
    field_columns: Mapping[str, str] = field(default_factory=dict)
    finish: Callable[[ImportContext], None] = lambda context: None
    requires: tuple[str, ...] = ()

    def column_for_field(self, name: str | None) -> str | None:
        """The header of the column behind a service error's field (``None`` if unknown)."""
        if not name:
            return None
        head = name.split(".")[0]
        key = self.field_columns.get(head, head)
        for column in self.spec.columns:
            if column.key == key:
                return column.header
        return None


BINDINGS: dict[str, Binding] = {}


def register(binding: Binding) -> Binding:
    """Add a binding to the registry, keyed by its kind."""
    BINDINGS[binding.spec.kind] = binding
    return binding


def get_binding(kind: str) -> Binding:
    """The binding of ``kind``; :class:`ValidationError` listing the kinds for an unknown one."""
    binding = BINDINGS.get(kind.strip().lower().replace("_", "-"))
    if binding is None:
        known = ", ".join(BINDINGS)
        raise ValidationError.single(
            "kind",
            problem_zh=f"未知的数据类型“{kind}”",
            problem_en=f"unknown kind “{kind}”",
            fix_zh=f"可用类型：{known}",
            fix_en=f"Use one of: {known}",
        )
    return binding
