"""The main journeys in a real browser against a real server, in Chinese and in English:
an enterprise posts a demand (the quality check first sends it back), sees recommendations with
evidence, requests a docking; the operator moves it to signed; the dashboard figure changes."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from journey import shot, sign_in
from web_world import WebWorld

from kechuang.exchange.exporter import write_template

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {
        "sign_in": "登录",
        "sign_out": "退出",
        "issues": "发布前请补充",
        "submit": "检查并提交审核",
        "request": "发起对接",
        "requested": "已发起对接",
        "proposed": "已推荐",
        "signed": "已签约",
    },
    "en": {
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "issues": "Before publishing, please add",
        "submit": "Check and submit for review",
        "request": "Request a docking",
        "requested": "Docking requested",
        "proposed": "Proposed",
        "signed": "Signed",
    },
}


def _console(errors: list[str], message) -> None:  # type: ignore[no-untyped-def]
    """Collect console errors, except the 422 the quality check answers with on purpose."""
    if message.type == "error" and "status of 422" not in message.text:
        errors.append(message.text)


def _sign_in(page, base: str, username: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, username, lang, TEXT[lang]["sign_in"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_demand_to_signed_docking(live_server: tuple[str, WebWorld], browser, lang: str) -> None:  # type: ignore[no-untyped-def]
    base, _world = live_server
    words = TEXT[lang]
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda message: _console(errors, message))
    page.on("pageerror", lambda error: errors.append(str(error)))

    _sign_in(page, base, "ent_a", lang)
    page.goto(f"{base}/my/demands/new")
    title = f"加氢站压缩机密封件寿命提升（{lang}）"
    page.fill("#title", title)
    page.fill("#key_problems", "需要技术支持")
    page.click('[data-testid="publish"]')
    issues = page.locator('[data-testid="quality-issues"]')
    assert words["issues"] in issues.inner_text()
    shot(page, f"01-quality-check-{lang}")

    page.fill(
        "#key_problems",
        "现有加氢站隔膜压缩机的金属隔膜和密封件在 45MPa 循环下寿命不足 2000 小时，"
        "已尝试更换材料但氢脆导致早期开裂，需要加氢站压缩机和催化材料方面的专家。",
    )
    page.fill("#target_indicators", "密封件寿命 ≥ 8000 小时，泄漏率 ≤ 1e-6 Pa·m³/s")
    page.select_option("#industry_codes", "26")
    page.fill("#keywords", "加氢站, 催化")
    page.fill("#budget", "80")
    page.fill("#deadline", "2027-06-30")
    page.click('[data-testid="publish"]')
    page.wait_for_selector('[data-testid="recommendations"]')
    evidence = page.locator('[data-testid="evidence"]').first.inner_text()
    assert evidence.strip()
    assert "张工" in page.locator('[data-testid="recommendations"]').inner_text()
    shot(page, f"02-recommendations-{lang}")

    page.locator('[data-testid="request-docking"]').first.click()
    page.wait_for_selector('[data-testid="docking-statuses"]')
    assert words["proposed"] in page.locator('[data-testid="docking-statuses"]').inner_text()
    demand_url = page.url

    operator = context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    operator.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(operator, base, "op_a", lang)
    operator.goto(f"{base}/dashboard")
    operator.wait_for_selector('#chart-funnel[data-rendered="1"]')
    before = int(operator.locator('[data-testid="kpi-signed"]').inner_text().replace(",", ""))

    operator.goto(f"{base}/operator/dockings")
    tickets = operator.locator('[data-testid^="ticket-"]')
    ticket_ids = [
        int(re.sub(r"\D", "", tickets.nth(i).get_attribute("data-testid") or ""))
        for i in range(tickets.count())
    ]
    docking_id = max(ticket_ids)
    for stage in ("contacted", "meeting", "negotiating"):
        operator.click(f'[data-testid="move-{docking_id}-{stage}"]')
        operator.wait_for_selector(f'[data-stage="{stage}"] [data-testid="ticket-{docking_id}"]')
    operator.fill(f'[data-testid="contract-{docking_id}"]', "120")
    shot(operator, f"03-kanban-{lang}")
    operator.click(f'[data-testid="move-{docking_id}-signed"]')
    operator.wait_for_selector(f'[data-stage="signed"] [data-testid="ticket-{docking_id}"]')

    operator.goto(f"{base}/dashboard")
    operator.wait_for_selector('#chart-funnel[data-rendered="1"]')
    after = int(operator.locator('[data-testid="kpi-signed"]').inner_text().replace(",", ""))
    assert after == before + 1
    shot(operator, f"04-dashboard-{lang}")

    page.goto(demand_url)
    assert words["signed"] in page.locator('[data-testid="docking-statuses"]').inner_text()
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_expert_accepts_an_invitation(
    live_server: tuple[str, WebWorld], browser, lang: str
) -> None:  # type: ignore[no-untyped-def]
    base, _world = live_server
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, base, "exp_a", lang)
    page.goto(f"{base}/expert/invitations")
    shot(page, f"05-invitations-{lang}")
    invitations = page.locator('[data-testid="invitation"]')
    assert invitations.count() >= 1
    context.close()


def test_portal_in_both_languages(live_server: tuple[str, WebWorld], browser) -> None:  # type: ignore[no-untyped-def]
    base, world = live_server
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    shot(page, "06-home-zh-CN")
    page.click('[data-testid="lang-switch"]')
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{base}/demands")
    assert "Technology demands" in page.inner_text("h1")
    shot(page, "07-demands-en")
    page.goto(f"{base}/demands/{world.demand_members}")
    assert page.locator('[data-testid="demand-locked"]').count() == 1
    assert errors == []
    context.close()


def _workbook_with_a_bad_row(path: Path) -> Path:
    """The achievements template with one good row (3) and one row with TRL 12 (4)."""
    write_template(path, "achievements")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    example = [cell.value for cell in sheet[2]]
    good = list(example)
    good[0] = "浏览器导入的成果"
    bad = list(example)
    bad[0] = "成熟度超界的成果"
    bad[1] = "12"
    sheet.append(good)
    sheet.append(bad)
    workbook.save(path)
    return path


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_operator_sees_the_bad_row_of_an_import(
    live_server: tuple[str, WebWorld], browser, lang: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    base, _world = live_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, base, "op_a", lang)
    page.goto(f"{base}/operator/import")
    page.select_option("#kind", "achievements")
    page.set_input_files("#file", str(_workbook_with_a_bad_row(tmp_path / "achievements.xlsx")))
    page.click('[data-testid="import-submit"]')
    errors = page.locator('[data-testid="import-errors"]').inner_text()
    assert ("第 4 行" if lang == "zh-CN" else "Row 4") in errors
    assert page.locator('[data-testid="import-summary"]').count() == 0
    shot(page, f"08-import-error-{lang}")
    page.goto(f"{base}/achievements?q=浏览器导入")
    assert page.locator('[data-testid="results"]').count() == 0  # nothing was written
    context.close()


def test_search_updates_as_you_type(live_server: tuple[str, WebWorld], browser) -> None:  # type: ignore[no-untyped-def]
    base, _world = live_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search")
    page.evaluate("window.__marker = 1")  # survives only if the page is not reloaded
    page.type("#q", "加氢", delay=50)
    page.wait_for_selector('[data-testid="facets"]')
    assert page.evaluate("window.__marker") == 1
    assert "<mark>" in page.inner_html("#search-results")
    assert "q=" in page.url
    shot(page, "09-live-search-zh-CN")
    context.close()
