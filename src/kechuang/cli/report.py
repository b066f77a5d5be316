"""``kechuang report``: a pilot region's annual report as HTML, PDF and xlsx.

Every figure comes from the database (``kechuang.services.reports``); the documents are drawn by
``kechuang.exchange.reports``. Exit code 2 when the region is unknown, the year or language is
invalid, or the database is not set up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer


def report_command(
    region: Annotated[
        str, typer.Option("--region", "-r", help="区域名称，例如 兰州新区 / Region name.")
    ],
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度 / Report year.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="输出目录 / Output folder.", file_okay=False)
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="报告语言 zh 或 en / Report language: zh or en.")
    ] = "zh",
    runs: Annotated[
        int,
        typer.Option("--runs", min=10, help="排名区间的蒙特卡洛样本量 / Monte Carlo base sample."),
    ] = 1000,
) -> None:
    """区域报告 / Write the region's report (HTML + PDF + xlsx, with charts) into --out."""
    from kechuang.cli._errors import database_errors  # noqa: PLC0415
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.exchange.reports import write_report  # noqa: PLC0415
    from kechuang.services import reports  # noqa: PLC0415

    language: Literal["zh", "en"] = "en" if lang == "en" else "zh"
    if lang not in ("zh", "en"):
        typer.echo(
            f"不支持的语言 {lang}：请用 zh 或 en / unsupported language {lang}: use zh or en",
            err=True,
        )
        raise typer.Exit(2)
    with database_errors():
        report = reports.build_report(
            Actor.system("report"), region, year, lang=language, runs=runs
        )
    paths = write_report(report, out)
    for kind, path in paths.items():
        typer.echo(f"{kind}: {path}")


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report_command)
