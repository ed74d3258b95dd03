"""The agreed support intensity against the support logged: the arithmetic, its edges and its
properties."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from providers.intensity import Week, hours, measure, minutes_a_week, weeks_before

# A Thursday; the four full weeks before its week start on Mondays 2, 9, 16 and 23 March 2026.
TODAY = datetime.date(2026, 4, 2)
MONDAYS = [datetime.date(2026, 3, d) for d in (2, 9, 16, 23)]


def test_weeks_before_are_the_full_weeks_before_the_current_one():
    assert weeks_before(TODAY) == MONDAYS
    # On a Monday the week that has just begun is not counted either.
    assert weeks_before(datetime.date(2026, 3, 30)) == MONDAYS


def test_weeks_before_on_a_monday_and_a_sunday():
    assert weeks_before(datetime.date(2026, 3, 30), 1) == [datetime.date(2026, 3, 23)]
    assert weeks_before(datetime.date(2026, 3, 29), 1) == [datetime.date(2026, 3, 16)]


def test_weeks_before_crosses_the_turn_of_the_year_by_iso_weeks():
    mondays = weeks_before(datetime.date(2026, 1, 7))

    assert mondays == [
        datetime.date(2025, 12, 8),
        datetime.date(2025, 12, 15),
        datetime.date(2025, 12, 22),
        datetime.date(2025, 12, 29),
    ]
    assert [monday.isocalendar().week for monday in mondays] == [50, 51, 52, 1]


def test_two_hours_a_week_against_the_visits_of_each_week():
    visits = [
        (datetime.date(2026, 3, 3), 60),
        (datetime.date(2026, 3, 5), 60),  # week 1: 120
        (datetime.date(2026, 3, 10), 90),  # week 2: 90
        (datetime.date(2026, 3, 22), 150),  # week 3 (its Sunday): 150
        (datetime.date(2026, 3, 1), 600),  # before the period
        (datetime.date(2026, 3, 30), 600),  # this week, not yet full
    ]

    result = measure(
        hours_per_week=Decimal("2.0"),
        starts_on=datetime.date(2026, 1, 1),
        visits=visits,
        today=TODAY,
    )

    assert result.weeks == [
        Week(MONDAYS[0], 120, 120),
        Week(MONDAYS[1], 120, 90),
        Week(MONDAYS[2], 120, 150),
        Week(MONDAYS[3], 120, 0),
    ]
    assert [week.number for week in result.weeks] == [10, 11, 12, 13]
    assert [week.is_below for week in result.weeks] == [False, True, False, True]
    assert (result.agreed_minutes, result.logged_minutes) == (480, 360)
    assert (result.agreed_hours, result.logged_hours) == (Decimal("8.0"), Decimal("6.0"))
    assert result.is_below
    assert result.share == 75
    assert result.since == MONDAYS[0]


def test_a_plan_agreed_mid_period_counts_only_its_full_weeks():
    # Agreed on Wednesday 11 March: its first full week begins on 16 March.
    visits = [(datetime.date(2026, 3, 12), 300), (datetime.date(2026, 3, 17), 120)]

    result = measure(
        hours_per_week=Decimal("2"),
        starts_on=datetime.date(2026, 3, 11),
        visits=visits,
        today=TODAY,
    )

    assert [week.monday for week in result.weeks] == MONDAYS[2:]
    assert (result.agreed_minutes, result.logged_minutes) == (240, 120)
    assert result.is_below


def test_a_plan_agreed_on_a_monday_counts_that_week():
    result = measure(
        hours_per_week=Decimal("1"), starts_on=MONDAYS[3], visits=[(MONDAYS[3], 60)], today=TODAY
    )

    assert result.weeks == [Week(MONDAYS[3], 60, 60)]
    assert not result.is_below


def test_an_ended_plan_counts_the_weeks_up_to_its_last_full_one():
    # Ended on Thursday 19 March: the week of 16 March was not run in full.
    result = measure(
        hours_per_week=Decimal("2"),
        starts_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2026, 3, 19),
        visits=[(datetime.date(2026, 3, 17), 120)],
        today=TODAY,
    )

    assert [week.monday for week in result.weeks] == MONDAYS[:2]
    assert result.logged_minutes == 0


def test_a_plan_agreed_this_week_has_no_week_to_measure():
    result = measure(
        hours_per_week=Decimal("2"), starts_on=TODAY, visits=[(TODAY, 120)], today=TODAY
    )

    assert result.weeks == []
    assert (result.agreed_minutes, result.logged_minutes, result.share) == (0, 0, None)
    assert not result.is_below
    assert result.since is None


def test_no_agreement_is_never_below():
    result = measure(
        hours_per_week=None, starts_on=datetime.date(2026, 1, 1), visits=[], today=TODAY
    )

    assert [week.agreed_minutes for week in result.weeks] == [0, 0, 0, 0]
    assert not result.is_below
    assert result.share is None


def test_minutes_a_week_of_decimal_hours():
    assert [minutes_a_week(Decimal(h)) for h in ("0", "0.1", "1.5", "2", "40")] == [
        0,
        6,
        90,
        120,
        2400,
    ]
    assert minutes_a_week(None) == 0


def test_hours_round_half_up_to_one_decimal():
    assert [hours(m) for m in (0, 3, 50, 90, 119)] == [
        Decimal("0.0"),
        Decimal("0.1"),
        Decimal("0.8"),
        Decimal("1.5"),
        Decimal("2.0"),
    ]


# --- Properties --------------------------------------------------------------------------------

days = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2027, 12, 31))
agreements = st.decimals(min_value=0, max_value=40, places=1)
visit_lists = st.lists(st.tuples(days, st.integers(min_value=1, max_value=720)), max_size=30)


@given(today=days, starts_on=days, agreed=agreements, visits=visit_lists)
def test_the_weeks_measured_are_full_weeks_of_the_plan_before_today(
    today, starts_on, agreed, visits
):
    result = measure(hours_per_week=agreed, starts_on=starts_on, visits=visits, today=today)

    assert len(result.weeks) <= 4
    for week in result.weeks:
        assert week.monday.weekday() == 0
        assert starts_on <= week.monday
        assert week.sunday < today - datetime.timedelta(days=today.weekday())
        assert week.agreed_minutes == minutes_a_week(agreed)
    assert result.agreed_minutes == len(result.weeks) * minutes_a_week(agreed)


@given(today=days, starts_on=days, agreed=agreements, visits=visit_lists)
def test_logged_is_the_sum_of_the_visits_in_the_weeks_measured(today, starts_on, agreed, visits):
    result = measure(hours_per_week=agreed, starts_on=starts_on, visits=visits, today=today)

    measured = {week.monday for week in result.weeks}
    expected = sum(
        minutes
        for day, minutes in visits
        if day - datetime.timedelta(days=day.weekday()) in measured
    )
    assert result.logged_minutes == expected
    assert result.is_below == (expected < result.agreed_minutes)


@given(today=days, starts_on=days, agreed=agreements, visits=visit_lists, extra=visit_lists)
def test_more_support_never_makes_it_below(today, starts_on, agreed, visits, extra):
    before = measure(hours_per_week=agreed, starts_on=starts_on, visits=visits, today=today)
    after = measure(hours_per_week=agreed, starts_on=starts_on, visits=visits + extra, today=today)

    assert after.logged_minutes >= before.logged_minutes
    assert not (before.is_below is False and after.is_below is True)
