"""Referrals of households to services: sending, the provider's answers, withdrawal by the KMB."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Case
from kmb.accounts.models import User
from kmb.notifications.models import NotificationKind
from kmb.notifications.services import notify
from providers.models import (
    AssistancePlan,
    CooperationEndReason,
    PlanStatus,
    ReferralState,
    ReferralStateChange,
    Service,
    ServiceReferral,
)
from providers.services.common import (
    audited,
    case_manager_of,
    locked_referral,
    move_referral,
    no_consent_error,
    tell_of_end,
    valid_consent_to,
)
from providers.services.plans import end_cooperation


@transaction.atomic
def refer_household(
    *, case: Case, service: Service, reason: str, by: User, on: datetime.date | None = None
) -> ServiceReferral:
    """Refer the case's household to a provider's service, under its valid consent to share with
    that provider.

    Side effects: the referral (sent) with its first state change; the provider's staff find it
    in their portal."""
    day = on or timezone.localdate()
    household = case.household
    consent = valid_consent_to(household, service.provider.organisation_id, day)
    if consent is None:
        raise ValidationError({"service": no_consent_error(service.provider)})
    if not service.is_active:
        raise ValidationError({"service": _("This service no longer takes households.")})
    referral = ServiceReferral(
        household=household,
        case=case,
        service=service,
        consent=consent,
        reason=reason,
        sent_on=day,
        sent_by=by,
    )
    referral.full_clean()
    try:
        with transaction.atomic():
            audited(referral, by).save()
    except IntegrityError as error:
        # Sent twice at once: the other request has made the referral.
        raise ValidationError(
            _("The household already has an open referral to this service.")
        ) from error
    ReferralStateChange.objects.create(
        referral=referral, from_state="", to_state=ReferralState.SENT, by=by
    )
    return referral


@transaction.atomic
def answer_referral(
    *,
    referral: ServiceReferral,
    to: ReferralState | str,
    by: User,
    note: str = "",
    end_reason: CooperationEndReason | str = "",
    on: datetime.date | None = None,
) -> ServiceReferral:
    """Move a referral as its provider does: accept or refuse it, start the support, end it with
    a reason.

    Side effects: a state change; accepting takes one of the service's free places and refusing
    or ending an accepted referral gives it back (never below 0 nor above the capacity); the case
    manager learns of an acceptance or refusal in the app. Ending is the end of the cooperation:
    the household's current plan with the provider ends too (see end_cooperation), and the case
    manager is told at once, in the app and by e-mail."""
    day = on or timezone.localdate()
    locked_referral(referral)
    if to not in referral.next_states():
        raise ValidationError(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": referral.get_state_display(), "to": ReferralState(to).label}
        )
    if to == ReferralState.ENDED:
        return _end_referral(referral, end_reason=end_reason, note=note, by=by, on=day)
    move_referral(referral, to=ReferralState(to), by=by, note=note, on=day)
    if to in (ReferralState.ACCEPTED, ReferralState.REFUSED):
        _tell_case_manager_of_answer(referral)
    return referral


def _end_referral(referral, *, end_reason: str, note: str, by: User, on: datetime.date):
    if not end_reason:
        raise ValidationError({"end_reason": _("Choose why the cooperation ended.")})
    plan = (
        AssistancePlan.objects.exclude(status=PlanStatus.ENDED)
        .filter(household=referral.household_id, provider=referral.service.provider_id)
        .first()
    )
    if plan is not None:
        end_cooperation(plan=plan, end_reason=end_reason, note=note, by=by, on=on)
        referral.refresh_from_db()
        return referral
    move_referral(referral, to=ReferralState.ENDED, by=by, note=note, end_reason=end_reason, on=on)
    if case_manager_of(referral.case, referral.sent_by).pk != by.pk:
        tell_of_end(
            recipient=case_manager_of(referral.case, referral.sent_by),
            who=str(referral.service.provider),
            case=referral.case,
            on=on,
            end_reason=end_reason,
            url=referral.get_absolute_url(),
        )
    return referral


def _tell_case_manager_of_answer(referral: ServiceReferral) -> None:
    message = (
        gettext_noop("%(provider)s accepted the referral of case %(case)s to %(service)s.")
        if referral.state == ReferralState.ACCEPTED
        else gettext_noop("%(provider)s refused the referral of case %(case)s to %(service)s.")
    )
    notify(
        recipient=referral.case.case_manager or referral.sent_by,
        kind=NotificationKind.REFERRAL_ANSWERED,
        message=message,
        params={
            "provider": str(referral.service.provider),
            "case": referral.case.number,
            "service": referral.service.name,
        },
        url=referral.get_absolute_url(),
    )


@transaction.atomic
def withdraw_referral(
    *,
    referral: ServiceReferral,
    end_reason: CooperationEndReason | str,
    note: str = "",
    by: User,
    on: datetime.date | None = None,
) -> ServiceReferral:
    """The KMB ends an open referral, whatever its state (the household no longer needs the
    service, or goes elsewhere).

    Side effects: the referral ends with the reason; a held place goes back to the service."""
    locked_referral(referral)
    if not referral.is_open:
        raise ValidationError(_("This referral has already been closed."))
    if not end_reason:
        raise ValidationError({"end_reason": _("Choose why the cooperation ended.")})
    return move_referral(
        referral,
        to=ReferralState.ENDED,
        by=by,
        note=note,
        end_reason=end_reason,
        on=on or timezone.localdate(),
    )
