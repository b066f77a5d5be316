"""services.matching on a real database: records -> index -> explained recommendations."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Expert,
    Organisation,
    OrganisationKind,
    Region,
    Work,
)
from kechuang.match.conflicts import ConflictReason
from kechuang.services import (
    demands,
    dockings,
    experts,
    matching,
    organisations,
    regions,
    transaction,
)

SYSTEM = Actor.system("test")


def _expert(region: int, name: str, title: str, abstract: str, org: int | None = None) -> int:
    expert = experts.create(
        SYSTEM,
        Expert(
            name=name,
            region_id=region,
            affiliation_id=org,
            keywords=["测试"],
            works=[Work(kind="paper", title=title, abstract=abstract)],
        ),
    )
    assert expert.id is not None
    return expert.id


@pytest.fixture
def world(database_url: str) -> dict[str, int]:
    with transaction():
        region = regions.create(SYSTEM, Region(name="兰州新区", kind="new_area")).id
        assert region is not None
        enterprise = organisations.create(
            SYSTEM,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="甲淀粉厂", region_id=region),
        ).id
        assert enterprise is not None
        starch = _expert(region, "张工", "马铃薯淀粉废水处理", "厌氧处理马铃薯淀粉加工废水")
        insider = _expert(
            region, "王工", "马铃薯淀粉废水回用", "淀粉废水的膜处理回用", org=enterprise
        )
        lost = _expert(region, "赵工", "淀粉废水厌氧反应器", "淀粉加工废水的厌氧反应器")
        battery = _expert(region, "李工", "锂电池管理系统", "电池荷电状态估计")
        earlier = demands.create(
            SYSTEM,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="旧的废水需求",
                status=DemandStatus.PUBLISHED,
            ),
        ).id
        assert earlier is not None
        docking = dockings.create(
            SYSTEM,
            Docking(
                region_id=region,
                demand_id=earlier,
                target_kind=DockingTargetKind.EXPERT,
                target_id=lost,
            ),
        )
        assert docking.id is not None
        dockings.transition(SYSTEM, docking.id, DockingStage.CLOSED, closed_reason="未谈拢")
        demand = demands.create(
            SYSTEM,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="马铃薯淀粉加工废水处理",
                key_problems="淀粉废水COD高",
                status=DemandStatus.PUBLISHED,
            ),
        ).id
        assert demand is not None
    return {
        "demand": demand,
        "starch": starch,
        "insider": insider,
        "lost": lost,
        "battery": battery,
        "enterprise": enterprise,
    }


def test_text_match_explains_and_demand_match_excludes_conflicts(world: dict[str, int]) -> None:
    with transaction():
        index = matching.build_index(SYSTEM, lexical_only=True)
        hits = matching.match_text(SYSTEM, index, "馬鈴薯澱粉廢水", kind="expert", k=4)
        result = matching.match_demand(SYSTEM, index, world["demand"], kind="expert", k=4)
    assert hits[0].entity_id.startswith("expert:")
    assert hits[0].works
    assert "淀粉" in hits[0].matched_terms
    assert f"expert:{world['battery']}" not in {h.entity_id for h in hits[:3]}

    recommended = [hit.entity_id for hit in result.hits]
    assert recommended[0] == f"expert:{world['starch']}"
    insider, lost = f"expert:{world['insider']}", f"expert:{world['lost']}"
    assert insider not in recommended
    assert lost not in recommended
    assert result.conflicts[insider][0].reason is ConflictReason.SAME_ORGANISATION
    assert result.conflicts[lost][0].reason is ConflictReason.CLOSED_LOST_DOCKING


def test_cli_match_text_and_demand_print_evidence(
    world: dict[str, int], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KECHUANG_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    shown = runner.invoke(
        app, ["match", "text", "淀粉废水", "--kind", "expert", "--embedder", "none", "--k", "2"]
    )
    assert shown.exit_code == 0, shown.output
    assert "依据/evidence" in shown.output
    assert "淀粉" in shown.output
    as_json = runner.invoke(
        app, ["match", "demand", str(world["demand"]), "--embedder", "none", "--json"]
    )
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    assert payload[0]["entity_id"] == f"expert:{world['starch']}"
    assert payload[0]["works"][0]["matched_terms"]
    unknown = runner.invoke(app, ["match", "text", "x", "--kind", "nope", "--embedder", "none"])
    assert unknown.exit_code == 2
