"""The REST API per endpoint and role, on a real database: shapes, permissions, error bodies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_world import SECRET_PHONE, SECRET_PROBLEM, WebWorld, api_routes, api_token

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.web.security import Limit


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    documented = {
        (path, method.upper()) for path, item in schema["paths"].items() for method in item
    }
    checked = 0
    for path, methods, in_schema in api_routes(client.app):
        if path.startswith("/api/v1") and in_schema:
            for method in methods:
                assert (path, method) in documented, path
                checked += 1
    assert checked >= 25
    assert "ErrorBody" in schema["components"]["schemas"]
    assert "/healthz" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "version": client.app.version,
    }  # type: ignore[attr-defined]


def test_error_bodies_are_bilingual(client: TestClient) -> None:
    missing = client.get("/api/v1/achievements/999999")
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]["zh"]
    assert error["message"]["en"]
    invalid = client.get("/api/v1/achievements?min_trl=12")
    assert invalid.status_code == 422
    detail = invalid.json()["error"]["details"][0]
    assert "min_trl" in detail["field"]
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"]["zh"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions",
        "/api/v1/demands",
        "/api/v1/achievements",
        "/api/v1/experts",
        "/api/v1/organisations?kind=laboratory",
        "/api/v1/events",
        "/api/v1/honours",
    ],
)
def test_public_lists(client: TestClient, path: str) -> None:
    body = client.get(path).json()
    assert set(body) == {"items", "total", "offset", "limit", "has_more"}
    assert body["total"] >= (0 if "honours" in path else 1)


def test_public_details(client: TestClient, web_world: WebWorld) -> None:
    for path in (
        f"/api/v1/achievements/{web_world.achievement}",
        f"/api/v1/organisations/{web_world.enterprise_a}",
        f"/api/v1/events/{web_world.event}",
    ):
        assert client.get(path).status_code == 200, path


def test_demand_detail_by_tier(client: TestClient, web_world: WebWorld) -> None:
    public = client.get(f"/api/v1/demands/{web_world.demand_public}").json()
    assert public["detail"]["key_problems"].startswith(SECRET_PROBLEM)
    members = client.get(f"/api/v1/demands/{web_world.demand_members}")
    assert members.status_code == 200
    assert members.json()["detail"] is None
    assert SECRET_PROBLEM not in members.text
    headers = api_token(client, "ent_b")
    assert client.get(f"/api/v1/demands/{web_world.demand_members}", headers=headers).json()[
        "detail"
    ]
    assert (
        client.get(f"/api/v1/demands/{web_world.demand_nda}", headers=headers).json()["detail"]
        is None
    )
    assert (
        client.post(f"/api/v1/demands/{web_world.demand_nda}/nda", headers=headers).status_code
        == 200
    )
    assert client.get(f"/api/v1/demands/{web_world.demand_nda}", headers=headers).json()["detail"]
    assert client.get(f"/api/v1/demands/{web_world.demand_draft}").status_code == 404
    assert client.post(f"/api/v1/demands/{web_world.demand_nda}/nda").status_code == 401


def test_expert_contact_only_for_the_expert_and_staff(
    client: TestClient, web_world: WebWorld
) -> None:
    path = f"/api/v1/experts/{web_world.expert_a}"
    assert client.get(path).json()["contact"] is None
    assert SECRET_PHONE not in client.get("/api/v1/experts").text
    assert client.get(path, headers=api_token(client, "ent_a")).json()["contact"] is None
    assert client.get(path, headers=api_token(client, "op_b")).json()["contact"] is None
    assert (
        client.get(path, headers=api_token(client, "exp_a")).json()["contact"]["phone"]
        == SECRET_PHONE
    )
    assert (
        client.get(path, headers=api_token(client, "op_a")).json()["contact"]["phone"]
        == SECRET_PHONE
    )


def test_tokens_and_me(client: TestClient) -> None:
    assert client.get("/api/v1/me").json() is None
    me = client.get("/api/v1/me", headers=api_token(client, "ent_a")).json()
    assert me["username"] == "ent_a"
    assert "password" not in str(me).lower()
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/v1/tokens", json={"username": "ent_a", "password": "wrong-password"})
    unknown = client.post(
        "/api/v1/tokens", json={"username": "nobody", "password": "wrong-password"}
    )
    assert wrong.status_code == unknown.status_code
    assert wrong.json() == unknown.json()


def test_token_endpoint_is_rate_limited(web_world: WebWorld) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"sign_in": Limit(2, 60)}))
    for _ in range(2):
        client.post("/api/v1/tokens", json={"username": "x", "password": "y"})
    limited = client.post("/api/v1/tokens", json={"username": "x", "password": "y"})
    assert limited.status_code == 429
    assert limited.headers["retry-after"]
    assert limited.json()["error"]["code"] == "rate_limited"


def _demand(web_world: WebWorld, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "region_id": web_world.region_a,
        "enterprise_id": web_world.enterprise_a,
        "title": "API 发布的需求",
        "status": "pending_review",
    }
    body.update(changes)
    return body


def test_quality_check_endpoint(client: TestClient, web_world: WebWorld) -> None:
    issues = client.post(
        "/api/v1/demands/quality-check", json=_demand(web_world, budget_fen=100)
    ).json()
    assert {issue["code"] for issue in issues} == {
        "no_target_indicators",
        "vague_problem",
        "no_industry",
        "budget_without_deadline",
    }
    assert all(issue["message_zh"] and issue["message_en"] for issue in issues)


def test_create_demand_by_role(client: TestClient, web_world: WebWorld) -> None:
    body = _demand(web_world, status="draft")
    assert client.post("/api/v1/demands", json=body).status_code == 401
    created = client.post("/api/v1/demands", json=body, headers=api_token(client, "ent_a"))
    assert created.status_code == 201
    assert created.json()["id"]
    other = client.post("/api/v1/demands", json=body, headers=api_token(client, "ent_b"))
    assert other.status_code in (403, 404)
    publish_vague = client.post(
        "/api/v1/demands",
        json=_demand(web_world, status="published"),
        headers=api_token(client, "op_a"),
    )
    assert publish_vague.status_code == 422
    assert {d["field"] for d in publish_vague.json()["error"]["details"]} >= {
        "target_indicators",
        "key_problems",
    }


def test_dockings_by_role(client: TestClient, web_world: WebWorld) -> None:
    assert client.get("/api/v1/dockings").status_code == 401
    op_a = api_token(client, "op_a")
    op_b = api_token(client, "op_b")
    ids = [d["id"] for d in client.get("/api/v1/dockings", headers=op_a).json()["items"]]
    assert web_world.docking in ids
    assert web_world.docking not in [
        d["id"] for d in client.get("/api/v1/dockings", headers=op_b).json()["items"]
    ]
    assert client.get(f"/api/v1/dockings/{web_world.docking}", headers=op_b).status_code in (
        403,
        404,
    )
    path = f"/api/v1/dockings/{web_world.docking}/transition"
    illegal = client.post(path, json={"to": "signed"}, headers=op_a)
    assert illegal.status_code == 409
    assert illegal.json()["error"]["code"] == "conflict"
    assert client.post(path, json={"to": "nowhere"}, headers=op_a).status_code == 422
    moved = client.post(path, json={"to": "contacted", "note": "电话联系"}, headers=op_a)
    assert moved.status_code == 200
    assert moved.json()["stage"] == "contacted"
    assert [h["to_stage"] for h in moved.json()["history"]] == ["proposed", "contacted"]
    assert client.post(
        path, json={"to": "meeting"}, headers=api_token(client, "ent_b")
    ).status_code in (403, 404)


def test_enterprise_requests_a_docking(client: TestClient, web_world: WebWorld) -> None:
    body = {
        "region_id": web_world.region_a,
        "demand_id": web_world.demand_members,
        "target_kind": "achievement",
        "target_id": web_world.achievement,
    }
    created = client.post("/api/v1/dockings", json=body, headers=api_token(client, "ent_a"))
    assert created.status_code == 201
    assert created.json()["stage"] == "proposed"
    again = client.post("/api/v1/dockings", json=body, headers=api_token(client, "ent_a"))
    assert again.status_code == 409
    assert client.post(
        "/api/v1/dockings", json=body, headers=api_token(client, "ent_b")
    ).status_code in (403, 404)
    mine = client.get(
        f"/api/v1/dockings?demand_id={web_world.demand_members}", headers=api_token(client, "ent_a")
    )
    assert mine.json()["total"] == 1


def test_expert_sees_their_invitations(client: TestClient, web_world: WebWorld) -> None:
    headers = api_token(client, "exp_a")
    items = client.get("/api/v1/dockings", headers=headers).json()["items"]
    assert [d["id"] for d in items] == [web_world.docking]
    declined = client.post(
        f"/api/v1/dockings/{web_world.docking}/transition",
        json={"to": "closed", "closed_reason": "不属于我的方向"},
        headers=headers,
    )
    assert declined.status_code == 200
    assert declined.json()["closed_reason"] == "不属于我的方向"


def test_workspace_writes(client: TestClient, web_world: WebWorld) -> None:
    expert = api_token(client, "exp_a")
    path = f"/api/v1/experts/{web_world.expert_a}"
    assert client.patch(path, json={"capacity": 5}, headers=expert).json()["capacity"] == 5
    assert client.patch(path, json={"capacity": 500}, headers=expert).status_code == 422
    assert client.patch(
        path, json={"capacity": 1}, headers=api_token(client, "ent_a")
    ).status_code in (403, 404)
    added = client.post(
        f"{path}/works", json={"kind": "paper", "title": "氢脆评估方法"}, headers=expert
    )
    assert added.status_code == 201
    assert "氢脆评估方法" in [work["title"] for work in added.json()["works"]]

    draft = f"/api/v1/demands/{web_world.demand_draft}"
    assert (
        client.patch(
            draft, json={"status": "published"}, headers=api_token(client, "ent_a")
        ).status_code
        == 403
    )
    published = client.patch(draft, json={"status": "published"}, headers=api_token(client, "op_a"))
    assert published.status_code == 200
    assert client.get(draft).json()["detail"]["status"] == "published"


def test_region_figures(client: TestClient, web_world: WebWorld) -> None:
    figures = client.get(f"/api/v1/regions/{web_world.region_a}/figures").json()
    assert figures["enterprises"] == 1
    assert figures["trainees"] == 40


def test_recommendations_with_evidence(client: TestClient, web_world: WebWorld) -> None:
    pytest.importorskip(
        "kechuang.services.matching", reason="the matching service is not installed"
    )
    path = f"/api/v1/demands/{web_world.demand_public}/recommendations"
    assert client.get(path).status_code == 401  # recommendations are for signed-in users
    headers = api_token(client, "ent_a")
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "matching"
    experts_found = [item for item in body["items"] if item["target_kind"] == "expert"]
    assert experts_found[0]["target_id"] == web_world.expert_a
    assert experts_found[0]["evidence"]
    assert experts_found[0]["matched_terms"]
    other = api_token(client, "ent_b")
    hidden = client.get(f"/api/v1/demands/{web_world.demand_nda}/recommendations", headers=other)
    assert hidden.status_code in (403, 404)
    assert SECRET_PHONE not in response.text
