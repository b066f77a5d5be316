"""Fixtures of the hardening suite: it reuses the service world and the web world (their modules
live in ``tests/services`` and ``tests/web``) so every attack runs against the same records the
feature tests use."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for _folder in ("services", "web"):
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

from services_world import world  # noqa: E402
from web_world import app, client, web_world  # noqa: E402

__all__ = ["app", "client", "web_world", "world"]
