"""The per-process search index service on a real database: search with filters, facet counts of
the filtered hit set, per-kind top-k with evidence, upkeep after commit, one record mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.domain import (
    Achievement,
    Actor,
    Expert,
    Organisation,
    OrganisationKind,
    Region,
    Work,
)
from kechuang.domain.achievement import AchievementStatus
from kechuang.domain.organisation import LabLevel
from kechuang.match.scale import records
from kechuang.services import (
    achievements,
    experts,
    matching,
    organisations,
    regions,
    subscribe,
    transaction,
)
from kechuang.services import search_index as service
from kechuang.services.search_index import SearchIndex

PUBLIC = Actor.anonymous()


@pytest.fixture
def world(database_url: str, system: Actor) -> dict[str, int]:
    with transaction():
        lanzhou = regions.create(system, Region(name="兰州新区", kind="new_area")).id
        other = regions.create(system, Region(name="白银", kind="city")).id
        assert lanzhou is not None
        assert other is not None
        society = organisations.create(
            system,
            Organisation(
                kind=OrganisationKind.PROVINCIAL_SOCIETY,
                name="甘肃省化学会",
                region_id=lanzhou,
                description="催化化学与精细化工学术交流",
                discipline_codes=["150"],
            ),
        ).id
        lab = organisations.create(
            system,
            Organisation(
                kind=OrganisationKind.LABORATORY,
                lab_level=LabLevel.PROVINCIAL,
                name="氢能重点实验室",
                region_id=lanzhou,
                description="氢燃料电池膜电极与电解水制氢",
            ),
        ).id
        hydrogen = experts.create(
            system,
            Expert(
                name="张氢",
                region_id=lanzhou,
                affiliation_id=lab,
                bio="质子交换膜燃料电池",
                discipline_codes=["480"],
                works=[Work(kind="paper", title="燃料电池膜电极的衰减机理")],
            ),
        ).id
        remote = experts.create(
            system,
            Expert(name="王远", region_id=other, bio="燃料电池双极板材料"),
        ).id
        published = achievements.create(
            system,
            Achievement(
                title="燃料电池膜电极批量制备技术",
                region_id=lanzhou,
                description="膜电极连续涂布工艺",
                status=AchievementStatus.PUBLISHED,
                trl=5,
                owner_organisation_id=lab,
            ),
        ).id
        draft = achievements.create(
            system,
            Achievement(
                title="燃料电池草稿成果",
                region_id=lanzhou,
                description="尚未发布",
                status=AchievementStatus.DRAFT,
                trl=5,
            ),
        ).id
    assert None not in (society, lab, hydrogen, remote, published, draft)
    return {
        "lanzhou": lanzhou,
        "other": other,
        "society": society or 0,
        "lab": lab or 0,
        "hydrogen": hydrogen or 0,
        "remote": remote or 0,
        "published": published or 0,
        "draft": draft or 0,
    }


def test_search_page_total_and_facets_of_the_filtered_hit_set(world: dict[str, int]) -> None:
    source = SearchIndex(None, embedder="none")
    everything = service.search(PUBLIC, source, "燃料电池", k=2)
    ids = {hit.entity_id for hit in everything.hits}
    assert len(everything.hits) == 2
    # expert, lab (profile and its member's work), remote expert, published achievement
    assert everything.total == 4
    assert everything.facets["kind"] == {"expert": 2, "achievement": 1, "laboratory": 1}
    assert everything.facets["region"] == {str(world["lanzhou"]): 3, str(world["other"]): 1}
    assert f"achievement:{world['draft']}" not in ids  # drafts are never indexed

    local = service.search(PUBLIC, source, "燃料电池", region_id=world["lanzhou"], kinds=["expert"])
    assert [hit.entity_id for hit in local.hits] == [f"expert:{world['hydrogen']}"]
    assert local.total == 1
    assert local.facets["kind"] == {"expert": 1}
    assert local.facets["discipline"] == {"480": 1}
    second = service.search(PUBLIC, source, "燃料电池", k=2, offset=2)
    assert [h.entity_id for h in everything.hits + second.hits] == [
        h.entity_id for h in service.search(PUBLIC, source, "燃料电池", k=4).hits
    ]
    hit = local.hits[0]
    assert hit.works
    assert "燃料电池" in hit.matched_terms
    assert source.mode == "lexical"


def test_top_by_kind_gives_every_kind_its_own_list(world: dict[str, int]) -> None:
    source = SearchIndex(None, embedder="none")
    groups = service.top_by_kind(PUBLIC, source, "膜电极", k=3, region_id=world["lanzhou"])
    assert set(groups) == {"expert", "org", "achievement"}
    assert groups["expert"][0].entity_id == f"expert:{world['hydrogen']}"
    assert groups["org"][0].entity_id == f"organisation:{world['lab']}"
    assert groups["achievement"][0].entity_id == f"achievement:{world['published']}"
    assert all(hit.works for hits in groups.values() for hit in hits)


def test_changes_are_searchable_right_after_commit(
    world: dict[str, int], system: Actor, tmp_path: Path
) -> None:
    source = SearchIndex(None, folder=tmp_path / "index", embedder="none")
    unsubscribe = subscribe(source.on_commit)
    try:
        assert service.search(PUBLIC, source, "钙钛矿").total == 0
        experts.create(
            system, Expert(name="钱新", region_id=world["lanzhou"], bio="钙钛矿太阳能电池")
        )
        found = service.search(PUBLIC, source, "钙钛矿")
        assert found.total == 1
        assert source.last_report is not None
        assert source.last_report.added == 1
        achievements.update(system, world["draft"], {"status": AchievementStatus.PUBLISHED})
        assert service.search(PUBLIC, source, "草稿").total == 1
        organisations.archive(system, world["lab"])
        kinds = service.search(PUBLIC, source, "膜电极").facets["kind"]
        assert "laboratory" not in kinds
    finally:
        unsubscribe()


def test_one_mapping_serves_services_and_the_saved_index(
    world: dict[str, int], tmp_path: Path
) -> None:
    with transaction():
        built = matching.build_index(PUBLIC, lexical_only=True)
    source = SearchIndex(None, folder=tmp_path / "index", embedder="none")
    saved = source.index()
    assert {(w.id, w.text, w.owners) for w in built.works} == {
        (w.id, w.text, w.owners) for w in saved.works
    }
    assert f"expert:{world['hydrogen']}/profile" in {w.id for w in saved.works}
    member_work = next(
        w for w in saved.works if w.id.startswith(f"expert:{world['hydrogen']}/work")
    )
    assert member_work.owners == (f"expert:{world['hydrogen']}", f"organisation:{world['lab']}")
    assert records.parse_entity_id("organisation:7") == ("organisation", 7)
    assert records.parse_entity_id("work:7") is None


def test_a_commit_this_process_did_not_hear_is_caught_up(
    world: dict[str, int], system: Actor
) -> None:
    """Another web worker or a CLI import commits without reaching this process's hook: the
    shared data version tells, and the index is caught up in the background."""
    source = SearchIndex(None, embedder="none")
    assert service.search(PUBLIC, source, "钙钛矿").total == 0
    experts.create(system, Expert(name="钱新", region_id=world["lanzhou"], bio="钙钛矿太阳能电池"))
    source.index()  # notices the new data version, starts the catch-up, keeps serving
    source.wait_until_current(60)
    assert service.search(PUBLIC, source, "钙钛矿").total == 1
