"""Named facts of the demo: the Lanzhou report's organisations and the demo's fixed institutions.

The Lanzhou New Area figures follow the report in `../shared/reference/` (《兰州日报》 2024-08-27,
"兰州新区高质量打造'科创中国'样板"). Real organisations keep their real names and carry only the
facts the report states; institutions invented for the demo end in "（演示）".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REPORT_DATE = date(2024, 8, 27)
"""The demo is a snapshot of the region as the report describes it on this day."""

LANZHOU = "lanzhou-new-area"


@dataclass(frozen=True, slots=True)
class RealOrganisation:
    """A real organisation named in the report or docked with a region."""

    key: str
    kind: str
    name: str
    name_en: str
    fact: str  # what the public record says about it, or "" for a plain society


# Six national and four provincial societies docked with 兰州新区: the report says
# "对接国家级省级学会10个" and names
# "中国化工学会、中国检验检测学会、中国机械工程学会等6个国家级学会".
# The other three national and the four provincial societies are real societies chosen for the
# region's industries.
LANZHOU_NATIONAL_SOCIETIES: tuple[RealOrganisation, ...] = (
    RealOrganisation(
        "soc-ciesc",
        "national_society",
        "中国化工学会",
        "Chemical Industry and Engineering Society of China",
        "报道点名的对接学会之一。",
    ),
    RealOrganisation(
        "soc-cits",
        "national_society",
        "中国检验检测学会",
        "China Inspection and Testing Society",
        "报道点名的对接学会之一。",
    ),
    RealOrganisation(
        "soc-cmes",
        "national_society",
        "中国机械工程学会",
        "Chinese Mechanical Engineering Society",
        "报道点名的对接学会之一。",
    ),
    RealOrganisation(
        "soc-cmrs",
        "national_society",
        "中国材料研究学会",
        "Chinese Materials Research Society",
        "",
    ),
    RealOrganisation(
        "soc-csae",
        "national_society",
        "中国汽车工程学会",
        "China Society of Automotive Engineers",
        "",
    ),
    RealOrganisation(
        "soc-cres",
        "national_society",
        "中国可再生能源学会",
        "Chinese Renewable Energy Society",
        "",
    ),
)

LANZHOU_PROVINCIAL_SOCIETIES: tuple[RealOrganisation, ...] = (
    RealOrganisation(
        "soc-gs-chem",
        "provincial_society",
        "甘肃省化工学会",
        "Gansu Chemical Industry Society",
        "",
    ),
    RealOrganisation(
        "soc-gs-mech",
        "provincial_society",
        "甘肃省机械工程学会",
        "Gansu Mechanical Engineering Society",
        "",
    ),
    RealOrganisation(
        "soc-gs-pharm",
        "provincial_society",
        "甘肃省药学会",
        "Gansu Pharmaceutical Association",
        "",
    ),
    RealOrganisation(
        "soc-gs-auto",
        "provincial_society",
        "甘肃省汽车工程学会",
        "Gansu Society of Automotive Engineers",
        "",
    ),
)

# Real national societies that peers dock with; none is docked with 兰州新区, so the region's
# societies_docked stays at the report's 10.
OTHER_NATIONAL_SOCIETIES: tuple[RealOrganisation, ...] = (
    RealOrganisation(
        "soc-cps", "national_society", "中国药学会", "Chinese Pharmaceutical Association", ""
    ),
    RealOrganisation("soc-ccs", "national_society", "中国化学会", "Chinese Chemical Society", ""),
    RealOrganisation(
        "soc-ces", "national_society", "中国电工技术学会", "China Electrotechnical Society", ""
    ),
    RealOrganisation(
        "soc-csm", "national_society", "中国金属学会", "The Chinese Society for Metals", ""
    ),
    RealOrganisation(
        "soc-cis",
        "national_society",
        "中国仪器仪表学会",
        "China Instrument and Control Society",
        "",
    ),
    RealOrganisation(
        "soc-cses",
        "national_society",
        "中国环境科学学会",
        "Chinese Society for Environmental Sciences",
        "",
    ),
)

# Organisations the report names, with its facts.
LANBAI_INSTITUTE = RealOrganisation(
    "org-lanbai-institute",
    "research_institute",
    "兰白试验区联合创新研究院",
    "Lanbai Pilot Zone Joint Innovation Research Institute",
    "作为科创联络员推动基层科协组织建设，组建4家企业科协；引进天然气掺氢技术与加氢站技术；"
    "入选2023年“融通创新组织榜”，为省内唯一入选单位。",
)
GANSU_CONSTRUCTION_HEAVY = RealOrganisation(
    "org-gansu-construction-heavy",
    "enterprise",
    "甘肃建设重工科技有限公司",
    "Gansu Construction Heavy Industry Technology Co., Ltd.",
    "入选2022年“科创中国”新锐企业榜。",
)
TSINGHUA_VEHICLE_SCHOOL = RealOrganisation(
    "org-tsinghua-vehicle",
    "university",
    "清华大学车辆与运载学院",
    "School of Vehicle and Mobility, Tsinghua University",
    "马凡华教授团队的天然气掺氢技术由兰白试验区联合创新研究院引进，在兰州新区转移转化。",
)
SHUNHUA = RealOrganisation(
    "org-shunhua",
    "enterprise",
    "上海舜华新能源技术有限公司",
    "Shanghai Shunhua New Energy Technology Co., Ltd.",
    "其加氢站技术由兰白试验区联合创新研究院引进，在兰州新区转移转化。",
)
SHANGHAI_TECH_EXCHANGE = RealOrganisation(
    "org-shanghai-tech-exchange",
    "technology_exchange",
    "上海技术交易所",
    "Shanghai Technology Exchange",
    "与兰州新区管委会签订战略合作协议。",
)
LANZHOU_ASSOCIATION = RealOrganisation(
    "org-lanzhou-kexie",
    "service_agency",
    "兰州新区科学技术协会",
    "Lanzhou New Area Association for Science and Technology",
    "2022年成立，负责新区“科创中国”试点工作。",
)

SOCIETY_DISCIPLINES: dict[str, tuple[str, ...]] = {
    "中国化工学会": ("530",),
    "中国检验检测学会": ("410",),
    "中国机械工程学会": ("460",),
    "中国材料研究学会": ("430",),
    "中国汽车工程学会": ("580",),
    "中国可再生能源学会": ("480",),
    "甘肃省化工学会": ("530",),
    "甘肃省机械工程学会": ("460",),
    "甘肃省药学会": ("350",),
    "甘肃省汽车工程学会": ("580",),
    "中国药学会": ("350",),
    "中国化学会": ("150",),
    "中国电工技术学会": ("470",),
    "中国金属学会": ("450",),
    "中国仪器仪表学会": ("460",),
    "中国环境科学学会": ("610",),
}
"""GB/T 13745 level-1 discipline of each real society (its field), so that demands reach the
societies through discipline routing (the matching engine) as a 科协 operator would."""

REAL_ORGANISATIONS: tuple[RealOrganisation, ...] = (
    LANBAI_INSTITUTE,
    GANSU_CONSTRUCTION_HEAVY,
    TSINGHUA_VEHICLE_SCHOOL,
    SHUNHUA,
    SHANGHAI_TECH_EXCHANGE,
    LANZHOU_ASSOCIATION,
)
"""Real organisations the report names; those located in 兰州新区 are the institute, the
enterprise and the association."""

REAL_IN_LANZHOU = frozenset(
    {LANBAI_INSTITUTE.key, GANSU_CONSTRUCTION_HEAVY.key, LANZHOU_ASSOCIATION.key}
)

HYDROGEN_THINK_TANK = ("tank-hydrogen", "氢能产业专家智库", "Hydrogen Industry Expert Think Tank")
NEV_COMMITTEE = (
    "tank-nev-alliance",
    "甘肃省新能源汽车产业技术创新战略联盟专家委员会",
    "Expert Committee of the Gansu NEV Industry Technology Innovation Strategic Alliance",
)


@dataclass(frozen=True, slots=True)
class FictionalInstitution:
    """A university or research institute invented to employ the demo's fictional experts."""

    key: str
    kind: str
    name: str
    name_en: str
    industries: tuple[str, ...]
    in_lanzhou: bool


FICTIONAL_INSTITUTIONS: tuple[FictionalInstitution, ...] = (
    FictionalInstitution(
        "inst-longyuan-tech",
        "university",
        "陇原理工大学（演示）",
        "Longyuan University of Technology (demo)",
        ("chem", "material", "equipment"),
        in_lanzhou=False,
    ),
    FictionalInstitution(
        "inst-hexi-industrial",
        "university",
        "河西工业大学（演示）",
        "Hexi Industrial University (demo)",
        ("equipment", "nev"),
        in_lanzhou=False,
    ),
    FictionalInstitution(
        "inst-west-chem",
        "research_institute",
        "西岭化工研究院（演示）",
        "Xiling Chemical Research Institute (demo)",
        ("chem",),
        in_lanzhou=True,
    ),
    FictionalInstitution(
        "inst-jincheng-material",
        "research_institute",
        "砚川新材料研究院（演示）",
        "Yanchuan Institute of New Materials (demo)",
        ("material",),
        in_lanzhou=True,
    ),
    FictionalInstitution(
        "inst-huanghe-pharma",
        "research_institute",
        "澜屿医药研究所（演示）",
        "Lanyu Pharmaceutical Institute (demo)",
        ("bio",),
        in_lanzhou=False,
    ),
    FictionalInstitution(
        "inst-silkroad-hydrogen",
        "research_institute",
        "鹤汀氢能研究院（演示）",
        "Heting Hydrogen Energy Institute (demo)",
        ("hydrogen", "nev"),
        in_lanzhou=True,
    ),
    FictionalInstitution(
        "inst-qilian-medical",
        "university",
        "祁岫医科大学（演示）",
        "Qixiu Medical University (demo)",
        ("bio",),
        in_lanzhou=False,
    ),
    FictionalInstitution(
        "inst-yunlan-energy",
        "university",
        "云澜能源大学（演示）",
        "Yunlan University of Energy (demo)",
        ("hydrogen", "nev", "material"),
        in_lanzhou=False,
    ),
)

# Provincial-or-higher laboratories of 兰州新区 ("省级以上实验室7个"), by industry; all invented.
LANZHOU_LABS: tuple[tuple[str, str, str, str], ...] = (
    (
        "chem",
        "甘肃省精细化工过程安全重点实验室（演示）",
        "Gansu Key Laboratory of Fine Chemical Process Safety (demo)",
        "provincial",
    ),
    (
        "material",
        "甘肃省新能源电池材料重点实验室（演示）",
        "Gansu Key Laboratory of Battery Materials (demo)",
        "provincial",
    ),
    (
        "material",
        "甘肃省电子化学品工程实验室（演示）",
        "Gansu Engineering Laboratory of Electronic Chemicals (demo)",
        "provincial",
    ),
    (
        "equipment",
        "甘肃省高端装备结构可靠性重点实验室（演示）",
        "Gansu Key Laboratory of Structural Reliability of Heavy Equipment (demo)",
        "provincial",
    ),
    (
        "bio",
        "甘肃省道地中药材质量控制重点实验室（演示）",
        "Gansu Key Laboratory of Authentic Herb Quality Control (demo)",
        "provincial",
    ),
    (
        "hydrogen",
        "甘肃省氢能储运与加注重点实验室（演示）",
        "Gansu Key Laboratory of Hydrogen Storage and Refuelling (demo)",
        "provincial",
    ),
    (
        "nev",
        "甘肃省新能源汽车动力系统重点实验室（演示）",
        "Gansu Key Laboratory of NEV Powertrains (demo)",
        "provincial",
    ),
)
# Labs below provincial level: on the platform but not counted by the report's "省级以上".
LANZHOU_OTHER_LABS: tuple[tuple[str, str, str, str], ...] = (
    (
        "chem",
        "新区化工企业联合检测实验室（演示）",
        "New Area Joint Testing Laboratory of Chemical Enterprises (demo)",
        "other",
    ),
    (
        "equipment",
        "新区装备制造中试实验室（演示）",
        "New Area Equipment Pilot Laboratory (demo)",
        "other",
    ),
)

LANZHOU_BASES: tuple[tuple[str, str, str], ...] = (
    (
        "chem",
        "兰州新区绿色化工协同创新基地（演示）",
        "Lanzhou New Area Green Chemicals Collaborative Innovation Base (demo)",
    ),
    (
        "material",
        "兰州新区新材料协同创新基地（演示）",
        "Lanzhou New Area New Materials Collaborative Innovation Base (demo)",
    ),
    (
        "equipment",
        "兰州新区高端装备协同创新基地（演示）",
        "Lanzhou New Area Advanced Equipment Collaborative Innovation Base (demo)",
    ),
    (
        "bio",
        "兰州新区生物医药协同创新基地（演示）",
        "Lanzhou New Area Biomedicine Collaborative Innovation Base (demo)",
    ),
    (
        "hydrogen",
        "兰州新区氢能与新能源汽车协同创新基地（演示）",
        "Lanzhou New Area Hydrogen and NEV Collaborative Innovation Base (demo)",
    ),
)

# (industry, station name, English name, key of the society it is attached to)
LANZHOU_STATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "chem",
        "兰州新区绿色化工学会服务站（演示）",
        "Lanzhou New Area Green Chemicals Society Service Station (demo)",
        "soc-ciesc",
    ),
    (
        "equipment",
        "兰州新区装备制造学会服务站（演示）",
        "Lanzhou New Area Equipment Society Service Station (demo)",
        "soc-cmes",
    ),
)


@dataclass(frozen=True, slots=True)
class PeerRegion:
    """A fictional pilot park that gives 兰州新区 peers in the national ranking."""

    key: str
    name: str
    name_en: str
    province: str
    joined_on: date
    industries: tuple[str, ...]
    scale: float  # 0–1: how far along the park is; drives every figure of the park


PEER_REGIONS: tuple[PeerRegion, ...] = (
    PeerRegion(
        "peer-qinghe",
        "青禾新区",
        "Qinghe New Area",
        "陕西省",
        date(2020, 11, 20),
        ("equipment", "material", "nev"),
        0.9,
    ),
    PeerRegion(
        "peer-lanshi",
        "澜石科技城",
        "Lanshi Science City",
        "云南省",
        date(2021, 6, 8),
        ("bio", "material"),
        0.55,
    ),
    PeerRegion(
        "peer-bochuan",
        "渤川高新区",
        "Bochuan Hi-tech Zone",
        "河北省",
        date(2020, 11, 20),
        ("chem", "equipment", "hydrogen"),
        0.75,
    ),
    PeerRegion(
        "peer-tongxi",
        "桐溪经开区",
        "Tongxi Economic Development Zone",
        "浙江省",
        date(2021, 6, 8),
        ("nev", "equipment"),
        0.65,
    ),
    PeerRegion(
        "peer-beiyuan",
        "北塬新区",
        "Beiyuan New Area",
        "内蒙古自治区",
        date(2022, 7, 15),
        ("hydrogen", "chem"),
        0.35,
    ),
    PeerRegion(
        "peer-xingzhou",
        "星洲科创园",
        "Xingzhou Innovation Park",
        "福建省",
        date(2022, 7, 15),
        ("bio", "nev", "material"),
        0.45,
    ),
)
