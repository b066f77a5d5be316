"""Recommendations for a demand, each with its evidence.

The matching engine ranks the region's experts, organisations and achievements from the app's one
search index (:class:`kechuang.services.search_index.SearchIndex`, kept current after every
commit): hybrid (lexical + the fast embedder) when the embedder package is installed, lexical
otherwise, and the page says which. If the engine fails, a clearly labelled simple keyword match
stands in: it scores shared keywords and industry codes and shows exactly which ones matched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kechuang.domain import Actor, Demand, DockingTargetKind
from kechuang.match.scale.records import code_names, demand_text
from kechuang.services import achievements, experts, matching, organisations
from kechuang.services.search_index import SearchIndex
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
    mode: str = ""
    """The engine's scoring: ``hybrid`` (lexical + semantic) or ``lexical``."""


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


_TARGETS = {
    "expert": DockingTargetKind.EXPERT,
    "organisation": DockingTargetKind.ORGANISATION,
    "achievement": DockingTargetKind.ACHIEVEMENT,
}


_CODE_LISTS = {"discipline": "GB/T 13745", "industry": "GB/T 4754"}


def _routed_lines(
    routed_codes: Iterable[str], confidence: dict[str, dict[str, float]]
) -> list[str]:
    """Evidence lines for the codes through which the demand's routing reached a candidate."""
    lines = []
    for routed in routed_codes:
        facet, _, code = routed.partition(":")
        names = code_names([code])
        probability = confidence.get(facet, {}).get(code, 0.0)
        lines.append(
            f"{_CODE_LISTS.get(facet, facet)} {code} {names[0] if names else ''}"
            f" ({probability:.2f})".replace("  ", " ")
        )
    return lines


def engine_recommendations(
    source: SearchIndex, actor: Actor, demand: Demand, *, limit: int
) -> list[Recommendation]:
    """The engine's hits for the demand: top ``limit`` experts, serving organisations (not other
    enterprises) and achievements, each list ranked on its own."""
    assert demand.id is not None
    matches = matching.match_demand(
        actor,
        source.index(),
        demand.id,
        k=limit,
        region_id=demand.region_id,
        groups=matching.PARTNER_GROUPS,
    )
    confidence = matches.routing.as_query() if matches.routing is not None else {}
    results: list[Recommendation] = []
    for hit in [hit for hits in (matches.by_group or {}).values() for hit in hits]:
        prefix, _, raw_id = str(hit.entity_id).partition(":")
        target = _TARGETS.get(prefix)
        if target is None or not raw_id.isdigit():
            continue
        target_id = int(raw_id)
        evidence = [
            f"{work.title} — BM25 {work.lexical:.2f}"
            + (f", {'、'.join(work.matched_terms[:6])}" if work.matched_terms else "")
            for work in hit.works[:3]
        ]
        evidence.extend(_routed_lines(hit.routed_codes, confidence))
        components = (
            (N_("Lexical score (BM25)"), f"{hit.lexical:.2f}"),
            (N_("Semantic score"), f"{hit.semantic:.2f}"),
            (N_("Discipline/industry affinity"), f"{hit.routing:.2f}"),
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
    source: SearchIndex | None = None,
    limit: int = 5,
) -> Recommendations:
    """The engine's recommendations from ``source`` (the app's index), else the simple match."""
    if source is not None:
        try:
            items = engine_recommendations(source, actor, demand, limit=limit)
            mode = source.mode
        except Exception:  # an engine failure must not take the demand page down
            log.exception("matching engine failed; showing the simple match")
        else:
            return Recommendations(items, "matching", mode)
    return Recommendations(simple_recommendations(actor, demand, limit=limit), "simple")


def suggested_codes(demand_list: Iterable[Demand]) -> dict[int, matching.TextRouting]:
    """Disciplines and industries suggested from each demand's text, with confidence (for the
    operator's review; a hint, never written to the demand)."""
    found: dict[int, matching.TextRouting] = {}
    for demand in demand_list:
        if demand.id is None:
            continue
        try:
            found[demand.id] = matching.route_text(demand_text(demand), 3)
        except Exception:  # routing is a hint: its failure must not take the review page down
            log.exception("routing failed for demand %s", demand.id)
    return found
