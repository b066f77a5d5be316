"""Fixtures of the web tests (the world is in ``web_world``)."""

from web_world import app, client, web_world

__all__ = ["app", "client", "web_world"]
