"""Static SVG charts for the reports: horizontal bars, a funnel and rank bands.

Hand-written SVG keeps the PDF free of JavaScript and of any plotting dependency; each function
returns one ``<svg>`` element as text, sized in CSS pixels, with every label escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"
BLUE = "#2b6cb0"
ORANGE = "#dd6b20"
GREY = "#a0aec0"
LIGHT_BLUE = "#90cdf4"
INK = "#1a202c"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def _text_width(text: str, size: float = 12) -> float:
    """Rough rendered width: CJK glyphs are square, Latin ones about half as wide."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.56 for ch in text)


def _label_width(labels: Sequence[str], width: int) -> int:
    widest = max((_text_width(label) for label in labels), default=0.0)
    return int(min(width * 0.45, max(80.0, widest + 14)))


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" role="img" '
        f'aria-label="{escape(title)}">'
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float]],
    title: str,
    *,
    width: int = 640,
    label_width: int | None = None,
    bar_height: int = 18,
    colour: str = BLUE,
) -> str:
    """Horizontal bars, one per (label, value), value printed at the bar's end."""
    if label_width is None:
        label_width = _label_width([name for name, _ in items], width)
    top, gap = 30, 6
    height = top + len(items) * (bar_height + gap) + 10
    biggest = max((v for _, v in items), default=0.0) or 1.0
    span = width - label_width - 70
    body = []
    for i, (name, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        length = max(0.0, value) / biggest * span
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.75:.1f}" font-size="12" '
            f'text-anchor="end" fill="{INK}">{escape(name)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.75:.1f}" '
            f'font-size="12" fill="{INK}">{escape(_fmt(value))}</text>'
        )
    return _svg(width, height, body, title)


def funnel_chart(steps: Sequence[tuple[str, float]], title: str, *, width: int = 640) -> str:
    """A centred funnel: each step's bar is proportional to the first step, with its share."""
    top, bar_height, gap = 30, 26, 6
    height = top + len(steps) * (bar_height + gap) + 10
    first = steps[0][1] if steps and steps[0][1] > 0 else 1.0
    usable = width - 40
    body = []
    for i, (name, value) in enumerate(steps):
        y = top + i * (bar_height + gap)
        length = max(2.0, value / first * usable)
        x = (width - length) / 2
        share = f"{value / first:.0%}" if steps and steps[0][1] > 0 else "—"
        body.append(
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{LIGHT_BLUE}"/>'
            f'<text x="{width / 2:.1f}" y="{y + 18}" font-size="13" text-anchor="middle" '
            f'fill="{INK}">{escape(name)} {escape(_fmt(value))}（{share}）</text>'
        )
    return _svg(width, height, body, title)


@dataclass(frozen=True)
class BandRow:
    """One region on the rank-band chart."""

    label: str
    rank: float
    low: float
    high: float
    previous: float | None = None
    highlight: bool = False


def band_chart(rows: Sequence[BandRow], title: str, legend: str, *, width: int = 640) -> str:
    """Rank bands: the 5–95 % interval as a bar, this year's rank as a dot, last year's as a ring.

    Rank 1 is on the left. A ring inside the bar means the change is not significant.
    """
    top, row_height = 46, 22
    label_width = _label_width([row.label for row in rows], width)
    n = max([int(max(r.high, r.rank, r.previous or 0)) for r in rows] + [2])
    span = width - label_width - 30
    height = top + len(rows) * row_height + 28

    def x_of(rank: float) -> float:
        return label_width + (rank - 1) / (n - 1) * span

    body = [
        f'<text x="0" y="34" font-size="11" fill="#4a5568">{escape(legend)}</text>',
    ]
    step = 1 if n <= 20 else 5
    for tick in sorted({1, n, *range(step if step > 1 else 2, n, step)}):
        x = x_of(tick)
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" '
            f'stroke="#e2e8f0"/>'
            f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" '
            f'fill="#4a5568">{tick}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_height + row_height / 2
        colour = ORANGE if row.highlight else BLUE
        weight = "bold" if row.highlight else "normal"
        low, high = x_of(row.low), x_of(row.high)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'font-weight="{weight}" fill="{INK}">{escape(row.label)}</text>'
            f'<rect x="{low - 4:.1f}" y="{y - 5:.1f}" width="{high - low + 8:.1f}" height="10" '
            f'rx="5" fill="{colour}" opacity="0.3"/>'
            f'<circle cx="{x_of(row.rank):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
        )
        if row.previous is not None:
            body.append(
                f'<circle cx="{x_of(row.previous):.1f}" cy="{y:.1f}" r="6" fill="none" '
                f'stroke="{INK}" stroke-width="1.5"/>'
            )
    return _svg(width, height, body, title)
