"""The REST twins of the event and honour-list pages, per role, on a real database: operators
plan, invite the matched parties, record attendance and dockings; honour lists go through two
conflict-free review rounds to publication; refusals are bilingual and change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_world import WebWorld, api_token

from kechuang.domain import Actor, Expert
from kechuang.services import events, experts, honours, transaction

SYSTEM = Actor.system("test")


def test_event_api_plan_invite_attend_link(client: TestClient, web_world: WebWorld) -> None:
    operator = api_token(client, "op_a")
    anonymous_refused = client.post(
        "/api/v1/events",
        json={
            "region_id": web_world.region_a,
            "kind": "forum",
            "title": "论坛",
            "starts_on": "2030-01-01",
        },
    )
    assert anonymous_refused.status_code in (401, 403)
    backwards = client.post(
        "/api/v1/events",
        headers=operator,
        json={
            "kind": "forum",
            "title": "论坛",
            "starts_on": "2030-01-02",
            "ends_on": "2030-01-01",
        },
    )
    assert backwards.status_code == 422
    assert "结束日期早于开始日期" in backwards.text
    assert "the end date is before the start date" in backwards.text
    unknown_industry = client.post(
        "/api/v1/events",
        headers=operator,
        json={
            "kind": "forum",
            "title": "论坛",
            "starts_on": "2030-01-02",
            "industry_codes": ["ZZ99"],
        },
    )
    assert unknown_industry.status_code == 422
    with transaction():
        assert events.list(SYSTEM, region_id=web_world.region_a).total == 1

    created = client.post(
        "/api/v1/events",
        headers=operator,
        json={
            "kind": "docking_event",
            "title": "加氢催化技术对接会",
            "starts_on": "2030-05-20",
            "description": "加氢站与催化剂",
            "industry_codes": ["26"],
        },
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["region_id"] == web_world.region_a
    event_id = event["id"]

    proposed = client.get(f"/api/v1/events/{event_id}/proposals?k=5", headers=operator)
    assert proposed.status_code == 200
    parties = proposed.json()
    assert {"participant_kind": "expert", "participant_id": web_world.expert_a}.items() <= next(
        p for p in parties if p["participant_id"] == web_world.expert_a
    ).items()
    assert all(p["score"] > 0 for p in parties)
    assert client.get(f"/api/v1/events/{event_id}/proposals").status_code in (401, 403)

    invited = client.post(
        f"/api/v1/events/{event_id}/invitations",
        headers=operator,
        json={"parties": [{"participant_kind": "expert", "participant_id": web_world.expert_a}]},
    )
    assert invited.status_code == 200
    assert invited.json()["participants"][0]["invited"] is True
    attended = client.post(
        f"/api/v1/events/{event_id}/attendance",
        headers=operator,
        json={
            "attended": [{"participant_kind": "expert", "participant_id": web_world.expert_a}],
            "trainee_count": 12,
        },
    )
    assert attended.status_code == 200
    assert attended.json()["participants"][0]["attended"] is True
    assert attended.json()["trainee_count"] == 12
    linked = client.post(
        f"/api/v1/events/{event_id}/dockings",
        headers=operator,
        json={"docking_id": web_world.docking},
    )
    assert linked.status_code == 200
    assert linked.json()["docking_ids"] == [web_world.docking]
    changed = client.patch(
        f"/api/v1/events/{event_id}", headers=operator, json={"location": "兰州新区"}
    )
    assert changed.json()["location"] == "兰州新区"

    other = api_token(client, "op_b")
    refused = client.post(
        f"/api/v1/events/{event_id}/attendance", headers=other, json={"trainee_count": 1}
    )
    assert refused.status_code in (403, 404)
    assert "message_zh" in refused.text or "zh" in refused.text
    with transaction():
        assert events.get(SYSTEM, event_id).trainee_count == 12
    archived = client.post(f"/api/v1/events/{event_id}/archive", headers=operator)
    assert archived.json()["archived"] is True


def test_honour_api_two_rounds_to_publication(client: TestClient, web_world: WebWorld) -> None:
    with transaction():
        colleague = experts.create(
            SYSTEM,
            Expert(
                name="王工",
                affiliation_id=web_world.enterprise_a,
                region_id=web_world.region_a,
                keywords=["加氢", "催化"],
            ),
        ).id
    operator = api_token(client, "op_a")
    created = client.post(
        "/api/v1/honours",
        headers=operator,
        json={"kind": "emerging_enterprises", "year": 2030, "title": "2030 新锐企业榜"},
    )
    assert created.status_code == 201, created.text
    list_id = created.json()["id"]
    assert created.json()["region_id"] == web_world.region_a

    member = api_token(client, "ent_a")
    nominated = client.post(
        f"/api/v1/honours/{list_id}/nominations",
        headers=member,
        json={
            "nominee_kind": "organisation",
            "nominee_id": web_world.enterprise_a,
            "nominee_name": "甲化工（演示）",
            "reason": "加氢催化剂国产化",
        },
    )
    assert nominated.status_code == 201, nominated.text
    second = client.post(
        f"/api/v1/honours/{list_id}/nominations",
        headers=operator,
        json={"nominee_kind": "person", "nominee_name": "李四", "reason": "氢能装备"},
    )
    # The member sees only their own nomination; the operator sees both.
    assert [n["nominee_name"] for n in nominated.json()["nominations"]] == ["甲化工（演示）"]
    nomination_ids = [n["id"] for n in second.json()["nominations"]]

    proposal = client.get(f"/api/v1/honours/{list_id}/reviewer-proposals", headers=operator)
    assert proposal.status_code == 200
    body = proposal.json()
    assert web_world.expert_a in [c["expert_id"] for c in body["candidates"]]
    excluded = {c["expert_id"]: c["conflicts"] for c in body["excluded"]}
    assert colleague in excluded
    assert any("same organisation" in reason for reason in excluded[colleague])
    assert client.get(
        f"/api/v1/honours/{list_id}/reviewer-proposals", headers=member
    ).status_code in (403, 404)

    conflicted = client.post(
        f"/api/v1/honours/{list_id}/rounds",
        headers=operator,
        json={"number": 1, "reviewer_expert_ids": [colleague]},
    )
    assert conflicted.status_code == 422
    assert "conflict of interest" in conflicted.text
    opened = client.post(
        f"/api/v1/honours/{list_id}/rounds",
        headers=operator,
        json={"number": 1, "reviewer_expert_ids": [web_world.expert_a]},
    )
    assert opened.status_code == 201
    assert opened.json()["status"] == "reviewing"

    reviewer = api_token(client, "exp_a")
    assignments = client.get("/api/v1/me/reviews", headers=reviewer).json()
    assert [a["id"] for a in assignments] == [list_id]
    for nomination_id, value in zip(nomination_ids, (92, 61), strict=True):
        scored = client.post(
            f"/api/v1/honours/{list_id}/rounds/1/scores",
            headers=reviewer,
            json={"nomination_id": nomination_id, "score": value},
        )
        assert scored.status_code == 200, scored.text
    assert client.post(
        f"/api/v1/honours/{list_id}/rounds/1/scores",
        headers=member,
        json={"nomination_id": nomination_ids[0], "score": 100},
    ).status_code in (403, 404)
    early_second = client.post(
        f"/api/v1/honours/{list_id}/rounds",
        headers=operator,
        json={"number": 2, "reviewer_expert_ids": [web_world.expert_a]},
    )
    assert early_second.status_code == 409
    closed = client.post(f"/api/v1/honours/{list_id}/rounds/1/close", headers=operator)
    assert closed.status_code == 200
    results = client.get(f"/api/v1/honours/{list_id}/rounds/1/results", headers=operator).json()
    assert [(r["nomination_id"], r["mean"]) for r in results] == [
        (nomination_ids[0], 92.0),
        (nomination_ids[1], 61.0),
    ]
    shortlist = client.post(
        f"/api/v1/honours/{list_id}/rounds",
        headers=operator,
        json={
            "number": 2,
            "reviewer_expert_ids": [web_world.expert_a],
            "nomination_ids": [nomination_ids[0]],
        },
    )
    assert shortlist.status_code == 201
    outside = client.post(
        f"/api/v1/honours/{list_id}/rounds/2/scores",
        headers=reviewer,
        json={"nomination_id": nomination_ids[1], "score": 99},
    )
    assert outside.status_code == 404  # not on the shortlist
    client.post(
        f"/api/v1/honours/{list_id}/rounds/2/scores",
        headers=reviewer,
        json={"nomination_id": nomination_ids[0], "score": 95},
    )
    client.post(f"/api/v1/honours/{list_id}/rounds/2/close", headers=operator)
    duplicate = client.post(
        f"/api/v1/honours/{list_id}/publish",
        headers=operator,
        json={
            "entries": [
                {"nomination_id": nomination_ids[0], "rank": 1},
                {"nomination_id": nomination_ids[1], "rank": 1},
            ]
        },
    )
    assert duplicate.status_code == 422
    published = client.post(
        f"/api/v1/honours/{list_id}/publish",
        headers=operator,
        json={"entries": [{"nomination_id": nomination_ids[0], "rank": 1, "citation": "入选"}]},
    )
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    public = client.get(f"/api/v1/honours/{list_id}").json()
    assert [n["nominee_name"] for n in public["nominations"]] == ["甲化工（演示）"]
    assert [r["scores"] for r in public["review_rounds"]] == [[], []]
    with transaction():
        stored = honours.get(SYSTEM, list_id)
    assert [len(r.scores) for r in stored.review_rounds] == [2, 1]
    assert stored.review_rounds[1].nomination_ids == [nomination_ids[0]]
