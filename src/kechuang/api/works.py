"""The REST twin of the expert's works import: ``POST /experts/{id}/works/import`` with the list
as text (BibTeX, RIS, CSV) or base64 (any, Excel included); ``dry_run`` previews, otherwise the new
works are added all or nothing (422 listing every entry's problem, nothing written)."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kechuang.api.deps import Caller, tx
from kechuang.api.errors import ERROR_RESPONSES
from kechuang.domain import ValidationError
from kechuang.exchange import works
from kechuang.exchange.messages import FileRejectedError

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class WorksImportIn(BaseModel):
    """The list: ``content`` (text) or ``content_base64`` (bytes, e.g. an .xlsx file)."""

    content: str | None = Field(None, max_length=works.MAX_BYTES)
    content_base64: str | None = Field(None, max_length=works.MAX_BYTES * 4 // 3 + 4)
    format: works.WorksFormat | None = None
    """Detected from ``filename`` or the content when omitted."""
    filename: str | None = Field(None, max_length=200)
    dry_run: bool = False


class ProblemOut(BaseModel):
    """One problem of one entry, in both languages."""

    field: str | None
    zh: str
    en: str


class WorkEntryOut(BaseModel):
    """One entry of the list and what the import does with it."""

    number: int
    title: str | None
    kind: str | None
    year: int | None
    authors: list[str]
    duplicate: str
    """``existing``, ``list`` or empty."""
    problems: list[ProblemOut]


class WorksImportOut(BaseModel):
    """The preview (``dry_run``) or the result of the import."""

    format: str
    added: int
    duplicates: int
    problems: int
    entries: list[WorkEntryOut]


def _bytes(body: WorksImportIn) -> bytes:
    if body.content_base64:
        try:
            return base64.b64decode(body.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError.single(
                "content_base64",
                problem_zh="不是有效的 base64 编码",
                problem_en="not valid base64",
                fix_zh="请对文件内容做标准 base64 编码",
                fix_en="Encode the file's bytes as standard base64",
            ) from None
    return (body.content or "").encode("utf-8")


@router.post(
    "/experts/{expert_id}/works/import",
    tags=["experts"],
    summary="Import a list of works / 批量导入成果",
)
def import_works(
    request: Request, expert_id: int, actor: Caller, body: WorksImportIn
) -> WorksImportOut:
    """Preview (``dry_run``) or add the list's works to the expert's profile (the expert, or the
    staff of the expert's region); duplicates (same title and year) are skipped."""
    data = _bytes(body)
    fmt = body.format.value if body.format else None
    try:
        with tx(request):
            if body.dry_run:
                result = works.preview(actor, expert_id, data, filename=body.filename, fmt=fmt)
            else:
                result = works.import_works(actor, expert_id, data, filename=body.filename, fmt=fmt)
    except FileRejectedError as error:
        raise works.file_error(error) from None
    return WorksImportOut(
        format=result.format.value,
        added=0 if body.dry_run else len(result.new_works),
        duplicates=len(result.duplicates),
        problems=len(result.problems),
        entries=[
            WorkEntryOut(
                number=entry.number,
                title=entry.work.title if entry.work else None,
                kind=entry.work.kind.value if entry.work else None,
                year=entry.work.year if entry.work else None,
                authors=list(entry.authors),
                duplicate=entry.duplicate,
                problems=[
                    ProblemOut(field=p.field, zh=p.message("zh"), en=p.message("en"))
                    for p in entry.problems
                ],
            )
            for entry in result.entries
        ],
    )
