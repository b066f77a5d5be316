"""POST /api/v1/experts/{id}/works/import: dry run, import, duplicates, all-or-nothing, roles."""

from __future__ import annotations

import base64
import io

import openpyxl
from fastapi.testclient import TestClient
from web_world import WebWorld, api_token

from kechuang.domain import Actor
from kechuang.services import experts, transaction

SYSTEM = Actor.system("test")
RIS = (
    "TY  - JOUR\nTI  - 氢脆机理\nPY  - 2021\nAU  - 张工\nER  -\n"
    "TY  - PAT\nTI  - 加氢站压缩机专利\nER  -\n"
)


def _titles(expert_id: int) -> list[str]:
    with transaction():
        return [w.title for w in experts.get(SYSTEM, expert_id).works]


def test_dry_run_then_import(client: TestClient, web_world: WebWorld) -> None:
    headers = api_token(client, "exp_a")
    path = f"/api/v1/experts/{web_world.expert_a}/works/import"
    dry = client.post(path, json={"content": RIS, "dry_run": True}, headers=headers)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["format"] == "ris"
    assert body["added"] == 0
    assert [e["duplicate"] for e in body["entries"]] == ["", "existing"]
    assert body["entries"][0]["authors"] == ["张工"]
    assert _titles(web_world.expert_a) == ["加氢站压缩机专利"]
    done = client.post(path, json={"content": RIS}, headers=headers)
    assert done.json()["added"] == 1
    assert _titles(web_world.expert_a) == ["加氢站压缩机专利", "氢脆机理"]


def test_excel_as_base64_by_an_operator(client: TestClient, web_world: WebWorld) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["题名", "年份", "类型"])
    sheet.append(["储氢示范项目", 2022, "项目"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        f"/api/v1/experts/{web_world.expert_a}/works/import",
        json={
            "content_base64": base64.b64encode(buffer.getvalue()).decode(),
            "filename": "works.xlsx",
        },
        headers=api_token(client, "op_a"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1


def test_problems_are_bilingual_and_nothing_is_written(
    client: TestClient, web_world: WebWorld
) -> None:
    headers = api_token(client, "exp_a")
    path = f"/api/v1/experts/{web_world.expert_a}/works/import"
    bad = client.post(
        path, json={"content": "Title,Year\nOK,2020\nBad,soon\n", "format": "csv"}, headers=headers
    )
    assert bad.status_code == 422
    assert "第 3 行" in bad.text
    assert "row 3" in bad.text
    empty = client.post(path, json={"content": ""}, headers=headers)
    assert empty.status_code == 422
    assert "列表是空的" in empty.text
    garbled = client.post(path, json={"content_base64": "%%%"}, headers=headers)
    assert garbled.status_code == 422
    assert _titles(web_world.expert_a) == ["加氢站压缩机专利"]


def test_only_the_expert_and_staff(client: TestClient, web_world: WebWorld) -> None:
    for username in ("ent_a", "op_b"):
        response = client.post(
            f"/api/v1/experts/{web_world.expert_a}/works/import",
            json={"content": RIS},
            headers=api_token(client, username),
        )
        assert response.status_code == 403, (username, response.text)
    anonymous = client.post(
        f"/api/v1/experts/{web_world.expert_a}/works/import", json={"content": RIS}
    )
    assert anonymous.status_code in {401, 403}
    assert _titles(web_world.expert_a) == ["加氢站压缩机专利"]
