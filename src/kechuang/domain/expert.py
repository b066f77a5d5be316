"""Experts and their works. An expert's profile is the set of their works (papers, patents,
projects, achievements): the matching engine scores works and aggregates them per expert.

Private contact data lives in its own value so the services can drop it for anyone who may not see
it; it never reaches public pages, exports for the public or search.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from kechuang.domain.common import DisciplineCodes, DomainModel, IndustryCodes, Record
from kechuang.domain.vocab import register_labels


class WorkKind(StrEnum):
    """The kinds of work that make up an expert's profile."""

    PAPER = "paper"
    PATENT = "patent"
    PROJECT = "project"
    ACHIEVEMENT = "achievement"


register_labels(
    WorkKind,
    {
        "paper": ("论文", "Paper"),
        "patent": ("专利", "Patent"),
        "project": ("项目", "Project"),
        "achievement": ("成果", "Achievement"),
    },
)


MAX_AUTHORS = 100
"""Most authors kept for one work (large collaborations list hundreds: the first 100 are kept)."""

AuthorName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""One author's name as written on the work."""


class Work(DomainModel):
    """One paper, patent, project or achievement of an expert (the matcher's unit of evidence)."""

    id: int | None = None
    kind: WorkKind
    title: str = Field(min_length=1, max_length=500)
    abstract: str = ""
    keywords: list[str] = Field(default_factory=list)
    year: int | None = Field(None, ge=1900, le=2100)
    venue: str = ""
    """Journal, patent office, funding programme ..."""
    identifier: str = ""
    """DOI, patent number, project number ..."""
    url: str = ""
    achievement_id: int | None = None
    authors: list[AuthorName] = Field(default_factory=list, max_length=MAX_AUTHORS)
    """The work's authors as written (the expert among them); co-authorship evidence."""


class ExpertContact(DomainModel):
    """An expert's private contact data: members of staff only, never public."""

    phone: str = ""
    email: str = ""
    wechat: str = ""
    address: str = ""


class Expert(Record):
    """A person whose knowledge can solve enterprises' demands."""

    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=200)
    title: str = Field("", max_length=100)
    """Professional title (职称), e.g. 教授 / 研究员 / 高级工程师."""
    affiliation: str = Field("", max_length=200)
    affiliation_id: int | None = None
    region_id: int | None = None
    is_academician: bool = False
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    industry_codes: IndustryCodes = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    think_tanks: list[str] = Field(default_factory=list)
    """Names of think tanks (智库) the expert belongs to."""
    capacity: int = Field(3, ge=0, le=100)
    """How many dockings the expert takes on at once."""
    bio: str = ""
    contact: ExpertContact | None = None
    """None when the reader may not see it (or none recorded)."""
    works: list[Work] = Field(default_factory=list)
