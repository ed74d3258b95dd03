"""The anonymised case summary: loaded from the ORM in a constant number of queries and built
only through the redaction policy."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from clients.models import (
    BenefitKind,
    BenefitState,
    CreditorKind,
    DebtState,
    Relationship,
    SupportIntensity,
)
from housing import summaries
from housing.models import Readiness, Recommendation
from kmb.redaction import HouseholdIdentifiers
from providers.models import CooperationEndReason, EndedBy, GoalState, PlanStatus, VisitKind
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, OrpFactory
from tests.factories.clients import (
    BenefitFactory,
    ClientFactory,
    DebtFactory,
    HousingSituationFactory,
    IncomeFactory,
)
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory
from tests.factories.providers import AssistancePlanFactory, GoalFactory, SupportVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The summary is built in the active language; English keeps the expected values readable.
    with translation.override("en"):
        yield


def born(age: int) -> datetime.date:
    """A birth date that makes a person exactly `age` today (1 January of that year)."""
    return datetime.date(timezone.localdate().year - age, 1, 1)


@pytest.fixture
def liberec(db):
    return MunicipalityFactory(name="Liberec", orp=OrpFactory(name="Liberec"), population=104_000)


@pytest.fixture
def application(liberec):
    """A family of four in a commercial hostel, with incomes, benefits, debts (to the city of
    Liberec confirmed and unconfirmed, to another municipality, in distraint, one paid) and two
    assistance plans with goals and providers' reports."""
    kmb = OrganisationFactory(name="KMB Liberec", orp=liberec.orp)
    application = HousingApplicationFactory(
        case__household__kmb=kmb,
        case__kmb=kmb,
        case__applicant=False,
        case__household__permanent_residence=liberec,
        case__household__address="Ubytovna Zqx, Dlouhá 12, Liberec",
        case__household__barrier_free=True,
        case__household__support_intensity=SupportIntensity.MEDIUM,
        case__household__pets="pes Rex",
        vulnerable=True,
        recommendation=Recommendation.RECOMMEND_WITH_SUPPORT,
        readiness=[Readiness.COOPERATES, Readiness.KEEPS_SCHEDULE],
        recommendation_text="Žadatelka spolupracuje, splácí dluh městu.",
    )
    household = application.household
    applicant = ClientFactory(
        household=household,
        first_name="Jana",
        last_name="Zqxnováková",
        birth_date=born(34),
        birth_number="915101/7777",
        phone="777 123 456",
        email="qz@example.cz",
    )
    partner = ClientFactory(
        household=household,
        relationship=Relationship.PARTNER,
        first_name="Petr",
        last_name="Zqxnovák",
        birth_date=born(31),
    )
    for age in (7, 2):
        ClientFactory(household=household, relationship=Relationship.CHILD, birth_date=born(age))
    HousingSituationFactory(
        household=household,
        ethos="3",
        in_commercial_hostel=True,
        since=timezone.localdate() - datetime.timedelta(days=100),
    )
    IncomeFactory(household=household, monthly_amount=Decimal("18000"))
    BenefitFactory(household=household, amount=Decimal("4500"))
    BenefitFactory(
        household=household, dssp_component="living", state=BenefitState.APPLIED, amount=None
    )
    BenefitFactory(
        household=household,
        kind=BenefitKind.FOUNDATION_GRANT,
        dssp_component="",
        provider_name="Nadace Zqxnovak",
        monthly=False,
        amount=Decimal("3000"),
    )
    DebtFactory(
        debtor=applicant,
        municipal=True,
        creditor_municipality=liberec,
        original_amount=Decimal("12345"),
        confirmed_by="Ing. Úřednice",
        confirmed_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    DebtFactory(
        debtor=applicant,
        municipal=True,
        creditor_municipality=liberec,
        original_amount=Decimal("3000"),
    )
    DebtFactory(
        debtor=applicant,
        creditor_kind=CreditorKind.TELECOM,
        original_amount=Decimal("5000"),
        state=DebtState.PAID,
    )
    DebtFactory(debtor=partner, original_amount=Decimal("8400"), state=DebtState.DISTRAINT)
    DebtFactory(
        debtor=partner,
        municipal=True,
        creditor_municipality=MunicipalityFactory(name="Chrastava", orp=liberec.orp),
        original_amount=Decimal("2000"),
    )
    ended = AssistancePlanFactory(
        case=application.case,
        status=PlanStatus.ENDED,
        ended_on=timezone.localdate() - datetime.timedelta(days=200),
        ended_by=EndedBy.CLIENT,
        end_reason=CooperationEndReason.CLIENT_ENDED,
    )
    GoalFactory(plan=ended, state=GoalState.MET)
    GoalFactory(plan=ended, state=GoalState.NOT_MET)
    SupportVisitFactory(plan=ended, kind=VisitKind.OFFICE)
    current = AssistancePlanFactory(case=application.case)
    for state in (GoalState.MET, GoalState.IN_PROGRESS, GoalState.DROPPED):
        GoalFactory(plan=current, state=state)
    for kind in (VisitKind.HOME_VISIT, VisitKind.PHONE, VisitKind.HOME_VISIT, VisitKind.HOME_VISIT):
        SupportVisitFactory(plan=current, kind=kind)
    return application


@pytest.fixture
def flat(liberec):
    return FlatFactory(municipality=liberec, street="Husova", number="5", unit="12")


def test_summary_of_an_application_has_every_field_redacted(application, flat):
    summary = summaries.summary_of(application.pk, flat=flat)

    # As an agenda item keeps it (JSON).
    assert json.loads(json.dumps(summary.to_dict())) == {
        "code": application.pseudonym,
        "members": [
            {"relationship": "Applicant", "age_band": "26–39"},
            {"relationship": "Spouse or partner", "age_band": "26–39"},
            {"relationship": "Child", "age_band": "6–14"},
            {"relationship": "Child", "age_band": "0–5"},
        ],
        "adults": 2,
        "children": 2,
        "ethos": "3 Homeless hostel, asylum house, temporary accommodation (commercial hostel)",
        "residence": "Liberec",
        "income_band": "20,000–30,000 CZK",
        "benefits": [
            "DSSP (state social assistance benefit): Housing (bydlení)",
            "DSSP (state social assistance benefit): Living (živobytí) (applied for)",
            "Foundation grant",
        ],
        "debts": [
            {"creditor": "Municipality", "amount": "17000"},
            {"creditor": "Energy", "amount": "8000"},
        ],
        "debt_total": "26000",
        "municipal_debt": "12000",
        "municipal_debt_unconfirmed": True,
        "distraint": True,
        "insolvency": False,
        "needs": [
            "special vulnerability",
            "needs a barrier-free flat",
            "support: Medium (regular support)",
            "has pets",
        ],
        "plan_goals_met": 2,
        "plan_goals_total": 4,
        "cooperation": [
            ["Visit in the flat", 3],
            ["At the office", 1],
            ["Phone", 1],
            ["Cooperation ended: The client ended the cooperation", 1],
        ],
        "recommendation": "Recommended with support from a provider",
        "readiness": [
            "Cooperates with the case manager",
            "Keeps to its repayment schedules",
        ],
        "recommendation_text": "Žadatelka spolupracuje, splácí dluh městu.",
    }


def test_summary_debt_to_the_municipality_is_the_flats_municipalitys(application, liberec):
    """For a flat in Chrastava, the debt to Chrastava is the municipal debt, and unconfirmed."""
    chrastava = MunicipalityFactory(name="Chrastava", orp=liberec.orp)

    summary = summaries.summary_of(application.pk, flat=FlatFactory(municipality=chrastava))

    assert (summary.municipal_debt, summary.municipal_debt_unconfirmed) == (Decimal(0), True)


def test_summary_stale_confirmation_does_not_count(application, flat):
    application.household.members.get(first_name="Jana").debts.filter(
        confirmed_on__isnull=False
    ).update(confirmed_on=timezone.localdate() - datetime.timedelta(days=91))

    summary = summaries.summary_of(application.pk, flat=flat)

    assert (summary.municipal_debt, summary.municipal_debt_unconfirmed) == (Decimal(0), True)


def test_summary_small_municipality_of_residence_is_not_named(application, flat, liberec):
    village = MunicipalityFactory(name="Zqxov", orp=liberec.orp, population=300)
    application.household.permanent_residence = village
    application.household.save()

    summary = summaries.summary_of(application.pk, flat=flat)

    assert summary.residence == "a municipality under 2,000 inhabitants (ORP Liberec)"
    identifiers = summaries.identifiers_of(summaries.load_application(application.pk))
    assert identifiers.places == ("Zqxov",)


def test_summary_residence_outside_the_orp_is_never_named(application, flat):
    household = application.household
    household.permanent_residence = None
    household.permanent_residence_elsewhere = "Praha"
    household.save()

    summary = summaries.summary_of(application.pk, flat=flat)

    assert summary.residence == "a municipality outside the KMB's area"


def test_summary_of_a_household_without_records(flat):
    application = HousingApplicationFactory()
    age_band = summaries.summary_of(application.pk, flat=flat).members[0].age_band

    summary = summaries.summary_of(application.pk, flat=flat)

    assert json.loads(json.dumps(summary.to_dict())) == {
        "code": application.pseudonym,
        "members": [{"relationship": "Applicant", "age_band": age_band}],
        "adults": 1,
        "children": 0,
        "ethos": "not recorded",
        "residence": "not recorded",
        "income_band": "up to 10,000 CZK",
        "benefits": [],
        "debts": [],
        "debt_total": "0",
        "municipal_debt": "0",
        "municipal_debt_unconfirmed": False,
        "distraint": False,
        "insolvency": False,
        "needs": ["support: Low (occasional counselling)"],
        "plan_goals_met": 0,
        "plan_goals_total": 0,
        "cooperation": [],
        "recommendation": "",
        "readiness": [],
        "recommendation_text": "",
    }


def test_identifiers_are_the_households_own(application):
    identifiers = summaries.identifiers_of(summaries.load_application(application.pk))

    members = list(application.household.members.order_by("pk"))
    assert identifiers == HouseholdIdentifiers(
        names=tuple(f"{m.first_name} {m.last_name}" for m in members),
        birth_dates=tuple(m.birth_date for m in members),
        birth_numbers=("915101/7777",),
        phones=tuple(m.phone for m in members),
        emails=("qz@example.cz",),
        addresses=("Ubytovna Zqx, Dlouhá 12, Liberec",),
        places=(),
    )


def test_summary_refuses_a_recommendation_text_that_names_a_member(application, flat):
    """A member who joined after the text was written: the text is checked again."""
    application.recommendation_text = "Partner Zqxnovák pracuje."
    application.save()

    with pytest.raises(ValidationError) as refused:
        summaries.summary_of(application.pk, flat=flat)

    assert refused.value.messages == [
        "The text names a member of the household (“Zqxnovák”). Write “the applicant”, "
        "“the partner” or “the child” instead."
    ]


def test_summary_loads_in_a_constant_number_of_queries(application, flat):
    """One record of each kind, or the big family with its long history: the same queries."""
    small = HousingApplicationFactory(case__household__kmb=application.household.kmb)
    DebtFactory(debtor=small.household.members.get())
    HousingSituationFactory(household=small.household)
    IncomeFactory(household=small.household)
    BenefitFactory(household=small.household)
    SupportVisitFactory(plan=GoalFactory(plan__case=small.case).plan)

    with CaptureQueriesContext(connection) as few:
        summaries.summary_of(small.pk, flat=flat)
    with CaptureQueriesContext(connection) as many:
        summaries.summary_of(application.pk, flat=flat)

    assert len(many) == len(few)


def test_flat_rows_show_the_flat_as_the_commission_reads_it(flat):
    assert summaries.flat_rows(summaries.flat_facts(flat)) == [
        ("Address", f"Husova 5, flat 12, {flat.municipality}"),
        ("Disposition", "2+1"),
        ("Area", "55.0 m²"),
        ("Floor", "1"),
        ("Barrier-free", "no"),
        ("Rent", "6,000 CZK"),
        ("Service charges", "0 CZK"),
        ("Program", "Social flat"),
        ("Kind", "Municipal flat"),
    ]
