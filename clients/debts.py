"""Debts: recording schedules and payments, the household's summary, the KMB's debt analysis."""

import datetime
import statistics
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients import schedules
from clients.models import Household
from clients.models.debts import (
    CreditorKind,
    Debt,
    DebtState,
    Payment,
    RepaymentSchedule,
)
from kmb.accounts.models import User
from kmb.lib.money import format_czk

ZERO = Decimal("0")


def terms_of(schedule: RepaymentSchedule) -> schedules.Terms:
    return schedules.Terms(
        total=schedule.total,
        instalment=schedule.instalment,
        first_due=schedule.first_due_on,
        day_of_month=schedule.day_of_month,
    )


def standing_of(schedule: RepaymentSchedule, on: datetime.date | None = None) -> schedules.Standing:
    """The schedule's standing; uses `schedule.payments.all()`, so prefetch them for lists."""
    payments = [(payment.paid_on, payment.amount) for payment in schedule.payments.all()]
    return schedules.standing(terms_of(schedule), payments, on or timezone.localdate())


@transaction.atomic
def agree_schedule(*, schedule: RepaymentSchedule, by: User) -> RepaymentSchedule:
    """Record a repayment schedule for its debt; the debt is then "in a repayment schedule".

    Side effects: the schedule is saved; the debt's state changes (history row written)."""
    debt = schedule.debt
    if not debt.is_outstanding:
        raise ValidationError(_("This debt is no longer owed: there is nothing to repay."))
    if schedule.total and schedule.total > debt.current_amount:
        raise ValidationError(
            {
                "total": _("The schedule cannot repay more than is owed (%(amount)s CZK).")
                % {"amount": format_czk(debt.current_amount)}
            }
        )
    if debt.schedules.running().exists():
        raise ValidationError(_("The debt already has a running schedule; end it first."))
    schedule.full_clean(exclude=["planned_end_on"])
    # The plan ends where its instalments reach, not where somebody thought they would.
    schedule.planned_end_on = schedules.due_dates(terms_of(schedule))[-1]
    schedule.full_clean()
    schedule.save()
    if debt.state == DebtState.OPEN:
        debt.state = DebtState.SCHEDULE
        debt.save(update_fields=["state", "updated_at"])
    return schedule


@transaction.atomic
def record_payment(
    *,
    schedule: RepaymentSchedule,
    paid_on: datetime.date,
    amount: Decimal,
    token: uuid.UUID,
    by: User,
) -> Payment:
    """Record a payment against the schedule. Idempotent on `token`: submitting the same form twice
    records it once.

    Side effects: the payment is saved; the debt's current amount falls by it; when the schedule
    is paid off it ends, and the debt is marked paid when nothing more is owed."""
    existing = Payment.objects.filter(token=token).first()
    if existing:
        return existing
    schedule = (
        RepaymentSchedule.objects.select_for_update().select_related("debt").get(pk=schedule.pk)
    )
    # The same form submitted twice at once: the first has just recorded it under the lock.
    existing = Payment.objects.filter(token=token).first()
    if existing:
        return existing
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be recorded before it is made.")})
    if paid_on < schedule.debt.since:
        raise ValidationError({"paid_on": _("The payment is dated before the debt arose.")})
    # Every payment so far is dated today at the latest.
    remaining = standing_of(schedule).remaining
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("Only %(remaining)s CZK remain to be paid in this schedule.")
                % {"remaining": format_czk(remaining)}
            }
        )
    payment = Payment(
        schedule=schedule, paid_on=paid_on, amount=amount, token=token, recorded_by=by
    )
    payment.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        # The same form submitted twice at once: the other request has recorded it.
        return Payment.objects.get(token=token)
    _apply_payment(schedule, payment, remaining - amount)
    return payment


def _apply_payment(schedule: RepaymentSchedule, payment: Payment, remaining: Decimal) -> None:
    debt = schedule.debt
    debt.current_amount = max(debt.current_amount - payment.amount, ZERO)
    if remaining == ZERO:
        schedule.ended_on = payment.paid_on
        schedule.save(update_fields=["ended_on", "updated_at"])
        # Paid off: the debt is settled, or what the schedule did not cover is open again.
        debt.state = DebtState.PAID if debt.current_amount == ZERO else DebtState.OPEN
    debt.save(update_fields=["current_amount", "state", "updated_at"])


def debts_of(household: Household) -> list[Debt]:
    """The household's debts, each schedule with its `standing` (a constant number of queries)."""
    debts = list(
        Debt.objects.filter(debtor__household=household)
        .select_related("debtor", "creditor_municipality")
        .prefetch_related(
            Prefetch("schedules", queryset=RepaymentSchedule.objects.prefetch_related("payments"))
        )
    )
    for debt in debts:
        for schedule in debt.schedules.all():
            schedule.standing = standing_of(schedule)
    return debts


# --- Summary of a household -------------------------------------------------------------------


@dataclass
class DebtSummary:
    total: Decimal = ZERO
    by_kind: list[tuple[str, Decimal]] = field(default_factory=list)
    by_municipality: list[tuple[str, Decimal]] = field(default_factory=list)
    in_distraint: bool = False
    in_insolvency: bool = False

    def owed_to_municipality(self, name: str) -> Decimal:
        return dict(self.by_municipality).get(name, ZERO)


def household_debt_summary(household: Household) -> DebtSummary:
    """What the household owes now: in total, per kind of creditor and per municipality (the
    figure municipal allocation rules use), and whether any debt is in distraint or insolvency."""
    debts = Debt.objects.filter(debtor__household=household).select_related("creditor_municipality")
    return summarise(list(debts))


def summarise(debts: list[Debt]) -> DebtSummary:
    """The summary of already loaded debts (only the outstanding ones count)."""
    outstanding = [debt for debt in debts if debt.is_outstanding]
    by_kind: dict[str, Decimal] = {}
    by_municipality: dict[str, Decimal] = {}
    for debt in outstanding:
        by_kind[debt.creditor_kind] = by_kind.get(debt.creditor_kind, ZERO) + debt.current_amount
        if debt.creditor_kind == CreditorKind.MUNICIPALITY:
            name = debt.creditor_municipality.name
            by_municipality[name] = by_municipality.get(name, ZERO) + debt.current_amount
    states = {debt.state for debt in outstanding}
    return DebtSummary(
        total=sum(by_kind.values(), ZERO),
        by_kind=[
            (kind.label, by_kind[kind.value]) for kind in CreditorKind if kind.value in by_kind
        ],
        by_municipality=sorted(by_municipality.items()),
        in_distraint=DebtState.DISTRAINT in states,
        in_insolvency=DebtState.INSOLVENCY in states,
    )


# --- Worklist ----------------------------------------------------------------------------------


def schedules_behind(schedules_qs: QuerySet, *, today: datetime.date | None = None) -> list:
    """Running schedules behind by at least one instalment, with their `standing`, worst first."""
    day = today or timezone.localdate()
    running = schedules_qs.running().filter(first_due_on__lte=day).prefetch_related("payments")
    behind = []
    for schedule in running.select_related("debt__debtor", "debt__creditor_municipality"):
        schedule.standing = standing_of(schedule, day)
        if not schedule.standing.on_track:
            behind.append(schedule)
    return sorted(behind, key=lambda schedule: -schedule.standing.arrears)


# --- Analysis for the KMB (seed 002: "how much do people in housing need owe") -----------------


@dataclass
class DebtAnalysis:
    households: int  # households in the analysis
    indebted: int  # of them, with any outstanding debt
    total: Decimal
    median: Decimal | None
    quartiles: tuple[Decimal, Decimal, Decimal] | None
    smallest: Decimal | None
    largest: Decimal | None
    by_kind: list[dict]
    by_age: list[dict]
    in_distraint: int
    in_insolvency: int


AGE_BANDS = [
    (0, 365, gettext_lazy("Up to 1 year")),
    (365, 3 * 365, gettext_lazy("1 to 3 years")),
    (3 * 365, 5 * 365, gettext_lazy("3 to 5 years")),
    (5 * 365, None, gettext_lazy("Over 5 years")),
]


def debt_analysis(households: QuerySet, *, today: datetime.date | None = None) -> DebtAnalysis:
    """The distribution of outstanding debt over `households` (those with no debt count as 0 in
    the household count but not in the distribution of debtors)."""
    day = today or timezone.localdate()
    debts = Debt.objects.outstanding().filter(debtor__household__in=households)
    per_household = sorted(
        debts.values("debtor__household")
        .annotate(amount=Sum("current_amount"))
        .order_by()
        .values_list("amount", flat=True)
    )
    by_kind_rows = debts.values("creditor_kind").annotate(
        amount=Sum("current_amount"),
        debts=Count("pk"),
        households=Count("debtor__household", distinct=True),
    )
    by_kind = {row["creditor_kind"]: row for row in by_kind_rows.order_by()}
    return DebtAnalysis(
        households=households.count(),
        indebted=len(per_household),
        total=sum(per_household, ZERO),
        median=_quantized(statistics.median(per_household)) if per_household else None,
        quartiles=_quartiles(per_household),
        smallest=per_household[0] if per_household else None,
        largest=per_household[-1] if per_household else None,
        by_kind=[
            {"label": kind.label, **by_kind[kind.value]}
            for kind in CreditorKind
            if kind.value in by_kind
        ],
        by_age=_by_age(debts, day),
        in_distraint=debts.filter(state=DebtState.DISTRAINT)
        .values("debtor__household")
        .distinct()
        .count(),
        in_insolvency=debts.filter(state=DebtState.INSOLVENCY)
        .values("debtor__household")
        .distinct()
        .count(),
    )


def _quartiles(amounts: list[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    if len(amounts) < 2:
        return (amounts[0],) * 3 if amounts else None
    return tuple(
        _quantized(value) for value in statistics.quantiles(amounts, n=4, method="inclusive")
    )


def _quantized(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _by_age(debts: QuerySet, day: datetime.date) -> list[dict]:
    bands = []
    for low, high, label in AGE_BANDS:
        newest = day - datetime.timedelta(days=low)
        in_band = debts.filter(since__lte=newest)
        if high is not None:
            in_band = in_band.filter(since__gt=day - datetime.timedelta(days=high))
        totals = in_band.aggregate(amount=Sum("current_amount"), debts=Count("pk"))
        bands.append({"label": label, "amount": totals["amount"] or ZERO, "debts": totals["debts"]})
    return bands
