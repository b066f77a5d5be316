"""Outgoing mail. In development each message is written as an ``.eml`` file to the outbox
directory (``<data_dir>/outbox``) instead of being sent, so the password-reset flow can be
followed on one machine and checked by tests."""

from __future__ import annotations

import datetime as dt
import secrets
from email.message import EmailMessage
from pathlib import Path


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
