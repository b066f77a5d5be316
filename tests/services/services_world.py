"""A small two-region world, built through the services, with one signed-in actor per role
(imported by this folder's conftest and tests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kechuang.domain import (
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Expert,
    ExpertContact,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    User,
    Work,
)
from kechuang.services import demands, experts, organisations, regions, transaction, users

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    """Ids and actors of the test world: region A (兰州新区) and region B (另一试点)."""

    region_a: int
    region_b: int
    enterprise_a: int
    enterprise_b: int
    society: int
    expert_a: int
    expert_b: int
    demand_public: int
    demand_members: int
    demand_nda: int
    demand_draft: int
    admin: Actor
    operator_a: Actor
    operator_b: Actor
    member_a: Actor
    member_b: Actor
    expert_user_a: Actor
    anonymous: Actor


def _id(value: int | None) -> int:
    assert value is not None
    return value


@pytest.fixture
def world(database_url: str) -> World:
    """Build the world in one transaction."""
    system = Actor.system("test")
    with transaction():
        region_a = _id(regions.create(system, Region(name="兰州新区", kind="new_area")).id)
        region_b = _id(regions.create(system, Region(name="另一试点")).id)

        def organisation(region: int | None, kind: OrganisationKind, name: str) -> int:
            return _id(
                organisations.create(
                    system, Organisation(kind=kind, name=name, region_id=region)
                ).id
            )

        enterprise_a = organisation(region_a, OrganisationKind.ENTERPRISE, "甲化工（演示）")
        enterprise_b = organisation(region_b, OrganisationKind.ENTERPRISE, "乙材料（演示）")
        society = organisation(None, OrganisationKind.NATIONAL_SOCIETY, "中国化工学会")

        def expert(region: int, name: str) -> int:
            return _id(
                experts.create(
                    system,
                    Expert(
                        name=name,
                        affiliation="兰州大学",
                        region_id=region,
                        contact=ExpertContact(phone="13800000000", email=f"{name}@example.org"),
                        works=[Work(kind="patent", title=f"{name}的加氢站专利")],
                    ),
                ).id
            )

        expert_a = expert(region_a, "张工")
        expert_b = expert(region_b, "李工")

        def demand(tier: ConfidentialityTier, status: DemandStatus, title: str) -> int:
            return _id(
                demands.create(
                    system,
                    Demand(
                        region_id=region_a,
                        enterprise_id=enterprise_a,
                        title=title,
                        key_problems=f"{title}的关键难题（保密）",
                        industry_codes=["2614"],
                        tier=tier,
                        status=status,
                    ),
                ).id
            )

        demand_public = demand(ConfidentialityTier.PUBLIC, DemandStatus.PUBLISHED, "公开需求")
        demand_members = demand(ConfidentialityTier.MEMBERS, DemandStatus.PUBLISHED, "会员需求")
        demand_nda = demand(ConfidentialityTier.NDA, DemandStatus.PUBLISHED, "保密需求")
        demand_draft = demand(ConfidentialityTier.PUBLIC, DemandStatus.DRAFT, "草稿需求")

        def account(username: str, role: Role, **bindings: int | None) -> Actor:
            user = users.create(system, User(username=username, role=role, **bindings), PASSWORD)
            return Actor.of(user)

        admin = account("admin", Role.NATIONAL_ADMIN)
        operator_a = account("op_a", Role.REGION_OPERATOR, region_id=region_a)
        operator_b = account("op_b", Role.REGION_OPERATOR, region_id=region_b)
        member_a = account(
            "ent_a", Role.ENTERPRISE_MEMBER, region_id=region_a, organisation_id=enterprise_a
        )
        member_b = account(
            "ent_b", Role.ENTERPRISE_MEMBER, region_id=region_b, organisation_id=enterprise_b
        )
        expert_user_a = account("exp_a", Role.EXPERT, region_id=region_a, expert_id=expert_a)
    return World(
        region_a=region_a,
        region_b=region_b,
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        society=society,
        expert_a=expert_a,
        expert_b=expert_b,
        demand_public=demand_public,
        demand_members=demand_members,
        demand_nda=demand_nda,
        demand_draft=demand_draft,
        admin=admin,
        operator_a=operator_a,
        operator_b=operator_b,
        member_a=member_a,
        member_b=member_b,
        expert_user_a=expert_user_a,
        anonymous=Actor.anonymous(),
    )
