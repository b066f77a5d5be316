"""The expert's profile shows each work's authors, takes them when a work is added, and lets the
expert correct them; bad input is a bilingual error that changes nothing; CSRF is required."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_world import WebWorld, sign_in

from kechuang.domain import Actor
from kechuang.domain.expert import MAX_AUTHORS
from kechuang.services import experts, transaction

SYSTEM = Actor.system("test")


def _authors(expert_id: int) -> dict[str, list[str]]:
    with transaction():
        return {w.title: w.authors for w in experts.get(SYSTEM, expert_id).works}


def test_add_show_and_edit_authors(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "exp_a")
    added = client.post(
        "/expert/profile/works",
        data={
            "csrf_token": token,
            "kind": "paper",
            "title": "储氢合金循环寿命",
            "authors": "张三；Li, Ming\n王五",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text[:300]
    assert _authors(web_world.expert_a)["储氢合金循环寿命"] == ["张三", "Li, Ming", "王五"]
    page = client.get("/expert/profile").text
    assert "张三; Li, Ming; 王五" in page
    with transaction():
        work = next(
            w
            for w in experts.get(SYSTEM, web_world.expert_a).works
            if w.title == "储氢合金循环寿命"
        )
    assert f'action="/expert/profile/works/{work.id}/authors"' in page

    saved = client.post(
        f"/expert/profile/works/{work.id}/authors",
        data={"csrf_token": token, "authors": "张三; 赵六"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert _authors(web_world.expert_a)["储氢合金循环寿命"] == ["张三", "赵六"]
    before = _authors(web_world.expert_a)

    too_many = "; ".join(f"作者{n}" for n in range(MAX_AUTHORS + 1))
    for language, word in (("zh-CN", "作者"), ("en", "authors")):
        client.get(f"/?lang={language}")
        refused = client.post(
            f"/expert/profile/works/{work.id}/authors",
            data={"csrf_token": token, "authors": too_many},
        )
        assert refused.status_code == 422
        assert 'data-testid="profile-errors"' in refused.text
        assert word in refused.text
    missing = client.post(
        "/expert/profile/works/999999/authors", data={"csrf_token": token, "authors": "x"}
    )
    assert missing.status_code == 422
    assert re.search(r"999999", missing.text)
    forged = client.post(
        f"/expert/profile/works/{work.id}/authors",
        data={"csrf_token": "wrong", "authors": "x"},
    )
    assert forged.status_code in {400, 403}
    assert _authors(web_world.expert_a) == before
