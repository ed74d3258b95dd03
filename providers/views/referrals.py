"""Referrals of households to providers' services: sending, answering, withdrawing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.models import Case
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors
from providers import services
from providers.forms import AnswerForm, ReferralForm, WithdrawForm
from providers.models import CooperationEndReason, ReferralState, Service
from providers.views.common import form_methods, form_page, referral_for, safe_next, visible_plans


def _case_crumbs(case) -> list:
    return [
        (reverse("clients:case-list"), _("Cases")),
        (case.get_absolute_url(), case.number),
    ]


@form_methods
@access.require(Can.EDIT_CASES)
def referral_create(request, pk):
    case = access.get_case_for(
        request.user, Case.objects.select_related("household"), pk, write=True
    )
    household = case.household
    consented = household.consents.valid().values("recipient_id")
    offered = (
        Service.objects.active()
        .filter(provider__organisation__in=consented)
        .select_related("provider__organisation")
    )
    form = ReferralForm(
        request.POST or None, services=offered, requested=request.GET.get("service")
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer_household(
                case=case,
                service=form.cleaned_data["service"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The household has been referred to %(service)s; the provider will answer.")
                % {"service": referral.service.name},
            )
            return redirect(case)
    return form_page(
        request,
        form=form,
        title=_("Refer to a service"),
        crumbs=_case_crumbs(case),
        back=case.get_absolute_url(),
        template="providers/referral_form.html",
        case=case,
        has_services=bool(form.fields["service"].queryset),
    )


@require_GET
def referral_detail(request, pk):
    referral = referral_for(request.user, pk)
    may_answer = access.may_answer_referral(request.user, referral) and referral.is_open
    record_read(request=request, obj=referral)
    context = {
        "referral": referral,
        "applicant": referral.household.members.filter(relationship="applicant").first(),
        "state_changes": list(referral.state_changes.select_related("by")),
        "plans": list(visible_plans(request.user, referral.assistance_plans.all())),
        "may_answer": may_answer,
        "answers": _answers(referral) if may_answer else [],
        "end_reasons": CooperationEndReason.choices,
        "may_withdraw": referral.is_open
        and access.may_change_case_file(request.user, referral.household),
    }
    return render(request, "providers/referral_detail.html", context)


def _answers(referral) -> list[tuple[str, str]]:
    """(state, button label) of each answer the provider may give now."""
    labels = {
        ReferralState.ACCEPTED: _("Accept"),
        ReferralState.REFUSED: _("Refuse"),
        ReferralState.STARTED: _("Support has started"),
        ReferralState.ENDED: _("End the cooperation"),
    }
    return [(state.value, labels[state]) for state in referral.next_states()]


@require_POST
def referral_answer(request, pk):
    referral = referral_for(request.user, pk)
    if not access.may_answer_referral(request.user, referral):
        raise PermissionDenied
    form = AnswerForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            services.answer_referral(
                referral=referral,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                end_reason=form.cleaned_data["end_reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The referral is now “%(state)s”.") % {"state": referral.get_state_display()},
            )
    else:
        messages.error(request, _("Choose an answer this referral can take now."))
    return redirect(safe_next(request, referral.get_absolute_url()))


@form_methods
@access.require(Can.EDIT_CASES)
def referral_withdraw(request, pk):
    referral = referral_for(request.user, pk)
    if not access.may_change_case_file(request.user, referral.household):
        raise PermissionDenied
    if not referral.is_open:
        messages.info(request, _("This referral has already been closed."))
        return redirect(referral)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_referral(
                referral=referral,
                end_reason=form.cleaned_data["end_reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The referral has been withdrawn."))
            return redirect(referral.case)
    return form_page(
        request,
        form=form,
        title=_("Withdraw the referral to %(service)s") % {"service": referral.service.name},
        crumbs=_case_crumbs(referral.case),
        back=referral.get_absolute_url(),
        intro=_(
            "The provider sees that the KMB has ended the referral; a place it held becomes "
            "free again."
        ),
    )
