"""``kechuang bench``: reproducible quality benchmarks of the matching engine.

``bench quality --suite NAME`` dispatches on the registry
:data:`kechuang.match.evaluation.SUITES`, so a new suite is one entry there, not a new command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

bench_app = typer.Typer(
    name="bench",
    help="基准测试 / Benchmarks: matching quality on real data (results in benchmarks/RESULTS.md).",
    no_args_is_help=True,
)


def _print_summary(result: dict[str, object], prefix: str = "") -> None:
    """Print nested metrics one per line (human-readable form of the JSON)."""
    for key, value in result.items():
        if isinstance(value, dict):
            _print_summary(value, f"{prefix}{key}.")
        elif isinstance(value, float):
            typer.echo(f"{prefix}{key}: {value:.4f}")
        else:
            typer.echo(f"{prefix}{key}: {value}")


@bench_app.command("quality")
def quality(
    suite: Annotated[
        str, typer.Option("--suite", help="基准名称 / Suite name (see the list in the error).")
    ],
    data: Annotated[
        Path,
        typer.Option(
            "--data", help="数据目录 / Data folder in the suite's layout.", file_okay=False
        ),
    ],
    split: Annotated[
        Path | None,
        typer.Option("--split", help="评测文件 / File to evaluate on (relative to --data)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON / Print the result as JSON.")
    ] = False,
    predictions_out: Annotated[
        Path | None,
        typer.Option(
            "--predictions-out", help="预测输出 / Write the scored predictions to this file."
        ),
    ] = None,
) -> None:
    """质量基准 / Run a matching-quality suite on DATA and print its metrics."""
    # Imported here so that `kechuang --help` does not load the engine.
    from kechuang.match.evaluation import SUITES, resolve_split  # noqa: PLC0415

    if suite not in SUITES:
        names = ", ".join(sorted(SUITES))
        typer.echo(
            f"未知的基准 “{suite}”；可选：{names}。"
            f" / Unknown suite '{suite}'; choose one of: {names}.",
            err=True,
        )
        raise typer.Exit(code=2)
    if not data.is_dir():
        typer.echo(
            f"数据目录不存在：{data}；请用 --data 指向该基准的数据目录。"
            f" / Data folder not found: {data}; point --data at the suite's data folder.",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        result = SUITES[suite](
            data=data, split=resolve_split(data, split), predictions_out=predictions_out
        )
    except (FileNotFoundError, ValueError) as error:
        typer.echo(f"基准 {suite} 失败 / Suite {suite} failed: {error}", err=True)
        raise typer.Exit(code=1) from error
    if as_json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(result)


def register(app: typer.Typer) -> None:
    """Attach the ``bench`` group to the root command."""
    app.add_typer(bench_app, name="bench")
