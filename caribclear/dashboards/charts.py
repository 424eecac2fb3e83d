"""Charts as inline SVG, drawn on the server: no outside service, no JavaScript, readable on a phone.

Each chart carries a <title> and a text table alternative is rendered next to it by the template.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1d5b79"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, value), largest value fills the width."""
    if not rows:
        return mark_safe("")
    bar_h, gap, label_w, value_w = 22, 6, 200, 80
    height = len(rows) * (bar_h + gap) + gap
    top = max(v for _l, v in rows) or 1
    parts = [
        format_html(
            '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
            'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            title,
        )
    ]
    span = width - label_w - value_w
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1.0, span * float(value) / float(top))
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" dominant-baseline="middle">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" font-size="13" dominant-baseline="middle">{}</text>',
                label_w - 6,
                _n(y + bar_h / 2),
                str(label)[:30],
                label_w,
                y,
                _n(w),
                bar_h,
                BAR_COLOUR,
                label,
                _fmt(value),
                _n(label_w + w + 4),
                _n(y + bar_h / 2),
                _fmt(value),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part comes from format_html


def column_chart(
    rows: Sequence[tuple[str, float]], *, title: str, width: int = 640, height: int = 220
) -> SafeString:
    """Vertical columns over time (e.g. one per month), labels below."""
    if not rows:
        return mark_safe("")
    bottom, left = 40, 40
    plot_h = height - bottom - 10
    top = max(v for _l, v in rows) or 1
    step = (width - left) / len(rows)
    col_w = max(2.0, step * 0.7)
    parts = [
        format_html(
            '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
            'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            title,
        ),
        format_html(
            '<text x="2" y="14" font-size="12">{}</text>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888"/>',
            _fmt(top),
            left,
            height - bottom,
            width,
            height - bottom,
        ),
    ]
    label_every = max(1, len(rows) // 12)
    for i, (label, value) in enumerate(rows):
        h = plot_h * float(value) / float(top)
        x = left + i * step + (step - col_w) / 2
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                x,
                height - bottom - h,
                col_w,
                h,
                BAR_COLOUR,
                label,
                _fmt(value),
            )
        )
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    x + col_w / 2,
                    height - bottom + 16,
                    label,
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part comes from format_html


__all__ = ["bar_chart", "column_chart"]
