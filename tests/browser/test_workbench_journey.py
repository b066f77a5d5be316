"""The operator's matching workbench in a real browser against a real server, in Chinese and in
English: pick the open demands, run the assignment with at most one demand per expert, override
one pair with a reason, confirm — the docking board shows the new dockings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from journey import shot, sign_in
from live_server import running_server
from web_world import WebWorld, build_world

from kechuang.domain import Actor, Expert, Work
from kechuang.services import experts, transaction

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {
        "sign_in": "登录",
        "title": "匹配工作台",
        "balance": "为均衡放弃的质量",
        "created": "已发起",
    },
    "en": {
        "sign_in": "Sign in",
        "title": "Matching workbench",
        "balance": "Quality given up for balance",
        "created": "docking requests created",
    },
}


def _world_with_more_experts() -> WebWorld:
    world = build_world()
    system = Actor.system("test")
    with transaction():
        for name, title in (("李工", "加氢催化剂失活与再生"), ("王工", "催化加氢反应器设计")):
            experts.create(
                system,
                Expert(
                    name=name,
                    region_id=world.region_a,
                    keywords=["加氢", "催化"],
                    works=[Work(kind="paper", title=title, keywords=["催化", "加氢"])],
                ),
            )
    return world


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, WebWorld]]:
    """A fresh server per language: the journey consumes the experts' capacity."""
    with running_server(tmp_path, _world_with_more_experts) as server:
        yield server


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_workbench_capacity_override_confirm(  # type: ignore[no-untyped-def]
    served: tuple[str, WebWorld], browser, lang: str
) -> None:
    base, world = served
    words = TEXT[lang]
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, base, "op_a", lang, words["sign_in"])
    page.goto(f"{base}/operator/dockings")
    tickets_before = page.locator('[data-testid^="ticket-"]').count()

    page.goto(f"{base}/operator/workbench")
    assert words["title"] in page.locator("h1").inner_text()
    assert page.locator(f'[data-testid="open-demand-{world.demand_members}"]').count() == 1
    shot(page, f"workbench-01-pick-{lang}")
    page.fill('[data-testid="batch-capacity"]', "1")
    page.click('[data-testid="run-assignment"]')
    page.wait_for_selector('[data-testid="balance"]')
    assert words["balance"] in page.locator('[data-testid="balance"]').inner_text()
    assert page.locator('[data-testid="max-load"]').inner_text().strip() == "1"

    # Each expert at most once in the proposal.
    selects = page.locator('select[data-testid^="expert-"]')
    chosen = [v for v in (selects.nth(i).input_value() for i in range(selects.count())) if v]
    assert chosen
    assert len(chosen) == len(set(chosen))

    # Override the members-only demand: another candidate, with a reason.
    select = page.locator(f'[data-testid="expert-{world.demand_members}"]')
    proposed = select.input_value()
    options = [
        value
        for value in select.locator("option").evaluate_all("els => els.map(e => e.value)")
        if value and value != proposed
    ]
    assert options, "the demand has another candidate"
    select.select_option(options[0])
    page.fill(f'[data-testid="reason-{world.demand_members}"]', "企业指定 / named by the firm")
    # Free the slot the new expert had in this batch, so the batch stays at one per expert.
    for i in range(selects.count()):
        other = selects.nth(i)
        testid = other.get_attribute("data-testid") or ""
        if testid != f"expert-{world.demand_members}" and other.input_value() == options[0]:
            other.select_option("")
    shot(page, f"workbench-02-override-{lang}")
    page.click('[data-testid="confirm-assignment"]')
    page.wait_for_selector('[data-testid="kanban"]')
    flash = page.locator(".flash").first.inner_text()
    assert words["created"] in flash
    created = int(re.search(r"\d+", flash).group(0))  # type: ignore[union-attr]
    assert created >= 1
    assert page.locator('[data-testid^="ticket-"]').count() == tickets_before + created
    shot(page, f"workbench-03-board-{lang}")
    assert errors == []
    context.close()
