"""Store: reading a region's experts with their works, or a page of them, costs a fixed number of
queries whatever the number of experts (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from kechuang.domain import Actor, Expert, Region, Work
from kechuang.services import experts, regions, transaction
from kechuang.store.database import engine_for


@contextmanager
def count_queries(url: str) -> Iterator[list[str]]:
    statements: list[str] = []

    def remember(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    engine = engine_for(url)
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def _experts(count: int) -> int:
    system = Actor.system()
    with transaction():
        region = regions.create(system, Region(name="兰州新区"))
        for number in range(count):
            experts.create(
                system,
                Expert(
                    name=f"专家{number}",
                    affiliation="兰州大学",
                    region_id=region.id,
                    works=[Work(kind="paper", title=f"论文{number}-{i}") for i in range(3)],
                ),
            )
    assert region.id is not None
    return region.id


def test_all_experts_with_works_in_a_fixed_number_of_queries(database_url: str) -> None:
    region_id = _experts(30)
    with count_queries(database_url) as statements:
        loaded = experts.all_with_works(Actor.anonymous(), region_id)
    assert len(loaded) == 30
    assert all(len(expert.works) == 3 for expert in loaded)
    assert len(statements) <= 3, statements  # experts + works (+ nothing per expert)


def test_a_page_of_experts_in_a_fixed_number_of_queries(database_url: str) -> None:
    region_id = _experts(25)
    with count_queries(database_url) as statements:
        page = experts.list(Actor.anonymous(), region_id=region_id, limit=20)
    assert len(page.items) == 20
    assert page.total == 25
    assert len(statements) <= 4, statements  # count + rows + works


def test_a_page_without_works_skips_the_second_query(database_url: str) -> None:
    region_id = _experts(5)
    with count_queries(database_url) as statements:
        page = experts.list(Actor.anonymous(), region_id=region_id, with_works=False)
    assert page.total == 5
    assert all(expert.works == [] for expert in page.items)
    assert not any("works" in statement for statement in statements), statements
