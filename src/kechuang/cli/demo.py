"""``kechuang demo``: build 兰州新区 and its peer regions as demo data, in one transaction.

Sets the database up if needed (Alembic upgrade), then writes the seeded demo world through the
services. Running it again leaves an existing demo untouched (exit 0); ``--reset`` empties the
database and builds it again, but only when every region in it is demo data, so that a real
installation cannot be wiped by accident.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from kechuang.demo import DEFAULT_SEED

if TYPE_CHECKING:
    from kechuang.demo.builder import DemoSummary


def demo_command(
    seed: Annotated[
        int,
        typer.Option("--seed", help="随机种子：相同种子生成相同数据 / Seed: same seed, same data."),
    ] = DEFAULT_SEED,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="清空数据库后重建演示数据（库中只有演示区域时才允许）/ Empty the database and "
            "rebuild the demo (refused unless every region in it is demo data).",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="不显示进度条 / No progress bar.")
    ] = False,
) -> None:
    """演示数据 / Build the demo: 兰州新区 as the Lanzhou report describes it, and peer regions."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.demo.builder import DEMO_REGION, build_demo, demo_exists  # noqa: PLC0415
    from kechuang.domain import Actor, KechuangError  # noqa: PLC0415
    from kechuang.services import regions  # noqa: PLC0415
    from kechuang.services.context import transaction  # noqa: PLC0415
    from kechuang.store import migrate  # noqa: PLC0415

    url = get_settings().database_url
    migrate.upgrade(url)
    if reset:
        with transaction(url):
            page = regions.list(Actor.system("demo"), include_archived=True, limit=500)
        real = [region.name for region in page.items if not region.is_demo]
        if real:
            typer.echo(
                f"拒绝重置：数据库中有非演示区域（{'、'.join(real)}），--reset 会删除它们。\n"
                f"Refused: the database holds regions that are not demo data ({', '.join(real)});"
                " --reset would delete them. Use another KECHUANG_DATABASE_URL for the demo.",
                err=True,
            )
            raise typer.Exit(2)
        migrate.downgrade(url, "base")
        migrate.upgrade(url)
    elif demo_exists(url):
        typer.echo(
            f"演示数据已存在（{DEMO_REGION}），未做任何改动；如需重建请加 --reset。\n"
            f"The demo already exists ({DEMO_REGION}); nothing changed. Add --reset to rebuild."
        )
        return

    started = time.perf_counter()
    try:
        if quiet:
            summary = build_demo(seed=seed, database_url=url)
        else:
            summary = _build_with_progress(seed, url)
    except KechuangError as error:
        typer.echo("\n".join([*error.lines("zh"), *error.lines("en")]), err=True)
        raise typer.Exit(2) from None
    elapsed = time.perf_counter() - started
    typer.echo(
        f"演示数据已建立（种子 {summary.seed}，用时 {elapsed:.1f} 秒）/ Demo built "
        f"(seed {summary.seed}, {elapsed:.1f} s): {summary.regions} 区域 regions, "
        f"{summary.organisations} 机构 organisations, {summary.experts} 专家 experts, "
        f"{summary.volunteers} 志愿者 volunteers, {summary.demands} 需求 demands, "
        f"{summary.dockings} 对接 dockings, {summary.events} 活动 events, "
        f"{summary.users} 用户 users."
    )
    typer.echo(
        f"演示账号 / Demo accounts: {', '.join(summary.usernames)}\n"
        "密码为随机值，尚不可用；kechuang serve 启动时为演示账号设置新的随机密码并打印一次。\n"
        "Their passwords are random and unusable until set: kechuang serve gives every demo "
        "account a fresh random password at start and prints it once.\n"
        f"下一步 / Next: kechuang serve  ·  kechuang stats --region {DEMO_REGION}"
    )


def _build_with_progress(seed: int, url: str) -> DemoSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415

    from kechuang.demo.builder import build_demo  # noqa: PLC0415

    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("生成 generating", total=None)

        def progress(label: str, done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                bar.update(task, description=label, completed=done, total=total)

        return build_demo(seed=seed, database_url=url, progress=progress)


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""
    app.command("demo")(demo_command)
