"""``kechuang serve``: the web UI and the REST API in one uvicorn process."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on / 监听地址."),
        port: int = typer.Option(8000, help="TCP port / 端口."),
        workers: int = typer.Option(1, min=1, help="Worker processes / 工作进程数."),
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
        for line in prepare_for_serving(settings, demo_passwords=demo_passwords):
            typer.echo(line)
        typer.echo(
            f"Kechuang 科创: http://{host}:{port}/  ·  API: http://{host}:{port}/api/v1/docs"
        )
        uvicorn.run(
            "kechuang.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_config=None,
            proxy_headers=False,
        )
