"""Region statistics: the figures a 科创中国 pilot reports, computed from the database.

The Lanzhou report (《兰州日报》 2024-08-27) states a pilot region's achievements as counts:
enterprises on the platform, societies docked, academician workstations, collaborative innovation
bases, provincial-or-higher labs, society service stations, enterprise science associations,
volunteers, docking events, trainee person-times. `region_figures` computes exactly those (and a
few more the KPIs and the ranking build on) with one SQL aggregate each, never from constants.

With `year`, flows count only that year (events held, demands published, dockings signed) and
stocks count the state at the end of that year where the records carry a date (societies docked
and not yet ended, volunteers joined); organisations carry no joining date, so they count as now.
The figures are aggregates without names, so anyone may read them, as the report itself does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from kechuang.domain import (
    Actor,
    EventKind,
    LabLevel,
    OrganisationKind,
    Region,
    ValidationError,
)
from kechuang.domain.docking import SIGNED_OR_LATER
from kechuang.domain.errors import Detail
from kechuang.services import policy
from kechuang.services import regions as region_service
from kechuang.services.context import action, unit_of_work
from kechuang.store import counts

_PUBLIC = "anyone, including the public (aggregate counts only)"
policy.rule("stats.region_figures", _PUBLIC)(policy.anyone)
policy.rule("stats.region_figures_by_name", _PUBLIC)(policy.anyone)
policy.rule("stats.all_regions", _PUBLIC)(policy.anyone)

COUNTED_LAB_LEVELS = (LabLevel.NATIONAL, LabLevel.PROVINCIAL)
"""The report counts "省级以上实验室": provincial or national labs only."""


@dataclass(frozen=True)
class RegionFigures:
    """One region's figures; the first block are the keys the Lanzhou report states."""

    region_id: int
    region: str
    region_en: str
    year: int | None
    enterprises: int
    societies_docked: int
    academician_workstations: int
    innovation_bases: int
    labs: int
    society_service_stations: int
    enterprise_associations: int
    volunteers: int
    docking_events: int
    trainees: int
    demands: int
    dockings_signed: int
    # More detail, for the KPIs and the ranking.
    national_societies_docked: int
    provincial_societies_docked: int
    experts: int
    achievements: int
    events: int
    trainings: int
    dockings: int
    contract_value_fen: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (the `kechuang stats --json` output)."""
        return asdict(self)


LABELS: dict[str, tuple[str, str]] = {
    "enterprises": ("入驻平台企业", "Enterprises on the platform"),
    "societies_docked": ("对接国家级省级学会", "National and provincial societies docked"),
    "academician_workstations": ("院士专家工作站", "Academician expert workstations"),
    "innovation_bases": ("协同创新基地", "Collaborative innovation bases"),
    "labs": ("省级以上实验室", "Provincial-or-higher laboratories"),
    "society_service_stations": ("学会服务站", "Society service stations"),
    "enterprise_associations": ("企业科协", "Enterprise science associations"),
    "volunteers": ("科技志愿者", "Science and technology volunteers"),
    "docking_events": ("产学研对接活动（次）", "Docking events"),
    "trainees": ("培训人次", "Trainee person-times"),
    "demands": ("科技需求", "Technology demands"),
    "dockings_signed": ("已签约对接", "Dockings signed"),
    "national_societies_docked": ("其中：全国学会", "of which national societies"),
    "provincial_societies_docked": ("其中：省级学会", "of which provincial societies"),
    "experts": ("专家", "Experts"),
    "achievements": ("科技成果", "Technology achievements"),
    "events": ("活动总数", "Events in all"),
    "trainings": ("培训（次）", "Trainings"),
    "dockings": ("对接总数", "Dockings in all"),
    "contract_value_fen": ("签约金额（分）", "Contract value (fen)"),
}
"""Bilingual labels of the figures, in display order (zh first)."""


def _check_year(year: int | None) -> None:
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError.of_details(
            [
                Detail(
                    "year",
                    f"年份 {year} 超出范围",
                    f"year {year} is out of range",
                    "请填写 2000–2100 之间的年份，例如 2024",
                    "Give a year between 2000 and 2100, e.g. 2024",
                )
            ]
        )


def _figures(region: Region, year: int | None) -> RegionFigures:
    assert region.id is not None
    uow = unit_of_work()
    session = uow.session
    region_id = region.id
    as_of = date(year, 12, 31) if year is not None else None

    def organisations(kind: OrganisationKind, **filters: Any) -> int:
        return uow.organisations.count(region_id=region_id, kind=kind.value, **filters)

    national = counts.docked_organisations(
        session, region_id, [OrganisationKind.NATIONAL_SOCIETY.value], as_of=as_of
    )
    provincial = counts.docked_organisations(
        session, region_id, [OrganisationKind.PROVINCIAL_SOCIETY.value], as_of=as_of
    )
    signed, contract_value = counts.dockings_in_stages(
        session, region_id, [stage.value for stage in SIGNED_OR_LATER], signed_in=year
    )
    return RegionFigures(
        region_id=region_id,
        region=region.name,
        region_en=region.name_en,
        year=year,
        enterprises=organisations(OrganisationKind.ENTERPRISE),
        societies_docked=national + provincial,
        academician_workstations=organisations(OrganisationKind.ACADEMICIAN_WORKSTATION),
        innovation_bases=organisations(OrganisationKind.INNOVATION_BASE),
        labs=organisations(
            OrganisationKind.LABORATORY, lab_level_in=[lv.value for lv in COUNTED_LAB_LEVELS]
        ),
        society_service_stations=organisations(OrganisationKind.SOCIETY_SERVICE_STATION),
        enterprise_associations=organisations(OrganisationKind.ENTERPRISE_ASSOCIATION),
        volunteers=counts.volunteers(session, region_id, as_of=as_of),
        docking_events=uow.events.count(
            region_id=region_id, kind=EventKind.DOCKING_EVENT.value, year=year
        ),
        trainees=counts.trainee_total(session, region_id, [EventKind.TRAINING.value], year=year),
        demands=counts.demands(session, region_id, published_in=year),
        dockings_signed=signed,
        national_societies_docked=national,
        provincial_societies_docked=provincial,
        experts=uow.experts.count(region_id=region_id),
        achievements=uow.achievements.count(region_id=region_id),
        events=uow.events.count(region_id=region_id, year=year),
        trainings=uow.events.count(region_id=region_id, kind=EventKind.TRAINING.value, year=year),
        dockings=uow.dockings.count(region_id=region_id),
        contract_value_fen=contract_value,
    )


@action("stats.region_figures")
def region_figures(actor: Actor, region_id: int, *, year: int | None = None) -> RegionFigures:
    """The report figures of one region (NotFound for an unknown or hidden region)."""
    policy.require(actor, "stats.region_figures")
    _check_year(year)
    return _figures(region_service.get(actor, region_id), year)


@action("stats.region_figures_by_name")
def region_figures_by_name(actor: Actor, name: str, *, year: int | None = None) -> RegionFigures:
    """The report figures of the region called `name`, e.g. 兰州新区."""
    policy.require(actor, "stats.region_figures_by_name")
    _check_year(year)
    return _figures(region_service.get_by_name(actor, name), year)


@action("stats.all_regions")
def all_regions(actor: Actor, *, year: int | None = None) -> list[RegionFigures]:
    """The figures of every (non-archived) region, by region id — the ranking's peers."""
    policy.require(actor, "stats.all_regions")
    _check_year(year)
    return [_figures(region, year) for region in unit_of_work().regions.all()]
