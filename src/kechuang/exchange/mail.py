"""Outgoing mail, shared by the pages and the API (which may not import each other).

In development each message is written as an ``.eml`` file to the outbox directory
(``<data_dir>/outbox``) instead of being sent, so the password-reset and sign-up flows can be
followed on one machine and checked by tests.
"""

from __future__ import annotations

import datetime as dt
import secrets
from email.message import EmailMessage
from pathlib import Path

from kechuang.domain import DockingTargetKind, User, label
from kechuang.services.dockings import Reminder


def outbox_dir(data_dir: Path) -> Path:
    """Where development mail lands."""
    return data_dir / "outbox"


def send(data_dir: Path, *, to: str, subject: str, body: str) -> Path:
    """Write one message to the outbox and return its path."""
    message = EmailMessage()
    message["From"] = "Kechuang 科创 <no-reply@kechuang.invalid>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    folder = outbox_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(message.as_bytes())
    return path


def send_sign_up_mail(data_dir: Path, user: User, *, created: bool, base_url: str) -> Path:
    """Tell the address's owner what a sign-up did. The person who signed up is shown the same
    answer either way; only this mail, to the address's owner, says which case it was."""
    base = base_url.rstrip("/")
    if not created:
        subject = "科创 Kechuang：此邮箱已有账号 / This address already has an account"
        body = (
            f"您好：\n\n有人用本邮箱（{user.email}）申请注册科创平台账号，而本邮箱已有账号"
            f"（用户名 {user.username}），因此未新建账号。\n"
            f"如是您本人：请直接登录 {base}/sign-in ，忘记密码可在 {base}/password-reset 重置。\n"
            "如非本人操作，请忽略本邮件，您的账号不受影响。\n\n"
            f"Hello,\n\nSomeone asked to sign up to Kechuang with this address ({user.email}), "
            f"which already has an account (username {user.username}), so no account was "
            f"created.\nIf it was you: sign in at {base}/sign-in, or reset a forgotten password "
            f"at {base}/password-reset.\nIf it was not you, ignore this mail; your account is "
            "unchanged.\n"
        )
    elif user.is_active:
        subject = "科创 Kechuang：账号已开通 / Your account is open"
        body = (
            f"您好 {user.display_name or user.email}：\n\n您的企业账号已开通，用户名 "
            f"{user.username}（也可用本邮箱登录）：{base}/sign-in\n\n"
            f"Hello {user.display_name or user.email},\n\nYour enterprise account is open, "
            f"username {user.username} (or sign in with this address): {base}/sign-in\n"
        )
    else:
        subject = "科创 Kechuang：注册待审核 / Sign-up awaiting approval"
        body = (
            f"您好 {user.display_name or user.email}：\n\n已收到您的企业账号注册申请（用户名 "
            f"{user.username}，也可用本邮箱登录）。区域科协运营人员核实后将开通账号，"
            f"届时即可登录 {base}/sign-in 。\n如非本人操作，请忽略本邮件。\n\n"
            f"Hello {user.display_name or user.email},\n\nWe received your sign-up for an "
            f"enterprise account (username {user.username}; you can also sign in with this "
            "address). The region's science association will check it and open the account; "
            f"then sign in at {base}/sign-in.\nIf it was not you, ignore this mail.\n"
        )
    return send(data_dir, to=user.email, subject=subject, body=body)


def send_lockout_mail(data_dir: Path, user: User, *, minutes: int) -> Path | None:
    """Tell an account's owner that repeated failed sign-ins locked it, so that someone guessing
    their password does not go unnoticed. Accounts without an address get no mail."""
    if not user.email:
        return None
    subject = "科创 Kechuang：账号已临时锁定 / Your account is locked for now"
    body = (
        f"您好 {user.display_name or user.username}：\n\n"
        f"您的账号（用户名 {user.username}）因连续多次登录失败已被临时锁定 {minutes} 分钟。"
        "如果不是您本人操作，可能有人在尝试猜测您的密码："
        "请在锁定解除后重置密码，或联系本区域的科协工作人员。\n\n"
        f"Hello {user.display_name or user.username},\n\nYour account (username {user.username}) "
        f"is locked for {minutes} minutes after repeated failed sign-ins. If this was not you, "
        "someone may be guessing your password: reset it once the lock ends, or contact your "
        "region's staff.\n"
    )
    return send(data_dir, to=user.email, subject=subject, body=body)


def send_docking_reminder(data_dir: Path, reminder: Reminder, *, base_url: str = "") -> list[Path]:
    """Remind each party of a stale docking that it is waiting for them (one mail per address).

    Called by :func:`kechuang.services.dockings.remind` inside its transaction, so a mail that
    cannot be written leaves the docking un-reminded and it is tried again next time."""
    docking = reminder.docking
    stage_zh, stage_en = label(docking.stage, "zh"), label(docking.stage, "en")
    base = base_url.rstrip("/")
    sent = []
    for recipient in reminder.recipients:
        page = (
            "/my/demands"
            if recipient.side == "enterprise"
            else "/expert/invitations"
            if docking.target_kind is DockingTargetKind.EXPERT
            else ""  # organisation members have no docking page of their own
        )
        link = f"\n{base}{page}" if base and page else ""
        subject = (
            f"科创 Kechuang：对接已 {reminder.idle_days} 天无进展 / "
            f"A docking has had no progress for {reminder.idle_days} days"
        )
        body = (
            f"您好 {recipient.name}：\n\n"
            f"需求“{reminder.demand_title}”与“{reminder.partner_name}”的对接（#{docking.id}）"
            f"处于“{stage_zh}”阶段，已有 {reminder.idle_days} 天没有进展。"
            "请与对方联系推进，或在平台上更新对接状态；如已不再需要，请告知区域科协工作人员关闭。"
            f"{link}\n\n"
            f"Hello {recipient.name},\n\nThe docking #{docking.id} of the demand "
            f"“{reminder.demand_title}” with “{reminder.partner_name}” is at the stage "
            f"“{stage_en}” and has had no progress for {reminder.idle_days} days. Please contact "
            "the other side and move it forward, or update its status on the platform; if it is "
            f"no longer needed, ask your region's staff to close it.{link}\n"
        )
        sent.append(send(data_dir, to=recipient.email, subject=subject, body=body))
    return sent
