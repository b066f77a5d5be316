"""Vocabularies: closed sets of codes (``StrEnum``) with Chinese and English labels.

The database and the API store the code; people see the label in their language. Labels live in
one registry, so a single architecture test can check that no member lacks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal, TypeVar

Language = Literal["zh", "en"]
"""The two interface languages: Chinese first, English second."""

E = TypeVar("E", bound=StrEnum)

_LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {}


def register_labels(enum: type[E], labels: Mapping[str, tuple[str, str]]) -> type[E]:
    """Attach ``code -> (zh, en)`` labels to a vocabulary; unknown codes are a programming error."""
    unknown = set(labels) - {member.value for member in enum}
    if unknown:
        raise KeyError(f"{enum.__name__}: labels for unknown codes {sorted(unknown)}")
    _LABELS[enum] = dict(labels)
    return enum


def label(member: StrEnum, language: Language = "zh") -> str:
    """The label of ``member`` in ``language``; falls back to the code if none is registered."""
    pair = _LABELS.get(type(member), {}).get(member.value)
    if pair is None:
        return member.value
    return pair[0] if language == "zh" else pair[1]


def labels_of(enum: type[StrEnum]) -> dict[str, tuple[str, str]]:
    """All registered ``code -> (zh, en)`` labels of a vocabulary (for forms, templates, tests)."""
    return dict(_LABELS.get(enum, {}))


def parse_member(enum: type[E], text: str) -> E:
    """Read a member from its code, its Chinese label or its English label (importers use this)."""
    cleaned = text.strip()
    for member in enum:
        zh, en = _LABELS.get(enum, {}).get(member.value, (member.value, member.value))
        if cleaned in (member.value, zh) or cleaned.casefold() == en.casefold():
            return member
    raise ValueError(cleaned)
