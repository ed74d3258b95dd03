"""The minutes of a housing-commission session as a PDF: the agenda's frozen anonymised
summaries, the proposed flats and the decisions. Nothing here reads a case file: the summaries
were built by the redaction policy when the items were added, and decisions' texts passed the
free-text checker when they were recorded."""

from django.template.loader import render_to_string
from django.utils import timezone

from housing.models import CommissionSession, SessionStatus


def render_minutes(*, session: CommissionSession, items: list[dict], request) -> bytes:
    """The PDF; `items` as the session page shows them (item, rows, flat_rows). A session not
    yet closed gets a draft: the agenda with the decisions taken so far."""
    # WeasyPrint takes half a second to import: only the PDF pays for it.
    from weasyprint import HTML

    context = {
        "session": session,
        "items": items,
        "final": session.status == SessionStatus.CLOSED,
        "printed_at": timezone.localtime(),
    }
    html = render_to_string("housing/commission/minutes_pdf.html", context, request=request)
    return HTML(string=html).write_pdf()
