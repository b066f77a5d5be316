"""Server-rendered pages (Jinja2 + htmx): the public portal and each role's workspace.

Every page resolves the visitor (session → user → ``Actor``) and, for state-changing requests,
checks the CSRF token before its handler runs; then the handler makes its service call and renders.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends


def build_router() -> APIRouter:
    """All page routes, behind the session and CSRF dependencies; excluded from the OpenAPI."""
    from kechuang.web import (  # noqa: PLC0415 - the pages import the whole service layer
        account,
        deps,
        events,
        honours,
        moderation,
        portal,
        registry,
        search,
        workbench,
        works,
        workspace,
    )

    router = APIRouter(
        include_in_schema=False,
        dependencies=[Depends(deps.current_actor), Depends(deps.csrf_protect)],
    )
    router.include_router(account.router)
    router.include_router(workspace.router)
    router.include_router(events.router)
    router.include_router(honours.router)
    router.include_router(moderation.router)
    router.include_router(workbench.router)
    router.include_router(works.router)
    router.include_router(registry.router)
    router.include_router(search.router)
    router.include_router(portal.router)
    return router
