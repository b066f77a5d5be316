"""Sessions and accounts, attacked through the running app: CSRF on every state-changing form
(routes enumerated from the app), the API does not accept the session cookie for writes, rate
limits with Retry-After on password reset, production mode refuses default secrets and debug, a
lockout reaches the account owner.

Already proven elsewhere (referenced in docs/security.md, not repeated): cookie flags, sign-in
CSRF, sign-in/search/token rate limits, sign-in and reset without user enumeration
(tests/web/test_pages.py, tests/api/test_api.py), the lockout itself
(tests/services/test_services_lockout_visits.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from routes import routes_of
from web_world import WebWorld, csrf_of, sign_in

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.domain import Actor
from kechuang.services import audit
from kechuang.web.security import Limit

# Who may normally submit each form (so a refusal proves the CSRF check, not a missing role).
OWNER = {
    "/my/": "ent_a",
    "/expert/": "exp_a",
    "/operator/": "op_a",
    "/account/": "ent_a",
    "/demands/": "ent_b",
    "/sign-out": "ent_a",
}
CSRF_REFUSAL = re.compile("刷新页面|Reload the page")


def _fill(path: str, world: WebWorld) -> str:
    ids = {
        "demand_id": world.demand_public,
        "docking_id": world.docking,
        "token_id": 1,
        "user_id": 1,
        "secret": "x" * 43,
    }
    # Any other id will do: the CSRF check comes before the record is looked up.
    return re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), path)


def _form_routes(app: object) -> list[str]:
    return [
        path
        for method, path in routes_of(app)
        if method in {"POST", "PUT", "PATCH", "DELETE"} and not path.startswith("/api/")
    ]


def _audit_total() -> int:
    return audit.list(Actor.system("test")).total


def test_every_state_changing_form_refuses_a_missing_or_forged_token(
    web_world: WebWorld,
) -> None:
    app = create_app(get_settings(), rate_limits={})
    routes = _form_routes(app)
    assert len(routes) >= 15, routes
    refused = []
    for route in routes:
        client = TestClient(app)
        who = next((user for prefix, user in OWNER.items() if route.startswith(prefix)), None)
        genuine = sign_in(client, who) if who else csrf_of(client)
        path = _fill(route, web_world)
        before = _audit_total()
        # A forgery one character off the genuine token (never equal to it by chance).
        forged = genuine[:-1] + ("B" if genuine[-1] != "B" else "C")
        for token in (None, "x" * len(genuine), forged):
            data = {"title": "伪造", "password": "a-new-password-1", "username": "ent_a"}
            if token is not None:
                data["csrf_token"] = token
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (route, token, response.status_code)
            assert CSRF_REFUSAL.search(response.text), (route, response.text[:300])
        assert _audit_total() == before, route
        refused.append(route)
    assert "/operator/users" in refused
    assert "/my/demands/new" in refused


def test_a_token_from_another_session_is_refused(web_world: WebWorld) -> None:
    app = create_app(get_settings(), rate_limits={})
    attacker, victim = TestClient(app), TestClient(app)
    stolen = sign_in(attacker, "ent_b")
    sign_in(victim, "ent_a")
    response = victim.post(
        "/my/demands/new",
        data={"csrf_token": stolen, "title": "跨站伪造", "intent": "draft"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_the_api_does_not_take_the_session_cookie_for_writes(web_world: WebWorld) -> None:
    """A cross-site page cannot ride the browser's session into the API: writes need a Bearer."""
    client = TestClient(create_app(get_settings(), rate_limits={}))
    sign_in(client, "ent_a")
    before = _audit_total()
    response = client.post(
        "/api/v1/demands",
        json={
            "region_id": web_world.region_a,
            "enterprise_id": web_world.enterprise_a,
            "title": "借会话写入",
        },
    )
    assert response.status_code in (401, 403), response.text
    assert _audit_total() == before


def test_password_reset_is_rate_limited_with_retry_after(web_world: WebWorld) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"password_reset": Limit(2, 60)}))
    token = csrf_of(client, "/password-reset")
    statuses = [
        client.post("/password-reset", data={"csrf_token": token, "account": "ent_a"})
        for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert int(statuses[-1].headers["retry-after"]) >= 1


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    kechuang = shutil.which("kechuang", path=str(Path(sys.executable).parent)) or "kechuang"
    return subprocess.run(
        [kechuang, "serve", "--port", "1", "--no-demo-passwords"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({}, "KECHUANG_SECRET_KEY"),
        ({"KECHUANG_SECRET_KEY": "short"}, "KECHUANG_SECRET_KEY"),
        ({"KECHUANG_SECRET_KEY": "s" * 40, "KECHUANG_DEBUG": "true"}, "KECHUANG_DEBUG"),
    ],
    ids=["default-secret", "short-secret", "debug-on"],
)
def test_production_refuses_to_start_unsafe(
    tmp_path: Path, extra: dict[str, str], problem: str
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KECHUANG_")}
    env |= {
        "KECHUANG_ENVIRONMENT": "production",
        "KECHUANG_DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}",
        "KECHUANG_DATA_DIR": str(tmp_path),
        **extra,
    }
    result = _serve(env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert problem in output, output[-1500:]
    assert "Uvicorn running" not in output


def test_a_lockout_mails_the_account_owner(
    web_world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KECHUANG_SIGN_IN_MAX_FAILURES", "3")
    get_settings.cache_clear()
    client = TestClient(create_app(get_settings(), rate_limits={}))
    token = csrf_of(client)
    for _ in range(3):
        client.post("/sign-in", data={"csrf_token": token, "username": "ent_a", "password": "x"})
    outbox = Path(get_settings().data_dir) / "outbox"
    mails = [p.read_text() for p in outbox.glob("*.eml")] if outbox.exists() else []
    assert any("ent_a@example.org" in mail for mail in mails)
