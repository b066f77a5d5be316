"""The national ranking of pilot regions: a transparent composite index over Kechuang's KPIs,
with rank bands from a Monte Carlo over the modelling choices.

Every indicator and weight of :data:`RANKING_INDICATORS` is explained in ``docs/ranking.md``.
A rank comes with its 5–95 % band; a change of rank from the previous year that stays inside
the band is reported as *not significant* — the lesson of the report this platform is modelled
on, where a park "rose from 65th to about 30th" without anyone saying how stable either figure
was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kechuang.domain import Actor, ValidationError
from kechuang.domain.errors import Detail
from kechuang.metrics import Dataset, IndexResult, IndexSpecError, IndicatorTree, run_index
from kechuang.metrics.comparability import (
    ScoreChange,
    decompose_change,
    strengths_and_weaknesses,
)
from kechuang.metrics.spec import AggregateMethod, IndexSpec, parse_spec
from kechuang.metrics.tree import Node
from kechuang.metrics.uncertainty import UncertaintySpec, run_uncertainty
from kechuang.services import kpis as kpi_service
from kechuang.services import policy
from kechuang.services.context import action
from kechuang.services.kpis import RegionKpis

__plumbing__ = ("indicator_table", "rank_kpis", "ranking_tree")
"""Pure helpers (no database, no actor): the ranking computed from KPIs already loaded."""

policy.rule("ranking.rank_regions", "anyone, including the public (published ranking)")(
    policy.anyone
)


@dataclass(frozen=True)
class RankingIndicator:
    """One indicator of the ranking: where it comes from, its pillar and weight, its labels."""

    code: str
    pillar: str
    weight: float
    zh: str
    en: str
    value: Callable[[RegionKpis], float | None]


def _rate(value: float | None) -> float | None:
    return None if value is None else 100.0 * value


RANKING_PILLARS: dict[str, tuple[float, str, str]] = {
    "resources": (0.30, "资源汇聚", "Resources gathered"),
    "docking": (0.30, "需求对接", "Demands docked"),
    "conversion": (0.25, "成果转化", "Conversion"),
    "activity": (0.15, "活动与服务", "Events and services"),
}
"""Pillar → (weight, zh, en). Reasons in docs/ranking.md."""

RANKING_INDICATORS: tuple[RankingIndicator, ...] = (
    RankingIndicator(
        "enterprises",
        "resources",
        1,
        "入驻平台企业",
        "Enterprises on the platform",
        lambda k: k.figures.enterprises,
    ),
    RankingIndicator(
        "societies",
        "resources",
        1,
        "对接学会",
        "Societies docked",
        lambda k: k.figures.societies_docked,
    ),
    RankingIndicator(
        "platforms",
        "resources",
        1,
        "创新平台（院士站、基地、实验室）",
        "Innovation platforms (workstations, bases, labs)",
        lambda k: k.figures.academician_workstations + k.figures.innovation_bases + k.figures.labs,
    ),
    RankingIndicator(
        "grassroots",
        "resources",
        1,
        "学会服务站与企业科协",
        "Society service stations and enterprise associations",
        lambda k: k.figures.society_service_stations + k.figures.enterprise_associations,
    ),
    RankingIndicator("experts", "resources", 1, "专家", "Experts", lambda k: k.figures.experts),
    RankingIndicator(
        "volunteers", "resources", 1, "科技志愿者", "Volunteers", lambda k: k.figures.volunteers
    ),
    RankingIndicator(
        "demands", "docking", 1, "发布科技需求", "Demands published", lambda k: k.funnel.demands
    ),
    RankingIndicator(
        "matched_rate",
        "docking",
        1,
        "需求匹配率（%）",
        "Demands matched (%)",
        lambda k: _rate(k.funnel.rate("matched")),
    ),
    RankingIndicator(
        "contacted_rate",
        "docking",
        1,
        "需求对接联系率（%）",
        "Demands contacted (%)",
        lambda k: _rate(k.funnel.rate("contacted")),
    ),
    RankingIndicator(
        "signed", "docking", 1, "签约对接", "Dockings signed", lambda k: k.figures.dockings_signed
    ),
    RankingIndicator(
        "contract_value",
        "conversion",
        1,
        "签约金额（万元）",
        "Contract value (10k yuan)",
        lambda k: k.contract_value_fen / 1_000_000,
    ),
    RankingIndicator(
        "delivered",
        "conversion",
        1,
        "已交付需求",
        "Demands delivered",
        lambda k: k.funnel.delivered,
    ),
    RankingIndicator(
        "achievements_transferred",
        "conversion",
        1,
        "成果转化",
        "Achievements transferred",
        lambda k: k.achievements_transferred,
    ),
    RankingIndicator(
        "docking_events",
        "activity",
        1,
        "对接活动",
        "Docking events",
        lambda k: k.figures.docking_events,
    ),
    RankingIndicator(
        "trainees",
        "activity",
        1,
        "培训人次",
        "Trainee person-times",
        lambda k: k.figures.trainees,
    ),
    RankingIndicator("visits", "activity", 1, "平台访问量", "Platform visits", lambda k: k.visits),
)
"""The default indicators (direction +1 each: more is better)."""

RANKING_SPEC: IndexSpec = parse_spec(
    {
        "denominate": False,
        "impute": {"method": "none"},
        "screen": {"min_availability": 0.5},
        "treat": {"method": "winsorise", "winmax": 5},
        "normalise": {"method": "minmax", "range": [0, 100]},
        "aggregate": {"method": "arithmetic"},
    },
    where="ranking default spec",
)
"""How the ranking is computed (docs/ranking.md gives the reasons)."""

RANKING_UNCERTAINTY = UncertaintySpec(weight_noise={1: 0.25, 2: 0.25})
"""The modelling choices that vary for the rank bands: outlier limit 1–5, min-max[1,100] or
z-score(10,2), every weight ±25 %, arithmetic or geometric mean."""

INDEX_CODE = "kechuang_index"


@dataclass(frozen=True)
class RankedRegion:
    """One region's place: score, rank, band, and the change against the previous year."""

    region: str
    region_en: str
    score: float | None
    rank: int | None
    median: float | None
    band: tuple[float, float] | None
    pillars: dict[str, float | None]
    previous_rank: int | None = None
    change: int | None = None
    """previous rank − rank: positive means the region rose."""
    significant: bool | None = None
    """Whether the previous rank lies outside this year's 5–95 % band."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "region": self.region,
            "region_en": self.region_en,
            "score": self.score,
            "rank": self.rank,
            "median": self.median,
            "band": list(self.band) if self.band else None,
            "pillars": self.pillars,
            "previous_rank": self.previous_rank,
            "change": self.change,
            "significant": self.significant,
        }


@dataclass
class Ranking:
    """The ranking of one year with everything needed to explain it."""

    year: int
    regions: list[RankedRegion]
    indicators: list[RankingIndicator]
    index: IndexResult
    data: pd.DataFrame
    sobol: pd.DataFrame | None
    runs: int
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, ScoreChange] = field(default_factory=dict)
    """Per region: the score change against the previous year split into one contribution per
    indicator plus the bounds term (the part due to other regions moving the min/max)."""

    def region(self, name: str) -> RankedRegion:
        """The entry of one region by its Chinese name."""
        for entry in self.regions:
            if entry.region == name:
                return entry
        raise KeyError(name)

    def strengths_and_weaknesses(self, top: int = 3) -> pd.DataFrame:
        """Each region's best and worst indicators among the regions."""
        return strengths_and_weaknesses(self.index, top=top)

    def as_dict(self) -> dict[str, Any]:
        """The ``kechuang rank --json`` output."""
        return {
            "year": self.year,
            "runs": self.runs,
            "regions": [entry.as_dict() for entry in self.regions],
            "indicators": [
                {"code": i.code, "pillar": i.pillar, "weight": i.weight, "zh": i.zh, "en": i.en}
                for i in self.indicators
            ],
            "pillars": {
                code: {"weight": weight, "zh": zh, "en": en}
                for code, (weight, zh, en) in RANKING_PILLARS.items()
            },
            "sobol": None
            if self.sobol is None
            else [
                {"factor": str(name), **{k: _number(v) for k, v in row.items()}}
                for name, row in self.sobol.iterrows()
            ],
            "warnings": self.warnings,
        }


def indicator_table(
    regions: Sequence[RegionKpis], indicators: Sequence[RankingIndicator] = RANKING_INDICATORS
) -> tuple[pd.DataFrame, list[RankingIndicator]]:
    """Regions × indicator values; indicators no region has data for are left out."""
    table = _values(regions, indicators)
    used = [i for i in indicators if table[i.code].notna().any()]
    return table[[i.code for i in used]], used


def _values(regions: Sequence[RegionKpis], indicators: Sequence[RankingIndicator]) -> pd.DataFrame:
    rows = {k.region: [indicator.value(k) for indicator in indicators] for k in regions}
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=[i.code for i in indicators], dtype=float
    )


def ranking_tree(indicators: Sequence[RankingIndicator]) -> IndicatorTree:
    """Indicators → pillars → the index, with the default weights."""
    pillars = [p for p in RANKING_PILLARS if any(i.pillar == p for i in indicators)]
    nodes = [Node(i.code, 1, i.pillar, i.weight, name=i.en) for i in indicators]
    nodes += [
        Node(p, 2, INDEX_CODE, RANKING_PILLARS[p][0], name=RANKING_PILLARS[p][2]) for p in pillars
    ]
    nodes.append(Node(INDEX_CODE, 3, None, 1.0, name="Kechuang pilot index"))
    return IndicatorTree(tuple(nodes))


def _nominal_ranks(regions: Sequence[RegionKpis]) -> dict[str, int]:
    table, used = indicator_table(regions)
    result = run_index(Dataset(data=table, tree=ranking_tree(used)), RANKING_SPEC)
    return {str(k): int(v) for k, v in result.ranks.dropna().items()}


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError.of_details(
            [
                Detail(
                    "year",
                    f"年份 {year} 超出范围",
                    f"year {year} is out of range",
                    "请填写 2000–2100 之间的年份，例如 2024",
                    "Give a year between 2000 and 2100, e.g. 2024",
                )
            ]
        )


def rank_kpis(
    year: int,
    current: Sequence[RegionKpis],
    previous: Sequence[RegionKpis] | None = None,
    *,
    runs: int = 1000,
    seed: int = 0,
) -> Ranking:
    """Rank regions from their KPIs (pure: no database), with bands and year-on-year changes."""
    if len(current) < 2:
        raise ValidationError.of_details(
            [
                Detail(
                    "regions",
                    f"只有 {len(current)} 个区域，无法排名",
                    f"{len(current)} region(s) cannot be ranked",
                    "至少需要两个区域的数据",
                    "Add data for at least two regions",
                )
            ]
        )
    table, used = indicator_table(current)
    dataset = Dataset(data=table, tree=ranking_tree(used))
    index = run_index(dataset, RANKING_SPEC)
    warnings = list(index.warnings)
    try:
        uncertainty = run_uncertainty(
            dataset, RANKING_SPEC, RANKING_UNCERTAINTY, n=runs, seed=seed, sensitivity=True
        )
    except IndexSpecError:
        # z-scores below −5 (a far outlier) make the geometric mean undefined for some runs:
        # rank bands without that alternative, said out loud rather than failing the ranking
        fallback = RANKING_UNCERTAINTY.model_copy(
            update={"aggregation": [AggregateMethod.ARITHMETIC]}
        )
        uncertainty = run_uncertainty(
            dataset, RANKING_SPEC, fallback, n=runs, seed=seed, sensitivity=True
        )
        warnings.append(
            "排名区间未包含几何平均：有 z 分数低于 −5，几何平均无定义 / rank bands leave out the "
            "geometric mean: some z-scores fall below −5, where it is undefined"
        )
    stats = uncertainty.rank_stats
    before = _nominal_ranks(previous) if previous else {}
    changes: dict[str, ScoreChange] = {}
    if previous:
        previous_index = run_index(
            Dataset(data=_values(previous, used), tree=dataset.tree), RANKING_SPEC
        )
        changes = decompose_change(previous_index, index)
    names_en = {k.region: k.figures.region_en for k in current}
    pillars = [p for p in RANKING_PILLARS if p in index.aggregated.columns]
    scores: dict[Any, Any] = index.index.to_dict()
    ranks: dict[Any, Any] = index.ranks.to_dict()
    q5: dict[Any, Any] = stats["Q5"].to_dict()
    q95: dict[Any, Any] = stats["Q95"].to_dict()
    medians: dict[Any, Any] = stats["Median"].to_dict()
    pillar_scores: dict[Any, dict[Any, Any]] = index.aggregated[pillars].to_dict(orient="index")
    entries = []
    for region in table.index:
        name = str(region)
        rank = _number(ranks.get(region))
        band = (float(q5[region]), float(q95[region])) if region in q5 else None
        previous_rank = before.get(name)
        entries.append(
            RankedRegion(
                region=name,
                region_en=names_en.get(name, ""),
                score=_number(scores.get(region)),
                rank=None if rank is None else int(rank),
                median=_number(medians.get(region)),
                band=band,
                pillars={p: _number(pillar_scores[region][p]) for p in pillars},
                previous_rank=previous_rank,
                change=None if previous_rank is None or rank is None else previous_rank - int(rank),
                significant=None
                if previous_rank is None or band is None
                else not band[0] <= previous_rank <= band[1],
            )
        )
    entries.sort(key=lambda e: (e.rank is None, e.rank or 0, e.region))
    missing = [i.code for i in RANKING_INDICATORS if i not in used]
    if missing:
        warnings.append(
            f"无数据的指标未参与排名 / indicators without data are left out: {', '.join(missing)}"
        )
    return Ranking(
        year=year,
        regions=entries,
        indicators=used,
        index=index,
        data=table,
        sobol=uncertainty.sobol,
        runs=uncertainty.n_runs,
        warnings=warnings,
        changes=changes,
    )


@action("ranking.rank_regions")
def rank_regions(actor: Actor, year: int, *, runs: int = 1000, seed: int = 0) -> Ranking:
    """The ranking of every region in the database for ``year``, against ``year − 1``."""
    policy.require(actor, "ranking.rank_regions")
    _check_year(year)
    current = kpi_service.all_regions(actor, year=year)
    previous = kpi_service.all_regions(actor, year=year - 1)
    has_previous = any(
        k.funnel.demands or k.figures.dockings_signed or k.figures.events for k in previous
    )
    return rank_kpis(year, current, previous if has_previous else None, runs=runs, seed=seed)
