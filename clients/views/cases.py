from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients import services
from clients.debts import debts_of, summarise
from clients.filters import CaseFilter
from clients.forms import AssignForm, StatusForm
from clients.models import (
    Case,
    Consultation,
    Income,
    RegisterRecord,
)
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors


@access.require(Can.VIEW_CASES)
def case_list(request):
    cases = access.cases_visible_to(request.user, Case.objects.for_list())
    data = request.GET.copy()
    if not data.get("q"):
        # Browsing shows the open cases; a search finds a returning client's closed case too.
        data.setdefault("status", "open")
    case_filter = CaseFilter(data, queryset=cases, kmb=request.user.organisation)
    page = Paginator(case_filter.qs, 25).get_page(request.GET.get("page"))
    template = "clients/case_list.html#results" if request.htmx else "clients/case_list.html"
    return render(request, template, {"filter": case_filter, "page": page})


def case_detail(request, pk):
    case = access.get_case_for(
        request.user,
        Case.objects.select_related(
            "household__kmb", "household__permanent_residence", "case_manager", "kmb"
        ),
        pk,
    )
    household = case.household
    record_read(request=request, obj=case)
    return render(request, "clients/case_detail.html", _case_file(request.user, case, household))


def _case_file(user, case, household) -> dict:
    """Everything the case page shows, one query per kind of record."""
    sections = access.case_file_sections(user, household)
    debts = debts_of(household)
    return {
        "case": case,
        "household": household,
        "sections": sections,
        "may_change": access.may_change_case_file(user, household),
        "may_assign": access.can(user, Can.ASSIGN_CASES)
        and access.may_change_case_file(user, household),
        "may_export": access.can(user, Can.EXPORT_CLIENT_DATA),
        "members": list(household.members.applicant_first()),
        "reasons": list(case.reasons.all()),
        "status_changes": list(case.status_changes.select_related("by")),
        "situations": list(household.situations.select_related("recorded_by")),
        "incomes": list(Income.objects.filter(household=household).select_related("member")),
        "benefits": list(household.benefits.all()),
        "preferred_municipalities": list(household.preferred_municipalities.all()),
        "consents": list(household.consents.select_related("recipient", "given_by")),
        "consultations": list(
            Consultation.objects.filter(case=case)
            .select_related("by")
            .prefetch_related("topics", "referrals")
        ),
        "register_records": list(
            RegisterRecord.objects.filter(household=household).prefetch_related("changes")
        ),
        "support_measures": list(household.support_measures.all()),
        "debts": debts,
        "debt_summary": summarise(debts),
        "other_cases": list(household.cases.exclude(pk=case.pk)),
    }


@access.require(Can.EDIT_CASES)
def case_status(request, pk):
    case = access.get_case_for(
        request.user, Case.objects.select_related("household"), pk, write=True
    )
    form = StatusForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                case=case,
                to=form.cleaned_data["status"],
                close_reason=form.cleaned_data["close_reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()}
            )
            return redirect(case)
    return render(request, "clients/case_status.html", {"case": case, "form": form})


@access.require(Can.ASSIGN_CASES)
def case_assign(request, pk):
    case = access.get_case_for(
        request.user, Case.objects.select_related("household"), pk, write=True
    )
    form = AssignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_case_manager(
                case=case, case_manager=form.cleaned_data["case_manager"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is now the case manager.") % {"name": case.case_manager}
            )
            return redirect(case)
    return render(request, "clients/case_assign.html", {"case": case, "form": form})
