"""The monthly report as a PDF (WeasyPrint): cover, contents, the targets, the sections with their
charts and tables, the definitions; page numbers in the margins. Fonts are named in the template
(DejaVu Sans), so the PDF looks the same on every machine of the project."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from reports.report import Report, printed


def render_monthly_report(
    report: Report, *, issued_by, issued_at: datetime.datetime | None = None
) -> bytes:
    """The PDF of an (anonymised) report, as issued by `issued_by` at `issued_at`."""
    # WeasyPrint takes half a second to import: only issuing a report pays for it.
    from weasyprint import HTML

    html = render_to_string(
        "reports/monthly_report_pdf.html",
        {
            "report": printed(report),
            "issued_by": issued_by,
            "issued_at": timezone.localtime(issued_at or timezone.now()),
        },
    )
    return HTML(string=html).write_pdf()
