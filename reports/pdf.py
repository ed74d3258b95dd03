"""The monthly report as a PDF (WeasyPrint): cover, contents, the targets, the sections with their
charts and tables, the definitions; page numbers in the margins. Fonts are named in the template
(DejaVu Sans), so the PDF looks the same on every machine of the project."""

import datetime
import functools
import math
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from reports.charts import BAR_WIDTHS_CSS
from reports.report import Line, Report, printed

# The contents' dot leaders: more dots than a line holds, the overflow cut off.
LEADER_DOTS = "." * 200


def render_monthly_report(
    report: Report, *, issued_by, issued_at: datetime.datetime | None = None
) -> bytes:
    """The PDF of an (anonymised) report, as issued by `issued_by` at `issued_at`."""
    # WeasyPrint takes half a second to import: only issuing a report pays for it.
    from weasyprint import HTML

    html = render_to_string(
        "reports/monthly_report_pdf.html",
        {
            "report": fixed_columns(printed(report)),
            "bar_widths_css": BAR_WIDTHS_CSS,
            "column_widths_css": COLUMN_WIDTHS_CSS,
            "leader_dots": LEADER_DOTS,
            "issued_by": issued_by,
            "issued_at": timezone.localtime(issued_at or timezone.now()),
        },
    )
    return HTML(string=html).write_pdf()


# --- Fixed tables -----------------------------------------------------------------------------
# WeasyPrint sizes a table's columns by laying out every cell's text at its narrowest and its
# widest before laying the table out: a tenth of the whole PDF. The tables' number columns are
# measured here instead, their widest text in the template's font (DejaVu Sans), and the tables
# laid out with those widths (`table-layout: fixed`); the label column takes the rest.

# A number column's width is given in quarters of an em (`.cw-9` is 2.25em): up to 30em.
COLUMN_WIDTHS_CSS = mark_safe("".join(f"th.cw-{n} {{ width: {n / 4}em; }}" for n in range(1, 121)))
# A cell's padding and what the widths may take of a table (the rest for the labels), in mm at
# the template's 8.5pt.
EM_MM = 8.5 * 25.4 / 72
CELL_PADDING_MM = 3.2
FULL_WIDTH_MM = 178
BESIDE_CHART_MM = 0.56 * FULL_WIDTH_MM - 4
NUMBERS_SHARE = 0.65
SLACK_EM = 0.3  # what WeasyPrint's shaping may add to the measured width


@functools.cache
def _fonts():
    """DejaVu Sans, regular and bold, at 100 px (None if they are not installed)."""
    from PIL import ImageFont

    try:
        return tuple(
            ImageFont.truetype(name, 100) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
        )
    except OSError:
        return None


def _em(text: str, *, bold: bool) -> float:
    return _fonts()[bold].getlength(str(text)) / 100


def _columns(header: list[str], rows: list[tuple[list[str], bool]], width_mm: float):
    """The classes of the number columns' widths (the header bold, each row bold or not), or ()
    to leave the table to WeasyPrint: without the fonts, or when the numbers would leave the
    labels too little room."""
    if _fonts() is None:
        return ()
    cells = [(header, True), *rows]
    widths = [
        max(_em(texts[n], bold=bold) for texts, bold in cells) + SLACK_EM
        for n in range(len(header))
    ]
    if sum(width * EM_MM + CELL_PADDING_MM for width in widths) > NUMBERS_SHARE * width_mm:
        return ()
    return tuple(f"cw-{min(math.ceil(width * 4), 120)}" for width in widths)


def _compared(line: Line, *, bold: bool = False) -> tuple[list[str], bool]:
    return [line.value.text, line.previous.text, line.change.text], bold


def fixed_columns(report: Report) -> Report:
    """The report with the widths of its tables' number columns (Section.columns,
    Table.columns), for the headers and texts that the template prints."""
    months = [dateformat.format(m.first_day, "F Y") for m in (report.month, report.previous_month)]
    compared = [*months, gettext("Change")]
    sections = []
    for section in report.sections:
        tables = []
        for table in section.tables:
            if table.series:
                header = [gettext("Leases"), gettext("Retained")]
                rows = [([line.base.text, line.value.text], False) for line in table.lines]
            else:
                header = compared
                rows = [_compared(line) for line in table.lines]
                rows.append(_compared(table.total, bold=True))
            tables.append(replace(table, columns=_columns(header, rows, BESIDE_CHART_MM)))
        figures = _columns(compared, [_compared(line) for line in section.figures], FULL_WIDTH_MM)
        sections.append(replace(section, tables=tables, columns=figures))
    return replace(report, sections=sections)
