"""The operator's matching workbench: open demands of a region assigned to experts in one batch,
each expert's capacity respected and conflicts of interest excluded, the operator's overrides
recorded with their reasons, and the result confirmed as docking requests in one transaction.

The engine does the work: ``services.matching.match_demand`` gives each demand's candidates with
their evidence (conflicts excluded inside retrieval) and ``match.assignment.assign`` solves the
capacity-constrained assignment and reports the quality given up for balance (total score versus
each demand's unconstrained best). Capacity is the expert's own setting (``Expert.capacity``,
dockings at once) minus the dockings they already have open; the operator may lower it for one
batch (``batch_capacity``) so the same few stars are not sent every demand.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Expert,
    Region,
    ValidationError,
    label,
)
from kechuang.domain.common import utcnow
from kechuang.domain.errors import Detail
from kechuang.match.assignment import assign
from kechuang.match.engine import MatchIndex
from kechuang.match.scale.records import entity_id
from kechuang.services import _crud, demands, dockings, experts, matching, policy, regions
from kechuang.services.context import action, unit_of_work

OPEN_STATUSES: tuple[DemandStatus, ...] = (DemandStatus.PUBLISHED, DemandStatus.DOCKING)
"""Demands the workbench assigns by default: published, or already docking with someone."""

BUSY_STAGES: tuple[DockingStage, ...] = tuple(
    stage for stage in DockingStage if stage not in (DockingStage.CLOSED, DockingStage.DELIVERED)
)
"""A docking in one of these stages occupies one unit of the expert's capacity."""

MAX_BATCH = 200
"""Most demands one batch assigns (the solver is fast; the page and the operator are not)."""


def _region_staff(actor: Actor, region: object) -> bool:
    return isinstance(region, Region) and policy.staff(actor, region.id)


for _name, _words in (
    ("workbench.open_demands", "list the region's open demands for assignment"),
    ("workbench.propose", "propose a capacity-respecting assignment"),
    ("workbench.confirm", "confirm an assignment as docking requests"),
):
    policy.rule(_name, f"admins; operators of the region ({_words})")(_region_staff)


@dataclass(frozen=True)
class Candidate:
    """One expert the engine proposes for a demand, with the evidence behind the score."""

    expert_id: int
    name: str
    score: float
    evidence: tuple[str, ...]
    """The works behind the score, each with its lexical and semantic components."""
    matched_terms: tuple[str, ...]
    capacity_left: int
    """Dockings the expert can still take (own capacity minus open dockings)."""


@dataclass(frozen=True)
class ProposedPair:
    """A demand and the expert the batch assignment gives it (``None``: capacity ran out)."""

    demand: Demand
    expert_id: int | None
    score: float
    best_expert_id: int | None
    """The demand's unconstrained best candidate (what it would get without balance)."""
    candidates: tuple[Candidate, ...]
    conflicts: tuple[tuple[int, str], ...]
    """(expert id, reason label) of candidates excluded as conflicts of interest."""
    already_docked: tuple[int, ...]
    """Experts with an open docking on this demand already (not proposed again)."""

    @property
    def chosen(self) -> Candidate | None:
        """The proposed candidate with its evidence."""
        return next((c for c in self.candidates if c.expert_id == self.expert_id), None)

    @property
    def is_best(self) -> bool:
        """True when balance did not move this demand away from its best expert."""
        return self.expert_id is not None and self.expert_id == self.best_expert_id


@dataclass(frozen=True)
class Proposal:
    """The batch's proposed assignment and what balance cost."""

    pairs: tuple[ProposedPair, ...]
    total_score: float
    unconstrained_score: float
    """Sum of each demand's best allowed score, capacity ignored (the greedy choice)."""
    quality_given_up: float
    """1 - total / unconstrained: the share of score given up for balance."""
    top1_kept: float
    unfilled: int
    max_load: int
    batch_capacity: int | None
    expert_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """The operator's decision for one demand: the expert (``None``: leave it), the expert the
    workbench proposed, and the reason when the two differ (an override)."""

    demand_id: int
    expert_id: int | None
    proposed_expert_id: int | None = None
    reason: str = ""

    @property
    def is_override(self) -> bool:
        """The operator chose another expert than the one proposed."""
        return self.expert_id is not None and self.expert_id != self.proposed_expert_id


def _region(actor: Actor, region_id: int | None, name: str) -> Region:
    if region_id is None:
        raise ValidationError.single(
            "region_id",
            problem_zh="未指定区域",
            problem_en="no region given",
            fix_zh="请选择要分配的区域",
            fix_en="Choose the region to assign",
        )
    region = regions.get(actor, region_id)
    policy.require(actor, name, region)
    return region


@action("workbench.open_demands")
def open_demands(
    actor: Actor,
    region_id: int | None,
    *,
    industry_code: str | None = None,
    statuses: Sequence[DemandStatus] = OPEN_STATUSES,
    min_age_days: int | None = None,
    max_age_days: int | None = None,
    now: dt.datetime | None = None,
) -> builtins.list[Demand]:
    """The region's demands to assign, filtered by industry (GB/T 4754 prefix), status and age
    (days since the demand was posted), oldest first."""
    _region(actor, region_id, "workbench.open_demands")
    for value, name in ((min_age_days, "min_age_days"), (max_age_days, "max_age_days")):
        if value is not None and value < 0:
            raise ValidationError.single(
                name,
                problem_zh=f"天数不能为负数（{value}）",
                problem_en=f"the number of days cannot be negative ({value})",
                fix_zh="请填写 0 或正整数",
                fix_en="Give 0 or a positive whole number",
            )
    moment = now or utcnow()
    wanted = set(statuses)
    found: builtins.list[Demand] = []
    for demand in demands.all_in_region(actor, region_id):
        if demand.status not in wanted or demand.archived:
            continue
        if industry_code and not any(c.startswith(industry_code) for c in demand.industry_codes):
            continue
        posted = demand.created_at
        if posted is not None:
            if posted.tzinfo is None:
                posted = posted.replace(tzinfo=dt.UTC)
            age = (moment - posted).days
            if min_age_days is not None and age < min_age_days:
                continue
            if max_age_days is not None and age > max_age_days:
                continue
        found.append(demand)
    found.sort(key=lambda d: d.id or 0)  # ids grow with posting time: oldest first
    return found


def _open_loads(expert_ids: Sequence[int]) -> dict[int, int]:
    """Open dockings per expert (all regions: capacity is the person's, not the region's)."""
    if not expert_ids:
        return {}
    loads = dict.fromkeys(expert_ids, 0)
    for docking in unit_of_work().dockings.all(
        target_kind=DockingTargetKind.EXPERT,
        target_id_in=builtins.list(expert_ids),
        stage_in=builtins.list(BUSY_STAGES),
    ):
        loads[docking.target_id] = loads.get(docking.target_id, 0) + 1
    return loads


def _assignable_experts(actor: Actor, region: Region) -> dict[int, Expert]:
    """The region's experts and the national (region-less) ones, as the engine ranks them."""
    return {
        e.id: e
        for e in experts.all_with_works(actor, None)
        if e.id is not None and not e.archived and e.region_id in (region.id, None)
    }


def _expert_number(hit_entity: str) -> int | None:
    prefix, _, raw = hit_entity.partition(":")
    return int(raw) if prefix == "expert" and raw.isdigit() else None


def _evidence(hit: Any) -> tuple[str, ...]:
    lines = []
    for work in hit.works[:3]:
        terms = f" · {'、'.join(work.matched_terms[:6])}" if work.matched_terms else ""
        lines.append(f"{work.title} — BM25 {work.lexical:.2f}, semantic {work.semantic:.2f}{terms}")
    return tuple(lines)


def _check_batch(demand_ids: Sequence[int]) -> None:
    if not demand_ids:
        raise ValidationError.single(
            "demand_ids",
            problem_zh="没有选择任何需求",
            problem_en="no demand was selected",
            fix_zh="请至少勾选一条需求",
            fix_en="Tick at least one demand",
        )
    if len(demand_ids) > MAX_BATCH:
        raise ValidationError.single(
            "demand_ids",
            problem_zh=f"一次最多分配 {MAX_BATCH} 条需求（选择了 {len(demand_ids)} 条）",
            problem_en=f"one batch assigns at most {MAX_BATCH} demands ({len(demand_ids)} chosen)",
            fix_zh="请用筛选条件缩小范围，分批分配",
            fix_en="Narrow the selection with the filters and assign in several batches",
        )


@action("workbench.propose")
def propose(
    actor: Actor,
    index: MatchIndex,
    region_id: int | None,
    demand_ids: Sequence[int],
    *,
    candidates_per_demand: int = 10,
    batch_capacity: int | None = None,
) -> Proposal:
    """Assign each demand one expert: scores from the engine (conflicts excluded), capacity the
    expert's own setting minus their open dockings (at most ``batch_capacity`` in this batch)."""
    region = _region(actor, region_id, "workbench.propose")
    _check_batch(demand_ids)
    if batch_capacity is not None and not 0 < batch_capacity <= 100:
        raise ValidationError.single(
            "batch_capacity",
            problem_zh=f"每位专家本批上限须在 1 到 100 之间（收到 {batch_capacity}）",
            problem_en=(
                f"the per-expert limit for the batch must be 1 to 100 (got {batch_capacity})"
            ),
            fix_zh="请填写 1 到 100 的整数，或留空以只按专家本人设置的容量",
            fix_en="Give a whole number from 1 to 100, or leave it empty to use each expert's "
            "own capacity",
        )
    ordered = builtins.list(dict.fromkeys(demand_ids))
    chosen_demands: builtins.list[Demand] = []
    for demand_id in ordered:
        demand = demands.get(actor, demand_id)
        if demand.region_id != region.id:
            raise ValidationError.single(
                "demand_ids",
                problem_zh=f"需求 {demand_id} 不属于区域 {region.name}",
                problem_en=f"demand {demand_id} is not of region {region.name_en or region.name}",
                fix_zh="请只选择本区域的需求",
                fix_en="Choose demands of this region only",
            )
        chosen_demands.append(demand)
    people = _assignable_experts(actor, region)
    found = [
        matching.match_demand(
            actor, index, d.id or 0, kind="expert", k=candidates_per_demand, region_id=region.id
        )
        for d in chosen_demands
    ]
    columns: builtins.list[int] = []
    for matches in found:
        for hit in matches.hits:
            number = _expert_number(str(hit.entity_id))
            if number is not None and number in people and number not in columns:
                columns.append(number)
    loads = _open_loads(columns)
    capacity_left = {e: max(0, people[e].capacity - loads.get(e, 0)) for e in columns}
    caps = [
        min(capacity_left[e], batch_capacity) if batch_capacity is not None else capacity_left[e]
        for e in columns
    ]
    docked: dict[int, set[int]] = {}
    for docking in unit_of_work().dockings.all(
        demand_id_in=ordered,
        target_kind=DockingTargetKind.EXPERT,
        stage_in=builtins.list(BUSY_STAGES),
    ):
        docked.setdefault(docking.demand_id, set()).add(docking.target_id)
    scores = np.full((len(chosen_demands), len(columns)), -np.inf)
    position = {e: i for i, e in enumerate(columns)}
    per_demand: builtins.list[builtins.list[Candidate]] = []
    for row, (demand, matches) in enumerate(zip(chosen_demands, found, strict=True)):
        candidates = []
        for hit in matches.hits:
            number = _expert_number(str(hit.entity_id))
            if number is None or number not in position:
                continue
            if number not in docked.get(demand.id or 0, set()):
                scores[row, position[number]] = float(hit.score)
            candidates.append(
                Candidate(
                    number,
                    people[number].name,
                    float(hit.score),
                    _evidence(hit),
                    tuple(str(t) for t in hit.matched_terms[:12]),
                    capacity_left[number],
                )
            )
        per_demand.append(candidates)
    report = assign(
        [str(d.id) for d in chosen_demands],
        [str(e) for e in columns],
        scores,
        capacity=caps if columns else 0,
    )
    assigned = {int(d): (int(e), score) for d, e, score in report.pairs}
    pairs = []
    for row, demand in enumerate(chosen_demands):
        allowed = scores[row]
        best = int(columns[int(np.argmax(allowed))]) if np.isfinite(allowed).any() else None
        expert_id, score = assigned.get(demand.id or 0, (None, 0.0))
        conflicts = tuple(
            (number, conflict.reason.label)
            for key, reasons in sorted(found[row].conflicts.items())
            if (number := _expert_number(key)) is not None
            for conflict in reasons[:1]
        )
        pairs.append(
            ProposedPair(
                demand,
                expert_id,
                score,
                best,
                tuple(per_demand[row]),
                conflicts,
                tuple(sorted(docked.get(demand.id or 0, set()))),
            )
        )
    return Proposal(
        tuple(pairs),
        report.total_score,
        report.unconstrained_score,
        report.quality_given_up,
        report.top1_kept,
        report.unfilled,
        report.max_load,
        batch_capacity,
        {e: person.name for e, person in people.items()},
    )


def _row_error(  # noqa: PLR0917 - the order of Detail, with the row first
    row: int, field_name: str, zh: str, en: str, fix_zh: str, fix_en: str
) -> Detail:
    """One bilingual problem of one line of the confirmation."""
    return Detail(field_name, zh, en, fix_zh, fix_en, row)


@action("workbench.confirm")
def confirm(
    actor: Actor,
    index: MatchIndex,
    region_id: int | None,
    choices: Sequence[Choice],
) -> builtins.list[Docking]:
    """Create one docking request per chosen pair, all or nothing. An override (an expert other
    than the proposed one) needs a reason and is written to the audit log; conflicts of interest
    and the expert's own capacity are checked again, so a stale page cannot break them."""
    region = _region(actor, region_id, "workbench.confirm")
    _check_batch([c.demand_id for c in choices])
    wanted = [c for c in choices if c.expert_id is not None]
    problems: builtins.list[Detail] = []
    seen: set[int] = set()
    people = _assignable_experts(actor, region)
    for row, choice in enumerate(choices, start=1):
        if choice.demand_id in seen:
            problems.append(
                _row_error(
                    row,
                    "demand_id",
                    f"需求 {choice.demand_id} 出现了两次",
                    f"demand {choice.demand_id} appears twice",
                    "每条需求只保留一行",
                    "Keep one line per demand",
                )
            )
        seen.add(choice.demand_id)
        if choice.expert_id is None:
            continue
        if choice.expert_id not in people:
            problems.append(
                _row_error(
                    row,
                    "expert_id",
                    f"专家 {choice.expert_id} 不是本区域（或全国）的专家",
                    f"expert {choice.expert_id} is not an expert of this region (or national)",
                    "请从候选列表中选择",
                    "Choose from the candidates",
                )
            )
            continue
        if choice.is_override and not choice.reason.strip():
            problems.append(
                _row_error(
                    row,
                    "reason",
                    f"更换了系统建议的专家（需求 {choice.demand_id}），但未说明原因",
                    f"the proposed expert was replaced (demand {choice.demand_id}) without a "
                    "reason",
                    "请填写更换原因，例如“该专家熟悉企业现场”",
                    "Give the reason, e.g. 'knows the plant from an earlier project'",
                )
            )
        demand = demands.get(actor, choice.demand_id)
        if demand.region_id != region.id:
            problems.append(
                _row_error(
                    row,
                    "demand_id",
                    f"需求 {choice.demand_id} 不属于本区域",
                    f"demand {choice.demand_id} is not of this region",
                    "请只选择本区域的需求",
                    "Choose demands of this region only",
                )
            )
            continue
        if demand.status not in OPEN_STATUSES or demand.archived:
            problems.append(
                _row_error(
                    row,
                    "demand_id",
                    f"需求“{demand.title}”已不再开放（{label(demand.status, 'zh')}）",
                    f"the demand “{demand.title}” is no longer open ({label(demand.status, 'en')})",
                    "请刷新工作台，重新生成分配方案",
                    "Reload the workbench and propose again",
                )
            )
            continue
        conflicts = matching.match_demand(
            actor, index, choice.demand_id, kind="expert", k=1, region_id=region.id
        )
        reasons = conflicts.conflicts.get(entity_id("expert", choice.expert_id))
        if reasons:
            name = people[choice.expert_id].name
            problems.append(
                _row_error(
                    row,
                    "expert_id",
                    f"{name} 与需求 {choice.demand_id} 存在利益冲突（{reasons[0].reason.label}）",
                    f"{name} has a conflict of interest with demand {choice.demand_id} "
                    f"({reasons[0].reason.label})",
                    "请选择其他专家",
                    "Choose another expert",
                )
            )
    open_pairs = {
        (docking.demand_id, docking.target_id)
        for docking in unit_of_work().dockings.all(
            demand_id_in=[c.demand_id for c in wanted],
            target_kind=DockingTargetKind.EXPERT,
            stage_in=builtins.list(BUSY_STAGES),
        )
    }
    for row, choice in enumerate(choices, start=1):
        if (choice.demand_id, choice.expert_id) in open_pairs and choice.expert_id in people:
            problems.append(
                _row_error(
                    row,
                    "expert_id",
                    f"{people[choice.expert_id].name} 与需求 {choice.demand_id} 已有进行中的对接",
                    f"{people[choice.expert_id].name} already has an open docking with demand "
                    f"{choice.demand_id}",
                    "请选择其他专家，或在对接看板上继续该对接",
                    "Choose another expert, or continue that docking on the docking board",
                )
            )
    loads = _open_loads([c.expert_id for c in wanted if c.expert_id in people])
    batch: dict[int, int] = {}
    for row, choice in enumerate(choices, start=1):
        if choice.expert_id is None or choice.expert_id not in people:
            continue
        batch[choice.expert_id] = batch.get(choice.expert_id, 0) + 1
        person = people[choice.expert_id]
        if loads.get(choice.expert_id, 0) + batch[choice.expert_id] > person.capacity:
            problems.append(
                _row_error(
                    row,
                    "expert_id",
                    f"{person.name} 的容量为 {person.capacity} 项同时进行的对接，"
                    f"已有 {loads.get(choice.expert_id, 0)} 项，本批无法再分配",
                    f"{person.name} takes {person.capacity} dockings at once and has "
                    f"{loads.get(choice.expert_id, 0)} open; this batch cannot add more",
                    "请为该需求选择其他专家，或请专家本人在个人档案中调整容量",
                    "Choose another expert for this demand, or ask the expert to raise their "
                    "capacity on their profile",
                )
            )
    if problems:
        raise ValidationError.of_details(problems)
    created = []
    for choice in wanted:
        assert choice.expert_id is not None
        note = "匹配工作台批量分配 / assigned on the matching workbench"
        if choice.is_override:
            note += f"；人工调整原因 / override: {choice.reason.strip()}"
        docking = dockings.create(
            actor,
            Docking(
                region_id=region.id or 0,
                demand_id=choice.demand_id,
                target_kind=DockingTargetKind.EXPERT,
                target_id=choice.expert_id,
                note=note,
            ),
        )
        if choice.is_override:
            _crud.audit(
                actor,
                "workbench.override",
                "docking",
                docking.id,
                region_id=region.id,
                before={"demand_id": choice.demand_id, "expert_id": choice.proposed_expert_id},
                after={
                    "demand_id": choice.demand_id,
                    "expert_id": choice.expert_id,
                    "reason": choice.reason.strip(),
                },
            )
        created.append(docking)
    return created
