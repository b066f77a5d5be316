"""Load benchmark of the web pages: N concurrent clients against the app served by uvicorn on
loopback, on a database with the demo region loaded; p50/p95/p99 per page kind.

    KECHUANG_DATABASE_URL=sqlite:///var/kechuang.sqlite3 .venv/bin/python benchmarks/web_load.py \
        --clients 50 --seconds 30

The server is ``create_app(rate_limits={})`` under uvicorn (the stack of ``kechuang serve``, one
worker) in a subprocess: the rate limits are switched off because every simulated client shares
the loopback address. The client is asyncio + httpx in this process, so client and server share
the machine's cores — the figures are an upper bound on server latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict

import httpx

SERVER = """
import uvicorn
from kechuang.app import create_app
uvicorn.run(create_app(rate_limits={}), host="127.0.0.1", port=%d, log_level="warning",
            access_log=False, log_config=None)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def discover(client: httpx.AsyncClient) -> dict[str, list[str]]:
    """URLs of each kind, from the API (ids of real records)."""
    urls: dict[str, list[str]] = {
        "list": [
            "/demands",
            "/experts",
            "/achievements",
            "/organisations",
            "/events",
            "/societies",
            "/labs",
            "/demands?page=2",
            "/organisations?page=3",
            "/experts?page=2",
        ],
        "search": [
            f"/search?q={q}"
            for q in ("氢", "催化", "材料", "检测", "储能", "hydrogen", "电池", "化工")
        ],
        "detail": [],
    }
    for kind, path in (
        ("demands", "/demands/"),
        ("experts", "/experts/"),
        ("achievements", "/achievements/"),
    ):
        body = (await client.get(f"/api/v1/{kind}?limit=30")).json()
        urls["detail"] += [f"{path}{item['id']}" for item in body["items"]]
    return urls


async def run(base: str, clients: int, seconds: float, warmup: float) -> dict[str, object]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        urls = await discover(client)
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        start = time.perf_counter()
        measure_from = start + warmup
        stop = measure_from + seconds

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while True:
                now = time.perf_counter()
                if now >= stop:
                    return
                kind = rng.choice(("list", "list", "detail", "detail", "search"))
                url = rng.choice(urls[kind])
                began = time.perf_counter()
                try:
                    response = await client.get(url)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = (time.perf_counter() - began) * 1000
                if began >= measure_from:
                    latencies[kind].append(took)
                    if not ok:
                        errors[kind] += 1

        await asyncio.gather(*(worker(n) for n in range(clients)))
    result: dict[str, object] = {"clients": clients, "seconds": seconds}
    total = 0
    for kind, values in sorted(latencies.items()):
        total += len(values)
        result[kind] = {
            "requests": len(values),
            "errors": errors[kind],
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    every = [v for values in latencies.values() for v in values]
    result["all"] = {
        "requests": total,
        "errors": sum(errors.values()),
        "rps": round(total / seconds, 1),
        "p50_ms": round(percentile(every, 0.50), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    args = parser.parse_args()
    if not os.environ.get("KECHUANG_DATABASE_URL"):
        sys.exit("set KECHUANG_DATABASE_URL to a database with the demo region (kechuang demo)")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER % port])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        result = asyncio.run(run(base, args.clients, args.seconds, args.warmup))
    finally:
        server.terminate()
        server.wait(timeout=10)
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
