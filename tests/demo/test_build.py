"""`kechuang demo` end to end: build on a real database, read the figures back with
`kechuang stats --json`, rebuild for determinism, and refuse to wipe real data.

These tests build the whole demo (a few thousand service calls each), so they are marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, create_engine, select

from kechuang.config import get_settings
from kechuang.domain import Actor, OrganisationKind, Region
from kechuang.services import kpis, organisations, regions, stats
from kechuang.store.database import dispose_engines
from kechuang.store.tables import Base

pytestmark = pytest.mark.slow

KECHUANG = str(Path(sys.executable).with_name("kechuang"))
REPORT_MINIMA = {
    "enterprises": 250,
    "volunteers": 1000,
    "docking_events": 20,
    "trainees": 400,
}
REPORT_EXACT = {
    "societies_docked": 10,
    "academician_workstations": 1,
    "innovation_bases": 5,
    "labs": 7,
    "society_service_stations": 2,
    "enterprise_associations": 4,
}


def _run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KECHUANG_DATABASE_URL": url}
    return subprocess.run(
        [KECHUANG, *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def _check_report_figures(figures: dict[str, Any]) -> None:
    for key, minimum in REPORT_MINIMA.items():
        assert figures[key] >= minimum, key
    for key, value in REPORT_EXACT.items():
        assert figures[key] == value, key
    assert figures["demands"] > 0
    assert figures["dockings_signed"] > 0


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without timestamps, password hashes and the audit log."""
    engine = create_engine(url)
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in {"audit_log", "user_tokens"}:
                continue
            columns = [
                c
                for c in table.columns
                if not isinstance(c.type, DateTime)
                and c.type.__class__.__name__ != "UTCDateTime"
                and c.name not in {"password_hash", "created_at", "updated_at"}
            ]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            result[table.name] = [
                tuple(
                    {k: v for k, v in value.items() if k != "given_at"}
                    if isinstance(value, dict)
                    else value
                    for value in row
                )
                for row in rows
            ]
    engine.dispose()
    return result


def _history(url: str) -> list[tuple[Any, ...]]:
    """Every docking step with its time (which `_dump` leaves out with the other timestamps)."""
    table = Base.metadata.tables["docking_history"]
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.docking_id, table.c.to_stage, table.c.at).order_by(table.c.id)
        ).all()
    engine.dispose()
    return [
        (docking_id, stage, at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))
        for docking_id, stage, at in rows
    ]


def test_demo_end_to_end_and_deterministic(database_url: str, tmp_path: Path) -> None:
    built = _run("demo", "--quiet", url=database_url)
    assert built.returncode == 0, built.stderr
    assert "kechuang serve" in built.stdout, "the demo says where the passwords come from"
    assert "password: " not in built.stdout.lower(), "the demo prints no password"

    shown = _run("stats", "--region", "兰州新区", "--json", url=database_url)
    assert shown.returncode == 0, shown.stderr
    figures = json.loads(shown.stdout)
    _check_report_figures(figures)
    assert figures["region"] == "兰州新区"

    table = _run("stats", "--region", "兰州新区", url=database_url)
    assert table.returncode == 0, table.stderr
    assert "省级以上实验室" in table.stdout
    assert "Provincial-or-higher laboratories" in table.stdout

    again = _run("demo", "--quiet", url=database_url)
    assert again.returncode == 0, again.stderr
    assert "已存在" in again.stdout
    assert json.loads(_run("stats", "-r", "兰州新区", "--json", url=database_url).stdout) == (
        figures
    ), "running the demo again changes nothing"

    unknown = _run("stats", "--region", "不存在区", "--json", url=database_url)
    assert unknown.returncode == 2
    assert "不存在区" in unknown.stderr

    first = _dump(database_url)
    assert sum(len(rows) for rows in first.values()) > 4000
    first_stats = [f.as_dict() for f in stats.all_regions(Actor.anonymous())]
    first_history = _history(database_url)
    assert all(at.year <= 2024 for *_, at in first_history), "the demo's dates, not today's"

    # Response times read days, as the history carries when each step happened.
    response = kpis.region_kpis_by_name(Actor.anonymous(), "兰州新区", year=2024).response
    assert response.measured >= 5
    assert response.to_first_match_days is not None
    assert response.to_first_match_days <= 30
    assert response.to_first_contact_days is not None
    assert response.to_first_contact_days <= 45

    # The figures come from the database: archive one enterprise and the count follows.
    admin = Actor.system("test")
    region = regions.get_by_name(admin, "兰州新区")
    assert region.id is not None
    enterprise = organisations.list(
        admin, region_id=region.id, kinds=[OrganisationKind.ENTERPRISE], limit=1
    ).items[0]
    assert enterprise.id is not None
    organisations.archive(admin, enterprise.id)
    assert stats.region_figures(admin, region.id).enterprises == figures["enterprises"] - 1

    # The same seed again, into another database (with --reset, allowed on an empty one).
    second_url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    rebuilt = _run("demo", "--reset", "--quiet", url=second_url)
    assert rebuilt.returncode == 0, rebuilt.stderr
    second = _dump(second_url)
    assert first.keys() == second.keys()
    for table_name, rows in first.items():
        assert rows == second[table_name], table_name
    assert _history(second_url) == first_history
    os.environ["KECHUANG_DATABASE_URL"] = second_url  # restored by the fixture's monkeypatch
    get_settings.cache_clear()
    dispose_engines()
    assert [f.as_dict() for f in stats.all_regions(Actor.anonymous())] == first_stats


def test_reset_refuses_to_wipe_real_regions(database_url: str) -> None:
    regions.create(Actor.system("test"), Region(name="真实区"))
    refused = _run("demo", "--reset", "--quiet", url=database_url)
    assert refused.returncode == 2
    assert "真实区" in refused.stderr
    assert regions.get_by_name(Actor.system("test"), "真实区").name == "真实区"
