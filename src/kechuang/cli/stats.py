"""``kechuang stats``: a pilot region's report figures, computed from the database.

Without ``--json`` a bilingual table for people; with ``--json`` one JSON object for scripts and
tests (keys as in ``kechuang.services.stats.RegionFigures``). Exit code 2 when the region is
unknown, the year is out of range or the database has not been set up.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer


def stats_command(
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            help="区域名称，例如 兰州新区；缺省时列出所有区域 / Region name, e.g. 兰州新区; "
            "without it, every region (the ranking's peers) side by side.",
            show_default=False,
        ),
    ] = None,
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
        bool,
        typer.Option(
            "--json",
            help="输出 JSON：一个区域为一个对象，全部区域为对象列表 / Print JSON: one object for "
            "a region, a list of objects for all regions.",
        ),
    ] = False,
) -> None:
    """区域统计 / The figures the Lanzhou report states, computed from the database."""
    from kechuang.cli._errors import database_errors  # noqa: PLC0415
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import stats  # noqa: PLC0415

    actor = Actor.system("stats")
    with database_errors():
        if region is None:
            every = stats.all_regions(actor, year=year)
        else:
            figures = stats.region_figures_by_name(actor, region, year=year)
    if region is None:
        if as_json:
            json.dump([f.as_dict() for f in every], sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            _print_regions(every, year)
        return
    if as_json:
        json.dump(figures.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    _print_table(figures)


_COMPARED: dict[str, tuple[str, str]] = {
    "enterprises": ("企业", "firms"),
    "societies_docked": ("学会", "soc."),
    "academician_workstations": ("工作站", "w/s"),
    "innovation_bases": ("基地", "bases"),
    "labs": ("实验室", "labs"),
    "society_service_stations": ("服务站", "stations"),
    "enterprise_associations": ("企业科协", "assoc."),
    "volunteers": ("志愿者", "volunt."),
    "docking_events": ("对接活动", "events"),
    "trainees": ("培训人次", "trainees"),
    "demands": ("需求", "demands"),
    "dockings_signed": ("签约", "signed"),
}
"""Short column labels for the side-by-side table (full labels: `kechuang stats -r NAME`)."""


def _print_regions(every: list[Any], year: int | None) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    period = f"{year} 年 / {year}" if year else "累计 / to date"
    table = Table(title=f"全部区域统计 / All regions — {period}")
    table.add_column("区域 / Region", no_wrap=True)
    for zh, en in _COMPARED.values():
        table.add_column(f"{zh}\n{en}", justify="right")
    for figures in every:
        values = figures.as_dict()
        table.add_row(figures.region, *(f"{values[key]:,}" for key in _COMPARED))
    Console().print(table)


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
