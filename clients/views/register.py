"""The register of persons in need on the case file (zákon 175/2025 Sb., §13–27): applications,
changes of the entry, support measures, and the worklist of entries about to lapse."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.forms import RegisterChangeForm, RegisterRecordForm, SupportMeasureForm
from clients.models import (
    Household,
    RegisterRecord,
    SupportMeasure,
)
from clients.views.common import attach_to, household_for, household_record_for, record_form_page
from kmb import access
from kmb.access import Can

# How far ahead the worklist looks: time enough to prepare the renewal of an entry (§23).
EXPIRING_WITHIN_DAYS = 30


@access.require(Can.EDIT_CASES)
def register_create(request, pk):
    household = household_for(request.user, pk)
    form = RegisterRecordForm(request.POST or None)
    return record_form_page(
        request,
        household=household,
        form=form,
        title=_("New application to the register"),
        save=attach_to(household),
    )


@access.require(Can.EDIT_CASES)
def register_edit(request, pk):
    record = household_record_for(
        request.user, RegisterRecord.objects.select_related("household__kmb"), pk
    )
    form = RegisterRecordForm(request.POST or None, instance=record)
    return record_form_page(
        request,
        household=record.household,
        form=form,
        title=_("Edit the register record"),
        save=lambda f: f.save(),
    )


@access.require(Can.EDIT_CASES)
def register_change_create(request, pk):
    record = household_record_for(
        request.user, RegisterRecord.objects.select_related("household__kmb"), pk
    )
    form = RegisterChangeForm(request.POST or None)

    def save(form):
        form.instance.record = record
        return form.save()

    return record_form_page(
        request,
        household=record.household,
        form=form,
        title=_("Record a change of the entry"),
        save=save,
    )


@access.require(Can.EDIT_CASES)
def measure_create(request, pk):
    household = household_for(request.user, pk)
    form = SupportMeasureForm(request.POST or None)
    return record_form_page(
        request,
        household=household,
        form=form,
        title=_("Add a support measure"),
        save=attach_to(household),
    )


@access.require(Can.EDIT_CASES)
def measure_edit(request, pk):
    measure = household_record_for(
        request.user, SupportMeasure.objects.select_related("household__kmb"), pk
    )
    form = SupportMeasureForm(request.POST or None, instance=measure)
    return record_form_page(
        request,
        household=measure.household,
        form=form,
        title=_("Edit the support measure"),
        save=lambda f: f.save(),
    )


@access.require(Can.VIEW_CASES)
def register_expiring(request):
    # A list of many people: no access-log entry per row (the case page logs when opened).
    today = timezone.localdate()
    households = access.households_visible_to(request.user, Household.objects.all())
    records = RegisterRecord.objects.expiring(days=EXPIRING_WITHIN_DAYS, today=today).filter(
        household__in=households
    )
    return render(
        request,
        "clients/register_expiring.html",
        {"records": list(records.for_worklist(today)), "days": EXPIRING_WITHIN_DAYS},
    )
