"""Shapes of API requests and responses that are not domain models themselves."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from kechuang.domain import Page

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """One page of a list: the items and what is needed to fetch the next page."""

    items: list[T]
    total: int
    offset: int
    limit: int
    has_more: bool

    @classmethod
    def of(cls, page: Page[T]) -> PageOut[T]:
        """Wrap a service page."""
        return cls(
            items=page.items,
            total=page.total,
            offset=page.offset,
            limit=page.limit,
            has_more=page.has_more,
        )


class QualityIssueOut(BaseModel):
    """One thing a demand should add before it is published, and why."""

    field: str
    code: str
    message_zh: str
    message_en: str


class TransitionIn(BaseModel):
    """Move a docking to another stage."""

    to: str = Field(
        description="target stage: contacted, meeting, negotiating, signed, delivered, closed"
    )
    note: str = ""
    closed_reason: str = ""
    contract_value_fen: int | None = Field(None, ge=0)


class TokenIn(BaseModel):
    """Exchange a username and password for an API token (scripts)."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field("script", max_length=60)


class SignUpIn(BaseModel):
    """Self-service sign-up of an enterprise member (see ``users.sign_up``)."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    region_id: int = Field(ge=1)
    credit_code: str = Field(min_length=1, max_length=18, description="统一社会信用代码")
    display_name: str = Field("", max_length=100)
    language: Literal["zh", "en"] = "zh"


class SignUpOut(BaseModel):
    """The one answer every accepted sign-up gets: whether the address was new or already had an
    account is told only by the mail to that address (no user enumeration)."""

    status: Literal["accepted"] = "accepted"
    message: dict[str, str]


class TokenOut(BaseModel):
    """A newly issued token; ``token`` is shown only in this response."""

    token: str
    token_id: int
    expires_at: str | None


class RecommendationOut(BaseModel):
    """A recommended partner for a demand, with the evidence behind its score."""

    target_kind: str
    target_id: int
    name: str
    subtitle: str
    score: float
    matched_terms: list[str]
    evidence: list[str]


class RecommendationsOut(BaseModel):
    """Recommendations and the method that produced them (``matching`` or ``simple``)."""

    engine: str
    items: list[RecommendationOut]
