"""``kechuang db``: create or upgrade the database schema, show its revision.

The embedded SQLite file needs no set-up beyond ``kechuang db upgrade`` (which creates it);
``KECHUANG_DATABASE_URL`` selects PostgreSQL instead.
"""

from __future__ import annotations

from typing import Annotated

import typer

db_app = typer.Typer(
    name="db",
    help="数据库结构：创建、升级、查看版本 / Database schema: create, upgrade, show the revision.",
    no_args_is_help=True,
)


def _where() -> str:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    from kechuang.config import get_settings  # noqa: PLC0415

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def upgrade_command(
    revision: Annotated[
        str, typer.Option("--revision", help="目标版本 / Target revision.")
    ] = "head",
) -> None:
    """创建或升级数据库结构 / Create the database or bring its schema up to date."""
    from kechuang.store import migrate  # noqa: PLC0415

    where = _where()
    before = migrate.current_revision()
    migrate.upgrade(revision=revision)
    after = migrate.current_revision()
    if before == after:
        typer.echo(f"数据库已是最新版本 {after} / Already at revision {after}: {where}")
    else:
        typer.echo(
            f"数据库已升级 {before or '（空）'} → {after} / "
            f"Upgraded {before or '(empty)'} → {after}: {where}"
        )


@db_app.command("current")
def current_command() -> None:
    """显示数据库当前版本 / Show the database's revision and whether it is up to date."""
    from kechuang.store import migrate  # noqa: PLC0415

    current = migrate.current_revision()
    head = migrate.head_revision()
    typer.echo(f"{_where()}")
    typer.echo(f"当前版本 / current: {current or '（空 / empty）'}")
    typer.echo(f"最新版本 / head:    {head}")
    if current != head:
        typer.echo("请运行 kechuang db upgrade / Run `kechuang db upgrade`.", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``db`` group to the ``kechuang`` command."""
    app.add_typer(db_app)
