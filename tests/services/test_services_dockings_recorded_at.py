"""Past times of docking steps (``at``) and demands' publication times: only the system actor
(importers, the demo) may record them — docking steps in order and not in the future; everyone
else gets "now". KPI response times are measured on these, so a user who could set them could
fake a fast response."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from services_world import World

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    PermissionDenied,
    ValidationError,
)
from kechuang.domain.common import utcnow
from kechuang.services import audit, demands, dockings, kpis

SYSTEM = Actor.system("import")
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def _proposal(world: World) -> Docking:
    return Docking(
        region_id=world.region_a,
        demand_id=world.demand_public,
        target_kind="expert",
        target_id=world.expert_a,
    )


def test_system_records_the_real_time_of_each_step(world: World) -> None:
    demands.update(SYSTEM, world.demand_public, {"published_at": T0 - timedelta(days=3)})
    docking = dockings.create(SYSTEM, _proposal(world), at=T0)
    assert docking.id is not None
    steps = [
        (DockingStage.CONTACTED, T0 + timedelta(days=4)),
        (DockingStage.MEETING, T0 + timedelta(days=18)),
        (DockingStage.NEGOTIATING, T0 + timedelta(days=40)),
        (DockingStage.SIGNED, T0 + timedelta(days=75)),
    ]
    for stage, moment in steps:
        docking = dockings.transition(SYSTEM, docking.id, stage, at=moment)
    stored = dockings.get(world.admin, docking.id)
    assert [e.at for e in stored.history] == [T0, *(moment for _, moment in steps)]
    assert stored.signed_on == date(2024, 5, 18)  # `on` defaults to the step's date
    # Every step is still audited, stamped when it was recorded and by whom.
    entries = audit.list(world.admin, entity_kind="docking", entity_id=docking.id).items
    assert {e.actor_label for e in entries} == {"import"}
    assert all(utcnow() - e.at < timedelta(minutes=5) for e in entries)
    assert sorted(e.action for e in entries) == sorted(
        ["dockings.create"] + ["dockings.transition"] * len(steps)
    )
    response = kpis.region_kpis(world.admin, world.region_a, year=2024).response
    assert response.to_first_match_days == pytest.approx(3.0)
    assert response.to_first_contact_days == pytest.approx(7.0)


def test_a_naive_time_is_utc(world: World) -> None:
    docking = dockings.create(SYSTEM, _proposal(world), at=datetime(2024, 3, 4, 9, 0))
    assert docking.history[0].at == T0


@pytest.mark.parametrize("who", ["admin", "operator_a", "member_a"])
def test_signed_in_users_cannot_backdate(world: World, who: str) -> None:
    actor: Actor = getattr(world, who)
    with pytest.raises(PermissionDenied) as caught:
        dockings.create(actor, _proposal(world), at=T0)
    assert "系统导入" in caught.value.message("zh")
    assert dockings.list(world.admin).total == 0
    docking = dockings.create(actor, _proposal(world))  # without `at`: now
    assert docking.id is not None
    assert utcnow() - docking.history[0].at < timedelta(minutes=5)
    with pytest.raises(PermissionDenied):
        dockings.transition(actor, docking.id, DockingStage.CONTACTED, at=T0)
    stored = dockings.get(world.admin, docking.id)
    assert stored.stage is DockingStage.PROPOSED
    assert len(stored.history) == 1


def test_future_or_out_of_order_times_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        dockings.create(SYSTEM, _proposal(world), at=utcnow() + timedelta(days=1))
    assert caught.value.details[0].field == "at"
    docking = dockings.create(SYSTEM, _proposal(world), at=T0)
    assert docking.id is not None
    with pytest.raises(ValidationError) as caught:
        dockings.transition(
            SYSTEM, docking.id, DockingStage.CONTACTED, at=T0 - timedelta(seconds=1)
        )
    assert "上一步" in caught.value.details[0].problem_zh
    # A step recorded now cannot be followed by a backdated one.
    dockings.transition(SYSTEM, docking.id, DockingStage.CONTACTED)
    with pytest.raises(ValidationError):
        dockings.transition(SYSTEM, docking.id, DockingStage.MEETING, at=T0 + timedelta(days=9))
    stored = dockings.get(world.admin, docking.id)
    assert stored.stage is DockingStage.CONTACTED
    assert len(stored.history) == 2


@pytest.mark.parametrize("who", ["admin", "operator_a", "member_a"])
def test_only_the_system_sets_a_demands_publication_time(world: World, who: str) -> None:
    actor: Actor = getattr(world, who)
    before = demands.get(world.admin, world.demand_public)
    with pytest.raises(PermissionDenied) as caught:
        demands.update(actor, world.demand_public, {"published_at": T0})
    assert "published_at" in caught.value.fix_en
    assert demands.get(world.admin, world.demand_public).published_at == before.published_at
    with pytest.raises(PermissionDenied):
        demands.create(
            actor,
            Demand(
                region_id=world.region_a,
                enterprise_id=world.enterprise_a,
                title="补记发布时间的需求",
                status=DemandStatus.DRAFT,
                published_at=T0,
            ),
        )
    with pytest.raises(PermissionDenied):
        demands.upsert(actor, before.model_copy(update={"id": None, "published_at": T0}))
    # Round-tripping the stored time, or leaving it out, is not a change.
    kept = demands.update(
        actor,
        world.demand_public,
        {"title": "公开需求（修订）", "published_at": before.published_at},
    )
    assert kept.published_at == before.published_at
    # Publishing stamps now; the system may record the real time.
    draft = demands.create(
        actor,
        Demand(region_id=world.region_a, enterprise_id=world.enterprise_a, title="新需求"),
    )
    assert draft.id is not None
    assert draft.published_at is None
    assert demands.update(SYSTEM, draft.id, {"published_at": T0}).published_at == T0
