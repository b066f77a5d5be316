"""The workbench and stale-docking API on the real app: list → propose → confirm with an override,
errors that change nothing, the roles that may call them, reminders once per interval."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import update
from web_world import WebWorld, api_token

from kechuang.config import get_settings
from kechuang.domain import Actor, Expert, Work
from kechuang.services import audit, dockings, experts, transaction
from kechuang.store import tables
from kechuang.store.database import engine_for

SYSTEM = Actor.system("test")


def _second_expert(web_world: WebWorld) -> int:
    with transaction():
        created = experts.create(
            SYSTEM,
            Expert(
                name="李工",
                region_id=web_world.region_a,
                keywords=["加氢", "催化"],
                works=[Work(kind="paper", title="加氢催化剂失活与再生", keywords=["催化", "加氢"])],
            ),
        )
    assert created.id is not None
    return created.id


def test_list_propose_and_confirm(client: TestClient, web_world: WebWorld) -> None:
    li = _second_expert(web_world)
    headers = api_token(client, "op_a")
    listed = client.get(
        "/api/v1/workbench/demands", params={"region_id": web_world.region_a}, headers=headers
    )
    assert listed.status_code == 200, listed.text
    ids = [d["id"] for d in listed.json()]
    assert web_world.demand_public in ids
    assert web_world.demand_draft not in ids
    chemistry = client.get(
        "/api/v1/workbench/demands",
        params={"region_id": web_world.region_a, "industry": "4411"},
        headers=headers,
    )
    assert chemistry.json() == []

    proposed = client.post(
        "/api/v1/workbench/proposals",
        json={"region_id": web_world.region_a, "demand_ids": ids, "batch_capacity": 1},
        headers=headers,
    )
    assert proposed.status_code == 200, proposed.text
    body = proposed.json()
    chosen = [p["expert_id"] for p in body["pairs"] if p["expert_id"] is not None]
    assert len(chosen) == len(set(chosen))
    assert body["max_load"] <= 1
    assert 0 <= body["quality_given_up"] <= 1
    assert body["total_score"] <= body["unconstrained_score"] + 1e-9
    first = next(p for p in body["pairs"] if p["demand_id"] == web_world.demand_members)
    assert first["candidates"][0]["evidence"]
    for pair in body["pairs"]:
        names = {c["expert_id"]: c["name"] for c in pair["candidates"]}
        assert pair["expert_name"] == names.get(pair["expert_id"])
    public = next(p for p in body["pairs"] if p["demand_id"] == web_world.demand_public)
    assert public["already_docked"] == [web_world.expert_a]
    assert public["expert_id"] != web_world.expert_a

    other = li if first["expert_id"] != li else web_world.expert_a
    choices = [
        {
            "demand_id": first["demand_id"],
            "expert_id": other,
            "proposed_expert_id": first["expert_id"],
            "reason": "企业点名合作",
        }
    ]
    confirmed = client.post(
        "/api/v1/workbench/assignments",
        json={"region_id": web_world.region_a, "choices": choices},
        headers=headers,
    )
    assert confirmed.status_code == 201, confirmed.text
    assert [(d["demand_id"], d["target_id"]) for d in confirmed.json()] == [
        (first["demand_id"], other)
    ]
    with transaction():
        entries = audit.list(SYSTEM, action_name="workbench.override").items
    assert [e.after["reason"] for e in entries if e.after] == ["企业点名合作"]


def test_bad_confirmation_is_bilingual_and_writes_nothing(
    client: TestClient, web_world: WebWorld
) -> None:
    li = _second_expert(web_world)
    headers = api_token(client, "op_a")
    with transaction():
        before = dockings.list(SYSTEM, region_id=web_world.region_a).total
    refused = client.post(
        "/api/v1/workbench/assignments",
        json={
            "region_id": web_world.region_a,
            "choices": [
                {"demand_id": web_world.demand_members, "expert_id": li},
                {
                    "demand_id": web_world.demand_nda,
                    "expert_id": li,
                    "proposed_expert_id": web_world.expert_a,
                },
            ],
        },
        headers=headers,
    )
    assert refused.status_code == 422
    text = refused.text
    assert "未说明原因" in text
    assert "without a reason" in text
    with transaction():
        assert dockings.list(SYSTEM, region_id=web_world.region_a).total == before


def test_only_the_regions_staff(client: TestClient, web_world: WebWorld) -> None:
    for username in ("op_b", "ent_a", "exp_a"):
        headers = api_token(client, username)
        response = client.post(
            "/api/v1/workbench/proposals",
            json={"region_id": web_world.region_a, "demand_ids": [web_world.demand_public]},
            headers=headers,
        )
        assert response.status_code == 403, (username, response.text)
    anonymous = client.get("/api/v1/stale-dockings", params={"region_id": web_world.region_a})
    assert anonymous.status_code in {401, 403}


def test_stale_dockings_and_reminders(client: TestClient, web_world: WebWorld) -> None:
    headers = api_token(client, "op_a")
    params = {"region_id": web_world.region_a}
    assert client.get("/api/v1/stale-dockings", params=params, headers=headers).json() == []
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    with engine_for(get_settings().database_url).begin() as connection:
        connection.execute(update(tables.DockingRow.__table__).values(updated_at=past))
        connection.execute(update(tables.DockingHistoryRow.__table__).values(at=past))
    stale = client.get("/api/v1/stale-dockings", params=params, headers=headers).json()
    assert [(s["docking"]["id"], s["idle_days"]) for s in stale] == [(web_world.docking, 30)]
    sent = client.post("/api/v1/stale-dockings/reminders", params=params, headers=headers)
    assert sent.status_code == 200, sent.text
    assert [r["docking_id"] for r in sent.json()["sent"]] == [web_world.docking]
    assert sorted(sent.json()["sent"][0]["recipients"]) == [
        "ent_a@example.org",
        "exp_a@example.org",
    ]
    again = client.post("/api/v1/stale-dockings/reminders", params=params, headers=headers)
    assert again.json() == {
        "sent": [],
        "recently_reminded": [web_world.docking],
        "without_address": [],
    }
