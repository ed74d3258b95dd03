"""Figures that may leave the KMB: bands instead of exact values, rounded debts, small counts
hidden, small municipalities unnamed, and pseudonymous codes."""

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

# (lowest age, highest age or None): pre-school, compulsory school, older children, and adults in
# bands wide enough that a band does not single anybody out.
AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (6, 14),
    (15, 17),
    (18, 25),
    (26, 39),
    (40, 64),
    (65, None),
)
ADULT_AGE = 18


def age_band(age: int) -> str:
    """The band an age falls in, e.g. "26–39" or "65+"; exact ages never leave the KMB."""
    if age < 0:
        raise ValueError(f"An age cannot be negative: {age}")
    for low, high in AGE_BANDS:
        if high is None:
            return f"{low}+"
        if age <= high:
            return f"{low}–{high}"
    raise AssertionError("the last band is open")


# Upper bounds (CZK a month, inclusive) of the household-income bands; above the last: "over".
INCOME_BANDS: tuple[Decimal, ...] = tuple(
    Decimal(bound) for bound in (10_000, 20_000, 30_000, 45_000, 60_000)
)


def _number(value) -> str:
    """A whole number as people read it in the current language: "10 000" in Czech."""
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def format_czk(amount: Decimal) -> str:
    """A rounded amount in whole crowns: "12 000 Kč" in Czech, "12,000 CZK" in English."""
    return gettext("%(amount)s CZK") % {"amount": _number(amount)}


def income_band(monthly: Decimal) -> str:
    """The band of a household's monthly income (benefits included), e.g. "10,000–20,000 CZK".
    A bound belongs to the lower band: 10,000 is "up to 10,000 CZK"."""
    if monthly < 0:
        raise ValueError(f"An income cannot be negative: {monthly}")
    lower = None
    for upper in INCOME_BANDS:
        if monthly <= upper:
            if lower is None:
                return gettext("up to %(upper)s CZK") % {"upper": _number(upper)}
            return gettext("%(lower)s–%(upper)s CZK") % {
                "lower": _number(lower),
                "upper": _number(upper),
            }
        lower = upper
    return gettext("over %(lower)s CZK") % {"lower": _number(lower)}


DEBT_STEP = Decimal(1_000)
LARGE_DEBT = Decimal(100_000)
LARGE_DEBT_STEP = Decimal(5_000)


def round_debt(amount: Decimal) -> Decimal:
    """A debt rounded to the nearest 1,000 CZK, or 5,000 CZK above 100,000 CZK (halves up).
    A debt that exists is never shown as none: anything above zero is at least 1,000 CZK."""
    if amount < 0:
        raise ValueError(f"A debt cannot be negative: {amount}")
    if amount == 0:
        return Decimal(0)
    step = LARGE_DEBT_STEP if amount > LARGE_DEBT else DEBT_STEP
    rounded = (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded, DEBT_STEP)


def format_debt(amount: Decimal) -> str:
    """A debt as it leaves the KMB: "about 12,000 CZK", or "no debt"."""
    rounded = round_debt(amount)
    if not rounded:
        return gettext("no debt")
    return gettext("about %(amount)s") % {"amount": format_czk(rounded)}


def small_count_threshold() -> int:
    return settings.KMB_SMALL_COUNT


def small_count(n: int) -> int | str:
    """A count as it leaves the KMB: 1 to 4 become "<5" (KMB_SMALL_COUNT), so that nobody can be
    recognised as one of three households. Zero stays 0: it says nobody has the trait, so there is
    nobody to recognise, and a report that hid its zeros would hide that a service is missing."""
    if n < 0:
        raise ValueError(f"A count cannot be negative: {n}")
    threshold = small_count_threshold()
    return f"<{threshold}" if 0 < n < threshold else n


# Shown instead of a count that is not small itself but is hidden so that a small one cannot be
# worked out from a total (secondary suppression).
HIDDEN = "×"
SECONDARY_SUPPRESSION_NOTE = gettext_lazy(
    "× hidden so that counts under %(threshold)s cannot be worked out from the totals."
)


@dataclass(frozen=True)
class SuppressedTable:
    """A report table ready to leave the KMB. `rows` keep their other keys unchanged; a count is
    a number, "<5" or HIDDEN. `totals` are the column totals (None when not asked for); `note` is
    the sentence to print under the table, or "" when nothing needed secondary suppression."""

    rows: list[dict]
    totals: dict[str, int | str] | None
    note: str


def suppress_table(
    rows: Sequence[Mapping],
    count_keys: Sequence[str],
    *,
    totals: bool = True,
    row_total_key: str | None = None,
) -> SuppressedTable:
    """Hide the small counts of a table, and whatever would reveal them through its totals.

    Counts 1–4 become "<5". Where a table shows totals (column totals with `totals=True`; a
    per-row total under `row_total_key`), a line of it with exactly one hidden cell would let a
    reader subtract: the smallest other cell of that line (a zero only if there is no other) is
    then hidden too ("×"), repeated until no line with a shown total has a single hidden cell.
    A total is itself shown through `small_count`. This is deliberately simple, not an optimal
    suppression pattern: it hides somewhat more than the minimum, and it never leaves a hidden
    count computable from one line and its total.
    """
    cells = [{key: row[key] for key in count_keys} for row in rows]
    hidden = {(i, key) for i, row in enumerate(cells) for key in count_keys if _is_small(row[key])}
    primary = set(hidden)
    lines = []
    if totals:
        lines += [[(i, key) for i in range(len(cells))] for key in count_keys]
    if row_total_key:
        lines += [[(i, key) for key in count_keys] for i in range(len(cells))]
    while _hide_one_more(cells, lines, hidden):
        pass
    result = []
    for i, row in enumerate(rows):
        shown = dict(row)
        for key in count_keys:
            if (i, key) in hidden:
                shown[key] = small_count(row[key]) if (i, key) in primary else HIDDEN
        if row_total_key:
            shown[row_total_key] = small_count(sum(cells[i].values()))
        result.append(shown)
    column_totals = None
    if totals:
        column_totals = {key: small_count(sum(row[key] for row in cells)) for key in count_keys}
    note = ""
    if hidden != primary:
        note = str(SECONDARY_SUPPRESSION_NOTE) % {"threshold": small_count_threshold()}
    return SuppressedTable(rows=result, totals=column_totals, note=note)


def _is_small(n: int) -> bool:
    return 0 < n < small_count_threshold()


def _hide_one_more(cells, lines, hidden: set) -> bool:
    """Hide one more cell in the first line whose total would give away its only hidden cell."""
    for line in lines:
        line_hidden = [cell for cell in line if cell in hidden]
        total = sum(cells[i][key] for i, key in line)
        if len(line_hidden) != 1 or _is_small(total):
            continue
        # The smallest other count costs the reader least; a zero only when nothing else is left.
        candidates = [
            (cells[i][key] == 0, cells[i][key], i, key) for i, key in line if (i, key) not in hidden
        ]
        if candidates:
            *_, i, key = min(candidates)
            hidden.add((i, key))
            return True
    return False


def municipality_label(name: str, population: int | None, orp_name: str) -> str:
    """A municipality as it may be named outside the KMB: its name from KMB_REDACTION_MIN_POPULATION
    inhabitants up; a smaller one (or one of unknown size) only by its ORP."""
    threshold = settings.KMB_REDACTION_MIN_POPULATION
    if population is not None and population >= threshold:
        return name
    if not orp_name:
        return gettext("a municipality outside the KMB's area")
    if population is None:
        return gettext("a municipality in the ORP %(orp)s") % {"orp": orp_name}
    return gettext("a municipality under %(population)s inhabitants (ORP %(orp)s)") % {
        "population": _number(threshold),
        "orp": orp_name,
    }


# No 0/O, 1/I/L: a code is read aloud at a commission and typed from paper.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PSEUDONYM_PATTERN = re.compile(rf"^KMB-[{PSEUDONYM_ALPHABET}]{{4}}-[{PSEUDONYM_ALPHABET}]{{4}}$")


def new_pseudonym() -> str:
    """A random code such as "KMB-7F3A-92CX": drawn by `secrets`, never derived from anything
    about the person, so it cannot be reversed. Store it with a unique constraint and draw again on
    the (one in 850 billion) collision."""
    chars = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
    return f"KMB-{chars[:4]}-{chars[4:]}"


def is_pseudonym(code: str) -> bool:
    return bool(PSEUDONYM_PATTERN.match(code))
