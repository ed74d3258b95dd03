"""The monthly report as the dashboard, the PDF and the exports show it: the indicators of a month
in sections, each figure beside the previous month's and the change, breakdowns as tables with
charts, and the progress towards the project's targets.

`build_report(..., anonymised=True)` is the variant that leaves the KMB (the PDF, the exports, the
housing department's view): its figures pass reports.anonymised, and nothing else in reports
redacts.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kmb.redaction import municipality_label, small_count
from reports import charts, targets
from reports.anonymised import SERIES, Redacted, about_people, figure_for, redact_in
from reports.figures import COUNT_UNITS, Shown, change_of, shown
from reports.indicators import (
    INDICATORS,
    Indicator,
    IndicatorValue,
    Number,
    Unit,
    compute,
    compute_periods,
    drilldown_url,
)
from reports.periods import Month
from reports.queries import Area

# Not compared with the previous month: the cohorts are their own comparison, and the support
# network keeps no history (the previous month would show today's network again).
NOT_COMPARED = SERIES | {"coverage_missing", "coverage_full"}

# The sections of the report, in order, and the indicators each shows.
SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "clients",
        _("Clients"),
        [
            "households_registered",
            "persons_registered",
            "households_counselled",
            "persons_counselled",
        ],
    ),
    (
        "consultations",
        _("Consultations"),
        [
            "consultations",
            "consultation_minutes",
            "consultations_by_topic",
            "consultations_by_channel",
            "consultation_minutes_by_topic",
            "consultation_minutes_by_channel",
        ],
    ),
    (
        "housing",
        _("Housing"),
        [
            "leases_signed",
            "leases_extended",
            "leases_signed_or_extended",
            "private_owners_engaged",
            "households_housed",
            "persons_housed",
            "leases_ended",
        ],
    ),
    ("retention", _("Housing retention"), ["retention_6m", "retention_12m"]),
    (
        "prevention",
        _("Prevention of housing loss"),
        ["prevention_entered", "prevention_at_end", "prevention_closed"],
    ),
    (
        "debts",
        _("Debts and repayment schedules"),
        [
            "schedules_active",
            "persons_with_schedule",
            "schedules_on_track",
            "indebted_households",
            "debt_total",
            "debt_median",
            "debt_by_creditor",
        ],
    ),
    (
        "guarantees",
        _("Guarantees"),
        ["guarantees_active", "claims_paid", "claims_paid_amount", "fund_balance"],
    ),
    (
        "need",
        _("Housing need by ETHOS"),
        [
            "hostel_households",
            "hostel_persons",
            "need_households_by_group",
            "need_households",
            "need_persons",
        ],
    ),
    ("waiting", _("Waiting list"), ["waiting_households", "waiting_median_days"]),
    (
        "referrals",
        _("Referrals to services"),
        ["households_referred", "referrals_sent", "referrals_by_outcome"],
    ),
    (
        "coverage",
        _("Support network coverage"),
        ["coverage_missing", "coverage_full", "households_by_provider"],
    ),
    (
        "checkins",
        _("Check-ins with housed households"),
        ["checkins_due", "checkins_done_share", "checkins_done"],
    ),
]

EMPTY_ROWS_NOTE = _(
    "Rows with nothing in either month, and cohorts without leases, are left out of the tables."
)
SMALL_BASE_NOTE = _(
    "Counts under 5 are shown as “<5”; a rate, median or amount computed from fewer than 5 "
    "households is hidden (×)."
)


# --- The report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    unit: Unit
    value: Shown
    previous: Shown
    change: Shown
    url: str | None = None
    base: Shown | None = None  # a cohort's leases (series)


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    unit: Unit
    definition: str
    total: Line
    lines: list[Line]
    series: bool
    note: str
    chart: SafeString | None
    # The bars of `chart` (none for a line of cohorts or no chart), which the PDF draws as HTML.
    bars: tuple[charts.Bar, ...] = ()
    compare: bool = True
    columns: tuple[str, ...] = ()  # the PDF's widths of the number columns (reports.pdf)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Line]  # the indicators without a breakdown
    tables: list[Table]
    chart: SafeString | None  # the counts among `figures`, this month against the previous
    columns: tuple[str, ...] = ()  # the PDF's widths of the figures' number columns (reports.pdf)


@dataclass(frozen=True)
class TargetLine:
    label: str
    unit: Unit
    cumulative: bool
    target: Shown
    value: Shown
    percent: Shown
    expected: Shown
    on_track: bool | None
    bar: SafeString


@dataclass(frozen=True)
class TargetsView:
    period_name: str
    starts_on: object
    ends_on: object
    so_far_until: object
    lines: list[TargetLine]
    note: str


@dataclass
class Report:
    month: Month
    previous_month: Month
    area: Area
    area_label: str
    kmb_name: str
    anonymised: bool
    sections: list[Section]
    targets: TargetsView | None = None
    targets_note: str = ""
    definitions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        notes = [str(SMALL_BASE_NOTE)] if self.anonymised else []
        notes.append(str(EMPTY_ROWS_NOTE))
        return notes + sorted({t.note for s in self.sections for t in s.tables if t.note})


# The minutes by topic and channel repeat the consultations' tables: the dashboard and the exports
# show them, the printed report leaves them out (and is the shorter and faster for it).
NOT_PRINTED = {"consultation_minutes_by_topic", "consultation_minutes_by_channel"}


def printed(report: "Report") -> "Report":
    """The report as the PDF prints it: without NOT_PRINTED, the bar charts in HTML."""
    sections = [
        replace(
            section,
            tables=[_printed_table(t) for t in section.tables if t.code not in NOT_PRINTED],
        )
        for section in report.sections
    ]
    definitions = [item for item in report.definitions if item[0] not in _not_printed_labels()]
    return replace(report, sections=sections, definitions=definitions)


def _printed_table(table: Table) -> Table:
    if not table.bars:
        return table
    chart = charts.html_bar_chart(table.bars, title=table.title, compare=table.compare)
    return replace(table, chart=chart)


def _not_printed_labels() -> set[str]:
    return {str(INDICATORS[code].label) for code in NOT_PRINTED}


def area_label(*, orp_name: str, municipality=None, anonymised: bool) -> str:
    """The area as the report names it; outside the KMB a small municipality is not named."""
    if municipality is None:
        return gettext("ORP %(orp)s") % {"orp": orp_name}
    if anonymised:
        return municipality_label(municipality.name, municipality.population, orp_name)
    return municipality.name


def build_report(
    area: Area,
    month: Month,
    *,
    anonymised: bool,
    area_name: str,
    kmb_name: str = "",
    links: bool = False,
) -> Report:
    """The report of the area for the month (see the module's docstring). `links`: drill-down
    URLs to the lists behind the figures (never in the anonymised variant)."""
    # The month, the previous one and the project period so far in one go: the sources that can
    # count several months read their rows once (indicators.compute_periods).
    period = targets.period_of(area.kmb_id, month) if area.municipality_id is None else None
    wanted = [(month, None), (month.previous(), [c for c in INDICATORS if c not in NOT_COMPARED])]
    if period is not None and (codes := targets.cumulative_codes(period)):
        wanted.append((targets.span_of(period, month), codes))
    current, previous, *so_far = compute_periods(area, wanted)
    builder = _Builder(area, anonymised=anonymised, links=links and not anonymised)
    sections = [
        builder.section(key, str(title), codes, current, previous) for key, title, codes in SECTIONS
    ]
    report = Report(
        month=month,
        previous_month=month.previous(),
        area=area,
        area_label=area_name,
        kmb_name=kmb_name,
        anonymised=anonymised,
        sections=sections,
        definitions=[
            (str(INDICATORS[code].label), str(INDICATORS[code].definition))
            for _key, _title, codes in SECTIONS
            for code in codes
        ],
    )
    if period is not None:
        report.targets = builder.target_view(period, month, current, so_far[0] if so_far else {})
    elif area.municipality_id is not None:
        report.targets_note = gettext("The project's targets are set for the whole KMB.")
    return report


def _month_short(key: str) -> str:
    """A cohort's month on a chart's axis: "10/25" for "2025-10"."""
    month = Month.parse(key)
    return f"{month.month}/{month.year % 100:02d}"


def _says_something(line: Line) -> bool:
    return any(figure.value not in (None, 0) for figure in (line.value, line.previous))


def _plain(amount: Decimal) -> Number:
    """A target as typed: 15, not 15.00."""
    return int(amount) if amount == amount.to_integral_value() else amount


class _Builder:
    def __init__(self, area: Area, *, anonymised: bool, links: bool):
        self.area = area
        self.anonymised = anonymised
        self.links = links

    def _redacted(self, value: IndicatorValue, values: dict) -> Redacted:
        if self.anonymised:
            return redact_in(value, values)
        return Redacted(value.value, [row.value for row in value.rows])

    def section(self, key, title, codes, current, previous) -> Section:
        figures, tables = [], []
        for code in codes:
            if current[code].rows:
                tables.append(self.table(code, current, previous))
            else:
                figures.append(self.figure(code, current, previous))
        counts = [line for line in figures if line.unit in COUNT_UNITS]
        chart = None
        if len(counts) > 1 and any(line.value.is_number and line.value.value for line in counts):
            chart = charts.bar_chart(
                [
                    charts.Bar(line.label, line.value.value, line.value.text, line.previous.value)
                    for line in counts
                ],
                title=title,
            )
        return Section(key, title, figures, tables, chart)

    def figure(self, code: str, current: dict, previous: dict) -> Line:
        indicator = INDICATORS[code]
        now = shown(self._redacted(current[code], current).value, indicator.unit)
        then = Shown(None, "")
        if code in previous:
            then = shown(self._redacted(previous[code], previous).value, indicator.unit)
        url = drilldown_url(indicator, self.area) if self.links else None
        return Line(
            indicator.code,
            str(indicator.label),
            indicator.unit,
            now,
            then,
            change_of(now, then, indicator.unit),
            url,
        )

    def table(self, code: str, current: dict, previous: dict) -> Table:
        indicator = INDICATORS[code]
        value, unit = current[code], indicator.unit
        series = indicator.code in SERIES
        now = self._redacted(value, current)
        earlier = {}
        if code in previous:
            then = self._redacted(previous[code], previous)
            earlier = dict(zip([row.key for row in previous[code].rows], then.rows, strict=True))
        total = self.figure(code, current, previous)
        lines = []
        for row, row_value in zip(value.rows, now.rows, strict=True):
            this = shown(row_value, unit)
            before = shown(earlier.get(row.key), unit) if code in previous else Shown(None, "")
            url = drilldown_url(indicator, self.area, row.key) if self.links else None
            base = None
            if series:
                base = shown(self._base(row.base), Unit.COUNT)
            lines.append(
                Line(
                    row.key,
                    str(row.label),
                    unit,
                    this,
                    before,
                    change_of(this, before, unit),
                    url if url != total.url else None,
                    base,
                )
            )
        bars, compare = (), indicator.code not in NOT_COMPARED
        if series:
            # The line runs through every cohort; the table lists those with leases.
            chart = self.line_chart(indicator, lines)
            lines = [line for line in lines if line.base.value != 0]
        else:
            # A row with nothing in either month says nothing: tables and charts stay short.
            lines = [line for line in lines if _says_something(line)]
            bars = self.bars(lines)
            chart = None
            if bars:
                chart = charts.bar_chart(bars, title=str(indicator.label), compare=compare)
        return Table(
            indicator.code,
            str(indicator.label),
            unit,
            str(indicator.definition),
            total,
            lines,
            series,
            now.note,
            chart,
            bars,
            compare,
        )

    def _base(self, base):
        return small_count(base) if self.anonymised and base is not None else base

    @staticmethod
    def bars(lines: list[Line]) -> tuple[charts.Bar, ...]:
        """The rows as bars; none for a single row (the table says it all)."""
        if len(lines) < 2:
            return ()
        return tuple(
            charts.Bar(line.label, line.value.value, line.value.text, line.previous.value)
            for line in lines
        )

    @staticmethod
    def line_chart(indicator: Indicator, lines: list[Line]) -> SafeString | None:
        """A line of the cohorts; none for a single one."""
        if len(lines) < 2:
            return None
        points = [
            charts.Bar(_month_short(line.key), line.value.value, line.value.text) for line in lines
        ]
        return charts.line_chart(points[::-1], title=str(indicator.label))

    def target_view(
        self, period, month: Month, values: dict, so_far: dict | None = None
    ) -> TargetsView:
        lines = [
            self.target_line(item)
            for item in targets.progress(period, self.area, month, values, so_far)
        ]
        span = targets.span_of(period, month)
        return TargetsView(
            period.name,
            period.starts_on,
            period.ends_on,
            span.last_day,
            lines,
            str(targets.TARGET_NOTE),
        )

    def target_line(self, item: targets.Progress) -> TargetLine:
        unit = item.targetable.unit
        value = item.value
        if self.anonymised and about_people(item.targetable.code):
            value = figure_for(value, item.base, counts=unit in COUNT_UNITS)
        value_shown = shown(value, unit)
        percent = targets.share(value, item.target.target) if value_shown.is_number else None
        expected = None
        if item.expected is not None:
            expected = targets.share(item.expected, item.target.target)
        return TargetLine(
            label=item.targetable.label,
            unit=unit,
            cumulative=item.targetable.cumulative,
            target=shown(_plain(item.target.target), unit),
            value=value_shown,
            percent=shown(percent, Unit.PERCENT),
            expected=shown(item.expected, unit),
            on_track=item.on_track if value_shown.is_number else None,
            bar=charts.progress_bar(percent, expected=expected, title=item.targetable.label),
        )


def targets_view(period, area: Area, month: Month) -> TargetsView:
    """The progress towards a period's targets at the end of `month` (in the period), for the
    KMB's own staff (nothing suppressed)."""
    levels = {t.code for t in targets.TARGETABLE.values() if not t.cumulative}
    wanted = {t.indicator for t in period.targets.all()}
    codes = {targets.TARGETABLE[key].code for key in wanted & set(targets.TARGETABLE)} & levels
    values = compute(area, month, codes) if codes else {}
    return _Builder(area, anonymised=False, links=False).target_view(period, month, values)
