"""Region dockings, events (invitations, attendance, trainees, resulting dockings), honour lists
(nominations, review rounds, publication) and achievement drafts — through the services."""

from __future__ import annotations

from datetime import date

import pytest
from services_world import World

from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Commitment,
    Conflict,
    Docking,
    Event,
    EventKind,
    HonourEntry,
    HonourList,
    HonourListKind,
    HonourListStatus,
    Nomination,
    NotFound,
    ParticipantKind,
    Participation,
    PermissionDenied,
    RegionDocking,
    ReviewScore,
    ValidationError,
)
from kechuang.services import achievements, dockings, events, honours, regions


def test_region_docks_a_national_society_once(world: World) -> None:
    docked = regions.dock(
        world.operator_a,
        RegionDocking(
            region_id=world.region_a,
            organisation_id=world.society,
            signed_on=date(2024, 3, 1),
            commitments=[Commitment(description="服务企业技术需求", target=10, unit="项")],
        ),
    )
    assert docked.commitments[0].target == 10
    with pytest.raises(Conflict):
        regions.dock(
            world.admin,
            RegionDocking(
                region_id=world.region_a, organisation_id=world.society, signed_on=date(2024, 4, 1)
            ),
        )
    with pytest.raises(PermissionDenied):
        regions.dock(
            world.operator_b,
            RegionDocking(
                region_id=world.region_a, organisation_id=world.enterprise_a, signed_on=date.today()
            ),
        )
    assert [d.organisation_id for d in regions.list_dockings(world.anonymous, world.region_a)] == [
        world.society
    ]
    regions.end_docking(world.operator_a, docked.id or 0, date(2025, 3, 1))
    assert regions.list_dockings(world.anonymous, world.region_a, include_ended=False) == []


def test_event_attendance_trainees_and_resulting_dockings(world: World) -> None:
    event = events.create(
        world.operator_a,
        Event(
            region_id=world.region_a,
            kind=EventKind.TRAINING,
            title="技术经理人培训",
            starts_on=date(2024, 6, 1),
            organiser_ids=[world.society],
        ),
    )
    assert event.id is not None
    invited = events.invite(
        world.operator_a,
        event.id,
        [
            Participation(participant_kind=ParticipantKind.EXPERT, participant_id=world.expert_a),
            Participation(
                participant_kind=ParticipantKind.ORGANISATION, participant_id=world.enterprise_a
            ),
        ],
    )
    assert len(invited.participants) == 2
    attended = events.record_attendance(
        world.operator_a,
        event.id,
        [
            Participation(
                participant_kind=ParticipantKind.EXPERT,
                participant_id=world.expert_a,
                attended=True,
            )
        ],
        trainee_count=120,
    )
    assert attended.trainee_count == 120
    assert {(p.participant_id, p.attended) for p in attended.participants} == {
        (world.expert_a, True),
        (world.enterprise_a, False),
    }
    docking = dockings.create(
        world.operator_a,
        Docking(
            region_id=world.region_a,
            demand_id=world.demand_public,
            target_kind="expert",
            target_id=world.expert_a,
        ),
    )
    linked = events.link_docking(world.operator_a, event.id, docking.id or 0)
    assert linked.docking_ids == [docking.id]
    assert dockings.get(world.admin, docking.id or 0).event_id == event.id
    with pytest.raises(NotFound):
        events.invite(
            world.operator_a,
            event.id,
            [Participation(participant_kind=ParticipantKind.EXPERT, participant_id=99999)],
        )
    with pytest.raises(ValidationError):
        events.record_attendance(world.operator_a, event.id, [], trainee_count=-1)
    with pytest.raises(PermissionDenied):
        events.record_attendance(world.operator_b, event.id, [], trainee_count=5)
    assert events.get(world.anonymous, event.id).trainee_count == 120
    assert events.list(world.anonymous, region_id=world.region_a, year=2024).total == 1
    assert events.list(world.anonymous, region_id=world.region_a, year=2023).total == 0


def test_honour_list_nominations_review_and_publication(world: World) -> None:
    honour_list = honours.create(
        world.operator_a,
        HonourList(
            kind=HonourListKind.EMERGING_ENTERPRISES,
            year=2024,
            title="2024 新锐企业榜",
            region_id=world.region_a,
        ),
    )
    list_id = honour_list.id or 0
    nominated = honours.nominate(
        world.member_a,
        list_id,
        Nomination(nominee_kind="organisation", nominee_id=world.enterprise_a, nominee_name="甲"),
    )
    nomination_id = nominated.nominations[0].id or 0
    assert nominated.nominations[0].nominated_by_user_id == world.member_a.user_id
    with pytest.raises(PermissionDenied):  # another region's user
        honours.nominate(
            world.member_b,
            list_id,
            Nomination(
                nominee_kind="organisation", nominee_id=world.enterprise_b, nominee_name="乙"
            ),
        )
    reviewing = honours.open_round(world.operator_a, list_id, 1, [world.expert_a])
    assert reviewing.status is HonourListStatus.REVIEWING
    # Under review: hidden from the public, visible to the reviewer.
    assert honours.list(world.anonymous, region_id=world.region_a).total == 0
    with pytest.raises(NotFound):
        honours.get(world.anonymous, list_id)
    assert honours.get(world.expert_user_a, list_id).id == list_id
    scored = honours.score(
        world.expert_user_a,
        list_id,
        1,
        ReviewScore(nomination_id=nomination_id, reviewer_expert_id=world.expert_a, score=88),
    )
    assert scored.review_rounds[0].scores[0].score == 88
    rescored = honours.score(
        world.expert_user_a,
        list_id,
        1,
        ReviewScore(nomination_id=nomination_id, reviewer_expert_id=world.expert_a, score=91),
    )
    assert [s.score for s in rescored.review_rounds[0].scores] == [91]
    with pytest.raises(PermissionDenied):  # not a reviewer of this round
        honours.score(
            world.member_a,
            list_id,
            1,
            ReviewScore(nomination_id=nomination_id, reviewer_expert_id=world.expert_a, score=1),
        )
    honours.close_round(world.operator_a, list_id, 1)
    with pytest.raises(Conflict):
        honours.score(
            world.expert_user_a,
            list_id,
            1,
            ReviewScore(nomination_id=nomination_id, reviewer_expert_id=world.expert_a, score=50),
        )
    with pytest.raises(ValidationError):
        honours.publish(world.operator_a, list_id, [HonourEntry(nomination_id=12345, rank=1)])
    published = honours.publish(
        world.operator_a, list_id, [HonourEntry(nomination_id=nomination_id, rank=1)]
    )
    assert published.status is HonourListStatus.PUBLISHED
    public = honours.get(world.anonymous, list_id)
    assert [(e.nomination_id, e.rank) for e in public.entries] == [(nomination_id, 1)]


def test_achievement_drafts_are_for_their_editors(world: World) -> None:
    draft = achievements.create(
        world.member_a,
        Achievement(
            title="天然气掺氢技术",
            owner_organisation_id=world.enterprise_a,
            region_id=world.region_a,
            trl=6,
            transfer_modes=["licence", "joint_development"],
            status=AchievementStatus.DRAFT,
        ),
    )
    with pytest.raises(NotFound):
        achievements.get(world.anonymous, draft.id or 0)
    assert achievements.list(world.anonymous).total == 0
    assert achievements.get(world.operator_a, draft.id or 0).trl == 6
    achievements.update(world.member_a, draft.id or 0, {"status": AchievementStatus.PUBLISHED})
    found = achievements.list(world.anonymous, transfer_mode="licence", min_trl=5)
    assert [a.title for a in found.items] == ["天然气掺氢技术"]
    assert achievements.list(world.anonymous, min_trl=7).total == 0
    with pytest.raises(PermissionDenied):  # published, so visible: refused, not hidden
        achievements.update(world.member_b, draft.id or 0, {"trl": 9})
