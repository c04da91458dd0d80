"""Charts drawn on the server as SVG. Each has a title and a description, and the page shows the
same figures in a table straight after it, so nothing depends on seeing the picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from together.analysis.figures import one_place

# A colour-blind-safe diverging scale from "not yet in place" to "embedded", light enough that
# black text on it passes WCAG AA contrast.
SCALE_COLOURS = ("#d4351c", "#f47738", "#ffdd00", "#85994b", "#00703c")
HEAT_COLOURS = ("#f6d7d2", "#fbe3cf", "#fff4c2", "#e3efcf", "#cce5d6")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in ``body`` is escaped where it is built
        f'<svg class="app-chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family="Arial, sans-serif" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], minimum: int = 1, maximum: int = 5) -> SafeString:
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
            parts.append(
                f'<text x="{label_width + 6}" y="{y + 18}" font-size="13" fill="#505a5f">'
                f"{escape(bar.note or 'Not shown')}</text>"
            )
            described.append(f"{bar.label}: {bar.note or 'not shown'}")
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
    for share, colour in zip(shares, SCALE_COLOURS, strict=False):
        segment = width * share
        if segment > 0:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{segment:.1f}" height="{height}" fill="{colour}"/>')
        x += segment
    description = "; ".join(f"{label}: {share:.0%}" for label, share in zip(labels, shares, strict=True))
    return _svg(chart_id, title, description, width, height, "".join(parts))


def heat_colour(value: float | None, minimum: int = 1, maximum: int = 5) -> str:
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
    hidden_text: str,
) -> SafeString:
    """Themes down the side, groups across the top; each cell holds its score as text too."""
    label_width, cell_w, cell_h, head = 300, 92, 34, 130
    width = label_width + cell_w * len(columns) + 10
    height = head + cell_h * len(rows) + 10
    parts = []
    for c, column in enumerate(columns):
        x = label_width + c * cell_w + cell_w / 2
        parts.append(
            f'<text transform="translate({x:.1f},{head - 8}) rotate(-40)" font-size="12" fill="#0b0c0c">'
            f"{escape(_shorten(column, 26))}</text>"
        )
    described = []
    for r, row in enumerate(rows):
        y = head + r * cell_h
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 22}" font-size="13" text-anchor="end" fill="#0b0c0c">'
            f"{escape(_shorten(row, 40))}</text>"
        )
        for c, value in enumerate(values[r]):
            x = label_width + c * cell_w
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{heat_colour(value)}" '
                f'stroke="#ffffff"/>'
            )
            text = one_place(value) if value is not None else "–"
            parts.append(
                f'<text x="{x + cell_w / 2 - 1}" y="{y + 21}" font-size="13" text-anchor="middle" fill="#0b0c0c">'
                f"{text}</text>"
            )
            described.append(f"{row}, {columns[c]}: {text if value is not None else hidden_text}")
    return _svg(chart_id, title, "; ".join(described) + ".", width, height, "".join(parts))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def line_chart(
    chart_id: str, title: str, points: Sequence[tuple[str, float | None]], minimum: int = 1, maximum: int = 5
) -> SafeString:
    """One theme's score over rounds; a gap where a round has no score to show."""
    left, top, plot_w, plot_h = 40, 15, 300, 120
    width, height = left + plot_w + 20, top + plot_h + 40
    parts = []
    for tick in range(minimum, maximum + 1):
        y = top + plot_h * (maximum - tick) / (maximum - minimum)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#0b0c0c">{tick}</text>'
        )
    step = plot_w / max(1, len(points) - 1)
    coordinates = []
    for index, (label, value) in enumerate(points):
        x = left + (step * index if len(points) > 1 else plot_w / 2)
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" font-size="11" text-anchor="middle" fill="#0b0c0c">'
            f"{escape(_shorten(label, 16))}</text>"
        )
        if value is not None:
            y = top + plot_h * (maximum - value) / (maximum - minimum)
            coordinates.append((x, y))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1d70b8"/>')
            parts.append(
                f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle" fill="#0b0c0c">'
                f"{one_place(value)}</text>"
            )
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.insert(0, f'<polyline points="{path}" fill="none" stroke="#1d70b8" stroke-width="3"/>')
    described = "; ".join(
        f"{label}: {one_place(value)}" if value is not None else f"{label}: not shown" for label, value in points
    )
    return _svg(chart_id, title, described + ".", width, height, "".join(parts))
