"""Secrets never leak: a unique canary string is planted in every secret field (NDA and members
tier demand details, drafts and demands under review, expert contact data, draft achievements,
volunteers, other users' e-mail addresses), then every GET route of the app — pages, REST API,
search with facets and highlighted snippets, the owner's recommendation evidence, Excel exports,
error pages for hidden and absent ids — is requested by every outsider (the public, a member of
another enterprise in another region, an expert, the operator of another region) with every id
filled in, and each response body is grepped for the canaries it must not contain.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from routes import routes_of
from web_world import WebWorld, api_token, sign_in

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Expert,
    ExpertContact,
    Role,
    User,
    Volunteer,
)
from kechuang.exchange.bindings import BINDINGS
from kechuang.services import achievements, demands, experts, transaction, users, volunteers

# Canaries: unique, searchable, and each in exactly one secret field.
NDA = {
    "background": "CANARYNDABG 保密背景",
    "key_problems": "CANARYNDAKP 保密难题",
    "target_indicators": "CANARYNDATI 保密指标",
}
MEMBERS = {"key_problems": "CANARYMEMKP 会员难题"}
DRAFT_TITLE = "CANARYDRAFTTITLE 草稿需求"
PENDING_TITLE = "CANARYPENDTITLE 待审需求"
CONTACT = ExpertContact(
    phone="13987650001",
    email="canary-contact@example.org",
    wechat="CANARYWECHAT",
    address="CANARYADDRESS 兰州",
)
DRAFT_ACHIEVEMENT = "CANARYACHDRAFT 未发布成果"
VOLUNTEER = "CANARYVOLUNTEER"
USER_EMAIL = "canary-user-mail@example.org"
ALWAYS_SECRET = [
    *NDA.values(),
    DRAFT_TITLE,
    PENDING_TITLE,
    CONTACT.phone,
    CONTACT.email,
    CONTACT.wechat,
    CONTACT.address,
    DRAFT_ACHIEVEMENT,
    VOLUNTEER,
    USER_EMAIL,
]
PUBLIC_ONLY_SECRET = list(MEMBERS.values())  # readable by any signed-in user, not the public


@dataclass
class Secrets:
    """Ids of the planted records (all in region B, owned by enterprise B)."""

    nda: int
    members: int
    draft: int
    pending: int
    expert: int
    achievement: int


def _plant(world: WebWorld) -> Secrets:
    system = Actor.system("test")
    with transaction():

        def demand(tier: ConfidentialityTier, status: DemandStatus, title: str, **text: str) -> int:
            created = demands.create(
                system,
                Demand(
                    region_id=world.region_b,
                    enterprise_id=world.enterprise_b,
                    title=title,
                    keywords=["催化"],
                    industry_codes=["2614"],
                    tier=tier,
                    status=status,
                    **text,
                ),
            )
            assert created.id is not None
            return created.id

        nda = demand(ConfidentialityTier.NDA, DemandStatus.PUBLISHED, "保密需求：催化剂", **NDA)
        members = demand(
            ConfidentialityTier.MEMBERS, DemandStatus.PUBLISHED, "会员需求：催化", **MEMBERS
        )
        draft = demand(ConfidentialityTier.PUBLIC, DemandStatus.DRAFT, DRAFT_TITLE, **NDA)
        pending = demand(ConfidentialityTier.PUBLIC, DemandStatus.PENDING_REVIEW, PENDING_TITLE)
        expert = experts.create(
            system,
            Expert(
                name="赵工",
                affiliation="另一大学",
                region_id=world.region_b,
                keywords=["加氢", "催化"],
                industry_codes=["2614"],
                contact=CONTACT,
            ),
        ).id
        achievement = achievements.create(
            system,
            Achievement(
                title=DRAFT_ACHIEVEMENT,
                owner_name="另一大学",
                region_id=world.region_b,
                trl=4,
                keywords=["催化"],
                status=AchievementStatus.DRAFT,
            ),
        ).id
        volunteers.create(system, Volunteer(name=VOLUNTEER, region_id=world.region_b))
        users.create(
            system,
            User(
                username="canary_user",
                email=USER_EMAIL,
                role=Role.ENTERPRISE_MEMBER,
                region_id=world.region_b,
                organisation_id=world.enterprise_b,
            ),
            "correct horse battery staple",
        )
    assert expert is not None
    assert achievement is not None
    return Secrets(nda, members, draft, pending, expert, achievement)


def _paths(world: WebWorld, secrets: Secrets, app: object) -> list[str]:
    ids = {
        "demand_id": [
            world.demand_public,
            world.demand_nda,
            secrets.nda,
            secrets.members,
            secrets.draft,
            secrets.pending,
            99999,
        ],
        "achievement_id": [world.achievement, secrets.achievement, 99999],
        "expert_id": [world.expert_a, secrets.expert, 99999],
        "organisation_id": [world.enterprise_a, world.enterprise_b, 99999],
        "event_id": [world.event, 99999],
        "honour_list_id": [1, 99999],
        "docking_id": [world.docking, 99999],
        "region_id": [world.region_a, world.region_b],
        "kind": sorted(BINDINGS),
        "secret": ["x" * 43],
        "token_id": [1],
    }
    paths: list[str] = []
    for method, path in routes_of(app):
        if method != "GET" or path.startswith(("/static", "/api/v1/docs")):
            continue
        names = re.findall(r"{(\w+)}", path)
        expanded = [path]
        for name in names:
            values = ids.get(
                name, [1, 2, 99999]
            )  # a new kind of id: the first few and an absent one
            expanded = [p.replace(f"{{{name}}}", str(v)) for p in expanded for v in values]
        paths.extend(expanded)
    # No query equals a whole canary: pages echo the query back.
    for q in ("CANARY", "催化", "1398765", "canary-contact"):
        paths += [f"/search?q={q}", f"/api/v1/demands?q={q}", f"/api/v1/experts?q={q}"]
        paths += [f"/demands?q={q}", f"/experts?q={q}", f"/achievements?q={q}"]
    for kind in ("demand", "expert", "achievement", "organisation"):
        paths.append(f"/search?q=催化&kind={kind}&region={world.region_b}")
    paths += [f"{p}?lang=en" for p in ("/demands", "/experts", "/achievements", "/")]
    paths += [f"/api/v1/demands?region_id={world.region_b}", "/api/v1/demands?limit=200"]
    return paths


def _body(response: object) -> str:
    content: bytes = response.content  # type: ignore[attr-defined]
    if content[:2] == b"PK":  # an .xlsx export: grep every part of the workbook
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return "\n".join(
                workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()
            )
    return content.decode("utf-8", "replace")


OUTSIDERS = ["anonymous", "ent_a", "exp_a", "op_a"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_secret_reaches_an_outsider(web_world: WebWorld, who: str) -> None:
    secrets = _plant(web_world)
    app = create_app(get_settings(), rate_limits={})
    client = TestClient(app)
    headers: dict[str, str] = {}
    if who != "anonymous":
        headers = api_token(client, who)
        sign_in(client, who)
    forbidden = ALWAYS_SECRET + (PUBLIC_ONLY_SECRET if who == "anonymous" else [])
    leaks: list[tuple[str, int, str]] = []
    requested = 0
    statuses: dict[int, int] = {}
    for path in _paths(web_world, secrets, app):
        response = client.get(path, headers=headers if path.startswith("/api/") else {})
        requested += 1
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (path, response.text[:500])
        body = _body(response)
        leaks += [(path, response.status_code, c) for c in forbidden if c.lower() in body.lower()]
    assert leaks == []
    assert requested > 150
    assert statuses.get(200, 0) > 50  # the crawl really read pages, not only refusals


def test_the_crawl_finds_the_canaries_where_they_are_allowed(web_world: WebWorld) -> None:
    """The control: the same crawl as the owner's region operator sees every canary, so a
    passing leak test means the secrets are withheld, not that the crawl misses them."""
    secrets = _plant(web_world)
    app = create_app(get_settings(), rate_limits={})
    client = TestClient(app)
    headers = api_token(client, "op_b")
    sign_in(client, "op_b")
    seen = ""
    for path in _paths(web_world, secrets, app):
        response = client.get(path, headers=headers if path.startswith("/api/") else {})
        seen += _body(response)
    found = {c for c in ALWAYS_SECRET + PUBLIC_ONLY_SECRET if c.lower() in seen.lower()}
    # Volunteers and other users' mail have no page of their own yet; every other canary shows.
    assert found >= set(ALWAYS_SECRET + PUBLIC_ONLY_SECRET) - {VOLUNTEER, USER_EMAIL}, found


def test_hidden_and_absent_records_answer_alike(web_world: WebWorld) -> None:
    """No 'exists' oracle: another region's draft answers exactly like an id that never existed."""
    secrets = _plant(web_world)
    client = TestClient(create_app(get_settings(), rate_limits={}))
    headers = api_token(client, "ent_a")
    for hidden, path in [
        (secrets.draft, "/api/v1/demands/{}"),
        (secrets.pending, "/api/v1/demands/{}"),
        (secrets.achievement, "/api/v1/achievements/{}"),
    ]:
        present = client.get(path.format(hidden), headers=headers)
        absent = client.get(path.format(99999), headers=headers)
        assert present.status_code == absent.status_code == 404
        assert present.text.replace(str(hidden), "N") == absent.text.replace("99999", "N")
