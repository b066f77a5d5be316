"""Fixtures of the service tests (the world itself is in ``services_world``)."""

from services_world import world

__all__ = ["world"]
