"""Re-time the queries of ``kechuang bench speed`` on an index it saved (``--save-dir``).

Usage: .venv/bin/python benchmarks/bench_match_requery.py DIR EMBEDDER QUERIES, e.g.
``… /tmp/speed/use use 100``. Same query set (seeded demands), same three filter sets, same
"ours vs raw libraries" comparison as the speed benchmark, but with the engine code of now and
without rebuilding — for re-measuring after an engine change or on a quieter machine. JSON out.

The queries are timed twice: ``cold`` right after the load (the first queries fault the mapped
arrays and the HNSW graph's vectors into memory) and ``queries``, the second pass, the steady
state of a running server. Run the before and after code on the same folder with ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kechuang.match.embedding import load_embedder
from kechuang.match.evaluation.speed import _time_queries
from kechuang.match.scale.corpus import CorpusGenerator
from kechuang.match.scale.persistence import load_index
from kechuang.match.settings import MatchSettings


def main() -> None:
    """Load, warm up, time."""
    folder, embedder_name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    embedder = load_embedder(embedder_name, MatchSettings(threads=1))
    start = time.perf_counter()
    index, _ = load_index(folder, embedder=embedder)
    load_s = time.perf_counter() - start
    index.analyzer.tokens("预热")
    assert index.vectors is not None
    demands = CorpusGenerator(20260827).demands(count)
    passes = [
        _time_queries(
            index=index,
            embedder=embedder,
            lexical=index.lexical,
            vectors=index.vectors,
            demands=demands,
            say=lambda message: print(message, file=sys.stderr),
        )
        for _ in range(2)
    ]
    print(json.dumps({"load_s": load_s, "cold": passes[0], "queries": passes[1]}, indent=2))


if __name__ == "__main__":
    main()
