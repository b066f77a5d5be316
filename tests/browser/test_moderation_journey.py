"""The moderation queue in a real browser, in Chinese and in English: an expert adds a work whose
title is the kind of spam injected into the Lanzhou report's page and is told it went to review;
the operator finds it in the moderation queue with the flagged parts marked, rejects one with a
reason and applies the other; the public profile shows only the applied work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journey import shot, sign_in
from live_server import require_chromium, running_server
from web_world import WebWorld, build_world

pytestmark = pytest.mark.browser

SPAM = {
    "zh-CN": "成人視頻在線觀看-一夜情約炮同城上門服務 https://t.cn/A6xYz",
    "en": "澳門威尼斯人娛樂城官網-百家樂真人荷官在線-註冊送38元彩金",
}
TEXT = {
    "zh-CN": {"sign_in": "登录", "held": "已提交区域运营人员审核", "queue": "内容审核队列"},
    "en": {"sign_in": "Sign in", "held": "sent to the region's operators", "queue": "Moderation"},
}


@pytest.fixture(scope="module")
def moderation_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebWorld]]:
    """A served web test world."""
    require_chromium()
    with running_server(tmp_path_factory.mktemp("moderation"), build_world) as served:
        yield served


def _sign_in(page, base: str, username: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, username, lang, TEXT[lang]["sign_in"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_held_work_is_reviewed_in_the_queue(
    moderation_server: tuple[str, WebWorld], browser, lang: str
) -> None:  # type: ignore[no-untyped-def]
    base, world = moderation_server
    errors: list[str] = []
    spam = SPAM[lang]

    expert_context = browser.new_context(viewport={"width": 1280, "height": 900})
    expert = expert_context.new_page()
    expert.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(expert, base, "exp_a", lang)
    expert.goto(f"{base}/expert/profile")
    expert.fill("#title", spam)
    expert.click("form[action='/expert/profile/works'] button[type=submit]")
    expert.wait_for_selector('[data-testid="profile-errors"]')
    assert TEXT[lang]["held"] in expert.locator('[data-testid="profile-errors"]').inner_text()
    expert_context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    _sign_in(page, base, "op_a", lang)
    page.click("nav a[href='/operator/moderation']")
    assert TEXT[lang]["queue"] in page.locator("h1").inner_text()
    card = page.locator('[data-testid^="held-"]').filter(has_text=spam[:6])
    assert card.count() == 1
    marked = card.locator("mark").all_inner_texts()
    assert marked  # the flagged parts are highlighted
    assert all(part in spam for part in marked)
    shot(page, f"30-moderation-queue-{lang}")
    held_id = card.get_attribute("data-testid").removeprefix("held-")  # type: ignore[union-attr]

    if lang == "zh-CN":
        card.locator("textarea").fill("含色情广告和短链接，请删除后重新提交")
        page.click(f'[data-testid="reject-{held_id}"]')
    else:
        page.click(f'[data-testid="apply-{held_id}"]')
    page.wait_for_selector(".flash")
    assert page.locator(f'[data-testid="held-{held_id}"]').count() == 0
    page.goto(f"{base}/operator/moderation?decided=1")
    decided = page.locator(f'[data-testid="held-{held_id}"] [data-testid="decision"]')
    assert decided.count() == 1
    shot(page, f"31-moderation-decided-{lang}")
    context.close()

    public = browser.new_page()
    public.goto(f"{base}/experts/{world.expert_a}?lang={lang}")
    shown = public.locator("main").inner_text()
    assert (spam[:6] in shown) is (lang == "en")  # rejected: absent; applied: published
    public.close()
    assert errors == []
