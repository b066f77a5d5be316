"""``/healthz``: is the process up and can it reach its database? For load balancers and CI."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The health answer: ``ok`` or ``degraded`` with the failing part named."""

    status: str
    database: str
    version: str


@router.get("/healthz", response_model=Health, summary="Liveness and database check / 健康检查")
def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    check: Callable[[], bool] | None = getattr(request.app.state, "database_check", None)
    try:
        database_ok = check() if check is not None else False
    except Exception:
        database_ok = False
    health = Health(
        status="ok" if database_ok else "degraded",
        database="ok" if database_ok else "unreachable",
        version=str(request.app.version),
    )
    return JSONResponse(health.model_dump(), status_code=200 if database_ok else 503)
