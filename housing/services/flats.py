"""State changes of flats: adding one to the inventory, editing it, moving it between statuses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from housing.models import Flat, FlatStatus, FlatStatusChange
from kmb.accounts.models import User


def record_initial_status(*, flat: Flat, by: User, note: str = "") -> FlatStatusChange:
    """Open the flat's status history with the status it entered the inventory in (from the form
    or an import), so that the history always says since when a flat is free, let..."""
    return FlatStatusChange.objects.create(
        flat=flat, from_status="", to_status=flat.status, by=by, note=note
    )


@transaction.atomic
def create_flat(*, flat: Flat, by: User) -> Flat:
    """Add the flat to the inventory. Side effect: the first FlatStatusChange."""
    flat._history_user = by
    flat.full_clean()
    flat.save()
    record_initial_status(flat=flat, by=by)
    return flat


@transaction.atomic
def update_flat(*, flat: Flat, by: User) -> Flat:
    """Save edits of the flat's particulars. Its status changes only by change_flat_status, so that
    the status history stays complete."""
    flat._history_user = by
    flat.full_clean()
    flat.save()
    return flat


@transaction.atomic
def change_flat_status(
    *, flat: Flat, to: FlatStatus | str, by: User | None, note: str = ""
) -> Flat:
    """Move the flat to another status. Side effect: a FlatStatusChange with who (None: a periodic
    job), when and why."""
    if to == flat.status:
        raise ValidationError(
            {"status": _("The flat is already “%(status)s”.") % {"status": FlatStatus(to).label}}
        )
    previous = flat.status
    flat.status = to
    flat._history_user = by
    flat.full_clean()
    flat.save(update_fields=["status", "updated_at"])
    FlatStatusChange.objects.create(flat=flat, from_status=previous, to_status=to, by=by, note=note)
    return flat
