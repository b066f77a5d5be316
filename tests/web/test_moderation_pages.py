"""The moderation queue page (/operator/moderation): an expert's spam work is held, the operator
sees it with the flagged parts marked, a rejection without a reason is refused on the page, a
rejection with one mails the owner, a second decision is a 409 page; CSRF guards the forms; the
page is in the operators' navigation, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from web_world import WebWorld, sign_in

from kechuang.config import get_settings

REFERENCE_SPAM = "成人視頻在線觀看-一夜情約炮同城上門服務 https://t.cn/A6xYz"
HELD = re.compile(r'data-testid="held-(\d+)"')


def _hold_a_work(client: TestClient) -> None:
    token = sign_in(client, "exp_a")
    refused = client.post(
        "/expert/profile/works",
        data={"csrf_token": token, "kind": "paper", "title": REFERENCE_SPAM},
    )
    assert refused.status_code == 422
    client.post("/sign-out", data={"csrf_token": token})
    client.cookies.clear()


def _outbox() -> list[Path]:
    return sorted((Path(get_settings().data_dir) / "outbox").glob("*.eml"))


def test_reject_from_the_queue(client: TestClient, web_world: WebWorld) -> None:
    _hold_a_work(client)
    token = sign_in(client, "op_a")
    page = client.get("/operator/moderation")
    assert page.status_code == 200
    assert "内容审核队列" in page.text
    assert 'href="/operator/moderation"' in page.text  # in the navigation
    held_id = int(HELD.search(page.text).group(1))  # type: ignore[union-attr]
    assert "<mark" in page.text
    assert "一夜情約炮</mark>" in page.text
    assert "https://t.cn/A6xYz</mark>" in page.text
    assert "新增成果" in page.text
    assert "垃圾词汇：" in page.text  # the detector's reasons in the page's language

    no_csrf = client.post(f"/operator/moderation/{held_id}/reject", data={"reason": "广告"})
    assert no_csrf.status_code == 403
    empty = client.post(
        f"/operator/moderation/{held_id}/reject", data={"csrf_token": token, "reason": " "}
    )
    assert empty.status_code == 422
    assert "驳回理由必填" in empty.text

    mails = len(_outbox())
    done = client.post(
        f"/operator/moderation/{held_id}/reject",
        data={"csrf_token": token, "reason": "含色情广告短链接"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "已驳回" in done.text or "修改已驳回" in done.text
    assert len(_outbox()) == mails + 1
    assert 'data-testid="held-' not in done.text  # nothing left waiting

    twice = client.post(f"/operator/moderation/{held_id}/apply", data={"csrf_token": token})
    assert twice.status_code == 409
    decided = client.get("/operator/moderation?decided=1")
    assert "含色情广告短链接" in decided.text
    assert REFERENCE_SPAM not in client.get(f"/experts/{web_world.expert_a}").text


def test_apply_from_the_queue_in_english(client: TestClient, web_world: WebWorld) -> None:
    _hold_a_work(client)
    token = sign_in(client, "op_a")
    page = client.get("/operator/moderation?lang=en")
    assert "Moderation queue" in page.text
    assert "Why it was held" in page.text
    assert "spam vocabulary: " in page.text
    held_id = int(HELD.search(page.text).group(1))  # type: ignore[union-attr]
    applied = client.post(
        f"/operator/moderation/{held_id}/apply?lang=en",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert applied.status_code == 200
    assert "was applied and published" in applied.text
    assert "一夜情約炮" in client.get(f"/experts/{web_world.expert_a}").text


def test_only_staff_see_the_queue(client: TestClient, web_world: WebWorld) -> None:
    _hold_a_work(client)
    sign_in(client, "op_b")
    other = client.get("/operator/moderation")
    assert other.status_code == 200
    assert 'data-testid="held-' not in other.text
    client.cookies.clear()
    sign_in(client, "exp_a")
    assert client.get("/operator/moderation", follow_redirects=False).status_code in (303, 403)


def test_every_kind_of_reason_is_shown_in_chinese() -> None:
    from kechuang.domain.moderation import check  # noqa: PLC0415
    from kechuang.web.i18n import Language  # noqa: PLC0415
    from kechuang.web.moderation import reason_text  # noqa: PLC0415

    texts = [
        "澳门赌场 百家乐 https://bit.ly/x http://a.xyz/1 http://b.example/2 http://c.example/3",
        '<span style="display:none">x</span><a href="http://a">a</a><a href="http://b">b</a>',
        "加微信: abc12345 " + "氢能 " * 20,
    ]
    reasons = {reason for text in texts for reason in check(text).reasons}
    assert len(reasons) >= 8
    for reason in reasons:
        assert reason_text(Language.ZH, reason) != reason, reason
        assert reason_text(Language.EN, reason) == reason
