"""What the browser journeys share: signing in through the real form, and screenshots saved as
test artefacts (``test-artifacts/``).

A module of its own, not ``conftest``: several test folders have a ``conftest.py``, and
``from conftest import …`` would pick whichever of them was imported first.
"""

from __future__ import annotations

from pathlib import Path

from web_world import PASSWORD

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def shot(page: object, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: object, base: str, username: str, lang: str, button: str) -> None:
    """Sign ``username`` in with the web world's password through the sign-in form (``button`` is
    the submit label in ``lang``) and wait until the page shows who is signed in."""
    page.goto(f"{base}/sign-in?lang={lang}")  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click(f"form.stack button[type=submit]:has-text('{button}')")  # type: ignore[attr-defined]
    page.wait_for_selector('[data-testid="who"]')  # type: ignore[attr-defined]
