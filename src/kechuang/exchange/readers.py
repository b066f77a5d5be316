"""Reading .xlsx and .csv files safely, one row at a time.

Every check that can be made before parsing is made before parsing, so a hostile or broken file
is refused with a clear bilingual message and nothing is written:

- size: empty files, files over :attr:`Limits.max_file_bytes`;
- .xlsx: the bytes must be a zip (not an old .xls, an encrypted workbook or HTML renamed .xlsx);
  the zip's *declared* uncompressed sizes and compression ratios are checked before anything is
  decompressed (zip bombs) — Python's ``zipfile`` never returns more bytes than an entry declares,
  so the declared sizes bound the work; merged cells in the data sheet are refused; formulas are
  refused cell by cell (we never trust cached values: they may be stale or missing); hidden sheets
  are ignored, and a hidden data sheet is refused;
- .csv: UTF-8, UTF-8 with BOM and GB18030 (a superset of GBK/GB2312) are detected by decoding
  the whole file incrementally (constant memory); anything else is refused;
- rows: read lazily; more than :attr:`Limits.max_rows` data rows is refused without reading on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from kechuang.exchange.cells import CellValue
from kechuang.exchange.messages import FileRejectedError, Text
from kechuang.exchange.spec import Column, SheetSpec, normalise_header

#: The data sheet's name in templates and exports; other sheets (instructions, lists) are ignored.
DATA_SHEET = "数据 Data"
INSTRUCTIONS_SHEET = "说明 Instructions"
LISTS_SHEET = "词表 Lists"
#: The template's example row starts with this marker and is never imported.
EXAMPLE_MARKER = "【示例 Example】"

_MIB = 1024 * 1024
_CHUNK = _MIB


@dataclass(frozen=True)
class Limits:
    """Bounds on what an import will read; each has a clear error when exceeded."""

    max_rows: int = 50_000
    max_file_bytes: int = 100 * _MIB
    max_uncompressed_bytes: int = 1024 * _MIB
    max_compression_ratio: int = 200
    max_zip_entries: int = 2_000


@dataclass
class RawRow:
    """One non-empty data row as read: row number, raw cell values by column key, problems."""

    number: int
    values: dict[str, CellValue]
    problems: list[tuple[Column | None, Text, Text]] = field(default_factory=list)


def reject(what_zh: str, what_en: str, fix_zh: str, fix_en: str) -> FileRejectedError:
    """Shorthand for a bilingual file-level error."""
    return FileRejectedError(Text(what_zh, what_en), Text(fix_zh, fix_en))


def _sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.lstrip()[:1] == b"<":
        return "markup"
    return "other"


def read_rows(path: Path, spec: SheetSpec, limits: Limits | None = None) -> Iterator[RawRow]:
    """Yield the data rows of ``path`` (.xlsx or .csv), checked against ``spec``'s headers.

    Raises :class:`FileRejectedError` for any file-level problem, possibly after some rows were
    yielded (too many rows, a broken zip member discovered late): callers must treat the whole
    file as failed then.
    """
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise reject(
            f"不支持的文件类型“{path.suffix or '（无扩展名）'}”。",
            f"Unsupported file type “{path.suffix or '(no extension)'}”.",
            "请使用 .xlsx（Excel 工作簿）或 .csv 文件，最好从模板开始填写。",
            "Use an .xlsx (Excel workbook) or .csv file, ideally starting from the template.",
        )
    try:
        size = path.stat().st_size
    except OSError:
        raise reject(
            f"找不到或无法读取文件“{path}”。",
            f"Cannot find or read the file “{path}”.",
            "请检查路径和文件权限。",
            "Check the path and the file's permissions.",
        ) from None
    if size == 0:
        raise reject(
            "文件是空的（0 字节）。",
            "The file is empty (0 bytes).",
            "请从模板开始填写后再导入。",
            "Fill in the template and import that.",
        )
    if size > limits.max_file_bytes:
        raise reject(
            f"文件太大（{size / _MIB:.1f} MB，上限 {limits.max_file_bytes / _MIB:.0f} MB）。",
            f"The file is too large ({size / _MIB:.1f} MB; the limit is "
            f"{limits.max_file_bytes / _MIB:.0f} MB).",
            "请把数据拆成几个较小的文件分别导入。",
            "Split the data into several smaller files and import them one by one.",
        )
    with path.open("rb") as handle:
        kind = _sniff(handle.read(8))
    if suffix == ".xlsx":
        yield from _read_xlsx(path, kind, spec, limits)
    else:
        yield from _read_csv(path, kind, spec, limits)


# --------------------------------------------------------------------------------------- headers


def match_headers(headers: list[object], spec: SheetSpec, where: Text) -> dict[int, Column]:
    """Map header positions to columns; refuse unknown, duplicate or missing required headers."""
    index = spec.header_index()
    positions: dict[int, Column] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        column = index.get(normalise_header(str(header)))
        if column is None:
            unknown.append(str(header).strip())
            continue
        if column.key in seen:
            raise reject(
                f"{where.zh}的表头中“{column.header}”出现了两次。",
                f"The header “{column.header}” appears twice in {where.en}.",
                "请删除重复的列。",
                "Delete the duplicate column.",
            )
        seen[column.key] = position
        positions[position] = column
    expected = "；".join(spec.headers)
    if unknown:
        shown = "、".join(f"“{name}”" for name in unknown[:5])
        raise reject(
            f"{where.zh}的表头中有无法识别的列：{shown}。可能选错了工作表或导入类型。",
            f"Unrecognised column(s) in the header of {where.en}: {shown}. "
            "The sheet or the import kind may be wrong.",
            f"表头应为（中文、英文或“中文 / English”均可）：{expected}。",
            f"The header should be (Chinese, English or “中文 / English”): {expected}.",
        )
    missing = [column for column in spec.columns if column.required and column.key not in seen]
    if missing:
        shown = "；".join(column.header for column in missing)
        raise reject(
            f"{where.zh}缺少必填列：{shown}。",
            f"{where.en} lacks required column(s): {shown}.",
            "请从模板复制完整的表头行。",
            "Copy the complete header row from the template.",
        )
    return positions


def _row_values(number: int, cells: list[object], positions: dict[int, Column]) -> RawRow | None:
    """Build a row from cell values; ``None`` for blank rows and the template's example row."""
    if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
        return None
    first = next((cell for cell in cells if cell is not None and str(cell).strip()), None)
    if isinstance(first, str) and first.strip().startswith(EXAMPLE_MARKER):
        return None
    row = RawRow(number, {})
    for position, cell in enumerate(cells):
        column = positions.get(position)
        if column is None:
            if cell is not None and str(cell).strip():
                row.problems.append(
                    (
                        None,
                        Text(
                            f"第 {position + 1} 列没有表头却填了内容。",
                            f"Column {position + 1} holds a value but has no header.",
                        ),
                        Text(
                            "请删除该值，或把它移到正确的列。",
                            "Delete the value or move it to the right column.",
                        ),
                    )
                )
            continue
        row.values[column.key] = cell  # type: ignore[assignment]
    return row


def _too_many_rows(limits: Limits) -> FileRejectedError:
    return reject(
        f"文件的数据行超过 {limits.max_rows} 行的上限，未导入任何数据。",
        f"The file has more than the limit of {limits.max_rows} data rows; nothing was imported.",
        "请把数据拆成每个不超过上限的几个文件分别导入。",
        "Split the data into files within the limit and import them one by one.",
    )


# ------------------------------------------------------------------------------------------ xlsx


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse zip bombs and non-workbooks from the zip directory alone (nothing decompressed)."""
    damaged = reject(
        "文件已损坏，或不是 Excel 工作簿（.xlsx）。",
        "The file is damaged or not an Excel workbook (.xlsx).",
        "请在 Excel/WPS 中打开并“另存为” .xlsx 工作簿后重试。",
        "Open it in Excel/WPS, “Save as” an .xlsx workbook and try again.",
    )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise damaged from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise damaged
    if len(entries) > limits.max_zip_entries:
        raise reject(
            f"工作簿包含的部件过多（{len(entries)} 个），疑似恶意文件。",
            f"The workbook has too many parts ({len(entries)}); it looks hostile.",
            "请把数据复制到新的模板中再导入。",
            "Copy the data into a fresh template and import that.",
        )
    total = sum(entry.file_size for entry in entries)
    suspicious = [
        entry
        for entry in entries
        if entry.file_size > _MIB
        and entry.file_size > limits.max_compression_ratio * max(entry.compress_size, 1)
    ]
    if total > limits.max_uncompressed_bytes or suspicious:
        raise reject(
            "工作簿解压后过大或压缩比异常（疑似“压缩炸弹”），已拒绝打开。",
            "The workbook would expand to an abnormal size or ratio (a likely zip bomb); "
            "it was not opened.",
            "请把数据复制到新的模板中，或拆成较小的文件再导入。",
            "Copy the data into a fresh template, or split it into smaller files.",
        )


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z0-9:$]+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension[\s>/]")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")


@dataclass
class _SheetScan:
    """What a raw pass over one worksheet part found."""

    merged: list[str] = field(default_factory=list)
    rows: int = 0
    has_dimension: bool = False


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> _SheetScan:
    """Stream a worksheet's XML once: merged ranges, ``<row>`` count, dimension before the data.

    Merged ranges sit after the cell data, so finding them means reading to the end anyway.
    """
    scan = _SheetScan()
    tail = b""
    seen_data = False
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = tail + chunk
            start = len(tail)
            if not seen_data:
                data_at = _SHEET_DATA.search(buffer)
                dimension_at = _DIMENSION.search(buffer)
                if dimension_at and (data_at is None or dimension_at.start() < data_at.start()):
                    scan.has_dimension = True
                seen_data = data_at is not None
            # count only matches that end in the new chunk, so none is counted twice
            scan.rows += sum(1 for m in _ROW.finditer(buffer) if m.end() > start)
            scan.merged.extend(
                m.group(1).decode("ascii") for m in _MERGE.finditer(buffer) if m.end() > start
            )
            tail = buffer[-256:]
    return scan


def _scan_sheets(path: Path, limits: Limits) -> dict[str, _SheetScan]:
    """Scan every worksheet before openpyxl opens the workbook.

    openpyxl's read-only mode parses a sheet *completely* when it lacks a ``<dimension>``
    element (to learn its size), for every sheet, hidden ones included; such a sheet with more
    rows than the limit is refused here, before that parse can start.
    """
    scans: dict[str, _SheetScan] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            scan = _scan_sheet(archive, name)
            if not scan.has_dimension and scan.rows > limits.max_rows + 1:
                raise _too_many_rows(limits)
            scans[name] = scan
    return scans


def _is_data_sheet_name(title: str, spec: SheetSpec) -> bool:
    folded = normalise_header(title)
    return folded in {
        normalise_header(DATA_SHEET),
        "数据",
        "data",
        normalise_header(spec.kind),
        normalise_header(spec.title.zh),
        normalise_header(spec.title.en),
    }


def _read_xlsx(path: Path, kind: str, spec: SheetSpec, limits: Limits) -> Iterator[RawRow]:
    """The rows of a workbook; any failure inside a damaged workbook becomes a clear refusal."""
    try:
        yield from _read_xlsx_rows(path, kind, spec, limits)
    except FileRejectedError:
        raise
    except Exception as error:  # zipfile, XML and openpyxl can fail anywhere in a broken file
        raise reject(
            "无法读取该工作簿（文件已损坏或格式不受支持）。",
            "The workbook cannot be read (damaged or unsupported).",
            "请在 Excel/WPS 中打开并“另存为” .xlsx 后重试。",
            "Open it in Excel/WPS, “Save as” .xlsx and try again.",
        ) from error


def _read_xlsx_rows(path: Path, kind: str, spec: SheetSpec, limits: Limits) -> Iterator[RawRow]:
    if kind == "ole":
        raise reject(
            "这是旧版 .xls 文件或加了密码的工作簿，不是 .xlsx。",
            "This is an old .xls file or a password-protected workbook, not an .xlsx.",
            "请去掉密码，并在 Excel/WPS 中“另存为” .xlsx 后重试。",
            "Remove the password and “Save as” .xlsx in Excel/WPS, then try again.",
        )
    if kind != "zip":
        raise reject(
            "文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的网页或文本）。",
            "The file is named .xlsx but is not an Excel workbook (perhaps a renamed web page "
            "or text file).",
            "请在 Excel/WPS 中打开并“另存为” .xlsx；若是 CSV 文本，请把扩展名改为 .csv。",
            "Open it in Excel/WPS and “Save as” .xlsx; if it is CSV text, rename it to .csv.",
        )
    _check_zip(path, limits)
    scans = _scan_sheets(path, limits)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise reject(
            "无法读取该工作簿（文件已损坏或格式不受支持）。",
            "The workbook cannot be read (damaged or unsupported).",
            "请在 Excel/WPS 中打开并“另存为” .xlsx 后重试。",
            "Open it in Excel/WPS, “Save as” .xlsx and try again.",
        ) from error
    try:
        sheets = list(workbook.worksheets)
        named = [sheet for sheet in sheets if _is_data_sheet_name(sheet.title, spec)]
        visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
        if named:
            sheet = named[0]
            if sheet.sheet_state != "visible":
                raise reject(
                    f"数据工作表“{sheet.title}”被隐藏了。",
                    f"The data sheet “{sheet.title}” is hidden.",
                    "请在 Excel/WPS 中取消隐藏该工作表，检查其内容后再导入。",
                    "Unhide the sheet in Excel/WPS, check its content, then import again.",
                )
        elif visible:
            sheet = visible[0]
        else:
            raise reject(
                "工作簿中没有可见的工作表。",
                "The workbook has no visible sheet.",
                "请取消隐藏数据工作表后再导入。",
                "Unhide the data sheet and import again.",
            )
        where = Text(f"工作表“{sheet.title}”", f"sheet “{sheet.title}”")
        scan = scans.get(str(sheet._worksheet_path).lstrip("/"), _SheetScan())
        merged = scan.merged
        if merged:
            shown = "、".join(merged[:5])
            raise reject(
                f"{where.zh}中有合并单元格（{shown}），无法逐行导入。",
                f"{where.en} has merged cells ({shown}); rows cannot be read one by one.",
                "请取消合并，并在每一行的每个单元格中填写完整的值。",
                "Unmerge them and fill in every cell of every row.",
            )
        rows = sheet.iter_rows()
        header_cells = next(rows, None)
        if header_cells is None:
            raise reject(
                f"{where.zh}是空的。",
                f"{where.en} is empty.",
                "请在第 1 行填写表头、从第 2 行起填写数据（可从模板开始）。",
                "Put the header in row 1 and data from row 2 (start from the template).",
            )
        positions = match_headers([_cell_value(cell) for cell in header_cells], spec, where)
        count = 0
        for number, cells in enumerate(rows, start=2):
            values = [_cell_value(cell) for cell in cells]
            row = _row_values(number, values, positions)
            if row is None:
                continue
            count += 1
            if count > limits.max_rows:
                raise _too_many_rows(limits)
            for position, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    column = positions.get(position)
                    row.values.pop(column.key if column else "", None)
                    row.problems.append(
                        (
                            column,
                            Text(
                                f"单元格 {cell.coordinate} 是公式。",
                                f"Cell {cell.coordinate} holds a formula.",
                            ),
                            Text(
                                "本系统不导入公式：请复制该单元格并“选择性粘贴 → 数值”。",
                                "Formulas are not imported: copy the cell and “Paste special → "
                                "Values”.",
                            ),
                        )
                    )
            yield row
    finally:
        workbook.close()


def _cell_value(cell: object) -> object:
    return getattr(cell, "value", None)


# ------------------------------------------------------------------------------------------- csv


def _detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) or GB18030, decided by decoding the whole file in constant memory."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise reject(
            "文件是 UTF-16 编码（常见于“Unicode 文本”），不受支持。",
            "The file is UTF-16 encoded (common for “Unicode text”), which is not supported.",
            "请在 Excel/WPS 中“另存为 → CSV UTF-8（逗号分隔）”。",
            "In Excel/WPS use “Save as → CSV UTF-8 (comma delimited)”.",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise reject(
        "无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030）。",
        "The file's text encoding is neither UTF-8 nor GBK/GB18030.",
        "请在 Excel/WPS 中“另存为 → CSV UTF-8（逗号分隔）”。",
        "In Excel/WPS use “Save as → CSV UTF-8 (comma delimited)”.",
    )


def _read_csv(path: Path, kind: str, spec: SheetSpec, limits: Limits) -> Iterator[RawRow]:
    if kind in {"zip", "ole"}:
        raise reject(
            "文件扩展名是 .csv，但内容是 Excel 工作簿。",
            "The file is named .csv but holds an Excel workbook.",
            "请把扩展名改为 .xlsx，或在 Excel/WPS 中“另存为 → CSV UTF-8”。",
            "Rename it to .xlsx, or “Save as → CSV UTF-8” in Excel/WPS.",
        )
    encoding = _detect_encoding(path)
    where = Text("CSV 文件", "the CSV file")
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise reject(
                    "CSV 文件第 1 行没有表头。",
                    "The CSV file has no header in line 1.",
                    "请在第 1 行填写表头、从第 2 行起填写数据（可从模板开始）。",
                    "Put the header in line 1 and data from line 2 (start from the template).",
                )
            if len(header) == 1 and ("\t" in header[0] or ";" in header[0]):
                raise reject(
                    "CSV 文件不是用逗号分隔的（看起来是制表符或分号）。",
                    "The CSV file is not comma-separated (it looks tab- or semicolon-separated).",
                    "请“另存为 → CSV UTF-8（逗号分隔）”。",
                    "Use “Save as → CSV UTF-8 (comma delimited)”.",
                )
            positions = match_headers(list(header), spec, where)
            count = 0
            for cells in reader:
                row = _row_values(reader.line_num, list(cells), positions)
                if row is None:
                    continue
                count += 1
                if count > limits.max_rows:
                    raise _too_many_rows(limits)
                yield row
        except csv.Error as error:
            raise reject(
                f"CSV 文件第 {reader.line_num} 行格式错误（{error}）。",
                f"Line {reader.line_num} of the CSV file is malformed ({error}).",
                "请检查引号是否成对、是否含有不可见的控制字符，或从模板重新填写。",
                "Check that quotes are paired and there are no control characters, "
                "or start again from the template.",
            ) from None
