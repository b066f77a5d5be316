"""Importing an expert's works from BibTeX, RIS, CSV and Excel: parsing, per-entry bilingual
errors, duplicates skipped, all or nothing, hardened input, and the matching index sees the change
after commit."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from kechuang.domain import Actor, Change, Expert, PermissionDenied, Region, Role, ValidationError
from kechuang.domain import Work as ProfileWork
from kechuang.exchange import works
from kechuang.exchange.messages import FileRejectedError
from kechuang.services import experts, regions, subscribe, transaction

SYSTEM = Actor.system("test")

BIBTEX = r"""
% exported from a reference manager
@comment{ignored}
@article{li2021,
  author = {Li, Ming and Zhang, {Wei}},
  title = {Hydrogen {Compressor} Seal Wear under \"Ozone},
  journal = "Int. J. Hydrogen Energy",
  year = 2021,
  keywords = {hydrogen; seal, compressor},
  doi = {10.1000/xyz},
  abstract = {We study seals.}
}
@patent{cn1,
  title = {一种加氢站压缩机密封装置},
  number = {CN112345678A},
  year = {2022},
}
@misc{p1, title = {氢能关键技术}, type = {project}, year = {2020}, note = "a" # "b"}
"""

RIS = """TY  - JOUR
AU  - 王强
AU  - 李明
TI  - 催化剂失活机理研究
JO  - 化工学报
PY  - 2019/05/01
KW  - 催化
KW  - 失活
AB  - 研究了加氢催化剂的
  失活机理。
ER  -
TY  - PAT
TI  - Seal ring
PY  - 2018
ER  -
"""

CSV = (
    "题名,年份,类型,刊物或编号,作者,关键词,摘要\n"
    "储氢材料研究,2020,论文,材料学报,张三;李四,储氢;材料,摘要\n"
    "氢能示范项目,2021,项目,,,,\n"
)


@pytest.fixture
def expert_id(database_url: str) -> int:
    with transaction():
        region = regions.create(SYSTEM, Region(name="兰州新区")).id
        created = experts.create(
            SYSTEM,
            Expert(
                name="张工",
                region_id=region,
                works=[ProfileWork(kind="paper", title="储氢材料研究", year=2020)],
            ),
        )
    assert created.id is not None
    return created.id


def test_bibtex_entries_become_works() -> None:
    result = works.parse(BIBTEX.encode())
    assert result.format is works.WorksFormat.BIBTEX
    assert [e.problems for e in result.entries] == [[], [], []]
    paper, patent, project = (e.work for e in result.entries)
    assert paper is not None
    assert paper.title == "Hydrogen Compressor Seal Wear under Ozone"
    assert paper.venue == "Int. J. Hydrogen Energy"
    assert paper.year == 2021
    assert paper.keywords == ["hydrogen", "seal", "compressor"]
    assert paper.identifier == "10.1000/xyz"
    assert result.entries[0].authors == ("Li, Ming", "Zhang, Wei")
    assert patent is not None
    assert patent.kind.value == "patent"
    assert patent.venue == "CN112345678A"
    assert project is not None
    assert project.kind.value == "project"


def test_ris_entries_become_works() -> None:
    result = works.parse(RIS.encode("gb18030"), filename="export.ris")
    assert result.format is works.WorksFormat.RIS
    first, second = result.entries
    assert first.work is not None
    assert first.work.title == "催化剂失活机理研究"
    assert first.work.year == 2019
    assert first.work.keywords == ["催化", "失活"]
    assert first.work.abstract == "研究了加氢催化剂的 失活机理。"
    assert first.authors == ("王强", "李明")
    assert second.work is not None
    assert second.work.kind.value == "patent"


def test_sheets_csv_with_bom_and_xlsx() -> None:
    result = works.parse(CSV.encode("utf-8-sig"))
    assert result.format is works.WorksFormat.CSV
    assert [e.work.title for e in result.entries if e.work] == ["储氢材料研究", "氢能示范项目"]
    assert result.entries[0].authors == ("张三", "李四")
    assert result.entries[1].work is not None
    assert result.entries[1].work.kind.value == "project"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Year", "Kind", "Keywords"])
    sheet.append(["Hydrogen storage", 2022, "patent", "hydrogen; storage"])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = works.parse(buffer.getvalue(), filename="works.xlsx")
    assert xlsx.format is works.WorksFormat.XLSX
    work = xlsx.entries[0].work
    assert work is not None
    assert (work.title, work.year, work.kind.value, work.keywords) == (
        "Hydrogen storage",
        2022,
        "patent",
        ["hydrogen", "storage"],
    )


def test_bad_entries_are_reported_per_line_in_both_languages() -> None:
    text = "@article{a, title = {Good}, year = {2020}}\n@article{b, year = {nineteen}}\n"
    result = works.parse(text.encode())
    problems = result.problems
    assert [p.row for p in problems] == [2, 2]
    assert "第 2 行" in problems[0].message("zh")
    assert "row 2" in problems[0].message("en")
    sheet = works.parse("题名,年份,类型\n好,2020,论文\n坏,公元,论文\n,2020,著作\n".encode())
    rows = sorted({p.row for p in sheet.problems})
    assert rows == [3, 4]
    unclosed = works.parse(b"@article{x, title = {Open")
    assert "not closed" in unclosed.problems[0].message("en")
    ris = works.parse(b"TY  - JOUR\nTI  - No end\n", fmt="ris")
    assert "ER" in ris.problems[0].message("en")


@pytest.mark.parametrize(
    ("data", "filename", "problem"),
    [
        (b"", None, "empty"),
        (b"x" * (works.MAX_BYTES + 1), None, "too large"),
        ("题名\n标题".encode("utf-16"), "a.csv", "UTF-16"),
        (b"\xff\xfe\xfa\x00bad", "a.bib", "UTF-16"),
        (b"PK\x03\x04broken", "a.xlsx", "damaged"),
        (b"anything", "a.xls", ".xls"),
        (b"title\nonly\n", None, "Title"),  # English header "title" is fine; missing?
    ],
)
def test_hostile_or_broken_input_is_refused(
    data: bytes, filename: str | None, problem: str
) -> None:
    if problem == "Title":
        assert works.parse(data, filename=filename).entries[0].work is not None
        return
    with pytest.raises(FileRejectedError) as caught:
        works.parse(data, filename=filename)
    assert problem in caught.value.render("en")
    assert caught.value.render("zh")


def test_formulas_are_neutralised_or_refused() -> None:
    bib = works.parse(b'@article{a, title = {=HYPERLINK("http://x")}, year = 2020}')
    assert bib.entries[0].work is not None
    assert bib.entries[0].work.title.startswith("'=")
    sheet = works.parse(b"Title,Year\n=1+2,2020\n")
    assert sheet.problems
    assert "formula" in sheet.problems[0].message("en")


def _count(expert_id: int) -> int:
    with transaction():
        return len(experts.get(SYSTEM, expert_id).works)


def test_import_skips_duplicates_and_reaches_the_index_hook(expert_id: int) -> None:
    seen: list[Sequence[Change]] = []
    unsubscribe = subscribe(seen.append)
    try:
        data = (CSV + "储氢材料研究,2020,论文,,,,\n").encode()
        result = works.import_works(SYSTEM, expert_id, data)
    finally:
        unsubscribe()
    assert [e.duplicate for e in result.entries] == ["existing", "", "existing"]
    assert [w.title for w in result.new_works] == ["氢能示范项目"]
    assert _count(expert_id) == 2
    changes = [c for batch in seen for c in batch]
    assert [(c.kind, c.id) for c in changes] == [("expert", expert_id)]


def test_duplicates_within_the_list_and_nothing_on_error(expert_id: int) -> None:
    preview = works.preview(
        SYSTEM, expert_id, b"Title,Year\nA,2020\na ,2020\nA,2021\n", filename="x.csv"
    )
    assert [e.duplicate for e in preview.entries] == ["", "list", ""]
    with pytest.raises(ValidationError) as caught:
        works.import_works(SYSTEM, expert_id, b"Title,Year\nNew,2020\nBad,12345\n")
    assert caught.value.details[0].row == 3
    assert _count(expert_id) == 1


def test_only_the_expert_or_staff_import(expert_id: int) -> None:
    other = Actor(5, Role.EXPERT, region_id=1, expert_id=expert_id + 1, label="other")
    with pytest.raises(PermissionDenied):
        works.import_works(other, expert_id, b"Title,Year\nNew,2020\n")
    own = Actor(6, Role.EXPERT, region_id=1, expert_id=expert_id, label="own")
    assert len(works.import_works(own, expert_id, b"Title,Year\nNew,2020\n").new_works) == 1


def test_the_template_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "works.xlsx"
    works.write_template(path)
    with pytest.raises(FileRejectedError, match="No entries"):
        works.parse(path.read_bytes(), filename="works.xlsx")  # the example row is not imported
    book = openpyxl.load_workbook(path)
    sheet = book["数据 Data"]
    sheet.append(["氢能示范", 2024, "项目", "", "", "氢能; 示范"])
    book.save(path)
    result = works.parse(path.read_bytes(), filename="works.xlsx")
    work = result.entries[0].work
    assert work is not None
    assert (work.title, work.kind.value, work.keywords) == ("氢能示范", "project", ["氢能", "示范"])
