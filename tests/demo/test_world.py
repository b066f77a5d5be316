"""The generated demo world, before any database: the report's figures, determinism, marking.

These tests read the generator's output directly; `test_build.py` checks the same figures again
after the world has gone through the services into a database.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import opencc
import pytest

from kechuang.demo import content
from kechuang.demo.content import LANZHOU
from kechuang.demo.generate import generate_world
from kechuang.demo.topics import INDUSTRIES, TOPIC_BY_KEY
from kechuang.demo.world import DemoWorld
from kechuang.domain import codes
from kechuang.match.engine import Entity, MatchIndex, Work

REPORT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "lanzhou-new-area-2024-08-27.txt"
)


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return generate_world(20240827)


def _orgs_of(world: DemoWorld, region_key: str, kind: str) -> list[str]:
    return [o.key for o in world.organisations if o.region_key == region_key and o.kind == kind]


def _lanzhou_orgs(world: DemoWorld, kind: str) -> list[str]:
    return _orgs_of(world, LANZHOU, kind)


def test_lanzhou_has_the_report_figures(world: DemoWorld) -> None:
    organisations = {o.key: o for o in world.organisations}
    assert len(_lanzhou_orgs(world, "enterprise")) >= 250
    societies = [
        organisations[d.organisation_key]
        for d in world.region_dockings
        if d.region_key == LANZHOU and d.ended_on is None
    ]
    society_kinds = Counter(o.kind for o in societies if o.kind.endswith("_society"))
    assert society_kinds == {"national_society": 6, "provincial_society": 4}
    names = {o.name for o in societies}
    assert {"中国化工学会", "中国检验检测学会", "中国机械工程学会"} <= names
    assert len(_lanzhou_orgs(world, "academician_workstation")) == 1
    assert len(_lanzhou_orgs(world, "innovation_base")) == 5
    labs = [o for o in world.organisations if o.region_key == LANZHOU and o.kind == "laboratory"]
    assert sum(lab.lab_level in ("national", "provincial") for lab in labs) == 7
    assert any(lab.lab_level == "other" for lab in labs), "a lab below provincial level exists"
    assert len(_lanzhou_orgs(world, "society_service_station")) == 2
    associations = _lanzhou_orgs(world, "enterprise_association")
    assert len(associations) == 4
    volunteers = [v for v in world.volunteers if v.region_key == LANZHOU]
    assert len(volunteers) >= 1000
    assert {v.association_key for v in volunteers} == set(associations)
    events = [e for e in world.events if e.region_key == LANZHOU]
    assert sum(e.kind == "docking_event" for e in events) >= 20
    assert sum(e.trainees for e in events if e.kind == "training") >= 400


def test_demands_cover_six_industries_and_three_tiers(world: DemoWorld) -> None:
    demands = [d for d in world.demands if d.region_key == LANZHOU]
    industries = {TOPIC_BY_KEY[d.topic_key].industry for d in demands}
    assert industries == {industry.key for industry in INDUSTRIES}
    assert {d.tier for d in demands} == {"public", "members", "nda"}
    for demand in demands:
        assert demand.key_problems
        assert demand.target_indicators
        assert demand.budget_yuan > 0
        if demand.published_on is not None:
            assert demand.deadline > demand.published_on


def test_dockings_reach_every_stage_and_some_are_signed_with_values(world: DemoWorld) -> None:
    dockings = [d for d in world.dockings if d.region_key == LANZHOU]
    last = Counter(d.path[-1] if d.path else "proposed" for d in dockings)
    assert set(last) == {
        "proposed",
        "contacted",
        "meeting",
        "negotiating",
        "signed",
        "delivered",
        "closed",
    }
    signed_with_value = [d for d in dockings if "signed" in d.path and d.contract_value_yuan]
    assert len(signed_with_value) >= 5
    assert all(d.close_reason for d in dockings if d.path and d.path[-1] == "closed")


def test_report_achievements_and_honours(world: DemoWorld) -> None:
    by_title = {a.title: a for a in world.achievements}
    blending = by_title["天然气掺氢技术"]
    assert blending.owner_key == content.TSINGHUA_VEHICLE_SCHOOL.key
    assert "马凡华" in blending.owner_name
    assert "清华大学车辆与运载学院" in blending.owner_name
    assert by_title["加氢站技术"].owner_name == "上海舜华新能源技术有限公司"
    honours = {h.kind: h for h in world.honour_lists if h.region_key is None}  # national
    emerging = honours["emerging_enterprises"]
    assert emerging.year == 2022
    top = next(n for n in emerging.nominations if n.rank == 1)
    assert top.organisation_key == content.GANSU_CONSTRUCTION_HEAVY.key
    integration = honours["integrated_innovation_organisations"]
    assert integration.year == 2023
    top = next(n for n in integration.nominations if n.rank == 1)
    assert top.organisation_key == content.LANBAI_INSTITUTE.key
    think_tanks = {t for e in world.experts for t in e.think_tanks}
    assert think_tanks == {"氢能产业专家智库", "甘肃省新能源汽车产业技术创新战略联盟专家委员会"}


def test_every_role_has_a_user(world: DemoWorld) -> None:
    roles = {u.role for u in world.users}
    assert roles == {
        "national_admin",
        "region_operator",
        "enterprise_member",
        "expert",
        "org_member",
    }


def test_peers_exist_with_smaller_varied_figures(world: DemoWorld) -> None:
    peers = [r.key for r in world.regions if r.key != LANZHOU]
    assert 5 <= len(peers) <= 7

    def profile(region_key: str) -> tuple[int, ...]:
        kinds = ("enterprise", "laboratory", "innovation_base", "enterprise_association")
        return (
            *(len(_orgs_of(world, region_key, kind)) for kind in kinds),
            sum(v.region_key == region_key for v in world.volunteers),
            sum(e.region_key == region_key for e in world.events),
        )

    profiles = [profile(key) for key in peers]
    assert len(set(profiles)) == len(profiles), "no two peers look the same"
    lanzhou = profile(LANZHOU)
    for peer_profile in profiles:
        assert peer_profile[0] > 0
        assert peer_profile[0] < lanzhou[0], "peers are smaller than 兰州新区"
        assert peer_profile[4] < lanzhou[4]


@pytest.mark.parametrize("seed", [20240827, 3])
def test_docking_timelines_are_plausible(seed: int) -> None:
    """Each step has its own time, in order, by the report's day, on the signing/delivery dates;
    first proposals come days (not years) after publication."""
    world = generate_world(seed)
    published = {d.key: d.published_on for d in world.demands}
    first_match: list[int] = []
    first_contact: list[float] = []
    for docking in world.dockings:
        stages = ("proposed", *docking.path)
        times = docking.stage_at
        assert len(times) == len(stages), docking.key
        assert list(times) == sorted(times), docking.key
        assert times[-1].date() <= content.REPORT_DATE, docking.key
        if docking.signed_on is not None:
            assert times[stages.index("signed")].date() == docking.signed_on, docking.key
        if docking.delivered_on is not None:
            assert times[stages.index("delivered")].date() == docking.delivered_on, docking.key
        day = published[docking.demand_key]
        assert day is not None, "dockings are on published demands"
        assert times[0].date() >= day, docking.key
        first_match.append((times[0].date() - day).days)
        if "contacted" in stages:
            contact = times[stages.index("contacted")] - times[0]
            first_contact.append(contact.total_seconds() / 86400)
    assert 3 <= statistics.median(first_match) <= 14
    assert max(first_match) <= 40
    assert 1 <= statistics.median(first_contact) <= 7
    assert generate_world(seed).dockings == world.dockings, "deterministic for a seed"


def test_same_seed_same_world_other_seed_other_names() -> None:
    first, second = generate_world(7), generate_world(7)
    assert first == second
    other = generate_world(8)
    assert [o.name for o in other.organisations] != [o.name for o in first.organisations]


def test_codes_are_valid_gbt_codes(world: DemoWorld) -> None:
    industry = [c for o in world.organisations for c in o.industry_codes]
    industry += [d.industry_code for d in world.demands]
    industry += [c for e in world.experts for c in e.industry_codes]
    discipline = [c for o in world.organisations for c in o.discipline_codes]
    discipline += [d.discipline_code for d in world.demands]
    discipline += [c for e in world.experts for c in e.discipline_codes]
    assert all(codes.is_industry(code) for code in industry), [
        c for c in industry if not codes.is_industry(c)
    ]
    assert all(codes.is_discipline(code) for code in discipline), [
        c for c in discipline if not codes.is_discipline(c)
    ]


def test_references_resolve_and_keys_are_unique(world: DemoWorld) -> None:
    organisations = {o.key for o in world.organisations}
    assert len(organisations) == len(world.organisations)
    experts = {e.key for e in world.experts}
    demands = {d.key for d in world.demands}
    achievements = {a.key for a in world.achievements}
    assert {o.host_key for o in world.organisations if o.host_key} <= organisations
    assert {d.organisation_key for d in world.region_dockings} <= organisations
    assert {e.affiliation_key for e in world.experts} <= organisations
    assert {v.association_key for v in world.volunteers} <= organisations
    assert {d.enterprise_key for d in world.demands} <= organisations
    targets = {"expert": experts, "organisation": organisations, "achievement": achievements}
    for docking in world.dockings:
        assert docking.demand_key in demands
        assert docking.target_key in targets[docking.target_kind]
    names = [o.name for o in world.organisations]
    assert len(set(names)) == len(names), "organisation names are unique"


def test_invented_records_are_visibly_marked(world: DemoWorld) -> None:
    for organisation in world.organisations:
        assert "【演示】" in organisation.description, organisation.key
        if organisation.fictional:
            assert organisation.name.endswith("（演示）"), organisation.name
    for expert in world.experts:
        assert "【演示】" in expert.bio
        assert expert.affiliation.endswith("（演示）"), "fictional people work at fictional places"
        assert expert.email.endswith("@demo.example.org")
        assert all("【演示】" in work.abstract for work in expert.works)
    assert all("【演示】" in d.background for d in world.demands)
    assert all("【演示】" in e.description for e in world.events)
    assert all("【演示】" in a.description for a in world.achievements)


def test_experts_works_cover_the_demands_problems(world: DemoWorld) -> None:
    """Matching has something to find: each demand's keywords appear in some expert's works."""
    texts = [
        " ".join(f"{w.title} {w.abstract} {' '.join(w.keywords)}" for w in e.works)
        for e in world.experts
    ]
    for demand in world.demands:
        best = max(sum(keyword in text for keyword in demand.keywords) for text in texts)
        assert best >= 3, demand.title
    english = [w for e in world.experts for w in e.works if w.abstract.startswith("This study")]
    assert len(english) >= 40, "some works are in English"


@pytest.mark.skipif(not REPORT.exists(), reason="../shared/reference (the Lanzhou report) absent")
def test_real_names_are_spelled_as_in_the_report(world: DemoWorld) -> None:
    text = opencc.OpenCC("t2s").convert(REPORT.read_text("utf-8"))
    text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text)
    for real in content.REAL_ORGANISATIONS:
        if real.key != content.LANZHOU_ASSOCIATION.key:  # the report says 新区科协
            assert real.name in text, real.name
    for name in ("天然气掺氢技术", "加氢站技术", "马凡华", *content.HYDROGEN_THINK_TANK[1:2]):
        assert name in text, name
    assert content.NEV_COMMITTEE[1] in text
    for society in content.LANZHOU_NATIONAL_SOCIETIES[:3]:
        assert society.name in text


def test_the_matcher_finds_each_demands_topic_experts(world: DemoWorld) -> None:
    """With the real (lexical) matching engine, a Lanzhou demand's best experts are those working
    on its topic: the demo's texts make matching meaningful, not just present."""
    works, entities = [], []
    for expert in world.experts:
        entities.append(Entity(id=expert.key, kind="expert", name=expert.name))
        works += [
            Work(
                id=f"{expert.key}-{index}",
                text=f"{work.title}\n{work.abstract}\n{' '.join(work.keywords)}",
                title=work.title,
                owners=(expert.key,),
            )
            for index, work in enumerate(expert.works)
        ]
    index = MatchIndex.build(works, entities)
    topics = {expert.key: expert.topic_keys for expert in world.experts}
    demands = [d for d in world.demands if d.region_key == LANZHOU]
    first = in_top3 = 0
    for demand in demands:
        hits = index.query(
            f"{demand.title}\n{demand.key_problems}\n{demand.target_indicators}", k=3
        )
        first += demand.topic_key == topics[hits[0].entity_id][0]
        in_top3 += any(demand.topic_key in topics[hit.entity_id] for hit in hits)
    assert first / len(demands) >= 0.85
    assert in_top3 / len(demands) >= 0.95


def test_lanzhou_honour_lists_in_each_phase(world: DemoWorld) -> None:
    phases = {h.phase for h in world.honour_lists if h.region_key == content.LANZHOU}
    assert phases == {"nominating", "round1", "round2"}
    assert {h.phase for h in world.honour_lists if h.region_key is None} == {"published"}
