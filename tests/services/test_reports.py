"""The region report: figures from the database in both languages, and real HTML/PDF/xlsx
documents (the PDF embeds WenQuanYi Micro Hei and its text layer holds the Chinese)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from kpi_world import ADMIN, world_database
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.domain import NotFound, ValidationError
from kechuang.exchange.reports import render_html, report_bytes, write_report
from kechuang.exchange.reports.charts import BandRow, band_chart, bar_chart, funnel_chart
from kechuang.services import kpis, reports

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with world_database(request, tmp_path_factory, "reports") as url:
        yield url


@pytest.fixture(scope="module")
def zh_report(world: str) -> reports.RegionReport:
    return reports.build_report(ADMIN, "兰州新区", 2024, lang="zh", runs=50)


def test_narrative_states_the_computed_figures(zh_report: reports.RegionReport) -> None:
    k = kpis.region_kpis_by_name(ADMIN, "兰州新区", year=2024)
    text = "".join(p for s in zh_report.sections for p in s.paragraphs)
    assert f"发布科技需求{k.funnel.demands}项" in text
    assert f"{k.funnel.signed}项签约" in text
    assert f"组织培训行业技术人才{k.figures.trainees}人次" in text
    assert f"{k.figures.enterprises}家企业入驻" in text
    assert zh_report.entry is not None
    assert f"排名第{zh_report.entry.rank}位" in text
    assert "显著" in text
    figures = next(t for t in zh_report.tables if t.key == "figures")
    enterprises = next(row for row in figures.rows if row[0] == "入驻平台企业")
    assert enterprises[1] == k.figures.enterprises


def test_english_report(world: str) -> None:
    report = reports.build_report(ADMIN, "甲园区", 2024, lang="en", runs=50)
    text = " ".join(p for s in report.sections for p in s.paragraphs)
    assert "Park A ranks 2" in text
    assert "technology demands were published" in text
    assert report.tables[0].columns == ["Figure", "2024", "2023"]


def test_bad_inputs(world: str) -> None:
    with pytest.raises(NotFound):
        reports.build_report(ADMIN, "不存在区", 2024)
    with pytest.raises(ValidationError):
        reports.build_report(ADMIN, "兰州新区", 2024, lang="fr")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def documents(
    zh_report: reports.RegionReport, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return write_report(zh_report, tmp_path_factory.mktemp("documents"))


def test_documents(zh_report: reports.RegionReport, documents: dict[str, Path]) -> None:
    paths = documents
    html = paths["html"].read_text(encoding="utf-8")
    assert "WenQuanYi Micro Hei" in html
    assert "<script" not in html
    assert html.count("<svg") == 4  # resources, funnel, ranking bands, pillars
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    workbook = openpyxl.load_workbook(paths["xlsx"])
    assert workbook.sheetnames[0] == "报告"
    sheet = workbook["主要指标"]
    assert sheet.cell(1, 1).value == "指标"
    assert sheet.cell(2, 1).value == "入驻平台企业"
    assert sheet.cell(2, 2).value == zh_report.kpis.figures.enterprises


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_embeds_the_chinese_font_and_text(
    zh_report: reports.RegionReport, tmp_path: Path
) -> None:
    pdf = write_report(zh_report, tmp_path)["pdf"]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "WenQuanYi-Micro-Hei" in fonts.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "兰州新区“科创中国”试点工作报告" in text.stdout
    assert "需求对接漏斗" in text.stdout


def test_charts_escape_labels_and_scale() -> None:
    svg = bar_chart([("<a&b>", 10.0), ("half", 5.0)], "标题")
    assert "&lt;a&amp;b&gt;" in svg
    funnel = funnel_chart([("需求", 10.0), ("签约", 5.0)], "漏斗")
    assert "（50%）" in funnel
    bands = band_chart([BandRow("甲", 1, 1, 2, previous=3, highlight=True)], "排名", "图例")
    assert bands.count("<circle") == 2


def test_report_cli(world: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            "report",
            "--region",
            "兰州新区",
            "--year",
            "2024",
            "--out",
            str(tmp_path),
            "--runs",
            "20",
        ],
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "兰州新区-2024-zh.pdf").is_file()
    en = runner.invoke(
        app,
        [
            "report",
            "--region",
            "兰州新区",
            "--year",
            "2024",
            "--lang",
            "en",
            "--out",
            str(tmp_path),
            "--runs",
            "20",
        ],
    )
    assert en.exit_code == 0, en.output
    assert "Sci-Tech China pilot report" in (tmp_path / "兰州新区-2024-en.html").read_text("utf-8")
    bad = runner.invoke(
        app, ["report", "--region", "无此区", "--year", "2024", "--out", str(tmp_path)]
    )
    assert bad.exit_code == 2
    html = render_html(reports.build_report(ADMIN, "丙园区", 2024, lang="zh", runs=20))
    assert "丙园区" in html


def test_score_change_table_adds_up(zh_report: reports.RegionReport) -> None:
    table = next(t for t in zh_report.tables if t.key == "score_change")
    *parts, total = table.rows
    assert total[0] == "合计 = 得分变化"
    assert sum(row[1] for row in parts) == pytest.approx(total[1], abs=0.01)
    text = "".join(p for s in zh_report.sections for p in s.paragraphs)
    assert "可精确分解为各指标贡献与边界项之和" in text


def test_report_bytes_for_the_web(zh_report: reports.RegionReport) -> None:
    content, media, name = report_bytes(zh_report, "xlsx")
    assert content.startswith(b"PK")
    assert media.startswith("application/vnd.openxmlformats")
    assert name == "兰州新区-2024-zh.xlsx"
    html, media, _ = report_bytes(zh_report, "html")
    assert media.startswith("text/html")
    assert "兰州新区".encode() in html
    with pytest.raises(ValueError, match="html, pdf or xlsx"):
        report_bytes(zh_report, "docx")
