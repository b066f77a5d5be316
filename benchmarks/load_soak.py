"""Load and soak: a fixed request rate of mixed reads and writes against ``kechuang serve`` with the
demo region, on loopback only, for a bounded time; errors, latency percentiles and the server's
resident memory over time (flat after warm-up means no leak).

    .venv/bin/python benchmarks/load_soak.py --database sqlite --rate 100 --seconds 600
    .venv/bin/python benchmarks/load_soak.py --database postgresql --rate 100 --seconds 600

Each run writes its JSON into ``benchmarks/results/`` and prints the RESULTS.md table row.

Without ``--url`` a fresh database is made (a temporary SQLite file, or a new database on the
PostgreSQL server at 127.0.0.1:5432), migrated and filled with ``kechuang demo``; with ``--url``
that database is used as it is (it must hold the demo). The server is the real ``kechuang serve``
(``--workers``: by default what ``kechuang serve`` picks, one per core; default rate limits): the
mix stays under the search limit (≤ 1 search/s) and signs in once per account for an API token.
Page reads carry a browser user agent, so every first view of a detail page per day is counted
as a visit (a write) as it would be for real visitors. The client is asyncio + httpx in this
process on the same cores, an open-loop schedule (requests start on time whether or not earlier
ones finished; a request that cannot start because 200 are already in flight counts as an
error).

Mix per 100 requests: 80 reads (portal lists and details, API lists and details, 1 search),
20 writes through the API (new draft demands and edits of them by the demo enterprise, capacity
edits by the demo expert, NDA acceptances by the demo lab user). Every write is audited and
committed, so the database grows during the run as it would in use.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from loopback import free_port, percentile

REPO = Path(__file__).resolve().parents[1]
KECHUANG = shutil.which("kechuang", path=str(Path(sys.executable).parent)) or "kechuang"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MAX_IN_FLIGHT = 200
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
RESULTS = REPO / "benchmarks" / "results"


def make_database(kind: str, folder: Path) -> tuple[str, str | None]:
    """A fresh database URL with the demo built in it (and the PostgreSQL name to drop)."""
    if kind == "sqlite":
        url, name = f"sqlite:///{folder / 'soak.sqlite3'}", None
    else:
        from sqlalchemy import create_engine, text  # noqa: PLC0415
        from sqlalchemy.engine import make_url  # noqa: PLC0415

        name = f"kechuang_soak_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "KECHUANG_DATABASE_URL": url, "KECHUANG_DATA_DIR": str(folder)}
    started = time.monotonic()
    try:
        subprocess.run([KECHUANG, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([KECHUANG, "demo", "--quiet"], env=env, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        if name:
            drop_database(name)  # do not leave a half-built database behind
        raise SystemExit(f"building the demo failed: {error.stderr.decode()[-2000:]}") from error
    print(f"demo built in {time.monotonic() - started:.0f} s: {url}", flush=True)
    return url, name


def drop_database(name: str) -> None:
    """Drop the PostgreSQL database this run made."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Tally:
    """What the run saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    started: int = 0
    refused: int = 0


def server_rss_mb(process: psutil.Process) -> float:
    """Resident memory of the server and its children, MB."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total / 1e6


async def discover(client: httpx.AsyncClient) -> dict[str, list[int]]:
    """Ids of real records to read (from the public API)."""
    ids: dict[str, list[int]] = {}
    for kind in ("demands", "experts", "achievements", "organisations", "events"):
        response = await client.get(f"/api/v1/{kind}", params={"limit": 100})
        response.raise_for_status()
        ids[kind] = [
            (item.get("teaser") or item).get("id") if isinstance(item, dict) else item
            for item in response.json()["items"]
        ]
        ids[kind] = [i for i in ids[kind] if isinstance(i, int)]
    return ids


async def token(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    """A Bearer header for a demo account."""
    response = await client.post(
        "/api/v1/tokens", json={"username": username, "password": password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def demo_passwords(log: Path) -> dict[str, str]:
    """The demo accounts' passwords ``kechuang serve`` printed at start (fresh each start)."""
    found = {}
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("demo-"):
            found[parts[0]] = parts[2]
    return found


async def run(
    base: str,
    rate: float,
    seconds: float,
    server: psutil.Process,
    tally: Tally,
    passwords: dict[str, str],
) -> None:
    """Drive the mix at ``rate`` requests/s for ``seconds``; sample RSS every 5 s."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=limits, headers={"user-agent": USER_AGENT}
    ) as client:
        ids = await discover(client)
        enterprise = await token(client, "demo-enterprise", passwords["demo-enterprise"])
        expert = await token(client, "demo-expert", passwords["demo-expert"])
        lab = await token(client, "demo-lab", passwords["demo-lab"])
        me = (await client.get("/api/v1/me", headers=enterprise)).json()
        expert_id = (await client.get("/api/v1/me", headers=expert)).json()["expert_id"]
        region_id, enterprise_id = me["region_id"], me["organisation_id"]
        own_demands: list[int] = []
        rng = random.Random(20240827)  # a load mix, not a secret

        def pick(kind: str) -> int:
            return rng.choice(ids[kind])

        def choose() -> tuple[str, str, str, dict[str, object]]:
            """(label, method, path, request kwargs)."""
            roll = rng.random() * 100
            if roll < 1:
                return (
                    "search",
                    "GET",
                    "/search",
                    {"params": {"q": rng.choice(["氢", "催化", "材料"])}},
                )
            if roll < 30:
                path = rng.choice(
                    [
                        "/",
                        "/demands",
                        "/experts",
                        "/achievements",
                        "/organisations",
                        "/events",
                        "/societies",
                        "/labs",
                        "/demands?page=2",
                    ]
                )
                return "page-list", "GET", path, {}
            if roll < 55:
                kind = rng.choice(["demands", "experts", "achievements", "organisations", "events"])
                return "page-detail", "GET", f"/{kind}/{pick(kind)}", {}
            if roll < 70:
                kind = rng.choice(["demands", "experts", "achievements", "organisations", "events"])
                return "api-list", "GET", f"/api/v1/{kind}", {"params": {"limit": 20}}
            if roll < 80:
                kind = rng.choice(["demands", "experts", "achievements", "organisations", "events"])
                return "api-detail", "GET", f"/api/v1/{kind}/{pick(kind)}", {}
            if roll < 88 or not own_demands:
                body = {
                    "region_id": region_id,
                    "enterprise_id": enterprise_id,
                    "title": f"压测需求 {rng.randrange(10**6)}",
                    "status": "draft",
                    "key_problems": "高温密封件寿命不足，需要新材料。",
                }
                return (
                    "write-create",
                    "POST",
                    "/api/v1/demands",
                    {"json": body, "headers": enterprise},
                )
            if roll < 94:
                return (
                    "write-update",
                    "PATCH",
                    f"/api/v1/demands/{rng.choice(own_demands)}",
                    {
                        "json": {"key_problems": f"更新 {rng.randrange(10**6)}"},
                        "headers": enterprise,
                    },
                )
            if roll < 97:
                return (
                    "write-expert",
                    "PATCH",
                    f"/api/v1/experts/{expert_id}",
                    {"json": {"capacity": rng.randrange(1, 6)}, "headers": expert},
                )
            return "write-nda", "POST", f"/api/v1/demands/{pick('demands')}/nda", {"headers": lab}

        in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        tasks: set[asyncio.Task[None]] = set()

        async def one(label: str, method: str, path: str, kwargs: dict[str, object]) -> None:
            begun = time.perf_counter()
            try:
                response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as error:
                tally.errors.append(f"{label} {path}: {type(error).__name__}")
                return
            finally:
                in_flight.release()
            tally.latencies.setdefault(label, []).append(time.perf_counter() - begun)
            tally.statuses[f"{response.status_code}"] += 1
            if response.status_code >= 400:
                tally.errors.append(f"{label} {method} {path}: {response.status_code}")
            elif label == "write-create":
                own_demands.append(response.json()["id"])

        async def sample_rss(start: float) -> None:
            while True:
                tally.rss.append((time.monotonic() - start, server_rss_mb(server)))
                await asyncio.sleep(5)

        start = time.monotonic()
        sampler = asyncio.create_task(sample_rss(start))
        total = int(rate * seconds)
        for n in range(total):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if in_flight.locked():
                tally.refused += 1
                tally.errors.append("client: 200 requests in flight, request not started")
                continue
            await in_flight.acquire()
            task = asyncio.create_task(one(*choose()))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            tally.started += 1
        await asyncio.gather(*tasks)
        tally.rss.append((time.monotonic() - start, server_rss_mb(server)))
        sampler.cancel()


def slope_mb_per_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS over time, MB per minute."""
    if len(points) < 3:
        return float("nan")
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    num = sum((t - mean_t) * (m - mean_m) for t, m in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * num / den if den else float("nan")


def main() -> None:
    """Parse arguments, build or reuse the database, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="use this database (with the demo) instead of a fresh one")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=600.0, help="duration of the load")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="seconds excluded from RSS trend"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="server processes (0 = kechuang serve's default)"
    )
    parser.add_argument("--json", type=Path, help="result file (default: benchmarks/results/…)")
    args = parser.parse_args()
    if args.seconds > 3600 or args.rate > 500:
        parser.error("bounded: at most 3600 s and 500 requests/s")

    folder = Path(tempfile.mkdtemp(prefix="kechuang-soak-"))
    url, made = (args.url, None) if args.url else make_database(args.database, folder)
    port = free_port()
    env = {**os.environ, "KECHUANG_DATABASE_URL": url, "KECHUANG_DATA_DIR": str(folder)}
    log = (folder / "server.log").open("wb")
    command = [KECHUANG, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(args.workers)]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit(
                "kechuang serve did not start: " + (folder / "server.log").read_text()[-2000:]
            )
        load_before = os.getloadavg()[0]
        began = time.monotonic()
        passwords = demo_passwords(folder / "server.log")
        asyncio.run(
            run(base, args.rate, args.seconds, psutil.Process(server.pid), tally, passwords)
        )
        wall = time.monotonic() - began
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if made:
            drop_database(made)

    every = [v for values in tally.latencies.values() for v in values]
    server_errors = []
    for line in (folder / "server.log").read_text(errors="replace").splitlines():
        if '"level": "error"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            server_errors.append(line[:300])
            continue
        trace = str(record.get("exc_info") or record.get("msg")).strip().splitlines()
        causes = [t for t in trace if t.startswith(("sqlalchemy.exc.", "sqlite3.", "psycopg."))]
        cause = (causes or trace or [""])[-1][:300]
        server_errors.append(f"{record.get('logger')}: {cause}")
    after = [(t, m) for t, m in tally.rss if t >= args.warmup]
    result = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": f"{platform.node()} {os.cpu_count()} cores, load average {load_before:.1f}",
        "database": args.database,
        "workers": args.workers or "default",
        "rate_target": args.rate,
        "seconds": args.seconds,
        "wall_seconds": round(wall, 1),
        "requests_started": tally.started,
        "achieved_rate": round(tally.started / wall, 1),
        "responses": sum(tally.statuses.values()),
        "statuses": dict(tally.statuses),
        "errors": len(tally.errors),
        "error_examples": sorted(Counter(tally.errors).items(), key=lambda kv: -kv[1])[:10],
        "server_error_lines": len(server_errors),
        "server_error_examples": sorted(Counter(server_errors).items(), key=lambda kv: -kv[1])[:6],
        "p50_ms": round(1000 * percentile(every, 0.50), 1),
        "p95_ms": round(1000 * percentile(every, 0.95), 1),
        "p99_ms": round(1000 * percentile(every, 0.99), 1),
        "p95_ms_by_kind": {
            k: round(1000 * percentile(v, 0.95), 1) for k, v in sorted(tally.latencies.items())
        },
        "count_by_kind": {k: len(v) for k, v in sorted(tally.latencies.items())},
        "rss_mb_start": round(tally.rss[0][1], 1) if tally.rss else None,
        "rss_mb_after_warmup": round(after[0][1], 1) if after else None,
        "rss_mb_end": round(tally.rss[-1][1], 1) if tally.rss else None,
        "rss_mb_max": round(max(m for _, m in tally.rss), 1) if tally.rss else None,
        "rss_slope_mb_per_min_after_warmup": round(slope_mb_per_min(after), 2),
        "rss_series": [(round(t), round(m, 1)) for t, m in tally.rss],
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    target = args.json or RESULTS / (
        f"load_soak_{args.database}_r{args.rate:g}_{args.seconds:g}s_"
        f"{time.strftime('%Y%m%dT%H%M', time.gmtime())}.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(text)
    print(f"written {target}")
    print(table_row(result))
    shutil.rmtree(folder, ignore_errors=True)


def table_row(result: dict[str, object]) -> str:
    """The run as a row of the RESULTS.md table."""
    r = result
    return (
        f"| {str(r['database']).replace('postgresql', 'PostgreSQL').replace('sqlite', 'SQLite')}, "
        f"{r['workers']} workers, {r['rate_target']:g} req/s × {r['seconds']:g} s, "
        f"{str(r['date_utc'])[-5:]} | {str(r['machine']).rsplit(' ', 1)[-1]} | "
        f"{r['requests_started']:,} | {r['achieved_rate']} | **{r['errors']}** | "
        f"{r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} | {r['rss_mb_start']} → "
        f"{r['rss_mb_after_warmup']} → {r['rss_mb_end']} | "
        f"{r['rss_slope_mb_per_min_after_warmup']} MB/min |"
    )


if __name__ == "__main__":
    main()
