"""Reporting at scale: a KMB with 50,000 clients, 500,000 consultations, 5,000 flats and 20,000
debts, and what its dashboard and monthly PDF cost.

Everything is bulk-inserted (no services, no history rows, no factories per row): the point is
the read side. Moments (`created_at`) are spread over three years, as a KMB's real history is.
Prints reports.generate_s, reports.dashboard_ms (the dashboard view through the test client,
median of 3), reports.dashboard_queries and reports.pdf_s (issuing the monthly PDF: indicators,
rendering, archive; median of 3).

Generating takes minutes. While working on the reports, set KMB_BENCH_REPORTS_DB to a database
to keep the generated KMB in (PostgreSQL: a database name on the server of DATABASE_URL;
SQLite: a file path): the first run migrates and fills it, later runs migrate it (new indexes
apply) and measure at once. Unset (as in `make bench`), everything runs in the throw-away test
database.
"""

import contextlib
import datetime
import itertools
import os
import random
import statistics
import time
import uuid
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Client,
    CloseReason,
    Consent,
    Consultation,
    ConsultationTopicEntry,
    Debt,
    Household,
    HousingSituation,
    Payment,
    Relationship,
    RepaymentSchedule,
)
from housing.models import CheckIn, CheckInResult, Flat, HousingApplication, Lease, Owner
from kmb.accounts.models import User
from kmb.redaction import new_pseudonym
from providers.models import AssistancePlan, Provider, Service, ServiceReferral, ServiceType
from reports.models import IndicatorTarget, IssuedReport, ProjectPeriod
from reports.periods import PRAGUE, Month
from reports.services import issue_report
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)

CLIENTS = 50_000
CONSULTATIONS = 500_000
FLATS = 5_000
DEBTS = 20_000
BATCH = 5_000
DAYS = 3 * 365
TOPICS = ["housing_search", "benefits", "debts", "legal", "eviction", "work_income", "other"]
CHANNELS = ["office", "phone", "field"]
STATUSES = (
    [CaseStatus.ACTIVE] * 4 + [CaseStatus.PREVENTION, CaseStatus.HOUSING] + [CaseStatus.CLOSED] * 3
)
ETHOS = ["1", "2", "3", "3", "6", "8", "8", "9", "9", "12", "13"]
CREDITORS = [
    "municipality",
    "landlord",
    "energy",
    "water",
    "telecom",
    "health_insurance",
    "bank_loan",
]


KEEP_DB = "KMB_BENCH_REPORTS_DB"
KMB_NAME = "KMB Reportov"


def run(report) -> None:
    kept = os.environ.get(KEEP_DB)
    if not kept:
        _run(report, reuse=False)
        return
    with kept_database(kept):
        _run(report, reuse=True)
        IssuedReport.objects.filter(kmb__name=KMB_NAME).delete()


def _run(report, *, reuse: bool) -> None:
    rng = random.Random("bench-reports")
    started = time.perf_counter()
    period = ProjectPeriod.objects.filter(kmb__name=KMB_NAME).first() if reuse else None
    if period is not None:
        kmb, manager = period.kmb, User.objects.get(username="reports.manager")
    else:
        # A kept database is filled completely or not at all.
        with transaction.atomic() if reuse else contextlib.nullcontext():
            kmb, manager = generate(rng)
    # What autovacuum would have done by now on PostgreSQL, and `PRAGMA optimize` on SQLite:
    # without statistics SQLite reads a month's consultations case by case (seconds, not ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report("reports.generate_s", time.perf_counter() - started, "s")
    month = Month.current().previous()
    http = HttpClient()
    http.force_login(manager)
    url = f"{reverse('reports:dashboard')}?month={month}"

    def dashboard():
        response = http.get(url)
        assert response.status_code == 200, response.status_code

    report("reports.dashboard_ms", _median_s(dashboard, 3) * 1000, "ms")
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    report("reports.dashboard_queries", len(queries), "queries")
    import weasyprint  # noqa: F401  (imported once per process, as in a running server)

    report(
        "reports.pdf_s", _median_s(lambda: issue_report(kmb=kmb, month=month, by=manager), 3), "s"
    )


def _median_s(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextlib.contextmanager
def kept_database(name: str):
    """Switch the default connection to the database `name` (created and migrated if need be)
    for the duration, then back to the test database."""
    settings = connection.settings_dict
    test_name = settings["NAME"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    # An in-memory SQLite test database lives as long as its connection: keep it aside.
    test_connection, connection.connection = connection.connection, None
    settings["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connection.close()
        settings["NAME"] = test_name
        connection.connection = test_connection


# --- generation --------------------------------------------------------------------------------


@contextlib.contextmanager
def moments_as_given(*models):
    """Let bulk_create keep the `created_at` given (auto_now_add would stamp now)."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def generate(rng: random.Random):
    today = timezone.localdate()
    orp = OrpFactory(name="Reportov")
    municipalities = [
        MunicipalityFactory(orp=orp, name=f"Reportov {n}", population=rng.randint(300, 40_000))
        for n in range(1, 13)
    ]
    kmb = OrganisationFactory(name=KMB_NAME, orp=orp)
    staff = [
        UserFactory(username=f"reports.{n}", organisation=kmb, password=None) for n in range(6)
    ]
    manager = UserFactory(username="reports.manager", organisation=kmb, manager=True)
    cases = households_and_cases(rng, kmb, municipalities, staff, today)
    consultations(rng, cases, today)
    leases = housing(rng, cases, municipalities, today)
    debts(rng, municipalities, staff, today)
    support_network(rng, kmb, cases, municipalities, staff, today)
    follow_up(rng, cases, leases, staff, today)
    targets(kmb, today)
    return kmb, manager


def _moment(rng, today) -> datetime.datetime:
    day = today - datetime.timedelta(days=rng.randint(0, DAYS))
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 16)), tzinfo=PRAGUE)


def households_and_cases(rng, kmb, municipalities, staff, today) -> list[Case]:
    sizes = []
    while sum(sizes) < CLIENTS:
        sizes.append(min(rng.choice([1, 1, 2, 2, 3, 4]), CLIENTS - sum(sizes)))
    moments = [_moment(rng, today) for _ in sizes]
    households = [
        Household(kmb=kmb, permanent_residence=rng.choice(municipalities), created_at=moment)
        for moment in moments
    ]
    with moments_as_given(Household, Client):
        Household.objects.bulk_create(households, batch_size=BATCH)
        Client.objects.bulk_create(
            [
                Client(
                    household=household,
                    relationship=Relationship.APPLICANT if n == 0 else Relationship.CHILD,
                    first_name="Jana",
                    last_name=f"Nováková {household.pk}",
                    birth_date=datetime.date(1980 + n, 1, 1 + n),
                    created_at=household.created_at,
                )
                for household, size in zip(households, sizes, strict=True)
                for n in range(size)
            ],
            batch_size=BATCH,
        )
    cases = []
    for household in households:
        status = rng.choice(STATUSES)
        opened = household.created_at.date()
        closed = None
        if status == CaseStatus.CLOSED:
            closed = min(opened + datetime.timedelta(days=rng.randint(20, 400)), today)
        cases.append(
            Case(
                household=household,
                kmb=kmb,
                status=status,
                case_manager=rng.choice(staff),
                opened_on=opened,
                closed_on=closed,
                close_reason=CloseReason.SOLVED_ELSEWHERE if closed else "",
            )
        )
    Case.objects.bulk_create(cases, batch_size=BATCH)
    CaseStatusChange.objects.bulk_create(
        [
            CaseStatusChange(case=case, to_status=case.status, by=case.case_manager)
            for case in cases
            if case.status == CaseStatus.PREVENTION
        ],
        batch_size=BATCH,
    )
    HousingSituation.objects.bulk_create(
        [
            HousingSituation(
                household_id=case.household_id,
                ethos=rng.choice(ETHOS),
                since=case.opened_on,
                recorded_by=case.case_manager,
            )
            for case in cases
        ],
        batch_size=BATCH,
    )
    return cases


def consultations(rng, cases, today) -> None:
    """Half a million rows: inserted by executemany, not as model instances (ten times faster);
    their topics by one INSERT … SELECT. A case gets consultations in proportion to how long it
    has been open, so every month has about as many as its open cases warrant (drawing cases
    evenly would crowd the recent months, where every open case is still open)."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    spans = [
        (
            case.pk,
            case.opened_on,
            max(((case.closed_on or today) - case.opened_on).days, 0),
            case.case_manager_id,
        )
        for case in cases
    ]
    columns = ["case_id", "date", "minutes", "channel", "notes", "by_id", "created_at"]
    table = Consultation._meta.db_table
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 7)})"
    first = Consultation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), connection.cursor() as cursor:
        weights = list(itertools.accumulate(span + 1 for _pk, _opened, span, _by in spans))
        for _batch in range(CONSULTATIONS // BATCH):
            rows = []
            for case_id, opened, span, by_id in rng.choices(spans, cum_weights=weights, k=BATCH):
                day = opened + datetime.timedelta(days=rng.randint(0, span))
                minutes, channel = rng.choice((15, 30, 45, 60)), rng.choice(CHANNELS)
                rows.append(
                    (case_id, ops.adapt_datefield_value(day), minutes, channel, "", by_id, now)
                )
            cursor.executemany(insert, rows)
        topic = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(TOPICS))
        cursor.execute(
            f"INSERT INTO {ConsultationTopicEntry._meta.db_table} (consultation_id, topic) "
            f"SELECT id, CASE id %% {len(TOPICS)} {topic} END FROM {table} WHERE id > %s",
            [first],
        )


def housing(rng, cases, municipalities, today) -> list[Lease]:
    owners = [
        Owner(
            kind=rng.choice(["municipality", "private_person", "company", "ngo"]),
            name=f"Vlastník {n}",
            engaged_on=today - datetime.timedelta(days=rng.randint(0, DAYS)),
        )
        for n in range(400)
    ]
    Owner.objects.bulk_create(owners)
    flats = [
        Flat(
            municipality=rng.choice(municipalities),
            street=f"Ulice {n % 300}",
            number=str(n),
            postcode="460 01",
            disposition="2+1",
            rooms=2,
            area=Decimal("55.0"),
            floor=1,
            rent=Decimal("6000.00"),
            kind="municipal",
            program=rng.choice(["social", "housing_first", "guaranteed", "standard_municipal"]),
            owner=rng.choice(owners),
        )
        for n in range(FLATS)
    ]
    Flat.objects.bulk_create(flats, batch_size=BATCH)
    housed = rng.sample(cases, 3_500)
    leases = []
    for flat, case in zip(flats, housed, strict=False):
        start = case.opened_on + datetime.timedelta(days=rng.randint(30, 200))
        if start > today:
            continue
        ended = start + datetime.timedelta(days=rng.randint(100, 700))
        ended = ended if ended < today and rng.random() < 0.3 else None
        leases.append(
            Lease(
                flat=flat,
                household_id=case.household_id,
                start_on=start,
                end_on=start + datetime.timedelta(days=364),
                ended_on=ended,
                end_reason=rng.choice(["moved_out", "standard_lease", "eviction"]) if ended else "",
                rent=flat.rent,
            )
        )
    Lease.objects.bulk_create(leases, batch_size=BATCH)
    return leases


def debts(rng, municipalities, staff, today) -> None:
    applicants = Client.objects.filter(
        relationship=Relationship.APPLICANT, household__kmb__name=KMB_NAME
    )
    debtors = list(applicants.values_list("pk", flat=True)[:DEBTS])
    records = []
    for n in range(DEBTS):
        amount = Decimal(rng.randint(1_000, 200_000))
        kind = rng.choice(CREDITORS)
        creditor = rng.choice(municipalities) if kind == "municipality" else None
        records.append(
            Debt(
                debtor_id=debtors[n % len(debtors)],
                creditor_kind=kind,
                creditor_municipality=creditor,
                original_amount=amount,
                current_amount=amount,
                since=today - datetime.timedelta(days=rng.randint(0, DAYS)),
                state=rng.choice(["open", "open", "schedule", "distraint"]),
            )
        )
    Debt.objects.bulk_create(records, batch_size=BATCH)
    schedules = []
    for debt in records:
        if debt.state != "schedule":
            continue
        first = debt.since + datetime.timedelta(days=30)
        months = int(debt.current_amount / 1000)
        schedules.append(
            RepaymentSchedule(
                debt=debt,
                total=debt.current_amount,
                instalment=Decimal(1_000),
                first_due_on=first,
                day_of_month=first.day if first.day <= 28 else 28,
                planned_end_on=first + datetime.timedelta(days=months * 30),
            )
        )
    RepaymentSchedule.objects.bulk_create(schedules, batch_size=BATCH)
    payments = [
        Payment(
            schedule=schedule,
            paid_on=min(schedule.first_due_on + datetime.timedelta(days=30 * n), today),
            amount=Decimal(1_000),
            recorded_by=staff[0],
            token=uuid.uuid4(),
        )
        for schedule in schedules
        for n in range(rng.randint(0, 8))
    ]
    Payment.objects.bulk_create(payments, batch_size=BATCH)


def support_network(rng, kmb, cases, municipalities, staff, today) -> None:
    providers = [
        Provider.objects.create(organisation=OrganisationFactory(provider=True)) for _ in range(8)
    ]
    services = []
    for n in range(24):
        service = Service.objects.create(
            provider=providers[n % len(providers)],
            kind=rng.choice(list(ServiceType)),
            name=f"Služba {n}",
            capacity=20,
            free_places=rng.randint(0, 5),
        )
        service.municipalities.set(rng.sample(municipalities, rng.randint(1, 6)))
        services.append(service)
    referred = rng.sample(cases, 5_000)
    consents = [
        Consent(
            household_id=case.household_id,
            given_by_id=None,
            recipient_kind="provider",
            recipient=services[n % len(services)].provider.organisation,
            scope=["contact", "support"],
            given_on=case.opened_on,
        )
        for n, case in enumerate(referred)
    ]
    applicants = dict(
        Client.objects.filter(
            household_id__in=[case.household_id for case in referred],
            relationship=Relationship.APPLICANT,
        ).values_list("household_id", "pk")
    )
    for consent in consents:
        consent.given_by_id = applicants[consent.household_id]
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    ServiceReferral.objects.bulk_create(
        [
            ServiceReferral(
                household_id=case.household_id,
                case=case,
                service=services[n % len(services)],
                consent=consent,
                state=rng.choice(["accepted", "refused", "started"]),
                sent_on=min(case.opened_on + datetime.timedelta(days=rng.randint(0, 300)), today),
                reason="Podpora v bydlení.",
                sent_by=case.case_manager,
            )
            for n, (case, consent) in enumerate(zip(referred, consents, strict=True))
        ],
        batch_size=BATCH,
    )
    AssistancePlan.objects.bulk_create(
        [
            AssistancePlan(
                household_id=case.household_id,
                case=case,
                case_manager=case.case_manager,
                provider=providers[n % len(providers)],
                starts_on=case.opened_on,
                next_review_on=case.opened_on + datetime.timedelta(days=90),
            )
            for n, case in enumerate(referred[:2_000])
        ],
        batch_size=BATCH,
    )
    HousingApplication.objects.bulk_create(
        [
            HousingApplication(
                household_id=case.household_id,
                case=case,
                submitted_on=case.opened_on,
                pseudonym=new_pseudonym(),
            )
            for case in rng.sample([c for c in cases if c.status != CaseStatus.CLOSED], 1_500)
        ],
        batch_size=BATCH,
    )


def follow_up(rng, cases, leases, staff, today) -> None:
    this_month = today.replace(day=1)
    months = [this_month]
    for _ in range(3):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    running = [lease for lease in leases if lease.ended_on is None]
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                lease=lease,
                month=month,
                done_on=month + datetime.timedelta(days=3),
                result=rng.choice(list(CheckInResult)),
                by=staff[0],
            )
            for lease in running
            for month in months[1:]
            if lease.start_on <= month and rng.random() < 0.9
        ],
        batch_size=BATCH,
    )


def targets(kmb, today) -> None:
    period = ProjectPeriod.objects.create(
        kmb=kmb,
        name="Projekt Reportov",
        starts_on=today.replace(month=1, day=1) - datetime.timedelta(days=365),
        ends_on=today.replace(month=12, day=31),
    )
    for key, amount in [
        ("persons_registered", 20_000),
        ("persons_housed:housing_first", 300),
        ("persons_with_schedule", 3_000),
        ("private_owners_engaged", 150),
        ("prevention_entered", 2_000),
        ("leases_signed_or_extended", 2_000),
        ("retention_12m", 80),
    ]:
        IndicatorTarget.objects.create(period=period, indicator=key, target=amount)
