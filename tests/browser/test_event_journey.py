"""The operator's event journey in a real browser against a real server, in Chinese and in
English: plan a training, invite the parties the matcher proposes, record who attended and how
many were trained, record the docking that came out of it — and the dashboard's events and
trainees figures change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journey import shot, sign_in
from live_server import require_chromium, running_server
from web_world import WebWorld, build_world

from kechuang.domain import Actor, Docking, DockingTargetKind
from kechuang.services import dockings, transaction

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {"sign_in": "登录", "invited": "已邀请", "planned": "活动已创建"},
    "en": {"sign_in": "Sign in", "invited": "Invited", "planned": "The event is planned"},
}


def _seed() -> tuple[WebWorld, dict[str, int]]:
    """The web test world and one docking per language, to be recorded as an event's result."""
    world = build_world()
    system = Actor.system("test")
    made = {}
    with transaction():
        for lang, demand_id in (("zh-CN", world.demand_members), ("en", world.demand_nda)):
            docking = dockings.create(
                system,
                Docking(
                    region_id=world.region_a,
                    demand_id=demand_id,
                    target_kind=DockingTargetKind.EXPERT,
                    target_id=world.expert_a,
                ),
            )
            assert docking.id is not None
            made[lang] = docking.id
    return world, made


@pytest.fixture(scope="module")
def event_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, tuple[WebWorld, dict[str, int]]]]:
    """A served world with a spare docking per language."""
    require_chromium()
    with running_server(tmp_path_factory.mktemp("events"), _seed) as served:
        yield served


def _sign_in(page, base: str, username: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, username, lang, TEXT[lang]["sign_in"])


def _figure(page, testid: str) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator(f'[data-testid="{testid}"]').inner_text().replace(",", ""))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_operator_plans_an_event_and_records_its_results(
    event_server: tuple[str, tuple[WebWorld, dict[str, int]]], browser, lang: str
) -> None:  # type: ignore[no-untyped-def]
    base, (world, spare_dockings) = event_server
    words = TEXT[lang]
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    _sign_in(page, base, "op_a", lang)
    page.goto(f"{base}/dashboard")
    page.wait_for_selector('#chart-events[data-rendered="1"]')
    events_before = _figure(page, "kpi-events")
    trainees_before = _figure(page, "kpi-trainees")

    page.goto(f"{base}/operator/events")
    page.click('[data-testid="plan-event"]')
    page.select_option("#ev-kind", "training")
    title = f"加氢站安全运维培训（{lang}）"
    page.fill("#ev-title", title)
    page.fill("#ev-starts", "2030-06-18")
    page.fill("#ev-location", "兰州新区科创园")
    page.select_option("#ev-industry", ["26"])
    page.fill("#ev-description", "加氢站压缩机与催化材料的安全运维培训。")
    page.click('[data-testid="save-event"]')
    page.wait_for_selector('[data-testid="proposals"]')
    assert words["planned"] in page.locator(".flash").inner_text()

    # The matcher proposes the region's hydrogen expert; the operator ticks and invites.
    proposal = page.locator(f'[data-testid="proposal-expert-{world.expert_a}"]')
    assert "张工" in proposal.inner_text()
    proposal.locator('input[type="checkbox"]').check()
    shot(page, f"10-event-proposals-{lang}")
    page.click('[data-testid="invite"]')
    page.wait_for_selector('[data-testid="invited-count"]')
    assert page.locator('[data-testid="invited-count"]').inner_text() == "1"
    assert words["invited"] in proposal.inner_text()

    # Attendance and trainees.
    page.check(f'[data-testid="attended-expert-{world.expert_a}"]')
    page.fill('[data-testid="trainees-input"]', "35")
    page.click('[data-testid="save-attendance"]')
    page.wait_for_selector('[data-testid="attended-count"]')
    assert page.locator('[data-testid="attended-count"]').inner_text() == "1"
    assert page.locator('[data-testid="trainee-count"]').inner_text() == "35"

    # The docking that came out of the event.
    docking_id = spare_dockings[lang]
    page.select_option('[data-testid="docking-select"]', str(docking_id))
    page.click('[data-testid="link-docking"]')
    page.wait_for_selector(f'[data-testid="linked-{docking_id}"]')
    assert page.locator('[data-testid="docking-count"]').inner_text() == "1"
    shot(page, f"11-event-results-{lang}")

    page.goto(f"{base}/dashboard")
    page.wait_for_selector('#chart-events[data-rendered="1"]')
    assert _figure(page, "kpi-events") == events_before + 1
    assert _figure(page, "kpi-trainees") == trainees_before + 35
    shot(page, f"12-dashboard-events-{lang}")
    assert errors == []
    context.close()
