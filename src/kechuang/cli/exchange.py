"""``kechuang import | export | template``: Excel/CSV exchange for every aggregate.

Exit codes: 0 done; 1 rows were rejected and nothing was imported (every error is listed with
row, column, problem and fix); 2 the file (or the kind, or the user) was refused as a whole.
With ``--skip-bad-rows`` the good rows are imported, the bad ones listed, and the exit code is 0.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

_KINDS_HELP = (
    "数据类型 / Kind: regions, organisations, region-dockings, experts, expert-works, "
    "volunteers, achievements, demands, events, dockings, honour-entries."
)
KindArgument = Annotated[str, typer.Argument(help=_KINDS_HELP, show_default=False)]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="以该用户身份操作（权限由服务层检查）；默认为系统管理员 / Act as this user "
        "(permissions checked by the services); default: the system (national admin).",
    ),
]


def _actor(username: str | None) -> object:
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import users  # noqa: PLC0415

    system = Actor.system("exchange")
    if username is None:
        return system
    return Actor.of(users.get_by_username(system, username))


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def import_command(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(help="要导入的 .xlsx 或 .csv 文件 / File to import.")],
    *,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="导入正确的行，列出并跳过有错的行 / Import the good rows, report and skip the "
            "bad ones (default: all or nothing).",
        ),
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="报告语言 / Report language: zh | en.")
    ] = "zh",
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="数据行上限 / Most data rows accepted.", min=1)
    ] = 50_000,
    user: UserOption = None,
) -> None:
    """导入 Excel/CSV 文件 / Import an Excel or CSV file (one transaction, all or nothing)."""
    from tqdm import tqdm  # noqa: PLC0415

    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.exchange.importer import import_file  # noqa: PLC0415
    from kechuang.exchange.messages import FileRejectedError, ImportFailedError, Language  # noqa: PLC0415
    from kechuang.exchange.readers import Limits  # noqa: PLC0415

    language = Language.EN if lang.lower().startswith("en") else Language.ZH
    bar = tqdm(desc="写入 / writing", unit="行/rows", file=sys.stderr, disable=None, leave=False)

    def progress(done: int, total: int) -> None:
        if bar.disable:  # not a terminal (a log, a pipe): a plain line every tenth of the rows
            if done == 1 or done % max(1, total // 10) == 0:
                print(f"写入 / writing {done}/{total}", file=sys.stderr, flush=True)  # noqa: T201
            return
        bar.total = total
        bar.update(done - bar.n)

    try:
        actor = _actor(user)
        assert isinstance(actor, Actor)
        report = import_file(
            file,
            kind,
            actor,
            skip_bad_rows=skip_bad_rows,
            limits=Limits(max_rows=max_rows),
            progress=progress,
        )
    except FileRejectedError as error:
        other = Language.ZH if language is Language.EN else Language.EN
        raise _fail(f"{error.render(language)}\n{error.render(other)}", 2) from None
    except ImportFailedError as failed:
        heading = (
            f"导入失败：{len(failed.errors)} 处错误，未写入任何数据。"
            if language is Language.ZH
            else f"Import failed: {len(failed.errors)} error(s); nothing was written."
        )
        lines = [heading, *(error.render(language) for error in failed.errors)]
        raise _fail("\n".join(lines), 1) from None
    except KechuangError as error:
        raise _fail("\n".join(error.lines(language.value)), 2) from None
    finally:
        bar.close()
    for row_error in report.errors:
        typer.echo(row_error.render(language), err=True)
    typer.echo(report.summary(language))


def export_command(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(help="输出文件（.xlsx 或 .csv）/ Output .xlsx or .csv.")],
    user: UserOption = None,
) -> None:
    """导出为 Excel/CSV / Export the records you may read to an Excel or CSV file."""
    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.exchange.exporter import export_file  # noqa: PLC0415
    from kechuang.exchange.messages import ExchangeError  # noqa: PLC0415

    try:
        actor = _actor(user)
        assert isinstance(actor, Actor)
        count = export_file(file, kind, actor)
    except ExchangeError as error:
        raise _fail(error.render(), 2) from None
    except KechuangError as error:
        raise _fail("\n".join([*error.lines("zh"), *error.lines("en")]), 2) from None
    typer.echo(f"已导出 {count} 行到 {file} / Exported {count} rows to {file}")


def template_command(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(help="模板文件 / Template file (.xlsx or .csv).")],
) -> None:
    """生成填写模板 / Write a fill-in template with instructions and drop-down lists."""
    from kechuang.domain import KechuangError  # noqa: PLC0415
    from kechuang.exchange.exporter import write_template  # noqa: PLC0415
    from kechuang.exchange.messages import ExchangeError  # noqa: PLC0415

    try:
        write_template(file, kind)
    except ExchangeError as error:
        raise _fail(error.render(), 2) from None
    except KechuangError as error:
        raise _fail("\n".join([*error.lines("zh"), *error.lines("en")]), 2) from None
    typer.echo(f"模板已写入 {file} / Template written to {file}")


def register(app: typer.Typer) -> None:
    """Add the ``import``, ``export`` and ``template`` commands."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("template")(template_command)
