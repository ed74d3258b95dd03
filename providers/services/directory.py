"""The directory: providers and their services, with their free places."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kmb.accounts.models import Organisation, User
from providers.models import (
    Provider,
    Service,
)
from providers.services.common import audited


@transaction.atomic
def create_provider(*, organisation: Organisation, provider: Provider, by: User) -> Provider:
    """Register a support provider: its organisation (the recipient of the households' consents
    and the employer of its staff) and its profile.

    Side effects: an Organisation of kind provider and its Provider profile, with history rows."""
    organisation.kind = Organisation.Kind.PROVIDER
    organisation.orp = None
    organisation.municipality = None
    organisation.full_clean()
    audited(organisation, by).save()
    provider.organisation = organisation
    provider.full_clean()
    audited(provider, by).save()
    return provider


@transaction.atomic
def update_provider(*, provider: Provider, by: User) -> Provider:
    """Save the changed profile and organisation (name, IČO, address) of a provider."""
    organisation = provider.organisation
    organisation.full_clean()
    audited(organisation, by).save()
    provider.full_clean()
    audited(provider, by).save()
    return provider


@transaction.atomic
def save_service(
    *,
    service: Service,
    municipalities: Iterable,
    by: User,
    on: datetime.date | None = None,
    keep_free_places: bool = False,
) -> Service:
    """Create or change a service and the municipalities it covers. With `keep_free_places`
    an existing service keeps the free places it has now (the row is locked: a referral
    accepted meanwhile is not undone).

    Side effects: the service with its history; a change of the free places dates them `on`
    (today)."""
    previous = None
    if service.pk:
        previous = (
            Service.objects.select_for_update()
            .values_list("free_places", flat=True)
            .get(pk=service.pk)
        )
        if keep_free_places:
            service.free_places = previous
    if previous != service.free_places:
        service.free_places_on = on or timezone.localdate()
    service.full_clean()
    audited(service, by).save()
    service.municipalities.set(municipalities)
    return service


@transaction.atomic
def set_free_places(
    *, service: Service, free_places: int, by: User, on: datetime.date | None = None
) -> Service:
    """Record how many places the service has free today (never more than its capacity)."""
    service.free_places = free_places
    service.free_places_on = on or timezone.localdate()
    service.full_clean()
    audited(service, by).save()
    return service
