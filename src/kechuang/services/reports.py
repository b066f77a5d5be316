"""The annual report of a pilot region, like the Lanzhou report — every figure computed.

``build_report`` gathers the region's KPIs (this year and last), its place in the national
ranking with the rank band, its strengths and weaknesses among the regions, and writes the
narrative in Chinese or English. Documents (HTML, PDF, xlsx, charts) are drawn from this model by
``kechuang.exchange.reports``; nothing here knows about file formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kechuang.domain import Actor, EventKind, Language, OrganisationKind, ValidationError
from kechuang.domain.common import utcnow
from kechuang.domain.errors import Detail
from kechuang.domain.vocab import label
from kechuang.metrics.comparability import ScoreChange
from kechuang.services import kpis as kpi_service
from kechuang.services import policy
from kechuang.services.context import action
from kechuang.services.kpis import RegionKpis
from kechuang.services.ranking import RANKING_PILLARS, RankedRegion, Ranking, rank_regions
from kechuang.services.stats import LABELS as FIGURE_LABELS

policy.rule("reports.build_report", "anyone, including the public (aggregate figures only)")(
    policy.anyone
)

EXTRA_RESOURCE_LABELS: dict[str, tuple[str, str]] = {
    "expert": ("专家", "Experts"),
    "volunteer": ("科技志愿者", "Volunteers"),
    "achievement": ("科技成果", "Achievements"),
    "society_docked": ("对接学会", "Societies docked"),
}

FUNNEL_LABELS: dict[str, tuple[str, str]] = {
    "demands": ("发布需求", "Demands published"),
    "matched": ("已匹配", "Matched"),
    "contacted": ("已联系", "Contacted"),
    "signed": ("已签约", "Signed"),
    "delivered": ("已交付", "Delivered"),
}


@dataclass(frozen=True)
class ReportTable:
    """A table of the report (also one sheet of the workbook)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class ReportSection:
    """A heading and its paragraphs."""

    heading: str
    paragraphs: list[str]


@dataclass
class RegionReport:
    """Everything the report documents show, in one language."""

    region: str
    region_en: str
    year: int
    lang: Language
    title: str
    subtitle: str
    generated_at: datetime
    sections: list[ReportSection]
    tables: list[ReportTable]
    kpis: RegionKpis
    previous: RegionKpis | None
    ranking: Ranking | None
    entry: RankedRegion | None
    notes: list[str] = field(default_factory=list)

    def t(self, zh: str, en: str) -> str:
        """Pick the report language's text."""
        return zh if self.lang == "zh" else en

    def resource_bars(self) -> list[tuple[str, float]]:
        """Resources gathered, by kind, non-zero ones (for the bar chart)."""
        return [
            (_resource_label(kind, self.lang), float(count))
            for kind, count in self.kpis.resources_by_kind.items()
            if count
        ]

    def funnel_steps(self) -> list[tuple[str, float]]:
        """The docking funnel (for the funnel chart)."""
        funnel = self.kpis.funnel
        return [
            (_pick(FUNNEL_LABELS[step], self.lang), float(getattr(funnel, step)))
            for step in FUNNEL_LABELS
        ]


def _pick(pair: tuple[str, str], lang: Language) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _resource_label(kind: str, lang: Language) -> str:
    if kind in EXTRA_RESOURCE_LABELS:
        return _pick(EXTRA_RESOURCE_LABELS[kind], lang)
    return label(OrganisationKind(kind), lang)


def _yuan_10k(fen: int) -> str:
    return f"{fen / 1_000_000:,.1f}"


def _days(value: float | None, lang: Language) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}天" if lang == "zh" else f"{value:.1f} days"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _resources_paragraph(k: RegionKpis, lang: Language) -> str:
    f = k.figures
    if lang == "zh":
        return (
            f"截至{k.year}年底，{f.region}已对接国家级、省级学会{f.societies_docked}个"
            f"（其中全国学会{f.national_societies_docked}个），推动建立院士专家工作站"
            f"{f.academician_workstations}个、协同创新基地{f.innovation_bases}个、省级以上实验室"
            f"{f.labs}个、学会服务站{f.society_service_stations}个，组建企业科协"
            f"{f.enterprise_associations}家，吸纳科技志愿者{f.volunteers}人；"
            f"{f.enterprises}家企业入驻“科创中国”平台，汇聚专家{f.experts}名、科技成果"
            f"{f.achievements}项。"
        )
    return (
        f"By the end of {k.year}, {f.region_en or f.region} had docked {f.societies_docked} "
        f"national and provincial societies ({f.national_societies_docked} national), and helped "
        f"set up {f.academician_workstations} academician expert workstation(s), "
        f"{f.innovation_bases} collaborative innovation bases, {f.labs} provincial-or-higher "
        f"laboratories and {f.society_service_stations} society service stations; "
        f"{f.enterprise_associations} enterprise science associations were formed and "
        f"{f.volunteers} volunteers recruited. {f.enterprises} enterprises are on the platform, "
        f"with {f.experts} experts and {f.achievements} technology achievements."
    )


def _docking_paragraph(k: RegionKpis, lang: Language) -> str:
    fn, f, r = k.funnel, k.figures, k.response
    if lang == "zh":
        text = (
            f"{k.year}年共发布科技需求{fn.demands}项，其中{fn.matched}项完成匹配"
            f"（{_pct(fn.rate('matched'))}）、{fn.contacted}项进入对接联系、{fn.signed}项签约、"
            f"{fn.delivered}项交付；全年签约对接{f.dockings_signed}项（含往年需求），签约金额"
            f"{_yuan_10k(k.contract_value_fen)}万元。需求从发布到首次匹配的中位时间为"
            f"{_days(r.to_first_match_days, lang)}，"
            f"到首次联系为{_days(r.to_first_contact_days, lang)}。"
        )
        return text + f"已转化科技成果{k.achievements_transferred}项。"
    return (
        f"In {k.year}, {fn.demands} technology demands were published: {fn.matched} matched "
        f"({_pct(fn.rate('matched'))}), {fn.contacted} contacted, {fn.signed} signed and "
        f"{fn.delivered} delivered. In all, {f.dockings_signed} dockings (some for earlier "
        f"demands) were signed in the year, worth "
        f"{_yuan_10k(k.contract_value_fen)} × 10k yuan. The median time from publication to the "
        f"first match was {_days(r.to_first_match_days, lang)}, to first contact "
        f"{_days(r.to_first_contact_days, lang)}. {k.achievements_transferred} achievements have "
        "been transferred."
    )


def _events_paragraph(k: RegionKpis, lang: Language) -> str:
    f = k.figures
    if lang == "zh":
        kinds = "、".join(
            f"{label(EventKind(kind), 'zh')}{count}次"
            for kind, count in k.events_by_kind.items()
            if count
        )
        return (
            f"全年开展产学研对接活动{f.docking_events}次，组织培训行业技术人才{f.trainees}人次"
            + (f"（活动合计：{kinds}）。" if kinds else "。")
        )
    kinds = ", ".join(
        f"{count} {label(EventKind(kind), 'en').lower()}"
        for kind, count in k.events_by_kind.items()
        if count
    )
    return (
        f"{f.docking_events} docking events were held and {f.trainees} trainee person-times "
        "trained" + (f" (all events: {kinds})." if kinds else ".")
    )


def _ranking_paragraphs(report: RegionReport) -> list[str]:
    lang = report.lang
    result, entry = report.ranking, report.entry
    if result is None or entry is None or entry.rank is None:
        return [
            report.t(
                "数据库中的区域不足两个或本区域缺少数据，本年度无法给出综合排名。",
                "Fewer than two regions (or no data for this one): no ranking this year.",
            )
        ]
    n = len(result.regions)
    band = entry.band or (entry.rank, entry.rank)
    score = f"{entry.score:.1f}" if entry.score is not None else "—"
    if lang == "zh":
        text = (
            f"在平台{n}个试点区域的综合指数中，{entry.region}排名第{entry.rank}位（得分{score}）；"
            f"在权重、归一化、聚合方法和异常值处理的{result.runs}次蒙特卡洛模拟中，排名的5%–95%区间为"
            f"第{band[0]:g}–{band[1]:g}位。"
        )
        if entry.previous_rank is not None and entry.change is not None:
            if entry.change == 0:
                text += f"上年同为第{entry.previous_rank}位，名次持平。"
            else:
                direction = "上升" if entry.change > 0 else "下降"
                verdict = (
                    "变化超出不确定性区间，属显著变化。"
                    if entry.significant
                    else "上年名次落在本年区间内，变化不显著，可能来自方法而非工作本身。"
                )
                text += (
                    f"上年排名第{entry.previous_rank}位，{direction}{abs(entry.change)}位；"
                    f"{verdict}"
                )
        paragraphs = [text]
    else:
        text = (
            f"Among the {n} pilot regions on the platform, {entry.region_en or entry.region} ranks "
            f"{entry.rank} on the composite index (score {score}); across {result.runs} Monte "
            f"Carlo runs over weights, normalisation, aggregation and outlier treatment, its rank "
            f"lies between {band[0]:g} and {band[1]:g} (5–95 %)."
        )
        if entry.previous_rank is not None and entry.change is not None:
            if entry.change == 0:
                text += f" It ranked {entry.previous_rank} last year too."
            else:
                verdict = (
                    "the change lies outside the uncertainty band and is significant."
                    if entry.significant
                    else "last year's rank lies inside this year's band, so the change is not "
                    "significant: it may come from the method rather than from the work."
                )
                text += f" Last year it ranked {entry.previous_rank}; {verdict}"
        paragraphs = [text]
    names = {i.code: (i.zh if lang == "zh" else i.en) for i in result.indicators}
    change = result.changes.get(entry.region)
    if change is not None:
        paragraphs.append(_change_paragraph(change.contributions, change, names, lang))
    table = result.strengths_and_weaknesses(top=3)
    mine = table[table["unit"] == entry.region]
    strengths = [names[c] for c in mine[mine["kind"] == "strength"]["code"]]
    weaknesses = [names[c] for c in mine[mine["kind"] == "weakness"]["code"]]
    if strengths:
        paragraphs.append(
            report.t(
                f"相对优势指标：{'、'.join(strengths)}；相对薄弱指标：{'、'.join(weaknesses)}。",
                f"Relative strengths: {', '.join(strengths)}. Relative weaknesses: "
                f"{', '.join(weaknesses)}.",
            )
        )
    return paragraphs


def _change_paragraph(
    contributions: Any, change: ScoreChange, names: dict[str, str], lang: Language
) -> str:
    ordered = contributions.sort_values()
    ups = [(c, v) for c, v in ordered[::-1].items() if v > 0.05][:3]
    downs = [(c, v) for c, v in ordered.items() if v < -0.05][:3]
    if lang == "zh":
        text = (
            f"综合得分较上年变化{change.change:+.1f}分（{change.before:.1f}→{change.after:.1f}），"
            "可精确分解为各指标贡献与边界项之和："
        )
        if ups:
            text += "拉动最大的是" + "、".join(f"{names[c]}（{v:+.1f}）" for c, v in ups)
        if downs:
            text += "；拖累最大的是" + "、".join(f"{names[c]}（{v:+.1f}）" for c, v in downs)
        return text + (
            f"；其他区域变化使归一化的最小/最大值移动，贡献{change.bounds_term:+.1f}分。"
        )
    text = (
        f"The score changed by {change.change:+.1f} ({change.before:.1f} → {change.after:.1f}), "
        "which splits exactly into indicator contributions and a bounds term: "
    )
    if ups:
        text += "pulled up most by " + ", ".join(f"{names[c]} ({v:+.1f})" for c, v in ups)
    if downs:
        text += "; held back most by " + ", ".join(f"{names[c]} ({v:+.1f})" for c, v in downs)
    return text + (
        f"; other regions moving the normalisation's min/max contributed {change.bounds_term:+.1f}."
    )


def _tables(report: RegionReport) -> list[ReportTable]:
    lang, k, prev = report.lang, report.kpis, report.previous
    t = report.t
    figure_rows: list[list[Any]] = []
    for key, figure_label in FIGURE_LABELS.items():
        pair = figure_label
        value = getattr(k.figures, key)
        before = getattr(prev.figures, key) if prev is not None else None
        if key == "contract_value_fen":
            pair = ("签约金额（万元）", "Contract value (10k yuan)")
            value = value / 1_000_000
            before = None if before is None else before / 1_000_000
        figure_rows.append([_pick(pair, lang), value, before])
    tables = [
        ReportTable(
            "figures",
            t("主要指标", "Key figures"),
            [t("指标", "Figure"), str(report.year), str(report.year - 1)],
            figure_rows,
        ),
        ReportTable(
            "funnel",
            t("需求对接漏斗", "Docking funnel"),
            [t("阶段", "Step"), t("需求数", "Demands"), t("占比", "Share")],
            [
                [name, value, _pct(value / k.funnel.demands if k.funnel.demands else None)]
                for name, value in report.funnel_steps()
            ],
        ),
        ReportTable(
            "resources",
            t("资源汇聚（按类型）", "Resources gathered by kind"),
            [t("类型", "Kind"), t("数量", "Count")],
            [[_resource_label(kind, lang), count] for kind, count in k.resources_by_kind.items()],
        ),
        ReportTable(
            "events",
            t("活动（按类型）", "Events by kind"),
            [t("类型", "Kind"), t("次数", "Count")],
            [[label(EventKind(kind), lang), count] for kind, count in k.events_by_kind.items()],
        ),
    ]
    if report.ranking is not None:
        tables.append(
            ReportTable(
                "ranking",
                t("综合排名", "Composite ranking"),
                [
                    t("排名", "Rank"),
                    t("区域", "Region"),
                    t("得分", "Score"),
                    t("5%–95% 区间", "5–95 % band"),
                    t("上年排名", "Previous rank"),
                    t("变化是否显著", "Change significant"),
                ],
                [
                    [
                        e.rank,
                        e.region if lang == "zh" else (e.region_en or e.region),
                        None if e.score is None else round(e.score, 2),
                        "—" if e.band is None else f"{e.band[0]:g}–{e.band[1]:g}",
                        e.previous_rank,
                        "—"
                        if e.significant is None
                        else (t("显著", "yes") if e.significant else t("不显著", "no")),
                    ]
                    for e in report.ranking.regions
                ],
            )
        )
        change = report.ranking.changes.get(report.region)
        if change is not None:
            names = {i.code: (i.zh if lang == "zh" else i.en) for i in report.ranking.indicators}
            rows: list[list[Any]] = [
                [names[str(code)], round(float(value), 3)]
                for code, value in change.contributions.items()
            ]
            rows.append(
                [
                    t("边界项（其他区域变化）", "Bounds term (other regions)"),
                    round(change.bounds_term, 3),
                ]
            )
            rows.append([t("合计 = 得分变化", "Total = score change"), round(change.change, 3)])
            tables.append(
                ReportTable(
                    "score_change",
                    t("得分变化分解", "Score change decomposition"),
                    [t("指标", "Indicator"), t("贡献（分）", "Contribution (points)")],
                    rows,
                )
            )
        tables.append(
            ReportTable(
                "method",
                t("排名指标与权重", "Ranking indicators and weights"),
                [t("支柱", "Pillar"), t("支柱权重", "Pillar weight"), t("指标", "Indicator")],
                [
                    [
                        _pick(RANKING_PILLARS[i.pillar][1:], lang),
                        RANKING_PILLARS[i.pillar][0],
                        i.zh if lang == "zh" else i.en,
                    ]
                    for i in report.ranking.indicators
                ],
            )
        )
    return tables


def _check(year: int, lang: str) -> None:
    details = []
    if not 2000 <= year <= 2100:
        details.append(
            Detail(
                "year",
                f"年份 {year} 超出范围",
                f"year {year} is out of range",
                "请填写 2000–2100 之间的年份，例如 2024",
                "Give a year between 2000 and 2100, e.g. 2024",
            )
        )
    if lang not in ("zh", "en"):
        details.append(
            Detail(
                "lang",
                f"不支持的语言 {lang}",
                f"unsupported language {lang}",
                "请用 zh 或 en",
                "Use zh or en",
            )
        )
    if details:
        raise ValidationError.of_details(details)


@action("reports.build_report")
def build_report(
    actor: Actor, region_name: str, year: int, *, lang: Language = "zh", runs: int = 1000
) -> RegionReport:
    """The report of ``region_name`` for ``year`` in ``lang`` (NotFound for unknown regions)."""
    policy.require(actor, "reports.build_report")
    _check(year, lang)
    current = kpi_service.region_kpis_by_name(actor, region_name, year=year)
    previous = kpi_service.region_kpis_by_name(actor, region_name, year=year - 1)
    try:
        result: Ranking | None = rank_regions(actor, year, runs=runs)
    except ValidationError:  # fewer than two regions
        result = None
    entry = None
    if result is not None:
        entry = next((e for e in result.regions if e.region == region_name), None)
    f = current.figures
    report = RegionReport(
        region=f.region,
        region_en=f.region_en,
        year=year,
        lang=lang,
        title=(
            f"{f.region}“科创中国”试点工作报告（{year}年）"
            if lang == "zh"
            else f"{f.region_en or f.region}: Sci-Tech China pilot report {year}"
        ),
        subtitle=(
            "本报告全部数字由科创平台数据库计算生成"
            if lang == "zh"
            else "Every figure in this report is computed from the Kechuang database"
        ),
        generated_at=utcnow(),
        sections=[],
        tables=[],
        kpis=current,
        previous=previous,
        ranking=result,
        entry=entry,
    )
    t = report.t
    report.sections = [
        ReportSection(
            t("资源汇聚：构建创新赋能组织", "Resources: building the innovation network"),
            [_resources_paragraph(current, lang)],
        ),
        ReportSection(
            t("需求对接与成果转化", "Demands docked and achievements converted"),
            [_docking_paragraph(current, lang), _events_paragraph(current, lang)],
        ),
        ReportSection(
            t("综合排名及其不确定性", "Ranking and its uncertainty"),
            _ranking_paragraphs(report),
        ),
        ReportSection(
            t("方法说明", "Method"),
            [
                t(
                    "综合指数按 docs/ranking.md 的指标、权重和方法计算：各指标最小-最大归一化到"
                    "0–100，支柱内等权、支柱间加权算术平均。排名区间来自对异常值处理、归一化、"
                    "权重（±25%）和聚合方法的蒙特卡洛模拟；名次变化落在区间内即视为不显著。",
                    "The composite index follows the indicators, weights and method of "
                    "docs/ranking.md: min-max normalisation to 0–100, equal weights within and "
                    "stated weights across pillars, arithmetic mean. Rank bands come from a "
                    "Monte Carlo over outlier treatment, normalisation, weights (±25 %) and "
                    "aggregation; a change of rank inside the band is not significant.",
                )
            ],
        ),
    ]
    report.tables = _tables(report)
    if result is not None:
        report.notes.extend(result.warnings)
    return report
