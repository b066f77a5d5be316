"""The column reference of ``docs/exchange.md``, generated from the specs.

A test compares the page with :func:`columns_markdown`, so the documentation cannot drift from
the code; regenerate with ``python -m kechuang.exchange.docs > /tmp/columns.md`` and paste.
"""

from __future__ import annotations

from kechuang.exchange.aggregates import IMPORT_ORDER
from kechuang.exchange.bindings import get_binding
from kechuang.exchange.spec import TYPE_NAMES
from kechuang.exchange.writers import allowed_values


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def columns_markdown() -> str:
    """One section per aggregate, in import order: its notes and a table of its columns."""
    parts: list[str] = []
    for kind in IMPORT_ORDER:
        spec = get_binding(kind).spec
        parts.append(f"### `{kind}` — {spec.title.zh} / {spec.title.en}\n")
        for note in spec.notes:
            parts.append(f"- {note.zh} {note.en}")
        if spec.notes:
            parts.append("")
        parts.append("| Column (header) | Required | Type | Allowed values | Help |")
        parts.append("|---|---|---|---|---|")
        for column in spec.columns:
            allowed = allowed_values(column)
            shown = allowed.zh if allowed.zh == allowed.en else f"{allowed.zh} / {allowed.en}"
            help_text = f"{column.help.zh} {column.help.en}".strip()
            parts.append(
                f"| {_cell(column.header)} | {'yes' if column.required else ''} "
                f"| {TYPE_NAMES[column.type].en} | {_cell(shown)} | {_cell(help_text)} |"
            )
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(columns_markdown())  # noqa: T201 -- the module's command-line use
