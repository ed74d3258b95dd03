"""Charts drawn on the server as SVG: bars of a breakdown (this month against the previous one),
a line of retention cohorts, and a progress bar towards a target.

SVG presentation attributes only (fill, stroke, font-size...): the Content-Security-Policy allows no
inline style, and WeasyPrint draws the same markup into the PDF. A figure that is not a number
("<5", "×" from the redaction policy, or nothing) gets no bar or point, only its text.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

FONT = "DejaVu Sans, sans-serif"
INK = "#1a1a1a"
MUTED = "#5c6670"
PRIMARY = "#0a3d8f"
PREVIOUS = "#aab6c4"
GRID = "#d9dee5"
WIDTH = 420
LABEL_WIDTH = 170
VALUE_WIDTH = 96
LABEL_CHARS = 23


@dataclass(frozen=True)
class Bar:
    label: str
    value: object  # a number, or a text shown instead ("<5", "×", None)
    text: str
    previous: object = None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="{FONT}" '
        f'font-size="11" class="kmb-chart"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bar_chart(bars: Sequence[Bar], *, title: str, compare: bool = True) -> SafeString:
    """Horizontal bars, one row per item; with `compare`, a thin grey bar under each for the
    previous month. The scale starts at zero and ends at the largest number shown."""
    row = 24 if compare else 20
    numbers = [_number(bar.value) for bar in bars]
    previous = [_number(bar.previous) if compare else None for bar in bars]
    top = max([n for n in numbers + previous if n is not None] or [0]) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    for index, bar in enumerate(bars):
        y = 4 + index * row
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}<title>{}</title></text>',
                LABEL_WIDTH - 8,
                y + 12,
                INK,
                _short(bar.label),
                bar.label,
            )
        )
        if numbers[index]:
            width = max(round(numbers[index] / top * span, 1), 1)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width}" height="13" '
                f'fill="{PRIMARY}"/>'
            )
        if previous[index]:
            width = max(round(previous[index] / top * span, 1), 1)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 16}" width="{width}" height="4" '
                f'fill="{PREVIOUS}"/>'
            )
        value_x = LABEL_WIDTH + (round(numbers[index] / top * span) if numbers[index] else 0) + 6
        body.append(
            format_html('<text x="{}" y="{}" fill="{}">{}</text>', value_x, y + 13, INK, bar.text)
        )
    height = 8 + len(bars) * row
    if compare:
        body.append(_legend(height))
        height += 18
    return _svg(height, title, body)


def html_bar_chart(bars: Sequence[Bar], *, title: str, compare: bool = True) -> SafeString:
    """bar_chart(...) as HTML for the printed report: the same rows, bars and legend, laid out by
    the PDF's stylesheet (`.bars`, and BAR_WIDTHS_CSS for the bars' lengths). WeasyPrint draws
    an SVG text letter by letter, so a chart's labels cost far less as HTML; and WeasyPrint
    takes its time over every box, so a bar is three blocks (a label, the bar with its value,
    the previous month's bar), no inline blocks."""
    numbers = [_number(bar.value) for bar in bars]
    previous = [_number(bar.previous) if compare else None for bar in bars]
    top = max([n for n in numbers + previous if n is not None] or [0]) or 1
    rows = []
    for bar, number, before in zip(bars, numbers, previous, strict=True):
        # The value follows its bar: `.now` indents its text by the bar's length.
        rows.append(
            format_html(
                '<div class="label">{}</div><div class="now w{}">\xa0{}</div>',
                _short(bar.label),
                _percent(number, top) if number else 0,
                bar.text,
            )
        )
        if before:
            rows.append(format_html('<div class="prev w{}"></div>', _percent(before, top)))
    legend = ""
    if compare:
        legend = format_html(
            '<div class="legend"><span class="key"></span>{}'
            '<span class="key previous"></span>{}</div>',
            gettext("this month"),
            gettext("previous month"),
        )
    return format_html(
        '<div class="bars{}" role="img" aria-label="{}">{}{}</div>',
        " compare" if compare else "",
        title,
        mark_safe("".join(rows)),
        legend,
    )


def _percent(number: float, top: float) -> int:
    """A bar's length in whole per cent of the scale, at least 1."""
    return max(round(number / top * 100), 1)


# The lengths of html_bar_chart's bars: `.w57` is 57 % of the scale, which takes the share of
# the chart's width that it takes in bar_chart.
BAR_WIDTHS_CSS = mark_safe(
    "".join(
        f".bars .w{n} {{ width: {n * (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / WIDTH:.2f}%; }}"
        for n in range(101)
    )
)


def _legend(y: int) -> str:
    return format_html(
        '<rect x="{}" y="{}" width="12" height="8" fill="{}"/>'
        '<text x="{}" y="{}" fill="{}" font-size="11">{}</text>'
        '<rect x="{}" y="{}" width="12" height="4" fill="{}"/>'
        '<text x="{}" y="{}" fill="{}" font-size="11">{}</text>',
        LABEL_WIDTH,
        y + 2,
        PRIMARY,
        LABEL_WIDTH + 16,
        y + 10,
        MUTED,
        gettext("this month"),
        LABEL_WIDTH + 100,
        y + 4,
        PREVIOUS,
        LABEL_WIDTH + 116,
        y + 10,
        MUTED,
        gettext("previous month"),
    )


def line_chart(points: Sequence[Bar], *, title: str, top: float = 100) -> SafeString:
    """A line through the points (in the order given) on a scale from 0 to `top`; a point that is
    not a number breaks the line and shows its text instead."""
    height, left, bottom, right = 190, 34, 150, WIDTH - 24
    step = (right - left) / max(len(points) - 1, 1)
    body = []
    for tick in (0, 25, 50, 75, 100):
        y = bottom - tick / 100 * (bottom - 12)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
            f'font-size="10">{round(top * tick / 100)}</text>'
        )
    path: list[str] = []
    for index, point in enumerate(points):
        x = left + index * step
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="10">{}</text>',
                f"{x:.1f}",
                bottom + 16,
                MUTED,
                point.label,
            )
        )
        number = _number(point.value)
        if number is None:
            if path:
                body.append(_polyline(path))
                path = []
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="10">{}</text>',
                    f"{x:.1f}",
                    bottom - 4,
                    MUTED,
                    point.text,
                )
            )
            continue
        y = bottom - min(number, top) / top * (bottom - 12)
        path.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PRIMARY}"/>')
    if path:
        body.append(_polyline(path))
    return _svg(height, title, body)


def _polyline(points: list[str]) -> str:
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{PRIMARY}" stroke-width="2"/>'
    )


def progress_bar(
    percent: Decimal | None, *, expected: Decimal | None = None, title: str
) -> SafeString:
    """A bar filled to `percent` of the target (full from 100 %), with a tick where the
    progress is expected to be by now."""
    body = [f'<rect x="0" y="0" width="{WIDTH}" height="14" fill="{GRID}"/>']
    if percent is not None and percent > 0:
        width = round(min(float(percent), 100) / 100 * WIDTH, 1)
        body.append(f'<rect x="0" y="0" width="{width}" height="14" fill="{PRIMARY}"/>')
    if expected is not None:
        x = round(min(float(expected), 100) / 100 * WIDTH, 1)
        body.append(f'<line x1="{x}" y1="-2" x2="{x}" y2="16" stroke="{INK}" stroke-width="2"/>')
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -2 {WIDTH} 18" width="100%" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(title)}" '
        f'class="kmb-progress"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )
