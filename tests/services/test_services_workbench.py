"""The matching workbench on a real database: open demands → capacity-respecting assignment with
conflicts excluded and the price of balance → overrides with reasons → dockings in one
transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    DockingTargetKind,
    Expert,
    Organisation,
    OrganisationKind,
    PermissionDenied,
    Region,
    Role,
    ValidationError,
    Work,
)
from kechuang.match.engine import MatchIndex
from kechuang.services import (
    audit,
    demands,
    dockings,
    experts,
    matching,
    organisations,
    regions,
    transaction,
    workbench,
)

SYSTEM = Actor.system("test")


@dataclass
class Bench:
    region: int
    other_region: int
    enterprise: int
    star: int
    second: int
    insider: int
    demands: list[int]
    operator: Actor
    other_operator: Actor


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _expert(
    region: int, name: str, title: str, *, capacity: int = 3, org: int | None = None
) -> int:
    return _id(
        experts.create(
            SYSTEM,
            Expert(
                name=name,
                region_id=region,
                capacity=capacity,
                affiliation_id=org,
                keywords=["氢能"],
                works=[Work(kind="paper", title=title, abstract=title)],
            ),
        ).id
    )


@pytest.fixture
def bench(database_url: str) -> Bench:
    with transaction():
        region = _id(regions.create(SYSTEM, Region(name="兰州新区")).id)
        other = _id(regions.create(SYSTEM, Region(name="另一试点")).id)
        enterprise = _id(
            organisations.create(
                SYSTEM,
                Organisation(kind=OrganisationKind.ENTERPRISE, name="甲化工", region_id=region),
            ).id
        )
        star = _expert(region, "星专家", "加氢站 压缩机 密封 加氢站 压缩机 密封 氢气泄漏")
        second = _expert(region, "次专家", "加氢站 压缩机 维护")
        insider = _expert(
            region, "内部专家", "加氢站 压缩机 密封 氢气泄漏 加氢站 压缩机 密封", org=enterprise
        )
        ids = []
        for title, industry in (
            ("加氢站压缩机密封泄漏", "2614"),
            ("加氢站压缩机密封寿命", "2614"),
            ("氢气泄漏检测", "4411"),
        ):
            ids.append(
                _id(
                    demands.create(
                        SYSTEM,
                        Demand(
                            region_id=region,
                            enterprise_id=enterprise,
                            title=title,
                            keywords=["加氢站", "压缩机", "密封"],
                            industry_codes=[industry],
                            status=DemandStatus.PUBLISHED,
                        ),
                    ).id
                )
            )
        demands.create(
            SYSTEM,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="草稿：加氢站",
                status=DemandStatus.DRAFT,
            ),
        )
    return Bench(
        region,
        other,
        enterprise,
        star,
        second,
        insider,
        ids,
        Actor(900, Role.REGION_OPERATOR, region_id=region, label="op"),
        Actor(901, Role.REGION_OPERATOR, region_id=other, label="op_other"),
    )


def _index(region: int) -> MatchIndex:
    with transaction():
        return matching.build_index(SYSTEM, region, lexical_only=True)


def test_open_demands_filter_by_status_industry_and_age(bench: Bench) -> None:
    with transaction():
        found = workbench.open_demands(bench.operator, bench.region)
        assert [d.id for d in found] == bench.demands  # drafts are not open
        chemistry = workbench.open_demands(bench.operator, bench.region, industry_code="26")
        assert [d.id for d in chemistry] == bench.demands[:2]
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
        assert (
            workbench.open_demands(bench.operator, bench.region, max_age_days=30, now=later) == []
        )
        old = workbench.open_demands(bench.operator, bench.region, min_age_days=30, now=later)
        assert len(old) == 3
        drafts = workbench.open_demands(bench.operator, bench.region, statuses=[DemandStatus.DRAFT])
        assert [d.title for d in drafts] == ["草稿：加氢站"]
        with pytest.raises(ValidationError):
            workbench.open_demands(bench.operator, bench.region, min_age_days=-1)


def test_capacity_spreads_the_batch_and_reports_the_quality_given_up(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        free = workbench.propose(bench.operator, index, bench.region, bench.demands[:2])
        balanced = workbench.propose(
            bench.operator, index, bench.region, bench.demands[:2], batch_capacity=1
        )
    # Without a batch limit the star (capacity 3) takes both; the quality given up is nil.
    assert [p.expert_id for p in free.pairs] == [bench.star, bench.star]
    assert free.quality_given_up == pytest.approx(0.0)
    # With one per expert the second demand goes to the next best, and the price is reported.
    assert sorted(p.expert_id for p in balanced.pairs) == sorted([bench.star, bench.second])
    assert balanced.max_load == 1
    assert balanced.total_score < balanced.unconstrained_score
    assert balanced.quality_given_up == pytest.approx(
        1 - balanced.total_score / balanced.unconstrained_score
    )
    assert balanced.quality_given_up > 0
    moved = [p for p in balanced.pairs if not p.is_best]
    assert len(moved) == 1
    assert moved[0].best_expert_id == bench.star
    # Every pair carries its evidence: the work behind the score and the matched terms.
    chosen = balanced.pairs[0].chosen
    assert chosen is not None
    assert chosen.evidence
    assert "BM25" in chosen.evidence[0]
    assert chosen.matched_terms


def test_conflicts_are_excluded_and_shown(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        proposal = workbench.propose(bench.operator, index, bench.region, bench.demands[:1])
    pair = proposal.pairs[0]
    assert bench.insider not in {c.expert_id for c in pair.candidates}
    assert (bench.insider, "同一单位 / same organisation") in pair.conflicts


def test_the_experts_own_capacity_counts_open_dockings(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        experts.update(SYSTEM, bench.star, {"capacity": 1})
        workbench.confirm(
            bench.operator,
            index,
            bench.region,
            [workbench.Choice(bench.demands[2], bench.star, bench.star)],
        )
        proposal = workbench.propose(bench.operator, index, bench.region, bench.demands[:2])
    # The star's one slot is taken by the open docking: nobody in this batch gets them.
    assert bench.star not in {p.expert_id for p in proposal.pairs}
    star = next(c for c in proposal.pairs[0].candidates if c.expert_id == bench.star)
    assert star.capacity_left == 0


def test_confirm_creates_dockings_and_audits_the_override(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        created = workbench.confirm(
            bench.operator,
            index,
            bench.region,
            [
                workbench.Choice(bench.demands[0], bench.star, bench.star),
                workbench.Choice(bench.demands[1], bench.second, bench.star, "熟悉企业现场"),
                workbench.Choice(bench.demands[2], None, bench.star),
            ],
        )
    assert [(d.demand_id, d.target_id) for d in created] == [
        (bench.demands[0], bench.star),
        (bench.demands[1], bench.second),
    ]
    assert all(d.target_kind is DockingTargetKind.EXPERT for d in created)
    assert "熟悉企业现场" in created[1].note
    with transaction():
        entries = audit.list(bench.operator, action_name="workbench.override").items
        listed = dockings.list(bench.operator, region_id=bench.region).items
    assert len(entries) == 1
    assert entries[0].entity_id == created[1].id
    assert entries[0].before == {"demand_id": bench.demands[1], "expert_id": bench.star}
    assert entries[0].after == {
        "demand_id": bench.demands[1],
        "expert_id": bench.second,
        "reason": "熟悉企业现场",
    }
    assert {d.id for d in listed} == {d.id for d in created}


def _count_dockings(bench: Bench) -> int:
    with transaction():
        return dockings.list(SYSTEM, region_id=bench.region).total


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        # an override without a reason
        (
            lambda b: [(b.demands[0], b.star, b.star, ""), (b.demands[1], b.second, b.star, "")],
            "without a reason",
        ),
        # the enterprise's own expert: a conflict of interest
        (
            lambda b: [(b.demands[0], b.star, b.star, ""), (b.demands[1], b.insider, b.star, "x")],
            "conflict of interest",
        ),
        # beyond the expert's own capacity (3 open at once)
        (
            lambda b: (
                [(d, b.second, b.second, "") for d in b.demands] * 1
                + [(b.demands[0], b.second, b.second, "")]
            ),
            "appears twice",
        ),
        # an expert of another region
        (lambda b: [(b.demands[0], 999_999, b.star, "x")], "not an expert of this region"),
    ],
)
def test_bad_confirmations_are_explained_and_write_nothing(
    bench: Bench, choices: object, problem: str
) -> None:
    index = _index(bench.region)
    rows = [workbench.Choice(*row) for row in choices(bench)]  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught, transaction():
        workbench.confirm(bench.operator, index, bench.region, rows)
    text = " ".join(caught.value.lines("en"))
    assert problem in text
    assert any(line.startswith("第") for line in caught.value.lines("zh")[1:])
    assert _count_dockings(bench) == 0


def test_capacity_is_checked_again_on_confirm(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        experts.update(SYSTEM, bench.second, {"capacity": 1})
    rows = [
        workbench.Choice(bench.demands[0], bench.second, bench.second),
        workbench.Choice(bench.demands[1], bench.second, bench.star, "同一团队"),
    ]
    with pytest.raises(ValidationError) as caught, transaction():
        workbench.confirm(bench.operator, index, bench.region, rows)
    assert "takes 1 dockings at once" in " ".join(caught.value.lines("en"))
    assert _count_dockings(bench) == 0


def test_only_the_regions_staff_use_the_workbench(bench: Bench) -> None:
    index = _index(bench.region)
    expert = Actor(902, Role.EXPERT, region_id=bench.region, expert_id=bench.star, label="exp")
    for actor in (bench.other_operator, expert, Actor.anonymous()):
        with pytest.raises(PermissionDenied), transaction():
            workbench.propose(actor, index, bench.region, bench.demands[:1])
        with pytest.raises(PermissionDenied), transaction():
            workbench.open_demands(actor, bench.region)
    with pytest.raises(ValidationError), transaction():
        workbench.propose(bench.operator, index, bench.region, [])
    with pytest.raises(ValidationError), transaction():
        workbench.propose(bench.operator, index, bench.region, bench.demands, batch_capacity=0)


def test_national_experts_are_candidates_other_regions_are_not(bench: Bench) -> None:
    with transaction():
        national = _expert_anywhere(None, "全国专家")
        elsewhere = _expert_anywhere(bench.other_region, "外区专家")
    index = _index_all()
    with transaction():
        proposal = workbench.propose(bench.operator, index, bench.region, bench.demands[:1])
    candidates = {c.expert_id for c in proposal.pairs[0].candidates}
    assert national in candidates
    assert elsewhere not in candidates


def _expert_anywhere(region: int | None, name: str) -> int:
    return _id(
        experts.create(
            SYSTEM,
            Expert(
                name=name,
                region_id=region,
                works=[Work(kind="paper", title="加氢站压缩机密封泄漏检测")],
            ),
        ).id
    )


def _index_all() -> MatchIndex:
    with transaction():
        return matching.build_index(SYSTEM, None, lexical_only=True)


def test_a_demand_closed_since_the_proposal_is_refused(bench: Bench) -> None:
    index = _index(bench.region)
    with transaction():
        demands.update(SYSTEM, bench.demands[0], {"status": DemandStatus.CLOSED})
    with pytest.raises(ValidationError) as caught, transaction():
        workbench.confirm(
            bench.operator,
            index,
            bench.region,
            [workbench.Choice(bench.demands[0], bench.star, bench.star)],
        )
    assert "no longer open" in " ".join(caught.value.lines("en"))
    assert _count_dockings(bench) == 0
