"""Honour lists: calls for nominations, review rounds with reviewer scores, publication."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import fmean
from typing import Any

from kechuang.domain import (
    Actor,
    Conflict,
    Expert,
    HonourEntry,
    HonourList,
    HonourListKind,
    HonourListStatus,
    Nomination,
    NotFound,
    Page,
    ReviewRound,
    ReviewScore,
    Role,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.domain.honour import NomineeKind
from kechuang.match import conflicts as conflict_rules
from kechuang.match.engine import MatchIndex
from kechuang.services import _crud, matching, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.repositories import Repository

__plumbing__ = ("visible", "round_scope", "round_results", "nomination_text")
"""Public helpers that are not service actions (pure functions over domain records)."""

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


def _reviews(actor: Actor, honour_list: HonourList) -> bool:
    return actor.role is Role.EXPERT and any(
        actor.expert_id in r.reviewer_expert_ids for r in honour_list.review_rounds
    )


def visible(actor: Actor, honour_list: HonourList) -> HonourList:
    """What ``actor`` may see of a list: staff see everything; a reviewer sees the nominations
    and only their own scores; everyone else sees the published entries' nominations and their
    own nominations, and no reviewers or scores (who reviewed whom stays with the staff)."""
    if _list_staff(actor, honour_list):
        return honour_list
    reviewer = _reviews(actor, honour_list)
    listed = {entry.nomination_id for entry in honour_list.entries}
    nominations = [
        nomination
        if nomination.nominated_by_user_id == actor.user_id and actor.user_id is not None
        else nomination.model_copy(update={"nominated_by_user_id": None})
        for nomination in honour_list.nominations
        if reviewer
        or nomination.id in listed
        or (actor.user_id is not None and nomination.nominated_by_user_id == actor.user_id)
    ]
    rounds = [
        review_round.model_copy(
            update={
                "reviewer_expert_ids": [actor.expert_id]
                if reviewer and actor.expert_id in review_round.reviewer_expert_ids
                else [],
                "scores": [
                    score
                    for score in review_round.scores
                    if reviewer and score.reviewer_expert_id == actor.expert_id
                ],
            }
        )
        for review_round in honour_list.review_rounds
    ]
    return honour_list.model_copy(update={"nominations": nominations, "review_rounds": rounds})


def _list_staff(actor: Actor, honour_list: HonourList) -> bool:
    return policy.allowed(actor, "honours.update", honour_list)


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
    """One honour list (under review: staff and reviewers only), as the actor may see it."""
    return visible(actor, _crud.load(actor, "honours.get", KIND, honour_list_id))


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
    page = _crud.page(KIND, offset, limit, region_id=region_id, kind=kind, year=year, **scope)
    return replace(page, items=[visible(actor, item) for item in page.items])


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
    return visible(
        actor, _crud.save(actor, "honours.nominate", KIND, before, after, change="update")
    )


def round_scope(honour_list: HonourList, review_round: ReviewRound) -> builtins.list[Nomination]:
    """The nominations a round reviews: its shortlist, or every nomination when it has none."""
    if not review_round.nomination_ids:
        return [*honour_list.nominations]
    wanted = set(review_round.nomination_ids)
    return [n for n in honour_list.nominations if n.id in wanted]


@dataclass(frozen=True)
class NominationResult:
    """A nomination's scores in one round: the mean, and how many reviewers scored it."""

    nomination: Nomination
    mean: float | None
    scored_by: int


def round_results(
    honour_list: HonourList, review_round: ReviewRound
) -> builtins.list[NominationResult]:
    """The round's nominations ranked by mean score (unscored last, then by nomination order)."""
    results = []
    for nomination in round_scope(honour_list, review_round):
        values = [s.score for s in review_round.scores if s.nomination_id == nomination.id]
        results.append(NominationResult(nomination, fmean(values) if values else None, len(values)))
    order = {n.id: i for i, n in enumerate(honour_list.nominations)}
    return sorted(
        results,
        key=lambda r: (r.mean is None, -(r.mean or 0.0), order.get(r.nomination.id, 0)),
    )


def nomination_text(nominations: Sequence[Nomination]) -> str:
    """The text reviewers are matched by: the nominees' names and the nomination reasons, plus
    the registered profiles behind them (read in the caller's unit of work)."""
    uow = unit_of_work()
    parts: builtins.list[str] = []
    by_kind: dict[NomineeKind, builtins.list[int]] = {}
    for nomination in nominations:
        parts.extend(p for p in (nomination.nominee_name, nomination.reason) if p)
        if nomination.nominee_id is not None:
            by_kind.setdefault(nomination.nominee_kind, []).append(nomination.nominee_id)
    for organisation in uow.organisations.get_many(
        by_kind.get(NomineeKind.ORGANISATION, [])
    ).values():
        parts.extend([" ".join(organisation.keywords), organisation.description])
    for achievement in uow.achievements.get_many(by_kind.get(NomineeKind.ACHIEVEMENT, [])).values():
        parts.extend([achievement.title, " ".join(achievement.keywords), achievement.description])
    for expert in uow.experts.get_many(by_kind.get(NomineeKind.EXPERT, [])).values():
        parts.extend([" ".join(expert.keywords), *(w.title for w in expert.works[:10])])
    return " ".join(part for part in parts if part)


def _byline(expert: Expert) -> conflict_rules.Byline:
    """The expert's own names and the authors of their works (co-authorship by shared name)."""
    return conflict_rules.Byline(
        names=(expert.name, expert.name_en),
        authors=[author for work in expert.works for author in work.authors],
    )


def _reviewer_conflicts(
    nominations: Sequence[Nomination], candidates: Sequence[Expert]
) -> dict[int, builtins.list[conflict_rules.Conflict]]:
    """Conflicts of interest between candidate reviewers and the nominees: the same organisation
    (the nominee, the nominee's affiliation, an achievement's owner), co-authorship with a
    nominee or a member of a nominated organisation, and the nominee themself."""
    uow = unit_of_work()
    ids: dict[NomineeKind, set[int]] = {}
    for nomination in nominations:
        if nomination.nominee_id is not None:
            ids.setdefault(nomination.nominee_kind, set()).add(nomination.nominee_id)
    party_orgs = set(ids.get(NomineeKind.ORGANISATION, set()))
    party_experts = set(ids.get(NomineeKind.EXPERT, set()))
    for achievement in uow.achievements.get_many(ids.get(NomineeKind.ACHIEVEMENT, set())).values():
        if achievement.owner_organisation_id is not None:
            party_orgs.add(achievement.owner_organisation_id)
        if achievement.owner_expert_id is not None:
            party_experts.add(achievement.owner_expert_id)
    nominees = uow.experts.get_many(party_experts)
    party_orgs.update(e.affiliation_id for e in nominees.values() if e.affiliation_id is not None)
    people = {**nominees}
    if party_orgs:
        people.update(
            {e.id: e for e in uow.experts.all(affiliation_id_in=sorted(party_orgs)) if e.id}
        )
    party_titles = {w.title.strip().lower() for e in people.values() for w in e.works}

    def key(expert_id: int | None) -> str:
        return f"expert:{expert_id}"

    found = conflict_rules.conflicted_experts(
        conflict_rules.same_organisation(
            {f"organisation:{o}" for o in party_orgs},
            {
                key(c.id): {f"organisation:{c.affiliation_id}"}
                for c in candidates
                if c.affiliation_id is not None
            },
        ),
        conflict_rules.co_authorship(
            {f"work:{title}" for title in party_titles},
            {
                key(c.id): {f"work:{w.title.strip().lower()}" for w in c.works}
                for c in candidates
                if c.id not in people
            },
        ),
        conflict_rules.shared_authors(
            [_byline(e) for e in people.values()],
            {key(c.id): _byline(c) for c in candidates if c.id not in people},
        ),
        conflict_rules.is_party({key(e) for e in party_experts}, [key(c.id) for c in candidates]),
    )
    return {int(k.partition(":")[2]): v for k, v in found.items()}


def _refuse_conflicted(nominations: Sequence[Nomination], reviewers: Mapping[int, Expert]) -> None:
    found = _reviewer_conflicts(nominations, [*reviewers.values()])
    if not found:
        return
    lines = [
        f"{reviewers[expert_id].name}（{'；'.join(sorted({c.reason.label for c in found_for}))}）"
        for expert_id, found_for in sorted(found.items())
    ]
    raise ValidationError.single(
        "reviewer_expert_ids",
        problem_zh=f"以下专家与被提名对象存在利益冲突：{'、'.join(lines)}",
        problem_en=f"these experts have a conflict of interest with a nominee: {', '.join(lines)}",
        fix_zh="请改选其他评审专家（可使用系统推荐的无冲突专家）",
        fix_en="Choose other reviewers (the proposed reviewers are free of conflicts)",
    )


@action("honours.open_round")
def open_round(
    actor: Actor,
    honour_list_id: int,
    number: int,
    reviewer_expert_ids: Sequence[int],
    nomination_ids: Sequence[int] | None = None,
) -> HonourList:
    """Open review round ``number`` with its reviewers (free of conflicts with the nominees it
    reviews); the list moves to 'reviewing'. Rounds are opened in order, each after the one
    before is closed; a later round reviews a shortlist (``nomination_ids``) of the nominations
    the round before reviewed (by default the same ones)."""
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
    expected = len(before.review_rounds) + 1
    if number != expected:
        raise ValidationError.single(
            "number",
            problem_zh=f"下一轮应为第 {expected} 轮",
            problem_en=f"the next round is round {expected}",
            fix_zh=f"请开启第 {expected} 轮",
            fix_en=f"Open round {expected}",
        )
    previous = before.review_rounds[-1] if before.review_rounds else None
    if previous is not None and previous.closed_on is None:
        raise Conflict(
            f"第 {previous.number} 轮评审尚未结束",
            f"Review round {previous.number} is still open",
            fix_zh="请先结束上一轮评审",
            fix_en="Close the previous round first",
        )
    if not before.nominations:
        raise Conflict(
            "榜单还没有提名，无法评审",
            "The list has no nominations to review",
            fix_zh="请先提名候选对象",
            fix_en="Nominate candidates first",
        )
    reviewer_ids = [*dict.fromkeys(reviewer_expert_ids)]
    if not reviewer_ids:
        raise ValidationError.single(
            "reviewer_expert_ids",
            problem_zh="至少需要一位评审专家",
            problem_en="a round needs at least one reviewer",
            fix_zh="请勾选评审专家",
            fix_en="Tick the reviewers",
        )
    found = unit_of_work().experts.get_many(reviewer_ids)
    missing = [str(i) for i in reviewer_ids if i not in found]
    if missing:
        raise NotFound.of("评审专家", "Reviewer", ", ".join(missing))
    eligible = round_scope(before, previous) if previous is not None else [*before.nominations]
    eligible_ids = [n.id for n in eligible if n.id is not None]
    shortlist = [*dict.fromkeys(nomination_ids)] if nomination_ids else []
    outside = [str(i) for i in shortlist if i not in eligible_ids]
    if outside:
        raise ValidationError.single(
            "nomination_ids",
            problem_zh=f"提名 {', '.join(outside)} 不在上一轮的评审范围内",
            problem_en=f"nominations {', '.join(outside)} were not reviewed in the round before",
            fix_zh="入围名单只能从上一轮的提名中选择",
            fix_en="Shortlist only nominations of the previous round",
        )
    if previous is not None and not shortlist:
        shortlist = eligible_ids
    scope = [n for n in before.nominations if n.id in set(shortlist)] if shortlist else eligible
    _refuse_conflicted(scope, found)
    new_round = ReviewRound(
        number=number,
        reviewer_expert_ids=reviewer_ids,
        nomination_ids=shortlist,
        opened_on=utcnow().date(),
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
        raise Conflict(
            "该轮评审已结束",
            "This review round is closed",
            fix_zh="评分已定稿，无法修改",
            fix_en="Its scores are final",
        )
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
    if all(n.id != score.nomination_id for n in round_scope(before, review_round)):
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
    return visible(actor, _write(actor, "honours.score", before, after, checked=True))


@action("honours.close_round")
def close_round(actor: Actor, honour_list_id: int, round_number: int) -> HonourList:
    """Close a review round; its scores are final."""
    before = _crud.load(actor, "honours.close_round", KIND, honour_list_id)
    review_round = _round(before, round_number)
    if review_round.closed_on is not None:
        raise Conflict(
            f"第 {round_number} 轮评审已结束",
            f"Review round {round_number} is already closed",
            fix_zh="无需重复操作",
            fix_en="Nothing to do",
        )
    closed = review_round.model_copy(update={"closed_on": utcnow().date()})
    rounds = [closed if r.number == round_number else r for r in before.review_rounds]
    return _write(
        actor, "honours.close_round", before, before.model_copy(update={"review_rounds": rounds})
    )


@action("honours.publish")
def publish(actor: Actor, honour_list_id: int, entries: Sequence[HonourEntry]) -> HonourList:
    """Publish the list with its ranked entries (each a nomination of this list, each once, ranks
    distinct) once no review round is open; the public then sees these entries only. Publishing
    again replaces the entries (a correction, or a re-import)."""
    before = _crud.load(actor, "honours.publish", KIND, honour_list_id)
    still_open = [r.number for r in before.review_rounds if r.closed_on is None]
    if still_open:
        raise Conflict(
            f"第 {still_open[0]} 轮评审尚未结束",
            f"Review round {still_open[0]} is still open",
            fix_zh="请先结束评审再发布",
            fix_en="Close the review round before publishing",
        )
    nomination_ids = {n.id for n in before.nominations}
    checked = [validate(HonourEntry, entry).model_copy(update={"id": None}) for entry in entries]
    if not checked:
        raise ValidationError.single(
            "entries",
            problem_zh="发布的榜单至少要有一个上榜对象",
            problem_en="a published list needs at least one entry",
            fix_zh="请为入选的提名填写名次",
            fix_en="Give the selected nominations a rank",
        )
    unknown = [str(e.nomination_id) for e in checked if e.nomination_id not in nomination_ids]
    if unknown:
        raise ValidationError.single(
            "entries",
            problem_zh=f"提名 {', '.join(unknown)} 不属于本榜单",
            problem_en=f"nominations {', '.join(unknown)} are not on this list",
            fix_zh="只能发布本榜单的提名",
            fix_en="Publish only this list's nominations",
        )
    ranks = [e.rank for e in checked]
    listed = [e.nomination_id for e in checked]
    if len(set(ranks)) != len(ranks) or len(set(listed)) != len(listed):
        raise ValidationError.single(
            "entries",
            problem_zh="名次重复或同一提名出现多次",
            problem_en="a rank or a nomination appears more than once",
            fix_zh="每个名次、每个提名只能出现一次",
            fix_en="Use each rank and each nomination once",
        )
    after = before.model_copy(update={"entries": checked, "status": HonourListStatus.PUBLISHED})
    return _write(actor, "honours.publish", before, after)


@dataclass(frozen=True)
class ReviewerCandidate:
    """An expert the matcher proposes as a reviewer, with the evidence and any conflicts."""

    expert_id: int
    name: str
    affiliation: str
    score: float
    matched_terms: tuple[str, ...]
    evidence: tuple[str, ...]
    conflicts: tuple[str, ...]
    """Bilingual reasons this expert may not review (empty for an eligible candidate)."""


@dataclass(frozen=True)
class ReviewerProposal:
    """Conflict-free reviewers, best first, and the matched experts left out with the reason."""

    candidates: builtins.list[ReviewerCandidate]
    excluded: builtins.list[ReviewerCandidate]


policy.rule(
    "honours.propose_reviewers", "admins; operators of the list's region (national lists: admins)"
)(_list_staff)


@action("honours.propose_reviewers")
def propose_reviewers(
    actor: Actor,
    index: MatchIndex,
    honour_list_id: int,
    *,
    nomination_ids: Sequence[int] | None = None,
    k: int = 8,
) -> ReviewerProposal:
    """Experts matched to the nominations' text (the next round's scope, or ``nomination_ids``),
    from every region (peer review draws on the national pool), with conflicts of interest
    excluded and shown separately."""
    honour_list = _crud.load(actor, "honours.propose_reviewers", KIND, honour_list_id)
    if nomination_ids:
        wanted = set(nomination_ids)
        scope = [n for n in honour_list.nominations if n.id in wanted]
    elif honour_list.review_rounds:
        scope = round_scope(honour_list, honour_list.review_rounds[-1])
    else:
        scope = [*honour_list.nominations]
    if not scope:
        return ReviewerProposal([], [])
    hits = matching.match_text(
        actor,
        index,
        nomination_text(scope),
        kind="expert",
        k=k * 3,
    )
    ids = [int(h.entity_id.partition(":")[2]) for h in hits if h.entity_id.startswith("expert:")]
    records = unit_of_work().experts.get_many(ids)
    found = _reviewer_conflicts(scope, [*records.values()])
    candidates: builtins.list[ReviewerCandidate] = []
    excluded: builtins.list[ReviewerCandidate] = []
    for hit in hits:
        prefix, _, raw_id = hit.entity_id.partition(":")
        if prefix != "expert" or not raw_id.isdigit() or int(raw_id) not in records:
            continue
        expert = records[int(raw_id)]
        reasons = tuple(sorted({c.reason.label for c in found.get(int(raw_id), [])}))
        candidate = ReviewerCandidate(
            expert_id=int(raw_id),
            name=expert.name,
            affiliation=expert.affiliation,
            score=float(hit.score),
            matched_terms=tuple(str(t) for t in hit.matched_terms[:8]),
            evidence=tuple(str(w.title) for w in hit.works[:3]),
            conflicts=reasons,
        )
        if reasons:
            excluded.append(candidate)
        elif len(candidates) < k:
            candidates.append(candidate)
    return ReviewerProposal(candidates, excluded)


policy.rule(
    "honours.reviewer_conflicts",
    "admins; operators of the list's region (national lists: admins)",
)(_list_staff)


@action("honours.reviewer_conflicts")
def reviewer_conflicts(
    actor: Actor,
    honour_list_id: int,
    expert_ids: Sequence[int],
    nomination_ids: Sequence[int] | None = None,
) -> dict[int, builtins.list[str]]:
    """Why each of ``expert_ids`` may not review the nominations (all, or ``nomination_ids``):
    expert id → bilingual reasons; experts without a conflict are absent."""
    honour_list = _crud.load(actor, "honours.reviewer_conflicts", KIND, honour_list_id)
    wanted = set(nomination_ids or ())
    scope = [n for n in honour_list.nominations if not wanted or n.id in wanted]
    candidates = [*unit_of_work().experts.get_many(expert_ids).values()]
    return {
        expert_id: sorted({c.reason.label for c in found})
        for expert_id, found in _reviewer_conflicts(scope, candidates).items()
    }


def _expert_reviewer(actor: Actor, _subject: object = None) -> bool:
    return actor.role is Role.EXPERT and actor.expert_id is not None


policy.rule("honours.my_reviews", "experts: the lists they review")(_expert_reviewer)


@action("honours.my_reviews")
def my_reviews(actor: Actor) -> builtins.list[HonourList]:
    """The lists under review in which the acting expert reviews a round (open or closed)."""
    policy.require(actor, "honours.my_reviews")
    reviewing = KIND.repo().all(status=HonourListStatus.REVIEWING)
    return [
        visible(actor, honour_list)
        for honour_list in reviewing
        if any(actor.expert_id in r.reviewer_expert_ids for r in honour_list.review_rounds)
    ]
