"""Speed of the Monte Carlo uncertainty analysis on COINr's ASEM index (issue 5, item 9).

Target: 1,000 Monte Carlo runs in ≤ 2 s. Baseline, measured in the same process: the naive
path, one full ``run_index`` per run (what a straightforward port does), on a smaller sample
whose per-run time is scaled to 1,000 runs. Both paths compute identical ranks (checked here
and in tests/metrics/test_uncertainty.py).

    .venv/bin/python benchmarks/index_uncertainty.py [--runs 1000] [--naive-runs 50]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from kechuang.metrics.spec import COINR_DEFAULT
from kechuang.metrics.tree import read_coin_csv
from kechuang.metrics.uncertainty import (
    UncertaintySpec,
    evaluate_naive,
    evaluate_vectorised,
    run_uncertainty,
    sample_design,
)

ASEM = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "index" / "coinr_asem"


def main() -> None:
    """Time both paths and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--naive-runs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dataset = read_coin_csv(ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv")
    ua = UncertaintySpec()

    # end to end, as `kechuang index uncertainty --no-sobol --runs N` runs it
    timings = []
    for seed in range(args.repeat):
        start = time.perf_counter()
        run_uncertainty(dataset, COINR_DEFAULT, ua, n=args.runs, seed=seed, sensitivity=False)
        timings.append(time.perf_counter() - start)
    vectorised = statistics.median(timings)

    # naive baseline on a sample of the same design; equality checked on that sample
    design = sample_design(dataset, COINR_DEFAULT, ua, args.naive_runs, seed=99)
    start = time.perf_counter()
    slow = evaluate_naive((dataset, COINR_DEFAULT, ua), design)
    naive_per_run = (time.perf_counter() - start) / args.naive_runs
    fast = evaluate_vectorised((dataset, COINR_DEFAULT, ua), design)
    assert np.array_equal(fast, slow), "vectorised and naive ranks differ"

    # Saltelli design with Sobol indices and 1,000 bootstrap resamples
    start = time.perf_counter()
    result = run_uncertainty(dataset, COINR_DEFAULT, ua, n=args.runs, seed=0)
    sobol_time = time.perf_counter() - start

    naive_total = naive_per_run * args.runs
    print(f"python {platform.python_version()} numpy {np.__version__}")
    print(f"vectorised {args.runs} MC runs (median of {args.repeat}): {vectorised:.3f} s")
    print(
        f"naive per-run loop: {naive_per_run * 1000:.1f} ms/run over {args.naive_runs} runs "
        f"-> {naive_total:.1f} s for {args.runs}"
    )
    print(f"speed-up: {naive_total / vectorised:.0f}x; identical ranks on the naive sample")
    print(f"Sobol (N={args.runs}, {result.n_runs} runs + bootstrap): {sobol_time:.3f} s")


if __name__ == "__main__":
    main()
