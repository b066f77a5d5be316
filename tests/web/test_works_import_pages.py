"""The expert's works import through the real app: paste or upload → preview with per-entry errors
in the reader's language → confirm → the works are on the profile; CSRF; errors change nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_world import WebWorld, sign_in

from kechuang.domain import Actor
from kechuang.services import experts, transaction

SYSTEM = Actor.system("test")

BIBTEX = """@article{a, title = {加氢催化剂寿命预测}, year = {2023}, journal = {化工学报},
  keywords = {催化; 寿命}, author = {张三 and 李四}}
@patent{b, title = {加氢站压缩机专利}}
"""


def _works(expert_id: int) -> list[str]:
    with transaction():
        return [w.title for w in experts.get(SYSTEM, expert_id).works]


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_paste_preview_confirm(client: TestClient, web_world: WebWorld, language: str) -> None:
    token = sign_in(client, "exp_a")
    client.get(f"/?lang={language}")
    profile = client.get("/expert/profile").text
    assert 'data-testid="works-import-link"' in profile
    preview = client.post(
        "/expert/profile/works/import",
        data={"csrf_token": token, "pasted": BIBTEX, "format": ""},
    )
    assert preview.status_code == 200, preview.text[:500]
    page = preview.text
    assert "加氢催化剂寿命预测" in page
    assert "张三; 李四" in page
    assert ("已在您的档案中" if language == "zh-CN" else "Already on your profile") in page
    assert 'data-testid="works-confirm"' in page
    before = _works(web_world.expert_a)
    confirmed = client.post(
        "/expert/profile/works/import/confirm",
        data={
            "csrf_token": token,
            "source": _hidden(page, "source"),
            "format": _hidden(page, "format"),
            "filename": "",
        },
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert _works(web_world.expert_a) == [*before, "加氢催化剂寿命预测"]
    assert "加氢催化剂寿命预测" in client.get("/expert/profile").text


def test_upload_with_errors_shows_them_per_row_and_writes_nothing(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "exp_a")
    sheet = "题名,年份,类型\n好论文,2020,论文\n坏论文,明年,论文\n".encode("gb18030")
    preview = client.post(
        "/expert/profile/works/import",
        data={"csrf_token": token},
        files={"file": ("works.csv", sheet, "text/csv")},
    )
    assert preview.status_code == 422
    assert 'data-testid="works-row-problems"' in preview.text
    assert "第 3 行" in preview.text
    assert 'data-testid="works-confirm"' not in preview.text
    # A forged confirmation of the same list is refused by the service, nothing written.
    before = _works(web_world.expert_a)
    forced = client.post(
        "/expert/profile/works/import/confirm",
        data={"csrf_token": token, "source": _hidden(preview.text, "source"), "format": "csv"},
    )
    assert forced.status_code == 422
    assert _works(web_world.expert_a) == before


def test_unreadable_input_and_csrf(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "exp_a")
    empty = client.post("/expert/profile/works/import", data={"csrf_token": token, "pasted": " "})
    assert empty.status_code == 422
    assert 'data-testid="import-errors"' in empty.text
    assert "列表是空的" in empty.text
    forged = client.post(
        "/expert/profile/works/import", data={"csrf_token": "forged", "pasted": BIBTEX}
    )
    assert forged.status_code == 403
    operator = TestClient(client.app)
    sign_in(operator, "op_a")
    assert operator.get("/expert/profile/works/import").status_code == 403


def test_imported_works_reach_the_matching_index_after_commit(
    client: TestClient, web_world: WebWorld
) -> None:
    from kechuang.services import matching  # noqa: PLC0415

    source = client.app.state.search_index  # type: ignore[attr-defined]
    title = "钛合金氢脆断裂韧性评估"

    def expert_evidence() -> list[str]:
        with transaction():
            hits = matching.match_text(SYSTEM, source.index(), title, kind="expert", k=5)
        return [
            w.title
            for hit in hits
            for w in hit.works
            if hit.entity_id == f"expert:{web_world.expert_a}"
        ]

    assert title not in expert_evidence()  # the index is built before the import
    token = sign_in(client, "exp_a")
    preview = client.post(
        "/expert/profile/works/import",
        data={"csrf_token": token, "pasted": f"Title,Year,Kind\n{title},2024,paper\n"},
    )
    assert preview.status_code == 200, preview.text[:300]
    confirmed = client.post(
        "/expert/profile/works/import/confirm",
        data={"csrf_token": token, "source": _hidden(preview.text, "source"), "format": "csv"},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert title in expert_evidence()  # applied by the after-commit hook, no rebuild


def test_template_download(client: TestClient, web_world: WebWorld) -> None:
    sign_in(client, "exp_a")
    response = client.get("/expert/profile/works/template.xlsx")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert "works-template.xlsx" in response.headers["content-disposition"]
