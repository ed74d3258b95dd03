"""State changes of guarantees, their funds and claims. Views call these; each validates before it
saves. The two sums that must never break: a fund never pays out more than it holds, and a
guarantee's claims never take more than its cap."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from guarantees.models import Claim, FundMovement, Guarantee, GuaranteeFund
from housing.models import Lease
from kmb.accounts.models import User
from kmb.lib.dates import format_day
from kmb.lib.money import ZERO, format_czk

# --- Reads ---------------------------------------------------------------------------------


def with_balances(funds: QuerySet[GuaranteeFund]) -> QuerySet[GuaranteeFund]:
    """`contributed`, `paid_out` and `current_balance` of each fund, in the one listing query."""
    money = DecimalField(max_digits=14, decimal_places=2)
    zero = Value(ZERO, output_field=money)
    return funds.annotate(
        contributed=Coalesce(
            Sum("movements__amount", filter=Q(movements__kind=FundMovement.Kind.CONTRIBUTION)),
            zero,
            output_field=money,
        ),
        paid_out=Coalesce(
            Sum("movements__amount", filter=Q(movements__kind=FundMovement.Kind.PAYOUT)),
            zero,
            output_field=money,
        ),
    ).annotate(
        current_balance=ExpressionWrapper(F("contributed") - F("paid_out"), output_field=money)
    )


# --- Funds ---------------------------------------------------------------------------------


@transaction.atomic
def contribute(
    *,
    fund: GuaranteeFund,
    amount: Decimal,
    on: datetime.date,
    note: str,
    by: User,
    token: uuid.UUID | None = None,
) -> FundMovement:
    """Put money into the fund (the municipality's budget allocation, a grant). Idempotent on
    `token`: the same form submitted twice records the contribution once.

    Side effects: a contribution movement is saved; the fund's balance rises by `amount`."""
    if token and (existing := FundMovement.objects.filter(token=token).first()):
        return existing
    if on and on > timezone.localdate():
        raise ValidationError({"on": _("Record a contribution once the money has arrived.")})
    movement = FundMovement(
        fund=fund,
        kind=FundMovement.Kind.CONTRIBUTION,
        amount=amount,
        on=on,
        note=note,
        recorded_by=by,
        token=token,
    )
    movement.full_clean(validate_unique=False)
    return _save_once(movement, FundMovement)


# --- Guarantees ----------------------------------------------------------------------------


@transaction.atomic
def issue_guarantee(*, guarantee: Guarantee, by: User) -> Guarantee:
    """Record a guarantee on its lease. Its period must lie within the lease; a municipality's
    guarantee is capped at 4 × the flat's maximum permissible rent (Guarantee.clean).

    Side effects: the guarantee is saved (history row written)."""
    _check_within_lease(guarantee)
    _check_fund_covers_the_flat(guarantee)
    guarantee.full_clean()
    guarantee.save()
    return guarantee


def _check_fund_covers_the_flat(guarantee: Guarantee) -> None:
    """A fund pays for the flats of its municipality, or of its ORP."""
    municipality = guarantee.lease.flat.municipality
    fund = guarantee.fund
    if fund.municipality_id not in (None, municipality.pk) or fund.orp_id not in (
        None,
        municipality.orp_id,
    ):
        raise ValidationError(
            {"fund": _("This fund does not pay guarantees in %(name)s.") % {"name": municipality}}
        )


@transaction.atomic
def amend_guarantee(*, guarantee: Guarantee, by: User) -> Guarantee:
    """Save changed terms of a guarantee. The cap cannot fall below what its claims have already
    taken, and the period must still cover the date of every claim made under it.

    Side effects: the guarantee is saved (history row written). Locks the guarantee's row so that
    no claim is decided meanwhile."""
    # Only the lock is wanted: `guarantee` carries the edited terms.
    Guarantee.objects.select_for_update().get(pk=guarantee.pk)
    _check_within_lease(guarantee)
    guarantee.full_clean()
    committed = guarantee.committed()
    if guarantee.cap is not None and guarantee.cap < committed:
        raise ValidationError(
            {
                "cap": _("The claims already take %(committed)s CZK; the cap cannot be lower.")
                % {"committed": format_czk(committed)}
            }
        )
    outside = guarantee.claims.exclude(
        claimed_on__range=(guarantee.valid_from, guarantee.valid_until)
    )
    if outside.exists():
        raise ValidationError(
            _("A claim was made on a day outside this period; the period must include it.")
        )
    guarantee.save()
    return guarantee


@transaction.atomic
def end_guarantees_with_lease(*, lease: Lease, by: User) -> list[Guarantee]:
    """End the guarantees of `lease` that run past its end (ended_on): a lease converted to a
    standard one takes its guarantees with it, the standard lease starts without any. Refused if
    such a guarantee starts after the lease's end or has a claim dated after it.

    Side effects: each such guarantee is valid until the lease's last day (history row by `by`).
    Locks the guarantees' rows so that no claim is submitted meanwhile. Returns them."""
    last_day = lease.ended_on
    guarantees = list(
        lease.guarantees.select_for_update().filter(valid_until__gt=last_day).order_by("pk")
    )
    for guarantee in guarantees:
        _check_may_end(guarantee, last_day)
        guarantee.valid_until = last_day
        guarantee._history_user = by
        # Only the end moves, checked above. No full_clean(): it would test the cap against the
        # flat's maximum permissible rent, which the conversion has just removed.
        guarantee.save(update_fields=["valid_until", "updated_at"])
    return guarantees


def _check_may_end(guarantee: Guarantee, last_day: datetime.date) -> None:
    if guarantee.valid_from > last_day:
        raise ValidationError(
            _(
                "A guarantee of this lease starts on %(date)s, after the lease ends: change the "
                "guarantee's period first."
            )
            % {"date": format_day(guarantee.valid_from)}
        )
    late_claim = guarantee.claims.filter(claimed_on__gt=last_day).order_by("claimed_on").first()
    if late_claim:
        raise ValidationError(
            _(
                "A claim under a guarantee of this lease is dated %(date)s, after the lease "
                "ends: the guarantee cannot end before that day."
            )
            % {"date": format_day(late_claim.claimed_on)}
        )


def _check_within_lease(guarantee: Guarantee) -> None:
    lease = guarantee.lease
    errors = {}
    if guarantee.valid_from and guarantee.valid_from < lease.start_on:
        errors["valid_from"] = _("The guarantee cannot start before the lease (%(date)s).") % {
            "date": format_day(lease.start_on)
        }
    last_day = lease.last_day
    if guarantee.valid_until and last_day and guarantee.valid_until > last_day:
        errors["valid_until"] = _("The guarantee cannot last beyond the lease (%(date)s).") % {
            "date": format_day(last_day)
        }
    if errors:
        raise ValidationError(errors)


# --- Claims --------------------------------------------------------------------------------


@transaction.atomic
def submit_claim(*, claim: Claim, by: User) -> Claim:
    """Record the landlord's claim under its guarantee. Refused when the guarantee does not cover
    this kind of claim, was not valid on the day of the claim, or has less left of its cap than
    is claimed.

    Side effects: the claim is saved as submitted; its amount counts against the guarantee's cap
    until it is decided. Locks the guarantee's row so that two claims cannot share what is left.
    Idempotent on `claim.token`: the same form submitted twice records one claim."""
    guarantee = Guarantee.objects.select_for_update().get(pk=claim.guarantee_id)
    if claim.token and (existing := Claim.objects.filter(token=claim.token).first()):
        return existing
    claim.guarantee = guarantee
    claim.state = Claim.State.SUBMITTED
    claim.amount_approved = None
    claim.paid_on = None
    claim.full_clean()
    if claim.kind == Claim.Kind.RENT_ARREARS and not guarantee.covers_rent:
        raise ValidationError({"kind": _("This guarantee does not cover rent arrears.")})
    if claim.kind == Claim.Kind.DAMAGE and not guarantee.covers_damage:
        raise ValidationError({"kind": _("This guarantee does not cover damage to the flat.")})
    if claim.claimed_on > timezone.localdate():
        raise ValidationError({"claimed_on": _("A claim cannot be dated in the future.")})
    if not guarantee.valid_from <= claim.claimed_on <= guarantee.valid_until:
        raise ValidationError(
            {
                "claimed_on": _(
                    "The guarantee was valid from %(start)s to %(end)s, not on this day."
                )
                % {
                    "start": format_day(guarantee.valid_from),
                    "end": format_day(guarantee.valid_until),
                }
            }
        )
    _check_fits_cap(guarantee, claim.amount_claimed, field="amount_claimed")
    return _save_once(claim, Claim)


@transaction.atomic
def decide_claim(
    *, claim: Claim, approve: bool, amount_approved: Decimal | None, note: str, by: User
) -> Claim:
    """Approve the claim for `amount_approved` (at most the amount claimed and what is left of the
    cap besides this claim), or reject it. `note` replaces the claim's note.

    Side effects: the claim's state, approved amount and note are saved (history row written); an
    approved claim takes its approved amount of the cap, a rejected one frees what it took. Locks
    the guarantee's row."""
    guarantee = Guarantee.objects.select_for_update().get(pk=claim.guarantee_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != Claim.State.SUBMITTED:
        raise ValidationError(_("This claim has already been decided."))
    claim.note = note
    if approve:
        if amount_approved is None:
            raise ValidationError({"amount_approved": _("Enter the amount approved.")})
        if amount_approved > claim.amount_claimed:
            raise ValidationError(
                {"amount_approved": _("The approved amount cannot exceed the amount claimed.")}
            )
        _check_fits_cap(guarantee, amount_approved, field="amount_approved", besides=claim)
        claim.state, claim.amount_approved = Claim.State.APPROVED, amount_approved
    else:
        claim.state, claim.amount_approved = Claim.State.REJECTED, None
    claim.full_clean()
    claim.save()
    return claim


def _check_fits_cap(
    guarantee: Guarantee, amount: Decimal, *, field: str, besides: Claim | None = None
) -> None:
    """Refuse `amount` if the cap, less what the other claims take, does not hold it."""
    others = guarantee.claims.exclude(state=Claim.State.REJECTED)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    taken = (
        others.aggregate(total=Sum(Coalesce("amount_approved", "amount_claimed")))["total"] or ZERO
    )
    remaining = guarantee.cap - taken
    if amount > remaining:
        raise ValidationError(
            {
                field: _("Only %(remaining)s CZK remain of the guarantee's cap of %(cap)s CZK.")
                % {"remaining": format_czk(remaining), "cap": format_czk(guarantee.cap)}
            }
        )


@transaction.atomic
def pay_claim(*, claim: Claim, paid_on: datetime.date, by: User) -> Claim:
    """Pay an approved claim from the guarantee's fund. Refused when the fund holds less than the
    approved amount: a fund never goes below zero.

    Side effects: a payout movement linked to the claim is saved (the fund's balance falls by the
    approved amount); the claim becomes paid on `paid_on`. Locks the fund's row so that two
    payouts cannot both spend the same money."""
    # Only the claim's row (not its guarantee's): locks are taken guarantee → claim → fund.
    claims = Claim.objects.select_for_update(of=("self",)).select_related("guarantee")
    claim = claims.get(pk=claim.pk)
    fund = GuaranteeFund.objects.select_for_update().get(pk=claim.guarantee.fund_id)
    if claim.state != Claim.State.APPROVED:
        raise ValidationError(_("Only an approved claim can be paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Record the payment once it has been made.")})
    if paid_on < claim.claimed_on:
        raise ValidationError({"paid_on": _("A claim cannot be paid before it was made.")})
    balance = fund.balance()
    if claim.amount_approved > balance:
        raise ValidationError(
            _("The fund %(fund)s holds %(balance)s CZK: not enough to pay %(amount)s CZK.")
            % {
                "fund": fund,
                "balance": format_czk(balance),
                "amount": format_czk(claim.amount_approved),
            }
        )
    payout = FundMovement(
        fund=fund,
        kind=FundMovement.Kind.PAYOUT,
        amount=claim.amount_approved,
        on=paid_on,
        claim=claim,
        note=str(claim)[:250],
        recorded_by=by,
    )
    payout.full_clean()
    payout.save()
    claim.state, claim.paid_on = Claim.State.PAID, paid_on
    claim.full_clean()
    claim.save()
    return claim


def _save_once(record, model):
    """Save a record carrying a one-time token; if a twin request saved it first, return that."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        if record.token and (existing := model.objects.filter(token=record.token).first()):
            return existing
        raise
    return record
