"""The REST API under ``/api/v1``: thin FastAPI routers, one service call per endpoint.

Authentication is by ``Authorization: Bearer <token>`` only (API tokens issued from the account
page or ``kechuang users``); session cookies are never accepted here, so the API needs no CSRF
defence. Errors are mapped once, in :mod:`kechuang.api.errors`.
"""

from __future__ import annotations

API_PREFIX = "/api/v1"
