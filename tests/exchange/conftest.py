"""Fixtures of the exchange tests: a small spec for the generic machinery, and real databases
holding a small world with every aggregate (built through the services)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kechuang.domain import (
    Achievement,
    Actor,
    Demand,
    DockingStage,
    Event,
    Expert,
    HonourEntry,
    HonourList,
    Nomination,
    Organisation,
    Region,
    Work,
    codes,
)
from kechuang.domain.docking import Docking
from kechuang.domain.region import Commitment, RegionDocking
from kechuang.domain.volunteer import Volunteer
from kechuang.exchange.messages import Text
from kechuang.exchange.spec import Choice, CodeList, Column, ColumnType, SheetSpec
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    honours,
    organisations,
    regions,
    transaction,
    volunteers,
)

INDUSTRY = CodeList(Text("行业代码", "industry codes"), lambda code: code in {"2614", "C"}, "2614")

SAMPLE = SheetSpec(
    "samples",
    Text("样例", "Samples"),
    (
        Column("name", "名称", "Name", required=True, example="甲"),
        Column(
            "kind",
            "类型",
            "Kind",
            ColumnType.CHOICE,
            required=True,
            example="企业",
            choices=(Choice("enterprise", "企业", "Enterprise"), Choice("lab", "实验室", "Lab")),
        ),
        Column("count", "人数", "Count", ColumnType.INTEGER, minimum=0, maximum=1000, example="5"),
        Column("price", "金额", "Price", ColumnType.DECIMAL, example="12.5"),
        Column("day", "日期", "Day", ColumnType.DATE, example="2024-08-27"),
        Column("flag", "是否", "Flag", ColumnType.BOOLEAN, example="是"),
        Column("tags", "标签", "Tags", ColumnType.TEXT_LIST, example="a; b"),
        Column(
            "codes",
            "行业代码",
            "Industry codes",
            ColumnType.CODES,
            code_list=INDUSTRY,
            example="2614",
        ),
    ),
)


@pytest.fixture
def sample() -> SheetSpec:
    """A spec with one column of every type."""
    return SAMPLE


# ------------------------------------------------------------------ databases and a small world


def credit_code(seed: int) -> str:
    """A unified social credit code with a valid GB 32100 check character."""
    first17 = f"91620100MA{seed:07d}"
    return first17 + codes.credit_code_check_character(first17)


@pytest.fixture
def source_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """A SQLite database holding a small world with every aggregate (the export source)."""
    path = tmp_path / "source.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    url = f"sqlite:///{path}"
    build_world(url)
    return url


@pytest.fixture
def world_url(database_url: str) -> str:
    """The shared test database (SQLite or PostgreSQL) holding the small world."""
    build_world(database_url)
    return database_url


@pytest.fixture
def empty_url(database_url: str) -> str:
    """An empty database to import into: SQLite, or PostgreSQL with KECHUANG_TEST_DB=postgresql."""
    return database_url


def build_world(url: str) -> None:
    """Two regions and at least one record of every aggregate, through the services."""
    system = Actor.system("test")
    with transaction(url):
        lanzhou = regions.create(
            system,
            Region(name="兰州新区", kind="new_area", province="甘肃省", docking_stale_days=21),
        )
        peer = regions.create(
            system, Region(name="示例园区（演示）", name_en="Demo Park", is_demo=True)
        )
        assert lanzhou.id is not None
        assert peer.id is not None
        society = organisations.create(
            system,
            Organisation(kind="national_society", name="中国化工学会", industry_codes=["26"]),
        )
        enterprise = organisations.create(
            system,
            Organisation(
                kind="enterprise",
                name="兰州新区示例化工有限公司（演示）",
                region_id=lanzhou.id,
                credit_code=credit_code(1),
                industry_codes=["2614", "C"],
                discipline_codes=["530"],
                keywords=["氢能", '=HYPERLINK("http://x")'],
                founded_on=dt.date(2018, 5, 20),
                employee_count=120,
                description="-负号开头的简介",
            ),
        )
        organisations.create(
            system,
            Organisation(
                kind="laboratory",
                name="示例省级重点实验室（演示）",
                region_id=lanzhou.id,
                lab_level="provincial",
            ),
        )
        association = organisations.create(
            system,
            Organisation(
                kind="enterprise_association",
                name="示例企业科协（演示）",
                region_id=lanzhou.id,
                host_organisation_id=enterprise.id,
            ),
        )
        peer_enterprise = organisations.create(
            system,
            Organisation(
                kind="enterprise",
                name="示例园区企业（演示）",
                region_id=peer.id,
                credit_code=credit_code(2),
            ),
        )
        assert society.id
        assert enterprise.id
        assert association.id
        assert peer_enterprise.id
        twin_here = organisations.create(
            system,
            Organisation(
                kind="enterprise",
                name="同名企业（演示）",
                region_id=lanzhou.id,
                credit_code=credit_code(3),
            ),
        )
        organisations.create(
            system,
            Organisation(
                kind="enterprise",
                name="同名企业（演示）",
                region_id=peer.id,
                credit_code=credit_code(4),
            ),
        )
        assert twin_here.id is not None
        demands.create(
            system,
            Demand(
                region_id=lanzhou.id, enterprise_id=twin_here.id, title="同名企业的需求（演示）"
            ),
        )
        regions.dock(
            system,
            RegionDocking(
                region_id=lanzhou.id,
                organisation_id=society.id,
                signed_on=dt.date(2024, 5, 10),
                commitments=[
                    Commitment(description="服务企业需求", target=10, unit="项"),
                    Commitment(description="共建服务站"),
                ],
            ),
        )
        expert = experts.create(
            system,
            Expert(
                name="张示例（演示）",
                affiliation="兰州大学",
                title="教授",
                region_id=lanzhou.id,
                discipline_codes=["530"],
                keywords=["掺氢"],
                think_tanks=["甘肃科技智库"],
                capacity=4,
                contact={"phone": "+86 931 0000000", "email": "zhang@example.org"},
                works=[
                    Work(
                        kind="paper",
                        title="天然气掺氢输送研究",
                        year=2023,
                        venue="化工学报",
                        authors=["张示例（演示）", "Li, Ming"],
                    ),
                    Work(kind="patent", title="加氢站压缩机", identifier="CN112345678A"),
                ],
            ),
        )
        assert expert.id is not None
        volunteers.create(
            system,
            Volunteer(
                name="李示例（演示）",
                region_id=lanzhou.id,
                association_id=association.id,
                skills=["化工工艺", "安全"],
                joined_on=dt.date(2023, 3, 1),
                service_hours=12,
            ),
        )
        achievement = achievements.create(
            system,
            Achievement(
                title="天然气掺氢关键技术（演示）",
                trl=6,
                owner_name="兰州大学",
                region_id=lanzhou.id,
                patent_numbers=["CN112345678A"],
                transfer_modes=["assignment", "licence"],
                asking_price_fen=50_000_050,
                industry_codes=["4512"],
            ),
        )
        demand = demands.create(
            system,
            Demand(
                region_id=lanzhou.id,
                enterprise_id=enterprise.id,
                title="高纯电子化学品提纯工艺优化（演示）",
                key_problems="金属离子 < 1 ppb",
                budget_fen=30_000_000,
                deadline=dt.date(2025, 12, 31),
                tier="public",
                status="published",
                industry_codes=["2614"],
            ),
        )
        nda_demand = demands.create(
            system,
            Demand(
                region_id=peer.id,
                enterprise_id=peer_enterprise.id,
                title="保密需求（演示）",
                tier="nda",
                status="published",
            ),
        )
        assert demand.id
        assert nda_demand.id
        assert achievement.id
        event = events.create(
            system,
            Event(
                region_id=lanzhou.id,
                kind="docking_event",
                title="氢能产业技术对接会（演示）",
                starts_on=dt.date(2024, 6, 18),
                organiser_ids=[society.id],
                trainee_count=60,
            ),
        )
        signed = dockings.create(
            system,
            Docking(
                region_id=lanzhou.id,
                demand_id=demand.id,
                target_kind="expert",
                target_id=expert.id,
                event_id=event.id,
                note="首轮对接",
            ),
        )
        assert signed.id is not None
        for stage in ("contacted", "meeting", "negotiating"):
            dockings.transition(system, signed.id, DockingStage(stage))
        dockings.transition(
            system,
            signed.id,
            DockingStage.SIGNED,
            contract_value_fen=12_000_000,
            on=dt.date(2024, 7, 1),
        )
        closed = dockings.create(
            system,
            Docking(
                region_id=lanzhou.id,
                demand_id=demand.id,
                target_kind="achievement",
                target_id=achievement.id,
            ),
        )
        assert closed.id is not None
        dockings.transition(system, closed.id, DockingStage.CLOSED, closed_reason="技术路线不符")
        signed_then_closed = dockings.create(
            system,
            Docking(
                region_id=lanzhou.id,
                demand_id=demand.id,
                target_kind="organisation",
                target_id=society.id,
            ),
        )
        assert signed_then_closed.id is not None
        for stage in ("contacted", "meeting", "negotiating"):
            dockings.transition(system, signed_then_closed.id, DockingStage(stage))
        dockings.transition(
            system,
            signed_then_closed.id,
            DockingStage.SIGNED,
            contract_value_fen=880_000,
            on=dt.date(2024, 8, 1),
        )
        dockings.transition(
            system, signed_then_closed.id, DockingStage.CLOSED, closed_reason="合同终止"
        )
        honour = honours.create(
            system,
            HonourList(
                kind="emerging_enterprises",
                year=2024,
                title="2024 年兰州新区新锐企业榜（演示）",
                region_id=lanzhou.id,
            ),
        )
        assert honour.id is not None
        honour = honours.nominate(
            system,
            honour.id,
            Nomination(
                nominee_kind="organisation",
                nominee_id=enterprise.id,
                nominee_name=enterprise.name,
                reason="氢能技术突破",
            ),
        )
        nomination_id = honour.nominations[0].id
        assert nomination_id is not None
        honours.publish(
            system,
            honour.id,
            [HonourEntry(nomination_id=nomination_id, rank=1, citation="@示例评语")],
        )
