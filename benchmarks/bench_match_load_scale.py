"""Load time of a saved matching index at 100k and 1M works: columnar records vs the old JSON.

For each N, one synthetic index is written (Chinese-like token texts of ~120 characters drawn from
a Zipf vocabulary, 2–4 facets per entity, one owner per work plus 10 % co-owned, 384-d random unit
vectors searched exactly — the faiss graph is not part of this figure). Then, each in a fresh
Python process (cold imports excluded, warm page cache, median of ``--repeat``):

- ``load``: :func:`kechuang.match.scale.persistence.load_index` (manifest, analyser, bm25s arrays,
  vectors and the columnar records, all memory-mapped) plus one query (the first one pays the lazy
  structures it needs);
- ``old_json_records``: what the first layout paid on top of the mmap'd arrays — ``json.loads`` of
  a ``records.json`` with the same works and entities (written beside, in the old shape) and the
  construction of every ``Work``/``Entity`` plus the per-record structures (the old ``__init__``);
- ``np_load_vectors``: a plain ``np.load(vectors.npy, mmap_mode="r")``, the floor.

Usage: ``.venv/bin/python benchmarks/bench_match_load_scale.py --sizes 100000 1000000
[--repeat 3] [--folder /tmp/kc-load]`` — prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

_CHILD = r"""
import json, sys, time
from pathlib import Path
import numpy as np
from kechuang.match.scale.persistence import load_index
from kechuang.match.engine import Entity, MatchIndex, Work, _Structure
import bm25s, rjieba, opencc, Stemmer  # imports are not what is measured
folder, mode = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if mode == "load":
    index, manifest = load_index(folder)
    loaded = time.perf_counter()
    hits = index.query(sys.argv[3], k=10, filters={"region": "r3"})
    queried = time.perf_counter()
    print(json.dumps({"load_s": loaded - start, "first_query_s": queried - loaded,
                      "hits": len(hits), "works": len(index.works)}))
elif mode == "old_json_records":
    state = json.loads((folder / "old-records.json").read_text("utf-8"))
    works = [Work(w["id"], w["text"], w["title"], tuple(w["owners"]),
                  {k: tuple(v) for k, v in w["metadata"].items()}) for w in state["works"]]
    entities = [Entity(e["id"], e["kind"], e["name"],
                       {k: tuple(v) for k, v in e["metadata"].items()}) for e in state["entities"]]
    rows = {e.id: r for r, e in enumerate(entities)}
    {w.id: r for r, w in enumerate(works)}
    _Structure.of(works, entities, rows)
    print(json.dumps({"old_json_records_s": time.perf_counter() - start}))
else:
    vectors = np.load(folder / "semantic" / "vectors.npy", mmap_mode="r")
    print(json.dumps({"np_load_vectors_s": time.perf_counter() - start, "rows": vectors.shape[0]}))
"""


def _build(folder: Path, size: int, seed: int = 7) -> dict[str, float]:
    """Write a synthetic index of ``size`` works (and the old-shape records.json beside it)."""
    from kechuang.match.engine import Entity, MatchIndex, Work  # noqa: PLC0415
    from kechuang.match.lexical import LexicalIndex  # noqa: PLC0415
    from kechuang.match.scale.persistence import save_index  # noqa: PLC0415
    from kechuang.match.text import Analyzer  # noqa: PLC0415
    from kechuang.match.vectors import VectorIndex  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    syllables = np.asarray([chr(0x4E00 + i) for i in range(3000)])
    pairs = rng.integers(0, syllables.size, size=(50_000, 2))
    vocabulary = [syllables[a] + syllables[b] for a, b in pairs.tolist()]
    weights = 1.0 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    entity_count = max(1, size // 3)
    entities = [
        Entity(
            f"expert:{i}",
            "expert" if i % 4 else "laboratory",
            f"实体{i}",
            {
                "region": (f"r{i % 30}",),
                "discipline": (str(110 + (i % 60) * 10),),
                "industry": (f"{10 + i % 80}",),
            },
        )
        for i in range(entity_count)
    ]
    token_ids = rng.choice(len(vocabulary), size=(size, 40), p=weights)
    works = []
    tokens = []
    for row in range(size):
        words = [vocabulary[t] for t in token_ids[row]]
        tokens.append(words)
        owner = f"expert:{row % entity_count}"
        owners = (owner, f"expert:{(row * 7 + 1) % entity_count}") if row % 10 == 0 else (owner,)
        text = "".join(words)[:120]
        works.append(Work(f"{owner}/work:{row}", text, words[0], owners, {"kind": ("paper",)}))
    generated = time.perf_counter()
    vectors = rng.standard_normal((size, 384), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = MatchIndex(
        analyzer=Analyzer(),
        embedder=None,
        works=works,
        entities=entities,
        lexical=LexicalIndex().fit(tokens),
        vectors=VectorIndex(exact_max=size + 1).fit(vectors),
        symmetric=False,
    )
    built = time.perf_counter()
    save_index(index, folder)
    saved = time.perf_counter()
    old = {
        "works": [
            {
                "id": w.id,
                "title": w.title,
                "text": w.text,
                "owners": list(w.owners),
                "metadata": {k: list(v) for k, v in w.metadata.items()},
            }
            for w in works
        ],
        "entities": [
            {
                "id": e.id,
                "kind": e.kind,
                "name": e.name,
                "metadata": {k: list(v) for k, v in e.metadata.items()},
            }
            for e in entities
        ],
    }
    (folder / "old-records.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    return {
        "generate_s": round(generated - started, 1),
        "build_s": round(built - generated, 1),
        "save_s": round(saved - built, 1),
        "query": works[5].text[:12],
    }


def _child(folder: Path, mode: str, query: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), mode, query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    """Build each size once, then time the three loads in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kc-load-bench"))
    args = parser.parse_args()
    report: dict[str, Any] = {"load_average_start": round(os.getloadavg()[0], 2), "sizes": {}}
    for size in args.sizes:
        folder = args.folder / f"n{size}"
        build = _build(folder, size)
        query = str(build.pop("query"))
        runs: dict[str, list[float]] = {"load_s": [], "first_query_s": [], "old_json_records_s": []}
        runs["np_load_vectors_s"] = []
        for _ in range(args.repeat):
            loaded = _child(folder, "load", query)
            runs["load_s"].append(loaded["load_s"])
            runs["first_query_s"].append(loaded["first_query_s"])
            runs["old_json_records_s"].append(
                _child(folder, "old_json_records", query)["old_json_records_s"]
            )
            runs["np_load_vectors_s"].append(_child(folder, "np_load", query)["np_load_vectors_s"])
        medians = {key: statistics.median(values) for key, values in runs.items()}
        report["sizes"][str(size)] = {
            **build,
            **{key: round(value, 4) for key, value in medians.items()},
            "old_total_s_estimate": round(medians["load_s"] + medians["old_json_records_s"], 2),
            "load_over_np_load": round(medians["load_s"] / medians["np_load_vectors_s"], 1),
            "old_over_new": round(
                (medians["load_s"] + medians["old_json_records_s"]) / medians["load_s"], 1
            ),
            "index_bytes_on_disk": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()),
        }
    report["load_average_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
