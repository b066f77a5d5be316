"""KPIs of a pilot region and period, computed from the database.

Builds on ``kechuang.services.stats`` (the Lanzhou report's counts: reused, never re-counted)
and adds what a 科协 is judged on beyond stocks: the demand → matched → contacted → signed →
delivered funnel, contract value, achievements transferred, events by kind, resources gathered
by kind, response times, and visits once the web counts them. The figures are aggregates without
names, so anyone may read them, like the report figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kechuang.domain import (
    AchievementStatus,
    Actor,
    DockingTargetKind,
    EventKind,
    OrganisationKind,
    Region,
)
from kechuang.domain.docking import SIGNED_OR_LATER
from kechuang.metrics import kpis as kpi_rules
from kechuang.services import policy, stats
from kechuang.services import regions as region_service
from kechuang.services.context import action, unit_of_work

_PUBLIC = "anyone, including the public (aggregate figures only)"
policy.rule("kpis.region_kpis", _PUBLIC)(policy.anyone)
policy.rule("kpis.region_kpis_by_name", _PUBLIC)(policy.anyone)
policy.rule("kpis.all_regions", _PUBLIC)(policy.anyone)


@dataclass(frozen=True)
class RegionKpis:
    """One region's KPIs for one year (or all time when ``year`` is None)."""

    figures: stats.RegionFigures
    funnel: kpi_rules.Funnel
    response: kpi_rules.ResponseTimes
    contract_value_fen: int
    achievements_transferred: int
    """Achievements whose status is transferred (stock)."""
    achievement_dockings_signed: int
    """Dockings with an achievement signed in the period (flow)."""
    events_by_kind: dict[str, int] = field(default_factory=dict)
    resources_by_kind: dict[str, int] = field(default_factory=dict)
    visits: int | None = None
    """Page visits counted by the web app; None while the web does not count them."""

    @property
    def region(self) -> str:
        """The region's Chinese name."""
        return self.figures.region

    @property
    def year(self) -> int | None:
        """The period."""
        return self.figures.year

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "region": self.figures.region,
            "region_en": self.figures.region_en,
            "region_id": self.figures.region_id,
            "year": self.figures.year,
            "figures": self.figures.as_dict(),
            "funnel": self.funnel.as_dict(),
            "response": self.response.as_dict(),
            "contract_value_fen": self.contract_value_fen,
            "achievements_transferred": self.achievements_transferred,
            "achievement_dockings_signed": self.achievement_dockings_signed,
            "events_by_kind": self.events_by_kind,
            "resources_by_kind": self.resources_by_kind,
            "visits": self.visits,
        }


RESOURCE_KINDS: tuple[OrganisationKind, ...] = tuple(OrganisationKind)


def _visits(region_id: int, year: int | None) -> int | None:
    """Visits counted by the web in the period, or None when the web counts none at all.

    "Nothing counted anywhere" means the counter is not running, which is not the same as zero
    visits; the ranking leaves the indicator out then instead of scoring every region zero.
    """
    repository: Any = getattr(unit_of_work(), "visits", None)  # the web's visit counter
    if repository is None:
        return None
    since = None if year is None else date(year, 1, 1)
    until = None if year is None else date(year, 12, 31)
    if int(repository.count(since=since, until=until)) == 0:
        return None
    return int(repository.count(region_id=region_id, since=since, until=until))


def _kpis(actor: Actor, region: Region, year: int | None) -> RegionKpis:
    assert region.id is not None
    region_id = region.id
    figures = stats.region_figures(actor, region_id, year=year)
    uow = unit_of_work()
    demands = [
        d
        for d in uow.demands.all(region_id=region_id)
        if d.published_at is not None and kpi_rules.in_year(d.published_at, year)
    ]
    dockings = uow.dockings.all(region_id=region_id)
    achievement_signed = sum(
        1
        for d in dockings
        if d.target_kind is DockingTargetKind.ACHIEVEMENT
        and d.stage in SIGNED_OR_LATER
        and kpi_rules.in_year(d.signed_on, year)
    )
    resources = {
        kind.value: uow.organisations.count(region_id=region_id, kind=kind.value)
        for kind in RESOURCE_KINDS
    }
    resources["expert"] = figures.experts
    resources["volunteer"] = figures.volunteers
    resources["achievement"] = figures.achievements
    resources["society_docked"] = figures.societies_docked
    return RegionKpis(
        figures=figures,
        funnel=kpi_rules.funnel(demands, dockings),
        response=kpi_rules.response_times(demands, dockings),
        contract_value_fen=figures.contract_value_fen,
        achievements_transferred=uow.achievements.count(
            region_id=region_id, status=AchievementStatus.TRANSFERRED.value
        ),
        achievement_dockings_signed=achievement_signed,
        events_by_kind={
            kind.value: uow.events.count(region_id=region_id, kind=kind.value, year=year)
            for kind in EventKind
        },
        resources_by_kind=resources,
        visits=_visits(region_id, year),
    )


@action("kpis.region_kpis")
def region_kpis(actor: Actor, region_id: int, *, year: int | None = None) -> RegionKpis:
    """The KPIs of one region (NotFound for an unknown or hidden region)."""
    policy.require(actor, "kpis.region_kpis")
    return _kpis(actor, region_service.get(actor, region_id), year)


@action("kpis.region_kpis_by_name")
def region_kpis_by_name(actor: Actor, name: str, *, year: int | None = None) -> RegionKpis:
    """The KPIs of the region called ``name``, e.g. 兰州新区."""
    policy.require(actor, "kpis.region_kpis_by_name")
    return _kpis(actor, region_service.get_by_name(actor, name), year)


@action("kpis.all_regions")
def all_regions(actor: Actor, *, year: int | None = None) -> list[RegionKpis]:
    """KPIs of every non-archived region — the peers of the national ranking."""
    policy.require(actor, "kpis.all_regions")
    return [_kpis(actor, region, year) for region in unit_of_work().regions.all()]
