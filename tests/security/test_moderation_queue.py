"""The operators' moderation queue (#6 item 4): held profile edits are listed for the region's
staff with the flagged parts marked, and applied (as the operator, audited) or rejected with a
reason (the owner is told by mail); a second decision is a conflict and changes nothing."""

from __future__ import annotations

import pytest
from services_world import World

from kechuang.domain import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
    Work,
)
from kechuang.services import audit, experts, moderation, organisations

# The kind of title injected above the masthead of the Lanzhou report's page (/work/shared/
# reference/), in traditional characters as that site served it.
REFERENCE_SPAM = "成人視頻在線觀看-一夜情約炮同城上門服務 https://t.cn/A6xYz"


def _hold_bio(world: World, text: str = REFERENCE_SPAM) -> int:
    with pytest.raises(ValidationError):
        experts.update(world.expert_user_a, world.expert_a, {"bio": text, "title": "研究员"})
    queue = moderation.queue(world.operator_a)
    assert queue.total >= 1
    return queue.items[0].id


def test_a_held_edit_is_queued_with_its_flagged_parts(world: World) -> None:
    held_id = _hold_bio(world)
    item = moderation.get(world.operator_a, held_id)
    assert (item.kind, item.entity_id, item.operation) == ("expert", world.expert_a, "update")
    assert item.author_user_id == world.expert_user_a.user_id
    assert item.reasons
    assert item.proposed["bio"] == [REFERENCE_SPAM]
    parts = item.highlighted["bio"][0]
    assert "".join(piece for piece, _ in parts) == REFERENCE_SPAM
    flagged = [piece for piece, marked in parts if marked]
    assert "一夜情約炮" in flagged
    assert "https://t.cn/A6xYz" in flagged
    assert "同城" not in flagged
    assert item.decision is None


def test_apply_publishes_the_edit_as_the_operator(world: World) -> None:
    held_id = _hold_bio(world)
    sent: list[moderation.Notice] = []
    decided = moderation.apply(world.operator_a, held_id, send=sent.append)
    assert decided.decision is not None
    assert decided.decision.applied
    expert = experts.get(world.anonymous, world.expert_a)
    assert expert.bio == REFERENCE_SPAM
    assert expert.title == "研究员"  # the whole edit, not only the flagged field
    update = audit.list(world.operator_a, action_name="experts.update").items[0]
    assert update.actor_user_id == world.operator_a.user_id
    assert update.entity_id == world.expert_a
    assert moderation.queue(world.operator_a).total == 0
    assert moderation.queue(world.operator_a, decided=True).total == 1
    assert len(sent) == 1
    assert "已发布" in sent[0].body
    assert "published" in sent[0].body


def test_reject_changes_nothing_and_tells_the_owner(world: World) -> None:
    before = experts.get(world.anonymous, world.expert_a)
    held_id = _hold_bio(world)
    sent: list[moderation.Notice] = []
    moderation.reject(world.operator_a, held_id, "含色情广告和短链接", send=sent.append)
    assert experts.get(world.anonymous, world.expert_a) == before
    assert len(sent) == 1
    assert sent[0].to.endswith("@example.org")
    assert "含色情广告和短链接" in sent[0].body
    assert "not approved" in sent[0].subject
    entry = audit.list(world.operator_a, action_name=moderation.REJECTED_ACTION).items[0]
    assert entry.after == {"held_id": held_id, "reason": "含色情广告和短链接"}


@pytest.mark.parametrize("first", ["apply", "reject"])
def test_deciding_twice_is_a_conflict(world: World, first: str) -> None:
    held_id = _hold_bio(world)
    if first == "apply":
        moderation.apply(world.operator_a, held_id)
    else:
        moderation.reject(world.operator_a, held_id, "广告")
    after_first = experts.get(world.anonymous, world.expert_a)
    decisions = audit.list(world.admin, action_name=moderation.APPLIED_ACTION).total
    with pytest.raises(Conflict) as twice:
        moderation.apply(world.admin, held_id)
    assert "已由" in twice.value.what_zh
    assert "already" in twice.value.what_en
    with pytest.raises(Conflict):
        moderation.reject(world.operator_a, held_id, "again")
    assert experts.get(world.anonymous, world.expert_a) == after_first
    assert audit.list(world.admin, action_name=moderation.APPLIED_ACTION).total == decisions


def test_a_rejection_needs_a_reason(world: World) -> None:
    held_id = _hold_bio(world)
    for reason in ("", "   ", "x" * (moderation.REASON_MAX + 1)):
        with pytest.raises(ValidationError) as refused:
            moderation.reject(world.operator_a, held_id, reason)
        assert refused.value.details[0].field == "reason"
    assert moderation.get(world.operator_a, held_id).decision is None


def test_a_held_work_is_added_on_apply(world: World) -> None:
    count = len(experts.get(world.anonymous, world.expert_a).works)
    with pytest.raises(ValidationError):
        experts.add_work(
            world.expert_user_a, world.expert_a, Work(kind="paper", title=REFERENCE_SPAM)
        )
    item = moderation.queue(world.operator_a).items[0]
    assert item.operation == "add_work"
    assert item.proposed["works"] == [REFERENCE_SPAM]  # the work's texts, not its kind code
    moderation.apply(world.operator_a, item.id)
    works = experts.get(world.anonymous, world.expert_a).works
    assert len(works) == count + 1
    assert works[-1].title == REFERENCE_SPAM


def test_a_held_organisation_edit_is_applied(world: World) -> None:
    from test_moderation_profiles import _society_member  # noqa: PLC0415 - the same member

    member = _society_member(world)
    gambling = "澳門威尼斯人娛樂城官網-百家樂真人荷官在線-註冊送38元彩金"
    with pytest.raises(ValidationError):
        organisations.update(member, world.society, {"description": gambling})
    item = moderation.queue(world.admin).items[0]
    assert (item.kind, item.entity_id) == ("organisation", world.society)
    assert item.region_id is None  # a region-less society: admins decide
    assert moderation.queue(world.operator_a).total == 0
    moderation.apply(world.admin, item.id)
    assert organisations.get(world.anonymous, world.society).description == gambling


def test_only_the_regions_staff_see_and_decide(world: World) -> None:
    held_id = _hold_bio(world)
    assert moderation.queue(world.operator_b).total == 0
    with pytest.raises(NotFound):  # another region's staff do not learn it exists
        moderation.get(world.operator_b, held_id)
    with pytest.raises(NotFound):
        moderation.apply(world.operator_b, held_id)
    for outsider in (world.expert_user_a, world.member_a, world.anonymous):
        with pytest.raises(PermissionDenied):
            moderation.queue(outsider)
        with pytest.raises(PermissionDenied):
            moderation.apply(outsider, held_id)
        with pytest.raises(PermissionDenied):
            moderation.reject(outsider, held_id, "no")
    assert moderation.get(world.admin, held_id).decision is None
    with pytest.raises(NotFound):
        moderation.get(world.admin, held_id + 10_000)


def test_a_failing_mail_decides_nothing(world: World) -> None:
    held_id = _hold_bio(world)

    def broken(_notice: moderation.Notice) -> None:
        raise OSError("outbox not writable")

    with pytest.raises(OSError, match="outbox"):
        moderation.reject(world.operator_a, held_id, "广告", send=broken)
    assert moderation.get(world.operator_a, held_id).decision is None


def test_two_operators_deciding_at_once_one_wins(world: World) -> None:
    """The first decision holds the profile's row until it commits; the second, started while
    the first is still open, then sees it and is a Conflict (PostgreSQL FOR UPDATE; SQLite's
    one writer at a time)."""
    import threading  # noqa: PLC0415 - only this test

    held_id = _hold_bio(world)
    inside = threading.Event()
    release = threading.Event()
    outcomes: dict[str, object] = {}

    def slow_mail(_notice: moderation.Notice) -> None:
        inside.set()
        assert release.wait(10)

    def decide(name: str, run: object) -> None:
        try:
            outcomes[name] = run()  # type: ignore[operator]
        except Exception as error:
            outcomes[name] = error

    first = threading.Thread(
        target=decide,
        args=("first", lambda: moderation.apply(world.operator_a, held_id, send=slow_mail)),
    )
    second = threading.Thread(
        target=decide, args=("second", lambda: moderation.reject(world.admin, held_id, "广告"))
    )
    first.start()
    assert inside.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the first decision's transaction
    release.set()
    first.join(10)
    second.join(10)
    assert isinstance(outcomes["first"], moderation.HeldEdit)
    assert isinstance(outcomes["second"], Conflict)
    assert audit.list(world.admin, action_name=moderation.REJECTED_ACTION).total == 0
    assert audit.list(world.admin, action_name=moderation.APPLIED_ACTION).total == 1


def test_a_held_achievement_is_published_or_kept_as_draft(world: World) -> None:
    """Achievements a non-staff user submits as spam are stored as drafts; the queue lists them
    too, and apply publishes them, reject keeps them a draft and tells the submitter."""
    from kechuang.domain import Achievement, AchievementStatus  # noqa: PLC0415
    from kechuang.services import achievements  # noqa: PLC0415

    member = world.member_a
    drafts = []
    for title in (REFERENCE_SPAM, "澳門威尼斯人娛樂城官網-百家樂真人荷官在線-註冊送38元彩金"):
        stored = achievements.create(
            member,
            Achievement(
                title=title,
                owner_organisation_id=world.enterprise_a,
                region_id=world.region_a,
                trl=5,
            ),
        )
        assert stored.status is AchievementStatus.DRAFT
        drafts.append(stored.id)
    items = {item.entity_id: item for item in moderation.queue(world.operator_a).items}
    assert set(items) == set(drafts)
    first = items[drafts[0]]
    assert (first.kind, first.operation) == ("achievement", "publish")
    assert "一夜情約炮" in [piece for piece, flagged in first.highlighted["title"][0] if flagged]
    moderation.apply(world.operator_a, first.id)
    assert achievements.get(world.anonymous, drafts[0]).status is AchievementStatus.PUBLISHED
    moderation.reject(world.operator_a, items[drafts[1]].id, "赌博广告")
    assert achievements.get(world.operator_a, drafts[1]).status is AchievementStatus.DRAFT
    assert moderation.queue(world.operator_a).total == 0
