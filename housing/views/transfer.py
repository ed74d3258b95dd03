"""The flat inventory to a spreadsheet and back: the export of what the user sees, and the import
of new flats.

An import takes two steps. The uploaded file is parsed and every row goes through the model's
validation without anything being saved (the preview, a dry run). Only a file without errors is
kept, as its parsed rows in the session, under a token the confirmation must bring back; the
confirmation checks the rows again and saves them in one transaction, all or none. The session
rather than a hidden field: the rows stay on the server where the user cannot alter them between
the check and the save, a second click finds them gone instead of importing twice, and a 2 MB
file would not fit in a form field Django accepts (DATA_UPLOAD_MAX_MEMORY_SIZE).
"""

import uuid
from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from housing import bulk_import, resources
from housing.filters import FlatFilter
from housing.models import Flat, Owner
from housing.views.flats import owners_visible_to
from kmb import access
from kmb.access import Can
from kmb.territory.models import Municipality

SESSION_KEY = "housing:flat-import"
EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", resources.render_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        resources.render_xlsx,
    ),
}


class FlatImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8, separated by semicolons or commas) or XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        try:
            return bulk_import.read_upload(self.cleaned_data["file"])
        except bulk_import.UploadError as error:
            raise ValidationError(error.messages) from error


@require_GET
@never_cache
@access.require(Can.VIEW_FLATS)
def flat_export(request):
    """The flats of the inventory page, filtered by the same query string."""
    format_ = request.GET.get("format", "csv")
    if format_ not in EXPORT_FORMATS:
        raise Http404
    flats = access.flats_visible_to(
        request.user, Flat.objects.with_status_today().select_related("municipality", "owner")
    )
    municipalities = Municipality.objects.filter(pk__in=flats.values("municipality_id"))
    flats = FlatFilter(request.GET, queryset=flats, municipalities=municipalities).qs
    content_type, render_file = EXPORT_FORMATS[format_]
    body = render_file(resources.FlatResource(user=request.user).export(flats))
    filename = f"byty-{timezone.localdate():%Y-%m-%d}.{format_}"
    return HttpResponse(
        body,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@require_http_methods(["GET", "POST"])
@access.require(Can.MANAGE_FLATS)
def flat_import(request):
    if "token" in request.POST:
        return _confirm(request)
    form = FlatImportForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is None or not form.is_valid():
        request.session.pop(SESSION_KEY, None)
        context = {
            "form": form or FlatImportForm(),
            "columns": bulk_import.column_help(request.user),
        }
        return render(request, "housing/flat_import.html", context)
    table = form.cleaned_data["file"]
    checks = bulk_import.check_import(table, user=request.user, owners=_owners(request.user))
    token = "" if any(check.problems for check in checks) else _keep(request, table)
    return _preview(request, table, checks, token)


def _confirm(request):
    kept = request.session.pop(SESSION_KEY, None)
    if not kept or kept["token"] != request.POST["token"]:
        messages.error(request, _("This import has expired or is done. Upload the file again."))
        return redirect("housing:flat-import")
    table = bulk_import.Table(**kept["table"])
    note = _("Imported from the file %(name)s.") % {"name": table.name[:150]}
    try:
        flats = bulk_import.import_flats(
            table, by=request.user, owners=_owners(request.user), note=note
        )
    except bulk_import.ImportRejected as rejected:
        messages.error(request, _("Some rows are no longer valid, so nothing was imported."))
        return _preview(request, table, rejected.checks, token="")
    count = len(flats)
    messages.success(
        request,
        ngettext("%(count)s flat was imported.", "%(count)s flats were imported.", count)
        % {"count": count},
    )
    return redirect("housing:flat-list")


def _keep(request, table: bulk_import.Table) -> str:
    token = uuid.uuid4().hex
    request.session[SESSION_KEY] = {"token": token, "table": asdict(table)}
    return token


def _preview(request, table: bulk_import.Table, checks: list, token: str):
    context = {
        "table": table,
        "checks": checks,
        "wrong": [check for check in checks if check.problems],
        "token": token,
        "form": FlatImportForm(),
    }
    return render(request, "housing/flat_import_preview.html", context)


def _owners(user):
    return owners_visible_to(user, Owner.objects.all())
