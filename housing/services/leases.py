"""State changes of leases: signing, extending, ending, converting, and tenancy events."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Case, CaseStatus
from clients.services import change_status
from housing.models import (
    Flat,
    FlatStatus,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    LeaseKind,
    Program,
    TenancyEvent,
)
from housing.services.flats import change_flat_status, update_flat
from kmb.accounts.models import User
from kmb.lib.dates import format_day

# Sent by convert_to_standard_lease with `lease` (the old lease, now ended), `standard` (the lease
# that continues it) and `by`, inside the conversion's transaction. Apps that housing may not
# import act on it (guarantees end the old lease's guarantees); a receiver's refusal
# (ValidationError) undoes the conversion.
lease_converted = Signal()


def held_message(proposal) -> str:
    return _(
        "The flat is held for household %(code)s (proposal “%(status)s”): withdraw or decline "
        "that proposal on its page first."
    ) % {"code": proposal.application.pseudonym, "status": proposal.get_status_display()}


@transaction.atomic
def sign_lease(*, lease: Lease, by: User) -> Lease:
    """Save a newly signed lease of `lease.flat` to `lease.household`. Refused if it overlaps
    another lease of the flat or the flat is under repair or withdrawn. Side effect: the flat
    becomes let (with a status change entry)."""
    # One signing at a time per flat: the overlap check below then sees every other lease.
    flat = Flat.objects.select_for_update().get(pk=lease.flat_id)
    if flat.status in (FlatStatus.UNDER_REPAIR, FlatStatus.WITHDRAWN):
        raise ValidationError(
            _("The flat is “%(status)s”: it cannot be let now.")
            % {"status": flat.get_status_display()}
        )
    held = flat.proposals.holding().exclude(application__household_id=lease.household_id).first()
    if held is not None:
        raise ValidationError(held_message(held))
    lease.flat = flat
    lease._history_user = by
    lease.full_clean()
    _save(lease)
    if lease.flat.status != FlatStatus.LET:
        change_flat_status(flat=lease.flat, to=FlatStatus.LET, by=by, note=str(lease)[:250])
    return lease


@transaction.atomic
def extend_lease(*, lease: Lease, new_end_on: datetime.date, by: User) -> LeaseExtension:
    """Move the agreed end of the lease to `new_end_on`. Refused if the lease has ended, is
    indefinite, the new end is not later, or the longer lease would meet the next one.
    Side effect: a LeaseExtension row that keeps the previous end."""
    if lease.ended_on:
        raise ValidationError(_("An ended lease cannot be extended."))
    if lease.end_on is None:
        raise ValidationError(_("The lease is indefinite: there is no end to extend."))
    if new_end_on <= lease.end_on:
        raise ValidationError(
            {
                "new_end_on": _("The new end must be after the current end (%(end)s).")
                % {"end": format_day(lease.end_on)}
            }
        )
    previous_end_on = lease.end_on
    lease.end_on = new_end_on
    lease._history_user = by
    _clean_as(lease, {"start_on": "new_end_on", "end_on": "new_end_on"})
    _save(lease, field="new_end_on")
    extension = LeaseExtension(
        lease=lease, previous_end_on=previous_end_on, new_end_on=new_end_on, by=by
    )
    extension.full_clean()
    extension.save()
    return extension


@transaction.atomic
def end_lease(
    *, lease: Lease, ended_on: datetime.date, reason: LeaseEndReason | str, by: User
) -> Lease:
    """Record that the lease ended on `ended_on` and how. Side effect: the flat becomes free,
    unless another of its leases runs on or is signed to start later."""
    if lease.ended_on:
        raise ValidationError(_("This lease has already ended."))
    lease.ended_on = ended_on
    lease.end_reason = reason
    lease._history_user = by
    _clean_as(lease, {"start_on": "ended_on"})
    lease.save()
    _free_flat_unless_let(lease=lease, by=by)
    return lease


def _free_flat_unless_let(*, lease: Lease, by: User) -> None:
    if lease.ended_on > timezone.localdate():
        return  # the household still lives there until the lease ends
    flat = lease.flat
    others = Lease.objects.overlapping(
        flat_id=flat.pk, start_on=timezone.localdate(), last_day=None
    ).exclude(pk=lease.pk)
    if flat.status == FlatStatus.LET and not others.exists():
        change_flat_status(flat=flat, to=FlatStatus.FREE, by=by, note=str(lease)[:250])


@transaction.atomic
def free_lapsed_flats() -> list[Flat]:
    """Free the let flats whose every lease ended before today. end_lease keeps a flat let while
    its household lives there, up to an end recorded ahead of time; this frees the flat once that
    day has passed. Run daily (`manage.py free_lapsed_flats`); a second run frees nothing more.

    Side effects: each such flat becomes free, with a status change entry by nobody (the job)
    that names the lease that ended, and a history row. Returns the flats it freed."""
    candidates = list(Flat.objects.lapsed().values_list("pk", flat=True))
    # Lock, then read again: a lease signed meanwhile (sign_lease locks the flat) keeps it let.
    list(Flat.objects.select_for_update().filter(pk__in=candidates).values_list("pk"))
    freed = list(Flat.objects.lapsed().filter(pk__in=candidates).order_by("pk"))
    for flat in freed:
        last = flat.leases.order_by("-ended_on", "-pk").first()
        change_flat_status(flat=flat, to=FlatStatus.FREE, by=None, note=str(last)[:250])
    return freed


@transaction.atomic
def record_tenancy_event(
    *, lease: Lease, event: TenancyEvent, open_prevention: bool, by: User
) -> TenancyEvent:
    """Record what happened in the tenancy (arrears warning, notice, lawsuit...). With
    `open_prevention`, the household's open case moves to prevention (a case already in
    prevention stays there) and the event keeps a link to it; refused, with nothing saved, if
    the household has no open case or the case cannot move to prevention from its status."""
    event.lease = lease
    event.recorded_by = by
    event._history_user = by
    event.full_clean()
    if open_prevention:
        event.prevention_case = _move_to_prevention(lease=lease, event=event, by=by)
    event.save()
    return event


def _move_to_prevention(*, lease: Lease, event: TenancyEvent, by: User) -> Case:
    case = (
        Case.objects.filter(household_id=lease.household_id)
        .open()
        .order_by("-opened_on", "-pk")
        .first()
    )
    if case is None:
        raise ValidationError(
            {"open_prevention": _("The household has no open case to move to prevention.")}
        )
    if case.status == CaseStatus.PREVENTION:
        return case
    try:
        return change_status(
            case=case,
            to=CaseStatus.PREVENTION,
            by=by,
            note=_("Tenancy event: %(event)s") % {"event": event},
        )
    except ValidationError as error:
        raise ValidationError({"open_prevention": error.messages}) from error


@transaction.atomic
def convert_to_standard_lease(
    *, lease: Lease, on: datetime.date, new_rent: Decimal, by: User
) -> Lease:
    """Brno's transition: when support is no longer needed, the social flat becomes a standard
    municipal flat let to the same household. The lease ends the day before `on` (moved to a
    standard lease); a new indefinite lease from `on` at `new_rent` continues it, with the same
    deposit and notarial clause. The flat's program becomes standard municipal. The old lease,
    its events and the link between the two stay as the household's history. Side effect:
    `lease_converted` is sent (guarantees end the old lease's guarantees on its last day)."""
    if lease.ended_on:
        raise ValidationError(_("An ended lease cannot be converted."))
    flat = lease.flat
    if flat.program == Program.STANDARD_MUNICIPAL:
        raise ValidationError(_("The flat is already a standard municipal flat."))
    if lease.end_on and on > lease.end_on + datetime.timedelta(days=1):
        raise ValidationError(
            {
                "on": _("The lease ends on %(date)s: convert it by the next day at the latest.")
                % {"date": format_day(lease.end_on)}
            }
        )
    lease.ended_on = on - datetime.timedelta(days=1)
    lease.end_reason = LeaseEndReason.STANDARD_LEASE
    lease._history_user = by
    _clean_as(lease, {"start_on": "on", "ended_on": "on"})
    lease.save()
    standard = Lease(
        flat=flat,
        household_id=lease.household_id,
        kind=LeaseKind.LEASE,
        start_on=on,
        end_on=None,
        rent=new_rent,
        deposit=lease.deposit,
        notarial_clause=lease.notarial_clause,
        continues=lease,
    )
    standard._history_user = by
    _clean_as(standard, {"start_on": "on", "rent": "new_rent", "deposit": "new_rent"})
    _save(standard, field="on")
    # A standard municipal flat at the standard rent: the supported-housing ceiling is gone.
    flat.program = Program.STANDARD_MUNICIPAL
    flat.rent = new_rent
    flat.max_permissible_rent = None
    update_flat(flat=flat, by=by)
    lease_converted.send(sender=Lease, lease=lease, standard=standard, by=by)
    return standard


def _save(lease: Lease, *, field: str = "start_on") -> None:
    """Save, turning the database's refusal of an overlap (PostgreSQL's exclusion constraint,
    met when two requests race) into the same message the validation gives."""
    try:
        with transaction.atomic():
            lease.save()
    except IntegrityError as error:
        raise ValidationError({field: _("The flat is already let in this period.")}) from error


def _clean_as(lease: Lease, names: dict[str, str]) -> None:
    """full_clean(), reporting an error on a lease field under the name the caller's form uses
    (an overlap found on `start_on` is the new end's fault when extending)."""
    try:
        lease.full_clean()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list[str]] = {}
        for field, messages in error.message_dict.items():
            renamed.setdefault(names.get(field, field), []).extend(messages)
        raise ValidationError(renamed) from error
