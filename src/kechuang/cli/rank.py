"""``kechuang rank``: the national ranking of the pilot regions in the database.

Prints each region's rank, score and 5–95 % rank band, and the change against the previous year
marked significant only when the previous rank lies outside this year's band.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer


def rank_command(
    year: Annotated[int, typer.Option("--year", "-y", help="排名年度 / Year to rank, e.g. 2024.")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            min=10,
            help="蒙特卡洛基础样本量 / Monte Carlo base sample size (N·6 model runs).",
        ),
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / Random seed.")] = 0,
) -> None:
    """区域排名 / Rank the regions on the composite index (method: docs/ranking.md)."""
    from kechuang.cli._errors import database_errors  # noqa: PLC0415
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import ranking  # noqa: PLC0415

    with database_errors():
        result = ranking.rank_regions(Actor.system("rank"), year, runs=runs, seed=seed)
    if as_json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    typer.echo(
        f"{year} 年科创中国试点综合指数排名 / Pilot index ranking {year} ({result.runs} runs)"
    )
    typer.echo(
        "排名 rank | 区域 region | 得分 score | 5–95% 区间 band | 上年 previous | 变化 change"
    )
    for entry in result.regions:
        score = "—" if entry.score is None else f"{entry.score:.1f}"
        band = "—" if entry.band is None else f"{entry.band[0]:g}–{entry.band[1]:g}"
        if entry.change is None:
            change = "—"
        else:
            verdict = "显著 significant" if entry.significant else "不显著 not significant"
            change = f"{entry.change:+d} ({verdict})"
        previous = "—" if entry.previous_rank is None else str(entry.previous_rank)
        typer.echo(
            f"{entry.rank or '—'} | {entry.region} {entry.region_en} | {score} | {band} | "
            f"{previous} | {change}"
        )
    for warning in result.warnings:
        typer.echo(f"注意 / note: {warning}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``rank`` command."""
    app.command("rank")(rank_command)
