"""Generate the demo world from a seed: 兰州新区 as the Lanzhou report describes it, and its peers.

Pure and deterministic: `generate_world(seed)` uses only `random.Random(seed)` and fixed dates, so
the same seed always gives the same records (the determinism test compares two builds). The
report's figures are fixed by construction (e.g. exactly 10 docked societies, 7 provincial labs,
more than 1000 volunteers); the seed varies names, budgets, dates and the peers' figures.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from kechuang.demo import DEFAULT_SEED, content
from kechuang.demo.content import LANZHOU, REPORT_DATE
from kechuang.demo.names import company_brands, company_name, person_names
from kechuang.demo.topics import INDUSTRIES, INDUSTRY_BY_KEY, TOPIC_BY_KEY, Topic, topics_of
from kechuang.demo.world import (
    FICTIONAL_NOTE,
    REAL_NOTE,
    AchievementSpec,
    DemandSpec,
    DemoWorld,
    DockingSpec,
    EventSpec,
    ExpertSpec,
    HonourListSpec,
    NominationSpec,
    OrganisationSpec,
    RegionDockingSpec,
    RegionSpec,
    UserSpec,
    VolunteerSpec,
    WorkSpec,
)

# 兰州新区's fictional enterprises per industry; with 甘肃建设重工科技有限公司, 256 ("250余家").
LANZHOU_ENTERPRISES = {
    "chem": 58,
    "material": 50,
    "equipment": 48,
    "bio": 40,
    "nev": 32,
    "hydrogen": 27,
}
LANZHOU_EXPERTS_PER_INDUSTRY = 8
LANZHOU_DOCKING_EVENTS = 22
LANZHOU_TRAINEES = (62, 58, 71, 49, 66, 57, 63)  # 426 person-times before the seed's additions
VOLUNTEERS_PER_ASSOCIATION = (296, 268, 243, 217)  # 1024 before the seed's additions

HYDROGEN_THINK_TANK = content.HYDROGEN_THINK_TANK[1]
NEV_COMMITTEE = content.NEV_COMMITTEE[1]

EXPERT_TITLES = ("教授", "研究员", "正高级工程师", "副教授", "高级工程师", "副研究员")
SPECIALITY_BY_INDUSTRY = {
    "chem": ("化工工艺", "安全环保", "分析检测", "设备管理"),
    "material": ("材料研发", "质量检测", "工艺工程", "电化学"),
    "equipment": ("机械设计", "焊接工艺", "电气自动化", "质量管理"),
    "bio": ("药物分析", "制剂工艺", "微生物检测", "注册法规"),
    "nev": ("电池系统", "电机电控", "整车测试", "售后技术"),
    "hydrogen": ("氢能装备", "燃气工程", "电解制氢", "安全工程"),
}


def _date_between(rng: random.Random, start: date, end: date) -> date:
    """A uniformly chosen day in [start, end] (`start` when the range is empty)."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _wan(rng: random.Random, low: int, high: int, step: int = 5) -> int:
    """A budget in yuan, a multiple of `step` 万元 between low and high 万元."""
    return rng.randrange(low // step, high // step + 1) * step * 10_000


class _Generator:
    """Holds the seeded generator and name streams while the world is assembled."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not security
        self.world = DemoWorld(seed=seed)
        self.brands = itertools.cycle(list(company_brands(self.rng)))
        self.people = person_names(self.rng)
        self.company_names: set[str] = set()
        self.expert_count = 0
        self.organisation_keys: set[str] = set()

    # ------------------------------------------------------------------ helpers

    def add_org(self, spec: OrganisationSpec) -> OrganisationSpec:
        assert spec.key not in self.organisation_keys, spec.key
        self.organisation_keys.add(spec.key)
        self.world.organisations.append(spec)
        return spec

    def new_company_name(self, industry_key: str) -> str:
        words = INDUSTRY_BY_KEY[industry_key].company_words
        while True:
            name = company_name(next(self.brands), self.rng.choice(words))
            if name not in self.company_names:
                self.company_names.add(name)
                return name

    def enterprise(self, region_key: str, industry_key: str, number: int) -> OrganisationSpec:
        industry = INDUSTRY_BY_KEY[industry_key]
        topics = topics_of(industry_key)
        focus = self.rng.sample(topics, k=2)
        codes = tuple(dict.fromkeys(topic.industry_code for topic in focus))
        products = "、".join(dict.fromkeys(kw for t in focus for kw in t.keywords_zh[:2]))
        region = next((r.name for r in self.world.regions if r.key == region_key), "")
        return self.add_org(
            OrganisationSpec(
                key=f"{region_key}-ent-{number:03d}",
                kind="enterprise",
                name=self.new_company_name(industry_key),
                name_en=f"{industry.name_en.capitalize()} enterprise {number:03d} (demo)",
                description=f"{region}{industry.name_zh}企业，业务涉及{products}。{FICTIONAL_NOTE}",
                region_key=region_key,
                industry_codes=codes,
                discipline_codes=(focus[0].discipline_code,),
                founded_on=_date_between(self.rng, date(2006, 1, 1), date(2023, 6, 30)),
                employee_count=int(self.rng.lognormvariate(4.6, 0.8)) + 15,
                keywords=tuple(dict.fromkeys(kw for t in focus for kw in t.keywords_zh[:3])),
            )
        )

    # ------------------------------------------------------------------ experts and works

    def works_for(self, topic: Topic, primary: bool, first_on_topic: bool) -> list[WorkSpec]:
        rng = self.rng
        keywords = topic.keywords_zh
        problems = "；".join(topic.problems)
        indicator = topic.indicators[0]
        kw_a, kw_b = rng.sample(keywords, k=2)
        if first_on_topic:
            paper_zh, paper_en = topic.paper_zh, topic.paper_en
            patent, project = topic.patent, topic.project
        else:
            en_a, en_b = rng.sample(topic.keywords_en, k=2)
            paper_zh = f"基于{kw_a}的{kw_b}工艺优化与机理研究"
            paper_en = f"{en_a.capitalize()} and {en_b}: mechanisms and process optimisation"
            patent = f"一种{kw_a}系统及其{kw_b}控制方法"
            project = f"{kw_a}与{kw_b}关键技术研究及示范"
        year = rng.randint(2016, 2024)
        number = rng.randint(1_000_000, 9_999_999)
        works = [
            WorkSpec(
                kind="paper",
                title=paper_zh,
                abstract=(
                    f"针对{problems}等问题，研究了{kw_a}、{kw_b}的机理与工艺条件，"
                    f"提出了相应的优化方法。结果表明，优化后可实现{indicator}。"
                    f"关键词：{'；'.join(keywords)}。{FICTIONAL_NOTE}"
                ),
                keywords=keywords,
                year=year,
                venue="中文期刊论文（演示虚构条目）",
                identifier="",
            ),
            WorkSpec(
                kind="patent",
                title=patent,
                abstract=(
                    f"本发明涉及{topic.title}领域，解决{topic.problems[0]}的问题。"
                    f"技术效果：{'；'.join(topic.indicators)}。{FICTIONAL_NOTE}"
                ),
                keywords=keywords[:4],
                year=min(year + rng.randint(0, 2), 2024),
                venue="发明专利（演示虚构条目）",
                identifier=f"DEMO-CN{year}1{number:07d}",
            ),
        ]
        if primary:
            works.append(
                WorkSpec(
                    kind="paper",
                    title=paper_en,
                    abstract=(
                        f"This study addresses {topic.title_en.lower()}. "
                        f"We investigate {', '.join(topic.keywords_en)} and report a process "
                        f"that meets the industrial target ({indicator}). {FICTIONAL_NOTE}"
                    ),
                    keywords=topic.keywords_en,
                    year=max(year - rng.randint(0, 3), 2015),
                    venue="English journal article (demo, fictional entry)",
                    identifier="",
                )
            )
            works.append(
                WorkSpec(
                    kind="project",
                    title=project,
                    abstract=(
                        f"项目面向{INDUSTRY_BY_KEY[topic.industry].name_zh}企业需求，"
                        f"攻克{problems}，目标：{'；'.join(topic.indicators)}。{FICTIONAL_NOTE}"
                    ),
                    keywords=keywords,
                    year=rng.randint(2018, 2024),
                    venue="省级科技计划项目（演示虚构条目）",
                    identifier=f"DEMO-{rng.randint(2018, 2024)}-{rng.randint(100, 999)}",
                )
            )
        return works

    def expert(
        self,
        region_key: str | None,
        affiliation: OrganisationSpec,
        primary: Topic,
        secondary: Topic | None,
        *,
        first_on_topic: bool,
        is_academician: bool = False,
    ) -> ExpertSpec:
        self.expert_count += 1
        number = self.expert_count
        works = self.works_for(primary, primary=True, first_on_topic=first_on_topic)
        topics = [primary]
        if secondary is not None:
            works += self.works_for(secondary, primary=False, first_on_topic=False)
            topics.append(secondary)
        think_tanks: list[str] = []
        if region_key == LANZHOU and primary.industry == "hydrogen":
            think_tanks.append(HYDROGEN_THINK_TANK)
        if region_key == LANZHOU and primary.industry == "nev":
            think_tanks.append(NEV_COMMITTEE)
        if region_key == LANZHOU and primary.key == "nev-fuel-cell":
            think_tanks.append(HYDROGEN_THINK_TANK)
        title = "教授" if is_academician else self.rng.choice(EXPERT_TITLES)
        name = next(self.people)
        spec = ExpertSpec(
            key=f"expert-{number:03d}",
            name=name,
            title=title,
            affiliation_key=affiliation.key,
            affiliation=affiliation.name,
            region_key=region_key,
            is_academician=is_academician,
            discipline_codes=tuple(dict.fromkeys(t.discipline_code for t in topics)),
            industry_codes=tuple(dict.fromkeys(t.industry_code for t in topics)),
            keywords=tuple(
                dict.fromkeys(
                    [*primary.keywords_zh[:4], *primary.keywords_en[:2]]
                    + ([*secondary.keywords_zh[:2]] if secondary else [])
                )
            ),
            think_tanks=tuple(think_tanks),
            capacity=self.rng.randint(2, 6),
            email=f"expert{number:03d}@demo.example.org",
            phone=f"0931-0000-{number:04d}",
            bio=(
                f"{affiliation.name}{title}，长期从事{primary.title}等方向的研究与工程应用。"
                f"{FICTIONAL_NOTE}"
            ),
            topic_keys=tuple(t.key for t in topics),
            works=tuple(works),
        )
        self.world.experts.append(spec)
        return spec

    # ------------------------------------------------------------------ the parts of a region

    def institutions(self) -> dict[str, list[OrganisationSpec]]:
        """The fictional universities and institutes, by the industries they serve."""
        by_industry: dict[str, list[OrganisationSpec]] = {i.key: [] for i in INDUSTRIES}
        for inst in content.FICTIONAL_INSTITUTIONS:
            spec = self.add_org(
                OrganisationSpec(
                    key=inst.key,
                    kind=inst.kind,
                    name=inst.name,
                    name_en=inst.name_en,
                    description=(
                        "面向"
                        + "、".join(INDUSTRY_BY_KEY[k].name_zh for k in inst.industries)
                        + f"产业开展研究与人才培养。{FICTIONAL_NOTE}"
                    ),
                    region_key=LANZHOU if inst.in_lanzhou else None,
                    industry_codes=tuple(
                        dict.fromkeys(
                            t.industry_code for k in inst.industries for t in topics_of(k)[:2]
                        )
                    ),
                    discipline_codes=tuple(
                        dict.fromkeys(
                            t.discipline_code for k in inst.industries for t in topics_of(k)[:2]
                        )
                    ),
                    founded_on=_date_between(self.rng, date(1958, 1, 1), date(2015, 1, 1)),
                )
            )
            for industry_key in inst.industries:
                by_industry[industry_key].append(spec)
        return by_industry

    def real_organisations(self) -> None:
        for real in (
            *content.LANZHOU_NATIONAL_SOCIETIES,
            *content.LANZHOU_PROVINCIAL_SOCIETIES,
            *content.OTHER_NATIONAL_SOCIETIES,
        ):
            self.add_org(
                OrganisationSpec(
                    key=real.key,
                    kind=real.kind,
                    name=real.name,
                    name_en=real.name_en,
                    description=f"{real.fact}{REAL_NOTE}",
                    region_key=None,
                    fictional=False,
                    discipline_codes=content.SOCIETY_DISCIPLINES.get(real.name, ()),
                )
            )
        for real in content.REAL_ORGANISATIONS:
            self.add_org(
                OrganisationSpec(
                    key=real.key,
                    kind=real.kind,
                    name=real.name,
                    name_en=real.name_en,
                    description=f"{real.fact}{REAL_NOTE}",
                    region_key=LANZHOU if real.key in content.REAL_IN_LANZHOU else None,
                    fictional=False,
                )
            )


def generate_world(seed: int = DEFAULT_SEED) -> DemoWorld:
    """Build the whole demo world for `seed` (pure; no database)."""
    gen = _Generator(seed)
    world = gen.world

    world.regions.append(
        RegionSpec(
            key=LANZHOU,
            name="兰州新区",
            name_en="Lanzhou New Area",
            kind="new_area",
            province="甘肃省",
            joined_on=date(2021, 6, 1),
            description=(
                "2021年6月入选中国科协“科创中国”第二批试点城市；2022年成立新区科协。"
                "重点产业：绿色化工、新材料、装备制造、生物医药、新能源汽车、氢能。"
                "【演示】按《兰州日报》2024年8月27日报道构建的演示数据：真实机构保留真名，"
                "企业、人员、需求与对接均为虚构。[Demo] Built from the Lanzhou Daily report of "
                "2024-08-27; companies, people, demands and dockings are fictional."
            ),
        )
    )
    for peer in content.PEER_REGIONS:
        world.regions.append(
            RegionSpec(
                key=peer.key,
                name=peer.name,
                name_en=peer.name_en,
                kind="park",
                province=peer.province,
                joined_on=peer.joined_on,
                description=(
                    "【演示】虚构的“科创中国”试点园区，用于全国排名对比；其名称与全部数字均为虚构。"
                    "[Demo] A fictional pilot park giving 兰州新区 peers in the ranking."
                ),
            )
        )

    gen.real_organisations()
    institutions = gen.institutions()
    _lanzhou(gen, institutions)
    for peer in content.PEER_REGIONS:
        _peer(gen, peer, institutions)
    _demand_statuses(world)
    _docking_timelines(world)
    _honour_lists(gen)
    _users(gen)
    return world


def _demand_statuses(world: DemoWorld) -> None:
    """A demand with a delivered docking is solved; one with a docking still open is docking."""
    stages: dict[str, list[str]] = {}
    for docking in world.dockings:
        stages.setdefault(docking.demand_key, []).append(
            docking.path[-1] if docking.path else "proposed"
        )
    for index, demand in enumerate(world.demands):
        ends = stages.get(demand.key, [])
        if "delivered" in ends:
            world.demands[index] = dataclasses.replace(demand, status="solved")
        elif any(end != "closed" for end in ends):
            world.demands[index] = dataclasses.replace(demand, status="docking")


_STEP_DAYS: dict[str, tuple[int, int]] = {
    "contacted": (1, 7),
    "meeting": (7, 21),
    "negotiating": (10, 35),
    "closed": (5, 40),
}
"""Days from the previous step to this one (signing and delivery have their own dates)."""


def _docking_timelines(world: DemoWorld) -> None:
    """Give every docking the real time of each step, so response-time KPIs read days, not the
    years between the demo's 2024 and the day it is built."""
    published = {d.key: d.published_on for d in world.demands}
    world.dockings[:] = [
        dataclasses.replace(
            spec, stage_at=_stage_times(world.seed, spec, published.get(spec.demand_key))
        )
        for spec in world.dockings
    ]


def _office_hours(rng: random.Random, day: date) -> datetime:
    """A moment in Beijing office hours (01:30–08:30 UTC) of ``day``."""
    return datetime.combine(day, time(1, 30), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 420))


def _stage_times(seed: int, spec: DockingSpec, published_on: date | None) -> tuple[datetime, ...]:
    """Proposed 1–14 days after publication (sometimes up to 40), contacted within a week,
    a meeting 1–3 weeks later, negotiation 10–35 days after that; signing and delivery on the
    spec's dates (earlier steps squeezed in before signing); closing 5–40 days after the last
    step. Never after the report's day, never out of order."""
    # Its own stream per docking, so the rest of the seeded world is unchanged.
    rng = random.Random(f"{seed}:{spec.key}")  # noqa: S311 -- reproducible demo data
    start = datetime.combine(published_on or date(2023, 1, 1), time(9, 0), tzinfo=UTC)
    limit = datetime.combine(REPORT_DATE, time(9, 0), tzinfo=UTC)
    first = rng.randint(1, 14) if rng.random() < 0.85 else rng.randint(15, 40)
    gaps = [_office_hours(rng, start.date() + timedelta(days=first)) - start]
    for stage in spec.path:
        low, high = _STEP_DAYS.get(stage, (0, 0))
        gaps.append(timedelta(days=rng.randint(low, high), minutes=rng.randint(-180, 180)))
    fixed = {
        stage: _office_hours(rng, day)
        for stage, day in (("signed", spec.signed_on), ("delivered", spec.delivered_on))
        if day is not None
    }
    stages = ("proposed", *spec.path)
    if "signed" in stages and "signed" in fixed:
        before_signing = gaps[: stages.index("signed")]
        room = fixed["signed"] - start
        total = sum(before_signing, timedelta())
        if total > room * 0.9:
            scale = max(0.0, room * 0.9 / total)
            gaps[: len(before_signing)] = [gap * scale for gap in before_signing]
    times: list[datetime] = []
    current = start
    for stage, gap in zip(stages, gaps, strict=True):
        moment = fixed.get(stage) or min(current + gap, limit)
        current = max(current, moment)
        times.append(current)
    return tuple(times)


# ---------------------------------------------------------------------- 兰州新区


def _lanzhou(gen: _Generator, institutions: dict[str, list[OrganisationSpec]]) -> None:
    rng, world = gen.rng, gen.world

    # Enterprises: 255 fictional, plus the real 甘肃建设重工科技有限公司 added with the real orgs.
    enterprises: dict[str, list[OrganisationSpec]] = {}
    number = 0
    for industry_key, count in LANZHOU_ENTERPRISES.items():
        enterprises[industry_key] = []
        for _ in range(count):
            number += 1
            enterprises[industry_key].append(gen.enterprise(LANZHOU, industry_key, number))

    # Region dockings: the 10 societies of the report, and the technology exchange.
    for society in content.LANZHOU_NATIONAL_SOCIETIES:
        world.region_dockings.append(
            RegionDockingSpec(
                region_key=LANZHOU,
                organisation_key=society.key,
                docked_on=_date_between(rng, date(2021, 9, 1), date(2023, 6, 30)),
                commitments=(
                    ("每年对接服务新区企业技术需求", rng.choice((10, 12, 15)), "项"),
                    ("组织专家赴新区开展学术交流或技术诊断", 2, "次/年"),
                ),
                notes=f"对接{society.name}，为科技工作者和学会专家提供技术交流、学术研讨平台。"
                "【演示】对接日期与承诺为虚构。",
            )
        )
    for society in content.LANZHOU_PROVINCIAL_SOCIETIES:
        world.region_dockings.append(
            RegionDockingSpec(
                region_key=LANZHOU,
                organisation_key=society.key,
                docked_on=_date_between(rng, date(2022, 3, 1), date(2024, 3, 31)),
                commitments=(("每年对接服务新区企业技术需求", rng.choice((5, 6, 8)), "项"),),
                notes=f"对接{society.name}。【演示】对接日期与承诺为虚构。",
            )
        )
    world.region_dockings.append(
        RegionDockingSpec(
            region_key=LANZHOU,
            organisation_key=content.SHANGHAI_TECH_EXCHANGE.key,
            docked_on=date(2023, 5, 18),
            commitments=(("提供科技成果挂牌交易与评估服务", None, ""),),
            notes="兰州新区管委会与上海技术交易所签订战略合作协议。【演示】日期为虚构。",
        )
    )

    # Hosts for workstation and associations: fictional enterprises of different industries.
    host_ws = enterprises["material"][0]
    gen.add_org(
        OrganisationSpec(
            key="lz-workstation-1",
            kind="academician_workstation",
            name=host_ws.name.removesuffix("有限公司（演示）") + "院士专家工作站（演示）",
            name_en="Academician expert workstation (demo)",
            description=f"依托{host_ws.name}建立，围绕高镍正极材料与硅碳负极开展联合攻关。"
            f"{FICTIONAL_NOTE}",
            region_key=LANZHOU,
            industry_codes=host_ws.industry_codes,
            host_key=host_ws.key,
            founded_on=date(2022, 9, 16),
        )
    )
    for index, (industry_key, name, name_en) in enumerate(content.LANZHOU_BASES, start=1):
        topics = topics_of(industry_key)
        gen.add_org(
            OrganisationSpec(
                key=f"lz-base-{index}",
                kind="innovation_base",
                name=name,
                name_en=name_en,
                description=(
                    f"聚焦{INDUSTRY_BY_KEY[industry_key].name_zh}，"
                    f"开展{'、'.join(t.title for t in topics[:2])}等产学研协同攻关。"
                    f"{FICTIONAL_NOTE}"
                ),
                region_key=LANZHOU,
                industry_codes=tuple(dict.fromkeys(t.industry_code for t in topics)),
                discipline_codes=tuple(dict.fromkeys(t.discipline_code for t in topics)),
                host_key=content.LANBAI_INSTITUTE.key if industry_key == "hydrogen" else None,
                founded_on=_date_between(rng, date(2021, 10, 1), date(2024, 5, 31)),
            )
        )
    labs = [*content.LANZHOU_LABS, *content.LANZHOU_OTHER_LABS]
    for index, (industry_key, name, name_en, level) in enumerate(labs, start=1):
        topics = topics_of(industry_key)
        gen.add_org(
            OrganisationSpec(
                key=f"lz-lab-{index}",
                kind="laboratory",
                name=name,
                name_en=name_en,
                description=(
                    f"研究方向：{'；'.join(t.title for t in topics[:3])}。"
                    f"关键词：{'、'.join(topics[0].keywords_zh)}。{FICTIONAL_NOTE}"
                ),
                region_key=LANZHOU,
                industry_codes=tuple(dict.fromkeys(t.industry_code for t in topics[:3])),
                discipline_codes=tuple(dict.fromkeys(t.discipline_code for t in topics[:3])),
                lab_level=level,
                keywords=topics[0].keywords_zh,
                founded_on=_date_between(rng, date(2012, 1, 1), date(2023, 12, 31)),
            )
        )
    for index, (industry_key, name, name_en, society_key) in enumerate(
        content.LANZHOU_STATIONS, start=1
    ):
        gen.add_org(
            OrganisationSpec(
                key=f"lz-station-{index}",
                kind="society_service_station",
                name=name,
                name_en=name_en,
                description=(
                    f"学会服务站，组织学会专家服务{INDUSTRY_BY_KEY[industry_key].name_zh}企业。"
                    f"{FICTIONAL_NOTE}"
                ),
                region_key=LANZHOU,
                industry_codes=tuple(t.industry_code for t in topics_of(industry_key)[:2]),
                host_key=society_key,
                founded_on=_date_between(rng, date(2022, 6, 1), date(2024, 6, 30)),
            )
        )
    association_hosts = [
        enterprises["chem"][1],
        enterprises["equipment"][1],
        enterprises["bio"][1],
        enterprises["hydrogen"][1],
    ]
    associations = []
    for index, host in enumerate(association_hosts, start=1):
        associations.append(
            gen.add_org(
                OrganisationSpec(
                    key=f"lz-association-{index}",
                    kind="enterprise_association",
                    name=host.name.removesuffix("有限公司（演示）") + "企业科协（演示）",
                    name_en=f"Enterprise science association {index} (demo)",
                    description=(
                        f"在兰白试验区联合创新研究院推动下组建的企业科协，依托{host.name}。"
                        f"{FICTIONAL_NOTE}"
                    ),
                    region_key=LANZHOU,
                    industry_codes=host.industry_codes,
                    host_key=host.key,
                    founded_on=_date_between(rng, date(2022, 8, 1), date(2023, 10, 31)),
                )
            )
        )
    for association, base_count in zip(associations, VOLUNTEERS_PER_ASSOCIATION, strict=True):
        _volunteers(gen, LANZHOU, association, base_count + rng.randint(0, 12), date(2022, 8, 1))

    # Experts: 8 per industry, each with a primary and usually a secondary topic.
    experts_by_topic: dict[str, list[ExpertSpec]] = {}
    for industry in INDUSTRIES:
        industry_topics = topics_of(industry.key)
        homes = institutions[industry.key]
        for index in range(LANZHOU_EXPERTS_PER_INDUSTRY):
            primary = industry_topics[index % len(industry_topics)]
            others = [t for t in industry_topics if t is not primary]
            secondary = rng.choice(others) if rng.random() < 0.75 else None
            home = homes[index % len(homes)]
            spec = gen.expert(
                home.region_key if home.region_key == LANZHOU else None,
                home,
                primary,
                secondary,
                first_on_topic=primary.key not in experts_by_topic,
                is_academician=(industry.key == "material" and index == 0),
            )
            experts_by_topic.setdefault(primary.key, []).append(spec)
    # Hydrogen-think-tank members outside the hydrogen industry keep their profile region:
    # the think tank names live on the experts themselves.

    # Achievements: the two the report names, and fictional ones from the topics.
    achievements: dict[str, AchievementSpec] = {}
    blending = TOPIC_BY_KEY["hydrogen-blending"]
    refuelling = TOPIC_BY_KEY["hydrogen-refuelling"]
    achievements["hydrogen-blending"] = AchievementSpec(
        key="ach-hydrogen-blending",
        title="天然气掺氢技术",
        owner_key=content.TSINGHUA_VEHICLE_SCHOOL.key,
        owner_name="清华大学车辆与运载学院马凡华教授团队",
        region_key=LANZHOU,
        description=(
            "兰白试验区联合创新研究院引进清华大学车辆与运载学院马凡华教授团队天然气掺氢技术，"
            "在兰州新区转移转化（据《兰州日报》2024年8月27日报道）。"
            "【演示】技术成熟度、转化方式等字段为演示假设，非报道内容。"
        ),
        trl=7,
        patent_numbers=(),
        transfer_modes=("joint_development",),
        asking_price_yuan=None,
        status="transferred",
        industry_codes=(blending.industry_code,),
        discipline_codes=(blending.discipline_code,),
        keywords=blending.keywords_zh,
        topic_key=blending.key,
    )
    achievements["hydrogen-refuelling"] = AchievementSpec(
        key="ach-hydrogen-refuelling",
        title="加氢站技术",
        owner_key=content.SHUNHUA.key,
        owner_name=content.SHUNHUA.name,
        region_key=LANZHOU,
        description=(
            "兰白试验区联合创新研究院引进上海舜华新能源技术有限公司加氢站技术，"
            "在兰州新区转移转化（据《兰州日报》2024年8月27日报道）。"
            "【演示】技术成熟度、转化方式等字段为演示假设，非报道内容。"
        ),
        trl=8,
        patent_numbers=(),
        transfer_modes=("licence",),
        asking_price_yuan=None,
        status="transferred",
        industry_codes=(refuelling.industry_code,),
        discipline_codes=(refuelling.discipline_code,),
        keywords=refuelling.keywords_zh,
        topic_key=refuelling.key,
    )
    suffixes = ("技术", "成套技术", "关键技术", "技术及装备")
    modes = ("assignment", "licence", "equity", "joint_development")
    statuses = ("published", "published", "published", "negotiating", "transferred")
    for topic_key, experts in sorted(experts_by_topic.items()):
        topic = TOPIC_BY_KEY[topic_key]
        if topic_key in achievements or rng.random() < 0.35:
            continue
        owner = experts[0]
        patents = tuple(w.identifier for w in owner.works if w.kind == "patent")
        achievements[topic_key] = AchievementSpec(
            key=f"ach-{topic_key}",
            title=topic.title.removesuffix("研究").removesuffix("技术") + rng.choice(suffixes),
            owner_key=owner.affiliation_key,
            owner_name=owner.affiliation,
            region_key=LANZHOU,
            description=(
                f"{owner.affiliation}{owner.name}团队成果，面向{topic.title}，"
                f"可实现{'；'.join(topic.indicators)}。{FICTIONAL_NOTE}"
            ),
            trl=rng.randint(4, 8),
            patent_numbers=patents,
            transfer_modes=tuple(sorted(rng.sample(modes, k=rng.randint(1, 3)))),
            asking_price_yuan=_wan(rng, 30, 500),
            status=rng.choice(statuses),
            industry_codes=(topic.industry_code,),
            discipline_codes=(topic.discipline_code,),
            keywords=topic.keywords_zh,
            topic_key=topic_key,
        )
    world.achievements.extend(achievements.values())

    # Demands: two per topic, from enterprises of the topic's industry, in all three tiers.
    demands = _demands(
        gen,
        LANZHOU,
        enterprises,
        [
            t.key
            for t in (
                *topics_of("chem"),
                *topics_of("material"),
                *topics_of("equipment"),
                *topics_of("bio"),
                *topics_of("nev"),
                *topics_of("hydrogen"),
            )
        ],
        per_topic=2,
    )

    # Dockings: every stage, several signed with contract values; the two report achievements.
    lab_by_industry: dict[str, str] = {}
    for index, lab in enumerate(content.LANZHOU_LABS, start=1):
        lab_by_industry.setdefault(lab[0], f"lz-lab-{index}")
    base_by_industry = {k: f"lz-base-{i}" for i, (k, *_r) in enumerate(content.LANZHOU_BASES, 1)}
    dockings = _dockings(
        gen,
        LANZHOU,
        demands=demands,
        experts_by_topic=experts_by_topic,
        achievements=achievements,
        organisation_targets={
            **base_by_industry,
            **lab_by_industry,
            "chem": "soc-ciesc",
            "equipment": "soc-cits",
        },
        count=46,
    )

    # Events: 22 docking events, 7 trainings (400+ trainees), a forum and a roadshow.
    _lanzhou_events(gen, enterprises, experts_by_topic, dockings)


def _volunteers(
    gen: _Generator,
    region_key: str,
    association: OrganisationSpec,
    count: int,
    earliest: date,
) -> None:
    rng = gen.rng
    industry_key = next(
        (
            t.industry
            for code in association.industry_codes
            for t in TOPIC_BY_KEY.values()
            if t.industry_code == code
        ),
        "chem",
    )
    specialities = SPECIALITY_BY_INDUSTRY[industry_key]
    topics = topics_of(industry_key)
    for index in range(1, count + 1):
        topic = rng.choice(topics)
        gen.world.volunteers.append(
            VolunteerSpec(
                key=f"{association.key}-v{index:04d}",
                name=next(gen.people),
                region_key=region_key,
                association_key=association.key,
                speciality=rng.choice(specialities),
                skills=tuple(rng.sample(topic.keywords_zh, k=2)),
                joined_on=_date_between(rng, earliest, REPORT_DATE),
                service_hours=rng.randint(0, 120),
            )
        )


def _demands(
    gen: _Generator,
    region_key: str,
    enterprises: dict[str, list[OrganisationSpec]],
    topic_keys: Sequence[str],
    per_topic: int,
) -> list[DemandSpec]:
    rng = gen.rng
    variants = ("中试放大", "产业化攻关", "工艺优化", "产线技术改造")
    specs: list[DemandSpec] = []
    for topic_key in topic_keys:
        topic = TOPIC_BY_KEY[topic_key]
        pool = enterprises.get(topic.industry) or []
        if not pool:
            continue
        owners = rng.sample(pool, k=min(per_topic, len(pool)))
        for copy, owner in enumerate(owners):
            title = topic.title if copy == 0 else f"{topic.title}——{rng.choice(variants)}"
            published = _date_between(rng, date(2022, 1, 10), REPORT_DATE - timedelta(days=20))
            low, high = topic.budget_wan
            specs.append(
                DemandSpec(
                    key=f"{region_key}-demand-{len(specs) + 1:03d}",
                    enterprise_key=owner.key,
                    region_key=region_key,
                    topic_key=topic_key,
                    title=title,
                    background=f"{topic.background}{FICTIONAL_NOTE}",
                    key_problems="\n".join(f"{i}. {p}" for i, p in enumerate(topic.problems, 1)),
                    target_indicators="\n".join(
                        f"{i}. {x}" for i, x in enumerate(topic.indicators, 1)
                    ),
                    industry_code=topic.industry_code,
                    discipline_code=topic.discipline_code,
                    keywords=topic.keywords_zh,
                    budget_yuan=_wan(rng, low, high),
                    deadline=published + timedelta(days=rng.randint(270, 900)),
                    tier="public",
                    status="published",
                    published_on=published,
                    contact_name=next(gen.people),
                )
            )
    # Tiers: 60% public, 25% members, 15% NDA, spread by the seed but always all three.
    tiers = ["members"] * round(len(specs) * 0.25) + ["nda"] * max(1, round(len(specs) * 0.15))
    tiers += ["public"] * (len(specs) - len(tiers))
    rng.shuffle(tiers)
    # A few drafts, one awaiting review and one closed show the demand workflow.
    statuses = ["published"] * len(specs)
    if len(specs) >= 10:
        statuses[-1], statuses[-2], statuses[-3] = "draft", "pending_review", "closed"
    result = [
        dataclasses.replace(
            spec,
            tier=tier,
            status=status,
            published_on=None if status in ("draft", "pending_review") else spec.published_on,
        )
        for spec, tier, status in zip(specs, tiers, statuses, strict=True)
    ]
    gen.world.demands.extend(result)
    return result


_PATHS: tuple[tuple[str, ...], ...] = (
    (),
    ("contacted",),
    ("contacted", "meeting"),
    ("contacted", "meeting", "negotiating"),
    ("contacted", "meeting", "negotiating", "signed"),
    ("contacted", "meeting", "negotiating", "signed", "delivered"),
)
_CLOSE_REASONS = (
    "企业调整产品路线，需求暂缓",
    "专家档期已满，无法承接",
    "双方在知识产权归属上未达成一致",
    "报价超出企业预算",
    "企业已通过自主研发解决",
)
_PRAISE = (
    "专家响应及时，方案切合生产实际。",
    "对接顺利，技术指标基本达到预期。",
    "服务专业，希望继续开展二期合作。",
)


def _pick_pair(
    rng: random.Random,
    candidates: list[DemandSpec],
    experts_by_topic: dict[str, list[ExpertSpec]],
    achievements: dict[str, AchievementSpec],
    organisation_targets: dict[str, str],
) -> tuple[DemandSpec, str, str] | None:
    """A demand and a fitting party: mostly an expert on its topic, else a lab, base, society or
    achievement of its industry."""
    demand = rng.choice(candidates)
    topic = TOPIC_BY_KEY[demand.topic_key]
    roll = rng.random()
    if roll < 0.2 and topic.industry in organisation_targets:
        return demand, "organisation", organisation_targets[topic.industry]
    if roll < 0.3 and demand.topic_key in achievements:
        return demand, "achievement", achievements[demand.topic_key].key
    experts = experts_by_topic.get(demand.topic_key) or [
        e
        for k, es in experts_by_topic.items()
        for e in es
        if TOPIC_BY_KEY[k].industry == topic.industry
    ]
    if not experts:
        return None
    return demand, "expert", rng.choice(experts).key


def _dockings(
    gen: _Generator,
    region_key: str,
    *,
    demands: list[DemandSpec],
    experts_by_topic: dict[str, list[ExpertSpec]],
    achievements: dict[str, AchievementSpec],
    organisation_targets: dict[str, str],
    count: int,
) -> list[DockingSpec]:
    """Dockings in every stage; the stage mix is fixed, the pairs and values come from the seed."""
    rng = gen.rng
    candidates = [d for d in demands if d.status == "published"]
    # Stage mix: 5 of each open stage, 9 signed, 7 delivered, the rest closed at some step.
    open_counts = {0: 5, 1: 5, 2: 5, 3: 5, 4: 9, 5: 7}
    if count < 46:  # peers: smaller, proportional mixes
        scale = count / 46
        open_counts = {k: max(1 if k >= 4 else 0, round(v * scale)) for k, v in open_counts.items()}
    plan: list[tuple[int, bool]] = [(k, False) for k, v in open_counts.items() for _ in range(v)]
    while len(plan) < count:
        plan.append((rng.randint(0, 4), True))
    rng.shuffle(plan)
    result: list[DockingSpec] = []
    used: set[tuple[str, str]] = set()
    # The report's achievements go first, to hydrogen demands, and are delivered.
    for topic_key in ("hydrogen-blending", "hydrogen-refuelling"):
        achievement = achievements.get(topic_key)
        demand = next((d for d in candidates if d.topic_key == topic_key), None)
        if achievement is None or demand is None or achievement.status != "transferred":
            continue
        signed = _date_between(
            rng, demand.published_on or date(2023, 1, 1), REPORT_DATE - timedelta(days=60)
        )
        result.append(
            DockingSpec(
                key=f"{region_key}-docking-{len(result) + 1:03d}",
                demand_key=demand.key,
                region_key=region_key,
                target_kind="achievement",
                target_key=achievement.key,
                path=_PATHS[5],
                close_reason="",
                contract_value_yuan=None,  # no invented figures about real organisations
                signed_on=signed,
                delivered_on=signed + timedelta(days=rng.randint(30, 55)),
                enterprise_feedback=(5, "技术在当地完成转移转化。【演示】"),
                provider_feedback=None,
                note="由兰白试验区联合创新研究院引进。【演示】对接过程为演示构造。",
            )
        )
        used.add((demand.key, achievement.key))
    for depth, closed in plan[: max(0, count - len(result))]:
        picked = None
        for _attempt in range(10):  # a few tries to find a pair not docked yet
            picked = _pick_pair(
                rng, candidates, experts_by_topic, achievements, organisation_targets
            )
            if picked is not None and (picked[0].key, picked[2]) not in used:
                break
            picked = None
        if picked is None:
            continue
        demand, target_kind, target_key = picked
        topic = TOPIC_BY_KEY[demand.topic_key]
        used.add((demand.key, target_key))
        path = _PATHS[depth]
        reason = ""
        if closed:
            path = (*path, "closed")
            reason = rng.choice(_CLOSE_REASONS)
        start = demand.published_on or date(2023, 1, 1)
        signed_on = delivered_on = None
        value = None
        if "signed" in path:
            signed_on = _date_between(
                rng, start + timedelta(days=30), REPORT_DATE - timedelta(days=10)
            )
            signed_on = min(signed_on, REPORT_DATE)
            value = _wan(
                rng,
                max(10, demand.budget_yuan // 20_000),
                max(15, demand.budget_yuan // 10_000),
                step=1,
            )
            if target_kind == "achievement" and achievements[topic.key].owner_key.startswith(
                "org-"
            ):
                value = None
        if "delivered" in path and signed_on is not None:
            delivered_on = min(signed_on + timedelta(days=rng.randint(60, 300)), REPORT_DATE)
        result.append(
            DockingSpec(
                key=f"{region_key}-docking-{len(result) + 1:03d}",
                demand_key=demand.key,
                region_key=region_key,
                target_kind=target_kind,
                target_key=target_key,
                path=path,
                close_reason=reason,
                contract_value_yuan=value,
                signed_on=signed_on,
                delivered_on=delivered_on,
                enterprise_feedback=(rng.randint(4, 5), rng.choice(_PRAISE))
                if "delivered" in path
                else None,
                provider_feedback=(rng.randint(4, 5), "企业配合积极，需求描述清晰。")
                if "delivered" in path
                else None,
                note="【演示】对接记录为虚构。",
            )
        )
    gen.world.dockings.extend(result)
    return result


def _lanzhou_events(
    gen: _Generator,
    enterprises: dict[str, list[OrganisationSpec]],
    experts_by_topic: dict[str, list[ExpertSpec]],
    dockings: list[DockingSpec],
) -> None:
    rng, world = gen.rng, gen.world
    kexie = content.LANZHOU_ASSOCIATION.key
    lanbai = content.LANBAI_INSTITUTE.key
    society_for = {
        "chem": ("soc-ciesc", "中国化工学会"),
        "material": ("soc-cmrs", "中国材料研究学会"),
        "equipment": ("soc-cmes", "中国机械工程学会"),
        "bio": ("soc-gs-pharm", "甘肃省药学会"),
        "nev": ("soc-csae", "中国汽车工程学会"),
        "hydrogen": ("soc-cres", "中国可再生能源学会"),
    }
    titles = (
        ("chem", "{society}专家走进兰州新区绿色化工产学研对接会"),
        ("chem", "精细化工危险工艺本质安全技术对接会"),
        ("chem", "化工园区“三废”治理技术需求对接活动"),
        ("chem", "绿色催化与过程强化技术对接会"),
        ("material", "新材料产业技术需求对接会"),
        ("material", "锂电材料产学研对接活动"),
        ("material", "电子化学品技术交流对接会"),
        ("equipment", "{society}专家企业行·装备制造技术对接"),
        ("equipment", "中国检验检测学会承压设备检验检测技术服务对接会"),
        ("equipment", "智能制造与工业互联网技术对接会"),
        ("equipment", "工程机械关键零部件技术对接活动"),
        ("bio", "生物医药产学研对接会"),
        ("bio", "道地中药材精深加工技术对接会"),
        ("bio", "原料药绿色制造技术对接活动"),
        ("nev", "新能源汽车产业链技术对接会"),
        ("nev", "动力电池热管理与回收利用技术对接活动"),
        ("nev", "{society}新能源汽车技术交流对接会"),
        ("hydrogen", "氢能产业产学研对接活动"),
        ("hydrogen", "天然气掺氢与加氢站技术对接会"),
        ("hydrogen", "风光制氢与绿氢化工技术对接会"),
        ("hydrogen", "氢能产业专家智库企业技术诊断"),
        ("chem", "兰白试验区联合创新研究院科技成果对接会"),
    )
    assert len(titles) == LANZHOU_DOCKING_EVENTS
    docking_pool = [d for d in dockings if d.path and d.path[0] == "contacted"]
    rng.shuffle(docking_pool)
    dates = sorted(_date_between(rng, date(2021, 9, 1), REPORT_DATE) for _ in titles)
    for index, ((industry_key, pattern), held_on) in enumerate(zip(titles, dates, strict=True)):
        society_key, society_name = society_for[industry_key]
        experts = [
            e
            for k, es in experts_by_topic.items()
            if TOPIC_BY_KEY[k].industry == industry_key
            for e in es
        ]
        linked = tuple(d.key for d in docking_pool[index * 2 : index * 2 + 2])
        world.events.append(
            EventSpec(
                key=f"lz-event-docking-{index + 1:02d}",
                region_key=LANZHOU,
                kind="docking_event",
                title=pattern.format(society=society_name),
                held_on=held_on,
                location="兰州新区科技创新城（演示）",
                description=(
                    f"围绕{INDUSTRY_BY_KEY[industry_key].name_zh}企业技术需求开展产学研对接。"
                    "【演示】活动为虚构。"
                ),
                organiser_keys=(kexie, society_key) if index % 3 else (kexie, lanbai),
                participant_keys=tuple(
                    o.key for o in rng.sample(enterprises[industry_key], k=rng.randint(6, 12))
                ),
                expert_keys=tuple(e.key for e in rng.sample(experts, k=min(3, len(experts)))),
                trainees=0,
                docking_keys=linked,
            )
        )
    trainings = (
        ("hydrogen", "氢能产业技术人才培训班"),
        ("nev", "新能源汽车高压电安全与维修技术培训"),
        ("chem", "危险化工工艺与反应安全风险评估培训"),
        ("equipment", "检验检测能力提升培训"),
        ("bio", "药品 GMP 与质量体系培训"),
        ("material", "知识产权与专利布局实务培训"),
        ("hydrogen", "科技成果转化与技术经理人培训"),
    )
    dates = sorted(_date_between(rng, date(2022, 3, 1), REPORT_DATE) for _ in trainings)
    for index, ((industry_key, title), held_on, base) in enumerate(
        zip(trainings, dates, LANZHOU_TRAINEES, strict=True), start=1
    ):
        world.events.append(
            EventSpec(
                key=f"lz-event-training-{index:02d}",
                region_key=LANZHOU,
                kind="training",
                title=title,
                held_on=held_on,
                location="兰州新区科技创新城（演示）",
                description=(
                    f"面向{INDUSTRY_BY_KEY[industry_key].name_zh}企业专业技术人员的培训。"
                    "【演示】活动为虚构。"
                ),
                organiser_keys=(kexie, lanbai),
                participant_keys=tuple(
                    o.key for o in rng.sample(enterprises[industry_key], k=rng.randint(5, 10))
                ),
                expert_keys=(),
                trainees=base + rng.randint(0, 8),
                docking_keys=(),
            )
        )
    world.events.append(
        EventSpec(
            key="lz-event-forum-01",
            region_key=LANZHOU,
            kind="forum",
            title="黄河流域科创大走廊·氢能与新能源汽车产业发展论坛",
            held_on=date(2023, 9, 21),
            location="兰州新区（演示）",
            description="围绕新能源汽车与氢能产业的专家论坛。【演示】活动为虚构。",
            organiser_keys=(kexie, lanbai),
            participant_keys=(lanbai, "soc-csae", "soc-cres"),
            expert_keys=tuple(
                e.key
                for k in ("hydrogen-blending", "nev-fuel-cell")
                for e in experts_by_topic.get(k, [])
            ),
            trainees=0,
            docking_keys=(),
        )
    )
    world.events.append(
        EventSpec(
            key="lz-event-roadshow-01",
            region_key=LANZHOU,
            kind="roadshow",
            title="科技成果路演（氢能与新材料专场）",
            held_on=date(2024, 5, 16),
            location="兰州新区（演示）",
            description="高校院所科技成果向新区企业路演。【演示】活动为虚构。",
            organiser_keys=(kexie, content.SHANGHAI_TECH_EXCHANGE.key),
            participant_keys=tuple(o.key for o in enterprises["hydrogen"][:6]),
            expert_keys=(),
            trainees=0,
            docking_keys=(),
        )
    )


# ---------------------------------------------------------------------- peers


def _peer(
    gen: _Generator,
    peer: content.PeerRegion,
    institutions: dict[str, list[OrganisationSpec]],
) -> None:
    rng, world = gen.rng, gen.world
    s = peer.scale
    key = peer.key

    def jitter(value: float) -> int:
        return max(0, round(value * rng.uniform(0.85, 1.15)))

    enterprises: dict[str, list[OrganisationSpec]] = {i: [] for i in peer.industries}
    total = jitter(40 + 140 * s)
    for number in range(1, total + 1):
        industry_key = peer.industries[(number - 1) % len(peer.industries)]
        enterprises[industry_key].append(gen.enterprise(key, industry_key, number))

    pool = [*content.LANZHOU_NATIONAL_SOCIETIES, *content.OTHER_NATIONAL_SOCIETIES]
    docked = rng.sample(pool, k=min(len(pool), max(1, jitter(1 + 8 * s))))
    for society in docked:
        world.region_dockings.append(
            RegionDockingSpec(
                region_key=key,
                organisation_key=society.key,
                docked_on=_date_between(rng, peer.joined_on, REPORT_DATE),
                commitments=(("每年对接服务园区企业技术需求", rng.choice((5, 8, 10)), "项"),),
                notes="【演示】虚构园区的对接记录。",
            )
        )
    # One peer had a cooperation that ended: it must not count as docked.
    if peer.key == "peer-bochuan":
        ended = next(o for o in content.OTHER_NATIONAL_SOCIETIES if o not in docked)
        world.region_dockings.append(
            RegionDockingSpec(
                region_key=key,
                organisation_key=ended.key,
                docked_on=date(2021, 3, 1),
                commitments=(("每年对接服务园区企业技术需求", 5, "项"),),
                notes="【演示】已终止的对接。",
                ended_on=date(2023, 2, 28),
            )
        )

    def suffix(index: int) -> str:
        return "" if index <= len(peer.industries) else str(index)

    def named(
        kind: str, slug: str, count: int, label: str, label_en: str, *, lab_level: str | None = None
    ) -> list[str]:
        keys = []
        for index in range(1, count + 1):
            industry_key = peer.industries[(index - 1) % len(peer.industries)]
            industry = INDUSTRY_BY_KEY[industry_key]
            spec = gen.add_org(
                OrganisationSpec(
                    key=f"{key}-{slug}-{index}",
                    kind=kind,
                    name=f"{peer.name}{industry.name_zh}{label}{suffix(index)}（演示）",
                    name_en=f"{peer.name_en} {industry.name_en} {label_en} {index} (demo)",
                    description=f"{FICTIONAL_NOTE}",
                    region_key=key,
                    industry_codes=(topics_of(industry_key)[0].industry_code,),
                    lab_level=lab_level,
                    founded_on=_date_between(rng, date(2015, 1, 1), REPORT_DATE),
                )
            )
            keys.append(spec.key)
        return keys

    named("academician_workstation", "workstation", jitter(3 * s), "院士专家工作站", "workstation")
    named("innovation_base", "base", max(1, jitter(1 + 6 * s)), "协同创新基地", "innovation base")
    named(
        "laboratory",
        "lab",
        max(1, jitter(2 + 8 * s)),
        "重点实验室",
        "key lab",
        lab_level="provincial",
    )
    if rng.random() < 0.5:
        named("laboratory", "state-lab", 1, "国家重点实验室", "state key lab", lab_level="national")
    named(
        "laboratory", "other-lab", rng.randint(1, 3), "企业实验室", "company lab", lab_level="other"
    )
    named("society_service_station", "station", jitter(3 * s), "学会服务站", "service station")
    for index in range(1, max(1, jitter(1 + 4 * s)) + 1):
        host = enterprises[peer.industries[(index - 1) % len(peer.industries)]][index]
        association = gen.add_org(
            OrganisationSpec(
                key=f"{key}-association-{index}",
                kind="enterprise_association",
                name=host.name.removesuffix("有限公司（演示）") + "企业科协（演示）",
                name_en=f"{peer.name_en} enterprise science association {index} (demo)",
                description=FICTIONAL_NOTE,
                region_key=key,
                industry_codes=host.industry_codes,
                host_key=host.key,
                founded_on=_date_between(rng, peer.joined_on, REPORT_DATE),
            )
        )
        _volunteers(gen, key, association, rng.randint(15, 15 + int(90 * s)), peer.joined_on)

    experts_by_topic: dict[str, list[ExpertSpec]] = {}
    for index in range(max(3, jitter(4 + 6 * s))):
        industry_key = peer.industries[index % len(peer.industries)]
        topics = topics_of(industry_key)
        primary = rng.choice(topics)
        homes = institutions[industry_key]
        spec = gen.expert(key, rng.choice(homes), primary, None, first_on_topic=False)
        experts_by_topic.setdefault(primary.key, []).append(spec)

    topic_keys = [t.key for i in peer.industries for t in topics_of(i)]
    chosen = rng.sample(topic_keys, k=min(len(topic_keys), max(4, jitter(6 + 14 * s))))
    demands = _demands(gen, key, enterprises, chosen, per_topic=1)
    _dockings(
        gen,
        key,
        demands=demands,
        experts_by_topic=experts_by_topic,
        achievements={},
        organisation_targets={},
        count=max(4, jitter(8 + 20 * s)),
    )

    kinds = [("docking_event", max(2, jitter(5 + 22 * s)))]
    kinds += [("training", max(1, jitter(2 + 5 * s))), ("forum", rng.randint(0, 2))]
    for kind, count in kinds:
        for index in range(1, count + 1):
            industry_key = rng.choice(peer.industries)
            label = {
                "docking_event": "产学研对接会",
                "training": "技术人才培训班",
                "forum": "产业发展论坛",
            }[kind]
            world.events.append(
                EventSpec(
                    key=f"{key}-event-{kind}-{index:02d}",
                    region_key=key,
                    kind=kind,
                    title=f"{peer.name}{INDUSTRY_BY_KEY[industry_key].name_zh}{label}（第{index}期）",
                    held_on=_date_between(rng, peer.joined_on, REPORT_DATE),
                    location=f"{peer.name}（演示）",
                    description="【演示】虚构园区的活动。",
                    organiser_keys=(),
                    participant_keys=tuple(
                        o.key
                        for o in rng.sample(
                            enterprises[industry_key], k=min(5, len(enterprises[industry_key]))
                        )
                    ),
                    expert_keys=(),
                    trainees=rng.randint(25, 30 + int(90 * s)) if kind == "training" else 0,
                    docking_keys=(),
                )
            )


# ---------------------------------------------------------------------- honour lists and users


def _honour_lists(gen: _Generator) -> None:
    rng, world = gen.rng, gen.world
    reviewers = tuple(e.key for e in rng.sample(world.experts[:48], k=3))
    peer_enterprises = [
        o
        for o in world.organisations
        if o.kind == "enterprise" and o.region_key not in (None, LANZHOU)
    ]
    lanzhou_enterprises = [
        o
        for o in world.organisations
        if o.kind == "enterprise" and o.region_key == LANZHOU and o.fictional
    ]
    fictional = rng.sample(peer_enterprises, k=3) + rng.sample(lanzhou_enterprises, k=1)
    world.honour_lists.append(
        HonourListSpec(
            key="honour-2022-emerging",
            kind="emerging_enterprises",
            year=2022,
            title="2022年“科创中国”新锐企业榜",
            nominations=(
                NominationSpec(
                    content.GANSU_CONSTRUCTION_HEAVY.key,
                    "兰州新区推荐。",
                    1,
                    "入选2022年“科创中国”新锐企业榜（据《兰州日报》2024年8月27日报道）。",
                ),
                NominationSpec(fictional[0].key, "【演示】虚构提名。", 2, "【演示】虚构入选。"),
                NominationSpec(fictional[1].key, "【演示】虚构提名。", 3, "【演示】虚构入选。"),
                NominationSpec(fictional[2].key, "【演示】虚构提名。", None, ""),
                NominationSpec(fictional[3].key, "【演示】虚构提名。", None, ""),
            ),
            reviewer_keys=reviewers,
        )
    )
    peer_bases = [
        o
        for o in world.organisations
        if o.kind == "innovation_base" and o.region_key not in (None, LANZHOU)
    ]
    others = rng.sample(peer_bases, k=3)
    world.honour_lists.append(
        HonourListSpec(
            key="honour-2023-integration",
            kind="integrated_innovation_organisations",
            year=2023,
            title="2023年“科创中国”融通创新组织榜",
            nominations=(
                NominationSpec(
                    content.LANBAI_INSTITUTE.key,
                    "兰州新区推荐。",
                    1,
                    "省内唯一入选2023年“融通创新组织榜”的单位（据《兰州日报》2024年8月27日报道）。",
                ),
                NominationSpec(others[0].key, "【演示】虚构提名。", 2, "【演示】虚构入选。"),
                NominationSpec(others[1].key, "【演示】虚构提名。", None, ""),
                NominationSpec(others[2].key, "【演示】虚构提名。", None, ""),
            ),
            reviewer_keys=reviewers,
        )
    )
    _lanzhou_honour_lists(world)


SHORTLISTED = 2
"""Nominations of each demo list that reach the second round."""


def _lanzhou_honour_lists(world: DemoWorld) -> None:
    """兰州新区's own lists of the current year, one in each phase before publication (no random
    draws, so the rest of the world is the same with or without them)."""
    enterprises = sorted(
        (
            o
            for o in world.organisations
            if o.kind == "enterprise" and o.region_key == LANZHOU and o.fictional
        ),
        key=lambda o: o.key,
    )
    bases = sorted(
        (o for o in world.organisations if o.region_key == LANZHOU and o.kind != "enterprise"),
        key=lambda o: o.key,
    )
    nominated = {o.key for o in enterprises[:12]} | {o.key for o in bases[:4]}
    reviewers = tuple(
        e.key
        for e in sorted(world.experts, key=lambda e: (e.region_key != LANZHOU, e.key))
        if e.affiliation_key not in nominated
    )[:12]
    year = REPORT_DATE.year + 1
    plans = (
        ("emerging_enterprises", "nominating", "新锐企业榜（兰州新区推荐）", enterprises[0:4]),
        ("emerging_enterprises", "round1", "新锐企业榜·区内评选", enterprises[4:8]),
        (
            "integrated_innovation_organisations",
            "round2",
            "融通创新组织榜·区内评选",
            [*enterprises[8:12], *bases[:4]][:6],
        ),
    )
    for kind, phase, title, nominees in plans:
        world.honour_lists.append(
            HonourListSpec(
                key=f"honour-{year}-lanzhou-{phase}",
                kind=kind,
                year=year,
                title=f"【演示】{year}年{title}",
                nominations=tuple(
                    NominationSpec(
                        o.key,
                        f"【演示】虚构提名：{o.name}在{'、'.join(o.keywords[:3]) or '本领域'}"
                        "方面表现突出。",
                        rank if rank <= SHORTLISTED else None,
                        "",
                    )
                    for rank, o in enumerate(nominees, start=1)
                ),
                reviewer_keys=reviewers,
                region_key=LANZHOU,
                phase=phase,
            )
        )


def _users(gen: _Generator) -> None:
    world = gen.world
    world.users.append(UserSpec("demo-admin", "演示·全国管理员", "national_admin", None))
    for region in world.regions[:2]:  # 兰州新区 and one peer, to show operators' isolation
        world.users.append(
            UserSpec(
                f"demo-op-{region.key}", f"演示·{region.name}运营", "region_operator", region.key
            )
        )
    demand_owner = next(d.enterprise_key for d in world.demands if d.region_key == LANZHOU)
    world.users.append(
        UserSpec(
            "demo-enterprise",
            "演示·企业用户",
            "enterprise_member",
            LANZHOU,
            organisation_key=demand_owner,
        )
    )
    expert = next(e for e in world.experts if e.region_key == LANZHOU)
    world.users.append(
        UserSpec("demo-expert", f"演示·{expert.name}", "expert", LANZHOU, expert_key=expert.key)
    )
    world.users.append(
        UserSpec("demo-lab", "演示·实验室用户", "org_member", LANZHOU, organisation_key="lz-lab-1")
    )
