"""The app's routes, enumerated from the app itself (so a new route is attacked automatically)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(method, path)`` of every route, through included routers of any FastAPI version."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from walk(inner.routes, prefix + (route.include_context.prefix or ""))
        elif getattr(route, "routes", None) is not None and not getattr(route, "methods", None):
            yield from walk(route.routes, prefix + getattr(route, "path", ""))
        elif getattr(route, "methods", None):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def routes_of(app: Any) -> list[tuple[str, str]]:
    """Every ``(method, path)`` of ``app``, sorted, without duplicates."""
    return sorted(set(walk(app.routes)))
