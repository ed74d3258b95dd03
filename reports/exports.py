"""Every table of the monthly report as CSV and XLSX. The exports leave the KMB: they are made
from the anonymised report (reports.report.build_report(anonymised=True)), so small counts show
as "<5" and hidden figures as "×", exactly as in the PDF.

CSV: one long table (section, indicator, row, unit, month, previous month, change), every table
of the report or one of them. XLSX: a sheet per section with its tables one under another, the
targets, and the notes; numbers stay numbers, what stands in for them stays text.
"""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from reports.report import Line, Report, Section, Table

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(report: Report) -> list[str]:
    return [
        _("Section"),
        _("Indicator"),
        _("Row"),
        _("Unit"),
        str(report.month),
        str(report.previous_month),
        _("Change"),
    ]


def _cells(line: Line) -> list:
    return [line.value.value, line.previous.value, line.change.value]


def rows_of(report: Report, table: str | None = None) -> Iterator[list]:
    """The long table: a line per figure and per row of a breakdown (its total last), of every
    table or of the one whose code is `table`."""
    for section in report.sections:
        yield from rows_of_section(section, table)


def rows_of_section(section: Section, table: str | None = None) -> Iterator[list]:
    for line in section.figures:
        if table in (None, line.key):
            yield [section.title, line.label, "", str(line.unit.label), *_cells(line)]
    for each in section.tables:
        if table in (None, each.code):
            yield from _table_rows(section, each)


def _table_rows(section: Section, table: Table) -> Iterator[list]:
    for line in table.lines:
        yield [section.title, table.title, line.label, str(line.unit.label), *_cells(line)]
    if not table.series:
        total = table.total
        yield [section.title, table.title, _("Total"), str(total.unit.label), *_cells(total)]


def table_codes(report: Report) -> set[str]:
    return {
        code
        for section in report.sections
        for code in [line.key for line in section.figures] + [t.code for t in section.tables]
    }


def to_csv(report: Report, table: str | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Czech letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header(report))
    for row in rows_of(report, table):
        writer.writerow(["" if cell is None else cell for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = _("Report")[:31]
    for row in _cover_rows(report):
        cover.append(row)
    cover["A1"].font = Font(bold=True, size=14)
    for section in report.sections:
        sheet = book.create_sheet(_sheet_title(section.title, book.sheetnames))
        sheet.append(_header(report)[1:])
        sheet["A1"].font = Font(bold=True)
        for row in rows_of_section(section):
            sheet.append(["" if cell is None else cell for cell in row[1:]])
        sheet.column_dimensions["A"].width = 42
        sheet.column_dimensions["B"].width = 36
    if report.targets:
        _targets_sheet(book, report)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _cover_rows(report: Report) -> list[list]:
    return [
        [_("Monthly report")],
        [_("KMB"), report.kmb_name],
        [_("Area"), report.area_label],
        [_("Month"), str(report.month)],
        [_("Compared with"), str(report.previous_month)],
        [],
        *[[note] for note in report.notes],
    ]


def _targets_sheet(book, report: Report) -> None:
    sheet = book.create_sheet(_sheet_title(_("Project targets"), book.sheetnames))
    sheet.append(
        [report.targets.period_name, str(report.targets.starts_on), str(report.targets.ends_on)]
    )
    sheet.append([_("Indicator"), _("Target"), _("So far"), _("Expected by now"), "%"])
    for line in report.targets.lines:
        sheet.append(
            [
                line.label,
                line.target.value,
                line.value.value,
                line.expected.value if line.cumulative else None,
                line.percent.value,
            ]
        )
    sheet.append([])
    sheet.append([report.targets.note])
    sheet.column_dimensions["A"].width = 48


def _sheet_title(title: str, taken: list[str]) -> str:
    """At most 31 characters, none of []:*?/\\, and unique in the workbook."""
    clean = "".join(" " if char in "[]:*?/\\" else char for char in str(title))[:31]
    candidate, number = clean, 2
    while candidate in taken:
        suffix = f" {number}"
        candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
    return candidate
