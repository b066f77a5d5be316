"""Reminders for stale dockings on a real database: which dockings are stale, who is mailed, at
most once per docking per N days (recorded in the audit log), nothing recorded when mail fails."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.config import get_settings
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
from kechuang.store import tables
from kechuang.store.database import engine_for

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
        assert dockings.last_reminded(stale_world.operator, stale_world.open_docking) == LATER
        assert dockings.last_reminded(stale_world.operator, stale_world.closed_docking) is None

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


def _age_all_dockings(days: int) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with engine_for(get_settings().database_url).begin() as connection:
        connection.execute(update(tables.DockingRow.__table__).values(updated_at=past))
        connection.execute(update(tables.DockingHistoryRow.__table__).values(at=past))


def test_cli_lists_and_reminds_once(stale_world: Stale) -> None:
    runner = CliRunner()
    empty = runner.invoke(app, ["dockings", "stale", "--region", "兰州新区", "--json"])
    assert empty.exit_code == 0, empty.output
    assert json.loads(empty.output)["stale"] == []
    _age_all_dockings(20)
    listed = runner.invoke(app, ["dockings", "stale", "--region", "兰州新区", "--json"])
    rows = json.loads(listed.output)["stale"]
    assert {r["docking"] for r in rows} == {stale_world.open_docking, stale_world.silent_docking}
    assert all(r["idle_days"] == 20 and r["last_reminded"] is None for r in rows)
    outbox = get_settings().data_dir / "outbox"
    sent = runner.invoke(app, ["dockings", "remind", "--region", "兰州新区"])
    assert sent.exit_code == 0, sent.output
    assert "Reminded 2 dockings (3 mails)" in sent.output
    mails = sorted(outbox.glob("*.eml"))
    assert len(mails) == 3
    assert (
        "已有 20 天没有进展"
        in message_from_bytes(mails[0].read_bytes(), policy=default_policy).get_body().get_content()
    )  # type: ignore[union-attr]
    again = runner.invoke(app, ["dockings", "remind"])
    assert "Reminded 0 dockings" in again.output
    assert "2 already reminded" in again.output
    assert len(list(outbox.glob("*.eml"))) == 3
    bad = runner.invoke(app, ["dockings", "remind", "--region", "没有这个区域"])
    assert bad.exit_code == 2
    assert "不存在" in bad.output
