"""Public full-text search page and its autocomplete dropdown (``kechuang.services.search``).

The page works without JavaScript (a GET form, facet values as links, a pager); with htmx the
results update as the user types or picks a facet, and a dropdown suggests record names and
code-list labels. Both routes are rate limited per client address.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup, escape
from starlette.responses import Response

from kechuang.domain import Actor
from kechuang.services import search as search_service
from kechuang.services.search import FACETS, Highlighted, SearchResults
from kechuang.web.deps import current_actor, rate_limit, tx
from kechuang.web.i18n import N_
from kechuang.web.pagecache import public_page
from kechuang.web.templating import language_of, render

router = APIRouter()

FACET_TITLES: dict[str, str] = {
    "kind": N_("Kind"),
    "industry": N_("Industry (GB/T 4754)"),
    "discipline": N_("Discipline (GB/T 13745)"),
    "region": N_("Region"),
}

DETAIL_PATHS: dict[str, str] = {
    "expert": "/experts/",
    "achievement": "/achievements/",
    "demand": "/demands/",
    "event": "/events/",
    "honour_list": "/honours/",
}
"""Detail page per hit kind; every other kind is an organisation."""


def detail_url(kind: str, record_id: int | str) -> str:
    """The public page of a hit or suggestion."""
    return f"{DETAIL_PATHS.get(kind, '/organisations/')}{record_id}"


def marked(highlighted: Highlighted) -> Markup:
    """The text HTML-escaped, its matched spans wrapped in ``<mark>``."""
    html = "".join(
        f"<mark>{escape(piece)}</mark>" if matched else str(escape(piece))
        for piece, matched in highlighted.parts()
    )
    return Markup(html)  # noqa: S704 - every piece above is escaped


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else default


def _filters(request: Request) -> dict[str, str]:
    return {name: (request.query_params.get(name) or "").strip()[:40] for name in FACETS}


@router.get("/search", dependencies=[Depends(rate_limit("search"))])
@public_page()
def search(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Response:
    """Search page: ranked hits with highlights, facets with counts, pages."""
    q = (request.query_params.get("q") or "").strip()[: search_service.MAX_QUERY]
    filters = _filters(request)
    page = min(max(_int(request.query_params.get("page"), 1), 1), search_service.MAX_PAGE)
    results: SearchResults | None = None
    if q or any(filters.values()):
        with tx(request):
            results = search_service.query(
                actor,
                q,
                kind=filters["kind"],
                industry=filters["industry"],
                discipline=filters["discipline"],
                region=filters["region"],
                page=page,
            )
    english = language_of(request).short == "en"

    def text(zh: str, en: str) -> str:
        return en if english else zh

    return render(
        request,
        "search.html",
        {
            "q": q,
            "filters": filters,
            "results": results,
            "facet_titles": FACET_TITLES,
            "marked": marked,
            "text": text,
            "detail_url": detail_url,
            "pager": {"number": results.page, "pages": results.pages} if results else None,
        },
    )


@router.get("/search/suggest", dependencies=[Depends(rate_limit("search"))])
def suggest(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Response:
    """The autocomplete dropdown (an HTML fragment for htmx): at most ten public suggestions."""
    q = (request.query_params.get("q") or "").strip()[: search_service.MAX_QUERY]
    suggestions: list[Any] = []
    if q:
        with tx(request):
            suggestions = search_service.suggest(actor, q)
    english = language_of(request).short == "en"
    return render(
        request,
        "search_suggest.html",
        {
            "suggestions": suggestions,
            "text": lambda zh, en: en if english else zh,
            "detail_url": detail_url,
        },
    )
