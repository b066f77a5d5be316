"""Registry management in the browser: Excel/CSV import with per-row errors shown on the page,
templates and exports to download — the same exchange layer as ``kechuang import``/``export``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, Response

from kechuang.domain import Actor, Role
from kechuang.exchange.bindings import BINDINGS, get_binding
from kechuang.exchange.exporter import export_file, write_template
from kechuang.exchange.importer import ImportReport, import_file
from kechuang.exchange.messages import FileRejectedError, ImportFailedError
from kechuang.web.deps import require_roles
from kechuang.web.templating import language_of, render

router = APIRouter()
Operator = Annotated[Actor, Depends(require_roles(Role.REGION_OPERATOR, Role.NATIONAL_ADMIN))]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")


def _kinds(request: Request) -> list[tuple[str, str]]:
    short = language_of(request).short
    return [(kind, binding.spec.title.render(short)) for kind, binding in BINDINGS.items()]


def _page(
    request: Request,
    *,
    kind: str = "",
    report: ImportReport | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "operator/import.html",
        {
            "kinds": _kinds(request),
            "kind": kind,
            "summary": report.summary(language_of(request).short) if report else None,
            "errors": errors or [],
        },
        status_code=status_code,
    )


@router.get("/operator/import")
def import_form(request: Request, actor: Operator) -> Response:
    """Choose a kind and a file."""
    return _page(request)


@router.post("/operator/import")
async def import_upload(request: Request, actor: Operator) -> Response:
    """Import the uploaded file all-or-nothing (or skipping bad rows when asked)."""
    form = await request.form()
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    skip = form.get("skip_bad_rows") == "on"
    short = language_of(request).short
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, kind=kind, errors=[_no_file(short)], status_code=422)
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _page(request, kind=kind, errors=[_bad_suffix(short)], status_code=422)
    content = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return _page(request, kind=kind, errors=[_too_big(short)], status_code=413)
    database_url = request.app.state.settings.database_url
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            get_binding(kind)
            report = await run_in_threadpool(
                import_file, path, kind, actor, skip_bad_rows=skip, database_url=database_url
            )
        except ImportFailedError as failure:
            lines = [error.render(short) for error in failure.errors]
            return _page(request, kind=kind, errors=lines, status_code=422)
        except FileRejectedError as rejection:
            return _page(request, kind=kind, errors=[rejection.render(short)], status_code=422)
    lines = [error.render(short) for error in report.errors]
    return _page(request, kind=kind, report=report, errors=lines)


def _download(request: Request, kind: str, writer_name: str, actor: Actor) -> Response:
    binding = get_binding(kind)
    folder = tempfile.mkdtemp(prefix="kechuang-")
    path = Path(folder) / f"{binding.spec.kind}-{writer_name}.xlsx"
    if writer_name == "template":
        write_template(path, binding.spec.kind)
    else:
        export_file(
            path, binding.spec.kind, actor, database_url=request.app.state.settings.database_url
        )
    return FileResponse(
        path,
        filename=path.name,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        background=BackgroundTask(_remove, Path(folder)),
    )


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


@router.get("/operator/import/{kind}/template.xlsx")
def template(request: Request, kind: str, actor: Operator) -> Response:
    """The empty bilingual template of ``kind``."""
    return _download(request, kind, "template", actor)


@router.get("/operator/import/{kind}/export.xlsx")
def export(request: Request, kind: str, actor: Operator) -> Response:
    """Everything of ``kind`` the operator may see, as a workbook."""
    return _download(request, kind, "export", actor)


def _no_file(short: str) -> str:
    return "请选择要导入的文件。" if short == "zh" else "Choose a file to import."


def _bad_suffix(short: str) -> str:
    return (
        "只能导入 .xlsx 或 .csv 文件；请另存为 Excel 工作簿后重试。"
        if short == "zh"
        else "Only .xlsx or .csv files can be imported; save as an Excel workbook and retry."
    )


def _too_big(short: str) -> str:
    return (
        "文件超过 20 MB；请拆分为多个文件后导入。"
        if short == "zh"
        else "The file is larger than 20 MB; split it into several files."
    )
