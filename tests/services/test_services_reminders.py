"""Reminders for stale dockings on a real database: which dockings are stale, who is mailed, at
most once per docking per N days (recorded in the audit log), nothing recorded when mail fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Expert,
    ExpertContact,
    Organisation,
    OrganisationKind,
    PermissionDenied,
    Region,
    Role,
    User,
    ValidationError,
)
from kechuang.services import (
    audit,
    demands,
    dockings,
    experts,
    organisations,
    regions,
    transaction,
    users,
)

SYSTEM = Actor.system("test")
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)


@dataclass
class Stale:
    region: int
    other_region: int
    open_docking: int
    closed_docking: int
    silent_docking: int
    operator: Actor


def _id(value: int | None) -> int:
    assert value is not None
    return value


@pytest.fixture
def stale_world(database_url: str) -> Stale:
    with transaction():
        region = _id(regions.create(SYSTEM, Region(name="兰州新区")).id)
        other = _id(regions.create(SYSTEM, Region(name="另一试点")).id)
        enterprise = _id(
            organisations.create(
                SYSTEM,
                Organisation(kind=OrganisationKind.ENTERPRISE, name="甲化工", region_id=region),
            ).id
        )
        silent = _id(
            organisations.create(
                SYSTEM,
                Organisation(kind=OrganisationKind.ENTERPRISE, name="无账号企业", region_id=region),
            ).id
        )
        with_account = _id(experts.create(SYSTEM, Expert(name="张工", region_id=region)).id)
        without_account = _id(
            experts.create(
                SYSTEM,
                Expert(
                    name="李工",
                    region_id=region,
                    contact=ExpertContact(email="li@example.org"),
                ),
            ).id
        )
        users.create(
            SYSTEM,
            User(
                username="ent",
                role=Role.ENTERPRISE_MEMBER,
                email="ent@example.org",
                region_id=region,
                organisation_id=enterprise,
            ),
            "correct horse battery",
        )
        users.create(
            SYSTEM,
            User(
                username="exp",
                role=Role.EXPERT,
                email="zhang@example.org",
                region_id=region,
                expert_id=with_account,
            ),
            "correct horse battery",
        )

        def docking(owner: int, expert: int) -> int:
            demand = _id(
                demands.create(
                    SYSTEM,
                    Demand(
                        region_id=region,
                        enterprise_id=owner,
                        title=f"需求 {owner}-{expert}",
                        status=DemandStatus.PUBLISHED,
                    ),
                ).id
            )
            return _id(
                dockings.create(
                    SYSTEM,
                    Docking(
                        region_id=region,
                        demand_id=demand,
                        target_kind=DockingTargetKind.EXPERT,
                        target_id=expert,
                    ),
                ).id
            )

        open_docking = docking(enterprise, with_account)
        closed_docking = docking(enterprise, without_account)
        dockings.transition(SYSTEM, closed_docking, DockingStage.CLOSED, closed_reason="不合适")
        silent_docking = docking(silent, without_account)
    return Stale(
        region,
        other,
        open_docking,
        closed_docking,
        silent_docking,
        Actor(900, Role.REGION_OPERATOR, region_id=region, label="op"),
    )


def test_stale_means_open_and_unchanged_for_more_than_n_days(stale_world: Stale) -> None:
    with transaction():
        assert dockings.stale(stale_world.operator, stale_world.region, days=14) == []
        found = dockings.stale(stale_world.operator, stale_world.region, days=14, now=LATER)
        assert dockings.stale(stale_world.operator, stale_world.region, days=30, now=LATER) == []
    assert {d.id for d in found} == {stale_world.open_docking, stale_world.silent_docking}


def test_remind_mails_both_parties_once_per_interval(stale_world: Stale) -> None:
    outbox: list[dockings.Reminder] = []
    with transaction():
        first = dockings.remind(
            stale_world.operator, stale_world.region, days=14, send=outbox.append, now=LATER
        )
    by_docking = {r.docking.id: r for r in first.sent}
    assert set(by_docking) == {stale_world.open_docking, stale_world.silent_docking}
    assert {(r.email, r.side) for r in by_docking[stale_world.open_docking].recipients} == {
        ("ent@example.org", "enterprise"),
        ("zhang@example.org", "provider"),
    }
    # An expert without an account is written to at their profile's address.
    assert [r.email for r in by_docking[stale_world.silent_docking].recipients] == [
        "li@example.org"
    ]
    assert by_docking[stale_world.open_docking].idle_days >= 19
    assert by_docking[stale_world.open_docking].partner_name == "张工"
    assert len(outbox) == 2

    with transaction():
        again = dockings.remind(
            stale_world.operator,
            stale_world.region,
            days=14,
            send=outbox.append,
            now=LATER + dt.timedelta(days=3),
        )
    assert again.sent == []
    assert sorted(again.recently_reminded) == sorted(by_docking)
    assert len(outbox) == 2

    with transaction():
        later = dockings.remind(
            stale_world.operator,
            stale_world.region,
            days=14,
            send=outbox.append,
            now=LATER + dt.timedelta(days=15),
        )
        entries = audit.list(stale_world.operator, action_name="dockings.remind").items
    assert len(later.sent) == 2
    assert len(entries) == 4
    assert entries[0].after is not None
    assert entries[0].after["recipients"]


def test_a_failed_mail_records_nothing(stale_world: Stale) -> None:
    def broken(_reminder: dockings.Reminder) -> None:
        raise OSError("outbox full")

    with pytest.raises(OSError, match="outbox full"), transaction():
        dockings.remind(stale_world.operator, stale_world.region, days=14, send=broken, now=LATER)
    with transaction():
        assert audit.list(SYSTEM, action_name="dockings.remind").total == 0


def test_reminders_are_for_the_regions_staff(stale_world: Stale) -> None:
    other = Actor(901, Role.REGION_OPERATOR, region_id=stale_world.other_region, label="op2")
    enterprise = Actor(902, Role.ENTERPRISE_MEMBER, stale_world.region, 1, label="ent")
    for actor in (other, enterprise, Actor.anonymous()):
        with pytest.raises(PermissionDenied), transaction():
            dockings.remind(actor, stale_world.region, days=14, send=print)
    with pytest.raises(PermissionDenied), transaction():
        dockings.stale(stale_world.operator, None, days=14)  # every region: admins only
    with pytest.raises(ValidationError), transaction():
        dockings.remind(stale_world.operator, stale_world.region, days=0, send=print)
    with transaction():
        everywhere = dockings.stale(SYSTEM, None, days=14, now=LATER)
    assert len(everywhere) == 2
