"""The column spec of every aggregate and how its rows map to service calls.

Import order for a whole region (each kind may refer to the ones before it): regions,
organisations, region-dockings, experts, expert-works, volunteers, achievements, demands, events,
dockings, honour-entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    HonourEntry,
    HonourList,
    HonourListKind,
    Nomination,
    NomineeKind,
    Organisation,
    OrganisationKind,
    Region,
    TransferMode,
    Work,
    WorkKind,
)
from kechuang.domain.common import validate
from kechuang.domain.organisation import LabLevel
from kechuang.domain.region import Commitment, RegionDocking, RegionKind
from kechuang.domain.volunteer import Volunteer
from kechuang.exchange.bindings import (
    Binding,
    ImportContext,
    Row,
    _list,
    _Names,
    _reference_error,
    _text,
    all_pages,
    col,
    demo_col,
    disciplines_col,
    from_fen,
    industries_col,
    keywords_col,
    money_col,
    region_col,
    register,
    to_fen,
    with_demo_flag,
)
from kechuang.exchange.cells import Value
from kechuang.exchange.messages import Text
from kechuang.exchange.spec import ColumnType as T
from kechuang.exchange.spec import SheetSpec
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    honours,
    organisations,
    regions,
    volunteers,
)

# --------------------------------------------------------------------------------------- regions

REGIONS = SheetSpec(
    "regions",
    Text("试点区域", "Pilot regions"),
    (
        col(
            "name",
            "名称",
            "Name",
            required=True,
            example="兰州新区",
            help_zh="区域的唯一名称；重复导入按名称合并。",
            help_en="Unique name; re-imports merge by name.",
        ),
        col("kind", "类型", "Kind", T.CHOICE, choices=RegionKind, example="国家级新区"),
        col("name_en", "英文名称", "English name", example="Lanzhou New Area"),
        col("province", "省份", "Province", example="甘肃省"),
        col(
            "division_code",
            "行政区划代码",
            "Division code",
            example="620100",
            help_zh="GB/T 2260 行政区划代码。",
            help_en="GB/T 2260 administrative division code.",
        ),
        col("description", "简介", "Description"),
        col(
            "docking_stale_days",
            "停滞提醒天数",
            "Stale-docking days",
            T.INTEGER,
            minimum=1,
            maximum=365,
            example="14",
            help_zh="对接无变化超过多少天视为停滞并提醒双方；留空使用全局设置。",
            help_en="Days without change after which a docking is stale and its parties are "
            "reminded; blank: the installation's setting.",
        ),
        demo_col(),
    ),
)


def _load_region(context: ImportContext, values: Mapping[str, Value]) -> bool:
    data = {k: values[k] for k in ("name", "name_en", "province", "division_code", "description")}
    data = {k: _text(v) for k, v in data.items()}
    if values["kind"]:
        data["kind"] = values["kind"]
    data["docking_stale_days"] = values["docking_stale_days"]
    return regions.upsert(context.actor, validate(Region, with_demo_flag(data, values))).created


def _export_regions(actor: Actor) -> Iterable[Row]:
    for region in all_pages(regions.list, actor):
        yield region.model_dump()


register(Binding(REGIONS, _load_region, _export_regions))

# --------------------------------------------------------------------------------- organisations

ORGANISATIONS = SheetSpec(
    "organisations",
    Text(
        "机构（企业、学会、高校、实验室、工作站等）",
        "Organisations (enterprises, societies, universities, labs, workstations ...)",
    ),
    (
        col("name", "名称", "Name", required=True, example="兰州新区示例化工有限公司（演示）"),
        col(
            "kind",
            "机构类型",
            "Kind",
            T.CHOICE,
            required=True,
            choices=OrganisationKind,
            example="企业",
        ),
        col(
            "credit_code",
            "统一社会信用代码",
            "Unified social credit code",
            help_zh="18 位代码（GB 32100）；有此代码时重复导入按它合并。",
            help_en="18 characters (GB 32100); re-imports merge by it.",
            example="91620100MA74XXXX0X",
        ),
        region_col(required=False),
        col(
            "lab_level",
            "实验室级别",
            "Lab level",
            T.CHOICE,
            choices=LabLevel,
            help_zh="仅实验室填写。",
            help_en="Laboratories only.",
        ),
        col(
            "host",
            "依托单位",
            "Host organisation",
            help_zh="依托企业、所属学会等：名称或统一社会信用代码，须已存在（可在本文件前面的行中）。",
            help_en="Hosting enterprise, parent society …: name or credit code of an existing "
            "organisation (may be an earlier row of this file).",
        ),
        col("name_en", "英文名称", "English name"),
        industries_col(),
        disciplines_col(),
        keywords_col(),
        col("description", "简介", "Description"),
        col("address", "地址", "Address"),
        col("website", "网站", "Website"),
        col("phone", "电话", "Phone"),
        col("email", "电子邮箱", "Email"),
        col("founded_on", "成立日期", "Founded on", T.DATE, example="2018-05-20"),
        col("employee_count", "员工人数", "Employees", T.INTEGER, minimum=0, example="120"),
        demo_col(),
    ),
    notes=(
        Text(
            "重复的机构按统一社会信用代码合并；无代码时按名称 + 类型 + 区域合并。",
            "Duplicates merge by credit code, else by name + kind + region.",
        ),
    ),
)

_ORG_TEXT = ("name", "name_en", "description", "address", "website", "phone", "email")


def _load_organisation(context: ImportContext, values: Mapping[str, Value]) -> bool:
    data: dict[str, Any] = {key: _text(values[key]) for key in _ORG_TEXT}
    data.update(
        kind=values["kind"],
        credit_code=values["credit_code"] or None,
        region_id=context.region_id(values["region"]),
        lab_level=values["lab_level"] or None,
        host_organisation_id=context.organisation_id(values["host"], "host"),
        industry_codes=_list(values["industry_codes"]),
        discipline_codes=_list(values["discipline_codes"]),
        keywords=_list(values["keywords"]),
        founded_on=values["founded_on"],
        employee_count=values["employee_count"],
    )
    organisation = validate(Organisation, with_demo_flag(data, values))
    return organisations.upsert(context.actor, organisation).created


def _export_organisations(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    records = list(all_pages(organisations.list, actor))
    # hosts before the organisations they host, so the file imports top to bottom
    records.sort(key=lambda organisation: organisation.host_organisation_id is not None)
    for organisation in records:
        row = organisation.model_dump()
        row["region"] = names.region(organisation.region_id)
        row["host"] = names.organisation(organisation.host_organisation_id)
        yield row


register(
    Binding(
        ORGANISATIONS,
        _load_organisation,
        _export_organisations,
        field_columns={"region_id": "region", "host_organisation_id": "host"},
        requires=("regions",),
    )
)

# --------------------------------------------------------------------------------- region dockings

REGION_DOCKINGS = SheetSpec(
    "region-dockings",
    Text("区域对接的机构（如签约学会）", "Organisations docked with a region (e.g. societies)"),
    (
        region_col(),
        col(
            "organisation",
            "机构",
            "Organisation",
            required=True,
            example="中国化工学会",
            help_zh="机构名称或统一社会信用代码，须已存在。",
            help_en="Name or credit code of an existing organisation.",
        ),
        col("signed_on", "签约日期", "Signed on", T.DATE, required=True, example="2024-05-10"),
        col("ended_on", "结束日期", "Ended on", T.DATE),
        col(
            "commitments",
            "承诺事项",
            "Commitments",
            T.TEXT_LIST,
            example="服务企业需求|10|项",
            help_zh="每项写作“内容|目标数|单位”（后两项可省略），多项用分号分隔。",
            help_en="Each as “description|target|unit” (last two optional); separate with “;”.",
        ),
        col("notes", "备注", "Notes"),
        demo_col(),
    ),
    notes=(
        Text(
            "同一区域与同一机构只保留一条对接记录，重复导入会更新它。",
            "One docking per region and organisation; re-imports update it.",
        ),
    ),
)


def _commitments(items: Value) -> list[Commitment]:
    result = []
    for item in _list(items):
        parts = [part.strip() for part in item.split("|")]
        target = parts[1] if len(parts) > 1 and parts[1] else None
        if target is not None and not target.isdigit():
            raise _reference_error(
                "commitments",
                f"承诺“{item}”的目标数不是整数",
                f"the target of commitment “{item}” is not a whole number",
                "请写作“内容|目标数|单位”，如“服务企业需求|10|项”",
                "Write “description|target|unit”, e.g. “serve demands|10|items”",
            )
        result.append(
            Commitment(
                description=parts[0],
                target=int(target) if target else None,
                unit=parts[2] if len(parts) > 2 else "",
            )
        )
    return result


def _format_commitment(commitment: Commitment) -> str:
    if commitment.target is None and not commitment.unit:
        return commitment.description
    target = "" if commitment.target is None else str(commitment.target)
    return f"{commitment.description}|{target}|{commitment.unit}"


def _load_region_docking(context: ImportContext, values: Mapping[str, Value]) -> bool:
    region_id = context.region_id(values["region"])
    organisation_id = context.organisation_id(values["organisation"], "organisation")
    assert region_id is not None
    assert organisation_id is not None
    data: dict[str, Any] = {
        "region_id": region_id,
        "organisation_id": organisation_id,
        "signed_on": values["signed_on"],
        "ended_on": values["ended_on"],
        "commitments": _commitments(values["commitments"]),
        "notes": _text(values["notes"]),
    }
    docking = validate(RegionDocking, with_demo_flag(data, values))
    for existing in regions.list_dockings(context.actor, region_id):
        if existing.organisation_id == organisation_id and existing.id is not None:
            changes = docking.model_dump(include={"signed_on", "ended_on", "commitments", "notes"})
            regions.update_docking(context.actor, existing.id, changes)
            return False
    regions.dock(context.actor, docking)
    return True


def _export_region_dockings(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for region in all_pages(regions.list, actor):
        assert region.id is not None
        for docking in regions.list_dockings(actor, region.id):
            row = docking.model_dump()
            row["region"] = region.name
            row["organisation"] = names.organisation(docking.organisation_id)
            row["commitments"] = [_format_commitment(c) for c in docking.commitments]
            yield row


register(
    Binding(
        REGION_DOCKINGS,
        _load_region_docking,
        _export_region_dockings,
        field_columns={"region_id": "region", "organisation_id": "organisation"},
        requires=("regions", "organisations"),
    )
)

# --------------------------------------------------------------------------------------- experts

EXPERTS = SheetSpec(
    "experts",
    Text("专家", "Experts"),
    (
        col("name", "姓名", "Name", required=True, example="张示例（演示）"),
        col(
            "affiliation",
            "工作单位",
            "Affiliation",
            example="兰州大学",
            help_zh="姓名 + 工作单位相同的专家视为同一人，重复导入会合并。",
            help_en="Name + affiliation identify an expert; re-imports merge.",
        ),
        col("title", "职称", "Title", example="教授"),
        col("name_en", "英文姓名", "English name"),
        region_col(required=False),
        col("is_academician", "是否院士", "Academician", T.BOOLEAN, example="否"),
        disciplines_col(),
        industries_col(),
        keywords_col(),
        col(
            "think_tanks",
            "所属智库",
            "Think tanks",
            T.TEXT_LIST,
            help_zh="多个用分号分隔。",
            help_en="Separate with “;”.",
        ),
        col(
            "capacity",
            "同时对接上限",
            "Capacity",
            T.INTEGER,
            minimum=0,
            maximum=100,
            example="3",
            help_zh="可同时承接的对接数。",
            help_en="How many dockings at once.",
        ),
        col("bio", "简介", "Biography"),
        col("phone", "电话（不公开）", "Phone (private)"),
        col("email", "电子邮箱（不公开）", "Email (private)"),
        col("wechat", "微信（不公开）", "WeChat (private)"),
        col("address", "通讯地址（不公开）", "Address (private)"),
        demo_col(),
    ),
    notes=(
        Text(
            "联系方式不公开，仅管理员、本区域运营人员和专家本人可见与导出。",
            "Contact data is private: only admins, the region's operators and the expert "
            "see and export it.",
        ),
        Text(
            "专家的论文、专利、项目、成果请用“expert-works”类型导入。",
            "Import an expert's papers, patents, projects and achievements as “expert-works”.",
        ),
    ),
)

_CONTACT = ("phone", "email", "wechat", "address")


def _load_expert(context: ImportContext, values: Mapping[str, Value]) -> bool:
    contact = {key: _text(values[key]) for key in _CONTACT}
    data: dict[str, Any] = {
        key: _text(values[key]) for key in ("name", "affiliation", "title", "name_en", "bio")
    }
    data.update(
        region_id=context.region_id(values["region"]),
        is_academician=bool(values["is_academician"]),
        discipline_codes=_list(values["discipline_codes"]),
        industry_codes=_list(values["industry_codes"]),
        keywords=_list(values["keywords"]),
        think_tanks=_list(values["think_tanks"]),
        contact=contact if any(contact.values()) else None,
    )
    if values["capacity"] is not None:
        data["capacity"] = values["capacity"]
    return experts.upsert(context.actor, validate(Expert, with_demo_flag(data, values))).created


def _export_experts(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for expert in all_pages(experts.list, actor):
        row = expert.model_dump(exclude={"contact", "works"})
        row["region"] = names.region(expert.region_id)
        if expert.contact is not None:
            row.update(expert.contact.model_dump())
        yield row


register(
    Binding(
        EXPERTS,
        _load_expert,
        _export_experts,
        field_columns={"region_id": "region", "contact": "phone"},
        requires=("regions",),
    )
)

# ----------------------------------------------------------------------------------- expert works

EXPERT_WORKS = SheetSpec(
    "expert-works",
    Text("专家成果（论文、专利、项目、成果）", "Experts' works (papers, patents, projects ...)"),
    (
        col("expert_name", "专家姓名", "Expert name", required=True, example="张示例（演示）"),
        col(
            "expert_affiliation",
            "专家工作单位",
            "Expert affiliation",
            example="兰州大学",
            help_zh="与专家表中的工作单位一致。",
            help_en="As in the experts sheet.",
        ),
        col("kind", "类别", "Kind", T.CHOICE, required=True, choices=WorkKind, example="论文"),
        col("title", "题名", "Title", required=True, example="天然气掺氢输送管材相容性研究"),
        col(
            "authors",
            "作者",
            "Authors",
            T.TEXT_LIST,
            example="张示例; 李四",
            help_zh="多位作者用分号分隔，按署名顺序。",
            help_en="Separate with “;”, in the order of the byline.",
        ),
        col("year", "年份", "Year", T.INTEGER, minimum=1900, maximum=2100, example="2023"),
        col("venue", "期刊/授权机构/项目来源", "Venue", example="化工学报"),
        col("identifier", "编号（DOI/专利号/项目号）", "Identifier (DOI, patent or project no.)"),
        keywords_col(),
        col("abstract", "摘要", "Abstract"),
        col("url", "链接", "URL"),
    ),
    notes=(
        Text(
            "同一专家的同类别、同题名视为同一成果，重复导入会更新。",
            "The same kind + title of one expert is one work; re-imports update it.",
        ),
    ),
)

_WORK_TEXT = ("title", "venue", "identifier", "abstract", "url")


def _load_work(context: ImportContext, values: Mapping[str, Value]) -> bool:
    expert_id = context.expert_id(
        values["expert_name"], values["expert_affiliation"], "expert_name"
    )
    data: dict[str, Any] = {key: _text(values[key]) for key in _WORK_TEXT}
    data.update(
        kind=values["kind"],
        year=values["year"],
        keywords=_list(values["keywords"]),
        authors=_list(values["authors"]),
    )
    work = validate(Work, data)
    full = experts.get(context.actor, expert_id)
    for index, existing in enumerate(full.works):
        if existing.kind == work.kind and existing.title == work.title:
            works = list(full.works)
            works[index] = work.model_copy(update={"id": existing.id})
            experts.update(context.actor, expert_id, {"works": works})
            return False
    experts.add_work(context.actor, expert_id, work)
    return True


def _export_works(actor: Actor) -> Iterable[Row]:
    for listed in all_pages(experts.list, actor):
        assert listed.id is not None
        expert = experts.get(actor, listed.id)
        for work in expert.works:
            row = work.model_dump()
            row.update(expert_name=expert.name, expert_affiliation=expert.affiliation)
            yield row


register(Binding(EXPERT_WORKS, _load_work, _export_works, requires=("experts",)))

# ------------------------------------------------------------------------------------ volunteers

VOLUNTEERS = SheetSpec(
    "volunteers",
    Text("科技志愿者", "Science and technology volunteers"),
    (
        col("name", "姓名", "Name", required=True, example="李示例（演示）"),
        region_col(),
        col(
            "association",
            "所属企业科协",
            "Enterprise science association",
            help_zh="企业科协名称或统一社会信用代码，须已存在。",
            help_en="Name or credit code of an existing enterprise science association.",
        ),
        col("speciality", "专业特长", "Speciality", example="化工工艺"),
        col(
            "skills",
            "技能",
            "Skills",
            T.TEXT_LIST,
            help_zh="多项用分号分隔。",
            help_en="Separate with “;”.",
        ),
        col("joined_on", "加入日期", "Joined on", T.DATE, example="2023-03-01"),
        col(
            "service_hours", "服务时长（小时）", "Service hours", T.INTEGER, minimum=0, example="12"
        ),
        demo_col(),
    ),
    notes=(
        Text(
            "姓名 + 企业科协 + 区域相同视为同一志愿者。",
            "Name + association + region identify a volunteer.",
        ),
    ),
)


def _load_volunteer(context: ImportContext, values: Mapping[str, Value]) -> bool:
    data: dict[str, Any] = {
        "name": _text(values["name"]),
        "region_id": context.region_id(values["region"]),
        "association_id": context.organisation_id(values["association"], "association"),
        "speciality": _text(values["speciality"]),
        "skills": _list(values["skills"]),
        "joined_on": values["joined_on"],
    }
    if values["service_hours"] is not None:
        data["service_hours"] = values["service_hours"]
    volunteer = validate(Volunteer, with_demo_flag(data, values))
    return volunteers.upsert(context.actor, volunteer).created


def _export_volunteers(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for volunteer in all_pages(volunteers.list, actor):
        row = volunteer.model_dump()
        row["region"] = names.region(volunteer.region_id)
        row["association"] = names.organisation(volunteer.association_id)
        yield row


register(
    Binding(
        VOLUNTEERS,
        _load_volunteer,
        _export_volunteers,
        field_columns={"region_id": "region", "association_id": "association"},
        requires=("regions", "organisations"),
    )
)

# ---------------------------------------------------------------------------------- achievements

ACHIEVEMENTS = SheetSpec(
    "achievements",
    Text("科技成果", "Technology achievements"),
    (
        col("title", "成果名称", "Title", required=True, example="天然气掺氢关键技术（演示）"),
        col(
            "trl",
            "成熟度（TRL）",
            "Maturity (TRL)",
            T.INTEGER,
            required=True,
            minimum=1,
            maximum=9,
            example="6",
            help_zh="技术就绪水平 1–9。",
            help_en="Technology readiness level 1–9.",
        ),
        col(
            "owner_name",
            "权利人",
            "Owner",
            example="兰州大学",
            help_zh="成果名称 + 权利人相同视为同一成果，重复导入会合并。",
            help_en="Title + owner identify an achievement; re-imports merge.",
        ),
        col(
            "owner_organisation",
            "权利人机构",
            "Owner organisation",
            help_zh="若权利人已在系统中：名称或统一社会信用代码。",
            help_en="If the owner is registered: its name or credit code.",
        ),
        region_col(required=False),
        col(
            "patent_numbers",
            "专利号",
            "Patent numbers",
            T.TEXT_LIST,
            example="CN112345678A",
            help_zh="多个用分号分隔。",
            help_en="Separate with “;”.",
        ),
        col(
            "transfer_modes",
            "转化方式",
            "Transfer modes",
            T.CHOICES,
            choices=TransferMode,
            example="转让; 许可",
        ),
        money_col("asking_price", "报价（元）", "Asking price (yuan)"),
        col("status", "状态", "Status", T.CHOICE, choices=AchievementStatus, example="已发布"),
        industries_col(),
        disciplines_col(),
        keywords_col(),
        col("description", "成果简介", "Description"),
        demo_col(),
    ),
)


def _load_achievement(context: ImportContext, values: Mapping[str, Value]) -> bool:
    data: dict[str, Any] = {
        "title": _text(values["title"]),
        "trl": values["trl"],
        "owner_name": _text(values["owner_name"]),
        "owner_organisation_id": context.organisation_id(
            values["owner_organisation"], "owner_organisation"
        ),
        "region_id": context.region_id(values["region"]),
        "patent_numbers": _list(values["patent_numbers"]),
        "transfer_modes": _list(values["transfer_modes"]),
        "asking_price_fen": to_fen(values["asking_price"], "asking_price"),
        "industry_codes": _list(values["industry_codes"]),
        "discipline_codes": _list(values["discipline_codes"]),
        "keywords": _list(values["keywords"]),
        "description": _text(values["description"]),
    }
    if values["status"]:
        data["status"] = values["status"]
    achievement = validate(Achievement, with_demo_flag(data, values))
    return achievements.upsert(context.actor, achievement).created


def _export_achievements(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for achievement in all_pages(achievements.list, actor):
        row = achievement.model_dump()
        row["region"] = names.region(achievement.region_id)
        row["owner_organisation"] = names.organisation(achievement.owner_organisation_id)
        row["asking_price"] = from_fen(achievement.asking_price_fen)
        yield row


register(
    Binding(
        ACHIEVEMENTS,
        _load_achievement,
        _export_achievements,
        field_columns={
            "region_id": "region",
            "owner_organisation_id": "owner_organisation",
            "asking_price_fen": "asking_price",
        },
        requires=("regions", "organisations"),
    )
)

# --------------------------------------------------------------------------------------- demands

DEMANDS = SheetSpec(
    "demands",
    Text("科技需求", "Technology demands"),
    (
        col(
            "title",
            "需求名称",
            "Title",
            required=True,
            example="高纯电子化学品提纯工艺优化（演示）",
        ),
        col(
            "enterprise",
            "需求企业",
            "Enterprise",
            required=True,
            example="兰州新区示例化工有限公司（演示）",
            help_zh="企业名称或统一社会信用代码，须已存在；企业 + 需求名称相同视为同一需求。",
            help_en="Name or credit code of an existing enterprise; enterprise + title identify "
            "a demand.",
        ),
        region_col(),
        col("background", "需求背景", "Background"),
        col("key_problems", "关键技术难题", "Key technical problems"),
        col("target_indicators", "技术指标", "Target indicators"),
        industries_col(),
        disciplines_col(),
        keywords_col(),
        money_col("budget", "预算（元）", "Budget (yuan)"),
        col("deadline", "截止日期", "Deadline", T.DATE, example="2025-12-31"),
        col(
            "tier",
            "保密等级",
            "Confidentiality",
            T.CHOICE,
            choices=ConfidentialityTier,
            example="公开",
        ),
        col("status", "状态", "Status", T.CHOICE, choices=DemandStatus, example="已发布"),
        col("contact_name", "联系人", "Contact person"),
        demo_col(),
    ),
)

_DEMAND_TEXT = ("title", "background", "key_problems", "target_indicators", "contact_name")


def _load_demand(context: ImportContext, values: Mapping[str, Value]) -> bool:
    data: dict[str, Any] = {key: _text(values[key]) for key in _DEMAND_TEXT}
    data.update(
        enterprise_id=context.organisation_id(values["enterprise"], "enterprise"),
        region_id=context.region_id(values["region"]),
        industry_codes=_list(values["industry_codes"]),
        discipline_codes=_list(values["discipline_codes"]),
        keywords=_list(values["keywords"]),
        budget_fen=to_fen(values["budget"], "budget"),
        deadline=values["deadline"],
    )
    for key in ("tier", "status"):
        if values[key]:
            data[key] = values[key]
    return demands.upsert(context.actor, validate(Demand, with_demo_flag(data, values))).created


def _export_demands(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for demand in all_pages(demands.list, actor):
        row = demand.model_dump()
        row["region"] = names.region(demand.region_id)
        row["enterprise"] = names.organisation(demand.enterprise_id)
        row["budget"] = from_fen(demand.budget_fen)
        yield row


register(
    Binding(
        DEMANDS,
        _load_demand,
        _export_demands,
        field_columns={
            "region_id": "region",
            "enterprise_id": "enterprise",
            "budget_fen": "budget",
        },
        requires=("regions", "organisations"),
    )
)

# ---------------------------------------------------------------------------------------- events

EVENTS = SheetSpec(
    "events",
    Text(
        "活动（对接会、路演、培训、论坛）", "Events (docking events, roadshows, trainings, forums)"
    ),
    (
        col("title", "活动名称", "Title", required=True, example="氢能产业技术对接会（演示）"),
        col(
            "kind",
            "活动类型",
            "Kind",
            T.CHOICE,
            required=True,
            choices=EventKind,
            example="对接活动",
        ),
        region_col(),
        col("starts_on", "开始日期", "Starts on", T.DATE, required=True, example="2024-06-18"),
        col("ends_on", "结束日期", "Ends on", T.DATE),
        col("location", "地点", "Location", example="兰州新区科创中心"),
        col(
            "organisers",
            "主办单位",
            "Organisers",
            T.TEXT_LIST,
            example="中国化工学会",
            help_zh="已存在机构的名称或统一社会信用代码，多个用分号分隔。",
            help_en="Names or credit codes of existing organisations, separated by “;”.",
        ),
        col(
            "trainee_count",
            "培训人次",
            "Trainees (person-times)",
            T.INTEGER,
            minimum=0,
            example="60",
        ),
        col("description", "简介", "Description"),
        demo_col(),
    ),
    notes=(
        Text(
            "区域 + 活动名称 + 开始日期相同视为同一活动，重复导入会更新。参会名单请在系统中维护。",
            "Region + title + start date identify an event; re-imports update it. "
            "Participants are kept in the platform, not in this sheet.",
        ),
    ),
)


def _load_event(context: ImportContext, values: Mapping[str, Value]) -> bool:
    region_id = context.region_id(values["region"])
    organiser_ids = [
        context.organisation_id(name, "organisers") for name in _list(values["organisers"])
    ]
    data: dict[str, Any] = {
        "region_id": region_id,
        "kind": values["kind"],
        "title": _text(values["title"]),
        "starts_on": values["starts_on"],
        "ends_on": values["ends_on"],
        "location": _text(values["location"]),
        "organiser_ids": organiser_ids,
        "description": _text(values["description"]),
    }
    if values["trainee_count"] is not None:
        data["trainee_count"] = values["trainee_count"]
    event = validate(Event, with_demo_flag(data, values))
    for existing in all_pages(events.list, context.actor, region_id=region_id, q=event.title):
        if existing.title == event.title and existing.starts_on == event.starts_on:
            assert existing.id is not None
            events.update(
                context.actor,
                existing.id,
                event.model_dump(
                    include={
                        "kind",
                        "ends_on",
                        "location",
                        "organiser_ids",
                        "trainee_count",
                        "description",
                    }
                ),
            )
            return False
    events.create(context.actor, event)
    return True


def _export_events(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for event in all_pages(events.list, actor):
        row = event.model_dump()
        row["region"] = names.region(event.region_id)
        row["organisers"] = [names.organisation(i) for i in event.organiser_ids]
        yield row


register(
    Binding(
        EVENTS,
        _load_event,
        _export_events,
        field_columns={"region_id": "region", "organiser_ids": "organisers"},
        requires=("regions", "organisations"),
    )
)

# -------------------------------------------------------------------------------------- dockings

_PATH = (
    DockingStage.PROPOSED,
    DockingStage.CONTACTED,
    DockingStage.MEETING,
    DockingStage.NEGOTIATING,
    DockingStage.SIGNED,
    DockingStage.DELIVERED,
)

DOCKINGS = SheetSpec(
    "dockings",
    Text("需求对接", "Dockings"),
    (
        col(
            "demand_enterprise",
            "需求企业",
            "Demand enterprise",
            required=True,
            example="兰州新区示例化工有限公司（演示）",
            help_zh="需求所属企业的名称或统一社会信用代码。",
            help_en="Name or credit code of the demand's enterprise.",
        ),
        col(
            "demand_title",
            "需求名称",
            "Demand title",
            required=True,
            example="高纯电子化学品提纯工艺优化（演示）",
        ),
        col(
            "target_kind",
            "对接对象类型",
            "Target kind",
            T.CHOICE,
            required=True,
            choices=DockingTargetKind,
            example="专家",
        ),
        col(
            "target_name",
            "对接对象",
            "Target",
            required=True,
            example="张示例（演示）",
            help_zh="专家姓名、机构名称（或统一社会信用代码）或成果名称。",
            help_en="Expert name, organisation name (or credit code) or achievement title.",
        ),
        col(
            "target_affiliation",
            "专家单位/成果权利人",
            "Expert affiliation / achievement owner",
            example="兰州大学",
            help_zh="对象为专家时填其工作单位；为成果时填权利人。",
            help_en="For an expert: the affiliation; for an achievement: the owner.",
        ),
        col(
            "stage",
            "阶段",
            "Stage",
            T.CHOICE,
            choices=DockingStage,
            example="已签约",
            help_zh="导入时从“已推荐”逐步推进到该阶段。",
            help_en="The import advances the docking from proposed to this stage.",
        ),
        col(
            "closed_reason",
            "关闭原因",
            "Closed reason",
            help_zh="阶段为“已关闭”时必填。",
            help_en="Required when the stage is closed.",
        ),
        money_col("contract_value", "合同金额（元）", "Contract value (yuan)"),
        col("signed_on", "签约日期", "Signed on", T.DATE),
        col("delivered_on", "交付日期", "Delivered on", T.DATE),
        col(
            "event",
            "来源活动",
            "Event",
            help_zh="促成对接的活动名称（同一区域内），须已存在。",
            help_en="Title of the event (same region) the docking came from.",
        ),
        col("note", "备注", "Note"),
        demo_col(),
    ),
    notes=(
        Text(
            "同一需求与同一对象只保留一条对接，重复导入会更新并向前推进阶段。",
            "One docking per demand and target; re-imports update it and move it forward.",
        ),
    ),
)


def _find_demand(context: ImportContext, values: Mapping[str, Value]) -> Demand:
    enterprise_id = context.organisation_id(values["demand_enterprise"], "demand_enterprise")
    title = _text(values["demand_title"])
    for demand in all_pages(demands.list, context.actor, enterprise_id=enterprise_id, q=title):
        if demand.title == title:
            return demand
    raise _reference_error(
        "demand_title",
        f"该企业没有名为“{title}”的需求",
        f"the enterprise has no demand titled “{title}”",
        "请先导入该需求，或核对需求名称",
        "Import the demand first, or check the title",
    )


def _target_id(context: ImportContext, values: Mapping[str, Value]) -> int:
    kind = DockingTargetKind(str(values["target_kind"]))
    name, where = values["target_name"], values["target_affiliation"]
    if kind is DockingTargetKind.EXPERT:
        return context.expert_id(name, where, "target_name")
    if kind is DockingTargetKind.ORGANISATION:
        organisation_id = context.organisation_id(name, "target_name")
        assert organisation_id is not None
        return organisation_id
    title, owner = _text(name), _text(where)
    for achievement in all_pages(achievements.list, context.actor, q=title):
        if achievement.title == title and (not owner or achievement.owner_name == owner):
            assert achievement.id is not None
            return achievement.id
    raise _reference_error(
        "target_name",
        f"成果“{title}”不存在",
        f"there is no achievement “{title}”",
        "请先导入该成果，或核对名称与权利人",
        "Import the achievement first, or check title and owner",
    )


def _event_id(context: ImportContext, region_id: int, title: Value) -> int | None:
    if not title:
        return None
    text = _text(title)
    for event in all_pages(events.list, context.actor, region_id=region_id, q=text):
        if event.title == text and event.id is not None:
            return event.id
    raise _reference_error(
        "event",
        f"本区域没有名为“{text}”的活动",
        f"the region has no event titled “{text}”",
        "请先导入该活动，或核对名称",
        "Import the event first, or check the title",
    )


def _date(value: Value) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _advance(context: ImportContext, docking: Docking, values: Mapping[str, Value]) -> None:
    """Walk the state machine from the docking's stage to the row's stage, then make the contract
    value and dates what the row says (a docking closed after signing keeps them)."""
    docking_id = docking.id
    assert docking_id is not None
    target = DockingStage(str(values["stage"] or DockingStage.PROPOSED))
    value_fen = to_fen(values["contract_value"], "contract_value")
    if target is DockingStage.CLOSED:
        if docking.stage is not DockingStage.CLOSED:
            docking = dockings.transition(
                context.actor,
                docking_id,
                DockingStage.CLOSED,
                closed_reason=_text(values["closed_reason"]),
            )
    elif docking.stage is not DockingStage.CLOSED and _PATH.index(target) > _PATH.index(
        docking.stage
    ):  # never move backwards; the history keeps what happened
        for stage in _PATH[_PATH.index(docking.stage) + 1 : _PATH.index(target) + 1]:
            on = None
            if stage is DockingStage.SIGNED:
                on = _date(values["signed_on"])
            elif stage is DockingStage.DELIVERED:
                on = _date(values["delivered_on"])
            docking = dockings.transition(
                context.actor, docking_id, stage, contract_value_fen=value_fen, on=on
            )
    wanted = {
        "contract_value_fen": value_fen,
        "signed_on": _date(values["signed_on"]),
        "delivered_on": _date(values["delivered_on"]),
    }
    changes = {
        field: value
        for field, value in wanted.items()
        if value is not None and getattr(docking, field) != value
    }
    if changes:
        dockings.update(context.actor, docking_id, changes)


def _load_docking(context: ImportContext, values: Mapping[str, Value]) -> bool:
    demand = _find_demand(context, values)
    assert demand.id is not None
    kind = DockingTargetKind(str(values["target_kind"]))
    target_id = _target_id(context, values)
    changes: dict[str, Any] = {
        "note": _text(values["note"]),
        "event_id": _event_id(context, demand.region_id, values["event"]),
    }
    existing = dockings.list(
        context.actor, demand_id=demand.id, target_kind=kind, target_id=target_id
    ).items
    if existing:
        docking = existing[0]
        assert docking.id is not None
        docking = dockings.update(context.actor, docking.id, changes)
        _advance(context, docking, values)
        return False
    docking = dockings.create(
        context.actor,
        validate(
            Docking,
            {
                "region_id": demand.region_id,
                "demand_id": demand.id,
                "target_kind": kind,
                "target_id": target_id,
                "is_demo": bool(values["is_demo"]),
                **changes,
            },
        ),
    )
    _advance(context, docking, values)
    return True


def _export_dockings(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    demand_by_id = {d.id: d for d in all_pages(demands.list, actor)}
    expert_by_id = {e.id: e for e in all_pages(experts.list, actor)}
    achievement_by_id = {a.id: a for a in all_pages(achievements.list, actor)}
    event_titles = {e.id: e.title for e in all_pages(events.list, actor)}
    for docking in all_pages(dockings.list, actor):
        demand = demand_by_id.get(docking.demand_id)
        if demand is None:
            continue  # the actor may not read the demand in full
        row = docking.model_dump()
        row.update(
            demand_enterprise=names.organisation(demand.enterprise_id),
            demand_title=demand.title,
            event=event_titles.get(docking.event_id, ""),
            contract_value=from_fen(docking.contract_value_fen),
        )
        if docking.target_kind is DockingTargetKind.EXPERT:
            expert = expert_by_id.get(docking.target_id)
            row["target_name"] = expert.name if expert else ""
            row["target_affiliation"] = expert.affiliation if expert else ""
        elif docking.target_kind is DockingTargetKind.ORGANISATION:
            row["target_name"] = names.organisation(docking.target_id)
        else:
            achievement = achievement_by_id.get(docking.target_id)
            row["target_name"] = achievement.title if achievement else ""
            row["target_affiliation"] = achievement.owner_name if achievement else ""
        yield row


register(
    Binding(
        DOCKINGS,
        _load_docking,
        _export_dockings,
        field_columns={
            "demand_id": "demand_title",
            "target_id": "target_name",
            "contract_value_fen": "contract_value",
            "event_id": "event",
        },
        requires=("regions", "organisations", "experts", "achievements", "demands", "events"),
    )
)

# -------------------------------------------------------------------------------- honour entries

HONOUR_ENTRIES = SheetSpec(
    "honour-entries",
    Text("榜单入选名单", "Honour-list entries"),
    (
        col(
            "list_kind",
            "榜单",
            "Honour list",
            T.CHOICE,
            required=True,
            choices=HonourListKind,
            example="新锐企业榜",
        ),
        col(
            "year",
            "年度",
            "Year",
            T.INTEGER,
            required=True,
            minimum=2000,
            maximum=2100,
            example="2024",
        ),
        col(
            "list_title",
            "榜单标题",
            "List title",
            required=True,
            example="2024 年兰州新区新锐企业榜（演示）",
        ),
        region_col(required=False),
        col("rank", "名次", "Rank", T.INTEGER, required=True, minimum=1, example="1"),
        col(
            "nominee_kind",
            "入选对象类型",
            "Nominee kind",
            T.CHOICE,
            required=True,
            choices=NomineeKind,
            example="机构",
        ),
        col(
            "nominee_name",
            "入选对象",
            "Nominee",
            required=True,
            example="兰州新区示例化工有限公司（演示）",
        ),
        col("reason", "推荐理由", "Reason"),
        col("citation", "入选评语", "Citation"),
    ),
    notes=(
        Text(
            "导入后榜单即为“已发布”；同一榜单中的同名对象只入选一次。",
            "Importing publishes the list; a nominee appears once per list.",
        ),
    ),
)


def _load_honour_entry(context: ImportContext, values: Mapping[str, Value]) -> bool:
    region_id = context.region_id(values["region"])
    kind = HonourListKind(str(values["list_kind"]))
    title = _text(values["list_title"])
    year = values["year"]
    assert isinstance(year, int)
    found = [
        h
        for h in all_pages(honours.list, context.actor, region_id=region_id, kind=kind, year=year)
        if h.title == title and h.region_id == region_id
    ]
    if found:
        honour_list = found[0]
    else:
        honour_list = honours.create(
            context.actor,
            validate(
                HonourList, {"kind": kind, "year": year, "title": title, "region_id": region_id}
            ),
        )
    assert honour_list.id is not None
    nominee_kind = NomineeKind(str(values["nominee_kind"]))
    name = _text(values["nominee_name"])
    created = False
    nomination = next(
        (
            n
            for n in honour_list.nominations
            if n.nominee_kind == nominee_kind and n.nominee_name == name
        ),
        None,
    )
    if nomination is None:
        honour_list = honours.nominate(
            context.actor,
            honour_list.id,
            validate(
                Nomination,
                {
                    "nominee_kind": nominee_kind,
                    "nominee_name": name,
                    "reason": _text(values["reason"]),
                },
            ),
        )
        nomination = next(
            n
            for n in reversed(honour_list.nominations)
            if n.nominee_kind == nominee_kind and n.nominee_name == name
        )
        created = True
    assert nomination.id is not None
    entries: dict[int, HonourEntry] = context.pending.setdefault(
        honour_list.id, {entry.nomination_id: entry for entry in honour_list.entries}
    )
    entries[nomination.id] = validate(
        HonourEntry,
        {
            "nomination_id": nomination.id,
            "rank": values["rank"],
            "citation": _text(values["citation"]),
        },
    )
    return created


def _publish_honour_lists(context: ImportContext) -> None:
    for honour_list_id, entries in context.pending.items():
        ordered = sorted(entries.values(), key=lambda entry: entry.rank)
        honours.publish(context.actor, honour_list_id, ordered)


def _export_honour_entries(actor: Actor) -> Iterable[Row]:
    names = _Names.load(actor)
    for listed in all_pages(honours.list, actor):
        assert listed.id is not None
        honour_list = honours.get(actor, listed.id)
        nominations = {n.id: n for n in honour_list.nominations}
        for entry in sorted(honour_list.entries, key=lambda entry: entry.rank):
            nomination = nominations[entry.nomination_id]
            yield {
                "list_kind": honour_list.kind,
                "year": honour_list.year,
                "list_title": honour_list.title,
                "region": names.region(honour_list.region_id),
                "rank": entry.rank,
                "nominee_kind": nomination.nominee_kind,
                "nominee_name": nomination.nominee_name,
                "reason": nomination.reason,
                "citation": entry.citation,
            }


register(
    Binding(
        HONOUR_ENTRIES,
        _load_honour_entry,
        _export_honour_entries,
        field_columns={"region_id": "region", "kind": "list_kind", "title": "list_title"},
        finish=_publish_honour_lists,
        requires=("regions",),
    )
)

#: Kinds in an order in which a whole region can be imported (each refers only to earlier ones).
IMPORT_ORDER = (
    "regions",
    "organisations",
    "region-dockings",
    "experts",
    "expert-works",
    "volunteers",
    "achievements",
    "demands",
    "events",
    "dockings",
    "honour-entries",
)
