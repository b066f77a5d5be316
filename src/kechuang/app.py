"""The application factory: the only place that wires every layer together.

``create_app(settings)`` builds the database engine and unit-of-work factory of the store, hands
them to the services, and mounts the REST API (``/api/v1``), the web pages, the static files, the
middleware (security headers + request log, language, signed session) and the error mapping.
"""

from __future__ import annotations

import logging
import secrets
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

import kechuang
from kechuang.api import API_PREFIX
from kechuang.api import docs as api_docs
from kechuang.api import errors as api_errors
from kechuang.api import events as api_events
from kechuang.api import health as api_health
from kechuang.api import honours as api_honours
from kechuang.api import moderation as api_moderation
from kechuang.api import routes as api_routes
from kechuang.api import search as api_search
from kechuang.api import workbench as api_workbench
from kechuang.api import works as api_works
from kechuang.config import Environment, Settings, get_settings
from kechuang.domain import Actor
from kechuang.domain.common import Change
from kechuang.domain.errors import KechuangError
from kechuang.exchange.mail import send_lockout_mail
from kechuang.services import subscribe, transaction, users
from kechuang.services.search_index import SearchIndex
from kechuang.store import migrate
from kechuang.store.database import engine_for
from kechuang.web import build_router as build_web_router
from kechuang.web import errors as web_errors
from kechuang.web.i18n import N_
from kechuang.web.logs import configure_logging
from kechuang.web.middleware import LanguageMiddleware
from kechuang.web.pagecache import PageCache
from kechuang.web.security import Limit, RateLimiter, RateLimitError, SecurityHeadersMiddleware
from kechuang.web.templating import STATIC_DIR

log = logging.getLogger("kechuang.app")

SESSION_COOKIE = "kc_session"
SECURE_SESSION_COOKIE = "__Host-kc_session"

DEFAULT_LIMITS: dict[str, Limit] = {
    "sign_in": Limit(attempts=10, window_seconds=300),
    "sign_up": Limit(attempts=5, window_seconds=3600),
    "password_reset": Limit(attempts=5, window_seconds=3600),
    "search": Limit(attempts=120, window_seconds=60),
}
"""Attempts per client address per window; see docs/api.md."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _is_anonymous(request: Request) -> bool:
    actor = getattr(request.state, "actor", None)
    return actor is None or bool(getattr(actor, "is_anonymous", True))


def _install_error_mapping(app: FastAPI) -> None:
    """Every error is turned into a response exactly here: JSON under /api, pages elsewhere."""

    @app.exception_handler(KechuangError)
    async def on_domain_error(request: Request, error: KechuangError) -> Response:
        if _is_api(request):
            return api_errors.domain_error_response(error, anonymous=_is_anonymous(request))
        return web_errors.domain_error_page(request, error, anonymous=_is_anonymous(request))

    @app.exception_handler(RateLimitError)
    async def on_rate_limited(request: Request, error: RateLimitError) -> Response:
        if _is_api(request):
            return api_errors.rate_limited_response(error.retry_after)
        return web_errors.rate_limited_page(request, error.retry_after)

    @app.exception_handler(RequestValidationError)
    async def on_request_validation(request: Request, error: RequestValidationError) -> Response:
        if _is_api(request):
            return api_errors.request_validation_response(error)
        return web_errors.http_error_page(
            request,
            StarletteHTTPException(400, N_("The form was incomplete. Go back and try again.")),
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        if _is_api(request):
            return api_errors.http_error_response(error)
        return web_errors.http_error_page(request, error)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> Response:
        request_id = request.scope.get("state", {}).get("request_id")
        log.exception("unhandled error", extra={"request_id": request_id})
        if _is_api(request):
            return api_errors.internal_error_response(request_id)
        return web_errors.internal_error_page(request, request_id)


def _weak_hook(method: Callable[[Sequence[Change]], None]) -> Callable[[Sequence[Change]], None]:
    """An after-commit hook that does not keep its app alive (tests build many apps)."""
    reference = weakref.WeakMethod(method)

    def hook(changes: Sequence[Change]) -> None:
        target = reference()
        if target is not None:
            target(changes)

    return hook


class _LockoutMailer:
    """Mails the owner of every account the services just locked (an after-commit hook, held
    weakly like the search index's, so an app that is gone stops mailing)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_commit(self, changes: Sequence[Change]) -> None:
        locked = [c.id for c in changes if c.kind == "user" and c.action == "locked"]
        if not locked:
            return
        system = Actor.system("mail")
        with transaction(database_url=self.settings.database_url):
            accounts = [users.get(system, user_id) for user_id in locked]
        for account in accounts:
            send_lockout_mail(
                self.settings.data_dir, account, minutes=self.settings.sign_in_lockout_minutes
            )


def _database_check(settings: Settings) -> Callable[[], bool]:
    def check() -> bool:
        with engine_for(settings.database_url).connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1

    return check


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving: open or build the matching index in the background from the start."""
    app.state.search_index.warm_in_background()
    yield


def prepare_for_serving(settings: Settings, *, demo_passwords: bool) -> list[str]:
    """Bring the database to the latest schema; in development, give each demo account a fresh
    random password and return the lines to print once (passwords never live in the repository)."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    if not demo_passwords or settings.environment is Environment.PRODUCTION:
        return []
    system = Actor.system("serve")
    lines: list[str] = []
    with transaction(database_url=settings.database_url):
        demo_users = [
            user for user in users.list(system, limit=settings.max_page_size).items if user.is_demo
        ]
        for user in demo_users:
            password = secrets.token_urlsafe(9)
            users.set_password(system, user.id or 0, password)
            lines.append(f"  {user.username:<24} {user.role.value:<18} {password}")
    if lines:
        header = (
            "演示账号（本次启动有效的随机密码）/ Demo accounts (random passwords for this start):"
        )
        return [header, *lines]
    return []


def create_app(
    settings: Settings | None = None, *, rate_limits: dict[str, Limit] | None = None
) -> FastAPI:
    """Build the ASGI application for ``settings`` (the process settings by default).

    ``rate_limits`` replaces the default limits (tests and load benchmarks on loopback, where
    every client shares one address)."""
    settings = settings or get_settings()
    production = settings.environment is Environment.PRODUCTION
    configure_logging("DEBUG" if settings.debug else "INFO")

    app = FastAPI(
        title="Kechuang API · 科创 API",
        version=kechuang.__version__ if hasattr(kechuang, "__version__") else "0.1.0",
        description=(
            "科创中国区域科技服务平台的 REST API。除公开数据外，调用需在请求头携带 "
            "`Authorization: Bearer <令牌>`（在账户页面或 `kechuang users` 生成）。"
            "错误正文为中英双语。\n\n"
            "REST API of Kechuang, the regional science-and-technology services platform. Apart "
            "from public data, send `Authorization: Bearer <token>` (issued on the account page or "
            "by `kechuang users`). Error bodies are bilingual."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        debug=settings.debug,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.rate_limiter = RateLimiter(
        limits=dict(DEFAULT_LIMITS if rate_limits is None else rate_limits)
    )
    app.state.database_check = _database_check(settings)
    app.state.page_cache = PageCache(settings.database_url)
    # One matching index per app (and database), kept current after every commit and saved in
    # <data_dir>/match-index; web pages, the API and portal search all read it.
    app.state.search_index = SearchIndex(
        settings.database_url,
        folder=settings.data_dir / "match-index",
        embedder=settings.match_index_embedder,
    )
    app.state.unsubscribe_hooks = subscribe(_weak_hook(app.state.search_index.on_commit))
    app.state.lockout_mailer = _LockoutMailer(settings)
    app.state.unsubscribe_lockout_mail = subscribe(_weak_hook(app.state.lockout_mailer.on_commit))

    _install_error_mapping(app)

    app.include_router(api_health.router)
    app.include_router(api_docs.router)
    app.include_router(api_routes.router)
    app.include_router(api_events.router)
    app.include_router(api_honours.router)
    app.include_router(api_moderation.router)
    app.include_router(api_workbench.router)
    app.include_router(api_works.router)
    app.include_router(api_search.router)
    app.include_router(build_web_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Middleware: the last added runs first. Headers/logging wrap everything.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SECURE_SESSION_COOKIE if production else SESSION_COOKIE,
        max_age=settings.session_lifetime_hours * 3600,
        same_site="lax",
        https_only=production,
    )
    app.add_middleware(LanguageMiddleware, secure_cookies=production)
    app.add_middleware(SecurityHeadersMiddleware, https=production)
    return app
