"""Load benchmark of the public web pages: N concurrent clients against the ``kechuang serve``
stack on loopback, with the demo region loaded; p50/p95/p99 per page kind (list, detail, search).

One command, one JSON file in ``benchmarks/results/`` and one table row per client count:

    .venv/bin/python benchmarks/web_load.py          # a fresh demo on SQLite; 1 and 50 clients
    .venv/bin/python benchmarks/web_load.py --database postgresql
    .venv/bin/python benchmarks/web_load.py --url sqlite:////tmp/demo.sqlite3 --think 1.0
    .venv/bin/python benchmarks/web_load.py --bust-cache          # every URL unique: no cache hits

Server: uvicorn with ``--workers`` processes (default: what ``kechuang serve`` picks) running
``create_app(rate_limits={})`` — the app of ``kechuang serve`` with its rate limits off, because
every simulated client shares the loopback address; uvloop/httptools when installed, request
logging on (to a file), as served.

Clients: a closed loop per client (send a request, read the whole response, think, repeat) over
one keep-alive HTTP/1.1 connection each, written on raw asyncio streams so that the load
generator costs little CPU next to the server on the same cores. Think time is exponential with
mean ``--think`` seconds (0 = no think time: every client always has a request in flight, the
saturation case). Mix: 40 % list pages, 40 % detail pages, 20 % search, anonymous visitors with a
browser user agent (so detail views are counted as visits, a write each first view per day).
The 1-client run (the baseline) is measured in the same run, against the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
sys.path.insert(0, str(BENCHMARKS))

from load_soak import KECHUANG, drop_database, make_database  # noqa: E402
from loopback import free_port, percentile  # noqa: E402

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

SERVER = """
import sys
sys.path.insert(0, {benchmarks!r})
import uvicorn
import web_load
web_load.unlimited_app()  # as kechuang serve: build the search index once before the workers
uvicorn.run("web_load:unlimited_app", factory=True, host="127.0.0.1", port={port},
            workers={workers}, log_level="warning", access_log=False, log_config=None,
            loop="auto", http="auto")
"""


def unlimited_app() -> Any:
    """The app of a ``kechuang serve`` worker (warmed the same way), without rate limits (all
    clients share one address here)."""
    from kechuang.app import create_app  # noqa: PLC0415

    try:
        from kechuang.cli.serve import warm  # noqa: PLC0415
    except ImportError:  # an older commit (A/B runs): served unwarmed, as it was
        return create_app(rate_limits={})
    return warm(create_app(rate_limits={}))


def default_workers() -> int:
    """What ``kechuang serve`` picks."""
    from kechuang.cli.serve import default_workers as serve_default  # noqa: PLC0415

    return serve_default()


class Connection:
    """One keep-alive HTTP/1.1 connection: GET a path, read the whole response."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookie = ""

    async def get(self, path: str) -> tuple[int, bytes]:
        """Status and body of ``GET path`` (reconnects when the server closed the connection)."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            assert self.reader is not None
            cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
            path = quote(path, safe="/?=&%")
            self.writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {USER_AGENT}\r\n"
                f"Accept: text/html\r\n{cookie}\r\n".encode()
            )
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                await self.close()
                if attempt == 2:
                    raise
                continue
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                lowered = name.strip().lower()
                if lowered == "content-length":
                    length = int(value)
                elif lowered == "set-cookie" and not self.cookie:
                    self.cookie = value.strip().split(";", 1)[0]
            body = await self.reader.readexactly(length)
            return status, body
        raise ConnectionError("unreachable")

    async def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def discover(port: int) -> dict[str, list[str]]:
    """URLs of each kind (ids of real records, from the public API)."""
    import httpx  # noqa: PLC0415

    urls: dict[str, list[str]] = {
        "list": [
            "/",
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
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for kind, path in (
            ("demands", "/demands/"),
            ("experts", "/experts/"),
            ("achievements", "/achievements/"),
            ("organisations", "/organisations/"),
            ("events", "/events/"),
        ):
            body = client.get(f"/api/v1/{kind}", params={"limit": 30}).json()
            urls["detail"] += [f"{path}{item['id']}" for item in body["items"]]
    return urls


async def drive(
    port: int,
    urls: dict[str, list[str]],
    *,
    clients: int,
    seconds: float,
    warmup: float,
    think: float,
    bust_cache: bool,
    seed: int,
) -> dict[str, Any]:
    """Run ``clients`` closed loops for ``warmup + seconds``; measure the last ``seconds``."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds
    counter = iter(range(10**12))

    async def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = Connection(port)
        try:
            while time.perf_counter() < stop:
                kind = rng.choice(("list", "list", "detail", "detail", "search"))
                url = rng.choice(urls[kind])
                if bust_cache:
                    url += ("&" if "?" in url else "?") + f"_n={next(counter)}"
                began = time.perf_counter()
                try:
                    status, _ = await connection.get(url)
                    ok = status == 200
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    ok = False
                    await connection.close()
                took = (time.perf_counter() - began) * 1000
                if began >= measure_from:
                    latencies[kind].append(took)
                    if not ok:
                        errors[kind] += 1
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1 / think))
        finally:
            await connection.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    result: dict[str, Any] = {"clients": clients}
    every: list[float] = []
    for kind, values in sorted(latencies.items()):
        every += values
        result[kind] = {
            "requests": len(values),
            "errors": errors[kind],
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    result["all"] = {
        "requests": len(every),
        "errors": sum(errors.values()),
        "rps": round(len(every) / seconds, 1),
        "p50_ms": round(percentile(every, 0.50), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
    }
    return result


def row(label: str, run: dict[str, Any], load: float) -> str:
    """One Markdown table row of a run."""

    def p95(kind: str) -> str:
        return f"{run[kind]['p95_ms']:,.1f} ms" if kind in run else "—"

    every = run["all"]
    return (
        f"| {label} | {run['clients']} | {load:.1f} | {every['rps']:,.1f} | "
        f"{every['p50_ms']:,.1f} ms | {every['p95_ms']:,.1f} ms | {p95('list')} | "
        f"{p95('detail')} | {p95('search')} | {every['errors']} |"
    )


def main() -> None:
    """Build or reuse the database, serve it, run each client count, write JSON, print rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="use this database (with the demo) instead of a fresh one")
    parser.add_argument("--clients", default="1,50", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--think", type=float, default=0.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=0, help="0 = what kechuang serve picks")
    parser.add_argument(
        "--bust-cache",
        action="store_true",
        help="add a unique query parameter to every URL (measures pages without cache hits)",
    )
    parser.add_argument("--json", type=Path, help="result file (default: benchmarks/results/…)")
    args = parser.parse_args()
    workers = args.workers or default_workers()

    folder = Path(tempfile.mkdtemp(prefix="kechuang-web-load-"))
    url: str | None = args.url
    made = None
    if url is None:
        url, made = make_database(args.database, folder)
    port = free_port()
    env = {**os.environ, "KECHUANG_DATABASE_URL": url, "KECHUANG_DATA_DIR": str(folder)}
    # as kechuang serve does at start: the schema at the latest migration
    subprocess.run([KECHUANG, "db", "upgrade"], env=env, check=True, capture_output=True)
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVER.format(benchmarks=str(BENCHMARKS), port=port, workers=workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    runs: list[dict[str, Any]] = []
    loads: list[float] = []
    try:
        import httpx  # noqa: PLC0415

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("server did not start: " + (folder / "server.log").read_text()[-2000:])
        urls = discover(port)
        for clients in [int(n) for n in args.clients.split(",")]:
            loads.append(os.getloadavg()[0])
            runs.append(
                asyncio.run(
                    drive(
                        port,
                        urls,
                        clients=clients,
                        seconds=args.seconds,
                        warmup=args.warmup,
                        think=args.think,
                        bust_cache=args.bust_cache,
                        seed=clients,
                    )
                )
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if made:
            drop_database(made)

    label = f"{args.database}, {workers} worker(s), think {args.think:g} s" + (
        ", cache busted" if args.bust_cache else ""
    )
    result = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": f"{platform.node()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "database": args.database,
        "workers": workers,
        "think_seconds": args.think,
        "bust_cache": args.bust_cache,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "load_average_at_start": loads,
        "runs": runs,
    }
    stamp = time.strftime("%Y%m%dT%H%M", time.gmtime())
    target = args.json or RESULTS / (
        f"web_load_{args.database}_w{workers}_think{args.think:g}"
        + ("_busted" if args.bust_cache else "")
        + f"_{stamp}.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"written {target}")
    print(
        "| run | clients | load avg | requests/s | p50 all | p95 all | p95 list | p95 detail "
        "| p95 search | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run, load in zip(runs, loads, strict=True):
        print(row(label, run, load))
    if any(run["all"]["errors"] for run in runs):
        print(f"errors: the server's log is kept in {folder / 'server.log'}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
