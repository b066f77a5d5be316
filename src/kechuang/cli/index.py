"""``kechuang index``: run a composite index from COINr-layout CSVs, and its uncertainty.

``index run`` reads COINr's iData/iMeta CSV pair so every figure can be compared with COINr;
``index uncertainty`` adds Monte Carlo rank bands and Sobol indices.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

index_app = typer.Typer(
    name="index",
    help="综合指数 / Composite index: run a spec over iData/iMeta CSVs, with uncertainty.",
    no_args_is_help=True,
)

DataOption = Annotated[
    Path, typer.Option("--data", help="iData CSV（COINr 格式）/ COINr iData CSV.", dir_okay=False)
]
MetaOption = Annotated[
    Path, typer.Option("--meta", help="iMeta CSV（COINr 格式）/ COINr iMeta CSV.", dir_okay=False)
]
SpecOption = Annotated[
    Path | None,
    typer.Option(
        "--spec",
        help="指数配置 YAML；缺省为 COINr 默认 / Index spec (YAML); default: COINr's defaults.",
        dir_okay=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")]


def _fail(error: Exception) -> None:
    typer.echo(f"错误 / error: {error}", err=True)
    raise typer.Exit(code=2)


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _dump(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


@index_app.command("run")
def run(
    data: DataOption,
    meta: MetaOption,
    spec: SpecOption = None,
    as_json: JsonOption = False,
    stages: Annotated[
        Path | None,
        typer.Option(
            "--stages",
            help="把每一步的数据写成 stage_<名称>.csv / Write every stage as stage_<Name>.csv "
            "into this folder (COINr's names, to diff against COINr).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """计算指数 / Run the index: prints each unit's score, rank and aggregate scores."""
    from kechuang.metrics import IndexSpecError, load_spec, run_index  # noqa: PLC0415
    from kechuang.metrics.comparability import effective_weights  # noqa: PLC0415
    from kechuang.metrics.tree import read_coin_csv  # noqa: PLC0415

    try:
        dataset = read_coin_csv(data, meta)
        index_spec = load_spec(spec)
        result = run_index(dataset, index_spec)
        payload = result.to_json()
        weights = effective_weights(result)
        payload["effective_weights"] = {
            str(code): {k: _finite(v) for k, v in row.items()} for code, row in weights.iterrows()
        }
        if index_spec.remove:
            baseline = run_index(dataset, index_spec.model_copy(update={"remove": []}))
            change = (result.ranks - baseline.ranks).abs()
            payload["removal"] = {
                "removed": list(index_spec.remove),
                "mean_abs_rank_change": _finite(change.mean()),
                "rank_without_removal": {
                    str(k): None if math.isnan(v) else int(v) for k, v in baseline.ranks.items()
                },
            }
    except IndexSpecError as error:
        _fail(error)
        return
    if stages is not None:
        stages.mkdir(parents=True, exist_ok=True)
        for name, frame in result.stages.items():
            frame.rename_axis("uCode").to_csv(stages / f"stage_{name}.csv", float_format="%.17g")
    if as_json:
        _dump(payload)
        return
    typer.echo(f"{'排名 rank':>9}  {'代码 code':<10} {'得分 score':>10}")
    for unit in payload["units"]:
        score = "—" if unit["score"] is None else f"{unit['score']:.2f}"
        typer.echo(f"{unit['rank'] or '—':>9}  {unit['code']:<10} {score:>10}")
    for warning in payload["warnings"]:
        typer.echo(f"警告 / warning: {warning}", err=True)


@index_app.command("uncertainty")
def uncertainty(
    *,
    data: DataOption,
    meta: MetaOption,
    spec: SpecOption = None,
    ua_spec: Annotated[
        Path | None,
        typer.Option(
            "--ua-spec",
            help="不确定性配置 YAML；缺省为 COINr 发布的设置 / Uncertainty spec (YAML); default: "
            "COINr's published ASEM run.",
            dir_okay=False,
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            min=2,
            help="基础样本量 N；敏感性分析共 N·(d+2) 次 / Base sample size N; with Sobol "
            "indices N·(d+2) model runs.",
        ),
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / Random seed.")] = 0,
    no_sobol: Annotated[
        bool,
        typer.Option("--no-sobol", help="只做不确定性分析 / Rank bands only, N runs."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """不确定性与敏感性 / Monte Carlo rank bands (5–95 %) and Sobol indices."""
    import yaml  # noqa: PLC0415

    from kechuang.metrics import IndexSpecError, load_spec  # noqa: PLC0415
    from kechuang.metrics.tree import read_coin_csv  # noqa: PLC0415
    from kechuang.metrics.uncertainty import parse_uncertainty_spec, run_uncertainty  # noqa: PLC0415

    try:
        dataset = read_coin_csv(data, meta)
        raw = None
        if ua_spec is not None:
            try:
                raw = yaml.safe_load(ua_spec.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as error:
                raise IndexSpecError(
                    f"无法读取不确定性配置：{error}",
                    f"cannot read the uncertainty spec: {error}",
                    where=str(ua_spec),
                ) from error
        result = run_uncertainty(
            dataset,
            load_spec(spec),
            parse_uncertainty_spec(raw, where=str(ua_spec)),
            n=runs,
            seed=seed,
            sensitivity=not no_sobol,
        )
    except IndexSpecError as error:
        _fail(error)
        return
    payload = result.to_json()
    if as_json:
        _dump(payload)
        return
    typer.echo(f"{payload['n_runs']} 次运行 / runs")
    typer.echo(
        f"{'代码 code':<10} {'名义 nominal':>12} {'中位 median':>12} {'5–95 % 区间 band':>18}"
    )
    for unit in payload["units"]:
        band = f"{unit['q5']:g}–{unit['q95']:g}"
        typer.echo(f"{unit['code']:<10} {unit['nominal']:>12} {unit['median']:>12g} {band:>18}")
    for row in payload.get("sobol", []):
        typer.echo(
            f"{row['factor']:<14} Si {row['Si']:.3f} [{row['Si_q5']:.3f}, {row['Si_q95']:.3f}]"
            f"  STi {row['STi']:.3f} [{row['STi_q5']:.3f}, {row['STi_q95']:.3f}]"
        )


def register(app: typer.Typer) -> None:
    """Attach the ``index`` group to the main command."""
    app.add_typer(index_app)
