"""The repayment-schedule arithmetic (clients.schedules): properties over random schedules and
payments, and examples worked out by hand."""

import datetime
import itertools
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clients.schedules import (
    Terms,
    add_months,
    due_dates,
    expected_by,
    instalments_due,
    months_due,
    standing,
)

CENT = Decimal("0.01")
# The properties draw schedules of at most 50 years. A plan of 1,000,000 CZK at 0.01 CZK a month
# has 100,000,000 due dates, the last one past the year 9999 that Python dates reach; see
# test_schedule_create_refuses_a_schedule_of_centuries in test_debts.py.
MAX_INSTALMENTS = 600


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def czk(cents: int) -> Decimal:
    return Decimal(cents) * CENT


def cents(amount: Decimal) -> int:
    return int(amount / CENT)


@st.composite
def schedule_terms(draw) -> Terms:
    total = draw(st.integers(min_value=1, max_value=100_000_000))  # 0.01 – 1,000,000 CZK
    instalment = draw(st.integers(min_value=-(-total // MAX_INSTALMENTS), max_value=total))
    day_of_month = draw(st.integers(min_value=1, max_value=28))
    month = draw(st.dates(min_value=d("2000-01-01"), max_value=d("2040-12-31")))
    return Terms(
        total=czk(total),
        instalment=czk(instalment),
        first_due=month.replace(day=day_of_month),
        day_of_month=day_of_month,
    )


def around(terms: Terms):
    """Days from a year before the first instalment to two years after the planned end."""
    return st.dates(
        min_value=terms.first_due - datetime.timedelta(days=366),
        max_value=due_dates(terms)[-1] + datetime.timedelta(days=731),
    )


@st.composite
def payment_list(draw, terms: Terms) -> list[tuple[datetime.date, Decimal]]:
    """Payments on any days, in any amounts, together never more than the total."""
    left = cents(terms.total)
    payments = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        if left == 0:
            break
        amount = draw(st.integers(min_value=1, max_value=left))
        payments.append((draw(around(terms)), czk(amount)))
        left -= amount
    return payments


@st.composite
def schedule_payments_and_day(draw):
    terms = draw(schedule_terms())
    return terms, draw(payment_list(terms)), draw(around(terms))


def paid_on_time(terms: Terms) -> list[tuple[datetime.date, Decimal]]:
    """Every instalment paid on its due day; the last one is what remains."""
    dates = due_dates(terms)
    last = terms.total - terms.instalment * (len(dates) - 1)
    return [(day, terms.instalment) for day in dates[:-1]] + [(dates[-1], last)]


# 10,000 CZK at 1,500 a month on the 15th from 15 January 2026: ceil(10,000 / 1,500) = ceil(6.67)
# = 7 instalments, six of 1,500 (9,000) and a last one of 1,000 on 15 July 2026.
TEN_THOUSAND = Terms(
    total=Decimal("10000.00"),
    instalment=Decimal("1500.00"),
    first_due=d("2026-01-15"),
    day_of_month=15,
)
LATE_PAYER = [(d("2026-01-15"), Decimal("1500.00")), (d("2026-02-20"), Decimal("1000.00"))]


# --- Properties -----------------------------------------------------------------------------


@given(schedule_payments_and_day())
def test_standing_accounts_for_every_crown(case):
    terms, payments, on = case

    result = standing(terms, payments, on)

    paid_by_then = sum((amount for day, amount in payments if day <= on), Decimal(0))
    assert result.paid == paid_by_then
    assert result.paid + result.remaining == terms.total
    assert result.remaining >= 0
    assert result.arrears >= 0
    assert result.arrears == max(result.expected - result.paid, 0)
    assert 0 <= result.expected <= terms.total
    assert result.is_paid == (result.remaining == 0)
    assert result.planned_end == due_dates(terms)[-1]


@given(schedule_payments_and_day())
def test_standing_counts_whole_instalments_behind(case):
    terms, payments, on = case

    result = standing(terms, payments, on)

    whole_instalments = int(result.arrears // terms.instalment)
    if on < result.planned_end:
        assert result.instalments_behind == whole_instalments
    else:
        # Past the plan, a missed last instalment counts even if it is smaller than the others
        # (test_standing_with_the_short_last_instalment_overdue_is_behind).
        assert result.instalments_behind >= whole_instalments
    assert result.on_track == (result.instalments_behind == 0)


@given(schedule_terms())
def test_due_dates_are_monthly_until_the_total_is_covered(terms):
    dates = due_dates(terms)

    count = -(-cents(terms.total) // cents(terms.instalment))
    assert len(dates) == count == terms.instalment_count
    assert dates[0] == terms.first_due
    assert dates == [add_months(terms.first_due, n, terms.day_of_month) for n in range(count)]
    assert {day.day for day in dates} == {terms.day_of_month}
    assert all(
        (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == 1
        for earlier, later in itertools.pairwise(dates)
    )
    # The last instalment is what remains: above zero, at most a full instalment.
    assert terms.instalment * (count - 1) < terms.total <= terms.instalment * count
    assert dates[-1] == standing(terms, [], terms.first_due).planned_end


@given(st.data())
def test_instalments_due_counts_the_due_dates_so_far_and_only_grows(data):
    terms = data.draw(schedule_terms())
    earlier, later = sorted([data.draw(around(terms)), data.draw(around(terms))])

    assert instalments_due(terms, earlier) == sum(1 for day in due_dates(terms) if day <= earlier)
    assert instalments_due(terms, earlier) <= instalments_due(terms, later)
    assert expected_by(terms, earlier) <= expected_by(terms, later) <= terms.total


@given(st.data())
def test_schedule_paid_on_time_is_on_track_and_ends_as_planned(data):
    terms = data.draw(schedule_terms())
    on = data.draw(around(terms))
    payments = paid_on_time(terms)

    result = standing(terms, payments, on)

    assert result.on_track
    assert result.arrears == 0
    assert result.projected_end == result.planned_end == payments[-1][0]
    assert result.is_paid == (on >= payments[-1][0])


@given(st.data())
def test_schedule_paid_off_at_once_ends_on_the_payment_day(data):
    terms = data.draw(schedule_terms())
    paid_on, on = sorted([data.draw(around(terms)), data.draw(around(terms))])

    result = standing(terms, [(paid_on, terms.total)], on)

    assert (result.is_paid, result.on_track, result.arrears) == (True, True, 0)
    assert result.projected_end == paid_on


@given(schedule_payments_and_day())
# 10,000 CZK at 1,500 a month from 15 January 2026; six instalments paid, the last one (1,000,
# due 15 July) not; on 20 March 2027 the projection says August 2026.
@example((TEN_THOUSAND, paid_on_time(TEN_THOUSAND)[:-1], d("2027-03-20")))
def test_standing_projects_an_unfinished_schedule_to_end_after_the_day(case):
    terms, payments, on = case

    result = standing(terms, payments, on)

    if not result.is_paid and result.projected_end is not None and on >= terms.first_due:
        assert result.projected_end > on


@given(schedule_payments_and_day())
# test_standing_at_a_pace_of_a_third_of_the_plan worked out by hand: 9 months, not 10.
@example(
    (
        Terms(Decimal(6000), Decimal(500), d("2026-01-15"), 15),
        [(d(f"2026-0{month}-15"), Decimal(500)) for month in range(1, 7)],
        d("2026-09-20"),
    )
)
def test_standing_projects_the_months_needed_at_the_pace_exactly(case):
    terms, payments, on = case

    result = standing(terms, payments, on)

    # The pace counts every month since the first due day, past the plan's end too.
    months_running = months_due(terms, on)
    if result.is_paid or months_running == 0 or result.paid == 0:
        return
    months_needed = math.ceil(Fraction(result.remaining) * months_running / Fraction(result.paid))
    next_due = add_months(terms.first_due, months_running, terms.day_of_month)
    end_month = next_due.year * 12 + next_due.month - 1 + months_needed - 1
    if end_month // 12 >= datetime.MAXYEAR - 1:
        # At the edge of the calendar "never" is as good an answer as a date.
        assert result.projected_end is None or result.projected_end.year == end_month // 12
    else:
        assert result.projected_end == add_months(next_due, months_needed - 1, terms.day_of_month)


# --- Worked examples -------------------------------------------------------------------------


def test_due_dates_of_ten_thousand_at_1500_a_month():
    assert due_dates(TEN_THOUSAND) == [
        d("2026-01-15"),
        d("2026-02-15"),
        d("2026-03-15"),
        d("2026-04-15"),
        d("2026-05-15"),
        d("2026-06-15"),
        d("2026-07-15"),
    ]


def test_standing_of_a_late_payer_after_the_third_instalment():
    # On 20 March three instalments are due (15 Jan, 15 Feb, 15 Mar): expected 3 × 1,500 = 4,500.
    # Paid 1,500 + 1,000 = 2,500, so arrears 2,000 = 1 whole instalment (2,000 // 1,500).
    # Pace: 2,500 over the 3 months running = 833.33 a month; the 7,500 left takes
    # 7,500 / 833.33 = 9 months: 15 April … 15 December 2026.
    result = standing(TEN_THOUSAND, LATE_PAYER, d("2026-03-20"))

    assert (
        result.expected,
        result.paid,
        result.remaining,
        result.arrears,
        result.instalments_behind,
        result.on_track,
        result.planned_end,
        result.projected_end,
    ) == (
        Decimal("4500.00"),
        Decimal("2500.00"),
        Decimal("7500.00"),
        Decimal("2000.00"),
        1,
        False,
        d("2026-07-15"),
        d("2026-12-15"),
    )


def test_standing_of_a_late_payer_the_day_before_the_third_instalment():
    # On 14 March two instalments are due: expected 3,000, paid 2,500, arrears 500 – less than
    # an instalment, so on track. Pace: 2,500 over 2 months = 1,250 a month; 7,500 / 1,250 =
    # 6 months from the next due day: 15 March … 15 August 2026, a month after the plan.
    result = standing(TEN_THOUSAND, LATE_PAYER, d("2026-03-14"))

    assert (
        result.expected,
        result.arrears,
        result.instalments_behind,
        result.on_track,
        result.projected_end,
    ) == (Decimal("3000.00"), Decimal("500.00"), 0, True, d("2026-08-15"))


def test_standing_counts_payments_made_by_the_day_only():
    # On 1 February only the January payment counts: due 1 × 1,500, paid 1,500. Pace 1,500 a
    # month, 8,500 left: ceil(5.67) = 6 months from 15 February, i.e. 15 July – the plan.
    result = standing(TEN_THOUSAND, LATE_PAYER, d("2026-02-01"))

    assert (result.paid, result.arrears, result.on_track, result.projected_end) == (
        Decimal("1500.00"),
        Decimal("0.00"),
        True,
        d("2026-07-15"),
    )


def test_standing_before_the_first_instalment_expects_nothing_and_keeps_the_plan():
    result = standing(TEN_THOUSAND, [], d("2026-01-14"))

    assert (result.expected, result.arrears, result.on_track, result.projected_end) == (
        Decimal("0"),
        Decimal("0"),
        True,
        d("2026-07-15"),
    )


def test_standing_without_any_payment_never_ends():
    # On 20 March: expected 4,500, nothing paid: 4,500 // 1,500 = 3 instalments behind.
    result = standing(TEN_THOUSAND, [], d("2026-03-20"))

    assert (result.arrears, result.instalments_behind, result.projected_end) == (
        Decimal("4500.00"),
        3,
        None,
    )


def test_standing_past_the_plan_expects_the_total_not_seven_full_instalments():
    # 7 × 1,500 = 10,500 is more than the total: on 1 January 2027 the expectation is 10,000.
    # Arrears 10,000 − 2,500 = 7,500 = 5 instalments.
    result = standing(TEN_THOUSAND, LATE_PAYER, d("2027-01-01"))

    assert (result.expected, result.arrears, result.instalments_behind) == (
        Decimal("10000.00"),
        Decimal("7500.00"),
        5,
    )


def test_standing_paid_on_time_ends_on_the_last_instalment():
    result = standing(TEN_THOUSAND, paid_on_time(TEN_THOUSAND), d("2026-12-31"))

    assert paid_on_time(TEN_THOUSAND)[-1] == (d("2026-07-15"), Decimal("1000.00"))
    assert (result.paid, result.remaining, result.is_paid, result.on_track) == (
        Decimal("10000.00"),
        Decimal("0.00"),
        True,
        True,
    )
    assert result.projected_end == d("2026-07-15")


def test_standing_at_a_pace_of_a_third_of_the_plan():
    # 6,000 CZK at 500 a month from 15 January 2026 (12 instalments, planned end 15 December).
    # Paid 500 on 15 January … 15 June = 3,000. On 20 September 9 instalments are due: expected
    # 4,500, arrears 1,500 = 3 instalments. Pace 3,000 / 9 = 333.33 a month; the 3,000 left takes
    # exactly 3,000 × 9 / 3,000 = 9 months: 15 October 2026 … 15 June 2027.
    terms = Terms(Decimal("6000.00"), Decimal("500.00"), d("2026-01-15"), 15)
    payments = [(d(f"2026-0{month}-15"), Decimal("500.00")) for month in range(1, 7)]

    result = standing(terms, payments, d("2026-09-20"))

    assert (result.arrears, result.instalments_behind, result.planned_end) == (
        Decimal("1500.00"),
        3,
        d("2026-12-15"),
    )
    assert result.projected_end == d("2027-06-15")


def test_standing_with_the_short_last_instalment_overdue_is_behind():
    # Six instalments of 1,500 paid on time; the last one, 1,000 due 15 July 2026, never came.
    # On 20 March 2027 the plan is eight months over and 1,000 is overdue: one instalment behind.
    result = standing(TEN_THOUSAND, paid_on_time(TEN_THOUSAND)[:-1], d("2027-03-20"))

    assert result.arrears == Decimal("1000.00")
    assert (result.instalments_behind, result.on_track) == (1, False)


def test_standing_after_a_tiny_payment_never_ends():
    # 10,000 CZK at 1,000 a month, 1 CZK paid; asked (as record_payment asks) on the last day
    # Python knows: all 10 instalments due, pace 0.10 CZK a month, 9,999 CZK left = 99,990 months
    # from 15 November 2026: the year 10359.
    terms = Terms(Decimal("10000.00"), Decimal("1000.00"), d("2026-02-15"), 15)

    result = standing(terms, [(d("2026-02-15"), Decimal("1.00"))], datetime.date.max)

    assert (result.remaining, result.projected_end) == (Decimal("9999.00"), None)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param("2026-01-15", 0, "2026-01-15", id="same-month"),
        pytest.param("2026-11-15", 2, "2027-01-15", id="over-the-new-year"),
        pytest.param("2026-01-31", 1, "2026-02-28", id="day-28-in-february"),
        pytest.param("2026-03-15", -3, "2025-12-15", id="backwards"),
        pytest.param("2026-01-15", 120, "2036-01-15", id="ten-years"),
    ],
)
def test_add_months_keeps_the_day_of_the_month(day, months, expected):
    day_of_month = d(expected).day

    assert add_months(d(day), months, day_of_month) == d(expected)
