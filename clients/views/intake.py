"""Intake: a person comes in, and the household and its case are registered in one form."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients import services
from clients.forms import (
    ApplicantForm,
    BenefitFormSet,
    CaseOpeningForm,
    HouseholdForm,
    IntakeIncomeFormSet,
    MemberFormSet,
    SituationForm,
)
from clients.models import Client, Household
from kmb import access
from kmb.access import Can


@access.require(Can.EDIT_CASES)
def intake(request):
    kmb = request.user.organisation
    data = request.POST or None
    forms = {
        "applicant": ApplicantForm(data, prefix="applicant"),
        "members": MemberFormSet(data, prefix="members"),
        "household": HouseholdForm(data, prefix="household", kmb=kmb),
        "situation": SituationForm(data, prefix="situation"),
        "incomes": IntakeIncomeFormSet(data, prefix="incomes"),
        "benefits": BenefitFormSet(data, prefix="benefits"),
        "case": CaseOpeningForm(
            data,
            prefix="case",
            kmb=kmb,
            initial={"intake_token": uuid.uuid4(), "case_manager": request.user},
        ),
    }
    duplicates = []
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        duplicates = _possible_duplicates(forms, kmb)
        if not duplicates:
            case = _register(request, forms, kmb)
            if case:
                messages.success(
                    request,
                    _(
                        "The household is registered: case %(number)s. Record the intake "
                        "conversation as its first consultation."
                    )
                    % {"number": case.number},
                )
                return redirect(case)
    # Still here after a POST: something was refused (unless only a duplicate is to confirm).
    failed = request.method == "POST" and not duplicates
    return render(
        request,
        "clients/intake.html",
        {**forms, "forms": forms, "duplicates": duplicates, "failed": failed},
    )


def _possible_duplicates(forms, kmb) -> list:
    """People already known to this KMB with the applicant's name and birth date, or phone —
    unless the worker has confirmed that this is someone else."""
    if forms["case"].cleaned_data["not_a_duplicate"]:
        return []
    applicant = forms["applicant"].cleaned_data
    return list(
        Client.objects.filter(household__in=Household.objects.kept_by(kmb.pk))
        .possible_duplicates_of(
            first_name=applicant["first_name"],
            last_name=applicant["last_name"],
            birth_date=applicant["birth_date"],
            phone=applicant["phone"],
        )
        # The first submit of this very form registered its applicant: not a duplicate.
        .exclude(household__intake_token=forms["case"].cleaned_data["intake_token"])
        .select_related("household")
        .with_latest_case()[:10]
    )


def _register(request, forms, kmb):
    members = [form.instance for form in forms["members"] if form.has_changed()]
    case = forms["case"].cleaned_data
    try:
        return services.register_household(
            kmb=kmb,
            applicant=forms["applicant"].instance,
            household=forms["household"].instance,
            preferred_municipalities=forms["household"].cleaned_data["preferred_municipalities"],
            members=members,
            situation=forms["situation"].instance,
            incomes=[form.instance for form in forms["incomes"] if form.has_changed()],
            benefits=[form.instance for form in forms["benefits"] if form.has_changed()],
            reasons=case["reasons"],
            case_manager=case["case_manager"],
            intake_token=case["intake_token"],
            by=request.user,
        )
    except ValidationError as error:
        position = (getattr(error, "params", None) or {}).get("position")
        changed = [form for form in forms["members"] if form.has_changed()]
        if position is not None:
            changed[position].add_error("birth_date", error.messages[0])
        else:
            forms["applicant"].add_error(None, error)
        return None
