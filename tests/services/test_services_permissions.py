"""Permissions in the services: each role may do its own work and nothing else; refusals write
nothing; private data (expert contacts, demand details beyond the tier) never reaches the wrong
actor."""

from __future__ import annotations

import pytest
from services_world import PASSWORD, World

from kechuang.domain import (
    Demand,
    DemandStatus,
    Docking,
    Feedback,
    NotFound,
    Organisation,
    OrganisationKind,
    PermissionDenied,
    Role,
    User,
    Volunteer,
)
from kechuang.services import (
    audit,
    demands,
    dockings,
    experts,
    organisations,
    users,
    volunteers,
)


def _organisation_count(world: World) -> int:
    return organisations.list(world.admin, limit=500).total


def _audit_count(world: World) -> int:
    return audit.list(world.admin).total


def test_public_cannot_write_and_nothing_is_written(world: World) -> None:
    before = (_organisation_count(world), _audit_count(world))
    with pytest.raises(PermissionDenied):
        organisations.create(
            world.anonymous,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="匿名", region_id=world.region_a),
        )
    assert (_organisation_count(world), _audit_count(world)) == before


def test_operators_write_in_their_own_region_only(world: World) -> None:
    own = Organisation(kind=OrganisationKind.ENTERPRISE, name="丙公司", region_id=world.region_a)
    other = Organisation(kind=OrganisationKind.ENTERPRISE, name="丁公司", region_id=world.region_b)
    created = organisations.create(world.operator_a, own)
    assert created.region_id == world.region_a
    with pytest.raises(PermissionDenied):
        organisations.create(world.operator_a, other)
    with pytest.raises(PermissionDenied):  # public record: refused, not hidden
        organisations.update(world.operator_a, world.enterprise_b, {"name": "改名"})
    # National (region-less) bodies: operators may register and correct them, not archive them.
    organisations.update(world.operator_a, world.society, {"description": "已对接"})
    with pytest.raises(PermissionDenied):
        organisations.archive(world.operator_a, world.society)
    assert organisations.archive(world.admin, world.society).archived


def test_enterprise_members_edit_their_own_enterprise_only(world: World) -> None:
    updated = organisations.update(world.member_a, world.enterprise_a, {"employee_count": 120})
    assert updated.employee_count == 120
    with pytest.raises(PermissionDenied):
        organisations.update(world.member_a, world.enterprise_b, {"employee_count": 1})


def test_enterprise_posts_demands_but_only_operators_publish(world: World) -> None:
    demand = demands.create(
        world.member_a,
        Demand(
            region_id=world.region_a,
            enterprise_id=world.enterprise_a,
            title="氢气提纯",
            status=DemandStatus.PENDING_REVIEW,
        ),
    )
    assert demand.id is not None
    with pytest.raises(PermissionDenied):
        demands.update(world.member_a, demand.id, {"status": DemandStatus.PUBLISHED})
    with pytest.raises(PermissionDenied):
        demands.create(
            world.member_a,
            Demand(region_id=world.region_b, enterprise_id=world.enterprise_b, title="他人需求"),
        )
    with pytest.raises(NotFound):  # unpublished and not theirs: not even its existence
        demands.update(world.operator_b, demand.id, {"status": DemandStatus.PUBLISHED})
    published = demands.update(world.operator_a, demand.id, {"status": DemandStatus.PUBLISHED})
    assert published.published_at is not None


def test_expert_contacts_only_for_staff_of_their_region_and_the_expert(world: World) -> None:
    for actor in (world.anonymous, world.member_a, world.operator_b):
        assert experts.get(actor, world.expert_a).contact is None
        assert all(e.contact is None for e in experts.list(actor, region_id=world.region_a).items)
        assert all(e.contact is None for e in experts.all_with_works(actor, world.region_a))
    for actor in (world.admin, world.operator_a, world.expert_user_a):
        contact = experts.get(actor, world.expert_a).contact
        assert contact is not None
        assert contact.phone == "13800000000"


def test_experts_edit_their_own_profile_only(world: World) -> None:
    assert experts.update(world.expert_user_a, world.expert_a, {"capacity": 5}).capacity == 5
    with pytest.raises(PermissionDenied):
        experts.update(world.expert_user_a, world.expert_b, {"capacity": 5})


def test_demand_detail_follows_the_tier(world: World) -> None:
    # Public tier: anyone reads the detail.
    assert demands.get(world.anonymous, world.demand_public).key_problems
    # Members tier: teaser for the public, detail for any signed-in user.
    with pytest.raises(PermissionDenied):
        demands.get(world.anonymous, world.demand_members)
    assert demands.get_teaser(world.anonymous, world.demand_members).title == "会员需求"
    assert demands.get(world.member_b, world.demand_members).key_problems
    # NDA tier: signed-in users only after accepting; the owner and the operator always.
    with pytest.raises(PermissionDenied):
        demands.get(world.member_b, world.demand_nda)
    assert not demands.can_read_detail(world.member_b, world.demand_nda)
    demands.accept_nda(world.member_b, world.demand_nda)
    assert demands.get(world.member_b, world.demand_nda).key_problems
    assert demands.get(world.member_a, world.demand_nda).key_problems
    assert demands.get(world.operator_a, world.demand_nda).key_problems
    viewers = demands.nda_acceptances(world.member_a, world.demand_nda)
    assert [v.user_id for v in viewers] == [world.member_b.user_id]
    with pytest.raises(PermissionDenied):
        demands.nda_acceptances(world.member_b, world.demand_nda)
    assert audit.list(world.admin, action_name="demands.accept_nda").total == 1
    # The public cannot accept an NDA.
    with pytest.raises(PermissionDenied):
        demands.accept_nda(world.anonymous, world.demand_nda)


def test_demand_lists_show_only_what_the_actor_may_read(world: World) -> None:
    public_titles = {d.title for d in demands.list(world.anonymous).items}
    assert public_titles == {"公开需求"}
    member_titles = {d.title for d in demands.list(world.member_b).items}
    assert member_titles == {"公开需求", "会员需求"}
    owner_titles = {d.title for d in demands.list(world.member_a).items}
    assert owner_titles == {"公开需求", "会员需求", "保密需求", "草稿需求"}
    teasers = demands.list_teasers(world.anonymous)
    assert {t.title for t in teasers.items} == {"公开需求", "会员需求", "保密需求"}
    assert not hasattr(teasers.items[0], "key_problems")
    with pytest.raises(NotFound):  # unpublished: not even a teaser
        demands.get_teaser(world.anonymous, world.demand_draft)


def test_volunteers_are_for_staff_and_the_public_sees_the_count(world: World) -> None:
    volunteers.create(world.operator_a, Volunteer(name="王志愿", region_id=world.region_a))
    with pytest.raises(PermissionDenied):
        volunteers.list(world.anonymous)
    assert volunteers.count(world.anonymous, region_id=world.region_a) == 1
    assert volunteers.list(world.operator_b).total == 0
    assert volunteers.list(world.operator_a).total == 1


def test_docking_parties_act_others_do_not_see(world: World) -> None:
    docking = dockings.create(
        world.member_a,
        Docking(
            region_id=world.region_a,
            demand_id=world.demand_nda,
            target_kind="expert",
            target_id=world.expert_a,
        ),
    )
    assert docking.id is not None
    # The expert accepts (contacted) and now reads the NDA demand as a docked party.
    dockings.transition(world.expert_user_a, docking.id, "contacted")
    assert demands.get(world.expert_user_a, world.demand_nda).key_problems
    for outsider in (world.member_b, world.operator_b, world.anonymous):
        with pytest.raises((NotFound, PermissionDenied)):
            dockings.get(outsider, docking.id)
        with pytest.raises((NotFound, PermissionDenied)):
            dockings.transition(outsider, docking.id, "meeting")
    assert dockings.list(world.member_b).total == 0
    assert dockings.list(world.expert_user_a).total == 1
    # Each side gives its own feedback only.
    with pytest.raises(PermissionDenied):
        dockings.give_feedback(world.expert_user_a, docking.id, "enterprise", Feedback(rating=5))
    after = dockings.give_feedback(world.expert_user_a, docking.id, "provider", Feedback(rating=4))
    assert after.provider_feedback is not None
    assert after.provider_feedback.rating == 4


def test_operators_manage_their_region_users_but_not_admins(world: World) -> None:
    with pytest.raises(PermissionDenied):
        users.create(world.operator_a, User(username="root2", role=Role.NATIONAL_ADMIN), PASSWORD)
    with pytest.raises(PermissionDenied):
        users.create(
            world.operator_a,
            User(username="x_b", role=Role.REGION_OPERATOR, region_id=world.region_b),
            PASSWORD,
        )
    created = users.create(
        world.operator_a,
        User(
            username="ent_a2",
            role=Role.ENTERPRISE_MEMBER,
            region_id=world.region_a,
            organisation_id=world.enterprise_a,
        ),
        PASSWORD,
    )
    assert created.id is not None
    with pytest.raises(PermissionDenied):  # cannot promote into an admin
        users.update(world.operator_a, created.id, {"role": Role.NATIONAL_ADMIN, "region_id": None})
    with pytest.raises(PermissionDenied):  # users may not change their own role
        users.update(world.member_a, world.member_a.user_id or 0, {"role": Role.REGION_OPERATOR})
    assert users.update(world.member_a, world.member_a.user_id or 0, {"display_name": "甲"})


def test_operators_read_their_region_audit_log_only(world: World) -> None:
    organisations.update(world.operator_b, world.enterprise_b, {"description": "乙"})
    entries = audit.list(world.operator_a, limit=500).items
    assert entries
    assert all(entry.region_id == world.region_a for entry in entries)
    with pytest.raises(PermissionDenied):
        audit.list(world.member_a)
