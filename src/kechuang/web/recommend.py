"""Recommendations for a demand, each with its evidence.

When the matching engine's service (``kechuang.services.matching``) is installed its ranked hits
and evidence are shown. Until then a clearly labelled simple keyword match over the region's
experts (with their works), organisations and achievements stands in: it scores shared keywords
and industry codes and shows exactly which ones matched.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kechuang.domain import Actor, Demand, DockingTargetKind, OrganisationKind
from kechuang.services import achievements, experts, organisations
from kechuang.web.i18n import N_

log = logging.getLogger("kechuang.web.recommend")
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
    components: tuple[tuple[str, str], ...] = field(default=())
    """(msgid of the component, its value): the parts of the score, shown translated."""


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
        module = importlib.import_module("kechuang.services.matching")
    except ModuleNotFoundError:
        return None
    if not (hasattr(module, "build_index") and hasattr(module, "match_demand")):
        return None
    return module


INDEXED_KINDS = frozenset({"expert", "organisation", "achievement"})


class IndexCache:
    """The matching engine's lexical index per (database, region), rebuilt after a commit that
    changed an expert, organisation or achievement of that region (an after-commit hook)."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, int | None], Any] = {}
        self._lock = threading.Lock()

    def on_commit(self, changes: Sequence[Any]) -> None:
        """After-commit hook: forget the indexes the committed changes made stale."""
        touched = {
            getattr(c, "region_id", None)
            for c in changes
            if getattr(c, "kind", "") in INDEXED_KINDS
        }
        if not touched:
            return
        with self._lock:
            for key in list(self._indexes):
                if key[1] in touched or None in touched:
                    del self._indexes[key]

    def get(self, service: Any, actor: Actor, database_url: str, region_id: int | None) -> Any:
        """The index of ``region_id``, built on first use (the public's view of the records)."""
        key = (database_url, region_id)
        with self._lock:
            index = self._indexes.get(key)
            if index is None:
                index = service.build_index(Actor.anonymous(), region_id, lexical_only=True)
                self._indexes[key] = index
            return index


_TARGETS = {
    "expert": DockingTargetKind.EXPERT,
    "organisation": DockingTargetKind.ORGANISATION,
    "achievement": DockingTargetKind.ACHIEVEMENT,
}


def engine_recommendations(
    service: Any, index: Any, actor: Actor, demand: Demand, *, limit: int
) -> list[Recommendation]:
    """The engine's hits for the demand, top ``limit`` per kind, enterprises left out."""
    enterprises = {
        org.id
        for org in organisations.all_in_region(
            actor, demand.region_id, kinds=[OrganisationKind.ENTERPRISE]
        )
    }
    matches = service.match_demand(actor, index, demand.id, k=limit * 6)
    results: list[Recommendation] = []
    per_kind: dict[DockingTargetKind, int] = {}
    for hit in matches.hits:
        prefix, _, raw_id = str(hit.entity_id).partition(":")
        target = _TARGETS.get(prefix)
        if target is None or not raw_id.isdigit():
            continue
        target_id = int(raw_id)
        if target is DockingTargetKind.ORGANISATION and target_id in enterprises:
            continue
        if per_kind.get(target, 0) >= limit:
            continue
        per_kind[target] = per_kind.get(target, 0) + 1
        evidence = [
            f"{work.title} — BM25 {work.lexical:.2f}"
            + (f", {'、'.join(work.matched_terms[:6])}" if work.matched_terms else "")
            for work in hit.works[:3]
        ]
        components = (
            (N_("Lexical score (BM25)"), f"{hit.lexical:.2f}"),
            (N_("Semantic score"), f"{hit.semantic:.2f}"),
            (N_("Aggregation over works"), str(hit.aggregation)),
        )
        results.append(
            Recommendation(
                target,
                target_id,
                str(hit.name),
                "",
                float(hit.score),
                tuple(str(term) for term in hit.matched_terms[:12]),
                tuple(evidence),
                components,
            )
        )
    return results


def recommend(
    actor: Actor,
    demand: Demand,
    *,
    cache: IndexCache | None = None,
    database_url: str = "",
    limit: int = 5,
) -> Recommendations:
    """The engine's recommendations when it is installed, else the labelled simple match."""
    service = _matching_service()
    if service is not None and cache is not None:
        try:
            index = cache.get(service, actor, database_url, demand.region_id)
            items = engine_recommendations(service, index, actor, demand, limit=limit)
        except Exception:  # an engine failure must not take the demand page down
            log.exception("matching engine failed; showing the simple match")
        else:
            return Recommendations(items, "matching")
    return Recommendations(simple_recommendations(actor, demand, limit=limit), "simple")
