"""Public search across demands (teasers), experts, achievements and organisations.

This is the clearly labelled simple search: a case-insensitive match on names and titles through
the list services, with counts per kind as facets and the matched text highlighted. The full-text
engine (Chinese segmentation, abstracts, ranking) replaces it when ``services.matching`` offers
``search``. Rate limited per client address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup, escape
from starlette.responses import Response

from kechuang.domain import Actor, Page
from kechuang.services import achievements, demands, experts, organisations, regions
from kechuang.web.deps import current_actor, rate_limit, tx
from kechuang.web.i18n import N_
from kechuang.web.portal import industry_text
from kechuang.web.templating import render

router = APIRouter()

KINDS: dict[str, str] = {
    "demand": N_("Demands"),
    "expert": N_("Experts"),
    "achievement": N_("Achievements"),
    "organisation": N_("Organisations"),
}
PER_KIND = 10


def highlight(text: str, query: str) -> Markup:
    """``text`` HTML-escaped, with every occurrence of ``query`` wrapped in ``<mark>``."""
    if not query:
        return escape(text)
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(str(escape(text[last : match.start()])))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped


@router.get("/search", dependencies=[Depends(rate_limit("search"))])
def search(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Response:
    """Search page: results grouped by kind, with facet counts."""
    query = request.query_params
    q = (query.get("q") or "").strip()[:100]
    kind = query.get("kind") or ""
    region_id = int(query["region"]) if (query.get("region") or "").isdigit() else None
    results: dict[str, Any] = {}
    counts: dict[str, int] = {}
    with tx(request):
        region_list = list(regions.list(actor, limit=200).items)
        if q:
            pages: dict[str, Callable[[], Page[Any]]] = {
                "demand": lambda: demands.list_teasers(
                    actor, region_id=region_id, q=q, limit=PER_KIND
                ),
                "expert": lambda: experts.list(actor, region_id=region_id, q=q, limit=PER_KIND),
                "achievement": lambda: achievements.list(
                    actor, region_id=region_id, q=q, limit=PER_KIND
                ),
                "organisation": lambda: organisations.list(
                    actor, region_id=region_id, q=q, limit=PER_KIND
                ),
            }
            for name, fetch in pages.items():
                page = fetch()
                counts[name] = page.total
                if not kind or kind == name:
                    results[name] = page.items
    return render(
        request,
        "search.html",
        {
            "q": q,
            "kind": kind,
            "kinds": KINDS,
            "results": results,
            "counts": counts,
            "regions": region_list,
            "region_id": region_id,
            "highlight": lambda text: highlight(text or "", q),
            "industry_text": industry_text,
        },
    )
