"""The aggregate queries behind region statistics (`kechuang.store.counts`), on a real database.

Rows are written through the services; the queries are read on the unit of work's session, as
`kechuang.services.stats` does. Boundaries matter: a docking signed on 31 December counts at that
year's end, one ended that day no longer does; archived rows never count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Event,
    EventKind,
    Organisation,
    OrganisationKind,
    Region,
    RegionDocking,
    Volunteer,
)
from kechuang.services import demands, events, organisations, regions, volunteers
from kechuang.services.context import transaction, unit_of_work
from kechuang.store import counts

ADMIN = Actor.system("test")


def _id(value: int | None) -> int:
    assert value is not None
    return value


def test_counting_queries(database_url: str) -> None:
    with transaction():
        region = _id(regions.create(ADMIN, Region(name="计数区")).id)
        other = _id(regions.create(ADMIN, Region(name="别的区")).id)
        session = unit_of_work().session

        def society(name: str, kind: OrganisationKind) -> int:
            return _id(organisations.create(ADMIN, Organisation(kind=kind, name=name)).id)

        national = society("全国学会", OrganisationKind.NATIONAL_SOCIETY)
        provincial = society("省学会", OrganisationKind.PROVINCIAL_SOCIETY)
        ended = society("已终止学会", OrganisationKind.NATIONAL_SOCIETY)
        for organisation_id, signed, ended_on in (
            (national, date(2023, 12, 31), None),
            (provincial, date(2024, 1, 1), None),
            (ended, date(2020, 1, 1), date(2023, 12, 31)),
        ):
            regions.dock(
                ADMIN,
                RegionDocking(
                    region_id=region,
                    organisation_id=organisation_id,
                    signed_on=signed,
                    ended_on=ended_on,
                ),
            )
        regions.dock(
            ADMIN, RegionDocking(region_id=other, organisation_id=ended, signed_on=date(2022, 1, 1))
        )
        societies = ["national_society", "provincial_society"]
        assert counts.docked_organisations(session, region, societies) == 2
        assert counts.docked_organisations(session, region, ["national_society"]) == 1
        assert (
            counts.docked_organisations(session, region, societies, as_of=date(2023, 12, 31)) == 1
        )
        assert (
            counts.docked_organisations(session, region, societies, as_of=date(2023, 12, 30)) == 1
        )
        assert counts.docked_organisations(session, region, societies, as_of=date(2019, 1, 1)) == 0
        assert counts.docked_organisations(session, other, societies) == 1

        for kind, day, trainees in (
            (EventKind.TRAINING, date(2023, 1, 1), 30),
            (EventKind.TRAINING, date(2023, 12, 31), 12),
            (EventKind.TRAINING, date(2024, 1, 1), 7),
            (EventKind.FORUM, date(2023, 5, 1), 100),
        ):
            events.create(
                ADMIN,
                Event(
                    region_id=region, kind=kind, title="活动", starts_on=day, trainee_count=trainees
                ),
            )
        archived = events.create(
            ADMIN,
            Event(
                region_id=region,
                kind=EventKind.TRAINING,
                title="已归档培训",
                starts_on=date(2023, 3, 1),
                trainee_count=1000,
            ),
        )
        events.archive(ADMIN, _id(archived.id))
        assert counts.trainee_total(session, region, ["training"]) == 49
        assert counts.trainee_total(session, region, ["training"], year=2023) == 42
        assert counts.trainee_total(session, region, ["training", "forum"], year=2023) == 142
        assert counts.trainee_total(session, other, ["training"]) == 0

        association = _id(
            organisations.create(
                ADMIN,
                Organisation(
                    kind=OrganisationKind.ENTERPRISE_ASSOCIATION, name="科协", region_id=region
                ),
            ).id
        )
        for name, joined in (("甲", date(2023, 12, 31)), ("乙", date(2024, 1, 1)), ("丙", None)):
            volunteers.create(
                ADMIN,
                Volunteer(
                    name=name, region_id=region, association_id=association, joined_on=joined
                ),
            )
        assert counts.volunteers(session, region) == 3
        assert counts.volunteers(session, region, as_of=date(2023, 12, 31)) == 2  # 甲 and 丙

        enterprise = _id(
            organisations.create(
                ADMIN,
                Organisation(kind=OrganisationKind.ENTERPRISE, name="企业", region_id=region),
            ).id
        )
        for title, published in (
            ("二三年需求", datetime(2023, 12, 31, 23, 0, tzinfo=UTC)),
            ("二四年需求", datetime(2024, 1, 1, 0, 30, tzinfo=UTC)),
        ):
            demands.create(
                ADMIN,
                Demand(
                    region_id=region,
                    enterprise_id=enterprise,
                    title=title,
                    status=DemandStatus.PUBLISHED,
                    published_at=published,
                ),
            )
        demands.create(ADMIN, Demand(region_id=region, enterprise_id=enterprise, title="草稿需求"))
        assert counts.demands(session, region) == 3
        assert counts.demands(session, region, published_in=2023) == 1
        assert counts.demands(session, region, published_in=2024) == 1
        assert counts.dockings_in_stages(session, region, ["signed", "delivered"]) == (0, 0)
