"""KPIs of a pilot region computed from its records: the docking funnel and response times.

Pure functions over domain objects, so the rules can be tested without a database; the service
``kechuang.services.kpis`` loads the records and calls them. A funnel counts *demands*, not
dockings: a demand is "contacted" once any of its dockings reached contact, even if that docking
was closed later, because the question a 科协 answers is how many enterprises' problems got how
far.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from kechuang.domain.demand import Demand
from kechuang.domain.docking import Docking, DockingStage

STAGE_ORDER: dict[DockingStage, int] = {
    DockingStage.PROPOSED: 0,
    DockingStage.CONTACTED: 1,
    DockingStage.MEETING: 2,
    DockingStage.NEGOTIATING: 3,
    DockingStage.SIGNED: 4,
    DockingStage.DELIVERED: 5,
}
"""How far along a docking is; ``closed`` is not a stage reached but an exit."""

FUNNEL_STEPS: tuple[tuple[str, int, str, str], ...] = (
    ("matched", STAGE_ORDER[DockingStage.PROPOSED], "已匹配", "Matched"),
    ("contacted", STAGE_ORDER[DockingStage.CONTACTED], "已联系", "Contacted"),
    ("signed", STAGE_ORDER[DockingStage.SIGNED], "已签约", "Signed"),
    ("delivered", STAGE_ORDER[DockingStage.DELIVERED], "已交付", "Delivered"),
)


def furthest_stage(docking: Docking) -> int:
    """The furthest stage a docking ever reached (from its history and its current stage)."""
    reached = [STAGE_ORDER[e.to_stage] for e in docking.history if e.to_stage in STAGE_ORDER]
    if docking.stage in STAGE_ORDER:
        reached.append(STAGE_ORDER[docking.stage])
    if docking.signed_on is not None:
        reached.append(STAGE_ORDER[DockingStage.SIGNED])
    if docking.delivered_on is not None:
        reached.append(STAGE_ORDER[DockingStage.DELIVERED])
    return max(reached, default=0)


@dataclass(frozen=True)
class Funnel:
    """Demands → matched → contacted → signed → delivered, counted per demand."""

    demands: int
    matched: int
    contacted: int
    signed: int
    delivered: int

    def rate(self, step: str) -> float | None:
        """Share of demands that reached ``step`` (None without demands)."""
        value: int = getattr(self, step)
        return value / self.demands if self.demands else None

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates."""
        out: dict[str, Any] = asdict(self)
        for step, *_ in FUNNEL_STEPS:
            out[f"{step}_rate"] = self.rate(step)
        return out


def funnel(demands: Sequence[Demand], dockings: Iterable[Docking]) -> Funnel:
    """The funnel of ``demands`` (e.g. those published in a year), whatever the dockings' dates."""
    ids = {d.id for d in demands if d.id is not None}
    best: dict[int, int] = {}
    for docking in dockings:
        if docking.demand_id in ids:
            best[docking.demand_id] = max(best.get(docking.demand_id, -1), furthest_stage(docking))
    counts = {step: sum(1 for v in best.values() if v >= level) for step, level, *_ in FUNNEL_STEPS}
    return Funnel(demands=len(ids), **counts)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _first_reaching(docking: Docking, level: int) -> datetime | None:
    times = [
        _as_utc(e.at)
        for e in docking.history
        if e.to_stage in STAGE_ORDER and STAGE_ORDER[e.to_stage] >= level
    ]
    return min(times, default=None)


@dataclass(frozen=True)
class ResponseTimes:
    """How fast demands are answered, in days (medians over the demands that got that far)."""

    to_first_match_days: float | None
    to_first_contact_days: float | None
    matched_within_30_days: float | None
    """Share of demands matched within 30 days of publication."""
    measured: int
    """Demands with a publication time and at least one timed docking."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def response_times(demands: Sequence[Demand], dockings: Iterable[Docking]) -> ResponseTimes:
    """Days from a demand's publication to its first docking proposal and to first contact."""
    by_demand: dict[int, list[Docking]] = {}
    for docking in dockings:
        by_demand.setdefault(docking.demand_id, []).append(docking)
    to_match: list[float] = []
    to_contact: list[float] = []
    published = [d for d in demands if d.id is not None and d.published_at is not None]
    for demand in published:
        assert demand.id is not None
        assert demand.published_at is not None
        start = _as_utc(demand.published_at)
        first_match = [
            t
            for d in by_demand.get(demand.id, [])
            if (t := _first_reaching(d, STAGE_ORDER[DockingStage.PROPOSED])) is not None
        ]
        first_contact = [
            t
            for d in by_demand.get(demand.id, [])
            if (t := _first_reaching(d, STAGE_ORDER[DockingStage.CONTACTED])) is not None
        ]
        if first_match:
            to_match.append(max(0.0, (min(first_match) - start).total_seconds() / 86400))
        if first_contact:
            to_contact.append(max(0.0, (min(first_contact) - start).total_seconds() / 86400))
    within = sum(1 for days in to_match if days <= 30)
    return ResponseTimes(
        to_first_match_days=statistics.median(to_match) if to_match else None,
        to_first_contact_days=statistics.median(to_contact) if to_contact else None,
        matched_within_30_days=within / len(published) if published else None,
        measured=len(to_match),
    )


def in_year(moment: date | datetime | None, year: int | None) -> bool:
    """True when ``moment`` falls in ``year`` (always, without a year)."""
    if year is None:
        return True
    return moment is not None and moment.year == year
