"""The matching speed benchmark, as a script: same as ``kechuang bench speed`` (see its --help).

Usage: .venv/bin/python benchmarks/bench_match_speed.py --resources N [--embedder fast|e5] ...
Results go to ``benchmarks/RESULTS.md`` with the command that produced them.
"""

from __future__ import annotations

from kechuang.cli import app

if __name__ == "__main__":
    app(["bench", "speed", *__import__("sys").argv[1:]])
