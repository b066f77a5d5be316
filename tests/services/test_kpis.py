"""KPIs per region and period, from a real SQLite database built through the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from kpi_world import ADMIN, REGIONS, world_database

from kechuang.domain import Demand, Docking, DockingStage, NotFound
from kechuang.domain.docking import DockingHistoryEntry
from kechuang.metrics import kpis as rules
from kechuang.services import kpis, stats

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with world_database(request, tmp_path_factory, "kpis") as url:
        yield url


def test_funnel_counts_demands_by_furthest_stage(world: str) -> None:
    result = kpis.region_kpis_by_name(ADMIN, "兰州新区", year=2024)
    # 6 demands: j < 4.8 contacted (5), j < 3 signed (3), j < 1.8 delivered (2); all matched
    assert result.funnel == rules.Funnel(demands=6, matched=6, contacted=5, signed=3, delivered=2)
    assert result.funnel.rate("signed") == pytest.approx(0.5)
    assert result.contract_value_fen == 3 * 6_000_000
    assert result.achievements_transferred == 3


def test_other_years_and_regions_do_not_leak(world: str) -> None:
    empty = kpis.region_kpis_by_name(ADMIN, "兰州新区", year=2022)
    assert empty.funnel.demands == 0
    assert empty.funnel.rate("matched") is None
    assert empty.events_by_kind["docking_event"] == 0
    small = kpis.region_kpis_by_name(ADMIN, "丙园区", year=2024)
    assert small.funnel.demands == 1
    assert small.resources_by_kind["enterprise"] == 2  # a stock: one from 2023, one from 2024
    previous = kpis.region_kpis_by_name(ADMIN, "兰州新区", year=2023)
    assert previous.funnel.demands == 1


def test_kpis_reuse_the_report_figures(world: str) -> None:
    result = kpis.region_kpis_by_name(ADMIN, "甲园区", year=2024)
    figures = stats.region_figures_by_name(ADMIN, "甲园区", year=2024)
    assert result.figures == figures
    assert result.events_by_kind["docking_event"] == 4
    assert result.figures.trainees == 80
    assert result.resources_by_kind["innovation_base"] == 2
    assert result.resources_by_kind["expert"] == 4 + 2
    assert result.visits is None  # the web does not count visits yet
    assert result.as_dict()["funnel"]["demands"] == 4


def test_all_regions_and_unknown_region(world: str) -> None:
    assert [k.region for k in kpis.all_regions(ADMIN, year=2024)] == [r[0] for r in REGIONS]
    with pytest.raises(NotFound):
        kpis.region_kpis_by_name(ADMIN, "不存在区", year=2024)


# ---------------------------------------------------------------- pure rules, hand-made records


def _demand(demand_id: int, published: datetime) -> Demand:
    return Demand(
        id=demand_id, region_id=1, enterprise_id=1, title="需求标题", published_at=published
    )


def _docking(demand_id: int, moves: list[tuple[DockingStage, datetime]]) -> Docking:
    history = [
        DockingHistoryEntry(from_stage=None if i == 0 else moves[i - 1][0], to_stage=s, at=t)
        for i, (s, t) in enumerate(moves)
    ]
    stage = moves[-1][0]
    extra = {"closed_reason": "x"} if stage is DockingStage.CLOSED else {}
    return Docking(
        region_id=1,
        demand_id=demand_id,
        target_kind="expert",
        target_id=1,
        stage=stage,
        history=history,
        **extra,
    )


def test_response_times_and_closed_dockings_keep_their_furthest_stage() -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    demands_ = [_demand(1, t0), _demand(2, t0), _demand(3, t0)]
    dockings_ = [
        _docking(
            1,
            [
                (DockingStage.PROPOSED, t0 + timedelta(days=2)),
                (DockingStage.CONTACTED, t0 + timedelta(days=5)),
                (DockingStage.CLOSED, t0 + timedelta(days=9)),
            ],
        ),
        _docking(1, [(DockingStage.PROPOSED, t0 + timedelta(days=1))]),
        _docking(
            2,
            [
                (DockingStage.PROPOSED, t0 + timedelta(days=40)),
                (DockingStage.CONTACTED, t0 + timedelta(days=45)),
            ],
        ),
    ]
    funnel = rules.funnel(demands_, dockings_)
    assert funnel == rules.Funnel(demands=3, matched=2, contacted=2, signed=0, delivered=0)
    times = rules.response_times(demands_, dockings_)
    assert times.to_first_match_days == pytest.approx((1 + 40) / 2)
    assert times.to_first_contact_days == pytest.approx((5 + 45) / 2)
    assert times.matched_within_30_days == pytest.approx(1 / 3)
    assert times.measured == 2


def test_visits_when_the_web_counts_them(world: str) -> None:
    with pytest.raises(_RollbackError):
        _count_some_visits(world)


class _RollbackError(Exception):
    """Raised to undo the visits written below, leaving the module's world as it was."""


def _count_some_visits(world: str) -> None:
    from datetime import date  # noqa: PLC0415

    from kechuang.services.context import transaction, unit_of_work  # noqa: PLC0415

    with transaction(world):
        repository = getattr(unit_of_work(), "visits", None)
        if repository is None:
            pytest.skip("this tree has no visit counter (kechuang.store VisitRepository) yet")
        before = kpis.region_kpis_by_name(ADMIN, "乙园区", year=2024)
        assert before.visits is None  # nothing counted anywhere: not zero
        region_id = before.figures.region_id
        for visitor in ("a", "b", "b"):  # the same visitor on the same day counts once
            repository.record(
                day=date(2024, 5, 1),
                region_id=region_id,
                resource_kind="region",
                resource_id=region_id,
                visitor_hash=visitor * 64,
            )
        assert kpis.region_kpis_by_name(ADMIN, "乙园区", year=2024).visits == 2
        assert kpis.region_kpis_by_name(ADMIN, "甲园区", year=2024).visits == 0
        assert kpis.region_kpis_by_name(ADMIN, "乙园区", year=2023).visits is None
        raise _RollbackError
