"""The matching workbench and the stale-docking reminders through the real app (TestClient):
pick → propose with a capacity → override with a reason → confirm → the board; reminders from the
board's button into the outbox, once per interval; bilingual errors that change nothing."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from web_world import WebWorld, sign_in

from kechuang.config import get_settings
from kechuang.domain import Actor, Expert, Work
from kechuang.services import audit, dockings, experts, transaction
from kechuang.store import tables
from kechuang.store.database import engine_for

SYSTEM = Actor.system("test")


def _more_experts(web_world: WebWorld) -> tuple[int, int]:
    """Two more hydrogen experts in region A, so a capacity of 1 has somewhere to send demands."""
    with transaction():
        li = experts.create(
            SYSTEM,
            Expert(
                name="李工",
                region_id=web_world.region_a,
                keywords=["加氢", "催化"],
                works=[Work(kind="paper", title="加氢催化剂失活与再生", keywords=["催化", "加氢"])],
            ),
        ).id
        wang = experts.create(
            SYSTEM,
            Expert(
                name="王工",
                region_id=web_world.region_a,
                keywords=["催化"],
                works=[Work(kind="paper", title="催化反应器设计", keywords=["催化"])],
            ),
        ).id
    assert li is not None
    assert wang is not None
    return li, wang


def _pairs(page: str) -> dict[int, int | None]:
    """Demand id → selected expert id on the proposal page."""
    found: dict[int, int | None] = {}
    for demand_id, body in re.findall(
        r'<select name="expert_(\d+)".*?>(.*?)</select>', page, flags=re.S
    ):
        selected = re.search(r'<option value="(\d*)" selected', body)
        found[int(demand_id)] = int(selected.group(1)) if selected and selected.group(1) else None
    return found


def _propose(client: TestClient, token: str, ids: list[int], capacity: str = "1") -> str:
    response = client.post(
        "/operator/workbench/propose",
        data={"csrf_token": token, "demand_ids": [str(i) for i in ids], "batch_capacity": capacity},
    )
    assert response.status_code == 200, response.text[:800]
    return response.text


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_workbench_journey_with_capacity_override_and_confirm(
    client: TestClient, web_world: WebWorld, language: str
) -> None:
    li, wang = _more_experts(web_world)
    token = sign_in(client, "op_a")
    client.get(f"/?lang={language}")
    listing = client.get("/operator/workbench").text
    open_ids = [int(i) for i in re.findall(r'data-testid="open-demand-(\d+)"', listing)]
    assert web_world.demand_public in open_ids
    assert web_world.demand_draft not in open_ids
    assert ("匹配工作台" if language == "zh-CN" else "Matching workbench") in listing
    page = _propose(client, token, open_ids)
    assert ("为均衡放弃的质量" if language == "zh-CN" else "Quality given up for balance") in page
    pairs = _pairs(page)
    assert set(pairs) == set(open_ids)
    chosen = [e for e in pairs.values() if e is not None]
    assert len(chosen) == len(set(chosen)), "a capacity of 1: no expert twice"
    assert "BM25" in page  # each pair's evidence
    # Override the first pair to another candidate, with a reason; keep the rest.
    first = open_ids[0]
    other = next(e for e in (li, wang, web_world.expert_a) if e != pairs[first] and e in chosen)
    swap = next(d for d, e in pairs.items() if e == other)
    form: dict[str, object] = {"csrf_token": token, "demand_ids": [str(i) for i in open_ids]}
    for demand_id, expert_id in pairs.items():
        form[f"proposed_{demand_id}"] = "" if expert_id is None else str(expert_id)
        form[f"expert_{demand_id}"] = "" if expert_id is None else str(expert_id)
    form[f"expert_{first}"] = str(other)
    form[f"expert_{swap}"] = ""  # that expert's one slot now goes to the first demand
    form[f"reason_{first}"] = "熟悉企业现场"
    before = client.get("/operator/dockings").text.count('data-testid="ticket-')
    confirmed = client.post("/operator/workbench/confirm", data=form, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text[:1500]
    board = client.get(confirmed.headers["location"]).text
    expected = sum(1 for d, e in pairs.items() if e is not None and d != swap)
    assert board.count('data-testid="ticket-') == before + expected
    with transaction():
        overrides = audit.list(SYSTEM, action_name="workbench.override").items
        created = dockings.list(SYSTEM, demand_id=first).items
    assert [e.after["reason"] for e in overrides if e.after] == ["熟悉企业现场"]
    assert any(d.target_id == other for d in created)


def test_an_override_without_a_reason_is_explained_and_writes_nothing(
    client: TestClient, web_world: WebWorld
) -> None:
    li, _wang = _more_experts(web_world)
    token = sign_in(client, "op_a")
    page = _propose(client, token, [web_world.demand_members], capacity="")
    proposed = _pairs(page)[web_world.demand_members]
    replacement = li if proposed != li else web_world.expert_a
    with transaction():
        before = dockings.list(SYSTEM, region_id=web_world.region_a).total
    response = client.post(
        "/operator/workbench/confirm",
        data={
            "csrf_token": token,
            "demand_ids": [str(web_world.demand_members)],
            f"proposed_{web_world.demand_members}": str(proposed),
            f"expert_{web_world.demand_members}": str(replacement),
            f"reason_{web_world.demand_members}": "",
        },
    )
    assert response.status_code == 422
    assert 'data-testid="workbench-errors"' in response.text
    assert "未说明原因" in response.text
    # The operator's choice is kept on the page for the correction.
    assert _pairs(response.text)[web_world.demand_members] == replacement
    with transaction():
        assert dockings.list(SYSTEM, region_id=web_world.region_a).total == before


def test_workbench_is_for_operators_and_needs_the_csrf_token(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "ent_a")
    assert client.get("/operator/workbench").status_code == 403
    refused = client.post(
        "/operator/workbench/propose",
        data={"csrf_token": token, "demand_ids": [str(web_world.demand_public)]},
    )
    assert refused.status_code == 403
    operator = TestClient(client.app)
    sign_in(operator, "op_a")
    forged = operator.post(
        "/operator/workbench/confirm",
        data={"csrf_token": "forged", "demand_ids": [str(web_world.demand_public)]},
    )
    assert forged.status_code == 403
    assert "重新提交" in forged.text or "submit it again" in forged.text


def _age_dockings(days: int) -> None:
    """Make every docking look ``days`` old: no public service backdates a docking, so the test
    writes the two timestamps the board reads (the row's updated_at, its history steps)."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with engine_for(get_settings().database_url).begin() as connection:
        connection.execute(update(tables.DockingRow.__table__).values(updated_at=past))
        connection.execute(update(tables.DockingHistoryRow.__table__).values(at=past))


def test_board_highlights_stale_dockings_and_reminds_once(
    client: TestClient, web_world: WebWorld, tmp_path: Path
) -> None:
    token = sign_in(client, "op_a")
    board = client.get("/operator/dockings").text
    assert 'data-testid="stale-count">0<' in board
    _age_dockings(20)
    board = client.get("/operator/dockings").text
    assert 'data-testid="stale-count">1<' in board
    assert f'data-testid="stale-{web_world.docking}"' in board
    outbox = get_settings().data_dir / "outbox"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    sent = client.post(
        "/operator/dockings/remind", data={"csrf_token": token}, follow_redirects=False
    )
    assert sent.status_code == 303
    mails = sorted(set(outbox.glob("*.eml")) - before)
    recipients = {
        message_from_bytes(path.read_bytes(), policy=default_policy)["To"] for path in mails
    }
    assert recipients == {"ent_a@example.org", "exp_a@example.org"}
    links = {
        message_from_bytes(path.read_bytes(), policy=default_policy)["To"]: (
            message_from_bytes(path.read_bytes(), policy=default_policy).get_body().get_content()  # type: ignore[union-attr]
        )
        for path in mails
    }
    assert "/my/demands" in links["ent_a@example.org"]
    assert "/expert/invitations" in links["exp_a@example.org"]
    body = message_from_bytes(mails[0].read_bytes(), policy=default_policy).get_body()
    assert body is not None
    assert "公开需求：加氢催化剂" in body.get_content()
    assert "no progress for 20 days" in body.get_content()
    flashed = client.get("/operator/dockings").text
    assert 'role="status"' in flashed
    assert f'data-testid="reminded-{web_world.docking}"' in flashed  # still stale, reminded today
    again = client.post("/operator/dockings/remind", data={"csrf_token": token})
    assert again.status_code == 200
    assert set(outbox.glob("*.eml")) - before == set(mails)  # nothing more within 14 days
    with transaction():
        entries = audit.list(SYSTEM, action_name="dockings.remind").items
    assert [e.entity_id for e in entries] == [web_world.docking]


def test_an_admin_chooses_the_region(client: TestClient, web_world: WebWorld) -> None:
    sign_in(client, "admin")
    first = client.get("/operator/workbench")
    assert first.status_code == 200
    assert 'name="region"' in first.text
    chosen = client.get(f"/operator/workbench?region={web_world.region_a}").text
    assert f'data-testid="open-demand-{web_world.demand_public}"' in chosen
    other = client.get(f"/operator/workbench?region={web_world.region_b}").text
    assert f'data-testid="open-demand-{web_world.demand_public}"' not in other
