"""The report's figures as they may leave the KMB: the one place where reports apply the
redaction policy (kmb.redaction), by the rule in reports.indicators.

A figure that counts people (or consultations, which are contacts with households) shows 1–4 as
"<5"; a figure computed from fewer than five households (a rate, a median, an amount) is hidden
("×"); and whatever would give a hidden figure away is hidden too: a row through its table's
total, minutes through their consultations, a sum, share or group through what it is made of.
"""

from dataclasses import dataclass, replace

from clients.models import Ethos
from clients.models.codes import ETHOS_GROUPS
from kmb.redaction import HIDDEN, small_count, suppress_table
from reports.figures import COUNT_UNITS
from reports.indicators import INDICATORS, IndicatorValue, Number

# Indicators whose rows are a series (cohorts by month), not parts of the value.
SERIES = {"retention_6m", "retention_12m"}


@dataclass(frozen=True)
class Redacted:
    value: Number | str | None
    rows: list
    note: str = ""


def _small(n: int | None) -> bool:
    return n is not None and isinstance(small_count(n), str)


def figure_for(value, base: int | None, *, counts: bool):
    """One figure as it may leave the KMB: a count through small_count; anything computed from
    fewer than five (its `base`) hidden."""
    if counts and value is not None:
        value = small_count(value)
    if _small(base) and not isinstance(value, str) and value is not None:
        return HIDDEN
    return value


def redact(value: IndicatorValue, *, about_people: bool) -> Redacted:
    """The indicator's value and rows as they may leave the KMB."""
    indicator = value.indicator
    rows = [row.value for row in value.rows]
    if not about_people:
        return Redacted(value.value, rows)
    counts = indicator.unit in COUNT_UNITS
    if not rows or indicator.code in SERIES:
        series = [figure_for(row.value, row.base, counts=counts) for row in value.rows]
        return Redacted(figure_for(value.value, value.base, counts=counts), series)
    if counts:
        table = suppress_table([{"n": row.value} for row in value.rows], ["n"])
        rows = [line["n"] for line in table.rows]
        total = table.totals["n"]
    else:
        # Amounts by row, each computed from its households (`base`): hidden with them.
        table = suppress_table([{"n": row.base or 0} for row in value.rows], ["n"])
        rows = [
            row.value if not isinstance(line["n"], str) else HIDDEN
            for row, line in zip(value.rows, table.rows, strict=True)
        ]
        total = figure_for(value.value, value.base, counts=counts)
    if _small(value.base):
        hidden = [figure_for(row, value.base, counts=counts) for row in rows]
        return Redacted(figure_for(total, value.base, counts=counts), hidden)
    return Redacted(total, rows, table.note)


# Consultations are contacts with households: outside the KMB a topic counted once in a village
# points at a household, so their counts are suppressed like counts of people, and their minutes
# are hidden with the consultations they add up (the consultations are their base).
CONSULTATION_COUNTS = {"consultations", "consultations_by_topic", "consultations_by_channel"}
MINUTES_OF = {
    "consultation_minutes": "consultations",
    "consultation_minutes_by_topic": "consultations_by_topic",
    "consultation_minutes_by_channel": "consultations_by_channel",
}


# Figures shown beside what they are computed from: hidden wherever a part is hidden, or they
# would give it away (signed + extended less signed; the share of check-ins done times those due;
# an ETHOS group less its other categories).
SUM_OF = {"leases_signed_or_extended": ("leases_signed", "leases_extended")}
SHARE_OF = {"checkins_done_share": "checkins_done"}
GROUPS_OF = {"need_households_by_group": "need_households"}


def redact_in(value: IndicatorValue, values: dict[str, IndicatorValue]) -> Redacted:
    """`value` as it may leave the KMB; `values`: the other indicators of the same month (what
    the minutes, sums, shares and groups are computed from)."""
    code = value.code
    if code in MINUTES_OF:
        counted = values[MINUTES_OF[code]]
        bases = {row.key: row.value for row in counted.rows}
        value = replace(
            value,
            base=counted.value,
            rows=tuple(replace(row, base=bases[row.key]) for row in value.rows),
        )
    redacted = redact(value, about_people=about_people(code))
    parts = SUM_OF.get(code, ()) + ((SHARE_OF[code],) if code in SHARE_OF else ())
    if any(isinstance(redact_in(values[part], values).value, str) for part in parts):
        return replace(redacted, value=_hidden(redacted.value))
    if code in GROUPS_OF:
        return replace(
            redacted, rows=_groups_hidden(value, redacted, values[GROUPS_OF[code]], values)
        )
    return redacted


def _hidden(figure):
    return figure if figure is None or isinstance(figure, str) else HIDDEN


def _groups_hidden(value, redacted: Redacted, detail: IndicatorValue, values) -> list:
    """An ETHOS group is hidden when one of its categories is."""
    shown_detail = redact_in(detail, values).rows
    hidden = {
        ETHOS_GROUPS[Ethos(row.key)]
        for row, figure in zip(detail.rows, shown_detail, strict=True)
        if row.key and isinstance(figure, str)
    }
    return [
        _hidden(figure) if row.key in hidden else figure
        for row, figure in zip(value.rows, redacted.rows, strict=True)
    ]


def about_people(code: str) -> bool:
    """Whether the indicator's figures are suppressed outside the KMB."""
    return INDICATORS[code].counts_people or code in CONSULTATION_COUNTS or code in MINUTES_OF
