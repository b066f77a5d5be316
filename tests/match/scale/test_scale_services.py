"""Upkeep after commit and the ``kechuang match rebuild/batch`` commands, on a real database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Expert,
    Organisation,
    OrganisationKind,
    Region,
    Work,
)
from kechuang.match.scale.persistence import read_manifest
from kechuang.services import demands, experts, organisations, regions, subscribe, transaction
from kechuang.services.search_index import SearchIndex


def _world(system: Actor) -> dict[str, int]:
    with transaction():
        region = regions.create(system, Region(name="兰州新区", kind="new_area")).id
        assert region is not None
        enterprise = organisations.create(
            system,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="甲电池材料公司", region_id=region),
        ).id
        hydrogen = experts.create(
            system,
            Expert(
                name="张氢",
                region_id=region,
                bio="长期从事质子交换膜燃料电池与电解水制氢研究",
                works=[Work(kind="paper", title="质子交换膜燃料电池膜电极的衰减机理")],
            ),
        ).id
        soil = experts.create(
            system,
            Expert(name="李土", region_id=region, bio="盐碱地改良与节水灌溉技术推广"),
        ).id
        assert enterprise is not None
        assert hydrogen is not None
        assert soil is not None
        demand = demands.create(
            system,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="燃料电池膜电极寿命不足",
                key_problems="质子交换膜在高温下衰减快，需要膜电极方面的专家",
                status=DemandStatus.PUBLISHED,
            ),
        ).id
        assert demand is not None
    return {"region": region, "hydrogen": hydrogen, "soil": soil, "demand": demand}


def test_committed_changes_reach_the_index(
    database_url: str, system: Actor, tmp_path: Path
) -> None:
    source = SearchIndex(database_url, folder=tmp_path / "index", embedder="none")
    unsubscribe = subscribe(source.on_commit)
    try:
        ids = _world(system)
        best = source.index().query("膜电极衰减", k=1)[0]
        assert best.entity_id == f"expert:{ids['hydrogen']}"

        experts.update(system, ids["soil"], {"bio": "固体氧化物燃料电池膜电极与电堆集成"})
        # searchable right after the commit, without a rebuild from the records
        assert source.last_report is not None
        assert source.last_report.updated == 1
        hits = source.index().query("固体氧化物燃料电池", k=2)
        assert hits[0].entity_id == f"expert:{ids['soil']}"

        experts.archive(system, ids["hydrogen"])
        remaining = {entity.id for entity in source.index().entities}
        assert f"expert:{ids['hydrogen']}" not in remaining
        assert f"expert:{ids['soil']}" in remaining
        # the saved folder follows every change
        assert read_manifest(tmp_path / "index").entities == len(source.index().entities)
    finally:
        unsubscribe()


def test_saved_index_is_opened_and_caught_up(
    database_url: str, system: Actor, tmp_path: Path
) -> None:
    ids = _world(system)
    folder = tmp_path / "index"
    SearchIndex(database_url, folder=folder, embedder="none").rebuild()
    # a change committed while no process watches the index
    experts.update(system, ids["soil"], {"bio": "固体氧化物燃料电池膜电极与电堆集成"})
    reopened = SearchIndex(database_url, folder=folder, embedder="none")
    reopened.index()
    reopened.wait_until_current(60)
    hits = reopened.index().query("固体氧化物燃料电池", k=1)
    assert hits[0].entity_id == f"expert:{ids['soil']}"


def test_rebuild_and_batch_commands(database_url: str, system: Actor, tmp_path: Path) -> None:
    ids = _world(system)
    runner = CliRunner()
    index = tmp_path / "index"
    rebuilt = runner.invoke(app, ["match", "rebuild", "--lexical-only", "--index", str(index)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Index rebuilt" in rebuilt.output
    out = tmp_path / "batch.json"
    batch = runner.invoke(
        app, ["match", "batch", "--local", "--index", str(index), "--output", str(out)]
    )
    assert batch.exit_code == 0, batch.output
    payload = json.loads(out.read_text("utf-8"))
    assert payload["demands"] == 1
    hits = payload["results"][f"demand:{ids['demand']}"]
    assert hits[0]["entity_id"] == f"expert:{ids['hydrogen']}"
    assert {"电极", "燃料电池"} <= set(hits[0]["matched_terms"])
    # the demanding enterprise is never recommended to itself
    assert all(
        not hit["entity_id"].startswith("organisation:") or hit["kind"] != "enterprise"
        for hit in hits
    )


def test_batch_without_index_says_how_to_fix(database_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["match", "batch", "--local", "--index", str(tmp_path)])
    assert result.exit_code == 1
    assert "kechuang match rebuild" in result.output
