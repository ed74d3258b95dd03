"""The indicators of the monthly report, each against data built here with a known answer: month
boundaries in Prague time, retention cohorts, medians, areas narrowed to a municipality, other
KMBs' data, and a fixed number of queries whatever the amount of data."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.debts import debt_analysis, standing_of
from clients.models import (
    CaseStatus,
    Client,
    CloseReason,
    ConsultationChannel,
    CreditorKind,
    DebtState,
    Household,
    Relationship,
    RepaymentSchedule,
)
from guarantees.models import Claim, FundMovement
from housing.models import LeaseEndReason, Program
from reports.indicators import (
    INDICATORS,
    Indicator,
    compute,
    compute_periods,
    drilldown_url,
    percent,
    register,
)
from reports.periods import Month
from reports.queries import Area
from reports.targets import TARGETABLE, Span
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, OrpFactory
from tests.factories.clients import (
    CaseFactory,
    CaseStatusChangeFactory,
    ClientFactory,
    ConsultationFactory,
    ConsultationTopicEntryFactory,
    DebtFactory,
    HouseholdFactory,
    HousingSituationFactory,
    PaymentFactory,
    RepaymentScheduleFactory,
)
from tests.factories.guarantees import (
    ClaimFactory,
    FundMovementFactory,
    GuaranteeFactory,
    GuaranteeFundFactory,
)
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.factories.reports import LeaseExtensionFactory

MONTH = Month(2026, 10)
UTC = datetime.UTC


def day(month: int, number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, number)


def utc(month: int, number: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, number, hour, minute, tzinfo=UTC)


# Prague moments around October 2026 (summer time ends on 25 October).
FIRST_OCTOBER_0030 = utc(9, 30, 22, 30)  # 1 October, 00:30 CEST
LAST_SEPTEMBER_2359 = utc(9, 30, 21, 59)  # 30 September, 23:59 CEST
LAST_OCTOBER_2359 = utc(10, 31, 22, 59)  # 31 October, 23:59 CET
FIRST_NOVEMBER_0030 = utc(10, 31, 23, 30)  # 1 November, 00:30 CET


def value(area: Area, code: str, month: Month = MONTH):
    return compute(area, month, [code])[code]


def nonzero(indicator_value) -> dict:
    return {row.key: row.value for row in indicator_value.rows if row.value}


@pytest.fixture
def user(social_worker):
    return social_worker


@pytest.fixture
def area(kmb_office):
    return Area.of(kmb_office)


@pytest.fixture
def town(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Testov")


@pytest.fixture
def village(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Lhota")


@pytest.fixture
def town_area(kmb_office, town):
    return Area.of(kmb_office, town)


def household(kmb, *, residence=None, members: int = 1, created_at=None) -> Household:
    """A household with its applicant and `members` - 1 children, recorded at `created_at`
    (by default early in 2026: long before the month of the report)."""
    home = HouseholdFactory(kmb=kmb, permanent_residence=residence)
    ClientFactory(household=home)
    for _ in range(members - 1):
        ClientFactory(household=home, relationship=Relationship.CHILD, birth_date=day(1, 1, 2015))
    when = created_at or utc(1, 5, 10)
    Household.objects.filter(pk=home.pk).update(created_at=when)
    Client.objects.filter(household=home).update(created_at=when)
    return home


def member_added(home: Household, when: datetime.datetime) -> Client:
    person = ClientFactory(household=home, relationship=Relationship.PARTNER)
    Client.objects.filter(pk=person.pk).update(created_at=when)
    return person


# --- Area -------------------------------------------------------------------------------------


def test_area_refuses_a_municipality_outside_the_kmbs_orp(kmb_office):
    elsewhere = MunicipalityFactory(orp=OrpFactory(name="Jinde"))
    with pytest.raises(ValueError, match="is not in the ORP of KMB Testov"):
        Area.of(kmb_office, elsewhere)


def test_area_from_report_scope(kmb_office, town):
    assert Area.from_scope({"kmb_id": kmb_office.pk, "orp_id": kmb_office.orp_id}) == Area(
        kmb_office.pk, kmb_office.orp_id, None
    )
    assert Area.from_scope({"municipality_id": town.pk, "orp_id": town.orp_id}) == Area(
        None, town.orp_id, town.pk
    )


# --- Clients registered and counselled --------------------------------------------------------


def test_registered_counts_intakes_of_the_prague_month(kmb_office, other_kmb_office, area):
    early = household(kmb_office, members=2, created_at=FIRST_OCTOBER_0030)
    household(kmb_office, created_at=LAST_OCTOBER_2359)
    household(kmb_office, created_at=FIRST_NOVEMBER_0030)
    september = household(kmb_office, created_at=LAST_SEPTEMBER_2359)
    member_added(september, utc(10, 15, 10))
    member_added(early, FIRST_NOVEMBER_0030)
    household(other_kmb_office, created_at=utc(10, 15, 10))

    assert value(area, "households_registered").value == 2
    assert value(area, "persons_registered").value == 4
    assert value(area, "households_registered", MONTH.previous()).value == 1


def test_registered_in_a_municipality_by_permanent_residence(kmb_office, town, village, town_area):
    household(kmb_office, residence=town, members=3, created_at=utc(10, 10, 10))
    household(kmb_office, residence=village, created_at=utc(10, 10, 10))
    household(kmb_office, created_at=utc(10, 10, 10))

    assert value(town_area, "households_registered").value == 1
    assert value(town_area, "persons_registered").value == 3
    assert value(Area.of(kmb_office), "households_registered").value == 3


@pytest.fixture
def consultations(kmb_office, other_kmb_office, town, village, user):
    def consult(case, date, minutes, channel, topics):
        consultation = ConsultationFactory(
            case=case, date=date, minutes=minutes, channel=channel, by=user
        )
        for topic in topics:
            ConsultationTopicEntryFactory(consultation=consultation, topic=topic)

    family = CaseFactory(household=household(kmb_office, residence=town, members=2))
    consult(family, day(10, 31), 30, ConsultationChannel.OFFICE, ["debts", "benefits"])
    consult(family, day(10, 1), 20, ConsultationChannel.PHONE, ["debts"])
    single = household(kmb_office, residence=village, created_at=utc(9, 1, 10))
    member_added(single, utc(11, 2, 10))
    consult(
        CaseFactory(household=single),
        day(10, 15),
        90,
        ConsultationChannel.FIELD,
        ["housing_search"],
    )
    outside = CaseFactory(household=household(kmb_office))
    consult(outside, day(9, 30), 60, ConsultationChannel.OFFICE, ["debts"])
    consult(outside, day(11, 1), 60, ConsultationChannel.OFFICE, ["debts"])
    elsewhere = CaseFactory(household=household(other_kmb_office))
    consult(elsewhere, day(10, 10), 60, ConsultationChannel.OFFICE, ["debts"])


@pytest.mark.usefixtures("consultations")
def test_consultations_of_the_month_by_topic_and_channel(area):
    values = compute(area, MONTH)

    assert values["consultations"].value == 3
    assert values["consultation_minutes"].value == 140
    assert values["households_counselled"].value == 2
    assert values["persons_counselled"].value == 3
    assert nonzero(values["consultations_by_topic"]) == {
        "debts": 2,
        "benefits": 1,
        "housing_search": 1,
    }
    assert nonzero(values["consultation_minutes_by_topic"]) == {
        "debts": 50,
        "benefits": 30,
        "housing_search": 90,
    }
    assert [(row.key, row.value) for row in values["consultations_by_channel"].rows] == [
        ("office", 1),
        ("phone", 1),
        ("field", 1),
        ("online", 0),
    ]
    assert nonzero(values["consultation_minutes_by_channel"]) == {
        "office": 30,
        "phone": 20,
        "field": 90,
    }


@pytest.mark.usefixtures("consultations")
def test_consultations_in_a_municipality(town_area):
    values = compute(town_area, MONTH)

    assert values["consultations"].value == 2
    assert values["consultation_minutes"].value == 50
    assert values["households_counselled"].value == 1
    assert values["persons_counselled"].value == 2


# --- Housing ----------------------------------------------------------------------------------


def lease(kmb, start, *, municipality, program=Program.SOCIAL, ended=None, reason="", **fields):
    if "household" not in fields:
        fields["household"] = household(kmb)
    return LeaseFactory(
        flat=fields.pop("flat", None) or FlatFactory(municipality=municipality, program=program),
        start_on=start,
        ended_on=ended,
        end_reason=reason,
        **fields,
    )


@pytest.fixture
def leases(kmb_office, other_kmb_office, town, village, user):
    elsewhere = MunicipalityFactory(orp=other_kmb_office.orp)
    lease(kmb_office, day(10, 1), municipality=town, household=household(kmb_office, members=2))
    lease(kmb_office, day(10, 31), municipality=village, program=Program.GUARANTEED)
    running = lease(kmb_office, day(9, 30), municipality=town, program=Program.HOUSING_FIRST)
    lease(kmb_office, day(11, 1), municipality=town)
    converted = lease(
        kmb_office,
        day(10, 1, 2025),
        municipality=town,
        program=Program.STANDARD_MUNICIPAL,
        ended=day(10, 14),
        reason=LeaseEndReason.STANDARD_LEASE,
    )
    lease(
        kmb_office,
        day(10, 15),
        municipality=town,
        flat=converted.flat,
        household=converted.household,
        continues=converted,
        end_on=None,
    )
    lease(
        kmb_office, day(1, 5), municipality=town, ended=day(10, 1), reason=LeaseEndReason.EVICTION
    )
    lease(
        kmb_office,
        day(1, 5),
        municipality=village,
        ended=day(10, 31),
        reason=LeaseEndReason.MOVED_OUT,
    )
    lease(kmb_office, day(1, 5), municipality=town, ended=day(11, 1), reason=LeaseEndReason.DEATH)
    # Another KMB's household in a flat of our ORP; our household in a flat of another ORP.
    lease(other_kmb_office, day(10, 5), municipality=town)
    lease(kmb_office, day(10, 5), municipality=elsewhere)
    LeaseExtensionFactory(lease=running, extended_on=day(10, 31), by=user)
    LeaseExtensionFactory(lease=running, extended_on=day(9, 30), by=user)
    LeaseExtensionFactory(
        lease=lease(other_kmb_office, day(1, 5), municipality=town), extended_on=day(10, 5), by=user
    )


@pytest.mark.usefixtures("leases")
def test_housed_signed_extended_and_ended_leases(area):
    values = compute(area, MONTH)

    assert values["households_housed"].value == 2
    assert nonzero(values["households_housed"]) == {"social": 1, "guaranteed": 1}
    assert nonzero(values["persons_housed"]) == {"social": 2, "guaranteed": 1}
    assert [row.key for row in values["households_housed"].rows] == list(Program.values)
    assert values["leases_signed"].value == 3
    assert values["leases_extended"].value == 1
    assert values["leases_ended"].value == 3
    assert nonzero(values["leases_ended"]) == {
        "standard_lease": 1,
        "eviction": 1,
        "moved_out": 1,
    }


@pytest.mark.usefixtures("leases")
def test_leases_in_a_municipality_by_the_flats_municipality(town_area, kmb_office, village):
    values = compute(town_area, MONTH)

    assert nonzero(values["households_housed"]) == {"social": 1}
    assert values["leases_signed"].value == 2
    assert values["leases_extended"].value == 1
    assert nonzero(values["leases_ended"]) == {"standard_lease": 1, "eviction": 1}
    village_values = compute(Area.of(kmb_office, village), MONTH)
    assert nonzero(village_values["households_housed"]) == {"guaranteed": 1}
    assert nonzero(village_values["leases_ended"]) == {"moved_out": 1}


# --- Housing retention ------------------------------------------------------------------------


@pytest.fixture
def cohorts(kmb_office, other_kmb_office, town):
    def started(start, ended=None, reason="", kmb=kmb_office, **fields):
        return lease(kmb, start, municipality=town, ended=ended, reason=reason, **fields)

    # April 2026 reaches six months in October 2026.
    started(day(4, 10))  # still housed
    started(day(4, 10), day(10, 9), LeaseEndReason.EVICTION)  # evicted the day before
    started(day(4, 10), day(10, 10), LeaseEndReason.MOVED_OUT)  # housed on the anniversary
    to_standard = started(day(4, 5), day(6, 30), LeaseEndReason.STANDARD_LEASE)
    started(
        day(7, 1),
        flat=to_standard.flat,
        household=to_standard.household,
        continues=to_standard,
        end_on=None,
    )
    started(day(4, 20), day(7, 1), LeaseEndReason.DEATH)  # leaves the cohort
    started(day(4, 12), day(10, 20), LeaseEndReason.DEATH)  # died after six months: retained
    started(day(4, 1), day(9, 30), LeaseEndReason.EVICTION)
    started(day(4, 10), kmb=other_kmb_office)
    # March 2026 reaches six months in September, which has 30 days.
    started(day(3, 31), day(9, 30), LeaseEndReason.MOVED_OUT)  # anniversary on 30 September
    started(day(3, 31), day(9, 29), LeaseEndReason.EVICTION)
    # October 2025 reaches twelve months in October 2026.
    started(day(10, 1, 2025))
    started(day(10, 31, 2025), day(10, 30), LeaseEndReason.MOVED_OUT)
    started(day(10, 31, 2025), day(11, 2, 2025), LeaseEndReason.STANDARD_LEASE)


@pytest.mark.usefixtures("cohorts")
def test_retention_after_six_months(area):
    retention = value(area, "retention_6m")

    assert (retention.value, retention.base) == (Decimal("66.7"), 6)
    assert [(row.key, row.value, row.base) for row in retention.rows[:3]] == [
        ("2026-04", Decimal("66.7"), 6),
        ("2026-03", Decimal("50.0"), 2),
        ("2026-02", None, 0),
    ]
    assert len(retention.rows) == 12
    assert retention.rows[-1].key == "2025-05"


@pytest.mark.usefixtures("cohorts")
def test_retention_after_twelve_months(area):
    retention = value(area, "retention_12m")

    assert (retention.value, retention.base) == (Decimal("66.7"), 3)
    assert retention.rows[1].key == "2025-09"
    # Seven months on, the April cohort is not yet twelve months old.
    # Six months on, the April cohort is twelve months old: the death in October now takes its
    # lease out, the move out in October is now a loss.
    later = value(area, "retention_12m", Month(2027, 4))
    assert (later.value, later.base) == (Decimal("40.0"), 5)


def test_retention_rate_rounds_half_up():
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")
    assert percent(0, 0) is None


# --- Prevention -------------------------------------------------------------------------------


@pytest.fixture
def prevention(kmb_office, other_kmb_office, town, user):
    def case(kmb=kmb_office, residence=None, **fields):
        fields.setdefault("status", CaseStatus.PREVENTION)
        fields.setdefault("case_manager", user)
        return CaseFactory(
            household=household(kmb, residence=residence), opened_on=day(8, 1), **fields
        )

    def moved(case, to, when):
        CaseStatusChangeFactory(case=case, to_status=to, changed_at=when, by=user)

    since_september = case(residence=town)
    moved(since_september, CaseStatus.ACTIVE, utc(8, 1, 10))
    moved(since_september, CaseStatus.PREVENTION, LAST_SEPTEMBER_2359)
    first_hour = case(status=CaseStatus.ACTIVE)
    moved(first_hour, CaseStatus.PREVENTION, FIRST_OCTOBER_0030)
    moved(first_hour, CaseStatus.ACTIVE, utc(10, 20, 10))
    last_hour = case(residence=town)
    moved(last_hour, CaseStatus.PREVENTION, LAST_OCTOBER_2359)
    november = case()
    moved(november, CaseStatus.ACTIVE, utc(8, 1, 10))
    moved(november, CaseStatus.PREVENTION, FIRST_NOVEMBER_0030)
    closed = {"status": CaseStatus.CLOSED, "case_manager": None}
    kept = case(
        residence=town, closed_on=day(10, 15), close_reason=CloseReason.HOUSING_KEPT, **closed
    )
    moved(kept, CaseStatus.PREVENTION, utc(9, 1, 10))
    moved(kept, CaseStatus.CLOSED, utc(10, 15, 10))
    lost = case(closed_on=day(10, 31), close_reason=CloseReason.MOVED_AWAY, **closed)
    moved(lost, CaseStatus.PREVENTION, utc(9, 1, 10))
    moved(lost, CaseStatus.CLOSED, utc(10, 31, 10))
    never = case(closed_on=day(10, 20), close_reason=CloseReason.NO_CONTACT, **closed)
    moved(never, CaseStatus.ACTIVE, utc(9, 1, 10))
    later = case(closed_on=day(11, 2), close_reason=CloseReason.HOUSING_KEPT, **closed)
    moved(later, CaseStatus.PREVENTION, utc(9, 1, 10))
    other = case(kmb=other_kmb_office)
    moved(other, CaseStatus.PREVENTION, utc(10, 10, 10))


@pytest.mark.usefixtures("prevention")
def test_prevention_entered_open_and_closed(area):
    values = compute(area, MONTH)

    assert values["prevention_entered"].value == 2
    # In prevention since September, entered in the last hour, closed only in November.
    assert values["prevention_at_end"].value == 3
    assert values["prevention_closed"].value == 2
    assert nonzero(values["prevention_closed"]) == {"housing_kept": 1, "moved_away": 1}


@pytest.mark.usefixtures("prevention")
def test_prevention_in_a_municipality(town_area):
    values = compute(town_area, MONTH)

    assert values["prevention_entered"].value == 1
    assert values["prevention_at_end"].value == 2
    assert nonzero(values["prevention_closed"]) == {"housing_kept": 1}


# --- Repayment schedules ----------------------------------------------------------------------


def schedule(kmb, total, instalment, first_due, payments=(), *, by, debtor=None, **fields):
    debtor = debtor or household(kmb).members.get()
    plan = RepaymentScheduleFactory(
        debt__debtor=debtor,
        debt__original_amount=Decimal(total),
        debt__since=day(1, 1),
        total=Decimal(total),
        instalment=Decimal(instalment),
        first_due_on=first_due,
        day_of_month=first_due.day,
        **fields,
    )
    for paid_on, amount in payments:
        PaymentFactory(schedule=plan, paid_on=paid_on, amount=Decimal(amount), recorded_by=by)
    return plan


@pytest.fixture
def schedules(kmb_office, other_kmb_office, user):
    def plan(*args, **fields):
        return schedule(*args, by=user, **fields)

    payer = household(kmb_office).members.get()
    return {
        "paid_off": plan(
            kmb_office,
            "3000",
            "1000",
            day(8, 15),
            [(day(8, 15), "1000"), (day(9, 15), "1000"), (day(10, 15), "1000")],
            ended_on=day(10, 15),
            debtor=payer,
        ),
        "two_behind": plan(kmb_office, "5000", "1000", day(8, 15), [(day(8, 15), "1000")]),
        "exactly_one_behind": plan(
            kmb_office,
            "5000.50",
            "1000.10",
            day(8, 20),
            [(day(8, 20), "1000.10"), (day(9, 20), "1000.10")],
        ),
        "a_heller_short_of_one": plan(
            kmb_office,
            "5000.50",
            "1000.10",
            day(8, 20),
            [(day(8, 20), "1000.10"), (day(9, 21), "1000.11")],
            debtor=payer,
        ),
        "last_instalment_short": plan(
            kmb_office,
            "2500",
            "1000",
            day(8, 10),
            [(day(8, 10), "1000"), (day(9, 10), "1000"), (day(10, 10), "499.99")],
        ),
        "due_on_the_28th": plan(kmb_office, "3000", "1000", day(10, 28)),
        "paid_in_november": plan(kmb_office, "2000", "1000", day(10, 15), [(day(11, 1), "1000")]),
        "paid_ahead": plan(kmb_office, "3000", "1000", day(10, 5), [(day(10, 5), "3000")]),
        "starts_in_november": plan(kmb_office, "3000", "1000", day(11, 15)),
        "ended_in_september": plan(kmb_office, "3000", "1000", day(6, 15), ended_on=day(9, 30)),
        "other_kmb": plan(other_kmb_office, "3000", "1000", day(8, 15)),
    }


def test_repayment_schedules_active_and_on_track(area, schedules):
    values = compute(area, MONTH)

    assert values["schedules_active"].value == 8
    assert values["persons_with_schedule"].value == 7
    on_track = values["schedules_on_track"]
    assert (on_track.value, on_track.base) == (3, 8)


def test_on_track_in_the_database_is_the_python_standing(area, schedules):
    active = ["paid_off", "two_behind", "exactly_one_behind", "a_heller_short_of_one"]
    active += ["last_instalment_short", "due_on_the_28th", "paid_in_november", "paid_ahead"]
    on_track = sorted(
        name
        for name in active
        if standing_of(
            RepaymentSchedule.objects.get(pk=schedules[name].pk), MONTH.last_day
        ).on_track
    )

    assert on_track == ["a_heller_short_of_one", "paid_ahead", "paid_off"]
    assert value(area, "schedules_on_track").value == len(on_track)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_track_matches_the_python_standing_on_random_schedules(kmb_office, area, user, seed):
    rng = random.Random(seed)
    for _ in range(25):
        instalment = Decimal(rng.choice(["500", "1000", "999.99", "1000.10", "333.33"]))
        total = instalment * rng.randint(2, 8) - Decimal(rng.choice(["0", "0.01", "100"]))
        first_due = day(rng.randint(5, 10), rng.randint(1, 28))
        payments = []
        for month in range(first_due.month, 12):
            if rng.random() < 0.7:
                amount = instalment + Decimal(rng.choice(["0", "0", "-0.01", "0.01", "-100"]))
                payments.append((day(month, rng.randint(1, 28)), str(amount)))
        schedule(kmb_office, str(total), str(instalment), first_due, payments, by=user)
    schedules = RepaymentSchedule.objects.prefetch_related("payments")
    expected = sum(standing_of(plan, MONTH.last_day).on_track for plan in schedules)

    assert value(area, "schedules_on_track").value == expected


# --- Debts ------------------------------------------------------------------------------------


def debts_of(kmb, *amounts, residence=None, **fields) -> Household:
    home = household(kmb, residence=residence)
    debtor = home.members.get()
    for amount in amounts:
        DebtFactory(debtor=debtor, original_amount=Decimal(amount), since=day(1, 1), **fields)
    return home


@pytest.fixture
def debts(kmb_office, other_kmb_office, town):
    homes = [
        debts_of(kmb_office, "4000", "6000", residence=town),
        debts_of(kmb_office, "2500", creditor_kind=CreditorKind.LANDLORD, residence=town),
        debts_of(kmb_office, "50000", municipal=True, creditor_municipality=town),
    ]
    paid = homes[1].members.get()
    DebtFactory(debtor=paid, original_amount=Decimal("9000"), since=day(1, 1), state=DebtState.PAID)
    debts_of(other_kmb_office, "700")
    return homes


def test_debts_total_median_and_creditors_odd_count(area, debts):
    values = compute(area, MONTH)

    assert values["debt_total"].value == Decimal("62500.00")
    assert values["indebted_households"].value == 3
    assert (values["debt_median"].value, values["debt_median"].base) == (Decimal("10000.00"), 3)
    assert nonzero(values["debt_by_creditor"]) == {
        "municipality": Decimal("50000.00"),
        "landlord": Decimal("2500.00"),
        "energy": Decimal("10000.00"),
    }
    landlord = next(row for row in values["debt_by_creditor"].rows if row.key == "landlord")
    assert landlord.base == 1


def test_debts_median_even_count_is_the_mean_of_the_middle_two(kmb_office, area, debts):
    debts_of(kmb_office, "20000.01")

    median = value(area, "debt_median").value

    assert median == Decimal("15000.00")
    assert median == debt_analysis(Household.objects.filter(kmb=kmb_office)).median


def test_debts_median_equals_the_debt_analysis(kmb_office, area, debts):
    assert (
        value(area, "debt_median").value
        == debt_analysis(Household.objects.filter(kmb=kmb_office)).median
    )


def test_debts_in_a_municipality(town_area, debts):
    values = compute(town_area, MONTH)

    assert values["debt_total"].value == Decimal("12500.00")
    assert (values["debt_median"].value, values["debt_median"].base) == (Decimal("6250.00"), 2)


def test_debts_that_arose_after_the_month_are_left_out(area, debts):
    DebtFactory(debtor=debts[1].members.get(), original_amount=Decimal("9000"), since=day(11, 1))

    assert value(area, "debt_total").value == Decimal("62500.00")
    assert value(area, "debt_total", Month(2026, 11)).value == Decimal("71500.00")


def test_debts_without_any(area):
    values = compute(area, MONTH)

    assert (values["debt_total"].value, values["debt_median"].value) == (Decimal("0"), None)


# --- Guarantees -------------------------------------------------------------------------------


@pytest.fixture
def guarantees(kmb_office, other_kmb_office, town, village, user):
    town_fund = GuaranteeFundFactory(name="A – fond Testov", municipality=town)
    village_fund = GuaranteeFundFactory(name="B – fond Lhota", municipality=village)
    GuaranteeFundFactory(name="C – fond ORP", municipality=None, orp=kmb_office.orp)
    GuaranteeFundFactory(name="D – jinde", municipality=None, orp=other_kmb_office.orp)

    def guarantee(valid_from, valid_until, *, municipality=town, fund=town_fund, kmb=kmb_office):
        tenancy = lease(kmb, day(1, 1), municipality=municipality, end_on=day(12, 31, 2027))
        return GuaranteeFactory(
            lease=tenancy, fund=fund, valid_from=valid_from, valid_until=valid_until
        )

    def paid(on_guarantee, amount, on):
        claim = ClaimFactory(
            guarantee=on_guarantee,
            state=Claim.State.PAID,
            amount_approved=Decimal(amount),
            amount_claimed=Decimal(amount),
            paid_on=on,
        )
        FundMovementFactory(
            fund=on_guarantee.fund,
            kind=FundMovement.Kind.PAYOUT,
            amount=Decimal(amount),
            on=on,
            claim=claim,
            recorded_by=user,
        )

    def contribution(fund, amount, on):
        FundMovementFactory(fund=fund, amount=Decimal(amount), on=on, recorded_by=user)

    ending_first = guarantee(day(1, 1), day(10, 1))
    starting_last = guarantee(day(10, 31), day(12, 31, 2027))
    guarantee(day(1, 1), day(9, 30))
    guarantee(day(11, 1), day(12, 31, 2027))
    guarantee(day(1, 1), day(12, 31), kmb=other_kmb_office)
    in_village = guarantee(day(1, 1), day(12, 31), municipality=village, fund=village_fund)
    contribution(town_fund, "100000", day(9, 1))
    contribution(town_fund, "50000", day(11, 1))
    contribution(village_fund, "10000", day(1, 1))
    contribution(kmb_office.orp.guarantee_funds.get(), "30000", day(1, 1))
    paid(ending_first, "5000", day(10, 31))
    paid(starting_last, "1000", day(11, 1))
    paid(in_village, "3000", day(10, 1))
    ClaimFactory(guarantee=in_village, approved=True)


@pytest.mark.usefixtures("guarantees")
def test_guarantees_active_claims_paid_and_fund_balances(area):
    values = compute(area, MONTH)

    assert values["guarantees_active"].value == 3
    assert values["claims_paid"].value == 2
    paid = values["claims_paid_amount"]
    assert (paid.value, paid.base) == (Decimal("8000.00"), 2)
    funds = values["fund_balance"]
    assert [(row.label, row.value) for row in funds.rows] == [
        ("A – fond Testov", Decimal("95000.00")),
        ("B – fond Lhota", Decimal("7000.00")),
        ("C – fond ORP", Decimal("30000.00")),
    ]
    assert funds.value == Decimal("132000.00")


@pytest.mark.usefixtures("guarantees")
def test_guarantees_in_a_municipality(town_area):
    values = compute(town_area, MONTH)

    assert values["guarantees_active"].value == 2
    assert values["claims_paid_amount"].value == Decimal("5000.00")
    assert [(row.label, row.value) for row in values["fund_balance"].rows] == [
        ("A – fond Testov", Decimal("95000.00")),
    ]


# --- Housing need -----------------------------------------------------------------------------


@pytest.fixture
def need(kmb_office, other_kmb_office, town, village, user):
    def in_need(kmb=kmb_office, *, members=1, residence=None, opened=None, closed=None):
        home = household(kmb, residence=residence, members=members, created_at=utc(8, 1, 10))
        closing = {"status": CaseStatus.CLOSED, "close_reason": CloseReason.OTHER} if closed else {}
        CaseFactory(household=home, opened_on=opened or day(9, 1), closed_on=closed, **closing)
        return home

    def situation(home, ethos, since, hostel=False):
        HousingSituationFactory(
            household=home, ethos=ethos, since=since, in_commercial_hostel=hostel, recorded_by=user
        )

    rough = in_need(members=2, residence=town)
    situation(rough, "1", day(9, 1))
    situation(rough, "9", day(11, 1))
    member_added(rough, utc(11, 2, 10))
    situation(in_need(residence=village), "3", day(8, 1), hostel=True)
    situation(in_need(members=3, residence=town, closed=day(10, 20)), "2", day(8, 1))
    situation(in_need(opened=day(11, 2)), "2", day(8, 1))
    situation(in_need(closed=day(11, 5)), "8", day(8, 1), hostel=True)
    situation(in_need(), "12", day(11, 3))
    situation(in_need(other_kmb_office), "1", day(8, 1))


@pytest.mark.usefixtures("need")
def test_housing_need_by_ethos_at_the_months_end(area):
    values = compute(area, MONTH)

    households = values["need_households"]
    assert households.value == 4
    assert nonzero(households) == {"1": 1, "3": 1, "8": 1, "": 1}
    assert [row.key for row in households.rows] == [str(code) for code in range(1, 14)] + [""]
    assert nonzero(values["need_persons"]) == {"1": 2, "3": 1, "8": 1, "": 1}
    assert nonzero(values["need_households_by_group"]) == {
        "roofless": 1,
        "houseless": 1,
        "insecure": 1,
    }
    assert values["hostel_households"].value == 2
    assert values["hostel_persons"].value == 2


@pytest.mark.usefixtures("need")
def test_housing_need_in_a_municipality(town_area):
    values = compute(town_area, MONTH)

    assert nonzero(values["need_households"]) == {"1": 1}
    assert values["need_persons"].value == 2
    assert values["hostel_households"].value == 0


# --- One ORP, two KMBs; the housing department's view ----------------------------------------


def test_two_kmbs_in_one_orp_count_only_their_own(kmb_office, town, user):
    neighbour = OrganisationFactory(name="KMB Testov-sever", orp=kmb_office.orp)
    lease(kmb_office, day(10, 5), municipality=town)
    lease(neighbour, day(10, 6), municipality=town)
    lease(neighbour, day(10, 7), municipality=town)
    housing_department = Area(None, town.orp_id, town.pk)

    assert value(Area.of(kmb_office), "leases_signed").value == 1
    assert value(Area.of(neighbour), "leases_signed").value == 2
    assert value(housing_department, "leases_signed").value == 3


# --- The registry ---------------------------------------------------------------------------


def test_compute_returns_every_indicator_in_registry_order(area):
    assert list(compute(area, MONTH)) == list(INDICATORS)


def test_every_indicator_is_labelled_and_defined():
    for indicator in INDICATORS.values():
        assert str(indicator.label)
        assert str(indicator.definition)
        assert indicator.code.isidentifier()


def test_compute_refuses_unknown_codes(area):
    with pytest.raises(KeyError, match="no_such_indicator"):
        compute(area, MONTH, ["consultations", "no_such_indicator"])


def test_compute_runs_each_query_once_for_the_indicators_asked_for(area):
    with CaptureQueriesContext(connection) as queries:
        values = compute(area, MONTH, ["consultations", "consultations_by_topic", "debt_median"])

    assert list(values) == ["consultations", "consultations_by_topic", "debt_median"]
    assert len(queries) == 3 + 3  # consultations: 3 queries, debts: 3


def test_register_refuses_a_code_twice():
    with pytest.raises(ValueError, match="registered twice"):
        register(INDICATORS["consultations"])
    assert isinstance(INDICATORS["consultations"], Indicator)


def test_drilldown_urls(area, town_area, town):
    assert drilldown_url(INDICATORS["prevention_at_end"], area) == "/cases/?status=prevention"
    assert (
        drilldown_url(INDICATORS["prevention_at_end"], town_area)
        == f"/cases/?status=prevention&municipality={town.pk}"
    )
    assert drilldown_url(INDICATORS["need_households"], area, "3") == "/cases/?ethos=3"
    assert (
        drilldown_url(INDICATORS["need_households"], town_area, "3")
        == f"/cases/?ethos=3&municipality={town.pk}"
    )
    assert drilldown_url(INDICATORS["debt_median"], area) == "/debts/analysis/"
    assert drilldown_url(INDICATORS["debt_median"], town_area) is None
    assert drilldown_url(INDICATORS["guarantees_active"], area) == "/guarantees/?state=running"
    assert drilldown_url(INDICATORS["consultations"], area) is None


# --- Queries ----------------------------------------------------------------------------------

# Every indicator of a month, whatever the amount of data.
INDICATOR_QUERIES = 28


@pytest.mark.parametrize("rows", [1, 3])
def test_compute_query_count_is_constant(kmb_office, area, town, user, rows):
    for number in range(rows):
        home = household(kmb_office, residence=town, members=2, created_at=utc(10, 2, 10))
        case = CaseFactory(household=home, status=CaseStatus.PREVENTION, case_manager=user)
        CaseStatusChangeFactory(case=case, to_status=CaseStatus.PREVENTION, by=user)
        ConsultationTopicEntryFactory(
            consultation=ConsultationFactory(case=case, date=day(10, 3), by=user)
        )
        HousingSituationFactory(household=home, since=day(9, 1), recorded_by=user)
        tenancy = lease(kmb_office, day(10, number + 1), municipality=town, household=home)
        LeaseExtensionFactory(lease=tenancy, extended_on=day(10, 20), by=user)
        guarantee = GuaranteeFactory(lease=tenancy)
        FundMovementFactory(fund=guarantee.fund, recorded_by=user, on=day(10, 1))
        ClaimFactory(
            guarantee=guarantee, state=Claim.State.PAID, amount_approved=10, paid_on=day(10, 9)
        )
        plan = schedule(
            kmb_office, "3000", "1000", day(9, 15), by=user, debtor=home.members.first()
        )
        PaymentFactory(schedule=plan, recorded_by=user)
        DebtFactory(debtor=home.members.first(), since=day(1, 1))

    with CaptureQueriesContext(connection) as queries:
        values = compute(area, MONTH)

    assert len(queries) == INDICATOR_QUERIES
    assert values["households_registered"].value == rows
    assert values["leases_signed"].value == rows
    assert values["claims_paid"].value == rows


@pytest.mark.usefixtures("consultations", "schedules", "debts")
@pytest.mark.parametrize("in_town", [False, True])
def test_compute_periods_counts_each_month_as_compute_does(kmb_office, town, in_town):
    # A debt that arose in October: the two months' debts differ.
    debtor = household(kmb_office, residence=town).members.get()
    DebtFactory(debtor=debtor, original_amount=Decimal("1200"), since=day(10, 20))
    area = Area.of(kmb_office, town if in_town else None)
    # The project period so far: what its cumulative targets count.
    so_far = {target.code for target in TARGETABLE.values() if target.cumulative}
    wanted = [(MONTH, None), (MONTH.previous(), None), (Span(day(8, 1), day(10, 31)), so_far)]

    with CaptureQueriesContext(connection) as together:
        values = compute_periods(area, wanted)
    with CaptureQueriesContext(connection) as apart:
        expected = [compute(area, period, codes) for period, codes in wanted]

    assert values == expected
    # Run once instead of three times: the consultations' topics, the repayment schedules; once
    # instead of twice: the debts' totals and kinds (the targets count no debts).
    assert len(together) == len(apart) - 2 * (1 + 1) - 2
