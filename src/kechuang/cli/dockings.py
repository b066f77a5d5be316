"""``kechuang dockings``: stale dockings and reminder mails to their parties.

``dockings stale`` lists the open dockings with no change for more than N days; ``dockings
remind`` mails both parties of each (to the outbox in development), at most once per docking per
N days — each reminder is recorded in the audit log, so running it daily from cron is safe.
N defaults to the region's own threshold (its ``docking_stale_days``), else
``KECHUANG_DOCKING_STALE_DAYS`` (14). ``dockings remind --dry-run`` lists what would be sent, to
whom (addresses half hidden), and sends and records nothing. ``dockings threshold`` shows or sets a
region's own threshold.
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
    help="超过多少天无变化视为停滞（默认取区域设置，否则取全局设置）/ Days without change "
    "(default: the region's own threshold, else the setting).",
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
    from kechuang.domain import Actor, label  # noqa: PLC0415
    from kechuang.domain.common import utcnow  # noqa: PLC0415
    from kechuang.services import dockings, regions, transaction  # noqa: PLC0415

    with database_errors(), transaction():
        actor = Actor.system("cli")
        region_id = _region_id(region)
        shown_days = days or dockings.stale_threshold(
            regions.get(actor, region_id) if region_id is not None else None
        )
        found = dockings.stale(actor, region_id, days=days)
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
        typer.echo(json.dumps({"days": shown_days, "stale": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"超过 {shown_days} 天无进展的对接 {len(rows)} 项 / "
        f"{len(rows)} dockings idle > {shown_days} days"
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
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="只列出将提醒的对接和收件人，不发送、不记录 / List what would be sent; send "
            "and record nothing.",
        ),
    ] = False,
) -> None:
    """给停滞对接的双方发提醒邮件（每项每 N 天至多一次）/ Mail the parties of stale dockings."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.domain import Actor, label  # noqa: PLC0415
    from kechuang.exchange.mail import send_docking_reminder  # noqa: PLC0415
    from kechuang.services import dockings, transaction  # noqa: PLC0415

    settings = get_settings()
    with database_errors(), transaction():
        result = dockings.remind(
            Actor.system("cli"),
            _region_id(region),
            days=days,
            dry_run=dry_run,
            send=lambda reminder: send_docking_reminder(
                settings.data_dir, reminder, base_url=base_url
            ),
        )
    mails = sum(len(r.recipients) for r in result.sent)
    if dry_run:
        typer.echo(
            f"预览（未发送）：将提醒 {len(result.sent)} 项对接（{mails} 封邮件）；"
            f"{len(result.recently_reminded)} 项近期已提醒；{len(result.without_address)} 项无联系"
            f"邮箱。\nDry run (nothing sent): would remind {len(result.sent)} dockings ({mails} "
            f"mails); {len(result.recently_reminded)} reminded recently; "
            f"{len(result.without_address)} without any address."
        )
        for reminder in result.sent:
            stage = reminder.docking.stage
            typer.echo(
                f"  #{reminder.docking.id}  {reminder.demand_title} ↔ {reminder.partner_name}  "
                f"{label(stage, 'zh')} / {label(stage, 'en')}  "
                f"{reminder.idle_days} 天/days (> {reminder.threshold})"
            )
            for recipient in reminder.recipients:
                side = "企业方/enterprise" if recipient.side == "enterprise" else "服务方/provider"
                typer.echo(f"      → {recipient.name}  {side}  {recipient.masked_email}")
        for docking_id in result.without_address:
            typer.echo(f"  #{docking_id}: 双方均无邮箱 / no address on either side", err=True)
        return
    shown = days or "区域设置/the region's setting"
    typer.echo(
        f"已提醒 {len(result.sent)} 项对接（{mails} 封邮件）；{len(result.recently_reminded)} 项在 "
        f"{shown} 天内已提醒过；{len(result.without_address)} 项无联系邮箱。\n"
        f"Reminded {len(result.sent)} dockings ({mails} mails); {len(result.recently_reminded)} "
        f"already reminded within {shown} days; {len(result.without_address)} without any "
        "address."
    )
    for docking_id in result.without_address:
        typer.echo(
            f"  #{docking_id}: 双方均无邮箱，请电话联系 / no address on either side, call them",
            err=True,
        )


@dockings_app.command("threshold")
def threshold_command(
    region: Annotated[str, typer.Option("--region", help="区域名称 / Region name.")],
    days: Annotated[
        int | None,
        typer.Option(
            "--days", help="本区域的停滞天数（1–365）/ The region's own threshold (1–365 days)."
        ),
    ] = None,
    clear: Annotated[
        bool,
        typer.Option("--clear", help="改回全局设置 / Go back to the installation's setting."),
    ] = False,
) -> None:
    """查看或设置区域的停滞天数 / Show or set a region's own stale-docking threshold."""
    from kechuang.config import get_settings  # noqa: PLC0415
    from kechuang.domain import Actor  # noqa: PLC0415
    from kechuang.services import dockings, regions, transaction  # noqa: PLC0415

    actor = Actor.system("cli")
    with database_errors(), transaction():
        found = regions.get_by_name(actor, region)
        assert found.id is not None
        if clear or days is not None:
            found = regions.update(actor, found.id, {"docking_stale_days": None if clear else days})
        effective = dockings.stale_threshold(found)
    source = (
        "区域设置 / the region's own"
        if found.docking_stale_days is not None
        else f"全局设置 KECHUANG_DOCKING_STALE_DAYS={get_settings().docking_stale_days} / "
        "the installation's setting"
    )
    typer.echo(f"{found.name}: {effective} 天/days（{source}）")


def register(app: typer.Typer) -> None:
    """Add the ``dockings`` group to the ``kechuang`` command."""
    app.add_typer(dockings_app)
