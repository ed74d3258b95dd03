"""The agreed support intensity against the support logged: pure arithmetic, no database.

Support is measured over the last full ISO weeks (Monday to Sunday) before the week of `today`,
four by default. Only the weeks the plan ran in full count, for the agreement and the visits
alike: a plan agreed on a Wednesday is measured from the next Monday, one that ended on a
Thursday up to the Sunday before.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

WEEKS_MEASURED = 4
ONE_WEEK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Week:
    monday: datetime.date
    agreed_minutes: int
    logged_minutes: int

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def number(self) -> int:
        """The ISO week number (1–53)."""
        return self.monday.isocalendar().week

    @property
    def logged_hours(self) -> Decimal:
        return hours(self.logged_minutes)

    @property
    def is_below(self) -> bool:
        return self.logged_minutes < self.agreed_minutes


@dataclass(frozen=True)
class Intensity:
    """The weeks measured (oldest first) and their sums."""

    weeks: list[Week]

    @property
    def agreed_minutes(self) -> int:
        return sum(week.agreed_minutes for week in self.weeks)

    @property
    def logged_minutes(self) -> int:
        return sum(week.logged_minutes for week in self.weeks)

    @property
    def agreed_hours(self) -> Decimal:
        return hours(self.agreed_minutes)

    @property
    def logged_hours(self) -> Decimal:
        return hours(self.logged_minutes)

    @property
    def is_below(self) -> bool:
        """Less support logged than agreed over the weeks measured."""
        return self.logged_minutes < self.agreed_minutes

    @property
    def share(self) -> int | None:
        """Logged as a whole percentage of agreed (None when nothing was agreed)."""
        if not self.agreed_minutes:
            return None
        return self.logged_minutes * 100 // self.agreed_minutes

    @property
    def since(self) -> datetime.date | None:
        return self.weeks[0].monday if self.weeks else None


def hours(minutes: int) -> Decimal:
    """Minutes as hours with one decimal place, rounded half up (50 min → 0.8 h)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def minutes_a_week(hours_per_week: Decimal | None) -> int:
    """The agreement in whole minutes: 1.5 h → 90 (the model keeps one decimal place, 6 min)."""
    if not hours_per_week:
        return 0
    return int((Decimal(hours_per_week) * 60).to_integral_value(rounding="ROUND_HALF_UP"))


def weeks_before(today: datetime.date, count: int = WEEKS_MEASURED) -> list[datetime.date]:
    """The Mondays of the `count` full weeks before the week of `today`, oldest first."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    return [this_monday - ONE_WEEK * n for n in range(count, 0, -1)]


def runs_all_week(
    monday: datetime.date, starts_on: datetime.date, ended_on: datetime.date | None
) -> bool:
    sunday = monday + datetime.timedelta(days=6)
    return starts_on <= monday and (ended_on is None or ended_on >= sunday)


def measure(
    *,
    hours_per_week: Decimal | None,
    starts_on: datetime.date,
    ended_on: datetime.date | None = None,
    visits: Iterable[tuple[datetime.date, int]],
    today: datetime.date,
    weeks: int = WEEKS_MEASURED,
) -> Intensity:
    """Agreed against logged support in each full week of the plan among the last `weeks` weeks
    before the week of `today`. `visits`: (date, minutes) of the support logged; visits outside
    the weeks measured are ignored."""
    agreed = minutes_a_week(hours_per_week)
    mondays = [m for m in weeks_before(today, weeks) if runs_all_week(m, starts_on, ended_on)]
    logged = dict.fromkeys(mondays, 0)
    for day, minutes in visits:
        monday = day - datetime.timedelta(days=day.weekday())
        if monday in logged:
            logged[monday] += minutes
    return Intensity(
        weeks=[
            Week(monday=monday, agreed_minutes=agreed, logged_minutes=logged[monday])
            for monday in mondays
        ]
    )
