"""A real ``kechuang serve`` on a free loopback port, on a fresh database with the web test world,
and Debian's Chromium driven by Playwright (never ``playwright install``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from live_server import headless_chromium, require_chromium, running_server
from web_world import WebWorld, build_world


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebWorld]]:
    """The server's base URL and the world it serves."""
    require_chromium()
    with running_server(tmp_path_factory.mktemp("live"), build_world) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium."""
    with headless_chromium() as chromium:
        yield chromium
