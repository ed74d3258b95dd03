"""Matching end to end: 10,000 waiting households × 3,000 free flats of one KMB in 30
municipalities with realistic rules, read from the database by `load_problem`, evaluated by the
engine and assigned optimally.

The data are bulk-inserted (no services, no history rows). The engine's own figures (engine_s,
speedup_vs_loop, optimal_over_greedy, peak_mb) come from bench/matching_engine.py; this module
prints the end-to-end time and where it goes (loading from the database vs the engine).
"""

import datetime
import random
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.cases import BATCH, HOUSEHOLD_SIZES, draw_members, pick
from clients.models import (
    Benefit,
    BenefitKind,
    BenefitState,
    Case,
    CaseStatus,
    Client,
    Consent,
    ConsentRecipient,
    CreditorKind,
    Debt,
    DebtState,
    Household,
    HousingSituation,
    Income,
    IncomeKind,
    SupportIntensity,
)
from housing.matching import engine
from housing.matching.load import load_problem
from housing.models import (
    DeclineParty,
    Disposition,
    Flat,
    FlatKind,
    HousingApplication,
    MatchingSettings,
    MunicipalRules,
    Owner,
    OwnerKind,
    Program,
    Proposal,
    ProposalStatus,
)
from kmb.accounts.models import Organisation
from kmb.redaction.figures import new_pseudonym
from kmb.territory.models import Municipality, Orp
from providers.models import AssistancePlan, Provider, Service, ServiceType
from tests.factories.accounts import UserFactory

HOUSEHOLDS = 10_000
FLATS = 3_000
MUNICIPALITIES = 30
REPEAT = 3
ETHOS = {"1": 4, "2": 4, "3": 14, "4": 2, "6": 3, "8": 28, "9": 20, "10": 3, "12": 10, "13": 12}
SUPPORT = {
    SupportIntensity.NONE: 15,
    SupportIntensity.LOW: 45,
    SupportIntensity.MEDIUM: 28,
    SupportIntensity.HIGH: 12,
}
PROGRAMS = {
    Program.SOCIAL: 35,
    Program.STANDARD_MUNICIPAL: 25,
    Program.SUPPORTED_MUNICIPAL: 15,
    Program.GUARANTEED: 12,
    Program.HOUSING_FIRST: 8,
    Program.CRISIS: 5,
}
# rooms → (disposition, area range m², rent range CZK)
SIZES = {
    1: (Disposition.ONE_KK, (24, 38), (3_800, 7_500)),
    2: (Disposition.TWO_ONE, (40, 58), (5_500, 10_500)),
    3: (Disposition.THREE_ONE, (58, 78), (7_500, 13_500)),
    4: (Disposition.FOUR_ONE, (75, 100), (9_500, 16_000)),
}


def run(report) -> None:
    rng = random.Random("bench-matching")
    started = time.perf_counter()
    kmb = generate(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report("matching.generate_s", time.perf_counter() - started, "s")
    measure(report, kmb)


def measure(report, kmb) -> None:
    today = timezone.localdate()
    load_times, totals = [], []
    for attempt in range(REPEAT + 1):  # the first run warms the caches up and is not counted
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            problem = load_problem(kmb=kmb, today=today)
        loaded = time.perf_counter()
        evaluation = engine.evaluate(
            problem.households, problem.flats, problem.rules, problem.settings
        )
        assignment = engine.assign_optimal(evaluation)
        if attempt:
            load_times.append(loaded - started)
            totals.append(time.perf_counter() - started)
    assert problem.households.ids.shape == (HOUSEHOLDS,), problem.households.ids.shape
    assert len(problem.flat_ids) == FLATS, len(problem.flat_ids)
    assert len(assignment) > 0
    report("matching.load_s", statistics.median(load_times), "s")
    report("matching.load_queries", len(queries), "queries")
    report("matching.end_to_end_s", statistics.median(totals), "s")


# --- generation --------------------------------------------------------------------------------


def generate(rng: random.Random) -> Organisation:
    """One KMB whose ORP has 30 municipalities (their sizes skewed like a real district), their
    rules, support services, owners and free flats, and 10,000 waiting households."""
    orp = Orp.objects.create(name="Párovice")
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(orp=orp, name=f"Párovice {n}", population=int(90_000 / n**1.3) + 300)
            for n in range(1, MUNICIPALITIES + 1)
        ]
    )
    kmb = Organisation.objects.create(name="KMB Párovice", kind="kmb", orp=orp)
    worker = UserFactory(username="matching.bench", organisation=kmb, password=None)
    MatchingSettings.objects.create(kmb=kmb)
    save_rules(rng, municipalities)
    save_services(rng, municipalities)
    flats = save_flats(rng, municipalities)
    households = save_households(rng, kmb, municipalities, worker)
    save_declines(rng, households, flats, worker)
    return kmb


def weights_of(municipalities) -> list[int]:
    return [m.population for m in municipalities]


def save_rules(rng: random.Random, municipalities) -> None:
    """About half of the municipalities set rules of their own, like Liberec and Brno."""
    rules = []
    for n, municipality in enumerate(municipalities):
        if n % 2:
            continue
        rules.append(
            MunicipalRules(
                municipality=municipality,
                require_residence=rng.random() < 0.6,
                max_municipal_debt=Decimal(10_000) if rng.random() < 0.5 else None,
                require_valid_id=rng.random() < 0.7,
                require_landlord_consent=rng.random() < 0.3,
                support_required_programs=[Program.SOCIAL] if rng.random() < 0.4 else [],
                max_rent=Decimal(rng.choice([9_000, 10_000, 12_000]))
                if rng.random() < 0.4
                else None,
                max_rent_programs=[Program.SOCIAL, Program.SUPPORTED_MUNICIPAL],
            )
        )
    for rule in rules:
        if rule.max_rent is None:
            rule.max_rent_programs = []
    MunicipalRules.objects.bulk_create(rules)


def save_services(rng: random.Random, municipalities) -> None:
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Podpora Párovice {n}, z. ú.", kind="provider") for n in range(8)]
    )
    providers = Provider.objects.bulk_create([Provider(organisation=o) for o in organisations])
    kinds = [
        ServiceType.INDEPENDENT_LIVING,
        ServiceType.FIELD_PROGRAMME,
        ServiceType.DEBT_COUNSELLING,
    ]
    services = []
    for n in range(16):
        capacity = rng.randint(10, 40)
        services.append(
            Service(
                provider=providers[n % len(providers)],
                kind=kinds[n % len(kinds)],
                name=f"Služba {n}",
                capacity=capacity,
                free_places=rng.randint(0, capacity // 3),
            )
        )
    Service.objects.bulk_create(services)
    through = Service.municipalities.through
    through.objects.bulk_create(
        [
            through(service_id=service.pk, municipality_id=municipality.pk)
            for service in services
            for municipality in rng.sample(municipalities, rng.randint(3, 12))
        ]
    )


def save_flats(rng: random.Random, municipalities) -> list[Flat]:
    owners = Owner.objects.bulk_create(
        [Owner(kind=OwnerKind.MUNICIPALITY, name=m.name) for m in municipalities]
        + [Owner(kind=OwnerKind.PRIVATE_PERSON, name=f"Pronajímatel {n}") for n in range(150)]
    )
    public, private = owners[: len(municipalities)], owners[len(municipalities) :]
    weights = weights_of(municipalities)
    flats = []
    for n in range(FLATS):
        m = rng.choices(range(len(municipalities)), weights=weights)[0]
        rooms = pick(rng, {1: 30, 2: 38, 3: 24, 4: 8})
        disposition, areas, rents = SIZES[rooms]
        program = pick(rng, PROGRAMS)
        guaranteed = program == Program.GUARANTEED
        rent = Decimal(rng.randrange(rents[0], rents[1], 100))
        flats.append(
            Flat(
                municipality=municipalities[m],
                street=f"Ulice {n % 97}",
                number=str(n + 1),
                postcode="460 01",
                disposition=disposition,
                rooms=rooms,
                area=Decimal(rng.randint(*areas)),
                floor=rng.randint(0, 6),
                barrier_free=rng.random() < 0.1,
                rent=rent,
                service_charges=Decimal(rng.randrange(1_200, 3_600, 100)),
                deposit=rent * 2,
                kind=FlatKind.GUARANTEED if guaranteed else FlatKind.MUNICIPAL,
                program=program,
                owner=rng.choice(private) if guaranteed else public[m],
            )
        )
    return Flat.objects.bulk_create(flats, batch_size=BATCH)


def save_households(rng: random.Random, kmb, municipalities, worker) -> list[Household]:
    today = timezone.localdate()
    weights = weights_of(municipalities)
    households = Household.objects.bulk_create(
        [
            Household(
                kmb=kmb,
                permanent_residence=rng.choices(municipalities, weights=weights)[0]
                if rng.random() < 0.85
                else None,
                support_intensity=pick(rng, SUPPORT),
                barrier_free=rng.random() < 0.05,
            )
            for _ in range(HOUSEHOLDS)
        ],
        batch_size=BATCH,
    )
    members = {}
    for household in households:
        members[household.pk] = draw_members(rng, household, pick(rng, HOUSEHOLD_SIZES), today)
        for member in members[household.pk]:
            member.has_valid_id = rng.random() < 0.93
    Client.objects.bulk_create([m for ms in members.values() for m in ms], batch_size=BATCH)
    save_preferences(rng, households, municipalities)
    cases = Case.objects.bulk_create(
        [
            Case(
                household=household,
                kmb=kmb,
                status=CaseStatus.ACTIVE,
                case_manager=worker,
                opened_on=today - datetime.timedelta(days=rng.randint(0, 1_100)),
            )
            for household in households
        ],
        batch_size=BATCH,
    )
    HousingApplication.objects.bulk_create(
        [
            HousingApplication(
                household=case.household,
                case=case,
                submitted_on=case.opened_on + datetime.timedelta(days=rng.randint(0, 30)),
                emergency=rng.random() < 0.05,
                vulnerable=rng.random() < 0.12,
                pseudonym=new_pseudonym(),
            )
            for case in cases
        ],
        batch_size=BATCH,
    )
    save_money(rng, households, members, municipalities, today)
    save_situations(rng, households, worker, today)
    save_consents_and_plans(rng, cases, members, worker, today)
    return households


def save_preferences(rng, households, municipalities) -> None:
    through = Household.preferred_municipalities.through
    weights = weights_of(municipalities)
    rows = []
    for household in households:
        if rng.random() < 0.6:
            chosen = {
                m.pk for m in rng.choices(municipalities, weights=weights, k=rng.randint(1, 3))
            }
            rows += [through(household_id=household.pk, municipality_id=pk) for pk in chosen]
    through.objects.bulk_create(rows, batch_size=BATCH)


def save_money(rng, households, members, municipalities, today) -> None:
    """Income of the adults, housing benefits for half, debts to the municipality for a third."""
    incomes, benefits, debts = [], [], []
    since = today - datetime.timedelta(days=400)
    for household in households:
        adults = [m for m in members[household.pk] if not m.dependent_child]
        for adult in adults:
            if rng.random() < 0.8:
                kind = rng.choice(
                    [IncomeKind.EMPLOYMENT, IncomeKind.OLD_AGE_PENSION, IncomeKind.UNEMPLOYMENT]
                )
                amount = Decimal(rng.randrange(8_000, 32_000, 500))
                incomes.append(
                    Income(
                        household=household,
                        member=adult,
                        kind=kind,
                        monthly_amount=amount,
                        since=since,
                    )
                )
        if rng.random() < 0.5:
            benefits.append(
                Benefit(
                    household=household,
                    kind=BenefitKind.DSSP,
                    dssp_component="housing",
                    state=BenefitState.GRANTED,
                    amount=Decimal(rng.randrange(2_000, 7_000, 100)),
                )
            )
        if rng.random() < 0.33:
            creditor = household.permanent_residence or rng.choice(municipalities)
            amount = Decimal(rng.choice([2_500, 6_000, 9_000, 14_000, 25_000, 60_000]))
            debts.append(
                Debt(
                    debtor=adults[0],
                    creditor_kind=CreditorKind.MUNICIPALITY,
                    creditor_municipality=creditor,
                    original_amount=amount,
                    current_amount=amount,
                    since=today - datetime.timedelta(days=rng.randint(60, 2_000)),
                    state=rng.choice([DebtState.OPEN, DebtState.SCHEDULE]),
                    confirmed_on=today - datetime.timedelta(days=20)
                    if rng.random() < 0.7
                    else None,
                    confirmed_by="Bytový odbor",
                )
            )
    Income.objects.bulk_create(incomes, batch_size=BATCH)
    Benefit.objects.bulk_create(benefits, batch_size=BATCH)
    Debt.objects.bulk_create(debts, batch_size=BATCH)


def save_situations(rng, households, worker, today) -> None:
    situations = []
    for household in households:
        since = today - datetime.timedelta(days=rng.randint(200, 900))
        for _ in range(rng.choice([1, 1, 2])):
            situations.append(
                HousingSituation(
                    household=household, ethos=pick(rng, ETHOS), since=since, recorded_by=worker
                )
            )
            since += datetime.timedelta(days=rng.randint(30, 150))
    HousingSituation.objects.bulk_create(situations, batch_size=BATCH)


def save_consents_and_plans(rng, cases, members, worker, today) -> None:
    """Landlord consents for two fifths; a provider's active plan for a tenth."""
    consents, plans = [], []
    providers = list(Provider.objects.filter(organisation__name__startswith="Podpora Párovice"))
    for case in cases:
        applicant = members[case.household_id][0]
        if rng.random() < 0.4:
            given = today - datetime.timedelta(days=rng.randint(1, 400))
            consents.append(
                Consent(
                    household_id=case.household_id,
                    given_by=applicant,
                    recipient_kind=ConsentRecipient.LANDLORD,
                    recipient_name="Pronajímatel",
                    scope=["contact", "situation", "finances"],
                    given_on=given,
                    expires_on=given + datetime.timedelta(days=rng.randint(180, 730)),
                )
            )
        if rng.random() < 0.1:
            plans.append(
                AssistancePlan(
                    household_id=case.household_id,
                    case=case,
                    case_manager=worker,
                    provider=rng.choice(providers),
                    starts_on=today - datetime.timedelta(days=60),
                    next_review_on=today + datetime.timedelta(days=30),
                )
            )
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    AssistancePlan.objects.bulk_create(plans, batch_size=BATCH)


def save_declines(rng, households, flats, worker) -> None:
    """500 pairs declined before (by the household, the owner or the commission)."""
    applications = list(HousingApplication.objects.filter(household__in=households[:2_000]))
    proposals = []
    for application in rng.sample(applications, 500):
        proposals.append(
            Proposal(
                application=application,
                flat=rng.choice(flats),
                status=ProposalStatus.DECLINED,
                score=Decimal("10.00"),
                proposed_by=worker,
                declined_by=rng.choice(list(DeclineParty)),
                decline_reason_text="Byt je daleko od školy dětí",
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=BATCH)
