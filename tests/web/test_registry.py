"""Excel import from the browser: a bad row is named on the page and nothing is written."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient
from web_world import WebWorld, sign_in

from kechuang.domain import Actor
from kechuang.services import achievements, transaction


def achievements_workbook(client: TestClient, *, bad_trl: str = "12") -> bytes:
    """The operator's own export of achievements plus one good and one bad new row."""
    response = client.get("/operator/import/achievements/export.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    title_col = next(
        i
        for i, h in enumerate(header)
        if str(h).startswith("成果名称") or "title" in str(h).lower()
    )
    trl_col = next(i for i, h in enumerate(header) if "TRL" in str(h) or "成熟度" in str(h))
    owner_col = next(i for i, h in enumerate(header) if str(h).endswith("/ Owner"))
    template = [cell.value for cell in sheet[2]]
    for title, trl in (("新导入的成果：氢气提纯膜", "5"), ("坏行：成熟度超界", bad_trl)):
        row = list(template)
        row[title_col] = title
        row[trl_col] = trl
        row[owner_col] = "演示大学"
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count() -> int:
    with transaction():
        return achievements.list(Actor.system("test"), limit=1).total


def test_import_with_a_bad_row_writes_nothing_and_names_the_row(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "op_a")
    content = achievements_workbook(client)
    before = _count()
    response = client.post(
        "/operator/import",
        data={"csrf_token": token, "kind": "achievements"},
        files={"file": ("achievements.xlsx", content, "application/octet-stream")},
    )
    assert response.status_code == 422
    assert 'data-testid="import-errors"' in response.text
    assert "第 4 行" in response.text
    assert _count() == before
    english = client.post(
        "/operator/import?lang=en",
        data={"csrf_token": token, "kind": "achievements"},
        files={"file": ("achievements.xlsx", content, "application/octet-stream")},
    )
    assert "Row 4" in english.text
    skipped = client.post(
        "/operator/import",
        data={"csrf_token": token, "kind": "achievements", "skip_bad_rows": "on"},
        files={"file": ("achievements.xlsx", content, "application/octet-stream")},
    )
    assert skipped.status_code == 200
    assert 'data-testid="import-summary"' in skipped.text
    assert _count() == before + 1


def test_import_refuses_other_files_and_other_roles(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "op_a")
    wrong = client.post(
        "/operator/import",
        data={"csrf_token": token, "kind": "achievements"},
        files={"file": ("notes.txt", b"hello", "text/plain")},
    )
    assert wrong.status_code == 422
    assert ".xlsx" in wrong.text
    enterprise = TestClient(client.app)
    sign_in(enterprise, "ent_a")
    assert enterprise.get("/operator/import").status_code == 403
    assert enterprise.get("/operator/import/achievements/template.xlsx").status_code == 403


def test_template_download(client: TestClient, web_world: WebWorld) -> None:
    sign_in(client, "op_a")
    response = client.get("/operator/import/experts/template.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert any("name" in str(cell.value).lower() for cell in workbook.worksheets[0][1])
