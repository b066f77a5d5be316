"""Browser-facing protections shared by the pages and the API.

One ASGI middleware adds the security headers (a strict Content-Security-Policy: scripts and
styles from our own origin only, no inline code) and writes one structured log line per request.
A small in-memory rate limiter answers 429 with ``Retry-After`` for the endpoints attackers hammer
(sign-in, sign-up, password reset, public search). CSRF tokens live in the signed session and are
checked on every state-changing web request.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kechuang.http")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: Mapping[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the security headers and a request id, and logs each request as one JSON line."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``send`` so every response carries the headers; time the request for the log."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder: dict[str, int] = {"status": 500}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = int(message["status"])
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if self.https:
                    headers["strict-transport-security"] = HSTS
                headers["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            client = scope.get("client")
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )


class RateLimitError(Exception):
    """Too many attempts from one client on one bucket; ``retry_after`` is in whole seconds."""

    def __init__(self, bucket: str, retry_after: int) -> None:
        super().__init__(f"rate limit exceeded on {bucket}; retry after {retry_after}s")
        self.bucket = bucket
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` hits per ``window_seconds`` per client."""

    attempts: int
    window_seconds: float


@dataclass
class RateLimiter:
    """Sliding-window counters per (bucket, client), kept in this process's memory.

    One process serves the embedded deployment; behind several workers each keeps its own
    counters, so the effective limit multiplies by the worker count (stated in docs/api.md).
    """

    limits: dict[str, Limit]
    _hits: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, bucket: str, client: str, *, now: float | None = None) -> None:
        """Count one attempt; raise :class:`RateLimitError` when the bucket is full."""
        limit = self.limits.get(bucket)
        if limit is None or limit.attempts <= 0:
            return
        moment = time.monotonic() if now is None else now
        with self._lock:
            window = self._hits.setdefault((bucket, client), deque())
            while window and window[0] <= moment - limit.window_seconds:
                window.popleft()
            if len(window) >= limit.attempts:
                retry_after = max(1, int(window[0] + limit.window_seconds - moment + 0.999))
                raise RateLimitError(bucket, retry_after)
            window.append(moment)
            if len(self._hits) > 100_000:  # bound memory under a flood of distinct clients
                self._hits.clear()

    def reset(self) -> None:
        """Forget every counter (tests, and an operator unlocking after an incident)."""
        with self._lock:
            self._hits.clear()


def client_key(request: Request) -> str:
    """The client address the limiter counts by."""
    return request.client.host if request.client else "unknown"


CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_matches(session: dict[str, Any], submitted: str | None) -> bool:
    """Constant-time comparison of a submitted token with the session's."""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
