"""Search leaks nothing: canary words planted in every confidential field (members and NDA tier
demand details, drafts and demands under review, expert contact data, draft and archived
records, an honour list under review and nomination reasons) never come back through the search
page, the search API, snippets, facet counts or autocomplete — for the public, a member of
another enterprise, an expert or the operator of another region — and planting them changes no
total and no facet count: the answers are byte-for-byte those of the world without them, and a
canary query answers exactly like a word that was never stored (no existence oracle).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
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
    Event,
    EventKind,
    Expert,
    ExpertContact,
    HonourList,
    HonourListKind,
    Organisation,
    OrganisationKind,
    Work,
)
from kechuang.domain.honour import Nomination, NomineeKind
from kechuang.services import (
    achievements,
    demands,
    events,
    experts,
    honours,
    organisations,
    transaction,
)

# One canary per confidential field; each also carries the shared words 催化 / catalyst, so a
# leak into the index would change the answers to ordinary queries too.
CANARIES: dict[str, str] = {
    "nda_background": "qzvndabg",
    "nda_problems": "qzvndakp",
    "nda_indicators": "qzvndati",
    "nda_keywords": "qzvndakw",
    "nda_contact": "qzvndacontact",
    "members_problems": "qzvmemkp",
    "draft_title": "qzvdrafttitle",
    "pending_title": "qzvpendtitle",
    "archived_demand": "qzvarchdemand",
    "contact_phone": "13987650042",
    "contact_email": "qzvmail",
    "contact_wechat": "qzvwechat",
    "contact_address": "qzvaddress",
    "draft_achievement": "qzvdraftach",
    "archived_achievement": "qzvarchach",
    "archived_expert": "qzvarchexpert",
    "archived_expert_work": "qzvarchwork",
    "archived_organisation": "qzvarchorg",
    "archived_event": "qzvarchevent",
    "reviewing_list": "qzvreviewlist",
    "nomination_reason": "qzvnomreason",
}
SHARED = "催化 catalyst"
QUERIES = ["催化", "catalyst", "催", "加氢 催化"]
OUTSIDERS = ["anonymous", "ent_a", "exp_a", "op_a"]


def _plant(world: WebWorld) -> None:
    """Create the confidential records, all in region B, through the services."""
    system = Actor.system("test")
    c = CANARIES
    with transaction():

        def demand(tier: ConfidentialityTier, status: DemandStatus, title: str, **text: Any) -> int:
            created = demands.create(
                system,
                Demand(
                    region_id=world.region_b,
                    enterprise_id=world.enterprise_b,
                    title=title,
                    industry_codes=["2614"],
                    tier=tier,
                    status=status,
                    **text,
                ),
            )
            assert created.id is not None
            return created.id

        # Published teasers are public: their titles carry no canary and no shared word.
        demand(
            ConfidentialityTier.NDA,
            DemandStatus.PUBLISHED,
            "保密需求：某反应工艺",
            background=f"{c['nda_background']} {SHARED}",
            key_problems=f"{c['nda_problems']} {SHARED}",
            target_indicators=f"{c['nda_indicators']} {SHARED}",
            keywords=[c["nda_keywords"], "催化"],
            contact_name=c["nda_contact"],
        )
        demand(
            ConfidentialityTier.MEMBERS,
            DemandStatus.PUBLISHED,
            "会员需求：某工艺",
            key_problems=f"{c['members_problems']} {SHARED}",
        )
        demand(ConfidentialityTier.PUBLIC, DemandStatus.DRAFT, f"{c['draft_title']} {SHARED}")
        demand(
            ConfidentialityTier.PUBLIC,
            DemandStatus.PENDING_REVIEW,
            f"{c['pending_title']} {SHARED}",
        )
        archived_demand = demand(
            ConfidentialityTier.PUBLIC, DemandStatus.PUBLISHED, f"{c['archived_demand']} {SHARED}"
        )
        demands.archive(system, archived_demand)
        experts.create(
            system,
            Expert(
                name="钱工",
                region_id=world.region_b,
                contact=ExpertContact(
                    phone=c["contact_phone"],
                    email=f"{c['contact_email']}@example.org",
                    wechat=c["contact_wechat"],
                    address=f"{c['contact_address']} 兰州",
                ),
            ),
        )
        achievements.create(
            system,
            Achievement(
                title=f"{c['draft_achievement']} {SHARED}",
                owner_name="某大学",
                region_id=world.region_b,
                trl=4,
                status=AchievementStatus.DRAFT,
            ),
        )
        archived_achievement = achievements.create(
            system,
            Achievement(
                title=f"{c['archived_achievement']} {SHARED}",
                owner_name="某大学",
                region_id=world.region_b,
                trl=4,
            ),
        ).id
        assert archived_achievement is not None
        achievements.archive(system, archived_achievement)
        archived_expert = experts.create(
            system,
            Expert(
                name=f"{c['archived_expert']}",
                region_id=world.region_b,
                keywords=["催化"],
                works=[Work(kind="paper", title=f"{c['archived_expert_work']} {SHARED}")],
            ),
        ).id
        assert archived_expert is not None
        experts.archive(system, archived_expert)
        archived_org = organisations.create(
            system,
            Organisation(
                kind=OrganisationKind.PROVINCIAL_SOCIETY,
                name=f"{c['archived_organisation']} 学会",
                region_id=world.region_b,
                description=SHARED,
            ),
        ).id
        assert archived_org is not None
        organisations.archive(system, archived_org)
        archived_event = events.create(
            system,
            Event(
                region_id=world.region_b,
                kind=EventKind.TRAINING,
                title=f"{c['archived_event']} {SHARED}",
                starts_on=dt.date(2025, 5, 1),
            ),
        ).id
        assert archived_event is not None
        events.archive(system, archived_event)
        reviewing = honours.create(
            system,
            HonourList(
                kind=HonourListKind.PIONEERING_TECHNOLOGIES,
                year=2025,
                title=f"{c['reviewing_list']} {SHARED}",
                region_id=world.region_b,
            ),
        ).id
        assert reviewing is not None
        honours.update(system, reviewing, {"status": "reviewing"})
        nominating = honours.create(
            system,
            HonourList(
                kind=HonourListKind.EMERGING_ENTERPRISES,
                year=2025,
                title="新锐企业榜（提名中）",
                region_id=world.region_b,
            ),
        ).id
        assert nominating is not None
        honours.nominate(
            system,
            nominating,
            Nomination(
                nominee_kind=NomineeKind.PERSON,
                nominee_name="某人",
                reason=f"{c['nomination_reason']} {SHARED}",
            ),
        )


def _client(who: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(create_app(get_settings(), rate_limits={}))
    if who == "anonymous":
        return client, {}
    headers = api_token(client, who)
    sign_in(client, who)
    return client, headers


def _results_html(page: str) -> str:
    """The results part of the search page (the rest carries the user's name and CSRF token)."""
    return page[page.index('id="search-results"') :].split("</main>", maxsplit=1)[0]


def _without_scores(answer: Any) -> Any:
    """BM25 scores move with the public corpus (the new public teasers change term statistics);
    everything else — hits, order, snippets, totals, facet counts — must not move."""
    if isinstance(answer, dict) and "hits" in answer:
        return {**answer, "hits": [{**hit, "score": None} for hit in answer["hits"]]}
    return answer


def _answers(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Every search answer for the ordinary queries: API JSON, page results, suggestions."""
    answers: dict[str, Any] = {}
    for q in QUERIES:
        answers[f"api:{q}"] = client.get("/api/v1/search", params={"q": q}, headers=headers).json()
        answers[f"page:{q}"] = _results_html(client.get("/search", params={"q": q}).text)
        for kind in ("demand", "expert", "achievement", "organisation", "event", "honour_list"):
            answers[f"api:{q}:{kind}"] = client.get(
                "/api/v1/search", params={"q": q, "kind": kind}, headers=headers
            ).json()
    for prefix in ("催", "q", "qz", "qzv", "catal", "1398"):
        answers[f"suggest:{prefix}"] = client.get(
            "/api/v1/suggest", params={"q": prefix}, headers=headers
        ).json()
        answers[f"dropdown:{prefix}"] = client.get("/search/suggest", params={"q": prefix}).text
    answers["browse:region_b"] = client.get(
        "/api/v1/search", params={"region": "2", "per_page": 50}, headers=headers
    ).json()
    return answers


@pytest.mark.parametrize("who", OUTSIDERS)
def test_planting_secrets_changes_no_search_answer(web_world: WebWorld, who: str) -> None:
    """Totals, facet counts, hits, snippets and suggestions are those of the world without the
    secrets — so no count, no snippet and no suggestion can carry one."""
    client, headers = _client(who)
    before = _answers(client, headers)
    assert before["api:催化"]["total"] >= 3  # the ordinary queries really find things
    _plant(web_world)
    after = _answers(client, headers)
    for key in before:
        if key.startswith("browse:"):
            continue  # the planted public parts (teasers, an expert's name) are browsable
        assert _without_scores(after[key]) == _without_scores(before[key]), key


@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_canary_comes_back_from_search_or_suggest(web_world: WebWorld, who: str) -> None:
    _plant(web_world)
    client, headers = _client(who)
    absent = "qzvneverstored"
    absent_answer = client.get("/api/v1/search", params={"q": absent}, headers=headers).json()
    absent_page = _results_html(client.get("/search", params={"q": absent}).text)
    for field, canary in CANARIES.items():
        answer = client.get("/api/v1/search", params={"q": canary}, headers=headers).json()
        assert answer["total"] == 0, field
        assert answer["hits"] == [], field
        # No existence oracle: the canary answers exactly like a word never stored.
        echo = {**answer, "query": absent, "tokens": absent_answer["tokens"]}
        assert echo == absent_answer, field
        page = _results_html(client.get("/search", params={"q": canary}).text)
        assert page.replace(canary, absent) == absent_page, field
        for prefix in (canary[:5], canary[:8], canary):
            suggestions = client.get("/api/v1/suggest", params={"q": prefix}, headers=headers)
            assert canary not in suggestions.text, (field, prefix)
            dropdown = client.get("/search/suggest", params={"q": prefix}).text
            assert canary not in dropdown, (field, prefix)
    # Ordinary queries and browsing by facet show no canary anywhere in the answer.
    everything = _answers(client, headers)
    text = str(everything).lower()
    leaked = [field for field, canary in CANARIES.items() if canary in text]
    assert leaked == []


def test_a_canary_is_found_once_its_record_is_public(web_world: WebWorld) -> None:
    """The control: publishing the draft achievement makes its canary searchable, so the tests
    above withhold the secrets rather than miss words of their form."""
    _plant(web_world)
    client, headers = _client("anonymous")
    canary = CANARIES["draft_achievement"]
    assert client.get("/api/v1/search", params={"q": canary}).json()["total"] == 0
    with transaction():
        draft = achievements.list(Actor.system("test"), q=canary).items[0]
        assert draft.id is not None
        achievements.update(Actor.system("test"), draft.id, {"status": "published"})
    found = client.get("/api/v1/search", params={"q": canary}, headers=headers).json()
    assert [(hit["kind"], hit["id"]) for hit in found["hits"]] == [("achievement", draft.id)]
    assert canary in client.get("/api/v1/suggest", params={"q": canary[:6]}).text
