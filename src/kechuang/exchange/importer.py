"""Running an import: read and type-check every row, then write them in one transaction.

Two passes, so that nothing is written from a file that cannot be read:

1. **Read** (:mod:`~kechuang.exchange.readers`) and **parse** (:mod:`~kechuang.exchange.cells`)
   every row, collecting row errors. Rows are streamed; at most ``Limits.max_rows`` parsed rows
   are held in memory.
2. **Write** the parsed rows through the aggregate's binding — i.e. through the services, whose
   validation is the same as for a form or an API call — inside one ``services.transaction()``.
   A service error for a row becomes a row error naming the column of the offending field.

All-or-nothing by default: any row error, in either pass, means the transaction is rolled back and
:class:`~kechuang.exchange.messages.ImportFailedError` lists every error. With
``skip_bad_rows=True`` the good rows are committed and the bad ones reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kechuang.domain import Actor, KechuangError, ValidationError
from kechuang.exchange import aggregates  # noqa: F401 -- registers every aggregate's binding
from kechuang.exchange.bindings import Binding, ImportContext, get_binding
from kechuang.exchange.cells import CellError, Value, parse_cell
from kechuang.exchange.messages import (
    FileRejectedError,
    ImportFailedError,
    Language,
    RowError,
    Text,
)
from kechuang.exchange.readers import Limits, read_rows
from kechuang.services import transaction
from kechuang.services.batch import savepoint


@dataclass
class ImportReport:
    """What an import did: rows read, records created and updated, rows skipped with reasons."""

    kind: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        """Rows not imported (each has at least one error)."""
        return len({error.row for error in self.errors})

    def summary(self, lang: Language | str | None = None) -> str:
        """One line: read / created / updated / skipped."""
        text = Text(
            f"读取 {self.rows_read} 行：新建 {self.created} 条，更新（合并）{self.updated} 条，"
            f"跳过 {self.rows_skipped} 行。",
            f"Read {self.rows_read} rows: {self.created} created, {self.updated} updated "
            f"(merged), {self.rows_skipped} skipped.",
        )
        return text.render(lang)


class _RollBackError(Exception):
    """Raised inside the transaction to undo it when an all-or-nothing import has errors."""


def _parse_rows(
    path: Path, binding: Binding, limits: Limits, report: ImportReport
) -> list[tuple[int, dict[str, Value]]]:
    spec = binding.spec
    parsed: list[tuple[int, dict[str, Value]]] = []
    for raw in read_rows(path, spec, limits):
        report.rows_read += 1
        row_errors = [
            RowError(raw.number, column.header if column else None, what, fix)
            for column, what, fix in raw.problems
        ]
        values: dict[str, Value] = {}
        for column in spec.columns:
            if column.key not in raw.values and any(
                error.column == column.header for error in row_errors
            ):
                continue  # a formula cell, already reported
            try:
                values[column.key] = parse_cell(raw.values.get(column.key), column)
            except CellError as error:
                row_errors.append(RowError(raw.number, column.header, error.what, error.fix))
        if row_errors:
            report.errors.extend(row_errors)
        else:
            parsed.append((raw.number, values))
    return parsed


def _row_errors(error: KechuangError, row: int, binding: Binding) -> list[RowError]:
    """Turn a service error into row errors, naming the column behind each offending field."""
    if isinstance(error, ValidationError) and error.details:
        errors = []
        for detail in error.details:
            errors.append(
                RowError(
                    row,
                    binding.column_for_field(detail.field),
                    Text(detail.problem_zh, detail.problem_en),
                    Text(detail.fix_zh or error.fix_zh, detail.fix_en or error.fix_en),
                )
            )
        return errors
    return [
        RowError(row, None, Text(error.what_zh, error.what_en), Text(error.fix_zh, error.fix_en))
    ]


def import_file(
    path: Path,
    kind: str,
    actor: Actor,
    *,
    skip_bad_rows: bool = False,
    limits: Limits | None = None,
    database_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``path`` as aggregate ``kind``; return the report or raise.

    Raises :class:`FileRejectedError` when the file cannot be read at all and
    :class:`ImportFailedError` when rows are bad and ``skip_bad_rows`` is false; in both cases
    nothing was written. ``progress(done, total)`` is called after each row is written.
    """
    binding = get_binding(kind)
    limits = limits or Limits()
    report = ImportReport(kind=binding.spec.kind)
    parsed = _parse_rows(path, binding, limits, report)
    if report.rows_read == 0:
        raise FileRejectedError(
            Text(
                "文件中没有数据行（只有表头，或只有示例行）。",
                "The file has no data rows (only the header, or only the example row).",
            ),
            Text("请从第 2 行起每行填写一条记录。", "Enter one record per row from row 2."),
        )
    if report.errors and not skip_bad_rows:
        raise ImportFailedError(errors=report.errors, rows_read=report.rows_read)
    try:
        with transaction(database_url):
            context = ImportContext(actor=actor)
            for done, (row, values) in enumerate(parsed, start=1):
                context.row = row
                if progress is not None:
                    progress(done, len(parsed))
                try:
                    with savepoint():
                        created = binding.load(context, values)
                except KechuangError as error:
                    report.errors.extend(_row_errors(error, row, binding))
                    continue
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            try:
                binding.finish(context)
            except KechuangError as error:
                report.errors.extend(_row_errors(error, context.row, binding))
                raise _RollBackError from error
            if report.errors and not skip_bad_rows:
                raise _RollBackError
    except _RollBackError:
        report.errors.sort(key=lambda error: error.row)
        raise ImportFailedError(errors=report.errors, rows_read=report.rows_read) from None
    report.errors.sort(key=lambda error: error.row)
    return report
