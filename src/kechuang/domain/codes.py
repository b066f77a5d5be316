"""The national code lists shipped with the package: GB/T 4754-2017 industries and GB/T 13745-2009
disciplines, and the GB 32100-2015 unified social credit code (统一社会信用代码) checksum.

Records carry codes, not names, so that matching, facets and statistics agree across regions; the
lists load once per process from ``kechuang/data/codelists`` via ``importlib.resources``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Code:
    """One entry of a code list: its code, Chinese name, level in the hierarchy and parent code."""

    code: str
    name: str
    level: int
    parent: str | None


def _read_jsonl(filename: str) -> list[dict[str, object]]:
    text = resources.files("kechuang").joinpath("data/codelists/" + filename).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@cache
def industries() -> dict[str, Code]:
    """GB/T 4754-2017 国民经济行业分类: section letters (门类) and 2–4 digit codes, by code."""
    result: dict[str, Code] = {}
    for row in _read_jsonl("gbt4754_2017_industries.jsonl"):
        level = int(str(row["level"]))
        parent_key = {1: None, 2: "section", 3: "division", 4: "group"}[level]
        parent = str(row[parent_key]) if parent_key and row.get(parent_key) else None
        code = str(row["code"])
        result[code] = Code(code, str(row["name"]), level, parent)
    return result


@cache
def disciplines() -> dict[str, Code]:
    """GB/T 13745-2009 学科分类与代码: 3, 5 and 7 digit codes, by code."""
    result: dict[str, Code] = {}
    for row in _read_jsonl("gbt13745_2009_disciplines.jsonl"):
        code = str(row["code"])
        parent = row.get("parent")
        result[code] = Code(
            code, str(row["name"]), int(str(row["level"])), None if parent is None else str(parent)
        )
    return result


def is_industry(code: str) -> bool:
    """True when ``code`` is a GB/T 4754-2017 code of any level."""
    return code in industries()


def is_discipline(code: str) -> bool:
    """True when ``code`` is a GB/T 13745-2009 code of any level."""
    return code in disciplines()


def industry_name(code: str) -> str:
    """Chinese name of an industry code (raises ``KeyError`` for unknown codes)."""
    return industries()[code].name


def discipline_name(code: str) -> str:
    """Chinese name of a discipline code (raises ``KeyError`` for unknown codes)."""
    return disciplines()[code].name


def ancestors(code: str, table: dict[str, Code]) -> list[str]:
    """The chain of parent codes from the direct parent up to the top level."""
    chain: list[str] = []
    current = table.get(code)
    while current is not None and current.parent:
        chain.append(current.parent)
        current = table.get(current.parent)
    return chain


_CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(
        _CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return _CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """True when ``code`` is an 18-character unified social credit code with a valid checksum."""
    if len(code) != 18 or any(char not in _CREDIT_CODE_ALPHABET for char in code):
        return False
    return credit_code_check_character(code[:17]) == code[17]
