"""Charts as SVG, drawn on the server: the stats page needs no script to show them.

Each function takes plain numbers and returns an ``<svg>`` element as a string, every
label escaped. Shapes carry presentation attributes only (no ``style``), so the desk's
content security policy needs no exception for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_BAR = "#3b6ea5"
_OVER = "#b03a2e"
_LINE = "#b03a2e"
_TEXT = "#222"
_GRID = "#ccc"


def _number(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1_000:.0f}k"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.2f}"


def _empty(title: str, width: int) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}: no data" width="{width}"'
        f' height="40" viewBox="0 0 {width} 40" xmlns="http://www.w3.org/2000/svg">'
        f'<text x="4" y="24" fill="{_TEXT}" font-size="13">no data yet</text></svg>'
    )


def horizontal_bars(
    items: Sequence[tuple[str, float]], title: str, *, width: int = 640, unit: str = ""
) -> str:
    """One bar per label, longest first as given: articles per source, findings per kind."""
    if not items:
        return _empty(title, width)
    label_width, row = 220, 22
    height = row * len(items) + 8
    top = max(value for _, value in items) or 1
    span = width - label_width - 70
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 4 + index * row
        length = span * value / top
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="12"'
            f' fill="{_TEXT}">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 6}"'
            f' fill="{_BAR}"><title>{escape(label)}: {_number(value)}{escape(unit)}</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 15}" font-size="12"'
            f' fill="{_TEXT}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(
    items: Sequence[tuple[str, float]],
    title: str,
    *,
    width: int = 640,
    height: int = 200,
    limit: float | None = None,
    limit_label: str = "budget",
    every: int = 1,
) -> str:
    """One column per label, left to right (days, months); ``limit`` draws a line across,
    and a column above it is drawn in red: usage against a budget."""
    if not items:
        return _empty(title, width)
    left, bottom, top_pad = 48, 22, 12
    plot_h = height - bottom - top_pad
    top = max([value for _, value in items] + [limit or 0]) or 1
    slot = (width - left - 8) / len(items)
    bar = max(slot * 0.7, 1.0)

    def y_of(value: float) -> float:
        return top_pad + plot_h - plot_h * value / top

    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{width - 8}" y2="{y_of(0):.1f}"'
        f' stroke="{_GRID}"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" font-size="11"'
        f' fill="{_TEXT}">{_number(top)}</text>',
        f'<text x="{left - 4}" y="{y_of(0):.1f}" text-anchor="end" font-size="11"'
        f' fill="{_TEXT}">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        x = left + index * slot + (slot - bar) / 2
        y = y_of(value)
        colour = _OVER if limit is not None and value > limit else _BAR
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{y_of(0) - y:.1f}"'
            f' fill="{colour}"><title>{escape(label)}: {_number(value)}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle"'
                f' font-size="10" fill="{_TEXT}">{escape(label)}</text>'
            )
    if limit is not None:
        parts.append(
            f'<line x1="{left}" y1="{y_of(limit):.1f}" x2="{width - 8}" y2="{y_of(limit):.1f}"'
            f' stroke="{_LINE}" stroke-dasharray="6 4"/>'
            f'<text x="{width - 10}" y="{y_of(limit) - 4:.1f}" text-anchor="end" font-size="11"'
            f' fill="{_LINE}">{escape(limit_label)} {_number(limit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["columns", "horizontal_bars"]
