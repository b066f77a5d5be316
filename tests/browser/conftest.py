"""A real ``kechuang serve`` on a free loopback port, on a fresh database with the web test world,
and Debian's Chromium driven by Playwright (never ``playwright install``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from web_world import WebWorld, build_world

from kechuang.config import get_settings
from kechuang.store import migrate
from kechuang.store.database import dispose_engines

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebWorld]]:
    """The server's base URL and the world it serves."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("live")
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
        world = build_world()
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
    yield base, world
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def shot(page: object, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
