"""Promises the web layer keeps for issue 6: every state-changing page route refuses a request
without the session's CSRF token, and no page carries inline script or style."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_world import WebWorld, api_routes, sign_in

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _web_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = []
    for path, methods, _in_schema in api_routes(client.app):
        if not path.startswith("/api/"):
            routes.extend((method, path) for method in methods & STATE_CHANGING)
    return sorted(routes)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_state_changing_page_route_needs_the_csrf_token(
    client: TestClient, web_world: WebWorld
) -> None:
    routes = _web_routes(client)
    assert len(routes) >= 12  # a new form route is covered automatically
    sign_in(client, "admin")
    for method, path in routes:
        response = client.request(
            method, _concrete(path), data={"username": "x"}, follow_redirects=False
        )
        assert response.status_code == 403, (method, path, response.status_code)
        spoofed = client.request(
            method, _concrete(path), data={"csrf_token": "forged"}, follow_redirects=False
        )
        assert spoofed.status_code == 403, (method, path)


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        (None, ["/", "/demands", "/experts/1", "/search?q=氢", "/sign-in", "/api/v1/docs"]),
        (
            "op_a",
            [
                "/dashboard",
                "/operator/dockings",
                "/operator/import",
                "/operator/users",
                "/operator/review",
            ],
        ),
        ("ent_a", ["/my/demands", "/my/demands/new", "/account"]),
        ("exp_a", ["/expert/invitations", "/expert/profile"]),
    ],
)
def test_no_inline_script_or_style(
    client: TestClient, web_world: WebWorld, username: str | None, paths: list[str]
) -> None:
    if username:
        sign_in(client, username)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        assert "content-security-policy" in response.headers
