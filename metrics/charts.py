"""Line charts drawn on the server as SVG: for the dashboard, and for the PDF reports (which run no JavaScript).

Accessible by construction: `role="img"`, a <title> and a <desc> named by `aria-labelledby`, series told
apart by marker shape and line pattern as well as colour, and no text drawn smaller than 12px. The
page shows each chart's data as a table beside it; the chart itself is a picture of that table.
Only presentation attributes are used (no `style`), so the SVG passes a Content Security Policy that
forbids inline styles.
"""

import dataclasses
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common import figures

# GOV.UK Design System colours: blue, purple, black; each at least 3:1 against white.
COLOURS = ("#1d70b8", "#912b88", "#0b0c0c")
DASHES = ("", "6 4", "2 3")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "arial, sans-serif"


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None leaves a gap


AXIS_INTERVALS = 4
# Whole-number gridline steps (x 10^k): the axis reads 0, 60, 120, 180, 240, never 62.5 or 187.5.
NICE_STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10)


def count_axis_top(value: float) -> int:
    """The top of a count axis with four equal whole-number steps, at or above `value` (e.g. 231 -> 240)."""
    raw = max(value, 0) / AXIS_INTERVALS
    if raw <= 1:
        return AXIS_INTERVALS
    power = 10 ** math.floor(math.log10(raw))
    for candidate in NICE_STEPS:
        step = candidate * power
        if step >= raw and float(step).is_integer():
            return int(step) * AXIS_INTERVALS
    return 10 * power * AXIS_INTERVALS  # pragma: no cover


def _marker(index: int, x: float, y: float, colour: str) -> str:
    shape = index % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    percent: bool = True,
    target: float | None = None,
    width: int = 600,
    height: int = 260,  # the drawing's units; the SVG scales to the width of its container
    font: str = FONT,  # the PDF reports name the font they ship
) -> SafeString:
    """A line chart of values by label (months): percentages on a 0-100 axis, or counts on a tidy axis."""
    if not labels:
        raise ValueError("a chart needs at least one label")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {len(labels)} labels")
    values = [v for one in series for v in one.values if v is not None]
    top = 100.0 if percent else float(count_axis_top(max(values, default=0)))
    unit = "%" if percent else ""
    legend_height = 26 if len(series) > 1 or target is not None else 0
    left, right, bottom, top_margin = 48, 16, 40, 14 + legend_height
    plot_width, plot_height = width - left - right, height - top_margin - bottom
    step = plot_width / len(labels)

    def x_at(index: int) -> float:
        return left + (index + 0.5) * step

    def y_at(value: float) -> float:
        return top_margin + plot_height * (1 - min(value, top) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{escape(font)}" font-size="12" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in range(AXIS_INTERVALS + 1):
        tick_value = top * tick / AXIS_INTERVALS
        y = y_at(tick_value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{figures.number(tick_value)}{escape(unit)}</text>'
        )
    every = max(1, math.ceil(len(labels) / 12))
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x_at(index):.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(label)}</text>'
            )
    if target is not None:
        y = y_at(target)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#505a5f" '
            f'stroke-width="2" stroke-dasharray="8 4"/>'
        )
    for number, one in enumerate(series):
        colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
        path, pen_down = [], False
        for index, value in enumerate(one.values):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x_at(index):.1f} {y_at(value):.1f}")
            pen_down = True
        if path:
            dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attribute}/>'
            )
        parts.extend(
            _marker(number, x_at(index), y_at(value), colour)
            for index, value in enumerate(one.values)
            if value is not None
        )
    if legend_height:
        x = left
        for number, one in enumerate(series):
            colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
            dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x}" y1="12" x2="{x + 28}" y2="12" stroke="{colour}" stroke-width="2.5"{dash_attribute}/>'
            )
            parts.append(_marker(number, x + 14, 12, colour))
            parts.append(f'<text x="{x + 34}" y="16">{escape(one.name)}</text>')
            x += 44 + 7 * len(one.name)
        if target is not None:
            parts.append(
                f'<line x1="{x}" y1="12" x2="{x + 28}" y2="12" stroke="#505a5f" stroke-width="2" stroke-dasharray="8 4"/>'
            )
            parts.append(f'<text x="{x + 34}" y="16">Target {figures.number(target)}{escape(unit)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)  # nosec B308


def describe(labels: Sequence[str], values: Sequence[float | None], *, unit: str = "%") -> str:
    """A sentence for <desc>: the span, the lowest, the highest and the latest value."""
    known = [(label, value) for label, value in zip(labels, values, strict=True) if value is not None]
    if not known:
        return f"No figures from {labels[0]} to {labels[-1]}."
    low = min(known, key=lambda item: item[1])
    high = max(known, key=lambda item: item[1])
    latest = known[-1]
    return (
        f"From {labels[0]} to {labels[-1]}: lowest {figures.number(low[1])}{unit} in {low[0]}, highest "
        f"{figures.number(high[1])}{unit} in {high[0]}, latest {figures.number(latest[1])}{unit} in {latest[0]}."
    )


def sparkline(
    *,
    chart_id: str,
    title: str,
    description: str,
    values: Sequence[float | None],
    width: int = 120,
    height: int = 32,
) -> SafeString:
    """A small line of percentages (0-100) with no axes, for a dashboard tile: `role="img"` with a title
    and a description (the same sentence as the full chart's) as its text alternative."""
    if not values:
        raise ValueError("a sparkline needs at least one value")
    pad = 4
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> str:
        y = pad + (height - 2 * pad) * (1 - min(max(value, 0), 100) / 100)
        return f"{pad + index * step:.1f} {y:.1f}"

    path, pen_down = [], False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{point(index, value)}")
        pen_down = True
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="{GRID}" stroke-width="1"/>',
    ]
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>')
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last is not None:
        x, y = point(*last).split()
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{COLOURS[0]}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)  # nosec B308
