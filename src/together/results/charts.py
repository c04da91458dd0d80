"""Charts drawn on the server as SVG. Each has a title and a description, and the page shows the
same figures in a table straight after it, so nothing depends on seeing the picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from together.analysis.figures import one_place, percent
from together.results.wording import hidden_words

# A colour-blind-safe diverging scale from a scale's lowest level (red) to its highest (green),
# the colours of a five-level scale; a scale of other length takes colours spread evenly along it
# (:func:`scale_colours`). The heatmap's lighter colours keep black text on them at WCAG AA
# contrast.
SCALE_COLOURS = ("#d4351c", "#f47738", "#ffdd00", "#85994b", "#00703c")
HEAT_COLOURS = ("#f6d7d2", "#fbe3cf", "#fff4c2", "#e3efcf", "#cce5d6")


def _blend(first: str, second: str, share: float) -> str:
    a = [int(first[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def scale_colours(points: int) -> tuple[str, ...]:
    """A colour for each level of a scale of ``points`` levels, lowest first: the five-level
    colours themselves for five, otherwise colours at even steps along them, blended between the
    two nearest."""
    if points == len(SCALE_COLOURS):
        return SCALE_COLOURS
    if points < 2:
        return SCALE_COLOURS[-1:] * points
    colours = []
    last = len(SCALE_COLOURS) - 1
    for index in range(points):
        position = index * last / (points - 1)
        low = min(int(position), last - 1)
        colours.append(_blend(SCALE_COLOURS[low], SCALE_COLOURS[low + 1], position - low))
    return tuple(colours)


def swatch(colour: str) -> SafeString:
    """A small square of a level's colour, beside its name in a table (drawn, so no style is needed)."""
    return mark_safe(  # noqa: S308 - the colour is one of scale_colours'
        f'<svg class="app-swatch" aria-hidden="true" focusable="false" width="12" height="12" viewBox="0 0 12 12" '
        f'xmlns="http://www.w3.org/2000/svg"><rect width="12" height="12" fill="{colour}"/></svg>'
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""


def _svg(
    chart_id: str, title: str, description: str, width: float, height: float, body: str, fixed: bool = False
) -> SafeString:
    """The chart's frame. A ``fixed`` chart is drawn at its own size (in a container that scrolls
    where the screen is narrower); any other is scaled to the width it is given."""
    size = f'width="{width:.0f}" height="{height:.0f}"' if fixed else 'width="100%"'
    css = "app-chart app-chart--fixed" if fixed else "app-chart"
    return mark_safe(  # noqa: S308 - every text in ``body`` is escaped where it is built
        f'<svg class="{css}" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" {size} preserveAspectRatio="xMinYMin meet" '
        f'font-family="Arial, sans-serif" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], minimum: int, maximum: int) -> SafeString:
    """Horizontal bars on the rating scale, one per row, with the value written at the end."""
    label_width, plot_width, row = 330, 360, 34
    height = row * len(bars) + 40
    span = maximum - minimum
    parts = []
    for tick in range(minimum, maximum + 1):
        x = label_width + plot_width * (tick - minimum) / span
        parts.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{height - 25}" stroke="#b1b4b6" stroke-width="1"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="13" text-anchor="middle" fill="#0b0c0c">{tick}</text>'
        )
    described = []
    for index, bar in enumerate(bars):
        y = 12 + index * row
        parts.append(
            f'<text x="{label_width - 10}" y="{y + 18}" font-size="14" text-anchor="end" fill="#0b0c0c">'
            f"{escape(_shorten(bar.label, 44))}</text>"
        )
        if bar.value is None:
            note = bar.note or hidden_words(None, settings.MIN_GROUP_SIZE)
            parts.append(
                f'<text x="{label_width + 6}" y="{y + 18}" font-size="13" fill="#505a5f">{escape(note)}</text>'
            )
            described.append(f"{bar.label}: {note}")
            continue
        length = plot_width * (bar.value - minimum) / span
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 2):.1f}" height="20" fill="#1d70b8"/>')
        parts.append(
            f'<text x="{label_width + max(length, 2) + 6:.1f}" y="{y + 19}" font-size="13" fill="#0b0c0c">'
            f"{one_place(bar.value)}</text>"
        )
        described.append(f"{bar.label}: {one_place(bar.value)}")
    description = f"Scores from {minimum} to {maximum}. " + "; ".join(described) + "."
    return _svg(chart_id, title, description, label_width + plot_width + 50, height, "".join(parts))


def distribution_bar(chart_id: str, title: str, shares: Sequence[float], labels: Sequence[str]) -> SafeString:
    """One bar split by the share choosing each point of the scale."""
    width, height = 600, 30
    x = 0.0
    parts = []
    for share, colour in zip(shares, scale_colours(len(shares)), strict=True):
        segment = width * share
        if segment > 0:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{segment:.1f}" height="{height}" fill="{colour}"/>')
        x += segment
    description = "; ".join(f"{label}: {percent(share)}" for label, share in zip(labels, shares, strict=True))
    return _svg(chart_id, title, description, width, height, "".join(parts))


def heat_colour(value: float | None, minimum: int, maximum: int) -> str:
    if value is None:
        return "#f3f2f1"
    position = (value - minimum) / (maximum - minimum)
    return HEAT_COLOURS[min(len(HEAT_COLOURS) - 1, max(0, int(position * len(HEAT_COLOURS))))]


def heatmap(
    chart_id: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    hidden: Sequence[Sequence[str]],
    minimum: int,
    maximum: int,
) -> SafeString:
    """Themes down the side, groups across the top; each cell holds its score as text too.

    ``hidden`` holds, cell by cell, the words for a cell without a figure (read where the value is
    None). The chart is drawn at its own size, never scaled down, so that its text is as large as
    the page's; full names wrap, and the group names run upwards over their columns."""
    label_width = HEAT_LABEL_WIDTH
    cell_w = min(96.0, max(52.0, (MAX_WIDTH - label_width - 10) / max(1, len(columns))))
    # The groups' names across their columns where each fits on three lines or fewer; otherwise
    # running upwards, each on as few lines as fit side by side across its column.
    level = [_wrap(column, cell_w - 8) for column in columns]
    across = all(len(lines) <= 3 and _text_width(max(lines, key=_text_width)) <= cell_w - 8 for lines in level)
    if across:
        heads = level
        head = max((len(lines) for lines in heads), default=1) * LINE + 14
    else:
        fits = max(1, int((cell_w - 8) // LINE))
        heads = [_wrap_to_lines(column, fits) for column in columns]
        head = max((_text_width(line) for lines in heads for line in lines), default=0) + 16
    row_lines = [_wrap(row, label_width - 14) for row in rows]
    row_heights = [max(40.0, LINE * len(lines) + 14) for lines in row_lines]
    width = label_width + cell_w * len(columns) + 10
    height = head + sum(row_heights) + 10
    parts = []
    for c, lines in enumerate(heads):
        x = label_width + c * cell_w + cell_w / 2
        if across:  # the last line just above the cells
            parts.append(
                f'<text font-size="{FONT}" text-anchor="middle" fill="#0b0c0c">'
                f"{_lines(lines, x, head - 10 - (len(lines) - 1) * LINE)}</text>"
            )
        else:
            parts.append(
                f'<text transform="translate({x:.1f},{head - 8:.1f}) rotate(-90)" font-size="{FONT}" '
                f'fill="#0b0c0c">{_lines(lines, 0, 5 - (len(lines) - 1) * LINE / 2)}</text>'
            )
    described = []
    y = head
    for r, (row, lines, row_h) in enumerate(zip(rows, row_lines, row_heights, strict=True)):
        first = y + row_h / 2 + 5 - (len(lines) - 1) * LINE / 2
        parts.append(
            f'<text font-size="{FONT}" text-anchor="end" fill="#0b0c0c">{_lines(lines, label_width - 10, first)}</text>'
        )
        for c, value in enumerate(values[r]):
            x = label_width + c * cell_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - 2:.1f}" height="{row_h - 2:.1f}" '
                f'fill="{heat_colour(value, minimum, maximum)}" stroke="#ffffff"/>'
            )
            text = one_place(value) if value is not None else "–"
            parts.append(
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="{FONT}" '
                f'text-anchor="middle" fill="#0b0c0c">{text}</text>'
            )
            described.append(f"{row}, {columns[c]}: {text if value is not None else hidden[r][c]}")
        y += row_h
    return _svg(chart_id, title, "; ".join(described) + ".", width, height, "".join(parts), fixed=True)


# Text in the charts drawn at their own size: the page's smallest body text, and its line height.
FONT = 14
LINE = 17
MAX_WIDTH = 960  # the page's content width, which the heatmap fits while it can
HEAT_LABEL_WIDTH = 250
HEAD_LINE = 130  # a group's name shorter than this stays on one line

# Rough advance widths of Arial's characters, in ems, for laying text out on the server. Slightly
# generous, so that a label measured to fit does fit.
_NARROW = set("iljI.,:;'|!()[] ")
_SEMI = set("frt-")
_WIDE = set("mwMW")


def _text_width(text: str, size: int = FONT) -> float:
    ems = 0.0
    for character in text:
        if character in _NARROW:
            ems += 0.3
        elif character in _SEMI:
            ems += 0.38
        elif character in _WIDE:
            ems += 0.9
        elif character.isupper():
            ems += 0.7
        else:
            ems += 0.58
    return ems * size


def _wrap(text: str, width: float, size: int = FONT) -> list[str]:
    """Whole words on lines no wider than ``width`` (a word longer than that has a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _wrap_to_lines(text: str, most: int, size: int = FONT) -> list[str]:
    """``text`` on at most ``most`` lines: on one while it is short, else the narrowest wrapping."""
    width = max(_text_width(text, size) / most, min(_text_width(text, size), HEAD_LINE))
    while len(lines := _wrap(text, width, size)) > most:
        width += size / 2
    return lines


def _lines(lines: Sequence[str], x: float, first: float) -> str:
    """Lines of one label as tspans, the first with its baseline at ``first``."""
    return "".join(
        f'<tspan x="{x:.1f}" y="{first + index * LINE:.1f}">{escape(line)}</tspan>' for index, line in enumerate(lines)
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[tuple[str, float | None]],
    minimum: int,
    maximum: int,
    hidden_text: str | None = None,
) -> SafeString:
    """One theme's score over rounds; a gap where a round has no score to show.

    Each round has an equal slot along the bottom, its point at the middle, and its name wrapped
    within the slot, so no name is cut or runs off the chart. Drawn for a width of
    :data:`TREND_WIDTH`, where its text is :data:`FONT` pixels high."""
    if hidden_text is None:
        # No reason travels with a trend's missing point, so it reads the general words.
        hidden_text = hidden_words(None, settings.MIN_GROUP_SIZE)
    left, right, top, plot_h = 36, 12, 28, 140
    plot_w = TREND_WIDTH - left - right
    slot = plot_w / max(1, len(points))
    names = [_wrap(label, slot - 6) for label, _value in points]
    rows = max((len(lines) for lines in names), default=1)
    height = top + plot_h + 14 + rows * LINE
    parts = []
    for tick in range(minimum, maximum + 1):
        y = top + plot_h * (maximum - tick) / (maximum - minimum)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{left - 8}" y="{y + 5:.1f}" font-size="{FONT}" text-anchor="end" fill="#0b0c0c">{tick}</text>'
        )
    coordinates = []
    for index, ((_label, value), lines) in enumerate(zip(points, names, strict=True)):
        x = left + slot * (index + 0.5)
        parts.append(
            f'<text font-size="{FONT}" text-anchor="middle" fill="#0b0c0c">'
            f"{_lines(lines, x, top + plot_h + 4 + LINE)}</text>"
        )
        if value is not None:
            y = top + plot_h * (maximum - value) / (maximum - minimum)
            coordinates.append((x, y))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1d70b8"/>')
            parts.append(
                f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="{FONT}" font-weight="bold" text-anchor="middle" '
                f'fill="#0b0c0c">{one_place(value)}</text>'
            )
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.insert(0, f'<polyline points="{path}" fill="none" stroke="#1d70b8" stroke-width="3"/>')
    described = "; ".join(
        f"{label}: {one_place(value) if value is not None else hidden_text}" for label, value in points
    )
    return _svg(chart_id, title, described + ".", TREND_WIDTH, height, "".join(parts))


TREND_WIDTH = 450  # two trends side by side in the page's width
