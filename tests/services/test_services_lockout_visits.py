"""Sign-in lockout after repeated failures (kept although each failure rolls back), unlocking,
and visit counting (one per visitor per resource per day, no raw visitor data)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from services_world import PASSWORD, World

from kechuang.domain import Change, NotFound, PermissionDenied, ResourceKind, ValidationError
from kechuang.services import subscribe, users, visits


def test_repeated_failures_lock_the_account_and_notify(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KECHUANG_SIGN_IN_MAX_FAILURES", "3")
    from kechuang.config import get_settings  # noqa: PLC0415

    get_settings.cache_clear()
    heard: list[Change] = []

    def hook(changes: Sequence[Change]) -> None:
        heard.extend(changes)

    unsubscribe = subscribe(hook)
    try:
        for _attempt in range(3):
            with pytest.raises(PermissionDenied):
                users.sign_in(world.anonymous, "ent_a", "wrong password!")
        locked = users.get(world.admin, world.member_a.user_id or 0)
        assert locked.failed_sign_ins == 3
        assert locked.locked_until is not None
        assert [(c.kind, c.action) for c in heard] == [("user", "locked")]
        # Locked: even the right password is refused, with the same message.
        with pytest.raises(PermissionDenied) as refused:
            users.sign_in(world.anonymous, "ent_a", PASSWORD)
        assert refused.value.message("en") == "Wrong username or password. " + (
            "Check and try again; you can reset a forgotten password"
        )
        with pytest.raises(NotFound):  # another region's account is invisible to this operator
            users.unlock(world.operator_b, world.member_a.user_id or 0)
        users.unlock(world.operator_a, world.member_a.user_id or 0)
        user, _secret = users.sign_in(world.anonymous, "ent_a", PASSWORD)
        assert user.failed_sign_ins == 0
    finally:
        unsubscribe()
        get_settings.cache_clear()


def test_a_success_resets_the_failure_count(world: World) -> None:
    with pytest.raises(PermissionDenied):
        users.sign_in(world.anonymous, "ent_b", "wrong password!")
    assert users.get(world.admin, world.member_b.user_id or 0).failed_sign_ins == 1
    user, _secret = users.sign_in(world.anonymous, "ent_b", PASSWORD)
    assert user.failed_sign_ins == 0
    with pytest.raises(ValidationError):  # nobody edits the counters directly
        users.update(world.admin, user.id or 0, {"failed_sign_ins": 0})


def test_visits_count_once_per_visitor_resource_and_day(world: World) -> None:
    first, second = "a" * 64, "b" * 64
    day = date(2024, 8, 27)

    def visit(visitor: str, resource: int, on: date = day) -> bool:
        return visits.record(
            world.anonymous,
            resource_kind=ResourceKind.EXPERT,
            resource_id=resource,
            region_id=world.region_a,
            visitor_hash=visitor,
            day=on,
        )

    assert visit(first, world.expert_a)
    assert not visit(first, world.expert_a)  # same visitor, resource, day
    assert visit(second, world.expert_a)
    assert visit(first, world.expert_b)
    assert visit(first, world.expert_a, date(2024, 8, 28))
    assert visits.count(world.anonymous, region_id=world.region_a) == 4
    assert visits.count(world.anonymous, region_id=world.region_a, since=date(2024, 8, 28)) == 1
    assert visits.count(world.anonymous, region_id=world.region_b) == 0
    assert visits.daily(world.anonymous, region_id=world.region_a) == [
        (date(2024, 8, 27), 3),
        (date(2024, 8, 28), 1),
    ]
    with pytest.raises(ValidationError):  # raw addresses are refused
        visit("203.0.113.7", world.expert_a)


def test_a_failed_sign_in_inside_a_writing_transaction_is_counted_without_deadlock(
    world: World,
) -> None:
    from kechuang.services import organisations, transaction  # noqa: PLC0415

    refused = False
    with transaction():
        organisations.update(world.admin, world.enterprise_a, {"description": "先写一笔"})
        try:
            users.sign_in(world.anonymous, "ent_a", "wrong password!")
        except PermissionDenied:
            refused = True
    assert refused
    assert users.get(world.admin, world.member_a.user_id or 0).failed_sign_ins == 1
    assert organisations.get(world.admin, world.enterprise_a).description == "先写一笔"
