"""A small multi-region world for the KPI, ranking and report tests, written through the
services. Region sizes differ by a known factor, so who must rank first is known in advance."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kechuang.config import get_settings
from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    Organisation,
    OrganisationKind,
    Region,
    Volunteer,
)
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    organisations,
    regions,
    volunteers,
)
from kechuang.services.context import transaction
from kechuang.store import migrate
from kechuang.store.database import dispose_engines

ADMIN = Actor.system("test")

REGIONS: tuple[tuple[str, str, int], ...] = (
    ("兰州新区", "Lanzhou New Area", 6),
    ("甲园区", "Park A", 4),
    ("乙园区", "Park B", 2),
    ("丙园区", "Park C", 1),
)
"""(name, English name, size): every count of a region scales with its size."""


def _year_records(rid: int, name: str, size: int, year: int) -> None:
    enterprise_ids = []
    for i in range(size):
        org = organisations.create(
            ADMIN,
            Organisation(
                kind=OrganisationKind.ENTERPRISE, name=f"{name}{year}企业{i}", region_id=rid
            ),
        )
        assert org.id is not None
        enterprise_ids.append(org.id)
    organisations.create(
        ADMIN,
        Organisation(
            kind=OrganisationKind.INNOVATION_BASE, name=f"{name}{year}协同创新基地", region_id=rid
        ),
    )
    expert_ids = []
    for i in range(size):
        expert = experts.create(
            ADMIN, Expert(name=f"{name}{year}专家{i}", region_id=rid, capacity=3)
        )
        assert expert.id is not None
        expert_ids.append(expert.id)
    for i in range(size):
        volunteers.create(ADMIN, Volunteer(name=f"{name}{year}志愿者{i}", region_id=rid))
    for i in range(size):
        achievements.create(
            ADMIN,
            Achievement(
                title=f"{name}{year}成果{i}",
                trl=5,
                region_id=rid,
                status=AchievementStatus.TRANSFERRED
                if i < size // 2
                else AchievementStatus.PUBLISHED,
            ),
        )
    n_demands = size
    for j in range(n_demands):
        demand = demands.create(
            ADMIN,
            Demand(
                region_id=rid,
                enterprise_id=enterprise_ids[j % len(enterprise_ids)],
                title=f"{name}{year}年需求{j}",
                status=DemandStatus.PUBLISHED,
                published_at=datetime(year, 3, 1 + j, tzinfo=UTC),
            ),
        )
        assert demand.id is not None
        docking = dockings.create(
            ADMIN,
            Docking(
                region_id=rid,
                demand_id=demand.id,
                target_kind=DockingTargetKind.EXPERT,
                target_id=expert_ids[j % len(expert_ids)],
            ),
        )
        assert docking.id is not None
        # demand j reaches: contacted if j < 0.8n, signed if j < 0.5n, delivered if j < 0.3n
        if j >= 0.8 * n_demands:
            continue
        for stage in (DockingStage.CONTACTED, DockingStage.MEETING, DockingStage.NEGOTIATING):
            dockings.transition(ADMIN, docking.id, stage)
        if j >= 0.5 * n_demands:
            dockings.transition(ADMIN, docking.id, DockingStage.CLOSED, closed_reason="未谈成")
            continue
        dockings.transition(
            ADMIN,
            docking.id,
            DockingStage.SIGNED,
            contract_value_fen=1_000_000 * size,
            on=date(year, 6, 1),
        )
        if j < 0.3 * n_demands:
            dockings.transition(ADMIN, docking.id, DockingStage.DELIVERED, on=date(year, 9, 1))
    for i in range(size):
        events.create(
            ADMIN,
            Event(
                region_id=rid,
                kind=EventKind.DOCKING_EVENT,
                title=f"{name}{year}对接会{i}",
                starts_on=date(year, 4, 1 + i),
            ),
        )
    events.create(
        ADMIN,
        Event(
            region_id=rid,
            kind=EventKind.TRAINING,
            title=f"{name}{year}培训",
            starts_on=date(year, 5, 1),
            trainee_count=20 * size,
        ),
    )


PREVIOUS_YEAR_SIZES = {"兰州新区": 1, "甲园区": 2, "乙园区": 4, "丙园区": 1}
"""Sizes of the previous year's activity: 兰州新区 was small then (so it rose)."""


def build_world(url: str, year: int = 2024, *, previous: bool = False) -> dict[str, int]:
    """The regions of :data:`REGIONS` with ``year``'s activity; with ``previous``, also
    ``year − 1`` with :data:`PREVIOUS_YEAR_SIZES`."""
    ids = {}
    with transaction(url):
        for name, name_en, size in REGIONS:
            region = regions.create(ADMIN, Region(name=name, name_en=name_en, province="甘肃省"))
            assert region.id is not None
            ids[name] = region.id
            _year_records(region.id, name, size, year)
            if previous:
                _year_records(region.id, name, PREVIOUS_YEAR_SIZES[name], year - 1)
    return ids


@contextmanager
def world_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, label: str
) -> Iterator[str]:
    """A migrated database holding :func:`build_world` (with the previous year), selected
    through ``KECHUANG_DATABASE_URL``: SQLite by default, a fresh PostgreSQL database when
    ``KECHUANG_TEST_DB=postgresql`` (on the server of the shared ``_postgres_server`` fixture).
    Module-scoped because building the world through the services takes seconds."""
    postgres = os.environ.get("KECHUANG_TEST_DB", "sqlite").strip().lower() == "postgresql"
    admin = None
    if postgres:
        server: str = request.getfixturevalue("_postgres_server")
        name = f"kechuang_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp(label) / 'world.sqlite3'}"
    patch = pytest.MonkeyPatch()
    patch.setenv("KECHUANG_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        migrate.upgrade(url)
        build_world(url, previous=True)
        yield url
    finally:
        patch.undo()
        get_settings.cache_clear()
        dispose_engines()
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
