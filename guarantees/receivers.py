"""Guarantees' part in what happens to a lease. Housing cannot import guarantees, so it sends a
signal; each receiver only calls a guarantees service, which holds the logic."""

from django.dispatch import receiver

from guarantees import services
from housing.services.leases import lease_converted


@receiver(lease_converted, dispatch_uid="guarantees-end-with-converted-lease")
def end_guarantees_of_converted_lease(sender, *, lease, by, **kwargs):
    services.end_guarantees_with_lease(lease=lease, by=by)
