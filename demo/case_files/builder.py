"""Case files of the demo KMB: about 300 households of KMB Liberec with believable histories.

Each household is drawn from its own seeded generator and carries a deterministic intake token, so
every run draws the same people (dates count back from today) and a second run adds nothing. Names,
addresses and notes are invented. Nothing about ethnicity is kept, as in the real records.
"""

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from clients.models import (
    MANAGED_STATUSES,
    BenefitKind,
    BenefitState,
    CaseStatus,
    Client,
    CloseReason,
    ConsentRecipient,
    Household,
    IncomeKind,
    OpinionOutcome,
    ReferralOutcome,
    Relationship,
    SupportIntensity,
    SupportMeasureKind,
)
from clients.services import check_ages
from demo import builders
from demo.case_files.data import (
    ADDRESSES,
    BENEFIT_STATES,
    CHANNELS,
    CLOSED_PATHS,
    CLOSINGS,
    DSSP_START,
    EARLIER_ETHOS,
    ELSEWHERE,
    ETHOS_PLACES,
    ETHOS_REASONS,
    ETHOS_WEIGHTS,
    FOLLOW_UP_MEASURES,
    FOUNDATIONS,
    HOSTEL_PLACES,
    HOUSED_PLACE,
    INCOME_THOUSANDS,
    MINUTES,
    NEEDS,
    OPENED_DAYS,
    OPENINGS,
    OTHER_CLOSE_REASONS,
    OUTCOME_NOTES,
    OUTCOMES,
    OWN_CASES,
    OWN_LOGIN,
    OWN_STALE,
    PATHS,
    PREVENTION_ETHOS,
    REASON_TOPICS,
    REFERRALS,
    REGISTER_CHANGES,
    REGISTER_STAGES,
    REGISTER_START,
    SECOND_PROVIDER,
    SEED,
    STATUS_COUNTS,
    TOKENS,
    TOPIC_NOTES,
    WORKING_INCOMES,
    S,
)
from demo.case_files.debts import build_debts
from kmb.accounts.models import Organisation, Role, User
from kmb.lib.text import fold
from kmb.territory.models import Municipality
from tests.factories.clients import (
    BenefitFactory,
    CaseFactory,
    CaseReasonEntryFactory,
    CaseStatusChangeFactory,
    ClientFactory,
    ConsentFactory,
    ConsultationFactory,
    ConsultationTopicEntryFactory,
    HouseholdFactory,
    HousingSituationFactory,
    IncomeFactory,
    ReferralFactory,
    RegisterChangeFactory,
    RegisterRecordFactory,
    SupportMeasureFactory,
)


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def feminine(surname: str) -> str:
    """The woman's form of a Czech surname: Novák → Nováková, Černý → Černá, Vaněk → Vaňková."""
    exceptions = {"Havel": "Havlová", "Kadlec": "Kadlecová", "Švec": "Švecová"}
    if surname in exceptions:
        return exceptions[surname]
    if surname.endswith("ý"):
        return surname[:-1] + "á"
    if surname.endswith("ěk"):
        return surname[:-2] + "ňková"
    if surname.endswith("ek"):
        return surname[:-2] + "ková"
    if surname.endswith("ec"):
        return surname[:-2] + "cová"
    if surname.endswith("a"):
        return surname[:-1] + "ová"
    return surname + "ová"


@dataclass(frozen=True)
class Plan:
    """What one household's case is to become; drawn for all households at once so that the
    caseloads come out as the demo needs them."""

    number: int
    status: CaseStatus
    case_manager: str  # username, "" for a new case
    flags: frozenset[str]


def plan_case_files() -> list[Plan]:
    rng = random.Random(SEED)
    statuses = [status for status, count in STATUS_COUNTS.items() for _ in range(count)]
    rng.shuffle(statuses)
    colleagues = [username for username, _first, _last in builders.MORE_SOCIAL_WORKERS]
    plans, own = [], 0
    for number, status in enumerate(statuses):
        if status == S.NEW:
            manager = ""
        elif status == S.CLOSED:
            manager = rng.choice([OWN_LOGIN, *colleagues])
        elif own < OWN_CASES:
            manager, own = OWN_LOGIN, own + 1
        else:
            manager = colleagues[number % len(colleagues)]
        stale = own <= OWN_STALE if manager == OWN_LOGIN else rng.random() < 0.1
        plans.append(Plan(number, status, manager, draw_flags(rng, status, stale=stale)))
    return plans


def draw_flags(rng: random.Random, status: CaseStatus, *, stale: bool) -> frozenset[str]:
    managed = status in MANAGED_STATUSES
    flags = {
        "stale": managed and stale,
        "reopened": status in (S.ACTIVE, S.PREVENTION) and rng.random() < 0.1,
        "earlier_case": rng.random() < 0.06,
        "consent_expiring": status != S.CLOSED and rng.random() < 0.03,
        "register_expiring": managed and rng.random() < 0.05,
    }
    return frozenset(name for name, on in flags.items() if on)


@dataclass
class Office:
    """What every case file refers to: the KMB, its staff, its territory, its partners."""

    kmb: Organisation
    staff: dict[str, User]
    head: User
    municipalities: list[Municipality]
    organisations: dict[str, Organisation]
    today: datetime.date


def build_case_files() -> int:
    """Build the demo households that are still missing, then the debts of those that have none
    (demo.case_files.debts); return how many households were built."""
    kmb = Organisation.objects.get(name=builders.KMB_NAME)
    names = [builders.PROVIDER_NAME, SECOND_PROVIDER, builders.HOUSING_DEPARTMENT_NAME]
    office = Office(
        kmb=kmb,
        staff={user.username: user for user in User.objects.filter(organisation=kmb)},
        head=User.objects.filter(organisation=kmb, role=Role.MANAGER).order_by("pk").first(),
        municipalities=list(Municipality.objects.filter(orp_id=kmb.orp_id).order_by("name")),
        organisations={org.name: org for org in Organisation.objects.filter(name__in=names)},
        today=timezone.localdate(),
    )
    built = set(Household.objects.filter(kmb=kmb).values_list("intake_token", flat=True))
    fake = Faker("cs_CZ")
    count = 0
    plans = plan_case_files()
    for plan in plans:
        token = uuid.uuid5(TOKENS, str(plan.number))
        if token not in built:
            fake.seed_instance(f"{SEED}-{plan.number}")
            CaseFile(office, plan, random.Random(f"{SEED}-{plan.number}"), fake).build(token)
            count += 1
    build_debts(office, plans)
    return count


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class CaseFile:
    """One household and its case, drawn from the household's own random generator."""

    def __init__(self, office: Office, plan: Plan, rng: random.Random, fake: Faker):
        self.office, self.plan, self.rng, self.fake = office, plan, rng, fake
        self.today = office.today
        self.manager = office.staff.get(plan.case_manager)
        on_duty = [OWN_LOGIN, builders.MORE_SOCIAL_WORKERS[0][0]]  # who takes in new clients
        self.intake_by = self.manager or office.staff[rng.choice(on_duty)]
        weights = PREVENTION_ETHOS if plan.status == S.PREVENTION else ETHOS_WEIGHTS
        self.ethos = pick(rng, weights)
        self.hostel = self.ethos in ("3", "8") and rng.random() < 0.4

    def build(self, token: uuid.UUID) -> None:
        people = self.draw_people()
        self.female = people[0]["female"]
        self.path, self.days = self.draw_path()
        self.reasons = self.draw_reasons()
        self.household = self.save_household(token)
        self.people = [ClientFactory(household=self.household, **person) for person in people]
        self.topics = self.draw_topics()
        self.save_situations()
        self.save_incomes()
        self.save_benefits()
        if "earlier_case" in self.plan.flags and self.days[0] > self.today - days(330):
            self.save_earlier_case()
        case = self.save_case(self.path, self.days)
        self.save_consultations(case, self.days[0], self.end)
        self.save_consents()
        self.save_register()
        self.date_the_intake()

    def date_the_intake(self) -> None:
        """The household and its members were recorded at the first intake, not today: the
        reports count registrations by that moment."""
        first = min(case.opened_on for case in self.household.cases.all())
        at = timezone.make_aware(datetime.datetime.combine(first, datetime.time(9)))
        Household.objects.filter(pk=self.household.pk).update(created_at=at)
        Client.objects.filter(household=self.household).update(created_at=at)

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + days(self.rng.randint(0, max(0, (end - start).days)))

    # --- people -----------------------------------------------------------------------------

    def draw_people(self) -> list[dict]:
        rng = self.rng
        size = rng.choices(range(1, 7), weights=[38, 22, 17, 12, 7, 4])[0]
        age = rng.randint(19, 80) if size == 1 else rng.randint(18 + 2 * size, 58)
        # Women's shelters (ETHOS 4) take women; families more often come with the mother.
        female = self.ethos == "4" or rng.random() < (0.5 if size == 1 else 0.65)
        family = self.fake.last_name_male()
        people = [self.person(Relationship.APPLICANT, female, age, family)]
        if size > 1 and rng.random() < 0.55:
            partner_age = max(18, age + rng.randint(-6, 6))
            surname = family if rng.random() < 0.7 else self.fake.last_name_male()
            people.append(self.person(Relationship.PARTNER, not female, partner_age, surname))
        while len(people) < size:
            relationship, youngest, oldest = Relationship.CHILD, max(0, age - 42), min(age - 18, 24)
            if youngest > oldest or (age > 50 and rng.random() < 0.5):
                relationship, youngest, oldest = Relationship.GRANDCHILD, 0, 15
            child_age = rng.randint(youngest, oldest)
            people.append(self.person(relationship, rng.random() < 0.5, child_age, family))
        applicant, *members = [
            Client(relationship=p["relationship"], birth_date=p["birth_date"]) for p in people
        ]
        check_ages(applicant, members)
        return people

    def person(self, relationship: str, female: bool, age: int, family: str) -> dict:
        rng, fake = self.rng, self.fake
        first = fake.first_name_female() if female else fake.first_name_male()
        last = feminine(family) if female else family
        adult = age >= 18
        phone = ""
        if age >= 15 and rng.random() < (0.85 if adult else 0.5):
            prefix = rng.choice(["603", "605", "608", "702", "721", "731", "737", "775", "777"])
            phone = f"+420 {prefix} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        email = ""
        if adult and phone and rng.random() < 0.15:
            email = f"{fold(first)}.{fold(last)}{rng.randint(1, 99)}@example.cz"
        return {
            "relationship": relationship,
            "female": female,
            "first_name": first,
            "last_name": last,
            "sex": "f" if female else "m",
            "birth_date": self.today - days(round(age * 365.25) + rng.randint(1, 364)),
            "phone": phone,
            "email": email,
            "dependent_child": relationship != Relationship.APPLICANT and age < 18,
            "has_valid_id": rng.random() < (0.75 if self.ethos in ("1", "2", "3") else 0.93),
        }

    def save_household(self, token: uuid.UUID) -> Household:
        rng, municipalities = self.rng, self.office.municipalities
        town = next(m for m in municipalities if m.name == "Liberec")
        residence = rng.choices(municipalities, weights=[m.population for m in municipalities])[0]
        elsewhere = rng.choice(ELSEWHERE) if rng.random() < 0.06 else ""
        place = town.name if rng.random() < 0.7 else residence.name
        street = f"{self.fake.street_address()}, {place}"
        household = HouseholdFactory(
            kmb=self.office.kmb,
            intake_token=token,
            permanent_residence=None if elsewhere else residence,
            permanent_residence_elsewhere=elsewhere,
            address=f"ubytovna, {street}" if self.hostel else ADDRESSES.get(self.ethos, street),
            barrier_free=rng.random() < 0.08,
            support_intensity=self.draw_support_intensity(),
            pets="pes" if rng.random() < 0.08 else "",
            needs_note=rng.choice(NEEDS) if rng.random() < 0.15 else "",
        )
        if rng.random() < 0.45:
            others = rng.sample(municipalities, 2)
            household.preferred_municipalities.set({town, *others[: rng.randint(0, 2)]})
        return household

    def draw_support_intensity(self) -> str:
        roofless = self.ethos in ("1", "2", "3")
        weights = [5, 20, 40, 35] if roofless else [12, 45, 33, 10]
        return self.rng.choices(SupportIntensity.values, weights=weights)[0]

    # --- situation and money ------------------------------------------------------------------

    def save_situations(self) -> None:
        """The situation at intake, sometimes an earlier one, and the flat once housed."""
        opened, rng = self.days[0], self.rng
        since = opened - days(rng.randint(0, 120))
        earlier = EARLIER_ETHOS.get(self.ethos)
        if earlier and rng.random() < 0.35:
            self.situation(earlier, since - days(rng.randint(60, 400)))
        self.place = self.situation(self.ethos, since, hostel=self.hostel)
        if S.FOLLOW_UP in self.path:
            moved_in = self.days[self.path.index(S.FOLLOW_UP)]
            self.situation("7", moved_in, place=HOUSED_PLACE)

    def situation(self, ethos: str, since: datetime.date, *, hostel=False, place="") -> str:
        place = place or self.rng.choice(HOSTEL_PLACES if hostel else ETHOS_PLACES[ethos])
        HousingSituationFactory(
            household=self.household,
            ethos=ethos,
            in_commercial_hostel=hostel,
            description=place,
            since=since,
            recorded_by=self.intake_by,
        )
        return place

    def save_incomes(self) -> None:
        rng, applicant = self.rng, self.people[0]
        adults = [p for p in self.people if p.relationship in ("applicant", "partner")]
        for adult in adults:
            if adult.age >= 64:
                self.income(adult, IncomeKind.OLD_AGE_PENSION)
            elif self.ethos not in ("1", "2") or rng.random() < 0.5:
                self.income(adult, pick(rng, WORKING_INCOMES))
        youngest = min(self.people, key=lambda person: person.age)
        if youngest.age < 4 and rng.random() < 0.8:
            mother = adults[-1] if adults[-1].sex == "f" else applicant
            self.income(mother, IncomeKind.PARENTAL, since=youngest.birth_date)
        children = any(person.dependent_child for person in self.people)
        if children and len(adults) == 1 and rng.random() < 0.5:
            self.income(applicant, IncomeKind.MAINTENANCE)
        if self.household.barrier_free and rng.random() < 0.5:
            self.income(applicant, IncomeKind.CARE_ALLOWANCE)

    def income(self, member, kind: str, since: datetime.date | None = None) -> None:
        low, high = INCOME_THOUSANDS[kind]
        amount = self.rng.randint(low, high) * 1000 + self.rng.randint(0, 9) * 100
        since = since or self.days[0] - days(self.rng.randint(30, 900))
        IncomeFactory(
            household=self.household,
            member=member,
            kind=kind,
            monthly_amount=Decimal(amount),
            since=since,
        )

    def save_benefits(self) -> None:
        rng, opened = self.rng, self.days[0]
        if opened < DSSP_START:
            self.old_housing_benefits(opened)
        if self.end < DSSP_START:
            return
        applied = min(max(opened, DSSP_START) + days(rng.randint(0, 20)), self.today)
        state = self.benefit_state(applied)
        for component in self.dssp_components():
            self.benefit(BenefitKind.DSSP, applied, state, dssp_component=component)
        if rng.random() < 0.15:
            situation = rng.choice(["one_off_expense", "household_equipment", "emergency"])
            state = self.benefit_state(applied)
            self.benefit(BenefitKind.MOP, applied, state, mop_situation=situation, monthly=False)
        if rng.random() < 0.07:
            name, state = rng.choice(FOUNDATIONS), self.benefit_state(applied)
            self.benefit(
                BenefitKind.FOUNDATION_GRANT, applied, state, provider_name=name, monthly=False
            )

    def dssp_components(self) -> list[str]:
        components = ["housing"] + (["living"] if self.rng.random() < 0.5 else [])
        if any(person.dependent_child for person in self.people):
            components.append("child_bonus")
        if self.household.incomes.filter(kind=IncomeKind.EMPLOYMENT).exists():
            components.append("work_bonus")
        return components

    def benefit_state(self, applied: datetime.date) -> str:
        if (self.today - applied).days < 35:
            return BenefitState.APPLIED
        return pick(self.rng, BENEFIT_STATES)

    def old_housing_benefits(self, opened: datetime.date) -> None:
        """Příspěvek (and for hostels doplatek) na bydlení, which DSSP replaced."""
        kinds = [BenefitKind.HOUSING_ALLOWANCE]
        if self.hostel or self.rng.random() < 0.3:
            kinds.append(BenefitKind.HOUSING_SUPPLEMENT)
        for kind in kinds:
            applied = opened - days(self.rng.randint(30, 400))
            BenefitFactory(
                household=self.household,
                kind=kind,
                dssp_component="",
                state=BenefitState.ENDED,
                amount=Decimal(self.rng.randint(15, 60) * 100),
                applied_on=applied,
                decided_on=applied + days(self.rng.randint(10, 30)),
                until=DSSP_START - days(1),
            )

    def benefit(
        self, kind: str, applied: datetime.date, state: str, monthly: bool = True, **details
    ) -> None:
        rng = self.rng
        decided = None
        if state != BenefitState.APPLIED:
            decided = min(applied + days(rng.randint(8, 30)), self.today)
        paid = state in (BenefitState.GRANTED, BenefitState.ENDED)
        amount = rng.randint(10, 80) * 100 if monthly else rng.randint(20, 150) * 100
        ended = state == BenefitState.ENDED and monthly
        BenefitFactory(
            household=self.household,
            kind=kind,
            state=state,
            amount=Decimal(amount) if paid else None,
            monthly=monthly,
            applied_on=applied,
            decided_on=decided,
            until=min(decided + days(rng.randint(60, 200)), self.today) if ended else None,
            **{"dssp_component": "", **details},
        )

    # --- the case -----------------------------------------------------------------------------

    def draw_path(self) -> tuple[list[CaseStatus], list[datetime.date]]:
        """The statuses the case went through and the day of each step; the first is the
        opening. Sets self.end: the last day anything happened (a stale case has gone quiet)."""
        rng, plan = self.rng, self.plan
        path = list(pick(rng, CLOSED_PATHS) if plan.status == S.CLOSED else PATHS[plan.status])
        low, high = OPENED_DAYS[plan.status]
        if "reopened" in plan.flags:
            path[2:2] = [S.CLOSED, S.ACTIVE]
            low = max(low, 150)
        if "stale" in plan.flags:
            low = max(low, 100)
        opened = self.today - days(rng.randint(low, high))
        if plan.status == S.CLOSED:
            self.end = min(opened + days(rng.randint(20, 300)), self.today - days(1))
        elif "stale" in plan.flags:
            self.end = self.today - days(rng.randint(31, 80))
        else:
            self.end = self.today
        steps = [opened]
        if len(path) > 1:
            steps.append(opened + days(rng.randint(0, min(7, (self.end - opened).days))))
        steps += sorted(self.date_between(steps[-1], self.end) for _ in path[2:])
        if plan.status == S.CLOSED:
            steps[-1] = self.end
        return path, steps

    def save_case(self, path: list[CaseStatus], steps: list[datetime.date]):
        closed = path[-1] == S.CLOSED
        manager = self.manager or self.intake_by if S.ACTIVE in path else None
        case = CaseFactory(
            household=self.household,
            kmb=self.office.kmb,
            status=path[-1],
            case_manager=manager,
            opened_on=steps[0],
            closed_on=steps[-1] if closed else None,
            close_reason=self.close_reason(path) if closed else "",
            applicant=False,
        )
        for reason in self.reasons:
            CaseReasonEntryFactory(case=case, reason=reason)
        for step, (day, status) in enumerate(zip(steps, path, strict=True)):
            previous = path[step - 1] if step else ""
            CaseStatusChangeFactory(
                case=case,
                from_status=previous,
                to_status=status,
                by=self.office.head if previous == S.NEW else manager or self.intake_by,
                changed_at=self.moment(day),
                note=self.say("Klient{ka} se znovu ozval{a}.") if previous == S.CLOSED else "",
            )
        return case

    def draw_reasons(self) -> list[str]:
        rng = self.rng
        candidates = ETHOS_REASONS[self.ethos]
        reasons = rng.sample(candidates, rng.randint(1, min(2, len(candidates))))
        reasons += [extra for extra in ("debts", "benefits") if rng.random() < 0.3]
        return list(dict.fromkeys(reasons))

    def draw_topics(self) -> list[str]:
        """What consultations of this case are about; family and health only where they fit."""
        topics = dict.fromkeys(t for reason in self.reasons for t in REASON_TOPICS[reason])
        children = any(person.dependent_child for person in self.people)
        unwell = self.household.barrier_free or self.people[0].age >= 60
        fitting = [t for t in topics if (t != "family" or children) and (t != "health" or unwell)]
        return fitting or ["housing_search"]

    def close_reason(self, path: list[CaseStatus]) -> str:
        if S.FOLLOW_UP in path:
            return CloseReason.HOUSED
        if S.PREVENTION in path and self.rng.random() < 0.7:
            return CloseReason.HOUSING_KEPT
        return pick(self.rng, OTHER_CLOSE_REASONS)

    def save_earlier_case(self) -> None:
        """A case the household had before, closed without a result."""
        opened = self.today - days(self.rng.randint(400, 540))
        closed = opened + days(self.rng.randint(20, 90))
        steps = [opened, opened + days(self.rng.randint(0, 5)), closed]
        case = self.save_case([S.NEW, S.ACTIVE, S.CLOSED], steps)
        self.save_consultations(case, opened, closed, count=self.rng.randint(1, 3))

    def moment(self, day: datetime.date) -> datetime.datetime:
        at = datetime.time(self.rng.randint(8, 15), self.rng.choice([0, 15, 30, 45]))
        return timezone.make_aware(datetime.datetime.combine(day, at))

    def say(self, text: str) -> str:
        """The text in the applicant's gender: "Klient{ka} donesl{a}" → "Klientka donesla"."""
        female = self.female
        thousands = self.rng.randint(8, 180)
        return text.format(ka="ka" if female else "", a="a" if female else "", thousands=thousands)

    # --- consultations ------------------------------------------------------------------------

    def save_consultations(
        self, case, start: datetime.date, end: datetime.date, count: int | None = None
    ) -> None:
        rng = self.rng
        if count is None:
            count = 1 if case.status == S.NEW else round((end - start).days / rng.uniform(15, 35))
            count = min(15, max(1, count))
        dates = [start] + [self.date_between(start, end) for _ in range(count - 1)]
        if case.status != S.CLOSED and "stale" not in self.plan.flags and count > 1:
            dates[-1] = max(start, self.today - days(rng.randint(0, 25)))
        for index, day in enumerate(sorted(dates)):
            self.consultation(case, day, first=index == 0)

    def consultation(self, case, day: datetime.date, *, first: bool) -> None:
        rng = self.rng
        channel = pick(rng, CHANNELS)
        if first:
            channel = "field" if self.ethos == "1" else "office"
        count = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
        topics = rng.sample(self.topics, min(count, len(self.topics)))
        low, high = MINUTES[channel]
        consultation = ConsultationFactory(
            case=case,
            date=day,
            minutes=rng.randint(low, high) * 5,
            channel=channel,
            notes=self.note(channel, topics, first=first),
            by=self.intake_by if first else case.case_manager or self.intake_by,
        )
        for topic in topics:
            ConsultationTopicEntryFactory(consultation=consultation, topic=topic)
        referable = [topic for topic in topics if topic in REFERRALS]
        if referable and rng.random() < 0.25:
            self.referral(consultation, rng.choice(referable))

    def note(self, channel: str, topics: list[str], *, first: bool) -> str:
        rng = self.rng
        sentences = [rng.choice(OPENINGS[channel])]
        if first:
            sentences = ["Úvodní konzultace.", self.place]
        sentences += [rng.choice(TOPIC_NOTES[topic]) for topic in topics]
        if rng.random() < 0.5:
            sentences.append(rng.choice(CLOSINGS))
        return self.say(" ".join(sentences))

    def referral(self, consultation, topic: str) -> None:
        rng = self.rng
        kind, recipient = REFERRALS[topic]
        outcome = ReferralOutcome.PENDING
        if (self.today - consultation.date).days > 14:
            outcome = pick(rng, OUTCOMES)
        known = outcome != ReferralOutcome.PENDING
        ReferralFactory(
            consultation=consultation,
            kind=kind,
            recipient=recipient,
            outcome=outcome,
            outcome_on=min(consultation.date + days(rng.randint(5, 30)), self.today)
            if known
            else None,
            outcome_note=self.say(rng.choice(OUTCOME_NOTES[outcome])) if known else "",
        )

    # --- consents and the register ------------------------------------------------------------

    def save_consents(self) -> None:
        rng, status = self.rng, self.plan.status
        housing = status in (S.HOUSING, S.FOLLOW_UP)
        wanted = []
        if housing or rng.random() < 0.3 or "consent_expiring" in self.plan.flags:
            scope = ["contact", "situation", "support"] + (["health"] if rng.random() < 0.4 else [])
            wanted.append((builders.PROVIDER_NAME, ConsentRecipient.PROVIDER, scope))
        if {"debts", "arrears"} & set(self.reasons) and rng.random() < 0.6:
            wanted.append((SECOND_PROVIDER, ConsentRecipient.PROVIDER, ["contact", "finances"]))
        if housing and rng.random() < 0.7:
            kind = ConsentRecipient.HOUSING_DEPARTMENT
            wanted.append((builders.HOUSING_DEPARTMENT_NAME, kind, ["situation", "finances"]))
        for index, (name, kind, scope) in enumerate(wanted):
            self.consent(self.office.organisations[name], kind, scope, expiring=index == 0)

    def consent(self, recipient, kind: str, scope: list[str], *, expiring: bool) -> None:
        rng, start = self.rng, self.days[0]
        given = self.date_between(start, min(start + days(60), self.end))
        expires = given + days(365) if rng.random() < 0.85 else None
        withdrawn = None
        if expiring and "consent_expiring" in self.plan.flags:
            expires = self.today + days(rng.randint(3, 28))
        elif rng.random() < 0.06:
            withdrawn = self.date_between(given, self.today)
        ConsentFactory(
            household=self.household,
            given_by=self.people[0],
            recipient_kind=kind,
            recipient=recipient,
            scope=scope,
            given_on=given,
            expires_on=expires,
            withdrawn_on=withdrawn,
            note="Podepsáno na trojstranné schůzce." if rng.random() < 0.3 else "",
        )

    def save_register(self) -> None:
        rng, plan = self.rng, self.plan
        expiring = "register_expiring" in plan.flags
        first = max(self.days[0], REGISTER_START)
        wanted = expiring or (plan.status in MANAGED_STATUSES and rng.random() < 0.4)
        if not wanted or first > self.today - days(3):
            return
        applied = self.date_between(first, first + days(20) if expiring else self.today - days(3))
        record = RegisterRecordFactory(household=self.household, **self.register_stages(applied))
        if record.entered_on:
            self.save_register_extras(record)

    def register_stages(self, applied: datetime.date) -> dict:
        """The record as far as it got: assessment, the Labour Office's opinion, the entry."""
        rng, today = self.rng, self.today
        stage = "entered" if "register_expiring" in self.plan.flags else pick(rng, REGISTER_STAGES)
        assessed = applied + days(rng.randint(5, 20))
        opinion = assessed + days(rng.randint(10, 30))
        entered = opinion + days(rng.randint(0, 10))
        fields = {"applied_on": applied}
        if stage == "applied" or assessed > today:
            return fields
        fields |= {"assessed_on": assessed, "assessment_findings": self.findings()}
        if stage == "assessed" or opinion > today:
            return fields
        positive = stage != "negative"
        fields |= {
            "opinion_on": opinion,
            "opinion_outcome": OpinionOutcome.POSITIVE if positive else OpinionOutcome.NEGATIVE,
            "opinion_reference": f"ÚP-LB-{opinion.year}/{rng.randint(100, 9999):05d}",
        }
        if stage != "entered" or entered > today:
            return fields
        valid = entered + days(365)
        if "register_expiring" in self.plan.flags:
            valid = max(today + days(rng.randint(3, 28)), entered + days(1))
        note = self.vulnerability()
        fields |= {"entered_on": entered, "valid_until": valid}
        return fields | {"special_vulnerability": bool(note), "vulnerability_note": note}

    def findings(self) -> str:
        return f"{self.place} Příjmy domácnosti nestačí na obvyklé nájemné."

    def vulnerability(self) -> str:
        if any(person.dependent_child for person in self.people):
            return "Domácnost s nezletilými dětmi."
        if self.people[0].age >= 70:
            return "Osoba starší 70 let."
        return "Osoba se zdravotním postižením." if self.household.barrier_free else ""

    def save_register_extras(self, record) -> None:
        """Changes of the entry and the support measures that followed it."""
        rng, entered = self.rng, record.entered_on
        if rng.random() < 0.3:
            RegisterChangeFactory(
                record=record,
                changed_on=self.date_between(entered, self.today),
                description=rng.choice(REGISTER_CHANGES),
            )
        kinds = [SupportMeasureKind.COUNSELLING]
        if self.plan.status in (S.HOUSING, S.FOLLOW_UP):
            kinds.append(SupportMeasureKind.ASSISTANCE)
        if self.plan.status == S.FOLLOW_UP:
            kinds.append(rng.choice(FOLLOW_UP_MEASURES))
        for kind in kinds:
            SupportMeasureFactory(
                household=self.household, kind=kind, since=self.date_between(entered, self.today)
            )
