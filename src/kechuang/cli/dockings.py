"""``kechuang dockings``: stale dockings and reminder mails to their parties.

``dockings stale`` lists the open dockings with no change for more than N days; ``dockings
remind`` mails both parties of each (to the outbox in development), at most once per docking per
N days — each reminder is recorded in the audit log, so running it daily from cron is safe.
N defaults to ``KECHUANG_DOCKING_STALE_DAYS`` (14).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kechuang.cli._errors import database_errors

dockings_app = typer.Typer(
    name="dockings",
    help="对接 / Dockings: stale dockings and reminder mails to their parties.",
    no_args_is_help=True,
)

_REGION = typer.Option(
    "--region", help="区域名称（省略：全部区域）/ Region name (omitted: every region)."
)
_DAYS = typer.Option(
    "--days",
    min=1,
    help="超过多少天无变化视为停滞（默认取设置）/ Days without change (default: the setting).",
)


def _region_id(name: str | None) -> int | None:
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import regions  # noqa: PLC0415

    if name is None:
        return None
    return regions.get_by_name(Actor.system("cli"), name).id


@dockings_app.command("stale")
def stale_command(
    region: Annotated[str | None, _REGION] = None,
    days: Annotated[int | None, _DAYS] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output.")] = False,
) -> None:
    """列出停滞的对接 / List the stale dockings."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.domain import Actor, label  # noqa: PLC0415
    from kechuang.domain.common import utcnow  # noqa: PLC0415
    from kechuang.services import dockings, transaction  # noqa: PLC0415

    days = days or get_settings().docking_stale_days
    with database_errors(), transaction():
        actor = Actor.system("cli")
        found = dockings.stale(actor, _region_id(region), days=days)
        now = utcnow()
        rows = [
            {
                "docking": d.id,
                "region": d.region_id,
                "demand": d.demand_id,
                "stage": d.stage.value,
                "idle_days": dockings.idle_days(d, now),
                "last_reminded": (
                    r.isoformat() if (r := dockings.last_reminded(actor, d.id or 0)) else None
                ),
            }
            for d in found
        ]
    if as_json:
        typer.echo(json.dumps({"days": days, "stale": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"超过 {days} 天无进展的对接 {len(rows)} 项 / {len(rows)} dockings idle > {days} days"
    )
    for row, docking in zip(rows, found, strict=True):
        typer.echo(
            f"  #{row['docking']}  {label(docking.stage, 'zh')} / {label(docking.stage, 'en')}  "
            f"{row['idle_days']} 天/days"
        )


@dockings_app.command("remind")
def remind_command(
    region: Annotated[str | None, _REGION] = None,
    days: Annotated[int | None, _DAYS] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="邮件中的平台地址 / Platform address for the links.")
    ] = "",
) -> None:
    """给停滞对接的双方发提醒邮件（每项每 N 天至多一次）/ Mail the parties of stale dockings."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.exchange.mail import send_docking_reminder  # noqa: PLC0415
    from kechuang.services import dockings, transaction  # noqa: PLC0415

    settings = get_settings()
    days = days or settings.docking_stale_days
    with database_errors(), transaction():
        result = dockings.remind(
            Actor.system("cli"),
            _region_id(region),
            days=days,
            send=lambda reminder: send_docking_reminder(
                settings.data_dir, reminder, base_url=base_url
            ),
        )
    mails = sum(len(r.recipients) for r in result.sent)
    typer.echo(
        f"已提醒 {len(result.sent)} 项对接（{mails} 封邮件）；{len(result.recently_reminded)} 项在 "
        f"{days} 天内已提醒过；{len(result.without_address)} 项无联系邮箱。\n"
        f"Reminded {len(result.sent)} dockings ({mails} mails); {len(result.recently_reminded)} "
        f"already reminded within {days} days; {len(result.without_address)} without any address."
    )
    for docking_id in result.without_address:
        typer.echo(
            f"  #{docking_id}: 双方均无邮箱，请电话联系 / no address on either side, call them",
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add the ``dockings`` group to the ``kechuang`` command."""
    app.add_typer(dockings_app)
