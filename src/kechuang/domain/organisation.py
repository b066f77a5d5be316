"""Organisations: enterprises, societies, universities, labs, workstations, bases, stations ...

One model for every kind, because they share identity (name, credit code), classification
(industry and discipline codes) and the way they are docked and matched; the kind says which.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from kechuang.domain.common import (
    BilingualValueError,
    CreditCode,
    DisciplineCodes,
    IndustryCodes,
    Record,
)
from kechuang.domain.vocab import register_labels


class OrganisationKind(StrEnum):
    """The kinds of organisation a pilot region gathers."""

    ENTERPRISE = "enterprise"
    NATIONAL_SOCIETY = "national_society"
    PROVINCIAL_SOCIETY = "provincial_society"
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    LABORATORY = "laboratory"
    ACADEMICIAN_WORKSTATION = "academician_workstation"
    INNOVATION_BASE = "innovation_base"
    SOCIETY_SERVICE_STATION = "society_service_station"
    ENTERPRISE_ASSOCIATION = "enterprise_association"
    TECHNOLOGY_EXCHANGE = "technology_exchange"
    SERVICE_AGENCY = "service_agency"


register_labels(
    OrganisationKind,
    {
        "enterprise": ("企业", "Enterprise"),
        "national_society": ("全国学会", "National society"),
        "provincial_society": ("省级学会", "Provincial society"),
        "university": ("高校", "University"),
        "research_institute": ("科研院所", "Research institute"),
        "laboratory": ("实验室", "Laboratory"),
        "academician_workstation": ("院士专家工作站", "Academician expert workstation"),
        "innovation_base": ("协同创新基地", "Collaborative innovation base"),
        "society_service_station": ("学会服务站", "Society service station"),
        "enterprise_association": ("企业科协", "Enterprise science association"),
        "technology_exchange": ("技术交易机构", "Technology exchange"),
        "service_agency": ("科技服务机构", "Service agency"),
    },
)

SOCIETY_KINDS = frozenset({OrganisationKind.NATIONAL_SOCIETY, OrganisationKind.PROVINCIAL_SOCIETY})
"""The kinds counted as academic societies (学会)."""


class LabLevel(StrEnum):
    """Accreditation level of a laboratory."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    OTHER = "other"


register_labels(
    LabLevel,
    {
        "national": ("国家级", "National"),
        "provincial": ("省级", "Provincial"),
        "other": ("其他", "Other"),
    },
)


class Organisation(Record):
    """An organisation of any kind; ``region_id`` is its home region (None for national bodies)."""

    kind: OrganisationKind
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=300)
    region_id: int | None = None
    credit_code: CreditCode = None
    lab_level: LabLevel | None = None
    host_organisation_id: int | None = None
    """The enterprise hosting a workstation or association, the society behind a station ..."""
    industry_codes: IndustryCodes = Field(default_factory=list)
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    description: str = ""
    address: str = ""
    website: str = ""
    phone: str = ""
    email: str = ""
    founded_on: date | None = None
    employee_count: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _lab_level_only_for_labs(self) -> Organisation:
        if self.kind is OrganisationKind.LABORATORY and self.lab_level is None:
            raise BilingualValueError(
                "实验室须填写级别",
                "a laboratory needs a level",
                "请选择 国家级 / 省级 / 其他",
                "Choose national, provincial or other",
            )
        if self.kind is not OrganisationKind.LABORATORY and self.lab_level is not None:
            raise BilingualValueError(
                "只有实验室才有级别",
                "only laboratories have a level",
                "请清空“级别”或把类型改为实验室",
                "Clear the level or change the kind to laboratory",
            )
        return self
