"""Debts of the demo households: what they owe, to whom, and how their repayment schedules go.

Drawn after the case files, each household from its own generator (seeded by its number), so the
households themselves come out as before. A household that already has a debt is left alone and one
drawn without debts draws none again, so a second run adds nothing. Schedules and payments go
through clients.debts, so each debt's current amount and state follow its payments; a payment's
token is derived from the household, the debt and the instalment.
"""

from __future__ import annotations

import datetime
import math
import random
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch

from clients import debts as debt_services
from clients.models import (
    MANAGED_STATUSES,
    Case,
    Client,
    Debt,
    DebtState,
    Household,
    Relationship,
    RepaymentSchedule,
)
from clients.models.debts import CreditorKind
from clients.schedules import Terms, add_months, due_dates
from demo.case_files.data import (
    CONFIRMATIONS,
    CONFIRMERS,
    DEBT_BURDENS,
    DEBT_CHANCE,
    DEBT_CHANCE_BY_REASON,
    DEBT_COUNTS,
    DEBT_SEED,
    DEBT_TYPES,
    INSOLVENCY_DEBTS,
    MISSED,
    OTHER_DEBTS,
    OTHER_LANDLORD_TOWNS,
    OWN_BEHIND,
    OWN_LOGIN,
    PAYMENT_TOKENS,
    SCHEDULE_COURSES,
    TOKENS,
    TOWNS,
)

if TYPE_CHECKING:
    from demo.case_files.builder import Office, Plan

RENT_ARREARS_REASONS = {"arrears", "notice_to_quit", "risk_of_loss"}
# Types a household may owe more than once (two phone operators, several loans).
REPEATABLE = {"energy", "telecom", "non_bank_loan", "fare_fine", "other"}
SMALLEST_SCHEDULED = Decimal(1500)


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def hundreds_up(amount: Decimal) -> Decimal:
    return Decimal(math.ceil(amount / 100) * 100)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def build_debts(office: Office, plans: list[Plan]) -> int:
    """Draw the debts of the demo households that have none yet; return how many were recorded."""
    by_token = {uuid.uuid5(TOKENS, str(plan.number)): plan for plan in plans}
    own = [
        plan.number
        for plan in plans
        if plan.case_manager == OWN_LOGIN and plan.status in MANAGED_STATUSES
    ]
    behind = set(own[:OWN_BEHIND])
    households = (
        Household.objects.filter(kmb=office.kmb, intake_token__in=by_token)
        .exclude(Exists(Debt.objects.filter(debtor__household=OuterRef("pk"))))
        .prefetch_related(
            "members",
            "incomes",
            "situations",
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("case_manager").prefetch_related("reasons"),
            ),
        )
        .order_by("pk")
    )
    count = 0
    for household in households:
        plan = by_token[household.intake_token]
        rng = random.Random(f"{DEBT_SEED}-{plan.number}")
        count += HouseholdDebts(office, plan, household, rng, plan.number in behind).build()
    return count


class HouseholdDebts:
    """One household's debts and schedules, drawn from the household's own generator."""

    def __init__(
        self, office: Office, plan: Plan, household: Household, rng: random.Random, behind: bool
    ):
        self.office, self.plan, self.household, self.rng = office, plan, household, rng
        self.today = office.today
        self.must_fall_behind = behind  # the demo social worker's case with a schedule behind
        self.case = max(household.cases.all(), key=lambda case: (case.opened_on, case.pk))
        self.opened = self.case.opened_on
        self.reasons = {entry.reason for entry in self.case.reasons.all()}
        self.by = self.case.case_manager or office.head
        self.members = sorted(household.members.all(), key=lambda member: member.pk)
        self.applicant = next(m for m in self.members if m.relationship == Relationship.APPLICANT)
        today = self.today
        current = [i for i in household.incomes.all() if i.since <= today <= (i.until or today)]
        self.income = sum((income.monthly_amount for income in current), Decimal(0))
        self.hostel = any(place.in_commercial_hostel for place in household.situations.all())
        self.municipalities = {m.name: m for m in office.municipalities}

    def build(self) -> int:
        rng = self.rng
        chance = max([DEBT_CHANCE, *(DEBT_CHANCE_BY_REASON.get(r, 0) for r in self.reasons)])
        if rng.random() >= chance and not self.must_fall_behind:
            return 0
        burden = pick(rng, DEBT_BURDENS)
        if self.must_fall_behind and burden == "insolvency":
            burden = "heavy"
        debts = [(kind, self.debt(kind, burden)) for kind in self.draw_types(burden)]
        if burden == "heavy":
            self.distrain(debts[1:] if self.must_fall_behind else debts)
        if burden == "insolvency":
            self.insolvency(debts)
        for number, (kind, debt) in enumerate(debts):
            if number > 0 or not self.must_fall_behind:
                self.settle(kind, debt)
            self.confirm(kind, debt)
            debt.full_clean()
            debt.save()
        scheduled = False
        for number, (kind, debt) in enumerate(debts):
            if debt.state != DebtState.OPEN or debt.current_amount < SMALLEST_SCHEDULED:
                continue
            if self.must_fall_behind and not scheduled:
                scheduled = self.schedule(number, kind, debt, "behind")
            elif rng.random() < DEBT_TYPES[kind].schedule_chance:
                self.schedule(number, kind, debt, pick(rng, SCHEDULE_COURSES))
        return len(debts)

    # --- the debts ----------------------------------------------------------------------------

    def draw_types(self, burden: str) -> list[str]:
        rng, types = self.rng, []
        if self.reasons & RENT_ARREARS_REASONS or self.must_fall_behind:
            types.append("municipal_rent" if rng.random() < 0.45 else "landlord_rent")
        if self.hostel and rng.random() < 0.3:
            types.append("hostel")
        low, high = DEBT_COUNTS[burden]
        weights = INSOLVENCY_DEBTS if burden == "insolvency" else OTHER_DEBTS
        for _ in range(rng.randint(low, high)):
            kind = pick(rng, weights)
            if kind in REPEATABLE or kind not in types:
                types.append(kind)
        return types

    def debt(self, kind: str, burden: str) -> Debt:
        rng, today = self.rng, self.today
        spec = DEBT_TYPES[kind]
        debtor = self.applicant if burden == "insolvency" else self.debtor(kind)
        if rng.random() < 0.12 and kind not in ("municipal_rent", "landlord_rent"):
            since = self.opened + days(rng.randint(0, (today - self.opened).days))
        else:
            since = self.opened - days(round(rng.uniform(*spec.years) * 365))
        if self.must_fall_behind and kind.endswith("_rent"):
            since = min(since, today - days(150))  # long enough for a schedule to fall behind
        of_age = years_after(debtor.birth_date, 15 if spec.kind == CreditorKind.FINES else 18)
        if since < of_age:
            since = of_age + days(rng.randint(0, min(730, max(0, (today - of_age).days))))
        low, high = spec.thousands
        amount = Decimal(round(math.exp(rng.uniform(math.log(low), math.log(high))) * 100) * 10)
        current = amount
        if rng.random() < 0.25:
            current = self.tens(amount * Decimal(rng.uniform(1.02, 1.25)))  # interest, late fees
        elif rng.random() < 0.2:
            current = self.tens(amount * Decimal(rng.uniform(0.4, 0.95)))  # partly paid
        municipality = self.creditor_municipality(kind) if spec.kind == "municipality" else None
        return Debt(
            debtor=debtor,
            creditor_kind=spec.kind,
            creditor_municipality=municipality,
            creditor_name=self.municipal_name(municipality)
            if municipality
            else rng.choice(spec.creditors),
            original_amount=amount,
            current_amount=current,
            since=min(since, today),
            state=DebtState.OPEN,
            note=spec.note,
        )

    def debtor(self, kind: str) -> Client:
        """Mostly the applicant; a partner, another adult, or for a fare dodged a teenager.
        Nobody under 15 owes anything."""
        rng = self.rng
        partners = [m for m in self.members if m.relationship == Relationship.PARTNER]
        adults = [m for m in self.members if m.age >= 18 and m != self.applicant]
        teenagers = [m for m in self.members if 15 <= m.age < 18]
        if kind == "fare_fine" and teenagers and rng.random() < 0.3:
            return rng.choice(teenagers)
        draw = rng.random()
        if partners and draw < 0.3:
            return partners[0]
        if adults and draw > 0.92 and kind not in ("municipal_rent", "landlord_rent", "hostel"):
            return rng.choice(adults)
        return self.applicant

    def creditor_municipality(self, kind: str):
        rng = self.rng
        if kind == "waste_fee":
            residence = self.household.permanent_residence
            return residence or self.municipalities["Liberec"]
        name = "Liberec" if rng.random() < 0.85 else rng.choice(OTHER_LANDLORD_TOWNS)
        return self.municipalities[name]

    @staticmethod
    def municipal_name(municipality) -> str:
        if municipality.name == "Liberec":
            return "Statutární město Liberec"
        return f"{'Město' if municipality.name in TOWNS else 'Obec'} {municipality.name}"

    @staticmethod
    def tens(amount: Decimal) -> Decimal:
        return Decimal(round(amount / 10) * 10)

    def distrain(self, debts: list[tuple[str, Debt]]) -> None:
        """Debts over a year old go to distraint, at least one; costs and interest pile up."""
        rng, year_ago = self.rng, self.today - days(365)
        old = [debt for _kind, debt in debts if debt.since <= year_ago]
        chosen = [debt for debt in old if rng.random() < 0.6] or old[:1]
        for debt in chosen:
            debt.state = DebtState.DISTRAINT
            debt.current_amount = self.tens(debt.original_amount * Decimal(rng.uniform(1.2, 2.0)))
            started = self.date_between(debt.since + days(200), self.today - days(30))
            debt.note = (
                f"Exekuce od {started.month}/{started.year}, sp. zn. "
                f"{rng.randint(100, 199)} EX {rng.randint(100, 9999):05d}/{started.year % 100:02d}."
            )

    def insolvency(self, debts: list[tuple[str, Debt]]) -> None:
        """The applicant's oddlužení covers the debts from before the petition."""
        rng = self.rng
        petition = self.today - days(rng.randint(120, 1400))
        for _kind, debt in debts:
            if debt.debtor == self.applicant and debt.since < petition - days(30):
                debt.state = DebtState.INSOLVENCY
                debt.current_amount = max(debt.current_amount, debt.original_amount)
                debt.note = (
                    f"Oddlužení od {petition.month}/{petition.year}, sp. zn. KSLB "
                    f"{rng.randint(54, 87)} INS {rng.randint(1000, 29999)}/{petition.year}."
                )

    def settle(self, kind: str, debt: Debt) -> None:
        """Some debts have been paid off (with help from a foundation or MOP) or written off."""
        if debt.state != DebtState.OPEN:
            return
        draw = self.rng.random()
        if draw < 0.07:
            debt.state, debt.current_amount = DebtState.PAID, Decimal(0)
        elif draw < 0.10 and kind not in ("municipal_rent", "waste_fee"):
            debt.state = DebtState.WRITTEN_OFF

    def confirm(self, kind: str, debt: Debt) -> None:
        """A municipality confirms what is owed to it: lately, long ago, or not yet."""
        if debt.creditor_kind != CreditorKind.MUNICIPALITY:
            return
        rng, today = self.rng, self.today
        course = pick(rng, CONFIRMATIONS)
        if course == "never":
            return
        ago = rng.randint(0, 80) if course == "recent" else rng.randint(95, 420)
        on = today - days(ago)
        if on < debt.since:
            return
        name = debt.creditor_municipality.name
        if name == "Liberec":
            debt.confirmed_by = CONFIRMERS[kind]
        else:
            debt.confirmed_by = f"{'Městský' if name in TOWNS else 'Obecní'} úřad {name}"
        debt.confirmed_on = on

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + days(self.rng.randint(0, max(0, (end - start).days)))

    # --- repayment schedules -------------------------------------------------------------------

    def schedule(self, number: int, kind: str, debt: Debt, course: str) -> bool:
        """Agree a schedule for the whole debt and record the payments made on it so far.
        Returns whether the schedule has fallen behind as the course wanted."""
        rng, today = self.rng, self.today
        total = debt.current_amount
        day = rng.choice([1, 5, 10, 15, 15, 20, 25, rng.randint(1, 28)])
        months = rng.randint(3, 12) if course == "paid_off" else rng.randint(4, 36)
        instalment = hundreds_up(total / months)
        if course != "paid_off":
            affordable = max(Decimal(500), hundreds_up(self.income * Decimal("0.12")))
            instalment = min(instalment, affordable)
        instalment = min(max(instalment, hundreds_up(total / 60), Decimal(300)), total)
        count = math.ceil(total / instalment)
        last_due = add_months(today, 0 if today.day >= day else -1, day)
        # Most schedules were agreed with the KMB's help once the case opened; some before.
        passed = self.dues_between(debt.since + days(14), last_due, day)  # as the debt allows
        in_case = min(passed, self.dues_between(self.opened + days(7), last_due, day))
        bounds = [(1, in_case), (1, passed)]
        if rng.random() < 0.3:
            bounds.insert(0, (in_case + 1, passed))
        missed = min(pick(rng, MISSED), count)
        course, due = self.place(course, bounds, count, missed)
        if course == "paid_off":
            amounts = self.amounts(total, instalment, count)
        elif course == "on_track":
            amounts = self.paid_so_far(total, instalment, count, due)
        elif course == "behind":
            amounts = self.paid_so_far(total, instalment, count, due - missed)
            if missed >= 3 and rng.random() < 0.4:  # still paying, but less than agreed
                part = hundreds_up(instalment * Decimal(rng.uniform(0.3, 0.5)))
                amounts += [min(part, instalment)] * missed
        else:  # not started: due is 0 or -1, the first instalment next month or the one after
            amounts = []
        first_due = add_months(last_due, 1 - due, day)
        terms = Terms(total=total, instalment=instalment, first_due=first_due, day_of_month=day)
        schedule = debt_services.agree_schedule(
            schedule=RepaymentSchedule(
                debt=debt,
                total=total,
                instalment=instalment,
                first_due_on=first_due,
                day_of_month=day,
                planned_end_on=due_dates(terms)[-1],
                agreed_with=DEBT_TYPES[kind].agreed_with.format(creditor=debt.creditor_name),
            ),
            by=self.by,
        )
        self.pay(number, schedule, due_dates(terms), amounts)
        return course == "behind"

    def place(self, course: str, bounds: list, count: int, missed: int) -> tuple[str, int]:
        """The course the schedule can take and how many instalments have fallen due by today,
        within the first of `bounds` (lowest, highest) that allows it; paid off falls back to
        on track, and what cannot have started yet starts next month or the one after."""
        fallbacks = {"paid_off": ["paid_off", "on_track"], "on_track": ["on_track"]}
        for wanted in fallbacks.get(course, [course]):
            for lowest, highest in bounds:
                if wanted == "paid_off":
                    lowest = max(lowest, count)
                    highest = min(highest, lowest + 12)
                elif wanted == "on_track":
                    highest = min(highest, count - 1, lowest + 30)
                elif wanted == "behind":
                    lowest = max(lowest, missed)
                    highest = min(highest, count, lowest + 24)
                else:
                    break
                if lowest <= highest:
                    return wanted, self.rng.randint(lowest, highest)
        return "not_started", -self.rng.randint(0, 1)

    def amounts(self, total: Decimal, instalment: Decimal, count: int) -> list[Decimal]:
        """The planned instalments; now and then two are paid together."""
        amounts = [instalment] * (count - 1) + [total - instalment * (count - 1)]
        for index in range(len(amounts) - 2, 0, -1):
            if self.rng.random() < 0.06:
                amounts[index + 1] += amounts[index]
                amounts[index] = Decimal(0)
        return amounts

    def paid_so_far(self, total: Decimal, instalment: Decimal, count: int, paid: int) -> list:
        """The first `paid` instalments, all of them paid (none left to the next one)."""
        amounts = self.amounts(total, instalment, count)[:paid]
        if amounts and not amounts[-1]:
            amounts[-1] = instalment
        return amounts

    def pay(self, number: int, schedule, dues: list[datetime.date], amounts: list[Decimal]):
        since = schedule.debt.since
        for index, (due, amount) in enumerate(zip(dues, amounts, strict=False)):
            if not amount:
                continue
            paid_on = min(max(due + days(self.rng.randint(-4, 2)), since), self.today)
            debt_services.record_payment(
                schedule=schedule,
                paid_on=paid_on,
                amount=amount,
                token=uuid.uuid5(PAYMENT_TOKENS, f"{self.plan.number}/{number}/{index}"),
                by=self.by,
            )

    @staticmethod
    def dues_between(earliest: datetime.date, last_due: datetime.date, day: int) -> int:
        """How many days `day` of a month fall from `earliest` to `last_due` (itself such a day)."""
        if last_due < earliest:
            return 0
        months = (last_due.year - earliest.year) * 12 + last_due.month - earliest.month
        return months + (1 if earliest.day <= day else 0)
