"""Inline SVG charts drawn on the server (no JavaScript library, no CDN).

Sizes are SVG user units (≈ CSS pixels). Texts are escaped; values are plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36


def line_chart(points: Sequence[tuple[str, float]], title: str) -> str:
    """Bars of one value per day (label, value): lateness over time."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max([value for _, value in points] + [1.0])
    step = inner_w / max(len(points), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" '
             f'y2="{TOP + inner_h}" class="axis"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">'
             f'{peak:g}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + inner_h}" class="tick" text-anchor="end">0</text>']
    label_every = max(1, len(points) // 10)
    for index, (label, value) in enumerate(points):
        height = inner_h * value / peak
        x = LEFT + index * step
        parts.append(f'<rect class="bar" x="{x + step * 0.15:.1f}" '
                     f'y="{TOP + inner_h - height:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{height:.1f}"><title>{escape(label)}: {value:g}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'class="tick" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_comparison(items: Sequence[tuple[str, float | None]], title: str,
                   shown_as: Callable[[float], str] = lambda value: f"{value:.1f}") -> str:
    """Horizontal bars, one per department (label, value); a value of None (nothing to
    measure, e.g. nobody had a shift) draws no bar and reads "—", never a perfect 0.0.
    ``shown_as`` writes a value in the reader's language (1 decimal)."""
    row_h = 26
    height = TOP + row_h * max(len(items), 1) + 8
    label_w = 180
    inner_w = WIDTH - label_w - RIGHT - 60
    peak = max([value for _, value in items if value is not None] + [1.0])
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for index, (label, value) in enumerate(items):
        y = TOP + index * row_h
        width = 0.0 if value is None else inner_w * value / peak
        shown = "\u2014" if value is None else shown_as(value)
        parts.append(f'<g><title>{escape(label)}: {shown}</title>'
                     f'<text x="{label_w - 8}" y="{y + 16}" class="tick" text-anchor="end">'
                     f'{escape(_clipped(label or "-"))}</text>'
                     f'<rect class="bar dept" x="{label_w}" y="{y + 4}" width="{width:.1f}" '
                     f'height="{row_h - 8}"/>'
                     f'<text x="{label_w + width + 6:.1f}" y="{y + 16}" class="tick value">'
                     f'{shown}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _clipped(label: str, limit: int = 26) -> str:
    """A label that fits the chart's label column (the full text stays in its tooltip)."""
    return label if len(label) <= limit else label[:limit - 1] + "\u2026"
