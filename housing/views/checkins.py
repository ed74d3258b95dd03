"""The monthly check-in worklist of housed households, and recording a call in its row."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.models import Household
from housing.checkin_forms import CheckInForm, MonthForm
from housing.models import CheckIn, CheckInResult, Flat, Lease
from housing.services import checkins as services
from kmb import access
from kmb.access import Can
from kmb.lib.forms import add_errors


def _leases_of(user):
    """Leases of flats in the user's territory let to households whose file their KMB keeps."""
    households = access.households_visible_to(user, Household.objects.all())
    leases = Lease.objects.filter(household__in=households)
    return access.leases_visible_to(user, leases, Flat.objects.all())


def _rows(leases) -> list[Lease]:
    rows = list(leases)
    for row in rows:
        row.check_in = row.this_month[0] if row.this_month else None
        row.previous_label = CheckInResult(row.previous_result).label if row.previous_result else ""
    return rows


def _worklist(user, *, month: datetime.date, today: datetime.date, forms=None) -> dict:
    rows = _rows(services.check_in_worklist(_leases_of(user), month=month, today=today))
    forms = forms or {}
    for row in rows:
        if row.check_in is None:
            row.form = forms.get(row.pk) or CheckInForm(prefix=f"lease-{row.pk}", month=month)
    done = sum(1 for row in rows if row.check_in)
    return {
        "rows": rows,
        "month": month,
        "due": len(rows) - done,
        "done": done,
        "is_current": month == services.month_of(today),
        "previous": (month - datetime.timedelta(days=1)).replace(day=1),
        "next": services.last_day_of(month) + datetime.timedelta(days=1),
    }


@require_GET
@access.require(Can.EDIT_CASES)
def checkin_list(request):
    today = timezone.localdate()
    month_form = MonthForm(request.GET or None, today=today)
    context = _worklist(request.user, month=month_form.chosen(), today=today)
    return render(request, "housing/checkin_list.html", {**context, "month_form": month_form})


@require_POST
@access.require(Can.EDIT_CASES)
def checkin_record(request, pk):
    user, today = request.user, timezone.localdate()
    lease = get_object_or_404(_leases_of(user).select_related("household"), pk=pk)
    if not access.may_change_case_file(user, lease.household):
        raise PermissionDenied
    form = CheckInForm(request.POST, prefix=f"lease-{pk}", month=services.month_of(today))
    notice = _record(form, lease=lease, by=user) if form.is_valid() else ""
    month = form.cleaned_data.get("month") or services.month_of(today)
    if notice and not request.htmx:
        messages.success(request, notice)
        return redirect(f"{reverse('housing:checkin-list')}?month={month:%Y-%m}")
    context = _worklist(user, month=month, today=today, forms={pk: form})
    if request.htmx:
        return _row_response(request, context, lease=lease, notice=notice)
    context["month_form"] = MonthForm({"month": f"{month:%Y-%m}"}, today=today)
    return render(request, "housing/checkin_list.html", context)


def _record(form: CheckInForm, *, lease: Lease, by) -> str:
    """Record the call; what to tell the user, or "" with the refusal added to the form. A
    second submit of the same call is no error: it was recorded the first time."""
    month = form.cleaned_data["month"]
    try:
        recorded = services.record_check_in(
            lease=lease,
            month=month,
            result=form.cleaned_data["result"],
            rent_paid=form.cleaned_data["rent_paid"],
            note=form.cleaned_data["note"],
            by=by,
        )
    except ValidationError as error:
        if CheckIn.objects.filter(lease=lease, month=month).exists():
            return _("This month's check-in is already recorded.")
        add_errors(form, error)
        return ""
    parts = [_("The check-in has been recorded.")]
    if recorded.prevention_case:
        parts.append(_("The case is in prevention."))
    if recorded.step:
        parts.append(_("A prevention step has been added to the assistance plan."))
    if recorded.notification:
        parts.append(_("The case manager has been notified."))
    return " ".join(parts)


def _row_response(request, context: dict, *, lease: Lease, notice: str):
    """The row again (done, or its form with the errors) and the month's counts."""
    row = next((row for row in context["rows"] if row.pk == lease.pk), None)
    if row is None:  # the lease does not run in the month posted: only the counts
        return render(request, "housing/checkin_list.html#counts", context)
    row.notice = notice
    return render(request, "housing/checkin_recorded.html", {**context, "row": row})
