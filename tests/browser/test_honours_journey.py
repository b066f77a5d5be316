"""The honour-list journey in a real browser against a real server, in Chinese and in English:
the operator opens a list and nominates two candidates, opens review round 1 with the reviewers
the matcher proposes (an expert who works for a nominated enterprise is shown as left out for a
conflict of interest), the reviewer scores in their own session, the operator closes the round and
publishes the ranked list, and the public honour page shows the published entries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journey import shot, sign_in
from live_server import require_chromium, running_server
from web_world import WebWorld, build_world

from kechuang.domain import Actor, Expert, Work
from kechuang.services import experts, transaction

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {"sign_in": "登录", "year": "2031", "scored": "1 / 1"},
    "en": {"sign_in": "Sign in", "year": "2032", "scored": "1 / 1"},
}
ENTERPRISE = "甲化工（演示）"
PERSON = "李四"


def _seed() -> tuple[WebWorld, int]:
    """The web test world and 王工, who works for the enterprise that will be nominated."""
    world = build_world()
    with transaction():
        conflicted = experts.create(
            Actor.system("test"),
            Expert(
                name="王工",
                affiliation=ENTERPRISE,
                affiliation_id=world.enterprise_a,
                region_id=world.region_a,
                keywords=["加氢", "催化"],
                works=[Work(kind="paper", title="加氢催化剂寿命研究", keywords=["加氢"])],
            ),
        ).id
    assert conflicted is not None
    return world, conflicted


@pytest.fixture(scope="module")
def honours_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, tuple[WebWorld, int]]]:
    """A served world with a conflicted expert."""
    require_chromium()
    with running_server(tmp_path_factory.mktemp("honours"), _seed) as served:
        yield served


def _session(browser, errors: list[str]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    return context, page


def _sign_in(page, base: str, username: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base, username, lang, TEXT[lang]["sign_in"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_operator_runs_an_honour_list_to_publication(
    honours_server: tuple[str, tuple[WebWorld, int]], browser, lang: str
) -> None:  # type: ignore[no-untyped-def]
    base, (world, conflicted) = honours_server
    errors: list[str] = []
    context, page = _session(browser, errors)
    _sign_in(page, base, "op_a", lang)

    # Open a list.
    page.goto(f"{base}/operator/honours")
    page.select_option("#kind", "emerging_enterprises")
    page.fill("#year", TEXT[lang]["year"])
    title = f"{TEXT[lang]['year']} 新锐企业榜（{lang}）"
    page.fill("#title", title)
    page.click('[data-testid="create-list"]')
    page.wait_for_selector('[data-testid="nominations"]')
    list_id = int(page.url.rstrip("/").split("/")[-1].split("?")[0])
    assert title in page.locator("h1").inner_text()

    # Nominate a registered enterprise and a person not registered.
    page.select_option('[data-testid="nominee-select"]', f"organisation:{world.enterprise_a}")
    page.fill("#reason", "加氢催化剂国产化，加氢站关键装备")
    page.click('[data-testid="nominate"]')
    page.wait_for_selector('[data-testid^="nomination-"]')
    summary = page.locator('[data-testid="nominations"] details summary')
    if page.locator('[data-testid="nominations"] details[open]').count() == 0:
        summary.click()
    page.select_option('[data-testid="nominee-select"]', "")
    page.fill("#nominee_name", PERSON)
    page.fill("#reason", "氢能装备研发骨干，加氢站压缩机")
    page.click('[data-testid="nominate"]')
    page.wait_for_function(
        "document.querySelectorAll('[data-testid^=\"nomination-\"]').length === 2"
    )
    nominations = page.locator('[data-testid="nominations"] tbody').inner_text()
    assert ENTERPRISE in nominations
    assert PERSON in nominations

    # Round 1: the matcher proposes 张工; 王工 works for the nominated enterprise: left out.
    proposal = page.locator('[data-testid="open-round"]')
    assert proposal.locator(f'[data-testid="reviewer-{world.expert_a}"]').count() == 1
    assert proposal.locator(f'[data-testid="reviewer-{conflicted}"]').count() == 0
    excluded = page.locator(f'[data-testid="excluded-{conflicted}"]')
    assert excluded.count() == 1
    page.locator('[data-testid="excluded"] summary').click()
    assert "王工" in excluded.inner_text()
    for box in proposal.locator('input[name="reviewer"]').all():
        box.uncheck()
    proposal.locator(f'[data-testid="reviewer-{world.expert_a}"] input').check()
    shot(page, f"20-honours-reviewers-{lang}")
    page.click('[data-testid="open-round-submit"]')
    page.wait_for_selector('[data-testid="round-1"]')
    assert "张工" in page.locator('[data-testid="round-1"]').inner_text()

    # The reviewer scores in their own session.
    reviewer_context, reviewer = _session(browser, errors)
    _sign_in(reviewer, base, "exp_a", lang)
    reviewer.goto(f"{base}/expert/reviews")
    section = reviewer.locator(f'[data-testid="review-{list_id}-1"]')
    scores = section.locator('input[data-testid^="score-"]')
    assert scores.count() == 2
    scores.nth(0).fill("92")
    scores.nth(1).fill("78")
    shot(reviewer, f"21-honours-scoring-{lang}")
    section.locator('[data-testid="save-scores"]').click()
    reviewer.wait_for_selector(".flash")
    reviewer.goto(f"{base}/expert/reviews")
    saved = reviewer.locator(f'[data-testid="review-{list_id}-1"] input[data-testid^="score-"]')
    assert sorted(box.input_value() for box in saved.all()) == ["78", "92"]
    reviewer_context.close()

    # The operator sees the scores, closes the round and publishes the ranking.
    page.goto(f"{base}/operator/honours/{list_id}")
    round_one = page.locator('[data-testid="round-1"]').inner_text()
    assert TEXT[lang]["scored"] in round_one
    assert "92.0" in round_one
    page.click('[data-testid="close-round-1"]')
    page.wait_for_selector('[data-testid="publish"]')
    ranks = page.locator('[data-testid="publish"] input[data-testid^="rank-"]')
    assert ranks.count() == 2
    ranks.nth(0).fill("1")
    ranks.nth(1).fill("2")
    page.click('[data-testid="publish-submit"]')
    page.wait_for_selector('[data-testid="entries"]')
    published = page.locator('[data-testid="entries"]').inner_text()
    assert published.index(ENTERPRISE) < published.index(PERSON)  # 92 before 78
    shot(page, f"22-honours-published-{lang}")
    context.close()

    # The public honour page, for an anonymous visitor.
    public_context, public = _session(browser, errors)
    public.goto(f"{base}/honours/{list_id}?lang={lang}")
    body = public.locator("main").inner_text()
    assert title in body
    assert ENTERPRISE in body
    assert PERSON in body
    assert body.index(ENTERPRISE) < body.index(PERSON)
    shot(public, f"23-honours-public-{lang}")
    public_context.close()
    assert errors == []
