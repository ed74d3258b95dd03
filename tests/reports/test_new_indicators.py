"""The indicators added for issue 9 (referrals, the waiting list, the support network, check-ins,
Liberec's project figures), each against data built here with a known answer: month boundaries,
other KMBs' records, an area narrowed to one municipality, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from housing.models import ApplicationStatus, CheckIn, CheckInResult, LeaseEndReason, OwnerKind
from providers.models import PlanStatus, ReferralState, ServiceType
from reports.indicators import INDICATORS, compute, drilldown_url
from reports.periods import Month
from reports.queries import Area
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory, LeaseFactory, OwnerFactory
from tests.factories.matching import HousingApplicationFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceReferralFactory,
)
from tests.factories.reports import LeaseExtensionFactory

MONTH = Month(2026, 10)
NEW_CODES = [
    "referrals_sent",
    "referrals_by_outcome",
    "households_referred",
    "waiting_households",
    "waiting_median_days",
    "coverage_missing",
    "coverage_full",
    "households_by_provider",
    "checkins_due",
    "checkins_done",
    "checkins_done_share",
    "private_owners_engaged",
    "leases_signed_or_extended",
]
# referrals 2, waiting list 2, coverage 2, check-ins 1, providers 1, owners 1, leases 2
NEW_QUERIES = 11
# The whole registry: the first nineteen, and the added ones but the leases (already counted).
ALL_QUERIES = 19 + NEW_QUERIES - 2


def day(month: int, number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, number)


def value(area: Area, code: str, month: Month = MONTH):
    return compute(area, month, [code])[code]


def rows(indicator_value) -> dict:
    return {row.key: row.value for row in indicator_value.rows if row.value}


@pytest.fixture
def town(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Testov")


@pytest.fixture
def village(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Lhota")


@pytest.fixture
def area(kmb_office):
    return Area.of(kmb_office)


@pytest.fixture
def town_area(kmb_office, town):
    return Area.of(kmb_office, town)


def case_in(kmb, residence=None):
    return CaseFactory(household__kmb=kmb, household__permanent_residence=residence, kmb=kmb)


# --- Referrals --------------------------------------------------------------------------------


@pytest.fixture
def referrals(kmb_office, other_kmb_office, town, village, social_worker):
    independent = ServiceFactory(kind=ServiceType.INDEPENDENT_LIVING)
    debts = ServiceFactory(kind=ServiceType.DEBT_COUNSELLING)
    in_town = case_in(kmb_office, town)
    in_village = case_in(kmb_office, village)

    def refer(case, service, sent_on, state=ReferralState.SENT):
        return ServiceReferralFactory(
            case=case, service=service, sent_on=sent_on, state=state, sent_by=social_worker
        )

    refer(in_town, independent, day(10, 1), ReferralState.ACCEPTED)
    refer(in_town, debts, day(10, 31))
    refer(in_village, independent, day(10, 15), ReferralState.REFUSED)
    refer(case_in(kmb_office, town), independent, day(9, 30))
    refer(case_in(kmb_office, town), debts, day(11, 1))
    refer(case_in(other_kmb_office), independent, day(10, 10))


def test_referrals_sent_by_service_type(area, town_area, referrals):
    assert value(area, "referrals_sent").value == 3
    assert rows(value(area, "referrals_sent")) == {"s43": 2, "debt_counselling": 1}
    assert rows(value(town_area, "referrals_sent")) == {"s43": 1, "debt_counselling": 1}


def test_referrals_by_outcome_is_their_state_now(area, referrals):
    outcome = value(area, "referrals_by_outcome")

    assert outcome.value == 3
    assert [(row.key, row.value) for row in outcome.rows] == [
        ("sent", 1),
        ("accepted", 1),
        ("refused", 1),
        ("started", 0),
        ("ended", 0),
    ]


def test_households_referred_counts_each_household_once(area, town_area, referrals):
    assert value(area, "households_referred").value == 2
    assert value(town_area, "households_referred").value == 1


# --- The waiting list -------------------------------------------------------------------------


def apply(kmb, submitted_on, residence=None, **fields):
    case = CaseFactory(
        household__kmb=kmb, household__permanent_residence=residence, kmb=kmb, active=True
    )
    return HousingApplicationFactory(case=case, submitted_on=submitted_on, **fields)


@pytest.fixture
def waiting(kmb_office, other_kmb_office, town):
    apply(kmb_office, day(10, 10), town)  # 21 days on 31 October
    apply(kmb_office, day(8, 1))  # 91 days: withdrawn only in November
    apply(
        kmb_office,
        day(8, 1),
        status=ApplicationStatus.WITHDRAWN,
        closed_on=day(11, 5),
    )
    apply(kmb_office, day(9, 30), town, parked_until=day(10, 15))  # 31 days: parked no more
    apply(kmb_office, day(9, 1), parked_until=day(11, 15))  # parked on the last day
    apply(kmb_office, day(11, 1))  # not yet
    apply(kmb_office, day(9, 1), status=ApplicationStatus.HOUSED, closed_on=day(10, 20))
    apply(other_kmb_office, day(10, 1))


def test_waiting_list_counts_applications_open_and_unparked_at_the_months_end(
    area, town_area, waiting
):
    assert value(area, "waiting_households").value == 4
    assert value(town_area, "waiting_households").value == 2


def test_waiting_median_days_on_the_months_last_day(area, town_area, waiting):
    # 21, 31, 91 and 91 days: the middle two are 31 and 91.
    assert value(area, "waiting_median_days").value == 61
    assert value(area, "waiting_median_days").base == 4
    # 21 and 31 days.
    assert value(town_area, "waiting_median_days").value == 26


def test_waiting_median_of_an_odd_list_is_its_middle(kmb_office, area):
    for submitted in (day(10, 30), day(10, 1), day(6, 30)):
        apply(kmb_office, submitted)

    assert value(area, "waiting_median_days").value == 30


def test_empty_waiting_list_has_no_median(area):
    median = value(area, "waiting_median_days")

    assert (median.value, median.base) == (None, 0)


# --- The support network ----------------------------------------------------------------------


@pytest.fixture
def network(kmb_office, town, village):
    MunicipalityFactory(orp=MunicipalityFactory().orp, name="Jinde")  # another ORP's
    ServiceFactory(kind=ServiceType.INDEPENDENT_LIVING, municipalities=[town], free_places=3)
    ServiceFactory(kind=ServiceType.FIELD_PROGRAMME, municipalities=[town, village], free_places=0)
    ServiceFactory(kind=ServiceType.COUNSELLING, municipalities=[village], is_active=False)
    ServiceFactory(kind=ServiceType.DEBT_COUNSELLING, municipalities=[village])  # not in the flat


def test_coverage_gaps_per_type_of_housing_support(area, network):
    missing = value(area, "coverage_missing")

    # Town: §65, §70, §37 missing; Lhota: §43, §65, §70, §37 (the §37 service is inactive).
    assert missing.value == 7
    assert [(row.key, row.value) for row in missing.rows] == [
        ("s43", 1),
        ("s69", 0),
        ("s65", 2),
        ("s70", 2),
        ("s37", 2),
    ]
    assert rows(value(area, "coverage_full")) == {"s69": 2}


def test_coverage_gaps_of_one_municipality(town_area, network):
    assert rows(value(town_area, "coverage_missing")) == {"s65": 1, "s70": 1, "s37": 1}
    assert rows(value(town_area, "coverage_full")) == {"s69": 1}


def test_coverage_gaps_drill_down_to_the_coverage_map(area):
    assert drilldown_url(INDICATORS["coverage_missing"], area) == "/providers/coverage/"


def test_households_by_provider_at_the_months_end(kmb_office, other_kmb_office, town, area):
    alfa = ProviderFactory(organisation__name="Alfa, z. s.")
    beta = ProviderFactory(organisation__name="Beta, z. ú.")

    def plan(provider, starts_on, kmb=kmb_office, **fields):
        case = CaseFactory(household__kmb=kmb, kmb=kmb, active=True)
        return AssistancePlanFactory(case=case, provider=provider, starts_on=starts_on, **fields)

    plan(beta, day(3, 1))
    plan(beta, day(10, 31), status=PlanStatus.PAUSED)
    plan(alfa, day(5, 1), status=PlanStatus.ENDED, ended_on=day(11, 3), end_reason="goals_met")
    plan(alfa, day(5, 1), status=PlanStatus.ENDED, ended_on=day(10, 15), end_reason="goals_met")
    plan(alfa, day(11, 1))
    plan(None, day(3, 1))
    plan(alfa, day(3, 1), kmb=other_kmb_office)

    by_provider = value(area, "households_by_provider")

    assert by_provider.value == 3
    assert [(row.label, row.value) for row in by_provider.rows] == [
        ("Alfa, z. s.", 1),
        ("Beta, z. ú.", 2),
    ]


# --- Check-ins --------------------------------------------------------------------------------


@pytest.fixture
def check_ins(kmb_office, other_kmb_office, town, village, social_worker):
    def lease(start_on, kmb=kmb_office, municipality=town, **fields):
        fields.setdefault("end_on", start_on + datetime.timedelta(days=364))
        return LeaseFactory(
            flat=FlatFactory(municipality=municipality),
            household=case_in(kmb).household,
            start_on=start_on,
            **fields,
        )

    def call(tenancy, month, result):
        CheckIn.objects.create(
            lease=tenancy, month=month, done_on=month, result=result, by=social_worker
        )

    call(lease(day(9, 1)), day(10, 1), CheckInResult.ALL_WELL)
    lease(day(9, 1), municipality=village)
    ended = lease(day(5, 1), ended_on=day(10, 15), end_reason=LeaseEndReason.MOVED_OUT)
    call(ended, day(10, 1), CheckInResult.PROBLEMS)
    lease(day(5, 1), ended_on=day(10, 20), end_reason=LeaseEndReason.MOVED_OUT)
    lease(day(11, 1))
    lease(day(1, 1), end_on=day(10, 31))  # its last day is the month's last day
    call(lease(day(6, 1)), day(9, 1), CheckInResult.ALL_WELL)  # phoned last month only
    call(lease(day(9, 1), kmb=other_kmb_office), day(10, 1), CheckInResult.ALL_WELL)


def test_check_ins_due_and_done(area, check_ins):
    values = compute(area, MONTH, ["checkins_due", "checkins_done", "checkins_done_share"])

    assert values["checkins_due"].value == 5
    assert values["checkins_done"].value == 2
    assert values["checkins_done"].base == 5
    assert rows(values["checkins_done"]) == {"all_well": 1, "problems": 1}
    assert values["checkins_done_share"].value == 40


def test_check_ins_of_one_municipality(town_area, check_ins):
    assert value(town_area, "checkins_due").value == 4


def test_check_ins_of_a_month_without_leases(area):
    share = value(area, "checkins_done_share")

    assert (share.value, share.base) == (None, 0)


# --- Liberec's project figures ----------------------------------------------------------------


def test_private_owners_engaged_in_the_month_with_a_flat_in_the_area(
    kmb_office, other_kmb_office, town, village, area, town_area
):
    def owner(engaged_on, kind=OwnerKind.PRIVATE_PERSON, municipality=town):
        landlord = OwnerFactory(kind=kind, engaged_on=engaged_on)
        if municipality:
            FlatFactory(owner=landlord, municipality=municipality)
            FlatFactory(owner=landlord, municipality=municipality)
        return landlord

    owner(day(10, 1))
    owner(day(10, 31), kind=OwnerKind.COMPANY, municipality=village)
    owner(day(10, 10), kind=OwnerKind.MUNICIPALITY)
    owner(day(10, 10), kind=OwnerKind.NGO)
    owner(day(9, 30))
    owner(day(11, 1))
    owner(day(10, 10), municipality=MunicipalityFactory(orp=other_kmb_office.orp))
    owner(day(10, 10), municipality=None)

    assert value(area, "private_owners_engaged").value == 2
    assert value(town_area, "private_owners_engaged").value == 1


def test_leases_signed_or_extended(kmb_office, town, area, social_worker):
    first = LeaseFactory(
        flat=FlatFactory(municipality=town),
        household=case_in(kmb_office).household,
        start_on=day(10, 3),
    )
    LeaseFactory(
        flat=FlatFactory(municipality=town),
        household=case_in(kmb_office).household,
        start_on=day(10, 30),
    )
    LeaseExtensionFactory(lease=first, extended_on=day(10, 31), by=social_worker)
    LeaseExtensionFactory(lease=first, extended_on=day(11, 1), by=social_worker)

    assert value(area, "leases_signed_or_extended").value == 3


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_new_indicators_query_count_is_constant(
    kmb_office, town, area, social_worker, count, django_assert_num_queries
):
    for number in range(count):
        case = case_in(kmb_office, town)
        service = ServiceFactory(municipalities=[town])
        ServiceReferralFactory(
            case=case, service=service, sent_on=day(10, 2), sent_by=social_worker
        )
        HousingApplicationFactory(case=case, submitted_on=day(9, number + 1))
        AssistancePlanFactory(case=case, provider=service.provider, starts_on=day(9, 1))
        tenancy = LeaseFactory(
            flat=FlatFactory(municipality=town, owner=OwnerFactory(private=True)),
            household=case.household,
            start_on=day(9, 1),
        )
        CheckIn.objects.create(
            lease=tenancy,
            month=day(10, 1),
            done_on=day(10, 5),
            result=CheckInResult.ALL_WELL,
            by=social_worker,
        )

    with django_assert_num_queries(NEW_QUERIES):
        values = compute(area, MONTH, NEW_CODES)

    assert values["referrals_sent"].value == count
    assert values["waiting_households"].value == count
    assert values["households_by_provider"].value == count
    assert values["checkins_done"].value == count


def test_every_indicator_costs_a_fixed_number_of_queries(area):
    with CaptureQueriesContext(connection) as queries:
        compute(area, MONTH)

    assert len(queries) == ALL_QUERIES
