"""The ORM adapter: what load_problem reads for a hand-built KMB, and that it reads it in the same
number of queries for one household and flat as for three."""

import datetime
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import (
    BenefitKind,
    BenefitState,
    ConsentRecipient,
    DebtState,
    Relationship,
    SupportIntensity,
)
from housing.matching import engine
from housing.matching.load import load_problem
from housing.models import (
    ApplicationStatus,
    DeclineParty,
    DeclineReview,
    FlatStatus,
    MatchingSettings,
    MunicipalRules,
    Program,
    ProposalStatus,
)
from providers.models import PlanStatus, ServiceType
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import (
    BenefitFactory,
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    DebtFactory,
    HousingSituationFactory,
    IncomeFactory,
)
from tests.factories.housing import FlatFactory, OwnerFactory
from tests.factories.matching import (
    HousingApplicationFactory,
    MatchingSettingsFactory,
    MunicipalRulesFactory,
    ProposalFactory,
)
from tests.factories.providers import (
    AssistancePlanFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceReferralFactory,
)

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    return MunicipalityFactory(name="Lhota", orp=kmb_office.orp)


@pytest.fixture
def jinde(other_kmb_office):
    return MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)


def application(kmb, **kwargs):
    case = CaseFactory(household__kmb=kmb, kmb=kmb, active=True)
    return HousingApplicationFactory(case=case, **kwargs)


@pytest.fixture
def family(kmb_office, testov, lhota, social_worker):
    """Applicant, an adult partner without a valid ID and a dependent child; income, benefits,
    situations, debts, a landlord consent and a provider's plan."""
    app = application(kmb_office, submitted_on=days_ago(100), emergency=True)
    household = app.household
    household.support_intensity = SupportIntensity.HIGH
    household.permanent_residence = testov
    household.save()
    household.preferred_municipalities.set([lhota])
    applicant = household.members.get()
    ClientFactory(household=household, relationship=Relationship.PARTNER, has_valid_id=False)
    ClientFactory(
        household=household,
        relationship=Relationship.CHILD,
        dependent_child=True,
        has_valid_id=False,
        birth_date=days_ago(365 * 8),
    )
    IncomeFactory(household=household, monthly_amount=18000, since=days_ago(300))
    IncomeFactory(household=household, monthly_amount=9000, since=days_ago(300), until=days_ago(1))
    BenefitFactory(household=household, amount=4500)
    BenefitFactory(household=household, amount=3000, state=BenefitState.APPLIED)
    BenefitFactory(
        household=household,
        kind=BenefitKind.MOP,
        dssp_component="",
        mop_situation="one_off_expense",
        monthly=False,
        amount=8000,
    )
    HousingSituationFactory(household=household, ethos="8", since=days_ago(200))
    HousingSituationFactory(household=household, ethos="3", since=days_ago(20))
    HousingSituationFactory(household=household, ethos="1", since=TODAY + datetime.timedelta(1))
    confirmed = {"confirmed_on": days_ago(5), "confirmed_by": "Ing. Vrána"}
    DebtFactory(debtor=applicant, municipal=True, creditor_municipality=testov, **confirmed)
    DebtFactory(
        debtor=applicant,
        municipal=True,
        creditor_municipality=testov,
        original_amount=Decimal("5000"),
    )
    DebtFactory(
        debtor=applicant,
        municipal=True,
        creditor_municipality=testov,
        state=DebtState.PAID,
        **confirmed,
    )
    DebtFactory(
        debtor=applicant,
        municipal=True,
        creditor_municipality=lhota,
        original_amount=Decimal("1000"),
        **confirmed,
    )
    DebtFactory(debtor=applicant)  # energy: not a municipality's
    ConsentFactory(household=household, recipient_kind=ConsentRecipient.LANDLORD)
    AssistancePlanFactory(case=app.case, provider=ProviderFactory())
    return app


@pytest.fixture
def single(kmb_office):
    """One person from outside the ORP, supported through a started referral to a §43 service."""
    app = application(kmb_office, submitted_on=days_ago(30), vulnerable=True)
    household = app.household
    household.permanent_residence_elsewhere = "Praha"
    household.save()
    ServiceReferralFactory(case=app.case, started=True)
    ConsentFactory(
        household=household,
        recipient_kind=ConsentRecipient.LANDLORD,
        expires_on=days_ago(1),
        given_on=days_ago(100),
    )
    return app


@pytest.fixture
def others(kmb_office, other_kmb_office):
    """Applications the KMB's problem must not contain."""
    return [
        application(kmb_office, parked=True),
        application(kmb_office, status=ApplicationStatus.WITHDRAWN, closed_on=days_ago(2)),
        application(other_kmb_office),
    ]


def test_load_problem_reads_the_households(family, single, others, kmb_office):
    problem = load_problem(kmb=kmb_office, today=TODAY)
    hh = problem.households

    assert list(problem.application_ids) == [family.pk, single.pk]
    assert list(problem.household_ids) == [family.household_id, single.household_id]
    assert list(hh.ids) == [family.pk, single.pk]
    assert hh.persons.tolist() == [3, 1]
    assert hh.children.tolist() == [1, 0]
    assert hh.income.tolist() == [22500.0, 0.0]
    assert hh.ethos.tolist() == [3, 0]
    assert hh.support_need.tolist() == [3, 1]
    assert hh.vulnerable.tolist() == [False, True]
    assert hh.emergency.tolist() == [True, False]
    assert hh.barrier_free.tolist() == [False, False]
    assert hh.residence.tolist() == [0, -1]
    assert hh.municipal_debt.tolist() == [[12000.0, 1000.0], [0.0, 0.0]]
    assert hh.valid_id.tolist() == [False, True]
    assert hh.landlord_consent.tolist() == [True, False]
    assert hh.has_provider.tolist() == [True, True]
    assert hh.waiting_days.tolist() == [100, 30]
    assert hh.preferred.tolist() == [[False, True], [False, False]]
    assert hh.arrival_order.tolist() == [0, 1]


def test_a_referral_to_other_help_or_a_plan_without_provider_is_no_provider(kmb_office):
    food = application(kmb_office)
    ServiceReferralFactory(
        case=food.case, service=ServiceFactory(kind=ServiceType.FOOD_BANK), accepted=True
    )
    sent = application(kmb_office)
    ServiceReferralFactory(case=sent.case)
    planned = application(kmb_office)
    AssistancePlanFactory(case=planned.case)
    ended = application(kmb_office)
    AssistancePlanFactory(
        case=ended.case,
        provider=ProviderFactory(),
        status=PlanStatus.ENDED,
        ended_on=TODAY,
        end_reason="goals_met",
    )

    problem = load_problem(kmb=kmb_office, today=TODAY)

    assert problem.households.has_provider.tolist() == [False, False, False, False]


def test_load_problem_reads_the_free_flats_of_the_orp(kmb_office, testov, lhota, jinde):
    private = OwnerFactory(private=True)
    social = FlatFactory(municipality=testov, rent=Decimal("6000"), service_charges=1500)
    first = FlatFactory(
        municipality=lhota,
        program=Program.HOUSING_FIRST,
        rooms=1,
        area=Decimal("31.5"),
        barrier_free=True,
        owner=private,
    )
    FlatFactory(municipality=testov, status=FlatStatus.RESERVED)
    FlatFactory(municipality=jinde)

    problem = load_problem(kmb=kmb_office, today=TODAY)
    flats = problem.flats

    assert list(problem.flat_ids) == [social.pk, first.pk]
    assert flats.municipality.tolist() == [0, 1]
    assert flats.rooms.tolist() == [2, 1]
    assert flats.area.tolist() == [55.0, 31.5]
    assert flats.rent.tolist() == [6000.0, 6000.0]
    assert flats.charges.tolist() == [1500.0, 0.0]
    assert [engine.PROGRAMS[p] for p in flats.program] == ["social", "housing_first"]
    assert flats.barrier_free.tolist() == [False, True]
    assert flats.owner.tolist() == [social.owner_id, private.pk]
    assert problem.municipality_ids == [testov.pk, lhota.pk]
    assert problem.municipality_names == ["Testov", "Lhota"]
    assert problem.flat_index(first.pk) == 1
    assert problem.municipality_index(lhota.pk) == 1


def test_load_problem_narrows_flats_and_applications(family, single, kmb_office, testov, lhota):
    flat = FlatFactory(municipality=testov)
    FlatFactory(municipality=lhota)

    problem = load_problem(
        kmb=kmb_office,
        today=TODAY,
        flats=type(flat).objects.filter(pk=flat.pk),
        applications=type(single).objects.filter(pk=single.pk),
    )

    assert list(problem.flat_ids) == [flat.pk]
    assert list(problem.application_ids) == [single.pk]
    assert problem.application_index(family.pk) is None


def test_load_problem_reads_rules_capacity_and_settings(kmb_office, testov, lhota, jinde):
    MunicipalRulesFactory(
        municipality=testov,
        require_residence=True,
        max_municipal_debt=Decimal("10000"),
        require_valid_id=True,
        support_required_programs=["social"],
        max_rent=Decimal("8000"),
        max_rent_programs=["social", "housing_first"],
    )
    MunicipalRulesFactory(municipality=jinde, require_residence=True)
    ServiceFactory(municipalities=[testov, lhota], free_places=3)
    ServiceFactory(municipalities=[testov], free_places=2, kind=ServiceType.FIELD_PROGRAMME)
    ServiceFactory(municipalities=[lhota], free_places=5, is_active=False)
    ServiceFactory(municipalities=[lhota], free_places=4, kind=ServiceType.FOOD_BANK)
    MatchingSettingsFactory(
        kmb=kmb_office,
        weight_urgency=7,
        weight_support=0,
        max_persons_per_room=Decimal("1.5"),
        min_area_per_person=Decimal("10"),
        max_spare_rooms=2,
        max_housing_cost_share=40,
    )

    problem = load_problem(kmb=kmb_office, today=TODAY)
    rules, settings = problem.rules, problem.settings

    assert rules.require_residence.tolist() == [True, False]
    assert rules.max_debt.tolist() == [10000.0, np.inf]
    assert rules.require_valid_id.tolist() == [True, False]
    assert rules.require_landlord_consent.tolist() == [False, False]
    assert rules.support_required.tolist() == [
        [p == "social" for p in engine.PROGRAMS],
        [False] * len(engine.PROGRAMS),
    ]
    assert rules.max_rent.tolist() == [
        [8000.0 if p in ("social", "housing_first") else np.inf for p in engine.PROGRAMS],
        [np.inf] * len(engine.PROGRAMS),
    ]
    assert rules.support_capacity.tolist() == [5, 3]
    assert settings.weights == {
        "urgency": 7.0,
        "children": 5.0,
        "waiting": 5.0,
        "vulnerability": 5.0,
        "preference": 5.0,
        "size_fit": 5.0,
        "support": 0.0,
    }
    assert (settings.max_persons_per_room, settings.min_area_per_person) == (1.5, 10.0)
    assert (settings.max_spare_rooms, settings.max_housing_cost_share) == (2, 0.4)


def test_overrides_replace_the_stored_rules_and_settings(kmb_office, testov, lhota):
    MunicipalRulesFactory(municipality=testov, require_residence=True)
    preview = MunicipalRules(municipality=lhota, max_municipal_debt=Decimal("500"))

    problem = load_problem(
        kmb=kmb_office,
        today=TODAY,
        rules_override={lhota.pk: preview},
        settings_override=MatchingSettings(kmb=kmb_office, weight_children=10),
    )

    assert problem.rules.require_residence.tolist() == [True, False]
    assert problem.rules.max_debt.tolist() == [np.inf, 500.0]
    assert problem.settings.weights["children"] == 10.0
    assert problem.rules_models[lhota.pk] is preview


def test_a_kmb_without_settings_uses_the_defaults(kmb_office):
    problem = load_problem(kmb=kmb_office, today=TODAY)

    assert problem.settings.weights == dict.fromkeys(engine.COMPONENTS, 5.0)
    assert problem.settings.max_housing_cost_share == 0.45
    assert MatchingSettings.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"weight_urgency": 11},
            "Nastavení párování není platné: Váha je od 0 do 10.",
        ),
        (
            {"max_persons_per_room": Decimal("0.5"), "max_spare_rooms": 0},
            "Normy obsazenosti si odporují: při nejvýše 0,5 osoby na pokoj a 0 pokojích navíc "
            "se do žádného bytu nevejde jednočlenná domácnost.",
        ),
    ],
)
def test_invalid_settings_are_refused_with_a_clear_message(kmb_office, changes, message):
    settings = MatchingSettings(kmb=kmb_office, **changes)

    with pytest.raises(ValidationError) as error:
        load_problem(kmb=kmb_office, today=TODAY, settings_override=settings)

    assert error.value.messages == [message]


def test_a_maximum_rent_of_zero_is_refused(kmb_office, testov):
    rules = MunicipalRules(municipality=testov, max_rent=Decimal("0"))

    with pytest.raises(ValidationError) as error:
        load_problem(kmb=kmb_office, today=TODAY, rules_override={testov.pk: rules})

    assert error.value.messages == ["Nejvyšší nájemné v obci Testov musí být víc než nula."]


def test_declined_pairs_are_excluded(kmb_office, family, single, testov, lhota, social_worker):
    owner = OwnerFactory(private=True)
    near = FlatFactory(municipality=testov)
    far = FlatFactory(municipality=lhota, owner=owner)
    let = FlatFactory(municipality=lhota, owner=owner, status=FlatStatus.LET)
    declined = {"status": ProposalStatus.DECLINED, "decline_reason_text": "Nechce"}
    ProposalFactory(application=family, flat=far, declined_by=DeclineParty.HOUSEHOLD, **declined)
    ProposalFactory(application=single, flat=let, declined_by=DeclineParty.OWNER, **declined)
    ProposalFactory(
        application=single,
        flat=near,
        declined_by=DeclineParty.COMMISSION,
        decline_review=DeclineReview.OVERRIDDEN,
        **declined,
    )
    ProposalFactory(application=family, flat=near, status=ProposalStatus.WITHDRAWN)

    problem = load_problem(kmb=kmb_office, today=TODAY)

    assert problem.settings.excluded_pairs.tolist() == [[0, 1]]
    assert problem.settings.excluded_owner_pairs.tolist() == [[1, owner.pk]]
    assert [
        [[r.passed for r in problem.explain(h, f) if r.code == "excluded"] for f in (0, 1)]
        for h in (0, 1)
    ] == [[[True], [False]], [[True], [False]]]


def build(kmb, municipality, n: int) -> None:
    """n households with every kind of data and n free flats."""
    for _ in range(n):
        app = application(kmb, submitted_on=days_ago(10))
        household = app.household
        household.preferred_municipalities.set([municipality])
        IncomeFactory(household=household)
        BenefitFactory(household=household)
        HousingSituationFactory(household=household)
        DebtFactory(
            debtor=household.members.get(),
            municipal=True,
            creditor_municipality=municipality,
            confirmed_on=days_ago(1),
            confirmed_by="Úřednice",
        )
        ConsentFactory(household=household, recipient_kind=ConsentRecipient.LANDLORD)
        AssistancePlanFactory(case=app.case, provider=ProviderFactory())
        flat = FlatFactory(municipality=municipality)
        ProposalFactory(
            application=app,
            flat=flat,
            status=ProposalStatus.DECLINED,
            declined_by=DeclineParty.HOUSEHOLD,
            decline_reason_text="Nechce",
        )
        FlatFactory(municipality=municipality)
        ServiceFactory(municipalities=[municipality])
    MunicipalRulesFactory(municipality=municipality, require_residence=True)


def queries_to_load(kmb) -> int:
    with CaptureQueriesContext(connection) as queries:
        problem = load_problem(kmb=kmb, today=TODAY)
    assert len(problem.households) == len(problem.application_ids)
    return len(queries)


def test_load_problem_query_count_is_constant(kmb_office, testov):
    build(kmb_office, testov, 1)
    one = queries_to_load(kmb_office)

    build(kmb_office, testov, 2)
    three = queries_to_load(kmb_office)

    assert len(load_problem(kmb=kmb_office, today=TODAY).application_ids) == 3
    assert one == three
