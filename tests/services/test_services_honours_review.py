"""The operator's side of events and honour lists in the services: parties and reviewers proposed
by the matcher on a real index, the conflict rules (same organisation, co-authorship, the nominee
themself), rounds in order with a shortlist, and who sees what of a list."""

from __future__ import annotations

import pytest
from services_world import World

from kechuang.domain import (
    Actor,
    Conflict,
    Event,
    EventKind,
    Expert,
    HonourEntry,
    HonourList,
    HonourListKind,
    Nomination,
    NotFound,
    PermissionDenied,
    ReviewScore,
    ValidationError,
    Work,
)
from kechuang.match.engine import MatchIndex
from kechuang.services import events, experts, honours, matching

SYSTEM = Actor.system("test")


def _expert(world: World, name: str, *, affiliation: int | None = None, title: str = "") -> int:
    created = experts.create(
        SYSTEM,
        Expert(
            name=name,
            region_id=world.region_a,
            affiliation_id=affiliation,
            keywords=["加氢", "催化"],
            works=[Work(kind="paper", title=title or f"{name}：加氢催化研究", keywords=["加氢"])],
        ),
    )
    assert created.id is not None
    return created.id


def _index() -> MatchIndex:
    return matching.build_index(SYSTEM, lexical_only=True)


@pytest.fixture
def review_world(world: World) -> tuple[World, dict[str, int], int]:
    """A list nominating enterprise A and an expert, and four candidate reviewers."""
    people = {
        "colleague": _expert(world, "同事", affiliation=world.enterprise_a, title="加氢站压缩机"),
        "coauthor": _expert(world, "合作者", title="加氢站压缩机"),
        "nominee": _expert(world, "候选人"),
        "clean": _expert(world, "独立专家"),
    }
    honour_list = honours.create(
        world.operator_a,
        HonourList(
            kind=HonourListKind.EMERGING_ENTERPRISES,
            year=2030,
            title="2030 新锐企业榜",
            region_id=world.region_a,
        ),
    )
    list_id = honour_list.id or 0
    honours.nominate(
        world.member_a,
        list_id,
        Nomination(
            nominee_kind="organisation",
            nominee_id=world.enterprise_a,
            nominee_name="甲",
            reason="加氢催化剂",
        ),
    )
    honours.nominate(
        world.operator_a,
        list_id,
        Nomination(nominee_kind="expert", nominee_id=people["nominee"], nominee_name="候选人"),
    )
    return world, people, list_id


def test_each_conflict_rule_is_found(review_world: tuple[World, dict[str, int], int]) -> None:
    world, people, list_id = review_world
    found = honours.reviewer_conflicts(world.operator_a, list_id, [*people.values()])
    assert found == {
        people["colleague"]: ["同一单位 / same organisation"],
        people["coauthor"]: ["合作发表 / co-authorship"],
        people["nominee"]: ["评审对象本人 / the candidate themself"],
    }
    with pytest.raises(ValidationError) as refused:
        honours.open_round(world.operator_a, list_id, 1, [people["clean"], people["coauthor"]])
    assert "合作者" in str(refused.value.lines("zh"))
    assert honours.get(world.operator_a, list_id).review_rounds == []


def test_proposed_reviewers_leave_the_conflicted_out(
    review_world: tuple[World, dict[str, int], int],
) -> None:
    world, people, list_id = review_world
    proposal = honours.propose_reviewers(world.operator_a, _index(), list_id, k=10)
    chosen = [c.expert_id for c in proposal.candidates]
    assert people["clean"] in chosen
    assert not {people["colleague"], people["coauthor"], people["nominee"]} & set(chosen)
    left_out = {c.expert_id for c in proposal.excluded}
    assert {people["colleague"], people["coauthor"], people["nominee"]} <= left_out
    assert all(c.evidence for c in proposal.candidates)
    with pytest.raises(PermissionDenied):
        honours.propose_reviewers(world.member_a, _index(), list_id)


def test_rounds_in_order_on_a_shortlist(review_world: tuple[World, dict[str, int], int]) -> None:
    world, people, list_id = review_world
    with pytest.raises(ValidationError):
        honours.open_round(world.operator_a, list_id, 2, [people["clean"]])
    opened = honours.open_round(world.operator_a, list_id, 1, [people["clean"], world.expert_a])
    first, second = (n.id or 0 for n in opened.nominations)
    with pytest.raises(Conflict):  # round 1 still open
        honours.open_round(world.operator_a, list_id, 2, [people["clean"]])
    with pytest.raises(Conflict):
        honours.publish(world.operator_a, list_id, [HonourEntry(nomination_id=first, rank=1)])
    honours.score(
        world.expert_user_a,
        list_id,
        1,
        ReviewScore(nomination_id=first, reviewer_expert_id=world.expert_a, score=80),
    )
    honours.close_round(world.operator_a, list_id, 1)
    with pytest.raises(Conflict):
        honours.close_round(world.operator_a, list_id, 1)
    with pytest.raises(ValidationError):  # not a nomination of round 1
        honours.open_round(world.operator_a, list_id, 2, [world.expert_a], [999_999])
    reviewing = honours.open_round(world.operator_a, list_id, 2, [world.expert_a], [first])
    assert reviewing.review_rounds[1].nomination_ids == [first]
    with pytest.raises(NotFound):  # off the shortlist
        honours.score(
            world.expert_user_a,
            list_id,
            2,
            ReviewScore(nomination_id=second, reviewer_expert_id=world.expert_a, score=90),
        )
    mine = honours.my_reviews(world.expert_user_a)
    assert [h.id for h in mine] == [list_id]
    assert {s.reviewer_expert_id for r in mine[0].review_rounds for s in r.scores} == {
        world.expert_a
    }
    results = honours.round_results(
        honours.get(world.operator_a, list_id), reviewing.review_rounds[0]
    )
    assert [(r.nomination.id, r.mean, r.scored_by) for r in results] == [
        (first, 80.0, 1),
        (second, None, 0),
    ]


def test_who_sees_what_of_a_list(review_world: tuple[World, dict[str, int], int]) -> None:
    world, _people, list_id = review_world
    # While nominating: the member sees their own nomination, the public none.
    assert [n.nominee_name for n in honours.get(world.member_a, list_id).nominations] == ["甲"]
    assert honours.get(world.anonymous, list_id).nominations == []
    assert len(honours.get(world.operator_a, list_id).nominations) == 2
    opened = honours.open_round(world.operator_a, list_id, 1, [world.expert_a])
    first = opened.nominations[0].id or 0
    honours.score(
        world.operator_a,
        list_id,
        1,
        ReviewScore(nomination_id=first, reviewer_expert_id=world.expert_a, score=77),
    )
    honours.close_round(world.operator_a, list_id, 1)
    honours.publish(world.operator_a, list_id, [HonourEntry(nomination_id=first, rank=1)])
    public = honours.get(world.anonymous, list_id)
    assert [n.id for n in public.nominations] == [first]
    assert public.nominations[0].nominated_by_user_id is None
    assert [(r.reviewer_expert_ids, r.scores) for r in public.review_rounds] == [([], [])]
    listed = honours.list(world.anonymous, region_id=world.region_a).items
    assert [len(h.nominations) for h in listed] == [1]


def test_parties_proposed_for_an_event(world: World) -> None:
    event = events.create(
        world.operator_a,
        Event(
            region_id=world.region_a,
            kind=EventKind.DOCKING_EVENT,
            title="加氢站专利对接会",
            description="加氢站技术",
            starts_on="2030-01-01",
            organiser_ids=[world.enterprise_a],
        ),
    )
    proposed = events.propose_participants(world.operator_a, _index(), event.id or 0, k=5)
    ids = {(p.participant_kind.value, p.participant_id) for p in proposed}
    assert ("expert", world.expert_a) in ids
    assert ("expert", world.expert_b) not in ids  # another region
    assert ("organisation", world.enterprise_a) not in ids  # the organiser
    with pytest.raises(ValidationError):
        events.update(world.operator_a, event.id or 0, {"industry_codes": ["nope"]})
