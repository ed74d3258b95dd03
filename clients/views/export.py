"""Subject-access export (GDPR art. 15): one client's data as a JSON or PDF download."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients import export
from clients.models import Client
from clients.views.common import household_record_for
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read


@require_GET
@never_cache
@access.require(Can.EXPORT_CLIENT_DATA)
def client_export_json(request, pk):
    data = _collect(request, pk)
    body = export.render_json(data, request=request)
    return _download(body, "application/json", f"klient-{pk}-export.json")


@require_GET
@never_cache
@access.require(Can.EXPORT_CLIENT_DATA)
def client_export_pdf(request, pk):
    data = _collect(request, pk)
    body = export.render_pdf(data, request=request)
    return _download(body, "application/pdf", f"klient-{pk}-export.pdf")


def _collect(request, pk: int) -> dict:
    """The client's data, if their household is visible to the user (else 404); the export is
    a read of personal data and is logged as one."""
    person = household_record_for(request.user, Client.objects.all(), pk, write=False)
    record_read(request=request, obj=person)
    return export.collect_client_data(person)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        body,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
