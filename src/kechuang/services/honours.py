"""Honour lists: calls for nominations, review rounds with reviewer scores, publication."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kechuang.domain import (
    Actor,
    Conflict,
    HonourEntry,
    HonourList,
    HonourListKind,
    HonourListStatus,
    Nomination,
    NotFound,
    Page,
    ReviewRound,
    ReviewScore,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.repositories import Repository

KIND: _crud.Kind[HonourList] = _crud.Kind(
    "honour_list", "榜单", "Honour list", lambda uow: uow.honours, "honours.get"
)


def _conflict_status(honour_list: HonourList, needed: HonourListStatus) -> Conflict:
    return Conflict(
        f"榜单当前状态为「{honour_list.status.value}」，该操作需要「{needed.value}」",
        f"The list is '{honour_list.status.value}'; this needs '{needed.value}'",
        fix_zh="请先推进榜单状态",
        fix_en="Move the list to the right phase first",
    )


@action("honours.create")
def create(actor: Actor, honour_list: HonourList) -> HonourList:
    """Open a new edition of an honour list (starts empty, nominating)."""
    honour_list = validate(
        HonourList,
        honour_list.model_copy(update={"nominations": [], "review_rounds": [], "entries": []}),
    )
    return _crud.create(actor, "honours.create", KIND, honour_list)


@action("honours.update")
def update(actor: Actor, honour_list_id: int, changes: Mapping[str, Any]) -> HonourList:
    """Change the title, year or phase (nominations, rounds, entries have their own actions)."""
    return _crud.update(
        actor,
        "honours.update",
        KIND,
        honour_list_id,
        changes,
        extra_read_only=("nominations", "review_rounds", "entries"),
    )


@action("honours.get")
def get(actor: Actor, honour_list_id: int) -> HonourList:
    """One honour list (under review: staff and reviewers only)."""
    return _crud.load(actor, "honours.get", KIND, honour_list_id)


@action("honours.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    kind: HonourListKind | None = None,
    year: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[HonourList]:
    """Honour lists; lists under review are shown to staff only."""
    policy.require(actor, "honours.list")
    scope: dict[str, Any] = {}
    if not policy.staff(actor, region_id):
        scope["status_in"] = [HonourListStatus.NOMINATING, HonourListStatus.PUBLISHED]
    return _crud.page(KIND, offset, limit, region_id=region_id, kind=kind, year=year, **scope)


@action("honours.archive")
def archive(actor: Actor, honour_list_id: int) -> HonourList:
    """Hide an honour list."""
    return _crud.archive(actor, "honours.archive", KIND, honour_list_id)


def _write(
    actor: Actor, name: str, before: HonourList, after: HonourList, *, checked: bool = False
) -> HonourList:
    return _crud.save(
        actor, name, KIND, before, validate(HonourList, after), change="update", checked=checked
    )


@action("honours.nominate")
def nominate(actor: Actor, honour_list_id: int, nomination: Nomination) -> HonourList:
    """Nominate an organisation, achievement, expert or person while nominations are open."""
    before = _crud.load(actor, "honours.get", KIND, honour_list_id)
    policy.require(actor, "honours.nominate", before)
    nomination = validate(Nomination, nomination).model_copy(
        update={"id": None, "nominated_by_user_id": actor.user_id, "nominated_at": utcnow()}
    )
    if nomination.nominee_id is not None:
        uow = unit_of_work()
        repositories: dict[str, Repository[Any]] = {
            "organisation": uow.organisations,
            "achievement": uow.achievements,
            "expert": uow.experts,
        }
        repository = repositories.get(nomination.nominee_kind.value)
        if repository is not None and repository.get(nomination.nominee_id) is None:
            raise NotFound.of("被提名对象", "Nominee", nomination.nominee_id)
    after = before.model_copy(update={"nominations": [*before.nominations, nomination]})
    return _crud.save(actor, "honours.nominate", KIND, before, after, change="update")


@action("honours.open_round")
def open_round(
    actor: Actor, honour_list_id: int, number: int, reviewer_expert_ids: Sequence[int]
) -> HonourList:
    """Open review round ``number`` with its reviewers; the list moves to 'reviewing'."""
    before = _crud.load(actor, "honours.open_round", KIND, honour_list_id)
    if before.status is HonourListStatus.PUBLISHED:
        raise _conflict_status(before, HonourListStatus.REVIEWING)
    if any(existing.number == number for existing in before.review_rounds):
        raise Conflict(
            f"第 {number} 轮评审已存在",
            f"Review round {number} already exists",
            fix_zh="请使用下一个轮次编号",
            fix_en="Use the next round number",
        )
    found = unit_of_work().experts.get_many(reviewer_expert_ids)
    missing = [str(i) for i in reviewer_expert_ids if i not in found]
    if missing:
        raise NotFound.of("评审专家", "Reviewer", ", ".join(missing))
    new_round = ReviewRound(
        number=number, reviewer_expert_ids=[*reviewer_expert_ids], opened_on=utcnow().date()
    )
    after = before.model_copy(
        update={
            "review_rounds": [*before.review_rounds, new_round],
            "status": HonourListStatus.REVIEWING,
        }
    )
    return _write(actor, "honours.open_round", before, after)


def _round(honour_list: HonourList, number: int) -> ReviewRound:
    for review_round in honour_list.review_rounds:
        if review_round.number == number:
            return review_round
    raise NotFound.of("评审轮次", "Review round", number)


@action("honours.score")
def score(actor: Actor, honour_list_id: int, round_number: int, score: ReviewScore) -> HonourList:
    """A reviewer scores one nomination in an open round (re-scoring replaces the score)."""
    before = KIND.repo().get(honour_list_id)
    if before is None:
        raise KIND.not_found(honour_list_id)
    review_round = _round(before, round_number)
    policy.require(
        actor,
        "honours.score",
        policy.ReviewAccess(before, frozenset(review_round.reviewer_expert_ids)),
    )
    score = validate(ReviewScore, score)
    if review_round.closed_on is not None:
        raise Conflict("该轮评审已结束", "This review round is closed", fix_zh="", fix_en="")
    if score.reviewer_expert_id not in review_round.reviewer_expert_ids:
        raise ValidationError.single(
            "reviewer_expert_id",
            problem_zh="该专家不是本轮评审专家",
            problem_en="this expert is not a reviewer of the round",
            fix_zh="请选择本轮的评审专家",
            fix_en="Choose one of the round's reviewers",
        )
    if (
        actor.expert_id is not None
        and not policy.staff(actor, before.region_id)
        and score.reviewer_expert_id != actor.expert_id
    ):
        raise ValidationError.single(
            "reviewer_expert_id",
            problem_zh="只能以本人身份评分",
            problem_en="you can only score as yourself",
        )
    if all(n.id != score.nomination_id for n in before.nominations):
        raise NotFound.of("提名", "Nomination", score.nomination_id)
    scores = [
        existing
        for existing in review_round.scores
        if (existing.nomination_id, existing.reviewer_expert_id)
        != (score.nomination_id, score.reviewer_expert_id)
    ]
    updated_round = review_round.model_copy(update={"scores": [*scores, score]})
    rounds = [updated_round if r.number == round_number else r for r in before.review_rounds]
    after = before.model_copy(update={"review_rounds": rounds})
    return _write(actor, "honours.score", before, after, checked=True)


@action("honours.close_round")
def close_round(actor: Actor, honour_list_id: int, round_number: int) -> HonourList:
    """Close a review round; its scores are final."""
    before = _crud.load(actor, "honours.close_round", KIND, honour_list_id)
    closed = _round(before, round_number).model_copy(update={"closed_on": utcnow().date()})
    rounds = [closed if r.number == round_number else r for r in before.review_rounds]
    return _write(
        actor, "honours.close_round", before, before.model_copy(update={"review_rounds": rounds})
    )


@action("honours.publish")
def publish(actor: Actor, honour_list_id: int, entries: Sequence[HonourEntry]) -> HonourList:
    """Publish the list with its ranked entries (each a nomination of this list)."""
    before = _crud.load(actor, "honours.publish", KIND, honour_list_id)
    nomination_ids = {n.id for n in before.nominations}
    checked = [validate(HonourEntry, entry).model_copy(update={"id": None}) for entry in entries]
    unknown = [str(e.nomination_id) for e in checked if e.nomination_id not in nomination_ids]
    if unknown:
        raise ValidationError.single(
            "entries",
            problem_zh=f"提名 {', '.join(unknown)} 不属于本榜单",
            problem_en=f"nominations {', '.join(unknown)} are not on this list",
            fix_zh="只能发布本榜单的提名",
            fix_en="Publish only this list's nominations",
        )
    after = before.model_copy(update={"entries": checked, "status": HonourListStatus.PUBLISHED})
    return _write(actor, "honours.publish", before, after)
