"""``kechuang serve``: the web UI and the REST API in one uvicorn process."""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from typing import Any

import typer

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on / 监听地址."),
        port: int = typer.Option(8000, help="TCP port / 端口."),
        workers: int = typer.Option(
            0,
            min=0,
            help="Worker processes; 0 = one per CPU core, at most 4 / "
            "工作进程数（0 表示按 CPU 核数，最多 4 个）.",
        ),
        demo_passwords: bool = typer.Option(
            True,
            help="Give the demo accounts fresh random passwords and print them once "
            "(development only) / 为演示账号生成一次性随机密码并打印.",
        ),
    ) -> None:
        """Serve the web UI (/) and the REST API (/api/v1, docs at /api/v1/docs) on the database
        named by KECHUANG_DATABASE_URL (the embedded SQLite file by default)."""
        import uvicorn  # noqa: PLC0415

        from kechuang.app import prepare_for_serving  # noqa: PLC0415
        from kechuang.config import get_settings  # noqa: PLC0415

        settings = get_settings()
        workers = workers or default_workers()
        for line in prepare_for_serving(settings, demo_passwords=demo_passwords):
            typer.echo(line)
        typer.echo(
            f"Kechuang 科创: http://{host}:{port}/  ·  API: http://{host}:{port}/api/v1/docs"
            f"  ·  {workers} worker(s) / 工作进程"
        )
        # Worker processes start fresh: they read this before their first allocation.
        os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
        uvicorn.run(
            "kechuang.cli.serve:warmed_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_config=None,
            proxy_headers=False,
            # uvloop and httptools when installed (they are dependencies on CPython/Linux),
            # else asyncio and h11: the same behaviour, a few times more CPU per request.
            loop="auto",
            http="auto",
        )


def default_workers() -> int:
    """One worker per CPU core (at least 1, at most 4): each worker is a process with its own
    caches and connection pool, and pages are CPU-bound, so more workers than cores only queue."""
    return max(
        1,
        min(
            4,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
        ),
    )


def warm(app: Any) -> Any:
    """``app`` with what its first requests would otherwise load on the way (2–4 s each on this
    machine): the matching index opened or built with one query run (loads the query encoder),
    the portal's full-text index, every template compiled. A failure is logged and left to the
    first request."""
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import search, search_index, transaction  # noqa: PLC0415
    from kechuang.web import templating  # noqa: PLC0415

    anonymous = Actor.anonymous()
    source = getattr(app.state, "search_index", None)
    try:
        with transaction(database_url=app.state.settings.database_url):
            if source is not None:
                search_index.search(anonymous, source, "科技创新 technology", k=1)
            search.query(anonymous, "科技创新")
    except Exception:
        log.warning("search indexes not warmed at start", exc_info=True)
    templating.preload()
    return app


MALLOC_ARENAS = 2
"""glibc malloc arenas per worker. With glibc's default (8 per core) the threads of a worker
spread small allocations over many arenas that are rarely returned: under the 100 req/s soak the
resident memory of 2 workers rose 12.2 MB/min over 10 minutes with the default and 2.3 MB/min with
2 arenas, flat (±0.2 MB) over its last 150 s, same script and machine, same latency
(`benchmarks/RESULTS.md`, "Load and soak"). An explicit ``MALLOC_ARENA_MAX`` is respected."""


def limit_malloc_arenas() -> None:
    """Apply :data:`MALLOC_ARENAS` in this process too (a single worker runs in the serving
    process itself, which started before the variable was set); nothing on a non-glibc C library."""
    wanted = os.environ.get("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    if not wanted.isdigit():
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, int(wanted))
    except (OSError, AttributeError):
        return


M_ARENA_MAX = -8
"""``mallopt`` parameter number of glibc's M_ARENA_MAX (malloc.h)."""


def warmed_app() -> Any:
    """The app of one ``kechuang serve`` worker (uvicorn's factory). It serves at once and warms
    in a background thread, so start-up stays quick (``/healthz`` answers) while the expensive
    first-use work is done before most visitors need it."""
    from kechuang.app import create_app  # noqa: PLC0415

    limit_malloc_arenas()
    app = create_app()
    threading.Thread(target=warm, args=(app,), name="kechuang-warm", daemon=True).start()
    return app
