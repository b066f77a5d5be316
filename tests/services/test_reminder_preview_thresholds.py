"""Stale-docking reminders: the preview (dry run) sends and records nothing and lists the same
reminders a real run sends; a run limited to the previewed dockings; each region's own stale
threshold (default from the setting); the CLI's ``--dry-run`` and ``threshold``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_services_reminders import LATER, Stale, _age_all_dockings, stale_world
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.config import get_settings
from kechuang.domain import Actor, Region, ValidationError
from kechuang.services import audit, dockings, regions, transaction

__all__ = ["stale_world"]  # the fixture, imported for pytest

SYSTEM = Actor.system("test")


def _audited() -> list[int | None]:
    with transaction():
        return [e.entity_id for e in audit.list(SYSTEM, action_name="dockings.remind").items]


def test_dry_run_lists_what_a_real_run_sends_and_changes_nothing(stale_world: Stale) -> None:
    sent: list[dockings.Reminder] = []
    with transaction():
        preview = dockings.remind(stale_world.operator, stale_world.region, dry_run=True, now=LATER)
    assert preview.dry_run
    assert _audited() == []
    with transaction():
        real = dockings.remind(
            stale_world.operator, stale_world.region, send=sent.append, now=LATER
        )
    assert [(r.docking.id, r.recipients) for r in preview.sent] == [
        (r.docking.id, r.recipients) for r in real.sent
    ]
    assert len(sent) == len(real.sent) == 2
    assert all(r.threshold == get_settings().docking_stale_days for r in preview.sent)
    masked = {x.masked_email for r in preview.sent for x in r.recipients}
    assert masked == {"e•••@example.org", "z•••@example.org", "l•••@example.org"}


def test_a_run_limited_to_the_previewed_dockings(stale_world: Stale) -> None:
    sent: list[dockings.Reminder] = []
    with transaction():
        result = dockings.remind(
            stale_world.operator,
            stale_world.region,
            send=sent.append,
            only=[stale_world.open_docking, stale_world.closed_docking],
            now=LATER,
        )
    assert [r.docking.id for r in result.sent] == [stale_world.open_docking]  # closed: not stale
    assert _audited() == [stale_world.open_docking]


def test_remind_without_a_sender_is_refused(stale_world: Stale) -> None:
    with pytest.raises(ValidationError), transaction():
        dockings.remind(stale_world.operator, stale_world.region, now=LATER)


def test_each_region_has_its_own_threshold(stale_world: Stale) -> None:
    in_25_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=25)
    with transaction():
        assert dockings.stale_threshold(None) == get_settings().docking_stale_days
        assert len(dockings.stale(stale_world.operator, stale_world.region, now=in_25_days)) == 2
        regions.update(stale_world.operator, stale_world.region, {"docking_stale_days": 30})
        region = regions.get(stale_world.operator, stale_world.region)
        assert dockings.stale_threshold(region) == 30
        assert dockings.stale(stale_world.operator, stale_world.region, now=in_25_days) == []
        # an explicit number of days still wins
        assert (
            len(dockings.stale(stale_world.operator, stale_world.region, days=14, now=in_25_days))
            == 2
        )
        preview = dockings.remind(SYSTEM, None, dry_run=True, now=in_25_days)
        assert preview.sent == []  # the admin-wide run also honours each region's threshold
    with pytest.raises(ValidationError), transaction():
        regions.update(stale_world.operator, stale_world.region, {"docking_stale_days": 0})
    assert Region(name="x").docking_stale_days is None


def test_cli_dry_run_and_threshold(stale_world: Stale) -> None:
    runner = CliRunner()
    _age_all_dockings(20)
    outbox = get_settings().data_dir / "outbox"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    dry = runner.invoke(app, ["dockings", "remind", "--region", "兰州新区", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run (nothing sent): would remind 2 dockings (3 mails)" in dry.output
    assert "z•••@example.org" in dry.output
    assert "zhang@example.org" not in dry.output
    assert (set(outbox.glob("*.eml")) if outbox.exists() else set()) == before
    assert _audited() == []

    shown = runner.invoke(app, ["dockings", "threshold", "--region", "兰州新区"])
    assert shown.exit_code == 0, shown.output
    assert f"{get_settings().docking_stale_days} 天/days" in shown.output
    set_ = runner.invoke(app, ["dockings", "threshold", "--region", "兰州新区", "--days", "30"])
    assert "30 天/days" in set_.output
    listed = runner.invoke(app, ["dockings", "stale", "--region", "兰州新区", "--json"])
    assert json.loads(listed.output) == {"days": 30, "stale": []}
    bad = runner.invoke(app, ["dockings", "threshold", "--region", "兰州新区", "--days", "0"])
    assert bad.exit_code == 2
    cleared = runner.invoke(app, ["dockings", "threshold", "--region", "兰州新区", "--clear"])
    assert "KECHUANG_DOCKING_STALE_DAYS" in cleared.output
