"""An expert adds a work with its authors and corrects them on the profile, in a real browser
against a real server, in Chinese and in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journey import shot, sign_in
from live_server import running_server
from web_world import WebWorld, build_world

pytestmark = pytest.mark.browser

SIGN_IN = {"zh-CN": "登录", "en": "Sign in"}
EDIT = {"zh-CN": "修改作者", "en": "Edit the authors"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebWorld]]:
    with running_server(tmp_path_factory.mktemp("authors"), build_world) as server:
        yield server


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_add_and_correct_authors(  # type: ignore[no-untyped-def]
    served: tuple[str, WebWorld], browser, lang: str
) -> None:
    base, _world = served
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "exp_a", lang, SIGN_IN[lang])
    page.goto(f"{base}/expert/profile")
    title = f"储氢合金循环寿命 {lang}"
    page.fill("#title", title)
    page.fill("#authors", "张三; Li, Ming")
    page.click('form[action="/expert/profile/works"] button[type=submit]')
    row = page.locator('[data-testid="work-row"]', has_text=title)
    assert row.locator('[data-testid="work-authors"]').inner_text() == "张三; Li, Ming"
    row.locator("summary", has_text=EDIT[lang]).click()
    row.locator('input[name="authors"]').fill("张三; 赵六")
    row.locator('button[type="submit"]').click()
    row = page.locator('[data-testid="work-row"]', has_text=title)
    assert row.locator('[data-testid="work-authors"]').inner_text() == "张三; 赵六"
    shot(page, f"work-authors-{lang}")
    assert errors == []
    context.close()
