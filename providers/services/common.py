"""What the services of the support network share: the audit author, the consent check, a
referral's state change with the places it holds, and the notice of an ended cooperation."""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Case, Consent, Household
from kmb.accounts.models import User
from kmb.notifications.models import NotificationKind
from kmb.notifications.services import notify
from providers.models import (
    PLACE_HOLDING_STATES,
    CooperationEndReason,
    Provider,
    ReferralState,
    ReferralStateChange,
    Service,
    ServiceReferral,
)


def audited(record, by: User):
    """Name `by` as the author of the history row the next save writes."""
    record._history_user = by
    return record


def take_place(service_id: int, on: datetime.date) -> None:
    """One place fewer, never below zero (the provider may have accepted over its count)."""
    service = Service.objects.select_for_update().get(pk=service_id)
    if service.free_places > 0:
        service.free_places -= 1
        service.free_places_on = on
        service.save(update_fields=["free_places", "free_places_on", "updated_at"])


def give_place_back(service_id: int, on: datetime.date) -> None:
    """One place more, never above the capacity."""
    service = Service.objects.select_for_update().get(pk=service_id)
    if service.free_places < service.capacity:
        service.free_places += 1
        service.free_places_on = on
        service.save(update_fields=["free_places", "free_places_on", "updated_at"])


def valid_consent_to(
    household: Household, organisation_id: int, on: datetime.date | None = None
) -> Consent | None:
    """The household's latest consent, valid on that day, to share with the organisation."""
    return (
        household.consents.valid(on)
        .filter(recipient_id=organisation_id)
        .order_by("-given_on", "-pk")
        .first()
    )


def no_consent_error(provider: Provider) -> str:
    return _(
        "The household has not given a valid consent to share with %(provider)s. Record the "
        "consent first: without it the provider may not learn about the household."
    ) % {"provider": provider}


def move_referral(
    referral: ServiceReferral,
    *,
    to: ReferralState,
    by: User,
    note: str = "",
    end_reason: str = "",
    on: datetime.date,
) -> ServiceReferral:
    """Change the state and keep the service's free places in step: a referral holds a place
    while accepted or started."""
    previous = referral.state
    referral.state = to
    if to == ReferralState.ENDED:
        referral.ended_on = on
        referral.end_reason = end_reason
    if note and to in (ReferralState.ACCEPTED, ReferralState.REFUSED):
        referral.answer = note
    referral.full_clean()
    audited(referral, by).save()
    held, holds = previous in PLACE_HOLDING_STATES, to in PLACE_HOLDING_STATES
    if holds and not held:
        take_place(referral.service_id, on)
    elif held and not holds:
        give_place_back(referral.service_id, on)
    ReferralStateChange.objects.create(
        referral=referral, from_state=previous, to_state=to, by=by, note=note
    )
    return referral


def locked_referral(referral: ServiceReferral) -> ServiceReferral:
    """The referral as it is now in the database, locked until the transaction ends: of two
    clicks on "Accept", the second finds it accepted."""
    fresh = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    referral.state = fresh.state
    return referral


def case_manager_of(case: Case, fallback: User) -> User:
    return case.case_manager or fallback


def tell_of_end(
    *, recipient: User, who: str, case: Case, on: datetime.date, end_reason: str, url: str
) -> None:
    # The parameters stay as written; the reason in the office language (Czech).
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(CooperationEndReason(end_reason).label)
    notify(
        recipient=recipient,
        kind=NotificationKind.COOPERATION_ENDED,
        message=gettext_noop(
            "%(provider)s ended the cooperation in case %(case)s on %(date)s: %(reason)s."
        ),
        params={
            "provider": who,
            "case": case.number,
            "date": f"{on.day}. {on.month}. {on.year}",
            "reason": reason,
        },
        url=url,
        email=True,
    )
