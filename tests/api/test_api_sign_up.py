"""POST /api/v1/sign-up (twin of the /sign-up page) and who may ask for recommendations."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import SECRET_PHONE, WebWorld, api_token, sign_in

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.domain import Actor
from kechuang.services import organisations, policy, transaction, users
from kechuang.web.security import Limit

CREDIT_CODE = "91350100M000100Y43"
PASSWORD = "a long sign-up passphrase"


@pytest.fixture
def registered(web_world: WebWorld) -> WebWorld:
    """Enterprise A with a unified social credit code."""
    with transaction():
        organisations.update(
            Actor.system("test"), web_world.enterprise_a, {"credit_code": CREDIT_CODE}
        )
    return web_world


def _body(world: WebWorld, **overrides: object) -> dict[str, object]:
    return {
        "email": "api.engineer@example.org",
        "password": PASSWORD,
        "region_id": world.region_a,
        "credit_code": CREDIT_CODE,
        "display_name": "接口工程师",
        **overrides,
    }


def _emails() -> set[str]:
    with transaction():
        return {user.email.lower() for user in users.list(Actor.system("t"), limit=500).items}


def _outbox_recipients() -> list[str]:
    folder = Path(get_settings().data_dir) / "outbox"
    return sorted(
        str(message_from_bytes(path.read_bytes())["To"]).lower() for path in folder.glob("*.eml")
    )


def test_sign_up_answers_a_new_and_a_known_address_alike(
    client: TestClient, registered: WebWorld
) -> None:
    new = client.post("/api/v1/sign-up", json=_body(registered))
    known = client.post("/api/v1/sign-up", json=_body(registered, email="ent_a@example.org"))
    assert new.status_code == known.status_code == 202, new.text
    assert new.json() == known.json()
    assert new.json()["message"]["zh"]
    assert new.json()["message"]["en"]
    assert "api.engineer@example.org" in _emails()
    assert _outbox_recipients() == ["api.engineer@example.org", "ent_a@example.org"]
    with transaction():
        page = users.list(Actor.system("t"), limit=500)
    [account] = [user for user in page.items if user.email == "api.engineer@example.org"]
    assert account.is_active is False, "pending the operator's approval by default"
    refused = client.post(
        "/api/v1/tokens", json={"username": "api.engineer@example.org", "password": PASSWORD}
    )
    assert refused.status_code in (401, 403)


def test_sign_up_errors_are_bilingual_and_write_nothing(
    client: TestClient, registered: WebWorld
) -> None:
    unknown = client.post(
        "/api/v1/sign-up", json=_body(registered, credit_code="91620100MA00000010")
    )
    assert unknown.status_code == 422
    error = unknown.json()["error"]
    assert error["details"][0]["field"] == "credit_code"
    assert error["details"][0]["message"]["zh"]
    assert error["details"][0]["message"]["en"]
    weak = client.post("/api/v1/sign-up", json=_body(registered, password="short"))
    assert weak.status_code == 422
    assert "api.engineer@example.org" not in _emails()
    assert not (Path(get_settings().data_dir) / "outbox").exists()


def test_sign_up_refuses_a_signed_in_caller(client: TestClient, registered: WebWorld) -> None:
    response = client.post(
        "/api/v1/sign-up", json=_body(registered), headers=api_token(client, "ent_a")
    )
    assert response.status_code == 403
    assert "api.engineer@example.org" not in _emails()


def test_sign_up_is_rate_limited(registered: WebWorld) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"sign_up": Limit(1, 3600)}))
    assert client.post("/api/v1/sign-up", json=_body(registered)).status_code == 202
    limited = client.post("/api/v1/sign-up", json=_body(registered, email="x@example.org"))
    assert limited.status_code == 429
    assert "retry-after" in limited.headers
    assert "x@example.org" not in _emails()


def test_recommendations_are_for_signed_in_members_on_web_and_api(
    client: TestClient, web_world: WebWorld
) -> None:
    """Members only, by the service rule: the public would get partners the conflict-of-interest
    rules exclude (they read closed dockings the public cannot see)."""
    pytest.importorskip(
        "kechuang.services.matching", reason="the matching service is not installed"
    )
    assert not policy.allowed(Actor.anonymous(), "matching.match_demand")
    path = f"/api/v1/demands/{web_world.demand_public}/recommendations"
    anonymous = client.get(path)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert not client.app.state.search_index.built, "refused before building the index"  # type: ignore[attr-defined]
    # The public demand page shows the teaser and detail, not recommendations; the enterprise's
    # workspace (where recommendations live on the web) sends the public to sign in.
    public_page = client.get(f"/demands/{web_world.demand_public}")
    assert public_page.status_code == 200
    assert "/my/demands/" not in public_page.text
    workspace = client.get(f"/my/demands/{web_world.demand_public}", follow_redirects=False)
    assert workspace.status_code in (302, 303, 307)
    assert workspace.headers["location"].startswith("/sign-in")
    # Signed in and allowed by the tier: the same engine on both.
    member = client.get(path, headers=api_token(client, "ent_b"))
    assert member.status_code == 200, member.text
    assert SECRET_PHONE not in member.text
    owner = TestClient(client.app)
    sign_in(owner, "ent_a")
    page = owner.get(f"/my/demands/{web_world.demand_public}")
    assert page.status_code == 200
    api_names = {item["name"] for item in member.json()["items"]}
    assert any(name in page.text for name in api_names)
