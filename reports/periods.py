"""Reporting periods: calendar months in Europe/Prague.

Dates in the case file are local dates, so a month is simply its first to its last day. Moments
(`created_at`, `changed_at`) are stored in UTC; a month of them runs from midnight of its first
day in Prague to midnight of the next month's first day, whatever the offset is on either side
(the switch to winter time falls inside October).
"""

import calendar
import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
MONTH_PATTERN = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12 or not datetime.MINYEAR <= self.year <= datetime.MAXYEAR:
            raise ValueError(f"No such month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """ "2026-10" (as in a URL or a form) → Month(2026, 10); ValueError on anything else."""
        found = MONTH_PATTERN.match(text.strip())
        if not found:
            raise ValueError(f"Not a month (YYYY-MM): {text!r}")
        return cls(int(found["year"]), int(found["month"]))

    @classmethod
    def of(cls, day: datetime.date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def current(cls) -> "Month":
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.days)

    @property
    def starts_at(self) -> datetime.datetime:
        """Midnight of the first day in Prague (aware)."""
        return datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=PRAGUE)

    @property
    def ends_at(self) -> datetime.datetime:
        """Midnight of the next month's first day in Prague: the end, not included."""
        return self.next().starts_at

    def shifted(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> "Month":
        return self.shifted(-1)

    def next(self) -> "Month":
        return self.shifted(1)

    def __contains__(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day
