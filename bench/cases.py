"""Case files at scale: 100,000 clients of two KMBs, and what the case pages cost on them.

The bulk of the data is bulk-inserted (no services, no history rows): the point is the read side.
The folded search fields are filled by Client.refresh_search_fields, as the services fill them.
The one case whose page is measured is built with the factories, with a full case file.
"""

import datetime
import random
import time

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from faker.providers.person.cs_CZ import Provider as CzechNames

from bench.timing import median_ms
from clients.models import (
    Case,
    CaseStatus,
    Client,
    CloseReason,
    Consultation,
    ConsultationTopicEntry,
    Household,
    HousingSituation,
    Relationship,
)
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
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
    RegisterRecordFactory,
    SupportMeasureFactory,
)

CLIENTS = 100_000
BATCH = 2_000
SEARCH = "novak"  # typed without diacritics; finds Novák and Nováková
CONSULTED_EVERY = 10  # every tenth case gets a few consultations
HOUSEHOLD_SIZES = {1: 38, 2: 22, 3: 17, 4: 12, 5: 7, 6: 4}
STATUSES = {
    CaseStatus.NEW: 3,
    CaseStatus.ACTIVE: 30,
    CaseStatus.PREVENTION: 12,
    CaseStatus.HOUSING: 8,
    CaseStatus.FOLLOW_UP: 7,
    CaseStatus.CLOSED: 40,
}
ETHOS = {"1": 3, "2": 3, "3": 12, "6": 3, "8": 30, "9": 25, "12": 12, "13": 12}


def run(report) -> None:
    rng = random.Random("bench-cases")
    started = time.perf_counter()
    kmb, workers = generate(rng)
    if connection.vendor == "postgresql":
        # What autovacuum would have done by now on a real database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report("cases.generate_s", time.perf_counter() - started, "s")
    worker = workers[0]
    case = build_detail_case(kmb, worker)
    http = HttpClient()
    http.force_login(worker)
    measure(report, http, case)


def measure(report, http: HttpClient, case: Case) -> None:
    pages = {
        "list": reverse("clients:case-list"),
        "search": f"{reverse('clients:case-list')}?q={SEARCH}",
        "detail": case.get_absolute_url(),
        "bare_view": reverse("accounts:profile"),
    }

    def get(url: str):
        response = http.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for name, repeat in [("list", 15), ("search", 15), ("detail", 30)]:
        report(f"cases.{name}_ms", median_ms(lambda url=pages[name]: get(url), repeat=repeat), "ms")
    for name in ("list", "detail"):
        with CaptureQueriesContext(connection) as queries:
            get(pages[name])
        report(f"cases.{name}_queries", len(queries), "queries")
    report("cases.bare_view_ms", median_ms(lambda: get(pages["bare_view"]), repeat=200), "ms")


# --- generation --------------------------------------------------------------------------------


def generate(rng: random.Random):
    """Two KMBs (four fifths of the households in the first), each household with its members,
    one case, a current housing situation; every tenth case with consultations."""
    orp = OrpFactory(name="Benchov")
    municipalities = [MunicipalityFactory(orp=orp, name=f"Benchov {n}") for n in range(1, 11)]
    kmb = OrganisationFactory(name="KMB Benchov", orp=orp)
    other = OrganisationFactory(name="KMB Jinde", orp=OrpFactory(name="Jinde"))
    staff = {
        office.pk: [
            UserFactory(username=f"cases.{office.pk}.{n}", organisation=office, password=None)
            for n in range(8)
        ]
        for office in (kmb, other)
    }
    sizes = draw_household_sizes(rng)
    households = [
        Household(kmb=kmb if n % 5 else other, permanent_residence=rng.choice(municipalities))
        for n in range(len(sizes))
    ]
    Household.objects.bulk_create(households, batch_size=BATCH)
    today = timezone.localdate()
    clients = [
        member
        for household, size in zip(households, sizes, strict=True)
        for member in draw_members(rng, household, size, today)
    ]
    Client.objects.bulk_create(clients, batch_size=BATCH)
    cases = draw_cases(rng, households, staff, today)
    Case.objects.bulk_create(cases, batch_size=BATCH)
    HousingSituation.objects.bulk_create(
        [
            HousingSituation(
                household_id=case.household_id,
                ethos=pick(rng, ETHOS),
                since=case.opened_on - datetime.timedelta(days=rng.randint(0, 200)),
                recorded_by=staff[case.kmb_id][0],
            )
            for case in cases
        ],
        batch_size=BATCH,
    )
    save_consultations(rng, cases[::CONSULTED_EVERY], staff, today)
    return kmb, staff[kmb.pk]


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def draw_household_sizes(rng: random.Random) -> list[int]:
    sizes, total = [], 0
    while total < CLIENTS:
        sizes.append(min(pick(rng, HOUSEHOLD_SIZES), CLIENTS - total))
        total += sizes[-1]
    return sizes


def draw_members(rng: random.Random, household, size: int, today) -> list[Client]:
    """The applicant, perhaps a partner, and children younger than the applicant."""
    age = rng.randint(19, 80) if size == 1 else rng.randint(18 + 2 * size, 60)
    members = [person(rng, household, Relationship.APPLICANT, age, today)]
    if size > 1 and rng.random() < 0.5:
        partner_age = max(18, age + rng.randint(-6, 6))
        members.append(person(rng, household, Relationship.PARTNER, partner_age, today))
    while len(members) < size:
        child_age = rng.randint(max(0, age - 42), min(age - 18, 24))
        members.append(person(rng, household, Relationship.CHILD, child_age, today))
    return members


def person(rng: random.Random, household, relationship: str, age: int, today) -> Client:
    female = rng.random() < 0.5
    client = Client(
        household=household,
        relationship=relationship,
        first_name=rng.choice(
            CzechNames.first_names_female if female else CzechNames.first_names_male
        ),
        last_name=rng.choice(
            CzechNames.last_names_female if female else CzechNames.last_names_male
        ),
        birth_date=today - datetime.timedelta(days=round(age * 365.25) + rng.randint(1, 364)),
        sex="f" if female else "m",
        phone=f"+420 7{rng.randint(0, 99_999_999):08d}" if age >= 18 else "",
        dependent_child=relationship == Relationship.CHILD and age < 18,
    )
    client.refresh_search_fields()
    return client


def draw_cases(rng: random.Random, households, staff, today: datetime.date) -> list[Case]:
    cases = []
    for household in households:
        status = pick(rng, STATUSES)
        opened = today - datetime.timedelta(days=rng.randint(0, 1000))
        closed = status == CaseStatus.CLOSED
        cases.append(
            Case(
                household=household,
                kmb_id=household.kmb_id,
                status=status,
                case_manager=None
                if status == CaseStatus.NEW
                else rng.choice(staff[household.kmb_id]),
                opened_on=opened,
                closed_on=min(opened + datetime.timedelta(days=rng.randint(10, 300)), today)
                if closed
                else None,
                close_reason=CloseReason.SOLVED_ELSEWHERE if closed else "",
            )
        )
    return cases


def save_consultations(rng: random.Random, cases: list[Case], staff, today) -> None:
    consultations = []
    for case in cases:
        end = case.closed_on or today
        for _ in range(rng.randint(1, 5)):
            day = case.opened_on + datetime.timedelta(
                days=rng.randint(0, (end - case.opened_on).days)
            )
            consultations.append(
                Consultation(
                    case=case,
                    date=day,
                    minutes=rng.choice([15, 30, 45, 60]),
                    channel=rng.choice(["office", "phone", "field"]),
                    notes="Konzultace k bydlení a dávkám.",
                    by=case.case_manager or staff[case.kmb_id][0],
                )
            )
    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    ConsultationTopicEntry.objects.bulk_create(
        [ConsultationTopicEntry(consultation=c, topic="housing_search") for c in consultations],
        batch_size=BATCH,
    )


def build_detail_case(kmb, worker) -> Case:
    """A case with a full file: five members, twelve consultations, money, consents, register."""
    household = HouseholdFactory(kmb=kmb)
    applicant = ClientFactory(
        household=household,
        first_name="Jana",
        last_name="Nováková",
        birth_date=datetime.date(1988, 3, 14),
    )
    partner = ClientFactory(
        household=household,
        relationship=Relationship.PARTNER,
        first_name="Petr",
        last_name="Novák",
    )
    for n in range(3):
        ClientFactory(
            household=household,
            relationship=Relationship.CHILD,
            birth_date=datetime.date(2012 + 3 * n, 5, 1),
            dependent_child=True,
        )
    case = CaseFactory(household=household, status=CaseStatus.ACTIVE, case_manager=worker)
    CaseStatusChangeFactory(case=case, to_status=CaseStatus.ACTIVE, by=worker)
    CaseReasonEntryFactory(case=case, reason="notice_to_quit")
    HousingSituationFactory(household=household, ethos="9", recorded_by=worker)
    IncomeFactory(household=household, member=partner)
    BenefitFactory(household=household)
    ConsentFactory(household=household, given_by=applicant)
    RegisterRecordFactory(household=household)
    SupportMeasureFactory(household=household)
    for n in range(12):
        consultation = ConsultationFactory(
            case=case, by=worker, date=timezone.localdate() - datetime.timedelta(days=9 * n)
        )
        ConsultationTopicEntryFactory(consultation=consultation)
        if n % 3 == 0:
            ReferralFactory(consultation=consultation)
    return case
