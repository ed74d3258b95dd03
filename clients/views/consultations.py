from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients import services
from clients.forms import ConsultationForm, ReferralFormSet, ReferralOutcomeForm
from clients.models import Case, Referral
from clients.views.common import household_for, record_form_page
from kmb import access
from kmb.access import Can
from kmb.lib.forms import add_errors


@access.require(Can.EDIT_CASES)
def consultation_create(request, pk):
    case = access.get_case_for(
        request.user, Case.objects.select_related("household"), pk, write=True
    )
    form = ConsultationForm(request.POST or None)
    referrals = ReferralFormSet(request.POST or None, prefix="referrals")
    if request.method == "POST" and form.is_valid() and referrals.is_valid():
        try:
            services.record_consultation(
                case=case,
                consultation=form.instance,
                topics=form.cleaned_data["topics"],
                referrals=[item.instance for item in referrals if item.has_changed()],
                by=request.user,
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The consultation has been recorded."))
            return redirect(case)
    return render(
        request,
        "clients/consultation_form.html",
        {"case": case, "form": form, "referrals": referrals},
    )


@access.require(Can.EDIT_CASES)
def referral_outcome(request, pk):
    referral = _referral_for(request.user, pk)
    household = referral.consultation.case.household
    form = ReferralOutcomeForm(request.POST or None, instance=referral)
    return record_form_page(
        request,
        household=household,
        form=form,
        title=_("Outcome of the referral: %(kind)s") % {"kind": referral.get_kind_display()},
        save=lambda f: f.save(),
    )


def _referral_for(user, pk):
    referral = (
        Referral.objects.select_related("consultation__case__household").filter(pk=pk).first()
    )
    # Scoped through the household, like every record of a case file.
    household_for(user, referral.consultation.case.household_id if referral else 0)
    return referral
