"""Fixtures of the API tests: the same world as the web tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from web_world import app, client, web_world

__all__ = ["app", "client", "web_world"]
