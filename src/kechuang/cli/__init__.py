"""The ``kechuang`` command line: one sub-command group per capability.

Each group lives in its own module of this package and exposes ``register(app)``; heavy imports
happen inside the commands so that ``kechuang --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="kechuang",
    help="Kechuang (科创): regional science-and-technology innovation services. "
    "KECHUANG_DATABASE_URL selects the database for every command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules, in the order their groups appear in --help.
_COMMAND_MODULES = (
    "db",
    "demo",
    "stats",
    "exchange",
    "match",
    "bench",
    "index",
    "rank",
    "report",
    "serve",
    "users",
    "dockings",
    "backup",
)


@app.callback()
def _settings_first(ctx: typer.Context) -> None:
    """Check the KECHUANG_* settings before any command runs (bilingual error, exit code 2);
    ``--help`` works whatever the settings."""
    from kechuang.cli._errors import check_settings  # noqa: PLC0415

    if ctx.resilient_parsing or "--help" in sys.argv[1:]:
        return  # click hides a sub-command's own arguments from this callback: read argv
    check_settings()


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as error:  # a group still being written in this branch
        if error.name != f"{__name__}.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
