"""REST twin of the portal search: full-text hits with highlights and facets, and autocomplete.

Both endpoints answer from the public index (``kechuang.services.search``), the same for every
caller, and are rate limited per client address like the web's public search (429 with
Retry-After).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from kechuang.api.deps import Caller, rate_limit, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.services import search as search_service
from kechuang.services.search import FacetValue, Highlighted, SearchHit, Suggestion

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["search"])

_DETAIL_PATHS = {
    "expert": "/experts/",
    "achievement": "/achievements/",
    "demand": "/demands/",
    "event": "/events/",
    "honour_list": "/honours/",
}


def _url(kind: str, record_id: int | str) -> str:
    return f"{_DETAIL_PATHS.get(kind, '/organisations/')}{record_id}"


class HighlightedText(BaseModel):
    """A shown text and the ``[start, end)`` character spans of it that matched the query."""

    text: str
    highlights: list[tuple[int, int]] = Field(
        description="matched spans, character offsets / 命中片段（字符位置）"
    )

    @classmethod
    def of(cls, highlighted: Highlighted) -> HighlightedText:
        """From the service's value."""
        return cls(text=highlighted.text, highlights=list(highlighted.spans))


class SearchHitOut(BaseModel):
    """One ranked public record."""

    kind: str = Field(
        description="expert, achievement, demand, event, honour_list or an organisation kind / 类型"
    )
    kind_label_zh: str
    kind_label_en: str
    id: int
    url: str = Field(description="its public page / 公开页面")
    score: float = Field(description="BM25 score (0 without a query) / 相关度")
    title: HighlightedText
    subtitle: str
    snippet: HighlightedText
    region_id: int | None
    region_label_zh: str
    region_label_en: str
    matched_terms: list[str] = Field(description="query terms found, rarest first / 命中词")

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        """From the service's hit."""
        return cls(
            kind=hit.kind,
            kind_label_zh=hit.kind_label_zh,
            kind_label_en=hit.kind_label_en,
            id=hit.record_id,
            url=_url(hit.kind, hit.record_id),
            score=round(hit.score, 4),
            title=HighlightedText.of(hit.title),
            subtitle=hit.subtitle,
            snippet=HighlightedText.of(hit.snippet),
            region_id=hit.region_id,
            region_label_zh=hit.region_label_zh,
            region_label_en=hit.region_label_en,
            matched_terms=list(hit.matched_terms),
        )


class FacetValueOut(BaseModel):
    """A facet value and how many hits selecting it would keep."""

    code: str
    label_zh: str
    label_en: str
    count: int
    selected: bool

    @classmethod
    def of(cls, value: FacetValue) -> FacetValueOut:
        """From the service's value."""
        return cls(
            code=value.code,
            label_zh=value.label_zh,
            label_en=value.label_en,
            count=value.count,
            selected=value.selected,
        )


class SearchOut(BaseModel):
    """A page of hits, the size of the filtered hit set and the facets."""

    query: str
    tokens: list[str] = Field(description="the query as analysed / 查询分词")
    total: int
    page: int
    per_page: int
    pages: int
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="kind, industry, discipline, region: counts over the hits with the other "
        "filters applied / 分面计数"
    )


class SuggestionOut(BaseModel):
    """One autocomplete entry."""

    text: str
    kind: str = Field(description="a record kind, or industry / discipline for a code label")
    code: str = Field(description="record id or code / 记录编号或代码")
    kind_label_zh: str
    kind_label_en: str
    url: str

    @classmethod
    def of(cls, suggestion: Suggestion) -> SuggestionOut:
        """From the service's suggestion."""
        if suggestion.kind in ("industry", "discipline"):
            url = f"/search?{suggestion.kind}={suggestion.code}"
        else:
            url = _url(suggestion.kind, suggestion.code)
        return cls(
            text=suggestion.text,
            kind=suggestion.kind,
            code=suggestion.code,
            kind_label_zh=suggestion.kind_label_zh,
            kind_label_en=suggestion.kind_label_en,
            url=url,
        )


Filter = Annotated[str, Query(max_length=40)]


@router.get(
    "/search",
    summary="Full-text search of the public records / 全文检索",
    dependencies=[Depends(rate_limit("search"))],
)
def search(
    request: Request,
    *,
    actor: Caller,
    q: Annotated[
        str, Query(max_length=search_service.MAX_QUERY, description="keywords, 中文或英文")
    ] = "",
    kind: Filter = "",
    industry: Filter = "",
    discipline: Filter = "",
    region: Filter = "",
    page: Annotated[int, Query(ge=1, le=search_service.MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = search_service.PER_PAGE,
) -> SearchOut:
    """Ranked hits with highlighted title and snippet, and facets with counts. Filters take a
    facet value's ``code`` (``kind=organisation`` selects every organisation kind; industry and
    discipline codes include their sub-codes). Only public records are searched."""
    with tx(request):
        results = search_service.query(
            actor,
            q,
            kind=kind,
            industry=industry,
            discipline=discipline,
            region=region,
            page=page,
            per_page=per_page,
        )
    return SearchOut(
        query=results.query,
        tokens=list(results.tokens),
        total=results.total,
        page=results.page,
        per_page=results.per_page,
        pages=results.pages,
        hits=[SearchHitOut.of(hit) for hit in results.hits],
        facets={
            name: [FacetValueOut.of(value) for value in values]
            for name, values in results.facets.items()
        },
    )


@router.get(
    "/suggest",
    summary="Autocomplete: names and code labels by prefix / 输入提示",
    dependencies=[Depends(rate_limit("search"))],
)
def suggest(
    request: Request,
    actor: Caller,
    q: Annotated[str, Query(max_length=search_service.MAX_QUERY)] = "",
) -> list[SuggestionOut]:
    """At most ten public record names and GB/T 4754 / GB/T 13745 labels starting with ``q``."""
    if not q.strip():
        return []
    with tx(request):
        return [SuggestionOut.of(s) for s in search_service.suggest(actor, q)]
