"""Stale-docking reminders in a real browser against a real server, in Chinese and in English:
the board's button opens a preview (the docking, its recipients with half-hidden addresses,
nothing sent), confirming sends and returns to the board with the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from journey import shot, sign_in
from live_server import running_server
from sqlalchemy import update
from web_world import WebWorld, build_world

from kechuang.config import get_settings
from kechuang.store import tables
from kechuang.store.database import engine_for

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {"sign_in": "登录", "preview": "预览提醒", "send": "发送", "sent": "提醒"},
    "en": {
        "sign_in": "Sign in",
        "preview": "Preview the reminders",
        "send": "Send",
        "sent": "Reminders sent",
    },
}


def _stale_world() -> WebWorld:
    world = build_world()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    with engine_for(get_settings().database_url).begin() as connection:
        connection.execute(update(tables.DockingRow.__table__).values(updated_at=past))
        connection.execute(update(tables.DockingHistoryRow.__table__).values(at=past))
    return world


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, WebWorld]]:
    with running_server(tmp_path, _stale_world) as server:
        yield server


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_preview_then_send(  # type: ignore[no-untyped-def]
    served: tuple[str, WebWorld], browser, lang: str
) -> None:
    base, world = served
    words = TEXT[lang]
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "op_a", lang, words["sign_in"])
    page.goto(f"{base}/operator/dockings")
    assert page.inner_text('[data-testid="stale-count"]') == "1"
    page.click('[data-testid="send-reminders"]')
    page.wait_for_selector('[data-testid="reminder-preview"]')
    assert words["preview"] in page.inner_text("h1")
    row = page.inner_text(f'[data-testid="preview-{world.docking}"]')
    assert "•••@example.org" in row
    assert "ent_a@example.org" not in row
    shot(page, f"reminder-preview-{lang}")
    page.click('[data-testid="confirm-reminders"]')
    page.wait_for_selector('[data-testid="kanban"]')
    assert words["sent"] in page.inner_text('[role="status"]')
    assert page.locator(f'[data-testid="reminded-{world.docking}"]').count() == 1
    assert errors == []
    context.close()
