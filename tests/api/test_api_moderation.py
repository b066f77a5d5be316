"""The moderation queue's REST twin on the real app: an expert's spam edit through the API is held
(422), the operator reads it with the flagged parts, rejects it with a reason (the owner's mail
lands in the outbox), a second decision is a 409, other regions' staff and the owner get nothing."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

from fastapi.testclient import TestClient
from web_world import WebWorld, api_token

from kechuang.config import get_settings

REFERENCE_SPAM = "成人視頻在線觀看-一夜情約炮同城上門服務 https://t.cn/A6xYz"


def _held(client: TestClient, web_world: WebWorld) -> int:
    owner = api_token(client, "exp_a")
    refused = client.patch(
        f"/api/v1/experts/{web_world.expert_a}", json={"bio": REFERENCE_SPAM}, headers=owner
    )
    assert refused.status_code == 422, refused.text
    listed = client.get("/api/v1/moderation/held-edits", headers=api_token(client, "op_a"))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 1
    return int(body["items"][0]["id"])


def _outbox() -> list[Path]:
    return sorted((Path(get_settings().data_dir) / "outbox").glob("*.eml"))


def test_read_reject_and_conflict(client: TestClient, web_world: WebWorld) -> None:
    held_id = _held(client, web_world)
    operator = api_token(client, "op_a")
    item = client.get(f"/api/v1/moderation/held-edits/{held_id}", headers=operator).json()
    assert item["proposed"]["bio"] == [REFERENCE_SPAM]
    flagged = [p["text"] for p in item["highlighted"]["bio"][0] if p["flagged"]]
    assert "https://t.cn/A6xYz" in flagged
    assert item["decision"] is None

    empty = client.post(
        f"/api/v1/moderation/held-edits/{held_id}/reject", json={"reason": ""}, headers=operator
    )
    assert empty.status_code == 422
    mails_before = len(_outbox())
    rejected = client.post(
        f"/api/v1/moderation/held-edits/{held_id}/reject",
        json={"reason": "含色情广告短链接"},
        headers=operator,
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["decision"]["applied"] is False
    mails = _outbox()
    assert len(mails) == mails_before + 1
    mail = message_from_bytes(mails[-1].read_bytes(), policy=default)
    assert "含色情广告短链接" in mail.get_body().get_content()  # type: ignore[union-attr]

    again = client.post(f"/api/v1/moderation/held-edits/{held_id}/apply", headers=operator)
    assert again.status_code == 409
    assert "already rejected" in again.text
    profile = client.get(f"/api/v1/experts/{web_world.expert_a}").json()
    assert REFERENCE_SPAM not in str(profile)
    assert client.get("/api/v1/moderation/held-edits", headers=operator).json()["total"] == 0


def test_apply_publishes(client: TestClient, web_world: WebWorld) -> None:
    held_id = _held(client, web_world)
    applied = client.post(
        f"/api/v1/moderation/held-edits/{held_id}/apply", headers=api_token(client, "op_a")
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["decision"]["applied"] is True
    profile = client.get(f"/api/v1/experts/{web_world.expert_a}").json()
    assert profile["bio"] == REFERENCE_SPAM


def test_who_may_not(client: TestClient, web_world: WebWorld) -> None:
    held_id = _held(client, web_world)
    other = api_token(client, "op_b")
    assert client.get("/api/v1/moderation/held-edits", headers=other).json()["total"] == 0
    path = f"/api/v1/moderation/held-edits/{held_id}"
    assert client.get(path, headers=other).status_code == 404
    assert client.post(f"{path}/apply", headers=other).status_code == 404
    owner = api_token(client, "exp_a")
    assert client.get("/api/v1/moderation/held-edits", headers=owner).status_code == 403
    assert client.post(f"{path}/apply", headers=owner).status_code == 403
    assert client.post(f"{path}/apply").status_code in (401, 403)
    assert client.get("/api/v1/moderation/held-edits/0", headers=other).status_code == 422
