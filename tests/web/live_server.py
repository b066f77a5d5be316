"""A real ``kechuang serve`` on a free loopback port and Debian's Chromium (never ``playwright
install``), shared by the browser journeys and the stored-XSS suite so both start the server the
same way: a fresh SQLite database seeded in-process, then the server as a subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from kechuang.config import get_settings
from kechuang.store import migrate
from kechuang.store.database import dispose_engines

CHROMIUM = "/usr/bin/chromium"

T = TypeVar("T")


def require_chromium() -> None:
    """Skip the calling test or fixture when Debian's Chromium is absent."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(folder: Path, seed: Callable[[], T]) -> Iterator[tuple[str, T]]:
    """The base URL of a server on a database in ``folder`` and what ``seed`` returned.

    ``seed`` runs in this process with the server's settings in the environment (restored
    afterwards); the server is stopped on exit.
    """
    url = f"sqlite:///{folder / 'kechuang.sqlite3'}"
    env = {
        **os.environ,
        "KECHUANG_DATABASE_URL": url,
        "KECHUANG_DATA_DIR": str(folder / "var"),
        "KECHUANG_ARGON2_TIME_COST": "1",
        "KECHUANG_ARGON2_MEMORY_KIB": "256",
        "KECHUANG_ARGON2_PARALLELISM": "1",
    }
    saved = {key: os.environ.get(key) for key in env if key.startswith("KECHUANG_")}
    os.environ.update({key: value for key, value in env.items() if key.startswith("KECHUANG_")})
    get_settings.cache_clear()
    try:
        migrate.upgrade(url)
        seeded = seed()
    finally:
        dispose_engines()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
    port = _free_port()
    kechuang = shutil.which("kechuang", path=str(Path(sys.executable).parent)) or "kechuang"
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [kechuang, "serve", "--port", str(port), "--no-demo-passwords"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("kechuang serve did not start: " + (folder / "server.log").read_text()[-2000:])
    yield base, seeded
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright; skips when it is not installed."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
