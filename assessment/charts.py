"""Charts for the report PDF, drawn here as SVG (vector graphics): WeasyPrint renders them
with the embedded Chinese font, so labels stay text. Pages use Chart.js with the same numbers."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

FONT = "Noto Sans TC"


def _num(value) -> float:
    return float(value or 0)


def horizontal_bars(
    rows: list[tuple[str, Decimal | None]],
    *,
    title: str,
    maximum: float | None = None,
    unit: str = "%",
    reference: float | None = 100.0,
    width: int = 520,
) -> str:
    """One bar per row (label, value), with the value written at the bar's end."""
    bar, gap, left, top = 18, 8, 170, 28
    height = top + len(rows) * (bar + gap) + 24
    peak = maximum or max([_num(v) for _l, v in rows] + [reference or 0, 1])
    scale = (width - left - 60) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="11" font-weight="700">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        length = max(_num(value) * scale, 0)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end">{escape(str(label))}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="#1f4e79"/>'
        )
        shown = "—" if value is None else f"{value}{unit}"
        # Written past both the bar and the reference line, so the line never crosses it.
        after = max(length, (reference or 0) * scale)
        parts.append(f'<text x="{left + after + 4:.1f}" y="{y + bar - 5}">{escape(shown)}</text>')
    if reference is not None:
        x = left + reference * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 18}" '
            'stroke="#b02a37" stroke-dasharray="3,2"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#b02a37">'
            f"{reference:g}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_met(rows: list[tuple[str, int, int, int]], *, title: str, legend: tuple) -> str:
    """Per row (label, met, not met, other): a bar split in three colours, with a legend."""
    bar, gap, left, top, width = 18, 8, 170, 44, 520
    height = top + len(rows) * (bar + gap) + 10
    peak = max([m + n + o for _l, m, n, o in rows] + [1])
    scale = (width - left - 40) / peak
    colours = ("#2e7d32", "#b02a37", "#9e9e9e")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="11" font-weight="700">{escape(title)}</text>',
    ]
    for index, name in enumerate(legend):
        x = left + index * 110
        parts.append(f'<rect x="{x}" y="22" width="10" height="10" fill="{colours[index]}"/>')
        parts.append(f'<text x="{x + 14}" y="31">{escape(str(name))}</text>')
    for index, (label, *counts) in enumerate(rows):
        y = top + index * (bar + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end">{escape(str(label))}</text>'
        )
        x = float(left)
        for colour, count in zip(colours, counts, strict=True):
            if count:
                length = count * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
                    f'fill="{colour}"/>'
                )
                parts.append(
                    f'<text x="{x + length / 2:.1f}" y="{y + bar - 5}" fill="#fff" '
                    f'text-anchor="middle">{count}</text>'
                )
                x += length
    parts.append("</svg>")
    return "".join(parts)
