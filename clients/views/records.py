"""The household's records on the case file: members, situation, income, benefits, needs."""

from django.utils.translation import gettext as _

from clients import services
from clients.forms import BenefitForm, HouseholdForm, IncomeForm, MemberEditForm, SituationForm
from clients.models import Benefit, Client, Income
from clients.views.common import attach_to, household_for, household_record_for, record_form_page
from kmb import access
from kmb.access import Can


@access.require(Can.EDIT_CASES)
def household_edit(request, pk):
    household = household_for(request.user, pk)
    form = HouseholdForm(request.POST or None, instance=household, kmb=household.kmb)
    return record_form_page(
        request,
        household=household,
        form=form,
        title=_("Residence and needs"),
        save=lambda f: f.save(),
    )


@access.require(Can.EDIT_CASES)
def member_create(request, pk):
    household = household_for(request.user, pk)
    form = MemberEditForm(request.POST or None, household=household)

    def save(form):
        form.instance.household = household
        return services.save_client(client=form.instance)

    return record_form_page(
        request, household=household, form=form, title=_("Add a household member"), save=save
    )


@access.require(Can.EDIT_CASES)
def member_edit(request, pk):
    member = household_record_for(request.user, Client.objects.select_related("household__kmb"), pk)
    form = MemberEditForm(request.POST or None, instance=member, household=member.household)
    return record_form_page(
        request,
        household=member.household,
        form=form,
        title=_("Edit %(name)s") % {"name": member},
        save=lambda f: services.save_client(client=f.instance),
    )


@access.require(Can.EDIT_CASES)
def situation_create(request, pk):
    household = household_for(request.user, pk)
    form = SituationForm(request.POST or None)
    return record_form_page(
        request,
        household=household,
        form=form,
        title=_("New housing situation"),
        save=lambda f: services.record_situation(
            household=household, situation=f.instance, by=request.user
        ),
    )


@access.require(Can.EDIT_CASES)
def income_create(request, pk):
    household = household_for(request.user, pk)
    form = IncomeForm(request.POST or None, household=household)
    return record_form_page(
        request, household=household, form=form, title=_("Add income"), save=attach_to(household)
    )


@access.require(Can.EDIT_CASES)
def income_edit(request, pk):
    income = household_record_for(request.user, Income.objects.select_related("household__kmb"), pk)
    form = IncomeForm(request.POST or None, instance=income, household=income.household)
    return record_form_page(
        request,
        household=income.household,
        form=form,
        title=_("Edit income"),
        save=lambda f: f.save(),
    )


@access.require(Can.EDIT_CASES)
def benefit_create(request, pk):
    household = household_for(request.user, pk)
    form = BenefitForm(request.POST or None)
    return record_form_page(
        request, household=household, form=form, title=_("Add a benefit"), save=attach_to(household)
    )


@access.require(Can.EDIT_CASES)
def benefit_edit(request, pk):
    benefit = household_record_for(
        request.user, Benefit.objects.select_related("household__kmb"), pk
    )
    form = BenefitForm(request.POST or None, instance=benefit)
    return record_form_page(
        request,
        household=benefit.household,
        form=form,
        title=_("Edit the benefit"),
        save=lambda f: f.save(),
    )
