"""SEO spam and link farms in user submissions are held for operator review, not published;
the region's ordinary texts (every demo record) are never flagged."""

from __future__ import annotations

import dataclasses

import pytest
from services_world import World

from kechuang.demo.generate import generate_world
from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    DemandStatus,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from kechuang.domain.moderation import check
from kechuang.services import achievements, audit, demands, organisations, users

SPAM = [
    # The kind injected into regional news pages: gambling title with a shortened link.
    "澳门威尼斯人娱乐城官网-百家乐真人荷官在线-注册送38元彩金 https://t.cn/A6xYz",
    "【时时彩】六合彩开奖直播 下注平台 加微信：vip88888 领取彩金",
    "Best online casino 2024 — free spins, jackpot, baccarat and roulette at http://win88.bet",
    "Buy viagra and cialis online pharmacy no prescription cheap https://bit.ly/3xYz",
    '氢能技术<div style="display:none"><a href="http://a.xyz">博彩</a><a href="http://b.top">赌场</a></div>',
    "快速排名 蜘蛛池 外链代发 SEO优化 包上首页 联系QQ：12345678",
    "成人视频 AV在线 一夜情 约炮 同城上门服务",
    "办证刻章 发票代开 私家侦探 加v信 abc12345",
    " ".join(f"http://link{i}.example.com/page" for i in range(12)),
    "催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 催化剂 便宜",
    "<a href='http://x.cn'>1</a><a href='http://y.cn'>2</a><a href='http://z.cn'>3</a> 链接 https://tinyurl.com/abc",
    "Hot hookup escort service tonight, porn xxx https://cutt.ly/q",
]

LEGITIMATE = [
    "兰州新区某化工企业需要解决加氢催化剂失活问题，目标转化率≥95%，预算50万元。",
    "项目依托兰州大学化学化工学院，详见 https://www.lzu.edu.cn 与 https://chem.lzu.edu.cn/research",
    "Hydrogen refuelling station compressor: seal wear reduces uptime; target MTBF 8000 h.",
    "本成果为天然气掺氢输送技术，已在甘肃试点管线运行两年，TRL 7，可许可或作价入股。",
    "院士专家工作站围绕氢能、新材料、精细化工开展技术攻关，累计解决企业难题30余项。",
    "Patent CN115000000A: catalyst for selective hydrogenation; partner sought for pilot plant.",
    "联系人：王工，电话见平台（登录后可见）。项目背景：产线升级，需降低能耗15%。",
    "The casing of the slot-die coater warps at 180 °C; we need a material with lower creep.",
]


@pytest.mark.parametrize("text", SPAM)
def test_spam_is_flagged(text: str) -> None:
    verdict = check(text)
    assert verdict.is_spam, (text, verdict)
    assert verdict.reasons


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_text_is_not_flagged(text: str) -> None:
    assert not check(text).is_spam, check(text)


def _human_texts(record: object) -> list[str]:
    texts: list[str] = []
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        if field.name == "key" or field.name.endswith(("_key", "_keys")):
            continue  # references between records, not text anyone reads
        value = getattr(record, field.name)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            texts.extend(value)
    return texts


def test_no_demo_record_is_flagged() -> None:
    world = generate_world()
    checked = 0
    flagged = []
    for collection in dataclasses.fields(world):
        records = getattr(world, collection.name)
        if not isinstance(records, list):
            continue
        for record in records:
            checked += 1
            verdict = check(_human_texts(record))
            if verdict.is_spam:
                flagged.append((collection.name, record.key, verdict.reasons))
    assert checked > 1000
    assert flagged == []


def test_member_spam_achievement_is_held_as_draft_and_audited(world: World) -> None:
    system = Actor.system("test")
    lab = organisations.create(
        system,
        Organisation(kind=OrganisationKind.UNIVERSITY, name="某大学", region_id=world.region_a),
    )
    member = Actor.of(
        users.create(
            system,
            User(
                username="lab_member",
                role=Role.ORG_MEMBER,
                region_id=world.region_a,
                organisation_id=lab.id,
            ),
            "correct horse battery staple",
        )
    )
    clean = achievements.create(
        member,
        Achievement(
            title="耐高温密封材料", owner_organisation_id=lab.id, region_id=world.region_a, trl=5
        ),
    )
    assert clean.status is AchievementStatus.PUBLISHED
    spam = achievements.create(
        member,
        Achievement(title=SPAM[0], owner_organisation_id=lab.id, region_id=world.region_a, trl=5),
    )
    assert spam.status is AchievementStatus.DRAFT
    public_titles = [a.title for a in achievements.list(world.anonymous, limit=100).items]
    assert SPAM[0] not in public_titles
    assert clean.title in public_titles
    # Republishing the clean one with spam text sends it back to draft too.
    edited = achievements.update(member, clean.id or 0, {"description": SPAM[3]})
    assert edited.status is AchievementStatus.DRAFT
    held = audit.list(world.operator_a, action_name="moderation.held").items
    assert {entry.entity_id for entry in held} == {spam.id, clean.id}
    assert all(entry.after and entry.after["reasons"] for entry in held)
    # Staff texts are the review: an operator may publish what they judge legitimate.
    published = achievements.update(world.operator_a, spam.id or 0, {"status": "published"})
    assert published.status is AchievementStatus.PUBLISHED


def test_enterprise_spam_edit_of_a_published_demand_goes_back_to_review(world: World) -> None:
    before = demands.get(world.member_a, world.demand_public)
    assert before.status is DemandStatus.PUBLISHED
    ordinary = demands.update(world.member_a, world.demand_public, {"background": "产线升级"})
    assert ordinary.status is DemandStatus.PUBLISHED
    held = demands.update(world.member_a, world.demand_public, {"background": SPAM[1]})
    assert held.status is DemandStatus.PENDING_REVIEW
    teasers = demands.list_teasers(world.anonymous, limit=100).items
    assert world.demand_public not in [t.id for t in teasers]
    entries = audit.list(world.admin, action_name="moderation.held").items
    assert [entry.entity_id for entry in entries] == [world.demand_public]
