"""The docking board's reminders through the real app: the button opens a preview (each docking,
its recipients with half-hidden addresses; nothing sent or recorded), confirming sends exactly the
previewed dockings; the region's own stale threshold is set on the board (bad input changes
nothing); CSRF is required."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from test_workbench_pages import _age_dockings
from web_world import WebWorld, sign_in

from kechuang.config import get_settings
from kechuang.domain import Actor
from kechuang.services import audit, regions, transaction

SYSTEM = Actor.system("test")


def _audited() -> list[int | None]:
    with transaction():
        return [e.entity_id for e in audit.list(SYSTEM, action_name="dockings.remind").items]


def _outbox() -> set:
    outbox = get_settings().data_dir / "outbox"
    return set(outbox.glob("*.eml")) if outbox.exists() else set()


def test_preview_then_confirm(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "op_a")
    _age_dockings(20)
    board = client.get("/operator/dockings").text
    assert re.search(r'<form method="get" action="/operator/dockings/remind">', board)
    before = _outbox()
    preview = client.get("/operator/dockings/remind")
    assert preview.status_code == 200
    page = preview.text
    assert f'data-testid="preview-{web_world.docking}"' in page
    assert "e•••@example.org" in page
    assert "ent_a@example.org" not in page
    assert page.count('data-testid="recipient"') == 2
    assert "预览" in page or "Preview" in page
    assert _outbox() == before
    assert _audited() == []
    assert f'name="docking" value="{web_world.docking}"' in page

    forged = client.post("/operator/dockings/remind", data={"docking": str(web_world.docking)})
    assert forged.status_code == 403
    assert _audited() == []
    sent = client.post(
        "/operator/dockings/remind",
        data={"csrf_token": token, "docking": str(web_world.docking)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert len(_outbox() - before) == 2
    assert _audited() == [web_world.docking]
    again = client.get("/operator/dockings/remind").text
    assert 'data-testid="nothing-to-send"' in again
    assert 'data-testid="preview-recent"' in again


def test_confirm_with_a_bad_id_sends_nothing(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "op_a")
    _age_dockings(20)
    before = _outbox()
    bad = client.post("/operator/dockings/remind", data={"csrf_token": token, "docking": "1; DROP"})
    assert bad.status_code == 200  # back on the board, with the error
    assert 'class="flash bad"' in bad.text
    assert _outbox() == before
    assert _audited() == []


def test_region_threshold_on_the_board(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "op_a")
    _age_dockings(20)
    assert 'data-testid="stale-count">1<' in client.get("/operator/dockings").text
    saved = client.post(
        "/operator/dockings/threshold",
        data={"csrf_token": token, "days": "30"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with transaction():
        assert regions.get(SYSTEM, web_world.region_a).docking_stale_days == 30
    board = client.get("/operator/dockings").text
    assert 'data-testid="stale-count">0<' in board
    assert 'value="30"' in board
    for bad_value in ("abc", "0", "400"):
        refused = client.post(
            "/operator/dockings/threshold", data={"csrf_token": token, "days": bad_value}
        )
        assert 'class="flash bad"' in refused.text, bad_value
    with transaction():
        assert regions.get(SYSTEM, web_world.region_a).docking_stale_days == 30
    client.post("/operator/dockings/threshold", data={"csrf_token": token, "days": ""})
    with transaction():
        assert regions.get(SYSTEM, web_world.region_a).docking_stale_days is None
    assert 'data-testid="stale-count">1<' in client.get("/operator/dockings").text
