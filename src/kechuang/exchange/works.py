"""Importing an expert's works (papers, patents, projects) from a list: BibTeX, RIS, or a CSV/Excel
sheet (title, year, kind, venue, authors, keywords, abstract).

Two steps, so the expert sees what will happen before anything is written:

1. :func:`preview` parses the list and checks every entry as the profile form would, reporting
   per-entry problems in both languages; entries whose title and year match an existing work (or
   an earlier entry of the same list) are marked as duplicates and will be skipped.
2. :func:`import_works` runs the same preview and, only if no entry has a problem, appends the new
   works in one transaction through ``experts.update`` — so the after-commit hooks (the matching
   index) see one change of the expert. Any problem writes nothing.

Hardened like the other importers: a size limit and an entry limit; text decoded as UTF-8 (with or
without BOM) or GB18030 (GBK), UTF-16 refused; spreadsheets read by
:func:`kechuang.exchange.readers.read_rows` (zip-bomb checks, formulas refused, merged cells
refused); a leading formula trigger in a BibTeX/RIS value is neutralised.

Authors are read, shown in the preview and kept on the work (at most
:data:`~kechuang.domain.expert.MAX_AUTHORS`, each name cut to 100 characters): the matcher treats an
author shared between an expert and a party's people as co-authorship evidence.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kechuang.domain import Actor, KechuangError, ValidationError, Work, WorkKind
from kechuang.domain.errors import Detail
from kechuang.domain.expert import MAX_AUTHORS
from kechuang.exchange.cells import CellError, escape_text, parse_cell
from kechuang.exchange.messages import FileRejectedError, Text
from kechuang.exchange.readers import Limits, read_rows, reject
from kechuang.exchange.spec import Column, ColumnType, SheetSpec, choices_from
from kechuang.exchange.writers import write_table
from kechuang.services import experts, transaction

MAX_BYTES = 5 * 1024 * 1024
"""Largest list accepted (pasted or uploaded)."""
MAX_ENTRIES = 2_000
"""Most entries in one list."""


class WorksFormat(StrEnum):
    """The list formats the import reads."""

    BIBTEX = "bibtex"
    RIS = "ris"
    CSV = "csv"
    XLSX = "xlsx"


KIND_CHOICES = choices_from(
    [
        ("paper", "论文", "paper"),
        ("patent", "专利", "patent"),
        ("project", "项目", "project"),
        ("achievement", "成果", "achievement"),
    ]
)

SHEET = SheetSpec(
    kind="works",
    title=Text("专家成果", "Expert works"),
    columns=(
        Column("title", "题名", "Title", required=True, example="加氢站压缩机密封技术研究"),
        Column(
            "year", "年份", "Year", ColumnType.INTEGER, minimum=1900, maximum=2100, example="2023"
        ),
        Column("kind", "类型", "Kind", ColumnType.CHOICE, choices=KIND_CHOICES, example="论文"),
        Column("venue", "刊物或编号", "Venue", example="化工学报"),
        Column("authors", "作者", "Authors", ColumnType.TEXT_LIST, example="张三; 李四"),
        Column("keywords", "关键词", "Keywords", ColumnType.TEXT_LIST, example="加氢站; 密封"),
        Column(
            "abstract", "摘要", "Abstract", example="研究了隔膜压缩机密封件在高压氢气中的寿命。"
        ),
        Column("identifier", "DOI或专利号", "Identifier", example="10.1000/example"),
        Column("url", "网址", "URL"),
    ),
)


@dataclass
class WorkEntry:
    """One entry of the list: where it is, what it says, what is wrong with it."""

    number: int
    """The entry's position the user can find: line number (BibTeX, RIS) or row (sheets)."""
    work: Work | None
    authors: tuple[str, ...] = ()
    problems: list[Detail] = field(default_factory=list)
    duplicate: str = ""
    """``existing`` (already on the profile) or ``list`` (earlier in this list); else empty."""


@dataclass
class WorksPreview:
    """What an import of this list would do."""

    format: WorksFormat
    entries: list[WorkEntry]

    @property
    def problems(self) -> list[Detail]:
        """Every problem of every entry."""
        return [problem for entry in self.entries for problem in entry.problems]

    @property
    def new_works(self) -> list[Work]:
        """The works that would be added (valid, not duplicates)."""
        return [
            e.work
            for e in self.entries
            if e.work is not None and not e.problems and not e.duplicate
        ]

    @property
    def duplicates(self) -> list[WorkEntry]:
        """Entries skipped because the profile (or the list) has them already."""
        return [e for e in self.entries if e.duplicate]


# ------------------------------------------------------------------------------------ decoding


def decode(data: bytes) -> str:
    """The list's text: UTF-8 (BOM or not) or GB18030 (a superset of GBK); UTF-16 is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise reject(
            "文件是 UTF-16 编码，不受支持。",
            "The file is UTF-16 encoded, which is not supported.",
            "请另存为 UTF-8 编码后重试。",
            "Save it as UTF-8 and try again.",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise reject(
        "无法识别文字编码（既不是 UTF-8，也不是 GBK/GB18030）。",
        "The text encoding is neither UTF-8 nor GBK/GB18030.",
        "请另存为 UTF-8 编码后重试。",
        "Save it as UTF-8 and try again.",
    )


def detect_format(data: bytes, filename: str | None = None) -> WorksFormat:
    """The list's format from the file name's suffix, else from its first bytes."""
    suffix = Path(filename).suffix.lower() if filename else ""
    by_suffix = {
        ".bib": WorksFormat.BIBTEX,
        ".bibtex": WorksFormat.BIBTEX,
        ".ris": WorksFormat.RIS,
        ".csv": WorksFormat.CSV,
        ".xlsx": WorksFormat.XLSX,
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix == ".xls":
        raise reject(
            "不支持旧版 Excel（.xls）文件。",
            "Old Excel files (.xls) are not supported.",
            "请在 Excel/WPS 中另存为 .xlsx 工作簿。",
            "Save it as an .xlsx workbook in Excel/WPS.",
        )
    if data.startswith(b"PK\x03\x04"):
        return WorksFormat.XLSX
    head = data[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if head.startswith("@") or re.search(r"^\s*@\w+\s*[{(]", head, re.M):
        return WorksFormat.BIBTEX
    if re.search(r"^TY  - ", head, re.M):
        return WorksFormat.RIS
    return WorksFormat.CSV


# ------------------------------------------------------------------------------------- helpers

_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHtcdbk]\s*\{?(\w)\}?")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\s*")
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d|2100)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    """Plain text of a BibTeX/RIS value: LaTeX accents and braces removed, spaces folded, control
    characters dropped and a leading formula trigger neutralised."""
    text = _LATEX_ACCENT.sub(r"\1", value)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_")
    text = _LATEX_COMMAND.sub("", text).replace("{", "").replace("}", "")
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    return escape_text(text) if text.startswith(("=", "+", "@")) else text


def _split_list(value: str) -> list[str]:
    parts = re.split(r"[;,；，、]", value)
    return [_clean(part) for part in parts if _clean(part)]


def _bounded_authors(authors: list[str]) -> list[str]:
    """Distinct non-empty names in their order, each at most 100 characters, at most
    :data:`MAX_AUTHORS` of them."""
    kept: list[str] = []
    for raw in authors:
        name = raw.strip()[:100].strip()
        if name and name not in kept:
            kept.append(name)
    return kept[:MAX_AUTHORS]


def _entry(number: int, fields: dict[str, str], kind: WorkKind, authors: list[str]) -> WorkEntry:
    """Validate one entry's fields as a :class:`Work` (the same rules as the profile form)."""
    problems: list[Detail] = []
    year: int | None = None
    raw_year = fields.get("year", "")
    if raw_year:
        found = _YEAR.search(raw_year)
        if found is None:
            problems.append(
                Detail(
                    "year",
                    f"年份“{raw_year[:20]}”无法识别",
                    f"the year “{raw_year[:20]}” is not a year",
                    "请填写四位年份，如 2023",
                    "Give a four-digit year such as 2023",
                    number,
                )
            )
        else:
            year = int(found.group(1))
    title = fields.get("title", "")
    if not title:
        problems.append(
            Detail(
                "title",
                "缺少题名",
                "the title is missing",
                "请补上题名（BibTeX 的 title、RIS 的 TI 或表格的“题名”列）",
                "Add the title (BibTeX title, RIS TI or the sheet's Title column)",
                number,
            )
        )
    work: Work | None = None
    if not problems:
        try:
            work = Work(
                kind=kind,
                title=title[:500],
                year=year,
                venue=fields.get("venue", "")[:300],
                abstract=fields.get("abstract", ""),
                keywords=fields.get("keywords_list", "").split("\x1f")
                if fields.get("keywords_list")
                else [],
                identifier=fields.get("identifier", "")[:200],
                url=fields.get("url", "")[:500],
                authors=_bounded_authors(authors),
            )
        except ValueError as error:  # pydantic: a value outside the model's bounds
            problems.append(
                Detail(
                    None,
                    f"内容不符合要求（{str(error).splitlines()[0][:120]}）",
                    f"the entry is not valid ({str(error).splitlines()[0][:120]})",
                    "请检查年份（1900–2100）和题名（不超过 500 字）",
                    "Check the year (1900–2100) and the title (at most 500 characters)",
                    number,
                )
            )
    return WorkEntry(number, work, tuple(authors), problems)


# ------------------------------------------------------------------------------------- BibTeX

_BIB_KINDS = {"patent": WorkKind.PATENT}
_BIB_SKIP = {"comment", "string", "preamble"}


def _bib_value(text: str, start: int) -> tuple[str, int]:
    """Read a braced, quoted or bare value starting at ``start``; return it and the next index."""
    length = len(text)
    index = start
    while index < length and text[index].isspace():
        index += 1
    if index >= length:
        raise ValueError("unexpected end")
    opener = text[index]
    if opener == "{":
        depth, index = 1, index + 1
        begin = index
        while index < length and depth:
            if text[index] == "\\":
                index += 2
                continue
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        if depth:
            raise ValueError("unbalanced braces")
        return text[begin : index - 1], index
    if opener == '"':
        index += 1
        begin, depth = index, 0
        while index < length and not (text[index] == '"' and depth == 0):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        if index >= length:
            raise ValueError("unclosed quote")
        return text[begin:index], index + 1
    match = re.compile(r"[\w.:/-]+").match(text, index)
    if match is None:
        raise ValueError("no value")
    return match.group(0), match.end()


def _bib_fields(body: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    index = 0
    while True:
        match = re.compile(r"\s*,?\s*([A-Za-z][\w-]*)\s*=").match(body, index)
        if match is None:
            rest = body[index:].strip().strip(",").strip()
            if rest:
                raise ValueError(f"cannot read “{rest[:30]}”")
            return fields
        value, index = _bib_value(body, match.end())
        parts = [value]
        while True:  # concatenation: "a" # "b"
            hash_match = re.compile(r"\s*#").match(body, index)
            if hash_match is None:
                break
            value, index = _bib_value(body, hash_match.end())
            parts.append(value)
        fields[match.group(1).lower()] = "".join(parts)


def parse_bibtex(text: str) -> Iterator[WorkEntry]:
    """Entries of a BibTeX file (``@article{key, title = {…}, …}``); number = entry's line."""
    index = 0
    while True:
        at = text.find("@", index)
        if at < 0:
            return
        line = text.count("\n", 0, at) + 1
        header = re.compile(r"@\s*(\w+)\s*([{(])").match(text, at)
        if header is None:
            index = at + 1
            continue
        entry_type = header.group(1).lower()
        closer = "}" if header.group(2) == "{" else ")"
        depth, cursor = 1, header.end()
        while cursor < len(text) and depth:
            char = text[cursor]
            if char == "\\":
                cursor += 2
                continue
            if char == header.group(2):
                depth += 1
            elif char == closer:
                depth -= 1
            cursor += 1
        if depth:
            yield WorkEntry(
                line,
                None,
                problems=[
                    Detail(
                        None,
                        f"@{entry_type} 条目的括号没有闭合",
                        f"the @{entry_type} entry's braces are not closed",
                        "请检查该条目末尾是否缺少“}”",
                        "Check for a missing “}” at the end of the entry",
                        line,
                    )
                ],
            )
            return
        index = cursor
        if entry_type in _BIB_SKIP:
            continue
        body = text[header.end() : cursor - 1]
        key, _, rest = body.partition(",")
        try:
            raw = _bib_fields(rest if "=" not in key else body)
        except ValueError as error:
            yield WorkEntry(
                line,
                None,
                problems=[
                    Detail(
                        None,
                        f"无法读取 @{entry_type} 条目（{error}）",
                        f"the @{entry_type} entry cannot be read ({error})",
                        "请检查字段写法：name = {值},",
                        "Check the fields are written name = {value},",
                        line,
                    )
                ],
            )
            continue
        kind = _BIB_KINDS.get(entry_type, WorkKind.PAPER)
        if entry_type == "misc" and "project" in raw.get("type", "").lower():
            kind = WorkKind.PROJECT
        fields = {
            "title": _clean(raw.get("title", "")),
            "year": _clean(raw.get("year", "") or raw.get("date", "")),
            "venue": _clean(
                raw.get("journal", "")
                or raw.get("booktitle", "")
                or raw.get("publisher", "")
                or raw.get("school", "")
                or raw.get("institution", "")
                or raw.get("number", "")
            ),
            "abstract": _clean(raw.get("abstract", "")),
            "keywords_list": "\x1f".join(_split_list(raw.get("keywords", ""))),
            "identifier": _clean(raw.get("doi", "") or raw.get("number", "")),
            "url": _clean(raw.get("url", "")),
        }
        authors = [_clean(a) for a in re.split(r"\s+and\s+", raw.get("author", "")) if a.strip()]
        yield _entry(line, fields, kind, authors)


# ---------------------------------------------------------------------------------------- RIS

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS_KINDS = {"PAT": WorkKind.PATENT, "GRANT": WorkKind.PROJECT}


def parse_ris(text: str) -> Iterator[WorkEntry]:
    """Entries of an RIS file (``TY  - JOUR`` … ``ER  -``); number = the TY line."""
    current: dict[str, list[str]] | None = None
    start = 0
    last_tag = ""
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        if not line.strip():
            continue
        match = _RIS_LINE.match(line)
        if match is None:
            if current is not None and last_tag in {"AB", "N2", "TI", "T1"}:
                current[last_tag][-1] += " " + line.strip()  # a wrapped long value
                continue
            yield WorkEntry(
                number,
                None,
                problems=[
                    Detail(
                        None,
                        f"无法识别的行“{line[:40]}”",
                        f"unreadable line “{line[:40]}”",
                        "RIS 每行应为“两位标签、两个空格、短横线、空格、值”，如 TI  - 题名",
                        "Each RIS line is a two-letter tag, two spaces, a dash, a space and the "
                        "value, e.g. TI  - Title",
                        number,
                    )
                ],
            )
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        last_tag = tag
        if tag == "TY":
            if current is not None:
                yield _missing_er(start)
            current, start = {"TY": [value]}, number
            continue
        if current is None:
            yield WorkEntry(
                number,
                None,
                problems=[
                    Detail(
                        tag,
                        f"标签 {tag} 出现在任何 TY 之前",
                        f"the tag {tag} comes before any TY",
                        "每条记录以 TY  - 开始、以 ER  - 结束",
                        "Every record starts with TY  - and ends with ER  -",
                        number,
                    )
                ],
            )
            continue
        if tag == "ER":
            yield _ris_entry(start, current)
            current = None
            continue
        current.setdefault(tag, []).append(value)
    if current is not None:
        yield _missing_er(start)


def _missing_er(start: int) -> WorkEntry:
    return WorkEntry(
        start,
        None,
        problems=[
            Detail(
                "ER",
                "记录没有以 ER  - 结束",
                "the record does not end with ER  -",
                "请在记录末尾补上一行 ER  -",
                "Add a line ER  - at the end of the record",
                start,
            )
        ],
    )


def _ris_entry(start: int, tags: dict[str, list[str]]) -> WorkEntry:
    def first(*names: str) -> str:
        for name in names:
            for value in tags.get(name, []):
                if value.strip():
                    return _clean(value)
        return ""

    keywords: list[str] = []
    for value in tags.get("KW", []):
        keywords.extend(_split_list(value))
    fields = {
        "title": first("TI", "T1", "CT"),
        "year": first("PY", "Y1", "DA"),
        "venue": first("JO", "JF", "T2", "JA", "PB"),
        "abstract": first("AB", "N2"),
        "keywords_list": "\x1f".join(dict.fromkeys(keywords)),
        "identifier": first("DO", "SN", "M1"),
        "url": first("UR", "L1"),
    }
    authors = [_clean(a) for name in ("AU", "A1") for a in tags.get(name, []) if a.strip()]
    kind = _RIS_KINDS.get(tags["TY"][0].upper() if tags["TY"] else "", WorkKind.PAPER)
    return _entry(start, fields, kind, authors)


# -------------------------------------------------------------------------------------- sheets


def _texts(value: object) -> tuple[str, ...]:
    """A text-list cell's parsed values (empty for a blank cell)."""
    return tuple(str(item) for item in value) if isinstance(value, tuple | list) else ()


def parse_sheet(data: bytes, fmt: WorksFormat) -> Iterator[WorkEntry]:
    """Rows of a CSV or Excel sheet with the columns of :data:`SHEET` (Chinese or English
    headers); number = the spreadsheet row."""
    suffix = ".xlsx" if fmt is WorksFormat.XLSX else ".csv"
    limits = Limits(max_rows=MAX_ENTRIES, max_file_bytes=MAX_BYTES)
    with tempfile.TemporaryDirectory(prefix="kechuang-works-") as folder:
        path = Path(folder) / f"works{suffix}"
        path.write_bytes(data)
        for row in read_rows(path, SHEET, limits):
            problems = [
                Detail(
                    column.header if column else None,
                    what.zh,
                    what.en,
                    fix.zh,
                    fix.en,
                    row.number,
                )
                for column, what, fix in row.problems
            ]
            values: dict[str, object] = {}
            for column in SHEET.columns:
                try:
                    values[column.key] = parse_cell(row.values.get(column.key), column)
                except CellError as error:
                    problems.append(
                        Detail(
                            column.header,
                            error.what.zh,
                            error.what.en,
                            error.fix.zh,
                            error.fix.en,
                            row.number,
                        )
                    )
            if problems:
                yield WorkEntry(row.number, None, problems=problems)
                continue
            keywords = _texts(values.get("keywords"))
            authors = _texts(values.get("authors"))
            fields = {
                "title": str(values.get("title") or ""),
                "year": str(values.get("year") or ""),
                "venue": str(values.get("venue") or ""),
                "abstract": str(values.get("abstract") or ""),
                "keywords_list": "\x1f".join(keywords),
                "identifier": str(values.get("identifier") or ""),
                "url": str(values.get("url") or ""),
            }
            kind = WorkKind(str(values.get("kind") or "paper"))
            yield _entry(
                row.number,
                fields,
                kind,
                list(authors),
            )


# ------------------------------------------------------------------------------------ the steps


def parse(data: bytes, *, filename: str | None = None, fmt: str | None = None) -> WorksPreview:
    """Every entry of the list, checked (no duplicates check: that needs the profile)."""
    if not data or not data.strip():
        raise reject(
            "列表是空的。",
            "The list is empty.",
            "请粘贴 BibTeX、RIS 或表格内容，或选择文件。",
            "Paste BibTeX, RIS or a sheet, or choose a file.",
        )
    if len(data) > MAX_BYTES:
        raise reject(
            f"列表太大（{len(data) / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）。",
            f"The list is too large ({len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB).",
            "请分成几份分别导入。",
            "Split it and import the parts one by one.",
        )
    try:
        chosen = WorksFormat(fmt) if fmt else detect_format(data, filename)
    except ValueError:
        raise reject(
            f"不支持的格式“{fmt}”。",
            f"Unsupported format “{fmt}”.",
            "请选择 BibTeX、RIS、CSV 或 Excel（.xlsx）。",
            "Choose BibTeX, RIS, CSV or Excel (.xlsx).",
        ) from None
    if chosen is WorksFormat.BIBTEX:
        entries = list(_bounded(parse_bibtex(decode(data))))
    elif chosen is WorksFormat.RIS:
        entries = list(_bounded(parse_ris(decode(data))))
    else:
        if chosen is WorksFormat.CSV:
            decode(data)  # the same encoding rules and messages for a pasted sheet
        entries = list(parse_sheet(data, chosen))
    if not entries:
        raise reject(
            "列表中没有找到任何条目。",
            "No entries were found in the list.",
            "请检查格式是否选对：BibTeX 以 @article{ 等开头，RIS 以 TY  - 开头，"
            "表格第 1 行为表头（题名、年份、类型……）。",
            "Check the format: BibTeX starts with @article{ and the like, RIS with TY  -, "
            "a sheet has its header (Title, Year, Kind …) in row 1.",
        )
    return WorksPreview(chosen, entries)


def _bounded(entries: Iterator[WorkEntry]) -> Iterator[WorkEntry]:
    for count, entry in enumerate(entries, start=1):
        if count > MAX_ENTRIES:
            raise reject(
                f"列表超过 {MAX_ENTRIES} 条的上限。",
                f"The list has more than the limit of {MAX_ENTRIES} entries.",
                "请分成几份分别导入。",
                "Split it and import the parts one by one.",
            )
        yield entry


def _key(work: Work) -> tuple[str, int | None]:
    return (_SPACES.sub(" ", work.title).strip().casefold(), work.year)


def preview(
    actor: Actor,
    expert_id: int,
    data: bytes,
    *,
    filename: str | None = None,
    fmt: str | None = None,
) -> WorksPreview:
    """Parse the list and mark duplicates of the expert's works (same title and year)."""
    result = parse(data, filename=filename, fmt=fmt)
    expert = experts.get(actor, expert_id)
    seen = {_key(work) for work in expert.works}
    for entry in result.entries:
        if entry.work is None or entry.problems:
            continue
        key = _key(entry.work)
        if key in seen:
            existing = any(_key(work) == key for work in expert.works)
            entry.duplicate = "existing" if existing else "list"
        seen.add(key)
    return result


def import_works(
    actor: Actor,
    expert_id: int,
    data: bytes,
    *,
    filename: str | None = None,
    fmt: str | None = None,
) -> WorksPreview:
    """Add the list's new works to the expert's profile, all or nothing.

    Raises ``ValidationError`` (one detail per problem, with its line or row) and writes nothing
    when any entry has a problem; duplicates are skipped, not errors.
    """
    with transaction():
        result = preview(actor, expert_id, data, filename=filename, fmt=fmt)
        if result.problems:
            raise ValidationError.of_details(result.problems)
        if result.new_works:
            expert = experts.get(actor, expert_id)
            experts.update(actor, expert_id, {"works": [*expert.works, *result.new_works]})
    return result


def write_template(path: Path) -> None:
    """The fill-in sheet (.xlsx with instructions and the kind drop-down, or .csv) for a list of
    works; its example row is never imported."""
    write_table(path, SHEET, [], template=True)


def file_error(error: FileRejectedError) -> KechuangError:
    """A file-level refusal as the service layer's bilingual ``ValidationError``."""
    return ValidationError(
        error.what.zh,
        error.what.en,
        fix_zh=error.fix.zh,
        fix_en=error.fix.en,
    )
