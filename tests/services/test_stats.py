"""Region statistics count exactly what the report counts, from the database.

A small world is written through the services (two regions, so nothing leaks between them) with
records that must NOT be counted next to those that must: a society that is not docked, a docking
that has ended, a lab below provincial level, an archived enterprise, a closed docking, events of
other kinds and other years.
"""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Event,
    EventKind,
    LabLevel,
    NotFound,
    Organisation,
    OrganisationKind,
    Region,
    RegionDocking,
    ValidationError,
    Volunteer,
)
from kechuang.services import demands, dockings, events, organisations, regions, stats, volunteers
from kechuang.services.context import transaction

ADMIN = Actor.system("test")


def _org(region_id: int | None, kind: OrganisationKind, name: str, **extra: object) -> int:
    organisation = organisations.create(
        ADMIN, Organisation(kind=kind, name=name, region_id=region_id, **extra)
    )
    assert organisation.id is not None
    return organisation.id


def _world() -> tuple[int, int]:
    """Region A with counted and uncounted records; region B with records of its own."""
    region_a = regions.create(ADMIN, Region(name="甲区"))
    region_b = regions.create(ADMIN, Region(name="乙区"))
    assert region_a.id is not None
    assert region_b.id is not None
    a, b = region_a.id, region_b.id

    enterprise = _org(a, OrganisationKind.ENTERPRISE, "甲一企业")
    _org(a, OrganisationKind.ENTERPRISE, "甲二企业")
    archived = _org(a, OrganisationKind.ENTERPRISE, "甲三企业（已归档）")
    organisations.archive(ADMIN, archived)
    _org(b, OrganisationKind.ENTERPRISE, "乙一企业")

    national = _org(None, OrganisationKind.NATIONAL_SOCIETY, "全国学会一")
    provincial = _org(None, OrganisationKind.PROVINCIAL_SOCIETY, "省学会一")
    ended = _org(None, OrganisationKind.NATIONAL_SOCIETY, "全国学会二（已终止）")
    _org(None, OrganisationKind.NATIONAL_SOCIETY, "全国学会三（未对接）")
    exchange = _org(None, OrganisationKind.TECHNOLOGY_EXCHANGE, "技术交易所")
    for organisation_id, signed_on, ended_on in (
        (national, date(2022, 3, 1), None),
        (provincial, date(2024, 5, 1), None),
        (ended, date(2021, 1, 1), date(2023, 6, 30)),
        (exchange, date(2022, 1, 1), None),  # docked, but not a society
    ):
        regions.dock(
            ADMIN,
            RegionDocking(
                region_id=a, organisation_id=organisation_id, signed_on=signed_on, ended_on=ended_on
            ),
        )
    regions.dock(
        ADMIN, RegionDocking(region_id=b, organisation_id=national, signed_on=date(2022, 1, 1))
    )

    _org(a, OrganisationKind.ACADEMICIAN_WORKSTATION, "工作站")
    _org(a, OrganisationKind.INNOVATION_BASE, "基地一")
    _org(a, OrganisationKind.INNOVATION_BASE, "基地二")
    _org(a, OrganisationKind.LABORATORY, "国家实验室", lab_level=LabLevel.NATIONAL)
    _org(a, OrganisationKind.LABORATORY, "省实验室", lab_level=LabLevel.PROVINCIAL)
    _org(a, OrganisationKind.LABORATORY, "企业实验室", lab_level=LabLevel.OTHER)
    _org(b, OrganisationKind.LABORATORY, "乙省实验室", lab_level=LabLevel.PROVINCIAL)
    _org(a, OrganisationKind.SOCIETY_SERVICE_STATION, "服务站")
    association = _org(a, OrganisationKind.ENTERPRISE_ASSOCIATION, "企业科协")

    for name, joined in (("志愿者一", date(2022, 5, 1)), ("志愿者二", date(2024, 2, 1))):
        volunteers.create(
            ADMIN, Volunteer(name=name, region_id=a, association_id=association, joined_on=joined)
        )
    volunteers.create(ADMIN, Volunteer(name="乙志愿者", region_id=b))

    for kind, day, trainees in (
        (EventKind.DOCKING_EVENT, date(2023, 4, 1), 0),
        (EventKind.DOCKING_EVENT, date(2024, 4, 1), 0),
        (EventKind.TRAINING, date(2023, 6, 1), 40),
        (EventKind.TRAINING, date(2024, 6, 1), 25),
        (EventKind.FORUM, date(2024, 7, 1), 300),  # a forum's audience is not trainees
    ):
        events.create(
            ADMIN,
            Event(
                region_id=a, kind=kind, title=f"{kind}-{day}", starts_on=day, trainee_count=trainees
            ),
        )
    events.create(
        ADMIN,
        Event(
            region_id=b,
            kind=EventKind.TRAINING,
            title="乙培训",
            starts_on=date(2024, 1, 1),
            trainee_count=99,
        ),
    )

    demand_ids = []
    for title in ("需求一", "需求二", "需求三"):
        demand = demands.create(
            ADMIN,
            Demand(
                region_id=a, enterprise_id=enterprise, title=title, status=DemandStatus.PUBLISHED
            ),
        )
        assert demand.id is not None
        demand_ids.append(demand.id)
    path = (DockingStage.CONTACTED, DockingStage.MEETING, DockingStage.NEGOTIATING)
    for demand_id, last, value in (
        (demand_ids[0], DockingStage.SIGNED, 500_000_00),
        (demand_ids[1], DockingStage.DELIVERED, 120_000_00),
        (demand_ids[2], DockingStage.CLOSED, None),
    ):
        docking = dockings.create(
            ADMIN,
            Docking(
                region_id=a,
                demand_id=demand_id,
                target_kind=DockingTargetKind.ORGANISATION,
                target_id=national,
            ),
        )
        assert docking.id is not None
        stages = [*path, DockingStage.SIGNED]
        if last is DockingStage.DELIVERED:
            stages.append(DockingStage.DELIVERED)
        if last is DockingStage.CLOSED:
            stages = [DockingStage.CONTACTED, DockingStage.CLOSED]
        for stage in stages:
            dockings.transition(
                ADMIN,
                docking.id,
                stage,
                closed_reason="预算不足" if stage is DockingStage.CLOSED else "",
                contract_value_fen=value if stage is DockingStage.SIGNED else None,
                on=date(2024, 3, 1) if stage is DockingStage.SIGNED else None,
            )
    return a, b


def test_counts_only_what_the_report_counts(database_url: str) -> None:
    with transaction():
        a, _b = _world()
    figures = stats.region_figures(Actor.anonymous(), a)
    assert figures.region == "甲区"
    assert figures.enterprises == 2  # archived one and region B's are not counted
    assert figures.societies_docked == 2  # not the ended one, the undocked one or the exchange
    assert figures.national_societies_docked == 1
    assert figures.provincial_societies_docked == 1
    assert figures.academician_workstations == 1
    assert figures.innovation_bases == 2
    assert figures.labs == 2  # national + provincial; the "other" lab is not counted
    assert figures.society_service_stations == 1
    assert figures.enterprise_associations == 1
    assert figures.volunteers == 2
    assert figures.docking_events == 2
    assert figures.trainings == 2
    assert figures.trainees == 65  # trainings only; the forum's 300 are not trainees
    assert figures.demands == 3
    assert figures.dockings == 3
    assert figures.dockings_signed == 2  # signed + delivered; the closed one is not
    assert figures.contract_value_fen == 620_000_00


def test_year_counts_flows_in_the_year_and_stocks_at_its_end(database_url: str) -> None:
    with transaction():
        a, _b = _world()
    figures = stats.region_figures(ADMIN, a, year=2023)
    assert figures.docking_events == 1
    assert figures.trainees == 40
    assert figures.dockings_signed == 0  # both were signed in 2024
    assert figures.volunteers == 1  # the second joined in 2024
    # At the end of 2023 the ended docking had ended and the provincial one was not yet signed.
    assert figures.societies_docked == 1
    figures_2024 = stats.region_figures(ADMIN, a, year=2024)
    assert figures_2024.dockings_signed == 2
    assert figures_2024.trainees == 25
    assert figures_2024.societies_docked == 2


def test_by_name_all_regions_and_errors(database_url: str) -> None:
    with transaction():
        a, b = _world()
    assert stats.region_figures_by_name(ADMIN, "甲区").region_id == a
    everything = {f.region_id: f for f in stats.all_regions(Actor.anonymous())}
    assert everything[b].enterprises == 1
    assert everything[b].societies_docked == 1
    assert everything[b].labs == 1
    assert everything[b].trainees == 99
    with pytest.raises(NotFound):
        stats.region_figures_by_name(ADMIN, "不存在的区")
    with pytest.raises(ValidationError):
        stats.region_figures(ADMIN, a, year=1800)
