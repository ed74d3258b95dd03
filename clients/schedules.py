"""Repayment-schedule arithmetic: plain dates and Decimals, no database.

A schedule asks for `instalment` CZK every month on `day_of_month`, from `first_due`, until `total`
is paid; the last instalment is whatever remains. Payments may come on any day and in any amount.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Terms:
    total: Decimal
    instalment: Decimal
    first_due: datetime.date
    day_of_month: int

    @property
    def instalment_count(self) -> int:
        return math.ceil(self.total / self.instalment)


@dataclass(frozen=True)
class Standing:
    """Where a schedule stands on a day."""

    total: Decimal
    paid: Decimal
    remaining: Decimal
    expected: Decimal  # what should have been paid by the day
    arrears: Decimal  # expected but not paid
    instalments_behind: int  # whole instalments of arrears
    planned_end: datetime.date  # the last instalment of the plan
    projected_end: datetime.date | None  # at the pace paid so far; None: it will never end

    @property
    def is_paid(self) -> bool:
        return self.remaining == ZERO

    @property
    def on_track(self) -> bool:
        return self.instalments_behind == 0


def add_months(day: datetime.date, months: int, day_of_month: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 + months
    return datetime.date(month_index // 12, month_index % 12 + 1, day_of_month)


def due_dates(terms: Terms) -> list[datetime.date]:
    return [
        add_months(terms.first_due, n, terms.day_of_month) for n in range(terms.instalment_count)
    ]


# Longer plans are not a plan (and would run past the calendar): 50 years of monthly instalments.
MAX_INSTALMENTS = 600


def months_due(terms: Terms, on: datetime.date) -> int:
    """How many of the schedule's due days have passed by `on`, counting past the plan's end."""
    if on < terms.first_due:
        return 0
    months = (on.year - terms.first_due.year) * 12 + on.month - terms.first_due.month
    return months + (1 if on.day >= terms.day_of_month else 0)


def instalments_due(terms: Terms, on: datetime.date) -> int:
    """How many instalments have fallen due on or before `on`."""
    return min(months_due(terms, on), terms.instalment_count)


def expected_by(terms: Terms, on: datetime.date) -> Decimal:
    return min(terms.instalment * instalments_due(terms, on), terms.total)


def standing(
    terms: Terms, payments: list[tuple[datetime.date, Decimal]], on: datetime.date
) -> Standing:
    """The schedule on day `on`, counting the payments made on or before it."""
    paid = min(sum((amount for day, amount in payments if day <= on), ZERO), terms.total)
    expected = expected_by(terms, on)
    arrears = max(expected - paid, ZERO)
    remaining = terms.total - paid
    behind = int(arrears // terms.instalment)
    if arrears and instalments_due(terms, on) == terms.instalment_count:
        # The last instalment is smaller than the others: missing it still means behind.
        behind = max(behind, 1)
    return Standing(
        total=terms.total,
        paid=paid,
        remaining=remaining,
        expected=expected,
        arrears=arrears,
        instalments_behind=behind,
        planned_end=due_dates(terms)[-1],
        projected_end=_projected_end(terms, payments, paid, remaining, on),
    )


def _projected_end(terms, payments, paid, remaining, on) -> datetime.date | None:
    if remaining == ZERO:
        return max(day for day, _ in payments if day <= on)
    months_running = months_due(terms, on)  # past the plan's end too: a late payer is slower
    if months_running == 0:
        return due_dates(terms)[-1]  # nothing due yet: the plan itself
    if paid == ZERO or terms.first_due.year + months_running // 12 + 1 >= datetime.MAXYEAR:
        return None
    # At the pace paid / months_running, without rounding the pace.
    months_needed = math.ceil(remaining * months_running / paid)
    next_due = add_months(terms.first_due, months_running, terms.day_of_month)
    if next_due.year + (months_needed - 1) // 12 + 1 > datetime.MAXYEAR:
        return None  # so slow that it ends beyond the calendar: never, in practice
    return add_months(next_due, months_needed - 1, terms.day_of_month)
