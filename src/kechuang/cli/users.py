"""``kechuang users``: create accounts, list them, set passwords — as the installation's owner.

Passwords are read from a hidden prompt (or, for scripts, one line on standard input with
``--password-stdin``), never from the command line where ``ps`` and shell history would keep them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from kechuang.domain import KechuangError

users_app = typer.Typer(
    name="users",
    help="账号管理 / Accounts: add, list, set passwords.",
    no_args_is_help=True,
)


def _fail(error: KechuangError) -> NoReturn:
    typer.echo("\n".join([*error.lines("zh"), *error.lines("en")]), err=True)
    raise typer.Exit(2)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = typer.prompt("密码 / Password", hide_input=True, confirmation_prompt=True)
    return password


def _region_id(name: str | None) -> int | None:
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import regions  # noqa: PLC0415

    if name is None:
        return None
    region_id = regions.get_by_name(Actor.system("cli"), name).id
    assert region_id is not None
    return region_id


_ROLE_HELP = "角色 / Role: national_admin, region_operator, enterprise_member, expert, org_member."


@users_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="用户名 / Username.")],
    *,
    role: Annotated[str, typer.Option("--role", help=_ROLE_HELP)],
    region: Annotated[
        str | None, typer.Option("--region", help="所属区域名称 / Region name.")
    ] = None,
    organisation_id: Annotated[
        int | None, typer.Option("--organisation-id", help="所属企业/机构编号 / Organisation id.")
    ] = None,
    expert_id: Annotated[
        int | None, typer.Option("--expert-id", help="专家档案编号 / Expert profile id.")
    ] = None,
    display_name: Annotated[str, typer.Option("--display-name", help="姓名 / Name.")] = "",
    email: Annotated[str, typer.Option("--email", help="邮箱 / E-mail.")] = "",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="从标准输入读取密码 / Read the password from stdin."),
    ] = False,
) -> None:
    """新建账号 / Create an account."""
    from kechuang.domain import Actor, KechuangError, User, validate  # noqa: PLC0415
    from kechuang.services import transaction, users  # noqa: PLC0415

    try:
        with transaction():
            user = validate(
                User,
                {
                    "username": username,
                    "role": role,
                    "region_id": _region_id(region),
                    "organisation_id": organisation_id,
                    "expert_id": expert_id,
                    "display_name": display_name,
                    "email": email,
                },
            )
            created = users.create(Actor.system("cli"), user, _password(password_stdin))
    except KechuangError as error:
        _fail(error)
    typer.echo(
        f"已创建账号 {created.username}（编号 {created.id}）/ "
        f"Created {created.username} (id {created.id})"
    )


@users_app.command("list")
def list_command(
    region: Annotated[
        str | None, typer.Option("--region", help="只列出该区域 / Only this region.")
    ] = None,
    role: Annotated[str | None, typer.Option("--role", help=_ROLE_HELP)] = None,
) -> None:
    """列出账号 / List accounts."""
    from kechuang.domain import Actor, KechuangError, Role, label  # noqa: PLC0415
    from kechuang.services import transaction, users  # noqa: PLC0415

    actor = Actor.system("cli")
    try:
        with transaction():
            offset, rows = 0, []
            while True:
                page = users.list(
                    actor,
                    region_id=_region_id(region),
                    role=Role(role) if role else None,
                    offset=offset,
                    limit=500,
                )
                rows.extend(page.items)
                if not page.has_more:
                    break
                offset += len(page.items)
    except ValueError:
        typer.echo(f"未知角色 {role} / Unknown role {role}. {_ROLE_HELP}", err=True)
        raise typer.Exit(2) from None
    except KechuangError as error:
        _fail(error)
    for user in rows:
        state = "" if user.is_active else "  [停用 / inactive]"
        typer.echo(
            f"{user.id}\t{user.username}\t{label(user.role, 'zh')} / {label(user.role, 'en')}"
            f"\tregion={user.region_id or '-'}{state}"
        )
    typer.echo(f"共 {len(rows)} 个账号 / {len(rows)} accounts")


@users_app.command("set-password")
def set_password_command(
    username: Annotated[str, typer.Argument(help="用户名 / Username.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="从标准输入读取密码 / Read the password from stdin."),
    ] = False,
) -> None:
    """设置账号密码（并结束其所有登录会话）/ Set an account's password (ends its sessions)."""
    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.services import transaction, users  # noqa: PLC0415

    actor = Actor.system("cli")
    try:
        with transaction():
            user = users.get_by_username(actor, username)
            users.set_password(actor, user.id or 0, _password(password_stdin))
    except KechuangError as error:
        _fail(error)
    typer.echo(f"已设置 {username} 的密码 / Password set for {username}")


def register(app: typer.Typer) -> None:
    """Add the ``users`` group to the ``kechuang`` command."""
    app.add_typer(users_app)
