"""Reporting months: boundaries in Europe/Prague, parsing, stepping from month to month."""

import datetime

import pytest
from django.utils import timezone

from reports.periods import PRAGUE, Month

UTC = datetime.UTC


def test_month_parse_reads_year_and_month():
    assert Month.parse("2026-10") == Month(2026, 10)
    assert Month.parse(" 2026-3 ") == Month(2026, 3)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/10", "10-2026", "2026-10-01", ""])
def test_month_parse_refuses_other_text(text):
    with pytest.raises(ValueError, match="month"):
        Month.parse(text)


def test_month_prints_as_it_parses():
    assert str(Month(2026, 3)) == "2026-03"
    assert Month.parse(str(Month(2026, 3))) == Month(2026, 3)


@pytest.mark.parametrize(
    ("month", "first", "last", "days"),
    [
        (Month(2026, 10), datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), 31),
        (Month(2026, 11), datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), 30),
        (Month(2026, 2), datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), 28),
        (Month(2028, 2), datetime.date(2028, 2, 1), datetime.date(2028, 2, 29), 29),
    ],
)
def test_month_first_and_last_day(month, first, last, days):
    assert (month.first_day, month.last_day, month.days) == (first, last, days)


def test_month_steps_over_the_year():
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert Month(2026, 10).shifted(-12) == Month(2025, 10)
    assert Month(2026, 10).shifted(-22) == Month(2024, 12)
    assert Month(2026, 10).shifted(3) == Month(2027, 1)


def test_month_of_a_day_and_order():
    assert Month.of(datetime.date(2026, 10, 31)) == Month(2026, 10)
    assert sorted([Month(2026, 1), Month(2025, 12), Month(2026, 10)]) == [
        Month(2025, 12),
        Month(2026, 1),
        Month(2026, 10),
    ]


def test_month_contains_its_days_only():
    october = Month(2026, 10)
    assert datetime.date(2026, 10, 1) in october
    assert datetime.date(2026, 10, 31) in october
    assert datetime.date(2026, 9, 30) not in october
    assert datetime.date(2026, 11, 1) not in october


def test_month_moments_run_from_prague_midnight_across_the_time_change():
    # Summer time ends on 25 October 2026: October starts at +02:00 and ends at +01:00.
    october = Month(2026, 10)
    assert october.starts_at == datetime.datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    assert october.ends_at == datetime.datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    assert october.starts_at.tzinfo == PRAGUE
    assert october.ends_at == Month(2026, 11).starts_at


def test_month_moments_in_winter_and_spring():
    assert Month(2026, 1).starts_at == datetime.datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    # Summer time starts on 29 March 2026: March ends at +02:00.
    assert Month(2026, 3).ends_at == datetime.datetime(2026, 3, 31, 22, 0, tzinfo=UTC)


def test_month_refuses_impossible_months():
    with pytest.raises(ValueError, match="No such month"):
        Month(2026, 0)
    with pytest.raises(ValueError, match="No such month"):
        Month(2026, 13)


def test_current_month_is_the_prague_month(monkeypatch):
    # 31 October 23:30 UTC is already 1 November in Prague.
    now = datetime.datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert Month.current() == Month(2026, 11)
