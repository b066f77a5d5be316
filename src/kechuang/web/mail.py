"""Outgoing mail for the pages: the shared outbox in :mod:`kechuang.exchange.mail` (the API sends
the same mails and may not import the web package)."""

from __future__ import annotations

from kechuang.exchange.mail import outbox_dir, send, send_docking_reminder, send_sign_up_mail

__all__ = ["outbox_dir", "send", "send_docking_reminder", "send_sign_up_mail"]
