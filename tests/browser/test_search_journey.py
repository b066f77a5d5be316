"""Portal search in a real browser, in Chinese and in English: type a query, see the suggestion
dropdown, pick a facet value, see the highlighted results update in place (htmx, no reload) —
and the same page working as plain links and a form without JavaScript."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from journey import shot
from live_server import require_chromium, running_server
from search_world import SearchRecords, add_search_records
from web_world import WebWorld, build_world

pytestmark = pytest.mark.browser


def _seed() -> tuple[WebWorld, SearchRecords]:
    world = build_world()
    return world, add_search_records(world)


@pytest.fixture(scope="module")
def search_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, tuple[WebWorld, SearchRecords]]]:
    """A server on the web world plus the search records."""
    require_chromium()
    with running_server(tmp_path_factory.mktemp("search"), _seed) as served:
        yield served


CASES = {
    "zh-CN": {"query": "膜电极", "prefix": "膜材料", "facet": "科技成果", "kind": "achievement"},
    "en": {"query": "membranes", "prefix": "advanced", "facet": "Laboratory", "kind": "laboratory"},
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_type_pick_a_facet_and_see_highlighted_results(search_server, browser, lang: str) -> None:  # type: ignore[no-untyped-def]
    base, _seeded = search_server
    case = CASES[lang]
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{base}/search?lang={lang}")
    page.evaluate("window.__marker = 1")  # survives only if the page is never reloaded
    # The dropdown suggests record names by prefix.
    page.type("#q", case["prefix"], delay=40)
    page.wait_for_selector('[data-testid="suggestion"]')
    assert page.locator('[data-testid="suggestion"]').count() >= 1
    # Typing on runs the search in place.
    page.fill("#q", "")
    page.type("#q", case["query"], delay=40)
    page.wait_for_selector('[data-testid="hit"] mark')
    assert page.evaluate("window.__marker") == 1
    assert "q=" in page.url
    # Pick a kind facet: the results narrow to that kind, still highlighted, still no reload.
    page.click(f'[data-facet="kind"] a:has-text("{case["facet"]}")')
    # Wait for htmx to push the facet's URL: the hits may already all be of that kind (then the
    # check below passes before the facet's answer has arrived).
    page.wait_for_url(lambda url: f"kind={case['kind']}" in url)
    page.wait_for_selector('[data-facet="kind"] a.active')
    page.wait_for_function(
        "kind => [...document.querySelectorAll('[data-testid=hit]')].length > 0 && "
        "[...document.querySelectorAll('[data-testid=hit]')].every(h => h.dataset.kind === kind)",
        arg=case["kind"],
    )
    assert page.evaluate("window.__marker") == 1
    assert f"kind={case['kind']}" in page.url
    assert page.locator('[data-testid="hit"] mark').count() >= 1
    assert page.locator('[data-facet="kind"] a.active').count() == 1
    shot(page, f"10-search-facet-{lang}")
    # The selected facet rides along when the query changes.
    page.fill("#q", "")
    page.type("#q", case["query"][:2], delay=40)
    page.wait_for_timeout(900)
    assert f"kind={case['kind']}" in page.url
    assert errors == []
    context.close()


def test_search_works_without_javascript(search_server, browser) -> None:  # type: ignore[no-untyped-def]
    base, _seeded = search_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/search")
    page.fill("#q", "催化")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector('[data-testid="hit"] mark')
    page.click('[data-facet="kind"] a[data-code="expert"]')
    page.wait_for_selector('[data-testid="hit"]')
    kinds = page.eval_on_selector_all(
        '[data-testid="hit"]', "hits => hits.map(h => h.dataset.kind)"
    )
    assert set(kinds) == {"expert"}
    # The form carries the selected facet as a hidden field: a new query keeps the filter.
    page.fill("#q", "加氢")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector('[data-testid="facets"]')
    assert "kind=expert" in page.url
    context.close()
