"""Figures as the reports show them: a number, or what stands in for one ("<5", "×", nothing),
with its text in the current language, and the change from the previous month."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

from kmb.redaction import format_czk
from reports.indicators import Number, Unit

COUNT_UNITS = {Unit.COUNT, Unit.HOUSEHOLDS, Unit.PERSONS}


@dataclass(frozen=True)
class Shown:
    """A figure as shown: a number, or what stands instead of it ("<5", "×", None), and its text."""

    value: Number | str | None
    text: str

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | Decimal) and not isinstance(self.value, bool)


def format_figure(value, unit: Unit) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if unit == Unit.CZK:
        return format_czk(value)
    if unit == Unit.PERCENT:
        return f"{number_format(value, 1, use_l10n=True)} %"
    places = 0 if value == int(value) else 1
    number = number_format(value, places, use_l10n=True, force_grouping=True)
    if unit == Unit.DAYS:
        if places:  # Czech: 12,5 dne, not dní
            return pgettext("a fractional number of", "%(days)s days") % {"days": number}
        return ngettext("%(days)s day", "%(days)s days", int(value)) % {"days": number}
    return number


def format_change(change, unit: Unit) -> str:
    if change is None:
        return ""
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    text = format_figure(abs(change), Unit.COUNT if unit == Unit.PERCENT else unit)
    if unit == Unit.PERCENT:
        return gettext("%(change)s pp") % {"change": f"{sign}{text}"}
    return f"{sign}{text}"


def shown(value, unit: Unit) -> Shown:
    return Shown(value, format_figure(value, unit))


def change_of(current: Shown, previous: Shown, unit: Unit) -> Shown:
    """The change from the previous month, only between two numbers shown (a change between a
    hidden figure and a shown one would give the hidden one away)."""
    if not (current.is_number and previous.is_number):
        return Shown(None, "")
    change = current.value - previous.value
    return Shown(change, format_change(change, unit))
