"""docs/exchange.md carries the column reference generated from the specs."""

from __future__ import annotations

from pathlib import Path

from kechuang.exchange.docs import columns_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"


def test_column_reference_is_current() -> None:
    page = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- columns:begin -->\n", "<!-- columns:end -->"
    section = page[page.index(begin) + len(begin) : page.index(end)]
    assert section.strip() == columns_markdown().strip(), (
        "regenerate with: python -m kechuang.exchange.docs"
    )
