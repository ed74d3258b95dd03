"""The registry of indicators: what each figure of the monthly report is called, in which unit,
how it is computed, whether it counts people, and which list shows the records behind it.

How a dashboard or the PDF uses it:

    area = Area.of(kmb, municipality)                # reports.queries
    values = compute(area, Month.parse("2026-10"))   # {code: IndicatorValue}, in INDICATORS order
    values["households_registered"].value            # 12
    values["consultations_by_topic"].rows            # (Row(key="debts", label=..., value=7), ...)
    previous = compute(area, month.previous())        # the comparison with the previous month
    drilldown_url(INDICATORS["prevention_at_end"], area)  # "/cases/?status=prevention" or None

Each indicator reads one result of a query function of reports.queries (its `source`); compute()
runs every source once, so the whole set costs a fixed number of queries whatever the data.
compute_periods() computes several months at once (a month and the previous one): the sources
that can count several months in one go run once for them all.

Redaction: `counts_people` marks a figure that counts persons or households or is computed from
them (a rate, a median, an amount owed). In anything that leaves the KMB such a figure (and each
of its rows) is suppressed when its count, or its `base` where it has one, is below 5.

To add indicators (referrals, check-ins, the waiting list, provider coverage...): write the query
in reports.queries, then `register(Indicator(...))` it below, in the section "Added later".
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import (
    CaseStatus,
    CloseReason,
    ConsultationChannel,
    ConsultationTopic,
    CreditorKind,
    Ethos,
    EthosGroup,
)
from clients.models.codes import ETHOS_GROUPS
from housing.models import CheckInResult, LeaseEndReason, Program
from kmb.lib.money import ZERO
from providers.models import HOUSING_SUPPORT_TYPES, ReferralState, ServiceType
from reports import queries
from reports.periods import Month
from reports.queries import Area

Number = int | Decimal


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("unit", "number")
    HOUSEHOLDS = "households", _("households")
    PERSONS = "persons", _("persons")
    MINUTES = "minutes", _("minutes")
    CZK = "czk", _("CZK")
    PERCENT = "percent", _("per cent")
    DAYS = "days", _("days")


class Section(models.TextChoices):
    CLIENTS = "clients", _("Clients and counselling")
    HOUSING = "housing", pgettext_lazy("report section", "Housing")
    PREVENTION = "prevention", _("Prevention of housing loss")
    DEBTS = "debts", _("Debts and repayment schedules")
    GUARANTEES = "guarantees", _("Guarantees")
    NEED = "need", _("Housing need")
    REFERRALS = "referrals", _("Referrals to services")
    WAITING = "waiting", _("Waiting list for housing")
    NETWORK = "network", _("Support network")
    FOLLOW_UP = "follow_up", _("Follow-up of housed households")


@dataclass(frozen=True)
class Row:
    """One line of an indicator's breakdown (a topic, a program, a cohort...)."""

    key: str
    label: str
    value: Number | None
    base: int | None = None


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    value: Number | None
    rows: tuple[Row, ...] = ()
    # For a rate, median or amount: how many households (leases, claims) it is computed from.
    base: int | None = None

    @property
    def indicator(self) -> "Indicator":
        return INDICATORS[self.code]


@dataclass(frozen=True)
class Drilldown:
    """The list behind a number: a URL name and its GET parameters for an area (and a row's key).
    `query` returns None when the list cannot show that area. The lists show the present: for a
    past month they are where to start looking, not that month's records."""

    url_name: str
    query: Callable[[Area, str | None], dict | None]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    section: Section
    unit: Unit
    source: Callable[[Area, Month], Any]  # a query of reports.queries, run once per compute()
    pick: Callable[[Any], dict]  # the source's result → value, rows, base of IndicatorValue
    definition: str  # how it is counted, in words, for the report's notes
    counts_people: bool
    drilldown: Drilldown | None = None


INDICATORS: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    for indicator in indicators:
        if indicator.code in INDICATORS:
            raise ValueError(f"Indicator {indicator.code!r} is registered twice")
        INDICATORS[indicator.code] = indicator


def compute(
    area: Area, month: Month, codes: Iterable[str] | None = None
) -> dict[str, IndicatorValue]:
    """The indicators (all, or those of `codes`) for the area and month, in registry order."""
    return compute_periods(area, [(month, codes)])[0]


def compute_periods(
    area: Area, wanted: Sequence[tuple[Month, Iterable[str] | None]]
) -> list[dict[str, IndicatorValue]]:
    """compute(area, month, codes) for each (month, codes) of `wanted` (a month may be a
    reports.targets.Span): a source that counts several months at once
    (queries.IN_SEVERAL_MONTHS) runs once for all the months that need it."""
    wanted = [(month, set(INDICATORS) if codes is None else set(codes)) for month, codes in wanted]
    for _month, codes in wanted:
        if unknown := codes - INDICATORS.keys():
            raise KeyError(f"No such indicators: {sorted(unknown)}")
    needed: dict[Callable, list[int]] = {}
    for code, indicator in INDICATORS.items():
        for n, (_month, codes) in enumerate(wanted):
            if code in codes and n not in needed.setdefault(indicator.source, []):
                needed[indicator.source].append(n)
    results: dict[tuple[Callable, int], Any] = {}
    for source, ns in needed.items():
        several = queries.IN_SEVERAL_MONTHS.get(source)
        if several is not None and len(ns) > 1:
            for n, result in zip(ns, several(area, [wanted[n][0] for n in ns]), strict=True):
                results[source, n] = result
        else:
            for n in ns:
                results[source, n] = source(area, wanted[n][0])
    return [
        {
            code: IndicatorValue(code=code, **indicator.pick(results[indicator.source, n]))
            for code, indicator in INDICATORS.items()
            if code in codes
        }
        for n, (_month, codes) in enumerate(wanted)
    ]


def drilldown_url(indicator: Indicator, area: Area, key: str | None = None) -> str | None:
    """The URL of the list behind the indicator (or one of its rows), or None if there is none."""
    if indicator.drilldown is None:
        return None
    query = indicator.drilldown.query(area, key)
    if query is None:
        return None
    url = reverse(indicator.drilldown.url_name)
    return f"{url}?{urlencode(query)}" if query else url


# --- Building blocks --------------------------------------------------------------------------


def _total(value: Number, base: int | None = None) -> dict:
    return {"value": value, "base": base}


def _by_choice(choices, figures: dict, field: str, base: str | None = None, zero=0) -> dict:
    """Rows for every choice (`zero` where nothing was counted); the value is their sum."""
    rows = tuple(
        Row(
            key=choice.value,
            label=choice.label,
            value=figures.get(choice.value, {}).get(field, zero),
            base=figures.get(choice.value, {}).get(base, 0) if base else None,
        )
        for choice in choices
    )
    return {"value": sum((row.value for row in rows), zero), "rows": rows}


def percent(part: int, whole: int) -> Decimal | None:
    """Part of whole in per cent, to one decimal place (None for an empty whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _case_list(area: Area, key: str | None = None, **query) -> dict:
    """The case list's filter for the area: the municipality is its "permanent residence"."""
    if area.municipality_id:
        query["municipality"] = area.municipality_id
    return query


def _whole_kmb_only(area: Area, key: str | None = None) -> dict | None:
    """Lists that show the user's whole KMB: a link only for the ORP-wide area."""
    return {} if area.municipality_id is None else None


# --- Clients and counselling ------------------------------------------------------------------


register(
    Indicator(
        code="households_registered",
        label=_("Households registered"),
        section=Section.CLIENTS,
        unit=Unit.HOUSEHOLDS,
        source=queries.registered,
        pick=lambda figures: _total(figures["households"]),
        definition=_("Households registered at intake in the month."),
        counts_people=True,
    ),
    Indicator(
        code="persons_registered",
        label=_("Persons registered"),
        section=Section.CLIENTS,
        unit=Unit.PERSONS,
        source=queries.registered,
        pick=lambda figures: _total(figures["persons"]),
        definition=_(
            "Persons recorded in the month: members of the newly registered households and new "
            "members of known households."
        ),
        counts_people=True,
    ),
    Indicator(
        code="households_counselled",
        label=_("Households counselled"),
        section=Section.CLIENTS,
        unit=Unit.HOUSEHOLDS,
        source=queries.consultations,
        pick=lambda figures: _total(figures["households"]),
        definition=_("Households with at least one consultation in the month."),
        counts_people=True,
    ),
    Indicator(
        code="persons_counselled",
        label=_("Persons counselled"),
        section=Section.CLIENTS,
        unit=Unit.PERSONS,
        source=queries.consultations,
        pick=lambda figures: _total(figures["persons"]),
        definition=_("Members of the households with a consultation in the month."),
        counts_people=True,
    ),
    Indicator(
        code="consultations",
        label=_("Consultations"),
        section=Section.CLIENTS,
        unit=Unit.COUNT,
        source=queries.consultations,
        pick=lambda figures: _total(figures["count"]),
        definition=_("Consultations (visits, calls, field visits) in the month."),
        counts_people=False,
    ),
    Indicator(
        code="consultation_minutes",
        label=_("Time spent in consultations"),
        section=Section.CLIENTS,
        unit=Unit.MINUTES,
        source=queries.consultations,
        pick=lambda figures: _total(figures["minutes"]),
        definition=_("Minutes of the consultations in the month."),
        counts_people=False,
    ),
    Indicator(
        code="consultations_by_topic",
        label=_("Consultations by topic"),
        section=Section.CLIENTS,
        unit=Unit.COUNT,
        source=queries.consultations,
        pick=lambda figures: _by_choice(ConsultationTopic, figures["by_topic"], "count"),
        definition=_("A consultation on several topics counts under each of them."),
        counts_people=False,
    ),
    Indicator(
        code="consultation_minutes_by_topic",
        label=_("Time spent by topic"),
        section=Section.CLIENTS,
        unit=Unit.MINUTES,
        source=queries.consultations,
        pick=lambda figures: _by_choice(ConsultationTopic, figures["by_topic"], "minutes"),
        definition=_("A consultation on several topics counts its minutes under each of them."),
        counts_people=False,
    ),
    Indicator(
        code="consultations_by_channel",
        label=_("Consultations by channel"),
        section=Section.CLIENTS,
        unit=Unit.COUNT,
        source=queries.consultations,
        pick=lambda figures: _by_choice(ConsultationChannel, figures["by_channel"], "count"),
        definition=_("Consultations in the month by how they took place."),
        counts_people=False,
    ),
    Indicator(
        code="consultation_minutes_by_channel",
        label=_("Time spent by channel"),
        section=Section.CLIENTS,
        unit=Unit.MINUTES,
        source=queries.consultations,
        pick=lambda figures: _by_choice(ConsultationChannel, figures["by_channel"], "minutes"),
        definition=_("Minutes of the consultations in the month by how they took place."),
        counts_people=False,
    ),
)


# --- Housing ----------------------------------------------------------------------------------


def _retention_6(area: Area, month: Month) -> list[dict]:
    return queries.retention(area, month, after_months=6)


def _retention_12(area: Area, month: Month) -> list[dict]:
    return queries.retention(area, month, after_months=12)


def _retention(cohorts: list[dict]) -> dict:
    """The rate of the cohort that reaches the anniversary in the month; the trailing cohorts
    (newest first) as rows."""
    rows = tuple(
        Row(
            key=str(cohort["cohort"]),
            label=str(cohort["cohort"]),
            value=percent(cohort["retained"], cohort["leases"]),
            base=cohort["leases"],
        )
        for cohort in cohorts
    )
    return {"value": rows[0].value, "base": rows[0].base, "rows": rows}


def _lease_ends(figures: dict) -> dict:
    return _by_choice(LeaseEndReason, {k: {"n": n} for k, n in figures["ended"].items()}, "n")


register(
    Indicator(
        code="households_housed",
        label=_("Households housed"),
        section=Section.HOUSING,
        unit=Unit.HOUSEHOLDS,
        source=queries.housed,
        pick=lambda figures: _by_choice(Program, figures, "households"),
        definition=_(
            "Households whose lease started in the month, by the flat's program (a conversion "
            "to a standard lease does not count)."
        ),
        counts_people=True,
    ),
    Indicator(
        code="persons_housed",
        label=_("Persons housed"),
        section=Section.HOUSING,
        unit=Unit.PERSONS,
        source=queries.housed,
        pick=lambda figures: _by_choice(Program, figures, "persons"),
        definition=_("Members of the households housed in the month, by the flat's program."),
        counts_people=True,
    ),
    Indicator(
        code="leases_signed",
        label=_("Leases signed"),
        section=Section.HOUSING,
        unit=Unit.COUNT,
        source=queries.leases,
        pick=lambda figures: _total(figures["signed"]),
        definition=_(
            "Leases and subleases starting in the month, conversions to a standard lease included."
        ),
        counts_people=True,
    ),
    Indicator(
        code="leases_extended",
        label=_("Leases extended"),
        section=Section.HOUSING,
        unit=Unit.COUNT,
        source=queries.leases,
        pick=lambda figures: _total(figures["extended"]),
        definition=_("Extensions of leases agreed in the month."),
        counts_people=True,
    ),
    Indicator(
        code="leases_ended",
        label=_("Leases ended"),
        section=Section.HOUSING,
        unit=Unit.COUNT,
        source=queries.leases,
        pick=_lease_ends,
        definition=_("Leases that ended in the month, by how they ended."),
        counts_people=True,
    ),
    Indicator(
        code="retention_6m",
        label=_("Housing retention after 6 months"),
        section=Section.HOUSING,
        unit=Unit.PERCENT,
        source=_retention_6,
        pick=_retention,
        definition=_(
            "Of the leases that started six months before the month, the share still running "
            "on their six-month anniversary or ended by moving to a standard lease (a lease "
            "ended by death before it is left out); the earlier cohorts follow."
        ),
        counts_people=True,
    ),
    Indicator(
        code="retention_12m",
        label=_("Housing retention after 12 months"),
        section=Section.HOUSING,
        unit=Unit.PERCENT,
        source=_retention_12,
        pick=_retention,
        definition=_(
            "Of the leases that started twelve months before the month, the share still running "
            "on their first anniversary or ended by moving to a standard lease (a lease ended by "
            "death before it is left out); the earlier cohorts follow."
        ),
        counts_people=True,
    ),
)


# --- Prevention -------------------------------------------------------------------------------


def _prevention_closed(figures: dict) -> dict:
    return _by_choice(CloseReason, {k: {"n": n} for k, n in figures["closed"].items()}, "n")


register(
    Indicator(
        code="prevention_entered",
        label=_("Cases entering prevention"),
        section=Section.PREVENTION,
        unit=Unit.HOUSEHOLDS,
        source=queries.prevention,
        pick=lambda figures: _total(figures["entered"]),
        definition=_("Cases moved to prevention of housing loss in the month."),
        counts_people=True,
    ),
    Indicator(
        code="prevention_at_end",
        label=_("Cases in prevention"),
        section=Section.PREVENTION,
        unit=Unit.HOUSEHOLDS,
        source=queries.prevention,
        pick=lambda figures: _total(figures["at_end"]),
        definition=_("Cases in prevention of housing loss on the month's last day."),
        counts_people=True,
        drilldown=Drilldown(
            "clients:case-list",
            lambda area, key: _case_list(area, status=CaseStatus.PREVENTION.value),
        ),
    ),
    Indicator(
        code="prevention_closed",
        label=_("Prevention cases closed"),
        section=Section.PREVENTION,
        unit=Unit.HOUSEHOLDS,
        source=queries.prevention,
        pick=_prevention_closed,
        definition=_(
            "Cases closed in the month that had been in prevention, by the reason for closing "
            "(“housing kept” is the success)."
        ),
        counts_people=True,
    ),
)


# --- Debts ------------------------------------------------------------------------------------


def _debt_by_creditor(figures: dict) -> dict:
    picked = _by_choice(
        CreditorKind, figures["by_creditor"], "amount", base="households", zero=ZERO
    )
    return {**picked, "base": figures["households"]}


def _debt_analysis(area: Area, key: str | None) -> dict | None:
    return _whole_kmb_only(area)


register(
    Indicator(
        code="schedules_active",
        label=_("Repayment schedules"),
        section=Section.DEBTS,
        unit=Unit.COUNT,
        source=queries.repayment_schedules,
        pick=lambda figures: _total(figures["active"]),
        definition=_(
            "Repayment schedules in force in the month: the first instalment due by its end, "
            "not ended before it."
        ),
        counts_people=True,
    ),
    Indicator(
        code="persons_with_schedule",
        label=_("Persons with a repayment schedule"),
        section=Section.DEBTS,
        unit=Unit.PERSONS,
        source=queries.repayment_schedules,
        pick=lambda figures: _total(figures["persons"]),
        definition=_("Debtors of the repayment schedules in force in the month."),
        counts_people=True,
    ),
    Indicator(
        code="schedules_on_track",
        label=_("Repayment schedules on track"),
        section=Section.DEBTS,
        unit=Unit.COUNT,
        source=queries.repayment_schedules,
        pick=lambda figures: _total(figures["on_track"], base=figures["active"]),
        definition=_(
            "Of the schedules in force, those not behind by an instalment on the month's last "
            "day (paid off counts as on track)."
        ),
        counts_people=True,
        drilldown=Drilldown("clients:debt-worklist", _whole_kmb_only),
    ),
    Indicator(
        code="indebted_households",
        label=_("Indebted households"),
        section=Section.DEBTS,
        unit=Unit.HOUSEHOLDS,
        source=queries.debts,
        pick=lambda figures: _total(figures["households"]),
        definition=_(
            "Households with an outstanding debt (as recorded now) that arose by the month's end."
        ),
        counts_people=True,
        drilldown=Drilldown("clients:debt-analysis", _debt_analysis),
    ),
    Indicator(
        code="debt_total",
        label=_("Debts in total"),
        section=Section.DEBTS,
        unit=Unit.CZK,
        source=queries.debts,
        pick=lambda figures: _total(figures["total"], base=figures["households"]),
        definition=_("The current amounts of the outstanding debts of the households."),
        counts_people=True,
        drilldown=Drilldown("clients:debt-analysis", _debt_analysis),
    ),
    Indicator(
        code="debt_median",
        label=_("Median debt of an indebted household"),
        section=Section.DEBTS,
        unit=Unit.CZK,
        source=queries.debts,
        pick=lambda figures: _total(figures["median"], base=figures["households"]),
        definition=_("Half of the indebted households owe less than this, half more."),
        counts_people=True,
        drilldown=Drilldown("clients:debt-analysis", _debt_analysis),
    ),
    Indicator(
        code="debt_by_creditor",
        label=_("Debts by creditor"),
        section=Section.DEBTS,
        unit=Unit.CZK,
        source=queries.debts,
        pick=_debt_by_creditor,
        definition=_("Outstanding debts by kind of creditor (each row: how many households owe)."),
        counts_people=True,
        drilldown=Drilldown("clients:debt-analysis", _debt_analysis),
    ),
)


# --- Guarantees -------------------------------------------------------------------------------


def _fund_balances(figures: dict) -> dict:
    rows = tuple(
        Row(key=str(fund["pk"]), label=fund["name"], value=fund["balance"])
        for fund in figures["funds"]
    )
    return {"value": sum((row.value for row in rows), Decimal("0.00")), "rows": rows}


register(
    Indicator(
        code="guarantees_active",
        label=_("Guarantees in force"),
        section=Section.GUARANTEES,
        unit=Unit.COUNT,
        source=queries.guarantees,
        pick=lambda figures: _total(figures["active"]),
        definition=_("Guarantees valid on at least one day of the month."),
        counts_people=True,
        drilldown=Drilldown(
            "guarantees:guarantee-list",
            lambda area, key: None if area.municipality_id else {"state": "running"},
        ),
    ),
    Indicator(
        code="claims_paid",
        label=_("Guarantee claims paid"),
        section=Section.GUARANTEES,
        unit=Unit.COUNT,
        source=queries.guarantees,
        pick=lambda figures: _total(figures["claims_paid"]["count"]),
        definition=_("Claims under guarantees paid out in the month."),
        counts_people=True,
    ),
    Indicator(
        code="claims_paid_amount",
        label=_("Guarantee claims paid (amount)"),
        section=Section.GUARANTEES,
        unit=Unit.CZK,
        source=queries.guarantees,
        pick=lambda figures: _total(
            figures["claims_paid"]["amount"], base=figures["claims_paid"]["count"]
        ),
        definition=_("The amounts of the claims paid out in the month."),
        counts_people=True,
    ),
    Indicator(
        code="fund_balance",
        label=_("Guarantee fund balances"),
        section=Section.GUARANTEES,
        unit=Unit.CZK,
        source=queries.guarantees,
        pick=_fund_balances,
        definition=_(
            "What each guarantee fund of the area held at the month's end: contributions less "
            "payouts."
        ),
        counts_people=False,
        drilldown=Drilldown("guarantees:fund-list", _whole_kmb_only),
    ),
)


# --- Housing need -----------------------------------------------------------------------------

NOT_RECORDED = ""


def _by_ethos(field: str) -> Callable[[dict], dict]:
    def pick(figures: dict) -> dict:
        per_code: dict[str, int] = {}
        for (ethos, _hostel), row in figures.items():
            per_code[ethos] = per_code.get(ethos, 0) + row[field]
        rows = [
            Row(key=code.value, label=code.label, value=per_code.get(code, 0)) for code in Ethos
        ]
        if per_code.get(NOT_RECORDED):
            rows.append(
                Row(key=NOT_RECORDED, label=_("Not recorded"), value=per_code[NOT_RECORDED])
            )
        return {"value": sum(per_code.values()), "rows": tuple(rows)}

    return pick


def _by_ethos_group(figures: dict) -> dict:
    per_group: dict[str, int] = {}
    for (ethos, _hostel), row in figures.items():
        if ethos != NOT_RECORDED:
            group = ETHOS_GROUPS[Ethos(ethos)]
            per_group[group] = per_group.get(group, 0) + row["households"]
    rows = tuple(
        Row(key=group.value, label=group.label, value=per_group.get(group, 0))
        for group in EthosGroup
    )
    return {"value": sum(row.value for row in rows), "rows": rows}


def _in_hostel(field: str) -> Callable[[dict], dict]:
    def pick(figures: dict) -> dict:
        return _total(sum(row[field] for (_ethos, hostel), row in figures.items() if hostel))

    return pick


def _need_case_list(area: Area, key: str | None) -> dict:
    return _case_list(area, ethos=key) if key else _case_list(area)


register(
    Indicator(
        code="need_households",
        label=_("Households in housing need by ETHOS"),
        section=Section.NEED,
        unit=Unit.HOUSEHOLDS,
        source=queries.housing_need,
        pick=_by_ethos("households"),
        definition=_(
            "Households with an open case on the month's last day, by the ETHOS category of "
            "their situation recorded by then."
        ),
        counts_people=True,
        drilldown=Drilldown("clients:case-list", _need_case_list),
    ),
    Indicator(
        code="need_persons",
        label=_("Persons in housing need by ETHOS"),
        section=Section.NEED,
        unit=Unit.PERSONS,
        source=queries.housing_need,
        pick=_by_ethos("persons"),
        definition=_("Members of the households in housing need, by ETHOS category."),
        counts_people=True,
        drilldown=Drilldown("clients:case-list", _need_case_list),
    ),
    Indicator(
        code="need_households_by_group",
        label=_("Households in housing need by ETHOS group"),
        section=Section.NEED,
        unit=Unit.HOUSEHOLDS,
        source=queries.housing_need,
        pick=_by_ethos_group,
        definition=_("Households in housing need: roofless, houseless, insecure, inadequate."),
        counts_people=True,
    ),
    Indicator(
        code="hostel_households",
        label=_("Households in commercial hostels"),
        section=Section.NEED,
        unit=Unit.HOUSEHOLDS,
        source=queries.housing_need,
        pick=_in_hostel("households"),
        definition=_(
            "Of the households in housing need, those living in a commercial hostel (ubytovna; "
            "ETHOS 3 or 8), reported separately."
        ),
        counts_people=True,
    ),
    Indicator(
        code="hostel_persons",
        label=_("Persons in commercial hostels"),
        section=Section.NEED,
        unit=Unit.PERSONS,
        source=queries.housing_need,
        pick=_in_hostel("persons"),
        definition=_("Members of the households living in a commercial hostel."),
        counts_people=True,
    ),
)


# --- Added later ------------------------------------------------------------------------------
# Referrals by service type and outcome; the waiting list; gaps in the support network and the
# households each provider supports; check-ins done vs due; Liberec's project figures (private
# owners engaged, leases signed or extended).


def _coverage(field: str) -> Callable[[dict], dict]:
    def pick(figures: dict) -> dict:
        return _by_choice(HOUSING_SUPPORT_TYPES, figures["by_kind"], field)

    return pick


def _by_provider(figures: list[dict]) -> dict:
    rows = tuple(
        Row(
            key=str(row["provider"]),
            label=row["provider__organisation__name"],
            value=row["households"],
        )
        for row in figures
    )
    return {"value": sum(row.value for row in rows), "rows": rows}


def _check_in_results(figures: dict) -> dict:
    results = {choice: {"n": figures[choice]} for choice in CheckInResult.values}
    return {**_by_choice(CheckInResult, results, "n"), "base": figures["due"]}


register(
    Indicator(
        code="referrals_sent",
        label=_("Referrals to services"),
        section=Section.REFERRALS,
        unit=Unit.COUNT,
        source=queries.referrals,
        pick=lambda figures: _by_choice(ServiceType, figures["by_kind"], "count"),
        definition=_(
            "Referrals of households to a provider's service sent in the month, by the type of "
            "the service."
        ),
        counts_people=True,
    ),
    Indicator(
        code="referrals_by_outcome",
        label=_("Referrals by outcome"),
        section=Section.REFERRALS,
        unit=Unit.COUNT,
        source=queries.referrals,
        pick=lambda figures: _by_choice(ReferralState, figures["by_state"], "count"),
        definition=_(
            "The referrals sent in the month by where they stand now: waiting for an answer, "
            "accepted, refused, support started, ended."
        ),
        counts_people=True,
    ),
    Indicator(
        code="households_referred",
        label=_("Households referred"),
        section=Section.REFERRALS,
        unit=Unit.HOUSEHOLDS,
        source=queries.referrals,
        pick=lambda figures: _total(figures["households"]),
        definition=_("Households with at least one referral to a service sent in the month."),
        counts_people=True,
    ),
    Indicator(
        code="waiting_households",
        label=_("Households on the waiting list"),
        section=Section.WAITING,
        unit=Unit.HOUSEHOLDS,
        source=queries.waiting_list,
        pick=lambda figures: _total(figures["households"]),
        definition=_(
            "Households whose housing application was waiting on the month's last day (parked "
            "applications not counted)."
        ),
        counts_people=True,
        drilldown=Drilldown("housing:application-list", _whole_kmb_only),
    ),
    Indicator(
        code="waiting_median_days",
        label=_("Median waiting time"),
        section=Section.WAITING,
        unit=Unit.DAYS,
        source=queries.waiting_list,
        pick=lambda figures: _total(figures["median_days"], base=figures["households"]),
        definition=_(
            "Half of the households on the waiting list at the month's end had waited fewer "
            "days since their application, half more."
        ),
        counts_people=True,
    ),
    Indicator(
        code="coverage_missing",
        label=_("Municipalities without housing support"),
        section=Section.NETWORK,
        unit=Unit.COUNT,
        source=queries.coverage_gaps,
        pick=_coverage("missing"),
        definition=_(
            "For each type of social work in the flat: the area's municipalities that no active "
            "service covers (in total: municipality × type without a service). The network as "
            "recorded now."
        ),
        counts_people=False,
        drilldown=Drilldown("providers:coverage", lambda area, key: {}),
    ),
    Indicator(
        code="coverage_full",
        label=_("Municipalities where housing support is full"),
        section=Section.NETWORK,
        unit=Unit.COUNT,
        source=queries.coverage_gaps,
        pick=_coverage("full"),
        definition=_(
            "For each type of social work in the flat: the area's municipalities whose every "
            "covering service has no free place. The network as recorded now."
        ),
        counts_people=False,
        drilldown=Drilldown("providers:coverage", lambda area, key: {}),
    ),
    Indicator(
        code="households_by_provider",
        label=_("Households supported by provider"),
        section=Section.NETWORK,
        unit=Unit.HOUSEHOLDS,
        source=queries.households_by_provider,
        pick=_by_provider,
        definition=_(
            "Households with an assistance plan with the provider that is current on the "
            "month's last day."
        ),
        counts_people=True,
    ),
    Indicator(
        code="checkins_due",
        label=_("Check-ins due"),
        section=Section.FOLLOW_UP,
        unit=Unit.HOUSEHOLDS,
        source=queries.check_ins,
        pick=lambda figures: _total(figures["due"]),
        definition=_(
            "Housed households to phone in the month: leases running on its last day, and any "
            "lease whose check-in of the month is recorded."
        ),
        counts_people=True,
        drilldown=Drilldown("housing:checkin-list", _whole_kmb_only),
    ),
    Indicator(
        code="checkins_done",
        label=_("Check-ins done"),
        section=Section.FOLLOW_UP,
        unit=Unit.HOUSEHOLDS,
        source=queries.check_ins,
        pick=_check_in_results,
        definition=_("Of the check-ins due, those recorded for the month, by their result."),
        counts_people=True,
        drilldown=Drilldown("housing:checkin-list", _whole_kmb_only),
    ),
    Indicator(
        code="checkins_done_share",
        label=_("Share of check-ins done"),
        section=Section.FOLLOW_UP,
        unit=Unit.PERCENT,
        source=queries.check_ins,
        pick=lambda figures: _total(percent(figures["done"], figures["due"]), base=figures["due"]),
        definition=_("Check-ins done as a share of those due."),
        counts_people=True,
    ),
    Indicator(
        code="private_owners_engaged",
        label=_("Private owners engaged"),
        section=Section.HOUSING,
        unit=Unit.COUNT,
        source=queries.owners_engaged,
        pick=_total,
        definition=_(
            "Private owners (persons and companies) with a flat in the area who agreed in the "
            "month to let to the KMB's households (the owner's “engaged on” date)."
        ),
        counts_people=True,
    ),
    Indicator(
        code="leases_signed_or_extended",
        label=_("Leases signed or extended"),
        section=Section.HOUSING,
        unit=Unit.COUNT,
        source=queries.leases,
        pick=lambda figures: _total(figures["signed"] + figures["extended"]),
        definition=_(
            "Leases signed in the month and leases extended in the month (as Liberec's project "
            "counts them)."
        ),
        counts_people=True,
    ),
)
