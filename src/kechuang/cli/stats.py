"""``kechuang stats``: a pilot region's report figures, computed from the database.

Without ``--json`` a bilingual table for people; with ``--json`` one JSON object for scripts and
tests (keys as in ``kechuang.services.stats.RegionFigures``). Exit code 2 when the region is
unknown, the year is out of range or the database has not been set up.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer


def stats_command(
    region: Annotated[
        str,
        typer.Option(
            "--region",
            "-r",
            help="区域名称，例如 兰州新区 / Region name, e.g. 兰州新区.",
            show_default=False,
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            help="只统计该年度（活动、需求、签约按年；学会对接、志愿者按年末存量）/ Count one "
            "year only (events, demands, signings in the year; docked societies and volunteers "
            "as at the year's end).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出一个 JSON 对象 / Print one JSON object.")
    ] = False,
) -> None:
    """区域统计 / The figures the Lanzhou report states, computed from the database."""
    from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: PLC0415

    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.services import stats  # noqa: PLC0415

    try:
        figures = stats.region_figures_by_name(Actor.system("stats"), region, year=year)
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
    if as_json:
        json.dump(figures.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    _print_table(figures)


def _print_table(figures: object) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from kechuang.services.stats import LABELS, RegionFigures  # noqa: PLC0415

    assert isinstance(figures, RegionFigures)
    period = f"{figures.year} 年 / {figures.year}" if figures.year else "累计 / to date"
    table = Table(
        title=f"{figures.region}（{figures.region_en}）统计 / figures — {period}",
        show_lines=False,
    )
    table.add_column("指标", no_wrap=True)
    table.add_column("Figure")
    table.add_column("数值 / Value", justify="right")
    values = figures.as_dict()
    for key, (zh, en) in LABELS.items():
        value = values[key]
        if key == "contract_value_fen":  # people read 万元 (10,000 yuan = 1,000,000 fen)
            table.add_row("签约金额（万元）", "Contract value (10k yuan)", f"{value / 1e6:,.1f}")
        else:
            table.add_row(zh, en, f"{value:,}")
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``stats`` command."""
    app.command("stats")(stats_command)
