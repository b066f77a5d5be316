"""The docking state machine through the service: the full path with history, closing with a
reason, and illegal moves refused without changing anything."""

from __future__ import annotations

from datetime import date

import pytest
from services_world import World

from kechuang.domain import Conflict, Docking, DockingStage, ValidationError
from kechuang.services import dockings


def _docking(world: World, demand_id: int | None = None) -> int:
    docking = dockings.create(
        world.operator_a,
        Docking(
            region_id=world.region_a,
            demand_id=demand_id or world.demand_public,
            target_kind="expert",
            target_id=world.expert_a,
        ),
    )
    assert docking.id is not None
    assert docking.stage is DockingStage.PROPOSED
    assert [entry.to_stage for entry in docking.history] == [DockingStage.PROPOSED]
    return docking.id


def test_full_path_to_delivered_keeps_every_step(world: World) -> None:
    docking_id = _docking(world)
    path = [
        DockingStage.CONTACTED,
        DockingStage.MEETING,
        DockingStage.NEGOTIATING,
        DockingStage.SIGNED,
        DockingStage.DELIVERED,
    ]
    for stage in path:
        docking = dockings.transition(
            world.operator_a,
            docking_id,
            stage,
            note=f"到{stage}",
            contract_value_fen=1_500_000_00 if stage is DockingStage.SIGNED else None,
            on=date(2024, 8, 1),
        )
    assert docking.stage is DockingStage.DELIVERED
    assert docking.contract_value_fen == 1_500_000_00
    assert docking.signed_on == date(2024, 8, 1)
    assert docking.delivered_on == date(2024, 8, 1)
    stored = dockings.get(world.admin, docking_id)
    assert [(e.from_stage, e.to_stage) for e in stored.history] == [
        (None, DockingStage.PROPOSED),
        (DockingStage.PROPOSED, DockingStage.CONTACTED),
        (DockingStage.CONTACTED, DockingStage.MEETING),
        (DockingStage.MEETING, DockingStage.NEGOTIATING),
        (DockingStage.NEGOTIATING, DockingStage.SIGNED),
        (DockingStage.SIGNED, DockingStage.DELIVERED),
    ]
    assert all(e.actor_user_id == world.operator_a.user_id for e in stored.history)
    with pytest.raises(Conflict):  # delivered is final
        dockings.transition(world.operator_a, docking_id, DockingStage.CLOSED, closed_reason="x")


def test_illegal_moves_are_refused_and_change_nothing(world: World) -> None:
    docking_id = _docking(world)
    for stage in (DockingStage.SIGNED, DockingStage.DELIVERED, DockingStage.PROPOSED):
        with pytest.raises(Conflict) as caught:
            dockings.transition(world.operator_a, docking_id, stage)
        assert "已推荐" in caught.value.message("zh")
        assert "Contacted" in caught.value.message("en")
    stored = dockings.get(world.admin, docking_id)
    assert stored.stage is DockingStage.PROPOSED
    assert len(stored.history) == 1


def test_closing_needs_a_reason_and_is_final(world: World) -> None:
    docking_id = _docking(world)
    dockings.transition(world.operator_a, docking_id, DockingStage.CONTACTED)
    with pytest.raises(ValidationError):
        dockings.transition(world.operator_a, docking_id, DockingStage.CLOSED, closed_reason=" ")
    closed = dockings.transition(
        world.operator_a, docking_id, DockingStage.CLOSED, closed_reason="企业预算取消"
    )
    assert closed.stage is DockingStage.CLOSED
    assert closed.closed_reason == "企业预算取消"
    with pytest.raises(Conflict):
        dockings.transition(world.operator_a, docking_id, DockingStage.MEETING)
    # A closed docking no longer blocks a new one with the same party.
    assert _docking(world) != docking_id


def test_one_open_docking_per_demand_and_party(world: World) -> None:
    _docking(world)
    with pytest.raises(Conflict):
        _docking(world)


def test_docking_region_must_be_the_demands(world: World) -> None:
    with pytest.raises(ValidationError):
        dockings.create(
            world.admin,
            Docking(
                region_id=world.region_b,
                demand_id=world.demand_public,
                target_kind="expert",
                target_id=world.expert_a,
            ),
        )
    assert dockings.list(world.admin).total == 0


def test_stage_cannot_be_changed_by_update(world: World) -> None:
    docking_id = _docking(world)
    with pytest.raises(ValidationError):
        dockings.update(world.operator_a, docking_id, {"stage": DockingStage.SIGNED})
    assert dockings.update(world.operator_a, docking_id, {"note": "跟进"}).note == "跟进"
