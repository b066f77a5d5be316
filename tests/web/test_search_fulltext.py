"""Portal full-text search: ranking, highlights (Chinese words, English surface forms,
traditional characters), facets computed on the filtered hits, pages, autocomplete, the index
following commits, and a query budget (no database round trip per hit)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from search_world import SearchRecords, add_search_records
from sqlalchemy import event
from web_world import WebWorld

from kechuang.config import get_settings
from kechuang.domain import Actor, Expert
from kechuang.services import experts, search, transaction
from kechuang.store.database import engine_for

PUBLIC = Actor.anonymous()


@pytest.fixture
def records(web_world: WebWorld) -> SearchRecords:
    """The web world plus the search records."""
    return add_search_records(web_world)


def _results(page: str) -> str:
    start = page.index('id="search-results"')
    return page[start:]


def _facet(page: str, name: str) -> dict[str, int]:
    block = re.search(rf'data-facet="{name}">(.*?)</ul>', page, re.S)
    assert block, name
    found = re.findall(
        r'<a [^>]*data-code="([^"]+)"[^>]*>[^<]*</a>\s*<span class="count">\((\d+)\)',
        block.group(1),
    )
    return {code: int(count) for code, count in found}


def test_chinese_query_finds_descriptions_and_works_ranked_with_marks(
    client: TestClient, records: SearchRecords
) -> None:
    page = client.get("/search", params={"q": "加氢催化"}).text
    results = _results(page)
    assert "<mark>催化</mark>" in results
    assert "<mark>加氢</mark>" in results
    # the public demand's title, the expert (keywords and works) and the society (keywords)
    kinds = re.findall(r'data-testid="hit" data-kind="([a-z_]+)"', results)
    assert {"demand", "expert", "national_society"} <= set(kinds)
    total = int(re.search(r'data-total="(\d+)"', results).group(1))  # type: ignore[union-attr]
    assert total == len(kinds)


def test_english_query_is_stemmed_and_marks_the_surface_forms(
    client: TestClient, records: SearchRecords
) -> None:
    page = _results(client.get("/search", params={"q": "catalyst hydrogenate", "lang": "en"}).text)
    assert f'href="/experts/{records.catalysis_expert}"' in page
    assert "<mark>Catalysts</mark>" in page  # stem catalyst
    assert "<mark>hydrogenation</mark>" in page or "<mark>hydrogenate</mark>" in page
    lab = _results(client.get("/search", params={"q": "membranes"}).text)
    assert f'href="/organisations/{records.membrane_lab}"' in lab
    assert "<mark>Membrane</mark>" in lab  # the English name in the snippet, singular


def test_simplified_query_finds_and_marks_traditional_text(
    client: TestClient, records: SearchRecords
) -> None:
    page = _results(client.get("/search", params={"q": "燃料电池 膜电极"}).text)
    assert f'href="/achievements/{records.fuel_cell_achievement}"' in page
    assert "<mark>燃料電池</mark>" in page  # the stored surface form is marked
    assert "電極</mark>" in page  # 膜电极 may be segmented as 膜 + 电极: both marked
    traditional = _results(client.get("/search", params={"q": "燃料電池"}).text)
    assert f'href="/achievements/{records.fuel_cell_achievement}"' in traditional


def test_facets_count_the_hits_and_select_as_links(
    client: TestClient, web_world: WebWorld, records: SearchRecords
) -> None:
    page = client.get("/search", params={"q": "氢"}).text
    kinds = _facet(page, "kind")
    hits = re.findall(r'data-testid="hit" data-kind="([a-z_]+)"', page)
    total = int(re.search(r'data-total="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert total == len(hits)
    assert sum(n for code, n in kinds.items() if code != "organisation") == total
    for kind in set(hits):
        assert kinds[kind] == hits.count(kind)
    regions = _facet(page, "region")
    assert sum(regions.values()) == total
    # Picking a value is a plain link (works without JS) and keeps the query.
    link = re.search(r'href="([^"]*kind=expert[^"]*)"', page)
    assert link
    assert "q=%E6%B0%A2" in link.group(1)
    filtered = client.get(link.group(1).replace("&amp;", "&")).text
    assert set(re.findall(r'data-testid="hit" data-kind="([a-z_]+)"', filtered)) == {"expert"}
    # The other kinds keep their counts (so the user can switch), the regions count experts only.
    assert _facet(filtered, "kind").keys() >= set(kinds) - {"expert"}
    expert_regions = _facet(filtered, "region")
    assert sum(expert_regions.values()) == kinds["expert"]
    # The selected filter is carried by the form for the next query.
    assert 'name="kind" value="expert" form="search-form" data-filter' in filtered


def test_industry_facet_drills_down_the_code_list(records: SearchRecords) -> None:
    with transaction():
        top = search.query(PUBLIC, "膜")
        assert {v.code for v in top.facets["industry"]} == {"C"}
        manufacturing = search.query(PUBLIC, "膜", industry="C")
        assert manufacturing.facets["industry"][0].code == "C"
        assert manufacturing.facets["industry"][0].selected
        assert {v.code for v in manufacturing.facets["industry"][1:]} == {"38"}
        batteries = search.query(PUBLIC, "膜", industry="3841")
        assert batteries.total == manufacturing.total == 2
        materials = search.query(PUBLIC, "", discipline="430")
        assert {(h.kind, h.record_id) for h in materials.hits} == {
            ("laboratory", records.membrane_lab),
            ("expert", records.catalysis_expert),
        }
        assert search.query(PUBLIC, "膜", industry="nonsense").total == 0


def test_pages_split_the_ranked_hits(records: SearchRecords) -> None:
    system = Actor.system("test")
    with transaction():
        for number in range(25):
            experts.create(system, Expert(name=f"分页专家{number}", keywords=["分页测试"]))
    with transaction():
        first = search.query(PUBLIC, "分页测试")
        second = search.query(PUBLIC, "分页测试", page=2)
        third = search.query(PUBLIC, "分页测试", page=3)
    assert first.total == 25
    assert first.pages == 3
    ids = [h.record_id for p in (first, second, third) for h in p.hits]
    assert len(ids) == len(set(ids)) == 25


def test_the_index_follows_commits(client: TestClient, web_world: WebWorld) -> None:
    assert "独一无二" not in _results(client.get("/search?q=独一无二").text)
    system = Actor.system("test")
    with transaction():
        created = experts.create(system, Expert(name="周独一无二", region_id=web_world.region_a))
    assert created.id is not None
    assert f'href="/experts/{created.id}"' in client.get("/search?q=独一无二").text
    with transaction():
        experts.archive(system, created.id)
    assert f'href="/experts/{created.id}"' not in client.get("/search?q=独一无二").text


def test_suggestions_by_chinese_and_english_prefix(
    client: TestClient, records: SearchRecords
) -> None:
    with transaction():
        chinese = search.suggest(PUBLIC, "氢能")
        english = search.suggest(PUBLIC, "adv")
        word = search.suggest(PUBLIC, "Membrane")
        code = search.suggest(PUBLIC, "锂离子")
        person = search.suggest(PUBLIC, "dr li")
    assert {s.text for s in chinese} == {"氢能重点实验室（演示）", "氢能技术培训"}
    assert [(s.kind, s.code) for s in english] == [("laboratory", str(records.membrane_lab))]
    assert [(s.kind, s.code) for s in word] == [("laboratory", str(records.membrane_lab))]
    assert [(s.kind, s.code) for s in code] == [("industry", "3841")]
    assert [(s.kind, s.text) for s in person] == [("expert", "李博士")]
    dropdown = client.get("/search/suggest", params={"q": "氢能"}).text
    assert dropdown.count('data-testid="suggestion"') == 2
    assert 'href="/events/' in dropdown
    assert client.get("/search/suggest", params={"q": ""}).text.strip() == ""


def test_at_most_ten_suggestions(web_world: WebWorld) -> None:
    system = Actor.system("test")
    with transaction():
        for number in range(14):
            experts.create(system, Expert(name=f"建议专家{number:02d}"))
    with transaction():
        assert len(search.suggest(PUBLIC, "建议专家")) == 10


def _queries(client: TestClient, path: str) -> int:
    engine = engine_for(get_settings().database_url)
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize(
    "path", ["/search?q=预算测试", "/api/v1/search?q=预算测试", "/api/v1/suggest?q=预算"]
)
def test_search_has_a_query_budget(client: TestClient, web_world: WebWorld, path: str) -> None:
    """Once the index is built a search reads only the index: the same handful of queries
    (session …) for 1 hit or 20 — none per hit — and a commit updates the index in its
    after-commit hook, so the next search does not rebuild it."""
    system = Actor.system("test")
    with transaction():
        experts.create(system, Expert(name="预算测试专家0", keywords=["预算测试"]))
    client.get(path)  # build the index
    one = _queries(client, path)
    with transaction():
        for number in range(1, 20):
            experts.create(system, Expert(name=f"预算测试专家{number}", keywords=["预算测试"]))
    many = _queries(client, path)  # the commit updated the index: no rebuild on the read path
    assert many == one <= 3
    response = client.get(path)
    shown = (
        response.text.count('data-testid="hit"')
        if path.startswith("/search")
        else len(response.json()["hits"] if "search" in path else response.json())
    )
    assert shown == 10


def test_a_commit_in_another_process_reaches_the_index(
    client: TestClient, web_world: WebWorld, database_url: str
) -> None:
    """Workers of ``kechuang serve --workers N`` and CLI imports are other processes: their
    commits reach this process's index through the data version markers — an archived record
    disappears, a new one appears."""
    page = client.get("/search?q=加氢").text
    assert f'href="/experts/{web_world.expert_a}"' in page
    code = (
        "from kechuang.domain import Actor, Expert\n"
        "from kechuang.services import experts\n"
        "system = Actor.system('test')\n"
        f"experts.archive(system, {web_world.expert_a})\n"
        "experts.create(system, Expert(name='另一进程专家', keywords=['加氢']))\n"
    )
    env = {**os.environ, "KECHUANG_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    page = client.get("/search?q=加氢").text
    assert f'href="/experts/{web_world.expert_a}"' not in page
    assert "另一进程专家" in page
