"""Transactions, audit and hooks: bad input writes nothing; a ``transaction()`` is all or
nothing; a failed call inside one undoes only itself; every write is audited with before/after;
after-commit hooks hear about committed changes only."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from services_world import World

from kechuang.domain import (
    Actor,
    Change,
    Conflict,
    NotFound,
    Organisation,
    OrganisationKind,
    ValidationError,
)
from kechuang.domain.common import validate
from kechuang.services import audit, organisations, subscribe, transaction

CODE = "91350100M000100Y43"


def _snapshot(world: World) -> tuple[int, int]:
    return organisations.list(world.admin, limit=500).total, audit.list(world.admin).total


def test_bad_input_raises_validation_error_and_writes_nothing(world: World) -> None:
    before = _snapshot(world)
    with pytest.raises(ValidationError) as caught:
        organisations.update(world.admin, world.enterprise_a, {"industry_codes": ["不存在"]})
    assert caught.value.details[0].field == "industry_codes"
    with pytest.raises(ValidationError):
        organisations.update(world.admin, world.enterprise_a, {"no_such_field": 1})
    with pytest.raises(ValidationError):
        organisations.update(world.admin, world.enterprise_a, {"id": 99})
    with pytest.raises(ValidationError):
        organisations.list(world.admin, offset=-1)
    assert _snapshot(world) == before
    assert organisations.get(world.admin, world.enterprise_a).industry_codes == []


def _two_with_one_code(world: World) -> None:
    with transaction():
        for name in ("一", "二"):
            organisations.create(
                world.admin,
                Organisation(kind=OrganisationKind.ENTERPRISE, name=name, credit_code=CODE),
            )


def test_transaction_is_all_or_nothing(world: World) -> None:
    before = _snapshot(world)
    with pytest.raises(Conflict):
        _two_with_one_code(world)
    assert _snapshot(world) == before


def test_a_failed_call_inside_a_transaction_undoes_only_itself(world: World) -> None:
    before_count, before_audit = _snapshot(world)
    rows = [
        {"kind": "enterprise", "name": "好行一"},
        {"kind": "enterprise", "name": "坏行", "industry_codes": ["x"]},
        {"kind": "enterprise", "name": "好行二", "credit_code": CODE},
        {"kind": "enterprise", "name": "重复代码", "credit_code": CODE},
    ]
    failures: list[int] = []
    with transaction():
        for number, row in enumerate(rows, start=2):
            try:
                organisations.create(world.admin, validate(Organisation, row, row=number))
            except (ValidationError, Conflict):
                failures.append(number)
    assert failures == [3, 5]
    count, audited = _snapshot(world)
    assert count == before_count + 2
    assert audited == before_audit + 2


def test_every_write_is_audited_with_before_and_after(world: World) -> None:
    organisations.update(world.operator_a, world.enterprise_a, {"name": "甲化工新名"})
    entry = audit.list(world.admin, entity_kind="organisation", entity_id=world.enterprise_a).items[
        0
    ]
    assert entry.action == "organisations.update"
    assert entry.actor_user_id == world.operator_a.user_id
    assert entry.actor_label == "op_a"
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["name"] == "甲化工（演示）"
    assert entry.after["name"] == "甲化工新名"
    assert entry.region_id == world.region_a
    assert entry.at.tzinfo is not None


def _create_then_fail(world: World) -> None:
    with transaction():
        organisations.create(
            world.admin, Organisation(kind=OrganisationKind.ENTERPRISE, name="回滚")
        )
        raise RuntimeError("abort")


def test_hooks_run_after_commit_only(world: World) -> None:
    heard: list[Change] = []

    def hook(changes: Sequence[Change]) -> None:
        heard.extend(changes)

    unsubscribe = subscribe(hook)
    try:
        with pytest.raises(RuntimeError):
            _create_then_fail(world)
        assert heard == []
        with transaction():
            created = organisations.create(
                world.admin,
                Organisation(
                    kind=OrganisationKind.ENTERPRISE, name="提交", region_id=world.region_a
                ),
            )
            organisations.update(world.admin, created.id or 0, {"description": "更新"})
            assert heard == []  # not before the commit
        assert [(c.kind, c.id, c.action, c.region_id) for c in heard] == [
            ("organisation", created.id, "create", world.region_a),
            ("organisation", created.id, "update", world.region_a),
        ]
        heard.clear()
        organisations.get(Actor.anonymous(), created.id or 0)
        assert heard == []  # reads change nothing
    finally:
        unsubscribe()


def test_search_text_is_literal_not_a_pattern(world: World) -> None:
    organisations.update(world.admin, world.enterprise_a, {"name": "甲化工50%_控股"})
    assert organisations.list(world.anonymous, q="50%_").total == 1
    assert organisations.list(world.anonymous, q="%").total == 1
    assert organisations.list(world.anonymous, q="_").total == 1
    assert organisations.list(world.anonymous, q="乙").total == 1
    assert organisations.list(world.anonymous, industry_code="%").total == 0


def test_ids_beyond_64_bits_match_nothing_instead_of_crashing(world: World) -> None:
    huge = 2**63
    assert organisations.list(world.anonymous, region_id=huge).total == 0
    assert organisations.list(world.anonymous, region_id=-huge - 1).total == 0
    with pytest.raises(NotFound):
        organisations.get(world.anonymous, huge)
    assert audit.list(world.admin, entity_id=huge).total == 0
