"""The closed error set mapped to HTTP status codes and bilingual JSON bodies — once, here.

Body shape (documented in docs/api.md and in the OpenAPI schema as ``ErrorBody``)::

    {"error": {"code": "validation_error", "status": 422,
               "message": {"zh": "...", "en": "..."},
               "details": [{"field": "title", "row": null, "message": {"zh": "...", "en": "..."}}]}}
"""

from __future__ import annotations

from typing import Any

from fastapi import status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kechuang.domain.errors import (
    Conflict,
    Detail,
    KechuangError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

STATUS_OF: dict[type[KechuangError], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    PermissionDenied: status.HTTP_403_FORBIDDEN,
    ValidationError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    Conflict: status.HTTP_409_CONFLICT,
}


class Message(BaseModel):
    """A text in both interface languages."""

    zh: str
    en: str


class ErrorDetail(BaseModel):
    """One wrong field (or row of an imported file)."""

    field: str | None = None
    row: int | None = None
    message: Message


class ErrorPayload(BaseModel):
    """What went wrong, where, and how to fix it."""

    code: str
    status: int
    message: Message
    details: list[ErrorDetail] = []


class ErrorBody(BaseModel):
    """Every error response of the API has this body."""

    error: ErrorPayload


def status_of(error: KechuangError) -> int:
    """The HTTP status of a domain error (its most specific registered class wins)."""
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]  # type: ignore[index,unused-ignore]
    return status.HTTP_400_BAD_REQUEST


def _detail(detail: Detail) -> ErrorDetail:
    return ErrorDetail(
        field=detail.field,
        row=detail.row,
        message=Message(zh=detail.message("zh"), en=detail.message("en")),
    )


def body(
    code: str, status_code: int, zh: str, en: str, details: list[ErrorDetail] | None = None
) -> dict[str, Any]:
    """Build the JSON error body."""
    payload = ErrorPayload(
        code=code, status=status_code, message=Message(zh=zh, en=en), details=details or []
    )
    return ErrorBody(error=payload).model_dump(mode="json")


def domain_error_response(error: KechuangError, *, anonymous: bool = False) -> JSONResponse:
    """A domain error as a JSON response; a refusal to an anonymous caller is a 401."""
    status_code = status_of(error)
    headers: dict[str, str] = {}
    if status_code == status.HTTP_403_FORBIDDEN and anonymous:
        status_code = status.HTTP_401_UNAUTHORIZED
        headers["WWW-Authenticate"] = "Bearer"
    content = body(
        error.code,
        status_code,
        error.message("zh"),
        error.message("en"),
        [_detail(detail) for detail in error.details],
    )
    return JSONResponse(content, status_code=status_code, headers=headers)


def request_validation_response(error: RequestValidationError) -> JSONResponse:
    """FastAPI's own parameter/body validation, in the same bilingual shape as ours."""
    details = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        text = str(item.get("msg", "invalid"))
        details.append(
            ErrorDetail(
                field=location or None,
                message=Message(zh=f"「{location}」格式不正确：{text}", en=f"'{location}': {text}"),
            )
        )
    content = body(
        "validation_error",
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        "请求参数有误。请按下列提示修改后重试",
        "The request is invalid. Correct the items below and try again",
        details,
    )
    return JSONResponse(content, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


_HTTP_TEXT: dict[int, tuple[str, str, str]] = {
    401: (
        "unauthenticated",
        "需要登录：请提供有效的 API 令牌",
        "Authentication required: send a valid API token",
    ),
    404: ("not_found", "该地址不存在，请检查网址", "No such address; check the URL"),
    405: (
        "method_not_allowed",
        "该地址不支持此请求方法",
        "This address does not accept this method",
    ),
}


def http_error_response(error: StarletteHTTPException) -> JSONResponse:
    """Framework-level HTTP errors (unknown path, wrong method) in the same shape."""
    code, zh, en = _HTTP_TEXT.get(
        error.status_code,
        ("http_error", f"请求失败（{error.status_code}）", f"Request failed ({error.status_code})"),
    )
    if error.status_code not in _HTTP_TEXT and isinstance(error.detail, str):
        en = error.detail
    return JSONResponse(
        body(code, error.status_code, zh, en),
        status_code=error.status_code,
        headers=dict(error.headers or {}),
    )


def rate_limited_response(retry_after: int) -> JSONResponse:
    """429 with Retry-After: the caller sent too many attempts too fast."""
    return JSONResponse(
        body(
            "rate_limited",
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"尝试过于频繁，请在 {retry_after} 秒后重试",
            f"Too many attempts; try again in {retry_after} seconds",
        ),
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(retry_after)},
    )


def internal_error_response(request_id: str | None) -> JSONResponse:
    """An unexpected failure: no internals leak, the request id lets an operator find the log."""
    reference = request_id or "-"
    return JSONResponse(
        body(
            "internal_error",
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            f"服务器内部错误，请稍后重试；如仍失败请将编号 {reference} 告知管理员",
            f"Internal server error; try again later, or give reference {reference} "
            "to your operator",
        ),
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": description}
    for code, description in (
        (401, "Not signed in / 未登录"),
        (403, "Not allowed / 无权限"),
        (404, "Not found / 不存在"),
        (409, "Conflict / 冲突"),
        (422, "Invalid input / 输入有误"),
        (429, "Too many requests / 请求过于频繁"),
    )
}
"""Declared on every router so the OpenAPI document describes the error bodies."""
