"""The national code lists shipped in the package, read as routing targets.

GB/T 13745-2009 (disciplines, 学科) and GB/T 4754-2017 (industries, 行业) are the two vocabularies a
demand is routed into. The community transcriptions carry annotations after the name (``"应用数学
具体应用入有关学科"``); only the first token is the name. Each entry's *description* is its name
followed by the names (and, for industries, the official scope notes) of its descendants: that
text is what a classifier fitted from the code list alone learns from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class CodeEntry:
    """One code of a national list, with what a classifier can learn about it."""

    code: str
    name: str
    level: int
    parent: str | None
    note: str = ""
    children: tuple[str, ...] = field(default=())


def _clean_name(raw: str) -> str:
    """Drop the transcription's annotations (after the first space) and stray spaces."""
    return raw.strip().split()[0] if raw.strip() else raw


def _read_jsonl(filename: str) -> list[dict[str, object]]:
    text = resources.files("kechuang.data.codelists").joinpath(filename).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _link(entries: list[CodeEntry]) -> dict[str, CodeEntry]:
    """Fill each entry's ``children`` from the ``parent`` links."""
    children: dict[str, list[str]] = {}
    for entry in entries:
        if entry.parent is not None:
            children.setdefault(entry.parent, []).append(entry.code)
    return {
        entry.code: CodeEntry(
            code=entry.code,
            name=entry.name,
            level=entry.level,
            parent=entry.parent,
            note=entry.note,
            children=tuple(children.get(entry.code, ())),
        )
        for entry in entries
    }


@cache
def disciplines() -> dict[str, CodeEntry]:
    """GB/T 13745-2009 disciplines by code (levels 1–3; a few level-3 codes have no parent)."""
    entries = [
        CodeEntry(
            code=str(row["code"]),
            name=_clean_name(str(row["name"])),
            level=int(str(row["level"])),
            parent=str(row["parent"]) if row.get("parent") else None,
        )
        for row in _read_jsonl("gbt13745_2009_disciplines.jsonl")
    ]
    return _link(entries)


@cache
def industries() -> dict[str, CodeEntry]:
    """GB/T 4754-2017 industries by code: 门类 (level 1, a letter) down to 小类 (level 4)."""
    entries: list[CodeEntry] = []
    for row in _read_jsonl("gbt4754_2017_industries.jsonl"):
        level = int(str(row["level"]))
        parent_key = {2: "section", 3: "division", 4: "group"}.get(level)
        parent = str(row[parent_key]) if parent_key and row.get(parent_key) else None
        entries.append(
            CodeEntry(
                code=str(row["code"]).strip(),
                name=str(row["name"]).strip(),
                level=level,
                parent=parent,
                note=str(row.get("note") or "").strip(),
            )
        )
    return _link(entries)


def descendants(table: dict[str, CodeEntry], code: str) -> list[CodeEntry]:
    """All entries below ``code`` (depth first), excluding the entry itself."""
    found: list[CodeEntry] = []
    stack = list(reversed(table[code].children))
    while stack:
        entry = table[stack.pop()]
        found.append(entry)
        stack.extend(reversed(entry.children))
    return found


def describe(table: dict[str, CodeEntry], code: str, *, with_notes: bool = True) -> str:
    """The entry's name, its notes and its descendants' names (and notes), as one text."""
    entry = table[code]
    parts = [entry.name]
    if with_notes and entry.note and not entry.note.startswith("本门类包括"):
        parts.append(entry.note)
    for child in descendants(table, code):
        parts.append(child.name)
        if with_notes and child.note:
            parts.append(child.note)
    return "；".join(parts)
