"""Recommendations for a demand, each with its evidence.

When the matching engine's service (``kechuang.services.matching``) is installed its ranked hits
and evidence are shown. Until then a clearly labelled simple keyword match over the region's
experts (with their works), organisations and achievements stands in: it scores shared keywords
and industry codes and shows exactly which ones matched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kechuang.domain import Actor, Demand, DockingTargetKind
from kechuang.services import achievements, experts, organisations

_SPLIT = re.compile(r"[\s,，、;；。.:：/()（）\[\]“”\"']+")


@dataclass(frozen=True)
class Recommendation:
    """One candidate for docking with the demand, and why it was proposed."""

    target_kind: DockingTargetKind
    target_id: int
    name: str
    subtitle: str
    score: float
    matched_terms: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default=())
    """Human-readable lines: the works, keywords or codes behind the score."""


@dataclass(frozen=True)
class Recommendations:
    """The ranked candidates and which method produced them (shown on the page)."""

    items: list[Recommendation]
    engine: str
    """``matching`` (the engine) or ``simple`` (the labelled keyword fallback)."""


def _terms(texts: Iterable[str]) -> set[str]:
    terms: set[str] = set()
    for text in texts:
        for part in _SPLIT.split(text.lower()):
            if len(part) >= 2:
                terms.add(part)
    return terms


def demand_terms(demand: Demand) -> set[str]:
    """The terms of a demand that candidates are matched on: its keywords and title words."""
    return _terms([*demand.keywords, demand.title])


def _overlap(terms: set[str], texts: Iterable[str]) -> list[str]:
    joined = " ".join(texts).lower()
    return sorted(term for term in terms if term in joined)


def simple_recommendations(actor: Actor, demand: Demand, *, limit: int = 5) -> list[Recommendation]:
    """Keyword and industry overlap between the demand and the region's resources (the fallback)."""
    terms = demand_terms(demand)
    industries = set(demand.industry_codes)
    results: list[Recommendation] = []
    for expert in experts.all_with_works(actor, demand.region_id):
        assert expert.id is not None
        profile = [
            *expert.keywords,
            expert.bio,
            *(w.title for w in expert.works),
            *(k for w in expert.works for k in w.keywords),
        ]
        matched = _overlap(terms, profile)
        shared_codes = sorted(industries & set(expert.industry_codes))
        if not matched and not shared_codes:
            continue
        works = [w.title for w in expert.works if _overlap(terms, [w.title, *w.keywords])][:3]
        results.append(
            Recommendation(
                DockingTargetKind.EXPERT,
                expert.id,
                expert.name,
                f"{expert.title} · {expert.affiliation}".strip(" ·"),
                len(matched) + 0.5 * len(shared_codes),
                tuple(matched),
                (*works, *(f"GB/T 4754 {code}" for code in shared_codes)),
            )
        )
    for organisation in organisations.all_in_region(actor, demand.region_id):
        assert organisation.id is not None
        matched = _overlap(
            terms, [*organisation.keywords, organisation.description, organisation.name]
        )
        shared_codes = sorted(industries & set(organisation.industry_codes))
        if (not matched and not shared_codes) or organisation.id == demand.enterprise_id:
            continue
        results.append(
            Recommendation(
                DockingTargetKind.ORGANISATION,
                organisation.id,
                organisation.name,
                organisation.kind.value,
                len(matched) + 0.5 * len(shared_codes),
                tuple(matched),
                tuple(f"GB/T 4754 {code}" for code in shared_codes),
            )
        )
    for achievement in achievements.all_in_region(actor, demand.region_id):
        assert achievement.id is not None
        matched = _overlap(
            terms, [*achievement.keywords, achievement.title, achievement.description]
        )
        shared_codes = sorted(industries & set(achievement.industry_codes))
        if not matched and not shared_codes:
            continue
        results.append(
            Recommendation(
                DockingTargetKind.ACHIEVEMENT,
                achievement.id,
                achievement.title,
                achievement.owner_name,
                len(matched) + 0.5 * len(shared_codes),
                tuple(matched),
                (f"TRL {achievement.trl}", *(f"GB/T 4754 {code}" for code in shared_codes)),
            )
        )
    results.sort(key=lambda item: (-item.score, item.target_kind.value, item.target_id))
    by_kind: dict[DockingTargetKind, int] = {}
    kept: list[Recommendation] = []
    for item in results:
        if by_kind.get(item.target_kind, 0) < limit:
            by_kind[item.target_kind] = by_kind.get(item.target_kind, 0) + 1
            kept.append(item)
    return kept


def _matching_service() -> Any | None:
    try:
        return importlib.import_module("kechuang.services.matching")
    except ModuleNotFoundError:
        return None


def recommend(actor: Actor, demand: Demand, *, limit: int = 5) -> Recommendations:
    """The engine's recommendations when it is installed, else the labelled simple match."""
    service = _matching_service()
    if service is not None and hasattr(service, "recommend_for_demand"):
        hits = service.recommend_for_demand(actor, demand.id, limit=limit)
        return Recommendations([_from_engine(hit) for hit in hits], "matching")
    return Recommendations(simple_recommendations(actor, demand, limit=limit), "simple")


def _from_engine(hit: Any) -> Recommendation:
    evidence = tuple(str(line) for line in getattr(hit, "evidence", ()) or ())
    return Recommendation(
        DockingTargetKind(str(hit.target_kind)),
        int(hit.target_id),
        str(hit.name),
        str(getattr(hit, "subtitle", "")),
        float(hit.score),
        tuple(str(term) for term in getattr(hit, "matched_terms", ()) or ()),
        evidence,
    )
