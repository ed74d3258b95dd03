"""The anonymised case summary the housing commission reads.

The housing app loads plain facts about a household and calls `redact_case_summary`; everything
that decides what the commission may see happens here. Labels of code lists (ETHOS, relationship,
benefit, creditor kind, recommendation) are passed in already translated, as the code lists live
in the apps (`Ethos(code).label`): never pass a free-text field as a label.
"""

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kmb.redaction.checker import Finding, check_free_text, find_personal_data
from kmb.redaction.figures import (
    ADULT_AGE,
    age_band,
    format_debt,
    income_band,
    is_pseudonym,
    municipality_label,
    round_debt,
)


@dataclass(frozen=True)
class HouseholdIdentifiers:
    """What identifies a household, for the free-text checker only: it is never copied into an
    output. `places` are names that must not appear (small municipalities, a hostel's name)."""

    names: tuple[str, ...] = ()
    birth_dates: tuple[datetime.date, ...] = ()
    birth_numbers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    def find(self, text: str) -> list[Finding]:
        return find_personal_data(text, **asdict(self))

    def check(self, text: str) -> str:
        """`text` if clean, else a ValidationError: use it in a form's `clean_<field>`."""
        return check_free_text(text, **asdict(self))


@dataclass(frozen=True)
class MemberFacts:
    age: int  # completed years on the day of the summary (clients.models.people.age_on)
    relationship: str  # label, e.g. Relationship.CHILD.label


@dataclass(frozen=True)
class DebtFacts:
    creditor: str  # label of the creditor kind, e.g. CreditorKind.ENERGY.label
    amount: Decimal  # what is owed now
    to_municipality: bool = False  # owed to the municipality whose commission decides
    confirmed: bool = False  # that municipality's housing department confirmed the amount
    distraint: bool = False
    insolvency: bool = False


class Residence(NamedTuple):
    """The municipality of permanent residence; population None when unknown (then unnamed)."""

    name: str
    population: int | None
    orp_name: str


@dataclass(frozen=True)
class MemberLine:
    relationship: str
    age_band: str


@dataclass(frozen=True)
class DebtLine:
    creditor: str
    amount: Decimal  # rounded (round_debt)


EMPTY = "—"


@dataclass(frozen=True)
class AnonymisedSummary:
    """What the housing commission sees about a household, and nothing more. Amounts are
    rounded, ages are bands; `recommendation_text` has passed the free-text checker. Keep it as
    `to_dict()` (a JSONField: what the commission saw stays as it was), read it back with
    `from_dict()`, show it with `rows()`."""

    code: str
    members: tuple[MemberLine, ...]
    adults: int
    children: int
    ethos: str
    residence: str
    income_band: str
    benefits: tuple[str, ...]
    debts: tuple[DebtLine, ...]
    debt_total: Decimal
    municipal_debt: Decimal
    municipal_debt_unconfirmed: bool
    distraint: bool
    insolvency: bool
    needs: tuple[str, ...]
    plan_goals_met: int
    plan_goals_total: int
    cooperation: tuple[tuple[str, int], ...]
    recommendation: str
    readiness: tuple[str, ...]
    recommendation_text: str

    def rows(self) -> list[tuple[str, str]]:
        """(heading, value) pairs in the current language, for the agenda, a page or the PDF."""
        values = {
            "code": self.code,
            "members": self._household(),
            "ethos": self.ethos,
            "residence": self.residence,
            "income_band": self.income_band,
            "benefits": ", ".join(self.benefits),
            "debts": self._debts(),
            "debt_total": format_debt(self.debt_total),
            "municipal_debt": self._municipal_debt(),
            "needs": ", ".join(self.needs),
            "plan_goals_met": self._goals(),
            "cooperation": "; ".join(f"{label}: {count}" for label, count in self.cooperation),
            "recommendation": self.recommendation,
            "readiness": ", ".join(self.readiness),
            "recommendation_text": self.recommendation_text,
        }
        return [(str(FIELD_LABELS[name]), value or EMPTY) for name, value in values.items()]

    def _household(self) -> str:
        counts = ", ".join(
            [
                ngettext("%(count)s adult", "%(count)s adults", self.adults)
                % {"count": self.adults},
                ngettext("%(count)s child", "%(count)s children", self.children)
                % {"count": self.children},
            ]
        )
        members = ", ".join(f"{m.relationship} ({m.age_band})" for m in self.members)
        return f"{counts}: {members}" if members else counts

    def _debts(self) -> str:
        lines = [f"{line.creditor}: {format_debt(line.amount)}" for line in self.debts]
        if self.distraint:
            lines.append(gettext("in distraint"))
        if self.insolvency:
            lines.append(gettext("in insolvency"))
        return "; ".join(lines)

    def _municipal_debt(self) -> str:
        text = format_debt(self.municipal_debt)
        if self.municipal_debt_unconfirmed:
            return gettext("%(amount)s, another debt not yet confirmed") % {"amount": text}
        return text

    def _goals(self) -> str:
        if not self.plan_goals_total:
            return gettext("no assistance plan goals yet")
        return gettext("%(met)s of %(total)s") % {
            "met": self.plan_goals_met,
            "total": self.plan_goals_total,
        }

    def to_dict(self) -> dict:
        """JSON-ready (amounts as strings), e.g. for the agenda item that keeps what the
        commission saw."""
        data = asdict(self)
        data["debt_total"] = str(self.debt_total)
        data["municipal_debt"] = str(self.municipal_debt)
        data["debts"] = [{"creditor": d.creditor, "amount": str(d.amount)} for d in self.debts]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "AnonymisedSummary":
        values = dict(data)
        values["members"] = tuple(MemberLine(**member) for member in data["members"])
        values["debts"] = tuple(
            DebtLine(debt["creditor"], Decimal(debt["amount"])) for debt in data["debts"]
        )
        values["debt_total"] = Decimal(data["debt_total"])
        values["municipal_debt"] = Decimal(data["municipal_debt"])
        values["cooperation"] = tuple(tuple(pair) for pair in data["cooperation"])
        for name in ("benefits", "needs", "readiness"):
            values[name] = tuple(data[name])
        return cls(**values)


# The policy in one place: these fields, and no others, leave the KMB about a household. A new
# field is a decision about people's privacy; the tests hold this list and the class together.
ALLOWED_SUMMARY_FIELDS = tuple(field.name for field in fields(AnonymisedSummary))

FIELD_LABELS = {
    "code": _("Code"),
    "members": _("Household"),
    "adults": _("Adults"),
    "children": _("Children"),
    "ethos": _("Housing situation (ETHOS)"),
    "residence": _("Permanent residence"),
    "income_band": _("Monthly income of the household"),
    "benefits": _("Benefits"),
    "debts": _("Debts by creditor (rounded)"),
    "debt_total": _("Debts in total (rounded)"),
    "municipal_debt": _("Debt to the municipality confirmed by its housing department"),
    "municipal_debt_unconfirmed": _("Another debt to the municipality not yet confirmed"),
    "distraint": _("In distraint"),
    "insolvency": _("In insolvency"),
    "needs": _("Needs"),
    "plan_goals_met": _("Assistance plan goals met"),
    "plan_goals_total": _("Assistance plan goals"),
    "cooperation": _("Cooperation with support providers"),
    "recommendation": _("Case manager's recommendation"),
    "readiness": _("The case manager vouches for"),
    "recommendation_text": _("Recommendation in the case manager's words"),
}


def redact_case_summary(
    *,
    code: str,
    identifiers: HouseholdIdentifiers,
    members: Iterable[MemberFacts],
    ethos: str,
    residence: Residence | None,
    monthly_income: Decimal,
    benefits: Iterable[str] = (),
    debts: Iterable[DebtFacts] = (),
    needs: Iterable[str] = (),
    plan_goals_met: int = 0,
    plan_goals_total: int = 0,
    cooperation: Iterable[tuple[str, int]] = (),
    recommendation: str = "",
    readiness: Iterable[str] = (),
    recommendation_text: str = "",
) -> AnonymisedSummary:
    """The anonymised summary of a household from plain facts.

    `code` is the household's pseudonym (`new_pseudonym`); `identifiers` only serve to check
    `recommendation_text` again, however it was checked when it was written (a member may have
    joined since). `monthly_income` includes benefits. `cooperation` is (label, count) pairs such
    as ("Home visits", 12). Raises ValueError for a code that is not a pseudonym and ValidationError
    for a text with personal data.
    """
    if not is_pseudonym(code):
        raise ValueError(f"Not a pseudonym: {code!r}")
    identifiers.check(recommendation_text)
    members = tuple(members)
    debts = tuple(debts)
    municipal = [debt for debt in debts if debt.to_municipality]
    return AnonymisedSummary(
        code=code,
        members=tuple(MemberLine(str(m.relationship), age_band(m.age)) for m in members),
        adults=sum(m.age >= ADULT_AGE for m in members),
        children=sum(m.age < ADULT_AGE for m in members),
        ethos=str(ethos),
        residence=municipality_label(*residence) if residence else gettext("not recorded"),
        income_band=income_band(monthly_income),
        benefits=_unique(benefits),
        debts=_debts_by_creditor(debts),
        debt_total=round_debt(sum((debt.amount for debt in debts), Decimal(0))),
        municipal_debt=round_debt(
            sum((debt.amount for debt in municipal if debt.confirmed), Decimal(0))
        ),
        municipal_debt_unconfirmed=any(not debt.confirmed for debt in municipal),
        distraint=any(debt.distraint for debt in debts),
        insolvency=any(debt.insolvency for debt in debts),
        needs=_unique(needs),
        plan_goals_met=plan_goals_met,
        plan_goals_total=plan_goals_total,
        cooperation=_counts_by_label(cooperation),
        recommendation=str(recommendation),
        readiness=_unique(readiness),
        recommendation_text=recommendation_text.strip(),
    )


def _unique(labels: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(label) for label in labels))


def _debts_by_creditor(debts: tuple[DebtFacts, ...]) -> tuple[DebtLine, ...]:
    """One line per creditor kind, the sum rounded (rounding each debt would let small debts
    vanish or add up to a figure that was never owed)."""
    totals: dict[str, Decimal] = {}
    for debt in debts:
        totals[str(debt.creditor)] = totals.get(str(debt.creditor), Decimal(0)) + debt.amount
    return tuple(
        DebtLine(creditor, round_debt(total)) for creditor, total in totals.items() if total
    )


def _counts_by_label(pairs: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    totals: dict[str, int] = {}
    for label, count in pairs:
        totals[str(label)] = totals.get(str(label), 0) + count
    return tuple(totals.items())
