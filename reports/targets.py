"""Indicator targets of a project period, and the progress towards them.

A target is stored under an indicator's code, or "code:row" for one row of it (Liberec counts
the persons housed under Housing First: "persons_housed:housing_first"). Which figures may be
targeted, and how their progress is measured, is decided here (TARGETABLE):

- a cumulative target (persons registered, leases signed...) compares the value over the period
  so far — from its first day to the end of the chosen month — with the target. The indicator's
  query runs once over that stretch (a `Span`), so each person, household or lease counts once,
  however many months it appears in;
- a level target (a retention rate, the share of check-ins done) compares the chosen month's
  value with the target.

Expected progress is the target pro rata of the period's days gone by the month's end: a
cumulative figure at or above it is on track.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from housing.models import Program
from reports.indicators import INDICATORS, IndicatorValue, Number, compute
from reports.models import IndicatorTarget, ProjectPeriod
from reports.periods import PRAGUE, Month
from reports.queries import Area


@dataclass(frozen=True)
class Span:
    """The days from `first_day` to `last_day`, both included: what a Month is to the queries of
    reports.queries, for a stretch of a project period (its "in the month" figures)."""

    first_day: datetime.date
    last_day: datetime.date

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=PRAGUE)

    @property
    def ends_at(self) -> datetime.datetime:
        following = self.last_day + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, tzinfo=PRAGUE)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class Targetable:
    key: str  # IndicatorTarget.indicator: "code" or "code:row"
    cumulative: bool = True
    row_label: str = ""

    @property
    def code(self) -> str:
        return self.key.partition(":")[0]

    @property
    def row_key(self) -> str:
        return self.key.partition(":")[2]

    @property
    def label(self) -> str:
        label = str(INDICATORS[self.code].label)
        return f"{label}: {self.row_label}" if self.row_key else label

    @property
    def unit(self):
        return INDICATORS[self.code].unit

    def value_of(self, values: dict[str, IndicatorValue]) -> tuple[Number | None, int | None]:
        """The figure and its base in `values` (computed by reports.indicators.compute)."""
        value = values[self.code]
        if not self.row_key:
            return value.value, value.base
        row = next(row for row in value.rows if row.key == self.row_key)
        return row.value, row.base


# In the order a manager fills them in: Liberec's list first (DOMAIN.md).
TARGETABLE: dict[str, Targetable] = {
    target.key: target
    for target in [
        Targetable("persons_registered"),
        Targetable("persons_counselled"),
        Targetable("households_registered"),
        Targetable("households_counselled"),
        Targetable("consultations"),
        Targetable("persons_housed:housing_first", row_label=Program.HOUSING_FIRST.label),
        Targetable("persons_housed"),
        Targetable("households_housed"),
        Targetable("leases_signed_or_extended"),
        Targetable("leases_signed"),
        Targetable("private_owners_engaged"),
        Targetable("prevention_entered"),
        Targetable("persons_with_schedule"),
        Targetable("households_referred"),
        Targetable("retention_6m", cumulative=False),
        Targetable("retention_12m", cumulative=False),
        Targetable("checkins_done_share", cumulative=False),
    ]
}


def period_of(kmb_id: int | None, month: Month) -> ProjectPeriod | None:
    """The KMB's project period that the month falls in (the latest to start, if several do),
    with its targets."""
    if kmb_id is None:
        return None
    return (
        ProjectPeriod.objects.filter(
            kmb_id=kmb_id, starts_on__lte=month.last_day, ends_on__gte=month.first_day
        )
        .prefetch_related("targets")
        .order_by("-starts_on", "-pk")
        .first()
    )


def span_of(period: ProjectPeriod, month: Month) -> Span:
    """The period so far at the end of `month` (which falls in the period)."""
    return Span(period.starts_on, min(month.last_day, period.ends_on))


@dataclass(frozen=True)
class Progress:
    target: IndicatorTarget
    targetable: Targetable
    value: Number | None
    base: int | None
    expected: Decimal | None  # cumulative targets: the target pro rata of the days gone

    @property
    def percent(self) -> Decimal | None:
        """The value as a share of the target, in per cent (one place)."""
        return share(self.value, self.target.target)

    @property
    def on_track(self) -> bool | None:
        if self.value is None:
            return None
        if self.expected is None:
            return self.value >= self.target.target
        return self.value >= self.expected


def share(value: Number | None, whole: Number) -> Decimal | None:
    if value is None or not whole:
        return None
    return (Decimal(value) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def cumulative_codes(period: ProjectPeriod) -> set[str]:
    """The indicators that the period's cumulative targets count over the period so far."""
    return {
        TARGETABLE[target.indicator].code
        for target in period.targets.all()
        if target.indicator in TARGETABLE and TARGETABLE[target.indicator].cumulative
    }


def progress(
    period: ProjectPeriod,
    area: Area,
    month: Month,
    values: dict[str, IndicatorValue],
    so_far: dict[str, IndicatorValue] | None = None,
) -> list[Progress]:
    """Progress towards each of the period's targets at the end of `month`, which falls in it.
    `values`: the month's indicators (level targets read them); `so_far`: the indicators of
    cumulative_codes(period) over span_of(period, month), computed here (one run of their
    queries) unless given."""
    order = list(TARGETABLE)
    targets = sorted(
        (target for target in period.targets.all() if target.indicator in TARGETABLE),
        key=lambda target: order.index(target.indicator),
    )
    span = span_of(period, month)
    if so_far is None:
        codes = cumulative_codes(period)
        so_far = compute(area, span, codes) if codes else {}
    gone = Decimal(span.days) / Decimal((period.ends_on - period.starts_on).days + 1)
    result = []
    for target in targets:
        targetable = TARGETABLE[target.indicator]
        value, base = targetable.value_of(so_far if targetable.cumulative else values)
        expected = None
        if targetable.cumulative:
            expected = (target.target * gone).quantize(Decimal("0.1"), ROUND_HALF_UP)
        result.append(Progress(target, targetable, value, base, expected))
    return result


TARGET_NOTE = _(
    "Counts over the period so far run from its first day to the end of the month: a person or "
    "household counts once, however many months it appears in. Rates are the month's."
)
