"""How the read-only reporting commands turn service errors into exit code 2.

``stats``, ``rank`` and ``report`` all read the database through a service; each says the same
thing when the service refuses (the bilingual error lines) or the database has not been set up,
so the wording lives here once.

:func:`check_settings` runs before every command (``kechuang serve`` included): invalid
``KECHUANG_*`` settings print a bilingual account (variable, value, what is allowed, how to fix)
and exit with code 2, without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer


@contextmanager
def database_errors() -> Iterator[None]:
    """Report a service error or a missing schema on stderr and exit with code 2."""
    from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: PLC0415

    from kechuang.domain import KechuangError  # noqa: PLC0415

    try:
        yield
    except KechuangError as error:
        typer.echo("\n".join([*error.lines("zh"), *error.lines("en")]), err=True)
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError):
        typer.echo(
            "数据库尚未初始化：请先运行 kechuang db upgrade（或 kechuang demo 建立演示数据）。\n"
            "The database is not set up: run `kechuang db upgrade` (or `kechuang demo`) first.",
            err=True,
        )
        raise typer.Exit(2) from None


def check_settings() -> None:
    """Read the settings once; invalid ones are reported in both languages, exit code 2."""
    from pydantic import ValidationError  # noqa: PLC0415

    from kechuang.config import get_settings, settings_error_lines  # noqa: PLC0415

    try:
        get_settings()
    except ValidationError as error:
        typer.echo("\n".join(settings_error_lines(error)), err=True)
        raise typer.Exit(2) from None
