"""Importers' upserts merge duplicates instead of doubling them: organisations by unified social
credit code, experts by name + affiliation (works merged by kind + title)."""

from __future__ import annotations

import pytest
from services_world import World

from kechuang.domain import (
    Conflict,
    Expert,
    Organisation,
    OrganisationKind,
    ValidationError,
    Work,
)
from kechuang.services import experts, organisations

CODE = "91350100M000100Y43"


def test_organisations_merge_by_credit_code(world: World) -> None:
    first = organisations.upsert(
        world.admin,
        Organisation(kind=OrganisationKind.ENTERPRISE, name="甲", credit_code=CODE.lower()),
    )
    assert first.created
    again = organisations.upsert(
        world.admin,
        Organisation(
            kind=OrganisationKind.ENTERPRISE, name="甲（新名）", credit_code=CODE, phone="0931"
        ),
    )
    assert not again.created
    assert again.record.id == first.record.id
    assert set(again.changed_fields) == {"name", "phone"}
    same = organisations.upsert(
        world.admin,
        Organisation(kind=OrganisationKind.ENTERPRISE, name="甲（新名）", credit_code=CODE),
    )
    assert same.changed_fields == ()
    assert organisations.list(world.admin, q="甲（新名）").total == 1
    with pytest.raises(Conflict):
        organisations.create(
            world.admin,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="另一家", credit_code=CODE),
        )


def test_invalid_credit_code_is_a_validation_error(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        organisations.upsert(
            world.admin,
            Organisation.model_construct(
                kind=OrganisationKind.ENTERPRISE, name="甲", credit_code=CODE[:-1] + "0"
            ),
        )
    assert caught.value.details[0].field == "credit_code"


def test_experts_merge_by_name_and_affiliation_with_their_works(world: World) -> None:
    before = experts.list(world.admin).total
    merged = experts.upsert(
        world.admin,
        Expert(
            name="张工",
            affiliation="兰州大学",
            title="教授",
            works=[
                Work(kind="patent", title="张工的加氢站专利"),  # already known
                Work(kind="paper", title="天然气掺氢输送"),
            ],
        ),
    )
    assert not merged.created
    assert merged.record.id == world.expert_a
    assert merged.record.title == "教授"
    assert sorted(w.title for w in merged.record.works) == ["天然气掺氢输送", "张工的加氢站专利"]
    other = experts.upsert(world.admin, Expert(name="张工", affiliation="兰州理工大学"))
    assert other.created
    assert experts.list(world.admin).total == before + 1
