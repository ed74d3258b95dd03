"""Debts, repayment schedules and payments; the KMB's debt worklist and analysis."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import debts as debt_services
from clients.forms import DebtForm, PaymentForm, ScheduleForm
from clients.models import Debt, Household, RepaymentSchedule
from clients.views.common import attach_to, household_for, household_record_for, record_form_page
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors


@access.require(Can.EDIT_CASES)
def debt_create(request, pk):
    household = household_for(request.user, pk)
    form = DebtForm(request.POST or None, household=household)
    return record_form_page(
        request, household=household, form=form, title=_("Record a debt"), save=attach_to(household)
    )


@access.require(Can.EDIT_CASES)
def debt_edit(request, pk):
    debt = _debt_for(request.user, pk)
    form = DebtForm(request.POST or None, instance=debt, household=debt.debtor.household)
    return record_form_page(
        request,
        household=debt.debtor.household,
        form=form,
        title=_("Edit the debt"),
        save=lambda f: f.save(),
    )


@access.require(Can.EDIT_CASES)
def schedule_create(request, pk):
    debt = _debt_for(request.user, pk)
    form = ScheduleForm(
        request.POST or None,
        instance=RepaymentSchedule(debt=debt),
        initial={"total": debt.current_amount, "first_due_on": None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule = debt_services.agree_schedule(schedule=form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The repayment schedule has been recorded."))
            return redirect("clients:schedule-detail", schedule.pk)
    record_read(request=request, obj=debt)
    return render(request, "clients/schedule_form.html", {"debt": debt, "form": form})


@access.require(Can.VIEW_CASES)
def schedule_detail(request, pk):
    schedule = _schedule_for(request.user, pk, write=False)
    form = PaymentForm(
        initial={
            "paid_on": timezone.localdate(),
            "amount": schedule.instalment,
            "token": uuid.uuid4(),
        }
    )
    return _schedule_page(request, schedule, form)


@require_POST
@access.require(Can.EDIT_CASES)
def payment_create(request, pk):
    schedule = _schedule_for(request.user, pk, write=True)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            debt_services.record_payment(schedule=schedule, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The payment has been recorded."))
            return redirect("clients:schedule-detail", schedule.pk)
    return _schedule_page(request, schedule, form)


def _schedule_page(request, schedule, form):
    record_read(request=request, obj=schedule.debt)
    return render(
        request,
        "clients/schedule_detail.html",
        {
            "schedule": schedule,
            "debt": schedule.debt,
            "standing": debt_services.standing_of(schedule),
            "payments": list(schedule.payments.select_related("recorded_by")),
            "form": form,
            "may_change": access.may_change_case_file(request.user, schedule.debt.debtor.household),
            "back": schedule.debt.debtor.household.get_absolute_url(),
        },
    )


@access.require(Can.VIEW_CASES)
def debt_worklist(request):
    households = access.households_visible_to(request.user, Household.objects.all())
    schedules = RepaymentSchedule.objects.filter(debt__debtor__household__in=households)
    stale = (
        Debt.objects.filter(debtor__household__in=households)
        .confirmation_stale()
        .select_related("debtor", "creditor_municipality")
        .order_by(F("confirmed_on").asc(nulls_first=True), "since")
    )
    return render(
        request,
        "clients/debt_worklist.html",
        {"behind": debt_services.schedules_behind(schedules), "stale": list(stale)},
    )


@access.require(Can.VIEW_CASES)
def debt_analysis(request):
    households = access.households_visible_to(request.user, Household.objects.all())
    return render(
        request, "clients/debt_analysis.html", {"analysis": debt_services.debt_analysis(households)}
    )


def _debt_for(user, pk):
    queryset = Debt.objects.select_related("debtor__household__kmb")
    return household_record_for(user, queryset, pk, through="debtor__household")


def _schedule_for(user, pk, *, write):
    queryset = RepaymentSchedule.objects.select_related(
        "debt__debtor__household__kmb", "debt__creditor_municipality"
    )
    return household_record_for(user, queryset, pk, through="debt__debtor__household", write=write)
