from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import services
from clients.forms import ConsentForm, WithdrawConsentForm
from clients.models import Consent
from clients.views.common import household_for, household_record_for, record_form_page
from kmb import access
from kmb.access import Can


@access.require(Can.EDIT_CASES)
def consent_create(request, pk):
    household = household_for(request.user, pk)
    form = ConsentForm(request.POST or None, household=household)

    def save(form):
        form.instance.household = household
        return form.save()

    return record_form_page(
        request, household=household, form=form, title=_("Record a consent"), save=save
    )


@require_POST
@access.require(Can.EDIT_CASES)
def consent_withdraw(request, pk):
    consent = household_record_for(
        request.user, Consent.objects.select_related("household__kmb"), pk
    )
    form = WithdrawConsentForm(request.POST or {"withdrawn_on": timezone.localdate()})
    if form.is_valid():
        try:
            services.withdraw_consent(
                consent=consent, on=form.cleaned_data["withdrawn_on"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The consent has been withdrawn; sharing has stopped."))
    else:
        messages.error(request, _("Enter a valid date of withdrawal."))
    return redirect(consent.household.get_absolute_url())
