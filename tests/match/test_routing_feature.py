"""Routing as a matching feature: the affinity bonus, entities reached through their codes alone,
and the routed codes as evidence (engine level, then through services.matching)."""

from __future__ import annotations

import numpy as np
import pytest

from kechuang.domain import Actor, Demand, DemandStatus, Organisation, OrganisationKind, Region
from kechuang.match.engine import ROUTING_WEIGHT, Entity, MatchIndex, Work
from kechuang.services import demands, matching, organisations, regions, transaction
from kechuang.services.search_index import SearchIndex

ENTITIES = [
    Entity("chem-society", "provincial_society", "化工学会", {"discipline": ("530",)}),
    Entity("energy-society", "national_society", "能源学会", {"discipline": ("480", "48070")}),
    Entity("catalyst-lab", "laboratory", "催化实验室", {"discipline": ("150",)}),
    Entity("plant", "enterprise", "电池厂", {"industry": ("3", "38", "384", "3841")}),
]
WORKS = [
    Work("s1", "学术交流与科普", "化工学会简介", ("chem-society",)),
    Work("s2", "学术年会", "能源学会简介", ("energy-society",)),
    Work("l1", "石油化工催化剂与反应工程", "催化实验室简介", ("catalyst-lab",)),
    Work("p1", "锂离子电池生产", "电池厂简介", ("plant",)),
]


@pytest.fixture
def index() -> MatchIndex:
    return MatchIndex.build(WORKS, ENTITIES)


def test_without_routing_nothing_changes(index: MatchIndex) -> None:
    plain = index.query("催化剂反应工程", k=5)
    assert [hit.entity_id for hit in plain] == ["catalyst-lab"]
    assert plain[0].routing == 0.0
    assert plain[0].routed_codes == ()
    assert index.query("催化剂反应工程", k=5, routing={}) == plain


def test_a_society_is_reached_through_its_discipline_when_no_word_matches(
    index: MatchIndex,
) -> None:
    routing = {"discipline": {"530": 0.6, "150": 0.1}}
    hits = index.query("催化剂反应工程", k=5, routing=routing)
    by_id = {hit.entity_id: hit for hit in hits}
    assert set(by_id) == {"catalyst-lab", "chem-society"}
    society = by_id["chem-society"]
    assert society.works == ()  # reached by its codes, not by a text
    assert society.routing == pytest.approx(0.6)
    assert society.routed_codes == ("discipline:530",)
    best_text = hits[0].score / (1 + ROUTING_WEIGHT * 0.1)  # its own bonus taken out
    assert society.score == pytest.approx(ROUTING_WEIGHT * 0.6 * best_text, rel=1e-5)
    # the clear textual match stays first; it also carries its own (small) affinity
    assert hits[0].entity_id == "catalyst-lab"
    assert hits[0].routing == pytest.approx(0.1)


def test_affinity_is_capped_and_disciplines_and_industries_are_alternatives(
    index: MatchIndex,
) -> None:
    affinity, codes = index.routing_affinity(
        {"discipline": {"480": 0.7, "48070": 0.6}, "industry": {"38": 0.4}}
    )
    rows = {entity.id: row for row, entity in enumerate(index.entities)}
    assert affinity[rows["energy-society"]] == pytest.approx(1.0)  # 0.7 + 0.6, capped
    assert affinity[rows["plant"]] == pytest.approx(0.4)
    assert affinity[rows["chem-society"]] == 0.0
    assert codes[rows["energy-society"]] == ["discipline:480", "discipline:48070"]
    assert rows["chem-society"] not in codes
    bonus = MatchIndex.routing_bonus(affinity, np.asarray([0.02, -1.0], dtype=np.float32))
    assert bonus[rows["plant"]] == pytest.approx(ROUTING_WEIGHT * 0.02 * 0.4)


def test_routing_respects_filters_and_exclusions(index: MatchIndex) -> None:
    routing = {"discipline": {"530": 0.9}}
    assert not [
        hit
        for hit in index.query("年会", k=5, routing=routing, exclude={"chem-society"})
        if hit.entity_id == "chem-society"
    ]
    only_labs = index.query("年会", k=5, routing=routing, kind="laboratory")
    assert all(hit.kind == "laboratory" for hit in only_labs)


def test_match_demand_routes_the_text_and_recommends_the_society(
    database_url: str, system: Actor
) -> None:
    with transaction():
        region = regions.create(system, Region(name="兰州新区", kind="new_area")).id
        assert region is not None
        enterprise = organisations.create(
            system,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="甲化工厂", region_id=region),
        ).id
        society = organisations.create(
            system,
            Organisation(
                kind=OrganisationKind.PROVINCIAL_SOCIETY,
                name="甘肃省某学会",
                region_id=None,
                discipline_codes=["530"],
            ),
        ).id
        assert enterprise is not None
        assert society is not None
        demand = demands.create(
            system,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="精馏塔节能改造",
                key_problems="化工精馏与反应过程能耗高，需要改造方案",
                status=DemandStatus.PUBLISHED,
            ),
        ).id
        assert demand is not None
    index = SearchIndex(database_url, embedder="none").index()
    with transaction():
        routed = matching.match_demand(system, index, demand, kind="org", k=5, region_id=region)
        plain = matching.match_demand(
            system, index, demand, kind="org", k=5, region_id=region, routing=False
        )
    assert routed.routing is not None
    assert routed.routing.disciplines[0].code == "530"  # 化学工程
    assert 0 < routed.routing.disciplines[0].confidence <= 1
    society_id = f"organisation:{society}"
    hit = next(hit for hit in routed.hits if hit.entity_id == society_id)
    assert hit.routed_codes == ("discipline:530",)
    assert society_id not in {hit.entity_id for hit in plain.hits}
    assert plain.routing is None
