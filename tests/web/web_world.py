"""A small world for the web and API tests, built through the services, with a signed-in
account per role (username = role name, one shared password) and a running app."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.domain import (
    Achievement,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Docking,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    ExpertContact,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    User,
    Work,
)
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    organisations,
    regions,
    transaction,
    users,
)

PASSWORD = "correct horse battery staple"
SECRET_PROBLEM = "绝密：催化剂失活机理"
SECRET_PHONE = "13912345678"


@dataclass
class WebWorld:
    """Ids of the world's records; accounts are named admin, op_a, op_b, ent_a, ent_b, exp_a."""

    region_a: int
    region_b: int
    enterprise_a: int
    enterprise_b: int
    expert_a: int
    achievement: int
    demand_public: int
    demand_members: int
    demand_nda: int
    demand_draft: int
    docking: int
    event: int


def _id(value: int | None) -> int:
    assert value is not None
    return value


def build_world() -> WebWorld:
    """Create the world through the services as the system actor."""
    system = Actor.system("test")
    with transaction():
        region_a = _id(
            regions.create(system, Region(name="兰州新区", name_en="Lanzhou New Area")).id
        )
        region_b = _id(regions.create(system, Region(name="另一试点")).id)

        def organisation(
            region: int | None, kind: OrganisationKind, name: str, **extra: object
        ) -> int:
            return _id(
                organisations.create(
                    system, Organisation(kind=kind, name=name, region_id=region, **extra)
                ).id
            )

        enterprise_a = organisation(
            region_a, OrganisationKind.ENTERPRISE, "甲化工（演示）", industry_codes=["2614"]
        )
        enterprise_b = organisation(region_b, OrganisationKind.ENTERPRISE, "乙材料（演示）")
        organisation(
            None, OrganisationKind.NATIONAL_SOCIETY, "中国化工学会", keywords=["催化", "化工"]
        )
        organisation(
            region_a,
            OrganisationKind.LABORATORY,
            "氢能重点实验室（演示）",
            lab_level="provincial",
            keywords=["加氢", "氢能"],
        )
        expert_a = _id(
            experts.create(
                system,
                Expert(
                    name="张工",
                    title="教授",
                    affiliation="兰州大学",
                    region_id=region_a,
                    keywords=["加氢", "催化"],
                    industry_codes=["2614"],
                    contact=ExpertContact(phone=SECRET_PHONE, email="zhang@example.org"),
                    works=[Work(kind="patent", title="加氢站压缩机专利", keywords=["加氢站"])],
                ),
            ).id
        )
        achievement = _id(
            achievements.create(
                system,
                Achievement(
                    title="天然气掺氢技术",
                    owner_name="清华大学",
                    region_id=region_a,
                    trl=6,
                    keywords=["掺氢"],
                ),
            ).id
        )

        def demand(tier: ConfidentialityTier, status: DemandStatus, title: str) -> int:
            return _id(
                demands.create(
                    system,
                    Demand(
                        region_id=region_a,
                        enterprise_id=enterprise_a,
                        title=title,
                        key_problems=f"{SECRET_PROBLEM}（{title}）",
                        target_indicators="转化率 ≥ 95%",
                        industry_codes=["2614"],
                        keywords=["催化", "加氢"],
                        tier=tier,
                        status=status,
                    ),
                ).id
            )

        demand_public = demand(
            ConfidentialityTier.PUBLIC, DemandStatus.PUBLISHED, "公开需求：加氢催化剂"
        )
        demand_members = demand(ConfidentialityTier.MEMBERS, DemandStatus.PUBLISHED, "会员需求")
        demand_nda = demand(ConfidentialityTier.NDA, DemandStatus.PUBLISHED, "保密需求")
        demand_draft = demand(ConfidentialityTier.PUBLIC, DemandStatus.DRAFT, "草稿需求")
        docking = _id(
            dockings.create(
                system,
                Docking(
                    region_id=region_a,
                    demand_id=demand_public,
                    target_kind=DockingTargetKind.EXPERT,
                    target_id=expert_a,
                ),
            ).id
        )
        event = _id(
            events.create(
                system,
                Event(
                    region_id=region_a,
                    kind=EventKind.TRAINING,
                    title="氢能技术培训",
                    starts_on=dt.date(2024, 8, 27),
                    trainee_count=40,
                ),
            ).id
        )

        def account(username: str, role: Role, **bindings: int | None) -> None:
            users.create(
                system,
                User(username=username, role=role, email=f"{username}@example.org", **bindings),
                PASSWORD,
            )

        account("admin", Role.NATIONAL_ADMIN)
        account("op_a", Role.REGION_OPERATOR, region_id=region_a)
        account("op_b", Role.REGION_OPERATOR, region_id=region_b)
        account("ent_a", Role.ENTERPRISE_MEMBER, region_id=region_a, organisation_id=enterprise_a)
        account("ent_b", Role.ENTERPRISE_MEMBER, region_id=region_b, organisation_id=enterprise_b)
        account("exp_a", Role.EXPERT, region_id=region_a, expert_id=expert_a)
    return WebWorld(
        region_a,
        region_b,
        enterprise_a,
        enterprise_b,
        expert_a,
        achievement,
        demand_public,
        demand_members,
        demand_nda,
        demand_draft,
        docking,
        event,
    )


@pytest.fixture
def web_world(database_url: str) -> WebWorld:
    """The world in a fresh database."""
    return build_world()


@pytest.fixture
def app(web_world: WebWorld):  # type: ignore[no-untyped-def]
    """The app on the test database, without rate limits unless a test installs them."""
    return create_app(get_settings(), rate_limits={})


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    """An anonymous browser."""
    return TestClient(app)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/sign-in") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; return the new session's CSRF token."""
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(client), "username": username, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return csrf_of(client, "/")


def api_token(client: TestClient, username: str) -> dict[str, str]:
    """A Bearer header for ``username`` (through POST /api/v1/tokens)."""
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def api_routes(app: object) -> list[tuple[str, set[str], bool]]:
    """Every endpoint of the app as (path, methods, include_in_schema), through included routers
    (FastAPI keeps included routers nested)."""
    from fastapi.routing import APIRoute  # noqa: PLC0415

    found: list[tuple[str, set[str], bool]] = []

    def walk(routes: list[object], prefix: str, in_schema: bool) -> None:
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                context = route.include_context  # type: ignore[attr-defined]
                walk(
                    original.routes,
                    prefix + (context.prefix or ""),
                    in_schema and bool(context.include_in_schema),
                )
            elif isinstance(route, APIRoute):
                found.append(
                    (prefix + route.path, set(route.methods), in_schema and route.include_in_schema)
                )

    walk(app.routes, "", True)  # type: ignore[attr-defined]
    return found
