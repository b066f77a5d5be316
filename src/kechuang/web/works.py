"""The expert's "import a list of works" pages: paste or upload BibTeX, RIS or a CSV/Excel sheet,
see every entry with its problems (in the reader's language) and the duplicates that will be
skipped, then confirm — the new works are added in one transaction, nothing on any problem.

The list itself travels from the preview to the confirmation in a hidden field (base64), so the
confirmation re-reads and re-checks exactly what was previewed; nothing is kept on the server.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from kechuang.domain import Actor, KechuangError, Role
from kechuang.exchange import works
from kechuang.exchange.messages import FileRejectedError
from kechuang.web import i18n
from kechuang.web.deps import require_roles, tx
from kechuang.web.i18n import N_
from kechuang.web.templating import flash, language_of, render

router = APIRouter()

ExpertActor = Annotated[Actor, Depends(require_roles(Role.EXPERT))]

FORMATS = (
    ("", N_("Detect automatically")),
    ("bibtex", "BibTeX"),
    ("ris", "RIS"),
    ("csv", "CSV"),
    ("xlsx", "Excel (.xlsx)"),
)


def _form_page(
    request: Request,
    *,
    errors: list[str] | None = None,
    pasted: str = "",
    fmt: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "expert/works_import.html",
        {
            "errors": errors or [],
            "pasted": pasted,
            "format": fmt,
            "formats": FORMATS,
            "max_mb": works.MAX_BYTES // 1024 // 1024,
            "max_entries": works.MAX_ENTRIES,
            "headers": [column.header for column in works.SHEET.columns],
        },
        status_code=status_code,
    )


@router.get("/expert/profile/works/import")
def import_form(request: Request, actor: ExpertActor) -> Response:
    """Paste or upload a list of works."""
    return _form_page(request)


@router.get("/expert/profile/works/template.xlsx")
def template(request: Request, actor: ExpertActor) -> Response:
    """The Excel sheet to fill in (headers, an example row, instructions, the kind drop-down)."""
    with tempfile.TemporaryDirectory(prefix="kechuang-works-") as folder:
        path = Path(folder) / "works.xlsx"
        works.write_template(path)
        content = path.read_bytes()
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="works-template.xlsx"'},
    )


async def _source(form: FormData) -> tuple[bytes, str | None]:
    """The list's bytes: the uploaded file if one was chosen, else the pasted text."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(works.MAX_BYTES + 1)
        return data, upload.filename
    pasted = form.get("pasted")
    return (pasted.encode("utf-8") if isinstance(pasted, str) else b""), None


def _preview_page(
    request: Request,
    result: works.WorksPreview,
    data: bytes,
    filename: str | None,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request).short
    rows = [
        {
            "number": entry.number,
            "work": entry.work,
            "authors": entry.authors,
            "duplicate": entry.duplicate,
            "problems": [problem.message(language) for problem in entry.problems],
        }
        for entry in result.entries
    ]
    return render(
        request,
        "expert/works_preview.html",
        {
            "rows": rows,
            "format": result.format.value,
            "filename": filename or "",
            "source": base64.b64encode(data).decode("ascii"),
            "new_count": len(result.new_works),
            "duplicate_count": len(result.duplicates),
            "problem_count": len(result.problems),
            "errors": errors or [],
        },
        status_code=status_code,
    )


@router.post("/expert/profile/works/import")
async def preview_import(request: Request, actor: ExpertActor) -> Response:
    """Check the list and show what the import would do (nothing is written)."""
    assert actor.expert_id is not None
    language = language_of(request).short
    form = await request.form()
    data, filename = await _source(form)
    fmt = str(form.get("format") or "")
    pasted = str(form.get("pasted") or "")

    def check() -> works.WorksPreview:
        with tx(request):
            return works.preview(actor, actor.expert_id or 0, data, filename=filename, fmt=fmt)

    try:
        result = await run_in_threadpool(check)
    except FileRejectedError as error:
        return _form_page(
            request, errors=[error.render(language)], pasted=pasted, fmt=fmt, status_code=422
        )
    return _preview_page(
        request, result, data, filename, status_code=422 if result.problems else 200
    )


@router.post("/expert/profile/works/import/confirm")
async def confirm_import(request: Request, actor: ExpertActor) -> Response:
    """Add the previewed list's new works, all or nothing."""
    assert actor.expert_id is not None
    language = language_of(request)
    form = await request.form()
    fmt = str(form.get("format") or "")
    filename = str(form.get("filename") or "") or None
    try:
        data = base64.b64decode(str(form.get("source") or ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""

    def write() -> works.WorksPreview:
        with tx(request):
            return works.import_works(
                actor, actor.expert_id or 0, data, filename=filename, fmt=fmt or None
            )

    try:
        result = await run_in_threadpool(write)
    except FileRejectedError as error:
        return _form_page(request, errors=[error.render(language.short)], fmt=fmt, status_code=422)
    except KechuangError as error:

        def again() -> works.WorksPreview:
            with tx(request):
                return works.preview(
                    actor, actor.expert_id or 0, data, filename=filename, fmt=fmt or None
                )

        return _preview_page(
            request,
            await run_in_threadpool(again),
            data,
            filename,
            errors=error.lines(language.short),
            status_code=422,
        )
    flash(
        request,
        "ok",
        i18n.gettext(
            language, "%(added)s works added to your profile; %(skipped)s duplicates skipped."
        )
        % {"added": len(result.new_works), "skipped": len(result.duplicates)},
    )
    return RedirectResponse("/expert/profile", status_code=303)


__all__ = ["router"]
