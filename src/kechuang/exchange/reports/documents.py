"""The region report as documents: one HTML page (charts inline), the same page as PDF, and
the tables as an .xlsx workbook.

WeasyPrint renders the PDF from the HTML, so both always agree; the CSS names Debian's
``WenQuanYi Micro Hei`` (package ``fonts-wqy-microhei``) first, because WeasyPrint draws
Chinese with whatever font the CSS names and falls back to boxes without one.
"""

from __future__ import annotations

import re
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from kechuang.exchange.reports.charts import BandRow, band_chart, bar_chart, funnel_chart
from kechuang.services.ranking import RANKING_PILLARS
from kechuang.services.reports import RegionReport, ReportTable

CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt;
                         color: #718096; } }
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; font-size: 10.5pt;
       line-height: 1.65; color: #1a202c; }
h1 { font-size: 18pt; margin: 0 0 4pt 0; color: #1a365d; }
h2 { font-size: 13pt; margin: 16pt 0 6pt 0; color: #1a365d;
     border-bottom: 1px solid #cbd5e0; padding-bottom: 2pt; }
p.subtitle { color: #4a5568; margin-top: 0; }
p { margin: 4pt 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt 0; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 3pt; }
th, td { border: 1px solid #cbd5e0; padding: 3pt 6pt; }
th { background: #edf2f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8pt 0; page-break-inside: avoid; }
table { page-break-inside: auto; } tr { page-break-inside: avoid; }
.notes { color: #718096; font-size: 9pt; }
"""


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="num">—</td>'
    if isinstance(value, bool):
        return f"<td>{'✓' if value else '✗'}</td>"
    if isinstance(value, int):
        return f'<td class="num">{value:,}</td>'
    if isinstance(value, float):
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
        return f'<td class="num">{text}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(table: ReportTable) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
    return (
        f'<table id="{escape(table.key)}"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def charts(report: RegionReport) -> dict[str, str]:
    """The report's charts as SVG text, by key."""
    t = report.t
    out = {
        "resources": bar_chart(
            report.resource_bars(), t("资源汇聚（按类型）", "Resources gathered by kind")
        ),
        "funnel": funnel_chart(
            report.funnel_steps(), t("需求对接漏斗", "Docking funnel (demands)")
        ),
    }
    if report.ranking is not None:
        rows = [
            BandRow(
                label=e.region if report.lang == "zh" else (e.region_en or e.region),
                rank=float(e.rank),
                low=e.band[0],
                high=e.band[1],
                previous=None if e.previous_rank is None else float(e.previous_rank),
                highlight=e.region == report.region,
            )
            for e in report.ranking.regions
            if e.rank is not None and e.band is not None
        ]
        out["ranking"] = band_chart(
            rows,
            t("综合排名与 5%–95% 排名区间", "Rank and its 5–95 % band"),
            t(
                "圆点：本年排名；色条：排名区间；圆圈：上年排名（落在色条内即变化不显著）",
                "dot: this year; bar: band; ring: last year (inside the bar: not significant)",
            ),
        )
        if report.entry is not None:
            out["pillars"] = bar_chart(
                [
                    (
                        report.t(*_pillar_names(code)),
                        0.0 if value is None else value,
                    )
                    for code, value in report.entry.pillars.items()
                ],
                t("各支柱得分（0–100）", "Pillar scores (0–100)"),
            )
    return out


def _pillar_names(code: str) -> tuple[str, str]:
    _, zh, en = RANKING_PILLARS[code]
    return zh, en


def render_html(report: RegionReport) -> str:
    """The whole report as one self-contained HTML document (no scripts, no external files)."""
    svg = charts(report)
    t = report.t
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if report.lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{escape(report.title)}</title>'
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(report.subtitle)} · '
        f"{t('生成时间', 'generated')} {report.generated_at:%Y-%m-%d %H:%M} UTC</p>",
    ]
    chart_after = {0: ["resources"], 1: ["funnel"], 2: ["ranking", "pillars"]}
    for index, section in enumerate(report.sections):
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        parts.extend(f"<p>{escape(text)}</p>" for text in section.paragraphs)
        for key in chart_after.get(index, []):
            if key in svg:
                parts.append(f"<figure>{svg[key]}</figure>")
    parts.append(f"<h2>{escape(t('数据表', 'Tables'))}</h2>")
    parts.extend(_table(table) for table in report.tables)
    if report.notes:
        notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
        parts.append(f'<ul class="notes">{notes}</ul>')
    parts.append("</body></html>")
    return "".join(parts)


def write_pdf(html: str, path: Path) -> Path:
    """Render ``html`` to a PDF file with WeasyPrint."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is asked for

    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    return path


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(report: RegionReport, path: Path) -> Path:
    """The report's tables as a workbook: a cover sheet with the narrative, one sheet per table."""
    import xlsxwriter  # noqa: PLC0415

    workbook = xlsxwriter.Workbook(str(path))
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#EDF2F7", "border": 1})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        title = workbook.add_format({"bold": True, "font_size": 14})
        cover = workbook.add_worksheet(_sheet_name(report.t("报告", "Report"), set()))
        cover.set_column(0, 0, 110)
        cover.write(0, 0, report.title, title)
        cover.write(1, 0, report.subtitle)
        row = 3
        for section in report.sections:
            cover.write(row, 0, section.heading, bold)
            row += 1
            for text in section.paragraphs:
                cover.write(row, 0, text, wrap)
                row += 1
            row += 1
        used: set[str] = {report.t("报告", "Report")}
        for table in report.tables:
            sheet = workbook.add_worksheet(_sheet_name(table.title, used))
            for col, name in enumerate(table.columns):
                sheet.write(0, col, name, bold)
                sheet.set_column(col, col, 30 if col == 0 else 16)
            for r, values in enumerate(table.rows, start=1):
                for col, value in enumerate(values):
                    if value is None:
                        sheet.write_blank(r, col, None)
                    elif isinstance(value, (int, float)) and not isinstance(value, bool):
                        sheet.write_number(r, col, value)
                    else:
                        sheet.write_string(r, col, str(value))
    finally:
        workbook.close()
    return path


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_FORBIDDEN.sub(" ", title)[:31] or "Sheet"
    candidate, counter = name, 2
    while candidate in used:
        suffix = f" {counter}"
        candidate = name[: 31 - len(suffix)] + suffix
        counter += 1
    used.add(candidate)
    return candidate


def write_report(report: RegionReport, out_dir: Path) -> dict[str, Path]:
    """Write ``<region>-<year>-<lang>.html/.pdf/.xlsx`` into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{report.region}-{report.year}-{report.lang}"
    html = render_html(report)
    html_path = out_dir / f"{stem}.html"
    html_path.write_text(html, encoding="utf-8")
    return {
        "html": html_path,
        "pdf": write_pdf(html, out_dir / f"{stem}.pdf"),
        "xlsx": write_xlsx(report, out_dir / f"{stem}.xlsx"),
    }


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_bytes(report: RegionReport, kind: str) -> tuple[bytes, str, str]:
    """One document in memory for a web download: (content, media type, file name).

    ``kind`` is ``html``, ``pdf`` or ``xlsx``; the web app streams the result as it is.
    """
    if kind not in MEDIA_TYPES:
        raise ValueError(f"unknown report kind {kind!r}: use html, pdf or xlsx")
    name = f"{report.region}-{report.year}-{report.lang}.{kind}"
    html = render_html(report)
    if kind == "html":
        return html.encode("utf-8"), MEDIA_TYPES[kind], name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report.{kind}"
        if kind == "pdf":
            write_pdf(html, path)
        else:
            write_xlsx(report, path)
        return path.read_bytes(), MEDIA_TYPES[kind], name
