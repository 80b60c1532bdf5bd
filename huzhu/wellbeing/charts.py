"""Server-side SVG charts, so a member can look rather than read.

Inline ``<svg>`` with presentation attributes only (``fill``, ``x``, ``height`` …), never a
``style`` attribute or a script, so the strict Content Security Policy allows them and no JS
charting library is needed. Every chart carries ``role="img"`` and an ``aria-label`` summary,
and each bar/point a ``<title>`` with its exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
HEIGHT = 140
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 28, 14, 20, 20
GREEN = "#1a7f5a"
ORANGE = "#d9822b"
GREY = "#c9ced6"
TEXT = "#5b6470"
RED = "#c2412d"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = GREEN


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 15, 20, 30, 50, 60, 100, 120, 200, 300, 500, 1000):
        if value <= step:
            return step
    return value


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _frame(label: str, body: list[str]) -> SafeString:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="9">'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every value is escaped


def _axis(top: float, unit: str) -> list[str]:
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    parts = []
    for frac in (0, 0.5, 1):
        value = top * frac
        if not float(value).is_integer():
            continue  # counts have no half steps
        y = PAD_TOP + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GREY}" stroke-width="0.5"/>'
            f'<text x="{PAD_LEFT - 3}" y="{y + 3:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_fmt(value))}</text>"
        )
    if unit:
        # Above the plot, clear of the top tick label.
        parts.append(f'<text x="2" y="9" fill="{TEXT}">{escape(unit)}</text>')
    return parts


def bar_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    label: str,
    unit: str = "",
    limit: float | None = None,
    limit_label: str = "",
) -> SafeString:
    """Grouped bars, one group per label. ``limit`` draws a dashed line (e.g. the daily budget)."""
    top = _nice_max(max([*(v for s in series for v in s.values), limit or 0, 0]))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = max(2.0, slot * 0.7 / max(len(series), 1))
    parts = _axis(top, unit)
    for i, text in enumerate(labels):
        x0 = PAD_LEFT + i * slot + slot * 0.15
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0
            h = plot_h * value / top
            x = x0 + j * bar_w
            y = PAD_TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{s.color}" rx="1"><title>{escape(text)} {escape(s.name)}: '
                f"{escape(_fmt(value))}{escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{PAD_LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - 6}" '
            f'text-anchor="middle" fill="{TEXT}">{escape(text)}</text>'
        )
    if limit:
        y = PAD_TOP + plot_h * (1 - limit / top)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{RED}" stroke-width="1" stroke-dasharray="4 3"/>'
            f'<text x="{WIDTH - PAD_RIGHT}" y="{y - 2:.1f}" text-anchor="end" fill="{RED}">'
            f"{escape(limit_label)}</text>"
        )
    return _frame(label, parts)


def line_chart(
    *, labels: Sequence[str], series: Sequence[Series], label: str, unit: str = ""
) -> SafeString:
    """One polyline per series with a dot per point (the trend over recent weeks)."""
    top = _nice_max(max([*(v for s in series for v in s.values), 0]))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    parts = _axis(top, unit)
    for i, text in enumerate(labels):
        # The last label ends at its point so it is not cut off at the right edge.
        anchor = "end" if i == len(labels) - 1 and len(labels) > 1 else "middle"
        parts.append(
            f'<text x="{PAD_LEFT + i * step:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
            f'fill="{TEXT}">{escape(text)}</text>'
        )
    for s in series:
        points = [
            (PAD_LEFT + i * step, PAD_TOP + plot_h * (1 - v / top)) for i, v in enumerate(s.values)
        ]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{s.color}" stroke-width="2"/>'
            )
        for (x, y), v, text in zip(points, s.values, labels, strict=False):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{s.color}">'
                f"<title>{escape(text)} {escape(s.name)}: {escape(_fmt(v))}{escape(unit)}</title>"
                "</circle>"
            )
    return _frame(label, parts)


def meter(*, value: float, limit: float, label: str) -> SafeString:
    """A horizontal bar: today's minutes against the budget (orange past 80%, red past 100%)."""
    width = WIDTH - 2
    frac = min(value / limit, 1.0) if limit else 0
    color = RED if value >= limit else ORANGE if value >= 0.8 * limit else GREEN
    return mark_safe(  # noqa: S308 - numbers and an escaped label only
        f'<svg class="meter" viewBox="0 0 {WIDTH} 14" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect x="1" y="1" width="{width}" height="12" rx="6" fill="{GREY}"/>'
        f'<rect x="1" y="1" width="{width * frac:.1f}" height="12" rx="6" fill="{color}"/>'
        "</svg>"
    )
