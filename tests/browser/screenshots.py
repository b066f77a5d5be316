"""Screenshots of the browser journeys, saved as test artefacts (``test-artifacts/``).

A module of its own, not ``conftest``: several test folders have a ``conftest.py``, and
``from conftest import …`` would pick whichever of them was imported first.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def shot(page: object, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
