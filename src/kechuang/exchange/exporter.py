"""Exports and templates: one writer (:mod:`kechuang.exchange.writers`) for both.

An export contains what the acting user may read — the services decide, e.g. expert contact data
only for admins, the expert's region operators and the expert.
"""

from __future__ import annotations

from pathlib import Path

from kechuang.domain import Actor
from kechuang.exchange import aggregates
from kechuang.exchange.bindings import get_binding
from kechuang.exchange.writers import write_table
from kechuang.services import transaction

__all__ = ["aggregates", "export_file", "write_template"]


def export_file(path: Path, kind: str, actor: Actor, *, database_url: str | None = None) -> int:
    """Write every ``kind`` record ``actor`` may read to ``path``; return the row count.

    Reads in one transaction, so the file is a consistent snapshot.
    """
    binding = get_binding(kind)
    with transaction(database_url):
        return write_table(path, binding.spec, binding.export(actor))


def write_template(path: Path, kind: str) -> None:
    """Write the fill-in template of ``kind`` (header, example row, instructions, drop-downs)."""
    write_table(path, get_binding(kind).spec, [], template=True)
