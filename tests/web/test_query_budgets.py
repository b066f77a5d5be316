"""Query-count budgets for every list page and API list endpoint (no N+1, issue 4 item 7).

Each list is fetched on the small web world, then again after the world has grown by
``GROWTH`` more records of every kind (experts with works, events with participants, dockings
...): the number of SQL statements sent to the real database must not grow with the rows shown,
and stays within a fixed budget. Statements are counted with SQLAlchemy's
``before_cursor_execute`` event on the app's engine (transaction control such as BEGIN and
SAVEPOINT included, so the budget also catches a service call per row). The public page cache
is switched off for these counts (a cache hit would send no query at all); a separate test pins
what a cache hit costs.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from web_world import PASSWORD, WebWorld, api_token, sign_in

from kechuang.domain import (
    Achievement,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Docking,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Participation,
    Work,
)
from kechuang.domain.visit import ResourceKind
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    organisations,
    transaction,
    visits,
)
from kechuang.store.database import engine_for
from kechuang.web.pagecache import PageCache

GROWTH = 12
"""Records of each kind added between the two counts (more than a page of most lists)."""

BUDGET = 20
"""Most statements a list may send (BEGIN/SAVEPOINT/RELEASE and session look-up included)."""

OWN_BUDGETS = {
    # the board's dockings, the names of their targets, and since the reminders: the stale
    # dockings, when each was last reminded and the region's own threshold — 9 service calls,
    # each with its SAVEPOINT/RELEASE pair (measured 2026-11-30: 34)
    "op_a /operator/dockings": 36,
    "op_a /dashboard": 130,  # every KPI of the region: a fixed set of aggregate queries
}
"""Pages that need more, measured 2026-11-29 (a fixed number; only growth with rows is N+1)."""

# (who, path): who is None for the anonymous public, else a username of the web world.
PAGES: list[tuple[str | None, str]] = [
    (None, "/"),
    (None, "/demands"),
    (None, "/achievements"),
    (None, "/experts"),
    (None, "/organisations"),
    (None, "/societies"),
    (None, "/stations"),
    (None, "/labs"),
    (None, "/workstations"),
    (None, "/bases"),
    (None, "/events"),
    (None, "/honours"),
    (None, "/search?q=催化"),
    ("admin", "/demands"),
    ("admin", "/experts"),
    ("admin", "/organisations"),
    ("admin", "/events"),
    ("op_a", "/operator/dockings"),
    ("op_a", "/operator/review"),
    ("op_a", "/operator/users"),
    ("op_a", "/dashboard"),
    ("op_a", "/operator/events"),
    ("op_a", "/operator/honours"),
    ("exp_a", "/expert/reviews"),
    ("ent_a", "/my/demands"),
    ("exp_a", "/expert/invitations"),
]

API_LISTS: list[str] = [
    "/api/v1/regions",
    "/api/v1/demands",
    "/api/v1/achievements",
    "/api/v1/experts",
    "/api/v1/organisations",
    "/api/v1/events",
    "/api/v1/honours",
    "/api/v1/dockings",
    "/api/v1/search?q=催化",
]


class StatementCounter:
    """Counts the statements an engine sends while ``counting()`` is active."""

    def __init__(self, database_url: str) -> None:
        self.engine = engine_for(database_url)
        self.count = 0
        self.statements: list[str] = []

    def _on_execute(self, *args: Any) -> None:
        self.count += 1
        self.statements.append(str(args[2])[:120])

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count from zero inside the block."""
        self.count = 0
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        try:
            yield
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on_execute)


def grow(world: WebWorld, n: int) -> None:
    """Add ``n`` more records of every listed kind, with child rows, through the services."""
    system = Actor.system("test")
    with transaction():
        for i in range(n):
            organisation = organisations.create(
                system,
                Organisation(
                    kind=OrganisationKind.ENTERPRISE,
                    name=f"增长企业{i}（演示）",
                    region_id=world.region_a,
                    industry_codes=["2614"],
                ),
            )
            organisations.create(
                system,
                Organisation(
                    kind=OrganisationKind.LABORATORY,
                    name=f"增长实验室{i}",
                    region_id=world.region_a,
                    lab_level="provincial",
                ),
            )
            organisations.create(
                system,
                Organisation(
                    kind=OrganisationKind.PROVINCIAL_SOCIETY, name=f"增长学会{i}", region_id=None
                ),
            )
            expert = experts.create(
                system,
                Expert(
                    name=f"增长专家{i}",
                    affiliation="兰州大学",
                    region_id=world.region_a,
                    keywords=["催化"],
                    works=[
                        Work(kind="paper", title=f"催化论文{i}-{k}", keywords=["催化"])
                        for k in range(3)
                    ],
                ),
            )
            achievements.create(
                system,
                Achievement(
                    title=f"增长成果{i}：催化",
                    owner_name="兰州大学",
                    region_id=world.region_a,
                    trl=5,
                    keywords=["催化"],
                ),
            )
            demand = demands.create(
                system,
                Demand(
                    region_id=world.region_a,
                    enterprise_id=world.enterprise_a,
                    title=f"增长需求{i}：催化剂",
                    key_problems="催化剂寿命不足，需要提高到 2000 小时。",
                    target_indicators="寿命 ≥ 2000 h",
                    industry_codes=["2614"],
                    keywords=["催化"],
                    tier=ConfidentialityTier.PUBLIC,
                    status=DemandStatus.PUBLISHED,
                ),
            )
            dockings.create(
                system,
                Docking(
                    region_id=world.region_a,
                    demand_id=demand.id or 0,
                    target_kind=DockingTargetKind.EXPERT,
                    target_id=world.expert_a if i % 2 else expert.id or 0,
                ),
            )
            events.create(
                system,
                Event(
                    region_id=world.region_a,
                    kind=EventKind.TRAINING,
                    title=f"增长培训{i}",
                    starts_on=dt.date(2024, 9, 1),
                    trainee_count=10,
                    participants=[
                        Participation(
                            participant_kind=ParticipantKind.ORGANISATION,
                            participant_id=organisation.id or 0,
                        ),
                        Participation(
                            participant_kind=ParticipantKind.EXPERT,
                            participant_id=expert.id or 0,
                        ),
                    ],
                ),
            )


def _clients(app: Any) -> dict[str | None, TestClient]:
    browsers: dict[str | None, TestClient] = {None: TestClient(app)}
    for who in {who for who, _ in PAGES if who is not None}:
        browser = TestClient(app)
        sign_in(browser, who, PASSWORD)
        browsers[who] = browser
    return browsers


def _count(counter: StatementCounter, browser: TestClient, path: str, **kwargs: Any) -> int:
    browser.get(path, **kwargs)  # warm: first-use caches (templates, code lists) are not rows
    with counter.counting():
        response = browser.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return counter.count


def test_list_pages_and_api_lists_send_a_bounded_number_of_statements(
    app: Any, web_world: WebWorld, database_url: str
) -> None:
    app.state.page_cache = PageCache(database_url, max_entries=0)  # count the real work
    counter = StatementCounter(database_url)
    browsers = _clients(app)
    token = api_token(browsers[None], "admin")

    def measure() -> dict[str, int]:
        counts = {
            f"{who or 'anonymous'} {path}": _count(counter, browsers[who], path)
            for who, path in PAGES
        }
        for path in API_LISTS:
            counts[f"api {path}"] = _count(counter, browsers[None], path, headers=token)
        return counts

    small = measure()
    grow(web_world, GROWTH)
    large = measure()

    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grew, f"statements grow with the rows shown (N+1): {grew}"
    over = {name: count for name, count in large.items() if count > OWN_BUDGETS.get(name, BUDGET)}
    assert not over, f"over the budget (default {BUDGET}) of statements: {over}"


def test_a_cached_public_page_sends_no_statement_and_every_view_is_still_counted(
    app: Any, web_world: WebWorld, database_url: str
) -> None:
    counter = StatementCounter(database_url)
    firefox = TestClient(app, headers={"user-agent": "Mozilla/5.0 (X11; Linux) Firefox/128"})
    chrome = TestClient(app, headers={"user-agent": "Mozilla/5.0 (Windows) Chrome/131"})
    firefox.get("/experts")
    with counter.counting():
        assert chrome.get("/experts").status_code == 200
    assert counter.count == 0, counter.statements  # a list page from the cache: no query

    detail = f"/experts/{web_world.expert_a}"

    def views() -> int:
        with transaction():
            return visits.count(Actor.system("test"), resource_kind=ResourceKind.EXPERT)

    assert views() == 0
    firefox.get(detail)  # rendered and cached; the view counted
    assert views() == 1
    with counter.counting():
        assert chrome.get(detail).status_code == 200  # from the cache; the view still counted
    assert views() == 2
    assert any("visits" in s for s in counter.statements)
    assert counter.count <= 6, counter.statements
    with counter.counting():
        firefox.get(detail)  # the same visitor again that day: counted once, no query at all
    assert counter.count == 0, counter.statements
    assert views() == 2


@pytest.mark.parametrize("path", ["/experts", "/demands"])
def test_a_write_in_any_process_drops_the_cached_page(
    app: Any, web_world: WebWorld, path: str
) -> None:
    browser = TestClient(app)
    before = browser.get(path).text
    grow(web_world, 1)
    after = browser.get(path).text
    assert before != after
    assert "增长" in after


def test_a_write_in_another_process_drops_the_cached_page_of_its_kind_only(
    app: Any, web_world: WebWorld, database_url: str
) -> None:
    """Workers of ``kechuang serve --workers N`` (or a CLI import) are other processes: their
    commits reach this process's cache through the data version markers."""
    counter = StatementCounter(database_url)
    browser = TestClient(app)
    assert "另一进程的专家" not in browser.get("/experts").text
    browser.get("/demands")
    code = (
        "from kechuang.domain import Actor, Expert\n"
        "from kechuang.services import experts\n"
        f"experts.create(Actor.system('test'), Expert(name='另一进程的专家', "
        f"region_id={web_world.region_a}))\n"
    )
    env = {**os.environ, "KECHUANG_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert "另一进程的专家" in browser.get("/experts").text
    with counter.counting():
        browser.get("/demands")  # shows no expert: still served from the cache
    assert counter.count == 0, counter.statements
