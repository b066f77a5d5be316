"""Spam screening of self-edits (#6 item 4): an expert editing their own profile or adding a
work, and a member editing their organisation, go through the same SEO-spam / link-farm detector
as demands and achievements. A flagged edit is not published — the public profile and search
stay as they were — and is kept for operator review in the audit log, with a bilingual refusal
naming the field. The spam kind injected into the Lanzhou report's page (an adult-site title, in
traditional characters as that site served it) is caught; no demo expert or organisation is."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from services_world import World
from web_world import WebWorld, sign_in

from kechuang.demo.generate import generate_world
from kechuang.domain import Actor, Role, User, ValidationError, Work
from kechuang.services import _moderation, audit, experts, organisations, search, users

# The kind of title injected above the masthead of the report's page, in traditional characters.
REFERENCE_SPAM = "成人視頻在線觀看-一夜情約炮同城上門服務 https://t.cn/A6xYz"
GAMBLING = "澳門威尼斯人娛樂城官網-百家樂真人荷官在線-註冊送38元彩金"
LINK_FARM = " ".join(f"http://link{i}.example.com/page" for i in range(12))


def _expert_actor(world: World) -> Actor:
    return world.expert_user_a


def _society_member(world: World) -> Actor:
    return Actor.of(
        users.create(
            Actor.system("test"),
            User(
                username="society_member",
                role=Role.ORG_MEMBER,
                region_id=world.region_a,
                organisation_id=world.society,
            ),
            "correct horse battery staple",
        )
    )


@pytest.mark.parametrize(
    ("field", "text"),
    [("bio", REFERENCE_SPAM), ("title", GAMBLING), ("bio", LINK_FARM), ("keywords", [GAMBLING])],
)
def test_an_experts_spam_edit_is_held_not_published(world: World, field: str, text: object) -> None:
    me = _expert_actor(world)
    before = experts.get(world.anonymous, world.expert_a)
    with pytest.raises(ValidationError) as refused:
        experts.update(me, world.expert_a, {field: text})
    detail = refused.value.details[0]
    assert detail.field == field
    assert "审核" in detail.problem_zh
    assert "review" in detail.problem_en
    assert experts.get(world.anonymous, world.expert_a) == before  # nothing published
    held = audit.list(world.operator_a, action_name=_moderation.HELD_ACTION).items
    assert [(entry.entity_kind, entry.entity_id) for entry in held] == [("expert", world.expert_a)]
    assert held[0].after is not None
    assert held[0].after["reasons"]
    assert held[0].after["proposed"][field]  # the operator sees the proposed text
    assert held[0].actor_user_id == me.user_id


def test_an_experts_spam_work_is_held(world: World) -> None:
    me = _expert_actor(world)
    count = len(experts.get(world.anonymous, world.expert_a).works)
    with pytest.raises(ValidationError):
        experts.add_work(me, world.expert_a, Work(kind="paper", title=REFERENCE_SPAM))
    assert len(experts.get(world.anonymous, world.expert_a).works) == count
    held = audit.list(world.admin, action_name=_moderation.HELD_ACTION).items
    assert len(held) == 1
    assert REFERENCE_SPAM in str(held[0].after)


def test_an_ordinary_self_edit_is_published(world: World) -> None:
    me = _expert_actor(world)
    edited = experts.update(
        me,
        world.expert_a,
        {"bio": "长期从事加氢催化研究，详见 https://chem.lzu.edu.cn/research 。"},
    )
    assert "加氢催化" in edited.bio
    added = experts.add_work(
        me, world.expert_a, Work(kind="patent", title="一种耐硫加氢催化剂及其制备方法")
    )
    assert added.works[-1].title == "一种耐硫加氢催化剂及其制备方法"
    assert audit.list(world.admin, action_name=_moderation.HELD_ACTION).items == []


def test_a_members_spam_edit_of_their_organisation_is_held(world: World) -> None:
    member = _society_member(world)
    before = organisations.get(world.anonymous, world.society)
    with pytest.raises(ValidationError) as refused:
        organisations.update(member, world.society, {"description": REFERENCE_SPAM})
    assert refused.value.details[0].field == "description"
    assert organisations.get(world.anonymous, world.society) == before
    fine = organisations.update(
        member, world.society, {"description": "学会服务站，面向企业开展技术咨询。"}
    )
    assert fine.description.startswith("学会服务站")
    held = audit.list(world.admin, action_name=_moderation.HELD_ACTION).items
    assert [(entry.entity_kind, entry.entity_id) for entry in held] == [
        ("organisation", world.society)
    ]


def test_held_spam_never_reaches_search(world: World) -> None:
    with pytest.raises(ValidationError):
        experts.update(_expert_actor(world), world.expert_a, {"bio": f"{REFERENCE_SPAM} 约炮"})
    assert search.query(world.anonymous, "约炮").total == 0
    assert search.query(world.anonymous, "一夜情").total == 0


def test_staff_edits_are_the_review(world: World) -> None:
    """An operator may publish what they judge legitimate (here: a quoted spam sample)."""
    edited = experts.update(
        world.operator_a, world.expert_a, {"bio": f"反垃圾培训样例：{GAMBLING}"}
    )
    assert GAMBLING in edited.bio


def test_no_demo_expert_or_organisation_profile_is_flagged() -> None:
    demo = generate_world()
    checked = 0
    flagged = []
    for collection, fields in (
        ("experts", ("name", "title", "affiliation", "keywords", "think_tanks", "bio", "works")),
        ("organisations", ("name", "name_en", "keywords", "description", "address")),
    ):
        for record in getattr(demo, collection):
            values = {
                name: (
                    [dataclasses.asdict(w) if dataclasses.is_dataclass(w) else w for w in value]
                    if name == "works"
                    else value
                )
                for name in fields
                for value in [getattr(record, name, "")]
            }
            checked += 1
            verdict = _moderation.check_texts(values, fields)
            if verdict.is_spam:
                flagged.append((collection, record.key, verdict.reasons))
    assert checked > 1200
    assert flagged == []


def test_the_expert_sees_why_on_the_profile_page(web_world: WebWorld, client: TestClient) -> None:
    token = sign_in(client, "exp_a")
    response = client.post(
        "/expert/profile/works",
        data={"csrf_token": token, "kind": "paper", "title": REFERENCE_SPAM},
    )
    assert response.status_code == 422
    assert "已提交区域运营人员审核" in response.text
    assert "成人視頻" not in client.get(f"/experts/{web_world.expert_a}").text
    english = client.post(
        "/expert/profile/works?lang=en",
        data={"csrf_token": token, "kind": "paper", "title": GAMBLING},
    )
    assert english.status_code == 422
    assert "sent to the region&#39;s operators for review" in english.text
