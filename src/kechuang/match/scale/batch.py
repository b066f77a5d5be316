"""Batch matching on dask.distributed: every query against a saved index, as one process would.

Workers never receive the index over the network: each loads the saved folder once (memory-mapped,
cached per process) and gets only chunks of queries, so a worker's cost is one load plus its share
of queries. The folder must therefore be readable by every worker (local disk for a LocalCluster,
a shared filesystem for a real cluster). Results are the same :class:`~kechuang.match.engine.Hit`
lists as :meth:`MatchIndex.query` in one process, in the order the queries were given — the engine
is deterministic, so distributing it changes where the work runs, not what it returns.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kechuang.match.aggregation import AggregationName
from kechuang.match.embedding import load_embedder
from kechuang.match.engine import Hit, MatchIndex
from kechuang.match.fusion import FusionName
from kechuang.match.scale.persistence import load_index, read_manifest
from kechuang.match.settings import BatchSettings


@dataclass(frozen=True)
class BatchQuery:
    """One thing to match (a demand): its text and the restrictions the operator would apply."""

    id: str
    text: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    kind: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchOptions:
    """Query options shared by the whole batch (same meaning as in :meth:`MatchIndex.query`)."""

    k: int = 10
    fusion: FusionName = FusionName.RRF
    aggregation: AggregationName = AggregationName.MAX
    candidates: int = 200
    evidence: int = 3


def match_queries(
    index: MatchIndex, queries: Sequence[BatchQuery], options: BatchOptions
) -> list[list[Hit]]:
    """The single-process path: :meth:`MatchIndex.query` for each query, in order."""
    return [
        index.query(
            query.text,
            k=options.k,
            filters=dict(query.filters),
            kind=query.kind,
            exclude=query.exclude,
            fusion=options.fusion,
            aggregation=options.aggregation,
            candidates=options.candidates,
            evidence=options.evidence,
        )
        for query in queries
    ]


_CACHE: dict[tuple[str, str, str | None], MatchIndex] = {}
_CACHE_LOCK = threading.Lock()


def _worker_index(folder: str, embedder_name: str | None) -> MatchIndex:
    """The index at ``folder``, loaded once per worker process (keyed by its save time)."""
    manifest = read_manifest(Path(folder))
    key = (folder, manifest.created_at, embedder_name)
    with _CACHE_LOCK:
        index = _CACHE.get(key)
        if index is None:
            embedder = load_embedder(embedder_name) if embedder_name else None
            index, _ = load_index(Path(folder), embedder=embedder, mmap=True)
            index.analyzer.tokens("预热 warm-up")  # build the segmenter before threads share it
            _CACHE.clear()
            _CACHE[key] = index
        return index


def _match_chunk(
    folder: str,
    embedder_name: str | None,
    queries: Sequence[BatchQuery],
    options: BatchOptions,
) -> list[list[Hit]]:
    """A dask task: one chunk of queries against the worker's cached index."""
    return match_queries(_worker_index(folder, embedder_name), queries, options)


def match_batch(
    folder: Path,
    queries: Sequence[BatchQuery],
    *,
    embedder_name: str | None,
    options: BatchOptions | None = None,
    client: Any = None,
    chunk: int = 16,
) -> list[list[Hit]]:
    """Match every query against the index saved in ``folder``; ``client=None`` runs in-process.

    ``embedder_name`` is the :class:`~kechuang.match.settings.EmbedderName` the index was built
    with (``None`` for a lexical-only index); workers load that model themselves.
    """
    options = options or BatchOptions()
    folder_name = str(folder.resolve())
    if client is None:
        return _match_chunk(folder_name, embedder_name, queries, options)
    chunks = [queries[start : start + chunk] for start in range(0, len(queries), chunk)]
    futures = client.map(
        _match_chunk,
        [folder_name] * len(chunks),
        [embedder_name] * len(chunks),
        chunks,
        [options] * len(chunks),
        pure=False,
    )
    results: list[list[Hit]] = []
    for part in client.gather(futures):
        results.extend(part)
    return results


@contextmanager
def dask_client(settings: BatchSettings | None = None, *, processes: bool = True) -> Iterator[Any]:
    """A client on the configured scheduler, or on a fresh LocalCluster closed afterwards."""
    from distributed import Client, LocalCluster  # noqa: PLC0415 - heavy

    settings = settings or BatchSettings()
    if settings.scheduler_address:
        with Client(settings.scheduler_address) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=settings.local_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def hits_as_json(
    queries: Sequence[BatchQuery], results: Sequence[Sequence[Hit]]
) -> dict[str, list[dict[str, Any]]]:
    """Ranked lists per query id, with score components and evidence (for ``--json`` output)."""
    return {
        query.id: [
            {
                "entity_id": hit.entity_id,
                "kind": hit.kind,
                "name": hit.name,
                "score": hit.score,
                "components": hit.components(),
                "matched_terms": list(hit.matched_terms),
                "works": [
                    {
                        "work_id": work.work_id,
                        "title": work.title,
                        "lexical": work.lexical,
                        "semantic": work.semantic,
                        "fused": work.fused,
                    }
                    for work in hit.works
                ],
            }
            for hit in hits
        ]
        for query, hits in zip(queries, results, strict=True)
    }


def filters_of(values: Mapping[str, Collection[str]]) -> dict[str, tuple[str, ...]]:
    """Normalise filters to tuples (hashable, picklable, order kept)."""
    return {key: tuple(str(value) for value in items) for key, items in values.items()}
