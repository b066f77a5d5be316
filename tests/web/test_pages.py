"""Pages in both languages, sessions, CSRF, rate limits, tiers and each role's journey, through
the real app on a real database (TestClient)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from web_world import PASSWORD, SECRET_PHONE, SECRET_PROBLEM, WebWorld, csrf_of, sign_in

from kechuang.app import create_app
from kechuang.config import Settings, get_settings
from kechuang.domain import Actor, Expert, Work
from kechuang.services import experts, transaction
from kechuang.store.database import engine_for
from kechuang.web.security import Limit
from kechuang.web.visits import is_bot, visitor_hash

PUBLIC_PAGES = [
    "/",
    "/demands",
    "/achievements",
    "/experts",
    "/organisations",
    "/societies",
    "/labs",
    "/stations",
    "/workstations",
    "/bases",
    "/events",
    "/honours",
    "/search?q=加氢",
    "/sign-in",
    "/sign-up",
    "/password-reset",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_both_languages(client: TestClient, path: str) -> None:
    zh = client.get(path)
    assert zh.status_code == 200
    assert zh.headers["content-language"] == "zh-CN"
    assert '<html lang="zh-CN">' in zh.text
    assert "登录" in zh.text or "退出" in zh.text
    en = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert en.status_code == 200
    assert en.headers["content-language"] == "en"
    assert "Sign in" in en.text
    assert "登录" not in en.text


def test_language_choice_is_remembered_in_a_cookie(client: TestClient) -> None:
    response = client.get("/demands?lang=en")
    cookie = response.headers["set-cookie"]
    assert "kc_lang=en" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Technology demands" in client.get("/demands").text
    assert "科技需求" in client.get("/demands?lang=zh-CN").text


def test_detail_pages(client: TestClient, web_world: WebWorld) -> None:
    for path in (
        f"/demands/{web_world.demand_public}",
        f"/achievements/{web_world.achievement}",
        f"/experts/{web_world.expert_a}",
        f"/organisations/{web_world.enterprise_a}",
        f"/events/{web_world.event}",
    ):
        assert client.get(path).status_code == 200, path
    missing = client.get("/demands/999999")
    assert missing.status_code == 404
    assert "不存在" in missing.text


def test_dates_and_money_in_local_formats(client: TestClient, web_world: WebWorld) -> None:
    assert "2024年8月27日" in client.get(f"/events/{web_world.event}").text
    assert "Aug 27, 2024" in client.get(f"/events/{web_world.event}?lang=en").text


def test_security_headers_and_no_inline_script(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "cdn" not in response.text.lower()


def test_session_cookie_flags(client: TestClient) -> None:
    client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(client), "username": "ent_a", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_production_cookie_is_secure_and_host_prefixed(web_world: WebWorld) -> None:
    settings = Settings(
        environment="production",
        secret_key="x" * 40,
        database_url=get_settings().database_url,
    )
    client = TestClient(create_app(settings, rate_limits={}), base_url="https://testserver")
    response = client.get("/sign-in")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-kc_session=")
    assert "secure" in cookie.lower()
    assert "strict-transport-security" in response.headers


def test_state_changing_requests_need_the_csrf_token(client: TestClient) -> None:
    client.get("/sign-in")
    missing = client.post("/sign-in", data={"username": "ent_a", "password": PASSWORD})
    assert missing.status_code == 403
    wrong = client.post(
        "/sign-in", data={"csrf_token": "x" * 43, "username": "ent_a", "password": PASSWORD}
    )
    assert wrong.status_code == 403
    assert "刷新页面" in wrong.text


def test_sign_in_does_not_reveal_whether_the_user_exists(client: TestClient) -> None:
    token = csrf_of(client)
    unknown = client.post(
        "/sign-in", data={"csrf_token": token, "username": "nobody", "password": "whatever-123"}
    )
    wrong = client.post(
        "/sign-in", data={"csrf_token": token, "username": "ent_a", "password": "whatever-123"}
    )
    assert unknown.status_code == wrong.status_code == 401

    def message(text: str) -> str:
        match = re.search(r'data-testid="sign-in-error">([^<]*)<', text)
        assert match
        return match.group(1)

    assert message(unknown.text) == message(wrong.text)


def test_sign_in_and_sign_out_end_the_server_session(client: TestClient) -> None:
    sign_in(client, "ent_a")
    assert client.get("/my/demands").status_code == 200
    stolen = dict(client.cookies)
    client.post("/sign-out", data={"csrf_token": csrf_of(client, "/")})
    replay = TestClient(client.app, cookies=stolen)
    response = replay.get("/my/demands", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_sign_in_is_rate_limited(web_world: WebWorld) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"sign_in": Limit(2, 60)}))
    token = csrf_of(client)
    for _ in range(2):
        client.post("/sign-in", data={"csrf_token": token, "username": "x", "password": "y"})
    limited = client.post("/sign-in", data={"csrf_token": token, "username": "x", "password": "y"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


def test_search_is_rate_limited(web_world: WebWorld) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"search": Limit(3, 60)}))
    statuses = [client.get("/search?q=氢").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_password_reset_through_the_outbox(client: TestClient, web_world: WebWorld) -> None:
    outbox = Path(get_settings().data_dir) / "outbox"
    token = csrf_of(client, "/password-reset")
    known = client.post("/password-reset", data={"csrf_token": token, "account": "ent_a"})
    unknown = client.post("/password-reset", data={"csrf_token": token, "account": "nobody"})
    assert known.status_code == unknown.status_code == 200
    assert 'data-testid="reset-sent"' in known.text
    assert 'data-testid="reset-sent"' in unknown.text
    mails = list(outbox.glob("*.eml"))
    assert len(mails) == 1
    link = re.search(r"http://testserver(/password-reset/\S+)", mails[0].read_text())
    assert link
    path = link.group(1)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_of(client, path),
            "password": "a-new-password-1",
            "password2": "a-new-password-1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    sign_in(client, "ent_a", "a-new-password-1")


def test_demand_tiers_on_the_portal(client: TestClient, web_world: WebWorld) -> None:
    public = client.get(f"/demands/{web_world.demand_public}").text
    assert SECRET_PROBLEM in public
    for demand_id in (web_world.demand_members, web_world.demand_nda):
        page = client.get(f"/demands/{demand_id}").text
        assert SECRET_PROBLEM not in page
        assert 'data-testid="demand-locked"' in page
    assert client.get(f"/demands/{web_world.demand_draft}").status_code == 404

    token = sign_in(client, "ent_b")
    assert SECRET_PROBLEM in client.get(f"/demands/{web_world.demand_members}").text
    assert SECRET_PROBLEM not in client.get(f"/demands/{web_world.demand_nda}").text
    client.post(f"/demands/{web_world.demand_nda}/nda", data={"csrf_token": token})
    assert SECRET_PROBLEM in client.get(f"/demands/{web_world.demand_nda}").text

    owner = TestClient(client.app)
    sign_in(owner, "ent_a")
    viewers = owner.get(f"/my/demands/{web_world.demand_nda}").text
    assert "谁查看了详情" in viewers
    assert "尚无人接受保密协议" not in viewers


def test_expert_contacts_never_on_the_portal(client: TestClient, web_world: WebWorld) -> None:
    assert SECRET_PHONE not in client.get(f"/experts/{web_world.expert_a}").text
    sign_in(client, "op_a")
    assert SECRET_PHONE not in client.get(f"/experts/{web_world.expert_a}").text
    assert SECRET_PHONE not in client.get("/experts").text


def test_user_text_is_escaped(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "ent_a")
    payload = "<script>alert(1)</script>"
    response = client.post(
        "/my/demands/new",
        data={
            "csrf_token": token,
            "title": f"测试 {payload}",
            "key_problems": payload,
            "intent": "draft",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_roles_reach_only_their_workspaces(client: TestClient) -> None:
    anonymous = client.get("/operator/dockings", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/sign-in?next=%2Foperator%2Fdockings"
    sign_in(client, "ent_a")
    assert client.get("/operator/dockings").status_code == 403
    assert client.get("/dashboard").status_code == 403
    assert client.get("/expert/invitations").status_code == 403


def test_enterprise_demand_quality_check(client: TestClient) -> None:
    token = sign_in(client, "ent_a")
    vague = client.post(
        "/my/demands/new",
        data={
            "csrf_token": token,
            "title": "提高效率",
            "key_problems": "需要技术支持",
            "budget": "10",
            "intent": "publish",
        },
    )
    assert vague.status_code == 422
    issues = re.search(r'data-testid="quality-issues">(.*?)</div>', vague.text, re.S)
    assert issues
    text = issues.group(1)
    for expected in ("技术指标", "过于笼统", "所属行业", "截止日期"):
        assert expected in text
    assert vague.text.count('class="field-error"') == 4  # the four fields are marked
    english = client.post(
        "/my/demands/new?lang=en",
        data={
            "csrf_token": token,
            "title": "Improve",
            "key_problems": "need technical support",
            "intent": "publish",
        },
    )
    assert "Add target indicators" in english.text


GOOD_DEMAND = {
    "title": "加氢站压缩机密封件寿命提升",
    "key_problems": "现有加氢站隔膜压缩机的金属隔膜和密封件在 45MPa 循环下寿命不足 2000 小时，"
    "已尝试更换材料但氢脆导致早期开裂，需要加氢站压缩机和催化材料方面的专家。",
    "target_indicators": "密封件寿命 ≥ 8000 小时，泄漏率 ≤ 1e-6 Pa·m³/s",
    "industry_codes": "26",
    "keywords": "加氢站, 催化",
    "budget": "80",
    "deadline": "2027-06-30",
    "tier": "public",
}


def test_enterprise_journey_to_a_signed_docking(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "ent_a")
    posted = client.post(
        "/my/demands/new",
        data={"csrf_token": token, "intent": "publish", **GOOD_DEMAND},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    page = client.get(posted.headers["location"]).text
    assert 'data-testid="engine-label"' in page
    assert "张工" in page
    assert "加氢站压缩机专利" in page  # the work behind the recommendation
    demand_path = posted.headers["location"]
    match = re.search(
        r'name="target_kind" value="expert">\s*<input type="hidden" name="target_id" value="(\d+)"',
        page,
    )
    assert match
    requested = client.post(
        f"{demand_path}/dockings",
        data={"csrf_token": token, "target_kind": "expert", "target_id": match.group(1)},
        follow_redirects=False,
    )
    assert requested.status_code == 303
    assert "已推荐" in client.get(demand_path).text

    operator = TestClient(client.app)
    op_token = sign_in(operator, "op_a")
    before = _signed(operator)
    board = operator.get("/operator/dockings").text
    docking_id = int(re.findall(r'data-testid="ticket-(\d+)"', board)[-1])
    for stage in ("contacted", "meeting", "negotiating"):
        moved = operator.post(
            f"/operator/dockings/{docking_id}/move",
            data={"csrf_token": op_token, "to": stage},
            follow_redirects=False,
        )
        assert moved.status_code == 303
    signed = operator.post(
        f"/operator/dockings/{docking_id}/move",
        data={"csrf_token": op_token, "to": "signed", "contract_value": "120"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert _signed(operator) == before + 1
    assert "¥1,200,000.00" in operator.get("/operator/dockings").text
    assert "已签约" in client.get(demand_path).text


def _signed(client: TestClient) -> int:
    match = re.search(r'data-testid="kpi-signed">([\d,]+)<', client.get("/dashboard").text)
    assert match
    return int(match.group(1).replace(",", ""))


def test_illegal_docking_move_is_explained(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "op_a")
    response = client.post(
        f"/operator/dockings/{web_world.docking}/move", data={"csrf_token": token, "to": "signed"}
    )
    assert response.status_code == 409
    assert "已联系" in response.text  # the allowed next stage is named


def test_expert_answers_invitations(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "exp_a")
    page = client.get("/expert/invitations").text
    assert "公开需求：加氢催化剂" in page
    no_reason = client.post(
        f"/expert/invitations/{web_world.docking}", data={"csrf_token": token, "answer": "decline"}
    )
    assert no_reason.status_code == 422
    accepted = client.post(
        f"/expert/invitations/{web_world.docking}",
        data={"csrf_token": token, "answer": "accept"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert "已联系" in client.get("/expert/invitations").text


def test_operator_reviews_and_publishes(client: TestClient, web_world: WebWorld) -> None:
    enterprise = TestClient(client.app)
    token = sign_in(enterprise, "ent_a")
    enterprise.post(
        "/my/demands/new", data={"csrf_token": token, "intent": "publish", **GOOD_DEMAND}
    )
    op_token = sign_in(client, "op_a")
    queue = client.get("/operator/review").text
    demand_id = int(re.search(r'data-testid="review-(\d+)"', queue).group(1))  # type: ignore[union-attr]
    client.post(
        f"/operator/review/{demand_id}", data={"csrf_token": op_token, "decision": "publish"}
    )
    assert GOOD_DEMAND["title"] in TestClient(client.app).get("/demands").text


def test_operator_invites_a_user(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "op_a")
    response = client.post(
        "/operator/users",
        data={
            "csrf_token": token,
            "username": "new_member",
            "display_name": "新用户",
            "email": "new@example.org",
            "organisation_id": str(web_world.enterprise_a),
        },
    )
    assert response.status_code == 200
    assert "new_member" in response.text
    mails = list((Path(get_settings().data_dir) / "outbox").glob("*.eml"))
    assert len(mails) == 1


def _count_queries(client: TestClient, path: str) -> int:
    engine = engine_for(get_settings().database_url)
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize(
    "path", ["/experts", "/demands", "/achievements", "/organisations", "/events"]
)
def test_list_pages_have_a_query_budget(client: TestClient, path: str) -> None:
    client.app.state.page_cache.enabled = False  # count the page's work, not a cache hit
    before = _count_queries(client, path)
    system = Actor.system("test")
    with transaction():
        for number in range(15):
            experts.create(
                system,
                Expert(name=f"专家{number}", works=[Work(kind="paper", title=f"论文{number}")]),
            )
    after = _count_queries(client, path)
    assert 1 <= before <= 12
    assert after == before  # no query per row


def test_dashboard_shows_the_report_figures(client: TestClient, web_world: WebWorld) -> None:
    sign_in(client, "op_a")
    page = client.get("/dashboard").text
    assert re.search(r'data-key="enterprises">1<', page)  # one enterprise in region A
    assert re.search(r'data-key="trainees">40<', page)  # the training's 40 trainees
    assert 'id="dashboard-data"' in page
    english = client.get("/dashboard?lang=en").text
    assert "Enterprises on the platform" in english


def test_expert_sets_capacity_and_adds_a_work(client: TestClient, web_world: WebWorld) -> None:
    token = sign_in(client, "exp_a")
    assert "加氢站压缩机专利" in client.get("/expert/profile").text
    assert (
        client.post(
            "/expert/profile/capacity", data={"csrf_token": token, "capacity": "7"}
        ).status_code
        == 200
    )
    assert 'value="7"' in client.get("/expert/profile").text
    bad = client.post("/expert/profile/capacity", data={"csrf_token": token, "capacity": "500"})
    assert bad.status_code == 422
    added = client.post(
        "/expert/profile/works",
        data={
            "csrf_token": token,
            "kind": "paper",
            "title": "掺氢天然气管道的氢脆评估",
            "year": "2024",
            "keywords": "掺氢, 氢脆",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "掺氢天然气管道的氢脆评估" in client.get(f"/experts/{web_world.expert_a}").text
    empty = client.post(
        "/expert/profile/works", data={"csrf_token": token, "kind": "paper", "title": ""}
    )
    assert empty.status_code == 422


def test_visits_counted_once_per_visitor_per_day_without_bots(
    client: TestClient, web_world: WebWorld
) -> None:
    path = f"/experts/{web_world.expert_a}"
    client.get(path)
    client.get(path)  # the same visitor again: not counted twice
    TestClient(client.app, headers={"user-agent": "Mozilla/5.0 (X11) Firefox/140"}).get(path)
    TestClient(client.app, headers={"user-agent": "Baiduspider/2.0"}).get(path)
    operator = TestClient(client.app)
    sign_in(operator, "op_a")
    page = operator.get("/dashboard").text
    match = re.search(r'data-testid="kpi-visits">(\d+)<', page)
    assert match
    assert int(match.group(1)) == 2  # two browsers; the crawler is not counted
    assert "testclient" not in page


def test_visitor_hash_is_salted_and_daily() -> None:
    day = dt.date(2024, 8, 27)
    first = visitor_hash("secret-a", day, "10.0.0.1", "Firefox")
    assert first != visitor_hash("secret-b", day, "10.0.0.1", "Firefox")
    assert first != visitor_hash("secret-a", day + dt.timedelta(days=1), "10.0.0.1", "Firefox")
    assert "10.0.0.1" not in first
    assert len(first) == 32
    assert is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)")
    assert is_bot("")
    assert not is_bot("Mozilla/5.0 (Windows NT 10.0) Chrome/140 Safari/537.36")
