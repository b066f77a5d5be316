"""Conflicts of interest between a demand's party and candidate experts, as pure functions.

The caller (``services/matching.py``) reads the ids from the store; these functions only compare
them, so each rule is testable alone and the engine never touches the database. The result feeds
``MatchIndex.query(exclude=...)`` so conflicted experts are removed *inside* retrieval.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ConflictReason(StrEnum):
    """Why an expert may not be recommended for a demand."""

    SAME_ORGANISATION = "same_organisation"
    CO_AUTHORSHIP = "co_authorship"
    CLOSED_LOST_DOCKING = "closed_lost_docking"
    NOMINEE = "nominee"

    @property
    def label(self) -> str:
        """Bilingual label for operators (Chinese first)."""
        return _LABELS[self]


_LABELS = {
    ConflictReason.SAME_ORGANISATION: "同一单位 / same organisation",
    ConflictReason.CO_AUTHORSHIP: "合作发表 / co-authorship",
    ConflictReason.CLOSED_LOST_DOCKING: "此前对接未成功 / earlier docking closed without success",
    ConflictReason.NOMINEE: "评审对象本人 / the candidate themself",
}


@dataclass(frozen=True)
class Conflict:
    """One reason, with the id that caused it (organisation, co-author or docking)."""

    expert_id: str
    reason: ConflictReason
    because_of: str


def same_organisation(
    party_organisations: Collection[str], expert_organisations: Mapping[str, Collection[str]]
) -> list[Conflict]:
    """Experts affiliated with any organisation of the demanding party."""
    party = set(party_organisations)
    return [
        Conflict(expert, ConflictReason.SAME_ORGANISATION, organisation)
        for expert, organisations in expert_organisations.items()
        for organisation in sorted(party.intersection(organisations))
    ]


def co_authorship(
    party_people: Collection[str], coauthors: Mapping[str, Collection[str]]
) -> list[Conflict]:
    """Experts who co-authored a work with a person of the demanding party."""
    party = set(party_people)
    return [
        Conflict(expert, ConflictReason.CO_AUTHORSHIP, person)
        for expert, people in coauthors.items()
        for person in sorted(party.intersection(people))
    ]


_NAME_PUNCTUATION = re.compile(r"[\s.\-‐·•・,，_'’]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def author_key(name: str) -> str:
    """A person's name for comparison across bylines: NFKC, case-folded, punctuation dropped.

    Chinese names compare with their spaces removed (``张 三`` = ``张三``); Latin names compare by
    their set of parts, so the byline orders ``Zhang, San`` / ``San Zhang`` / ``zhang san`` agree.
    Initials are not expanded (``S. Zhang`` stays different from ``San Zhang``): an initial is too
    weak to exclude an expert on.
    """
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    if not text:
        return ""
    if _CJK.search(text):
        return _NAME_PUNCTUATION.sub("", text)
    parts = [part for part in _NAME_PUNCTUATION.split(text) if part]
    return " ".join(sorted(parts))


@dataclass(frozen=True)
class Byline:
    """A person's own names (e.g. Chinese and English) and every author name on their works."""

    names: Collection[str]
    authors: Collection[str] = field(default_factory=tuple)


def shared_authors(party: Iterable[Byline], candidates: Mapping[str, Byline]) -> list[Conflict]:
    """Candidates who share a byline with a person of the party: a party person's name is among
    the candidate's works' authors, or the candidate's name among the party person's.

    Names compare by :func:`author_key`; the evidence is ``author:<name as written>``.
    """
    party_names: dict[str, str] = {}
    party_bylines: dict[str, str] = {}
    for person in party:
        for name in person.names:
            if key := author_key(name):
                party_names.setdefault(key, name.strip())
        for author in person.authors:
            if key := author_key(author):
                party_bylines.setdefault(key, author.strip())
    found: list[Conflict] = []
    for expert, byline in candidates.items():
        evidence = {
            party_names[key]
            for author in byline.authors
            if (key := author_key(author)) in party_names
        }
        evidence.update(
            party_bylines[key]
            for name in byline.names
            if (key := author_key(name)) in party_bylines
        )
        found.extend(
            Conflict(expert, ConflictReason.CO_AUTHORSHIP, f"author:{name}")
            for name in sorted(evidence)
        )
    return found


def closed_lost_dockings(
    party_id: str, closed_lost: Iterable[tuple[str, str, str]]
) -> list[Conflict]:
    """Experts in an earlier docking with this party that closed without success.

    ``closed_lost`` holds ``(docking id, party id, expert id)`` of closed-lost dockings.
    """
    return [
        Conflict(expert, ConflictReason.CLOSED_LOST_DOCKING, docking)
        for docking, party, expert in closed_lost
        if party == party_id
    ]


def is_party(party_people: Collection[str], candidates: Iterable[str]) -> list[Conflict]:
    """Candidates who are themselves a party (an honour list's nominee may not review it)."""
    party = set(party_people)
    return [
        Conflict(expert, ConflictReason.NOMINEE, expert) for expert in candidates if expert in party
    ]


def conflicted_experts(*groups: Iterable[Conflict]) -> dict[str, list[Conflict]]:
    """All conflicts by expert: pass the result's keys as ``exclude`` to the query."""
    by_expert: dict[str, list[Conflict]] = {}
    for group in groups:
        for conflict in group:
            by_expert.setdefault(conflict.expert_id, []).append(conflict)
    return by_expert
