"""A work's authors are kept: the works import stores them (bounded), the expert-works sheet
exports and re-imports them, and bad author lists are refused with a bilingual error."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError as PydanticValidationError

from kechuang.domain import Actor, Expert, Region, ValidationError, Work
from kechuang.domain.expert import MAX_AUTHORS
from kechuang.exchange import works
from kechuang.exchange.exporter import export_file
from kechuang.exchange.importer import import_file
from kechuang.services import experts, regions, transaction

SYSTEM = Actor.system("test")


@pytest.fixture
def expert_id(database_url: str) -> int:
    with transaction():
        region = regions.create(SYSTEM, Region(name="兰州新区")).id
        created = experts.create(SYSTEM, Expert(name="张工", region_id=region))
    assert created.id is not None
    return created.id


def test_imported_works_keep_their_authors(expert_id: int) -> None:
    bibtex = b"@article{a, title = {Seal wear}, year = 2021, author = {Li, Ming and Zhang, Wei}}"
    ris = "TY  - JOUR\nAU  - 王强\nAU  - 李明\nAU  - 王强\nTI  - 催化剂\nER  -\n".encode()
    with transaction():
        works.import_works(SYSTEM, expert_id, bibtex)
        works.import_works(SYSTEM, expert_id, ris)
        stored = {w.title: w.authors for w in experts.get(SYSTEM, expert_id).works}
    assert stored == {"Seal wear": ["Li, Ming", "Zhang, Wei"], "催化剂": ["王强", "李明"]}


def test_author_list_is_bounded(expert_id: int) -> None:
    many = " and ".join(f"Author{n} X" for n in range(MAX_AUTHORS + 20))
    data = f"@article{{a, title = {{Big collaboration}}, author = {{{many}}}}}".encode()
    with transaction():
        works.import_works(SYSTEM, expert_id, data)
        [work] = experts.get(SYSTEM, expert_id).works
    assert len(work.authors) == MAX_AUTHORS
    assert work.authors[0] == "Author0 X"


def test_the_model_refuses_unbounded_authors() -> None:
    with pytest.raises(PydanticValidationError, match="authors"):
        Work(kind="paper", title="t", authors=["x"] * (MAX_AUTHORS + 1))
    with pytest.raises(PydanticValidationError, match="authors"):
        Work(kind="paper", title="t", authors=["x" * 101])


def test_profile_update_with_too_many_authors_is_a_bilingual_error(expert_id: int) -> None:
    with transaction():
        expert = experts.get(SYSTEM, expert_id)
    raw = {"kind": "paper", "title": "t", "authors": ["x"] * (MAX_AUTHORS + 1)}
    with pytest.raises(ValidationError) as caught, transaction():
        experts.update(SYSTEM, expert_id, {"works": [*expert.works, raw]})
    assert caught.value.lines("zh")
    assert caught.value.lines("en")
    with transaction():
        assert experts.get(SYSTEM, expert_id).works == []


def test_expert_works_sheet_carries_the_authors(
    source_url: str, empty_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    export_file(first, "expert-works", SYSTEM, database_url=source_url)
    text = first.read_text(encoding="utf-8-sig")
    assert "作者" in text.splitlines()[0]
    assert "张示例（演示）; Li, Ming" in text
    for kind in ("regions", "organisations", "experts"):
        path = tmp_path / f"{kind}.csv"
        export_file(path, kind, SYSTEM, database_url=source_url)
        import_file(path, kind, SYSTEM, database_url=empty_url)
    report = import_file(first, "expert-works", SYSTEM, database_url=empty_url)
    assert report.errors == []
    second = tmp_path / "second.csv"
    export_file(second, "expert-works", SYSTEM, database_url=empty_url)
    assert second.read_bytes() == first.read_bytes()


def test_regions_sheet_carries_the_stale_threshold(
    source_url: str, empty_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "regions.csv"
    export_file(first, "regions", SYSTEM, database_url=source_url)
    rows = first.read_text(encoding="utf-8-sig").splitlines()
    assert "停滞提醒天数" in rows[0]
    assert any(row.startswith("兰州新区,") and ",21," in row for row in rows[1:])
    import_file(first, "regions", SYSTEM, database_url=empty_url)
    with transaction(empty_url):
        assert regions.get_by_name(SYSTEM, "兰州新区").docking_stale_days == 21
        assert regions.get_by_name(SYSTEM, "示例园区（演示）").docking_stale_days is None
