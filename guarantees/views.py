"""Guarantees on leases, the funds that pay them, and the landlords' claims."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import Client, Relationship
from guarantees import services
from guarantees.forms import (
    ClaimForm,
    ContributionForm,
    DecisionForm,
    FundForm,
    GuaranteeFilterForm,
    GuaranteeForm,
    PaymentForm,
)
from guarantees.models import Claim, Guarantee, GuaranteeFund
from housing.models import Flat, Lease
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors

ENDING_SOON_DAYS = 60


# --- Guarantees ----------------------------------------------------------------------------


@access.require(Can.VIEW_GUARANTEES)
def guarantee_list(request):
    guarantees = _for_list(request.user, _guarantees_for(request.user))
    ending = list(guarantees.ending_within(ENDING_SOON_DAYS).order_by("valid_until", "pk"))
    filter_form = GuaranteeFilterForm(request.GET or None)
    page = Paginator(filter_form.filter(guarantees), 25).get_page(request.GET.get("page"))
    _name_tenants(request.user, [*ending, *page])
    template = "guarantees/guarantee_list.html"
    context = {"ending": ending, "days": ENDING_SOON_DAYS, "page": page, "filter": filter_form}
    return render(request, f"{template}#results" if request.htmx else template, context)


@access.require(Can.VIEW_GUARANTEES)
def guarantee_detail(request, pk):
    guarantee = _guarantee_for(request.user, pk)
    return _guarantee_page(request, guarantee)


@access.require(Can.MANAGE_GUARANTEES)
def guarantee_create(request, pk):
    leases = Lease.objects.select_related("flat__municipality", "household")
    lease = get_object_or_404(
        access.leases_visible_to(request.user, leases, Flat.objects.all()), pk=pk
    )
    if not access.may_manage_flat(request.user, lease.flat):
        raise PermissionDenied
    form = GuaranteeForm(request.POST or None, lease=lease, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            guarantee = services.issue_guarantee(guarantee=form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The guarantee has been recorded."))
            return redirect(guarantee)
    context = {"form": form, "lease": lease, "tenant": _tenant(request.user, lease.household)}
    context |= {"title": _("New guarantee"), "has_funds": form.fields["fund"].queryset.exists()}
    return render(request, "guarantees/guarantee_form.html", context)


@access.require(Can.MANAGE_GUARANTEES)
def guarantee_edit(request, pk):
    guarantee = _guarantee_for(request.user, pk, write=True)
    form = GuaranteeForm(
        request.POST or None, instance=guarantee, lease=guarantee.lease, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_guarantee(guarantee=form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The guarantee has been changed."))
            return redirect(guarantee)
    _name_tenants(request.user, [guarantee])
    context = {"form": form, "lease": guarantee.lease, "tenant": guarantee.tenant}
    context |= {"title": _("Edit the guarantee"), "has_funds": True}
    return render(request, "guarantees/guarantee_form.html", context)


# --- Claims --------------------------------------------------------------------------------


@access.require(Can.MANAGE_GUARANTEES)
def claim_create(request, pk):
    guarantee = _guarantee_for(request.user, pk, write=True)
    form = ClaimForm(request.POST or None, guarantee=guarantee)
    if request.method == "POST" and form.is_valid():
        form.instance.token = form.cleaned_data["token"]
        try:
            services.submit_claim(claim=form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The claim has been recorded; decide on it next."))
            return redirect(guarantee)
    context = {"form": form, "guarantee": guarantee, "remaining": guarantee.remaining_cap()}
    return render(request, "guarantees/claim_form.html", context)


@access.require(Can.MANAGE_GUARANTEES)
def claim_decide(request, pk):
    claim = _claim_for(request.user, pk)
    guarantee = claim.guarantee
    if claim.state != Claim.State.SUBMITTED:
        messages.info(request, _("This claim has already been decided."))
        return redirect(guarantee)
    initial = {"amount_approved": claim.amount_claimed, "note": claim.note}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_claim(
                claim=claim,
                approve=form.approve,
                amount_approved=form.cleaned_data["amount_approved"] if form.approve else None,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect(guarantee)
    # What the cap leaves for this claim once the others are counted.
    left = min(claim.amount_claimed, guarantee.remaining_cap() + claim.amount_claimed)
    context = {"form": form, "claim": claim, "guarantee": guarantee, "remaining": left}
    return render(request, "guarantees/claim_decide.html", context)


@require_POST
@access.require(Can.MANAGE_GUARANTEES)
def claim_pay(request, pk):
    claim = _claim_for(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.pay_claim(claim=claim, paid_on=form.cleaned_data["paid_on"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The claim has been paid from the fund."))
            return redirect(claim.guarantee)
    guarantee = _guarantee_for(request.user, claim.guarantee_id)
    return _guarantee_page(request, guarantee, failed_payment=(claim.pk, form))


# --- Funds ---------------------------------------------------------------------------------


@access.require(Can.VIEW_GUARANTEES)
def fund_list(request):
    funds = services.with_balances(
        access.funds_visible_to(request.user, GuaranteeFund.objects.all())
    ).select_related("municipality", "orp")
    return render(request, "guarantees/fund_list.html", {"funds": list(funds)})


@access.require(Can.VIEW_GUARANTEES)
def fund_detail(request, pk):
    fund = _fund_for(request.user, pk)
    movements = fund.movements.select_related("recorded_by", "claim__guarantee")
    guarantees = _for_list(request.user, _guarantees_for(request.user).filter(fund=fund))
    guarantees = list(guarantees)
    _name_tenants(request.user, guarantees)
    context = {
        "fund": fund,
        "balance": fund.balance(),
        "movements": list(movements),
        "guarantees": guarantees,
        "may_manage": access.may_manage_fund(request.user, fund),
    }
    record_read(request=request, obj=fund)  # the guarantees name their tenants
    return render(request, "guarantees/fund_detail.html", context)


@access.require(Can.MANAGE_GUARANTEES)
def fund_create(request):
    form = FundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fund = form.save()
        messages.success(request, _("The fund has been created; record its first contribution."))
        return redirect(fund)
    return render(request, "guarantees/fund_form.html", {"form": form})


@access.require(Can.MANAGE_GUARANTEES)
def contribution_create(request, pk):
    fund = _fund_for(request.user, pk, write=True)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribute(fund=fund, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The contribution has been recorded."))
            return redirect(fund)
    context = {"form": form, "fund": fund, "balance": fund.balance()}
    return render(request, "guarantees/contribution_form.html", context)


# --- Fetching, scoped ----------------------------------------------------------------------


def _guarantees_for(user):
    leases = access.leases_visible_to(user, Lease.objects.all(), Flat.objects.all())
    return Guarantee.objects.filter(lease__in=leases)


def _for_list(user, guarantees):
    """With what a row shows: flat, household, fund, and the applicant where the user may see
    names (never loaded for the housing department)."""
    guarantees = guarantees.select_related("lease__flat__municipality", "lease__household", "fund")
    if access.can(user, Can.VIEW_CASES):
        applicants = Client.objects.filter(relationship=Relationship.APPLICANT)
        guarantees = guarantees.prefetch_related(
            Prefetch("lease__household__members", queryset=applicants, to_attr="applicants")
        )
    return guarantees


def _name_tenants(user, guarantees) -> None:
    """`tenant` on each guarantee: see _tenant."""
    for guarantee in guarantees:
        guarantee.tenant = _tenant(user, guarantee.lease.household)


def _tenant(user, household) -> str:
    """The applicant's name for those who see the case file, otherwise "Household no. N"."""
    if not access.may_see_household(user, household):
        return str(household)
    applicants = getattr(household, "applicants", None)
    if applicants is None:
        applicants = list(household.members.filter(relationship=Relationship.APPLICANT))
    return str(applicants[0]) if applicants else str(household)


def _guarantee_for(user, pk: int, *, write: bool = False) -> Guarantee:
    guarantee = get_object_or_404(_for_list(user, _guarantees_for(user)), pk=pk)
    if write and not access.may_manage_fund(user, guarantee.fund):
        raise PermissionDenied
    return guarantee


def _claim_for(user, pk: int) -> Claim:
    """A claim under a guarantee the user reaches (else 404) and may manage (else 403)."""
    claims = Claim.objects.filter(guarantee__in=_guarantees_for(user)).select_related(
        "guarantee__fund", "guarantee__lease__flat__municipality"
    )
    claim = get_object_or_404(claims, pk=pk)
    if not access.may_manage_fund(user, claim.guarantee.fund):
        raise PermissionDenied
    return claim


def _fund_for(user, pk: int, *, write: bool = False) -> GuaranteeFund:
    queryset = access.funds_visible_to(user, GuaranteeFund.objects.all())
    fund = get_object_or_404(queryset.select_related("municipality", "orp"), pk=pk)
    if write and not access.may_manage_fund(user, fund):
        raise PermissionDenied
    return fund


def _guarantee_page(request, guarantee: Guarantee, *, failed_payment=None):
    """The guarantee with its claims; `failed_payment`: (claim pk, bound form) to show again."""
    _name_tenants(request.user, [guarantee])
    claims = list(guarantee.claims.select_related("payout"))
    for claim in claims:
        failed = failed_payment and failed_payment[0] == claim.pk
        claim.pay_form = failed_payment[1] if failed else PaymentForm()
    committed = guarantee.committed()
    context = {
        "guarantee": guarantee,
        "lease": guarantee.lease,
        "claims": claims,
        "committed": committed,
        "remaining": guarantee.cap - committed,
        "may_manage": access.may_manage_fund(request.user, guarantee.fund),
    }
    record_read(request=request, obj=guarantee)  # it names the tenant
    return render(request, "guarantees/guarantee_detail.html", context)
