"""A work's authors through the REST API: added with the work, returned on the expert, part of the
OpenAPI schema; the bound is a 422 that changes nothing; the import stores what it read."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_world import WebWorld, api_token

from kechuang.domain import Actor
from kechuang.domain.expert import MAX_AUTHORS
from kechuang.services import experts, transaction

SYSTEM = Actor.system("test")


def _authors(expert_id: int) -> dict[str, list[str]]:
    with transaction():
        return {w.title: w.authors for w in experts.get(SYSTEM, expert_id).works}


def test_add_and_read_authors(client: TestClient, web_world: WebWorld) -> None:
    headers = api_token(client, "exp_a")
    path = f"/api/v1/experts/{web_world.expert_a}/works"
    added = client.post(
        path,
        json={"kind": "paper", "title": "氢脆机理", "authors": ["张工", "Li, Ming"]},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    by_title = {w["title"]: w for w in added.json()["works"]}
    assert by_title["氢脆机理"]["authors"] == ["张工", "Li, Ming"]
    before = _authors(web_world.expert_a)
    refused = client.post(
        path,
        json={"kind": "paper", "title": "大合作", "authors": ["x"] * (MAX_AUTHORS + 1)},
        headers=headers,
    )
    assert refused.status_code == 422
    assert _authors(web_world.expert_a) == before
    schema = client.get("/api/v1/openapi.json").json()
    work = schema["components"]["schemas"]["Work"]["properties"]["authors"]
    assert work["maxItems"] == MAX_AUTHORS


def test_import_stores_authors(client: TestClient, web_world: WebWorld) -> None:
    headers = api_token(client, "exp_a")
    ris = "TY  - JOUR\nTI  - 催化剂寿命\nAU  - 张工\nAU  - 王强\nER  -\n"
    done = client.post(
        f"/api/v1/experts/{web_world.expert_a}/works/import",
        json={"content": ris},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    assert _authors(web_world.expert_a)["催化剂寿命"] == ["张工", "王强"]
