"""Project periods and their targets: the arithmetic of progress (the period so far, each person
once; the month's rate; the target pro rata of the days gone), the manager's forms, and where the
progress is shown."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from housing.models import Program
from reports.models import IndicatorTarget, ProjectPeriod
from reports.periods import PRAGUE, Month
from reports.queries import Area
from reports.services import set_targets
from reports.targets import TARGETABLE, Span, period_of, progress
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import ClientFactory, ConsultationFactory
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.reports.helpers import czech, registered

UTC = datetime.UTC
OCTOBER = Month(2026, 10)


@pytest.fixture
def period(kmb_office):
    return ProjectPeriod.objects.create(
        kmb=kmb_office,
        name="Housing First Testov 2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


def target(period, key: str, amount) -> IndicatorTarget:
    return IndicatorTarget.objects.create(period=period, indicator=key, target=Decimal(amount))


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, tzinfo=UTC)


def test_span_runs_between_prague_midnights():
    span = Span(datetime.date(2026, 1, 1), datetime.date(2026, 10, 31))

    assert span.starts_at == datetime.datetime(2026, 1, 1, tzinfo=PRAGUE)
    assert span.ends_at == datetime.datetime(2026, 11, 1, tzinfo=PRAGUE)
    assert span.ends_at.astimezone(UTC) == datetime.datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert span.days == 304


def test_cumulative_progress_over_the_period_so_far(kmb_office, period):
    target(period, "households_registered", 40)
    for month, day in [(1, 1), (2, 10), (10, 31), (11, 1)]:
        registered(kmb_office, at(month, day))
    registered(kmb_office, datetime.datetime(2025, 12, 31, 22, 59, tzinfo=UTC))  # 23:59 Prague

    (item,) = progress(period, Area.of(kmb_office), OCTOBER, {})

    assert item.value == 3
    # 304 of the year's 365 days are gone: 40 × 304 / 365 = 33.3
    assert item.expected == Decimal("33.3")
    assert item.percent == Decimal("7.5")
    assert item.on_track is False


def test_a_household_counselled_in_several_months_counts_once(kmb_office, period, social_worker):
    target(period, "households_counselled", 2)
    case = registered(kmb_office, at(1, 5))
    for month in (2, 5, 10):
        ConsultationFactory(case=case, date=datetime.date(2026, month, 3), by=social_worker)
    other = registered(kmb_office, at(1, 5))
    ConsultationFactory(case=other, date=datetime.date(2026, 11, 3), by=social_worker)

    (item,) = progress(period, Area.of(kmb_office), OCTOBER, {})

    assert item.value == 1
    assert item.percent == Decimal("50.0")


def test_a_row_target_counts_its_row(kmb_office, period):
    target(period, "persons_housed:housing_first", 15)
    town = MunicipalityFactory(orp=kmb_office.orp)
    for program, start in [
        (Program.HOUSING_FIRST, datetime.date(2026, 3, 1)),
        (Program.HOUSING_FIRST, datetime.date(2026, 10, 31)),
        (Program.SOCIAL, datetime.date(2026, 4, 1)),
        (Program.HOUSING_FIRST, datetime.date(2026, 11, 1)),
    ]:
        home = registered(kmb_office, at(1, 2)).household
        ClientFactory(household=home, relationship="child", birth_date=datetime.date(2020, 1, 1))
        home.members.update(created_at=at(1, 2))
        LeaseFactory(
            flat=FlatFactory(municipality=town, program=program), household=home, start_on=start
        )

    (item,) = progress(period, Area.of(kmb_office), OCTOBER, {})

    assert item.targetable.label == f"{czech('Persons housed')}: {Program.HOUSING_FIRST.label}"
    assert item.value == 4
    assert item.expected == Decimal("12.5")
    assert item.on_track is False


def test_a_rate_target_reads_the_months_rate(kmb_office, period):
    from reports.indicators import compute

    target(period, "retention_12m", 80)
    town = MunicipalityFactory(orp=kmb_office.orp)
    for ended in (None, None, None, datetime.date(2026, 2, 1)):
        LeaseFactory(
            flat=FlatFactory(municipality=town),
            household=registered(kmb_office, at(1, 2)).household,
            start_on=datetime.date(2025, 10, 5),
            ended_on=ended,
            end_reason="moved_out" if ended else "",
        )
    values = compute(Area.of(kmb_office), OCTOBER, ["retention_12m"])

    (item,) = progress(period, Area.of(kmb_office), OCTOBER, values)

    assert (item.value, item.base, item.expected) == (Decimal("75.0"), 4, None)
    assert item.percent == Decimal("93.8")
    assert item.on_track is False


def test_targets_come_in_the_order_of_the_list(kmb_office, period):
    for key in ("retention_6m", "persons_registered", "leases_signed"):
        target(period, key, 10)

    items = progress(period, Area.of(kmb_office), OCTOBER, {"retention_6m": _empty_rate()})

    assert [item.target.indicator for item in items] == [
        "persons_registered",
        "leases_signed",
        "retention_6m",
    ]


def _empty_rate():
    from reports.indicators import IndicatorValue

    return IndicatorValue(code="retention_6m", value=None, base=0)


def test_the_period_of_a_month(kmb_office, period):
    later = ProjectPeriod.objects.create(
        kmb=kmb_office,
        name="Pokračování",
        starts_on=datetime.date(2026, 10, 15),
        ends_on=datetime.date(2027, 6, 30),
    )

    assert period_of(kmb_office.pk, Month(2026, 9)) == period
    assert period_of(kmb_office.pk, OCTOBER) == later
    assert period_of(kmb_office.pk, Month(2025, 12)) is None
    assert period_of(None, OCTOBER) is None


# --- Setting targets --------------------------------------------------------------------------


def test_set_targets_creates_changes_and_removes(period, manager):
    target(period, "leases_signed", 90)
    target(period, "consultations", 1000)

    set_targets(
        period=period,
        targets={
            "persons_registered": (Decimal(400), "Liberec"),
            "leases_signed": (Decimal(100), ""),
            "consultations": (None, ""),
        },
        by=manager,
    )

    assert sorted(period.targets.values_list("indicator", "target", "note")) == [
        ("leases_signed", Decimal("100.00"), ""),
        ("persons_registered", Decimal("400.00"), "Liberec"),
    ]


def test_set_targets_refuses_an_unknown_indicator(period, manager):
    with pytest.raises(ValidationError):
        set_targets(period=period, targets={"nothing": (Decimal(1), "")}, by=manager)


def test_manager_creates_a_period_and_sets_its_targets(client, manager, kmb_office):
    client.force_login(manager)

    response = client.post(
        reverse("reports:period-create"),
        {"name": "Projekt 2026–2027", "starts_on": "2026-01-01", "ends_on": "2027-12-31"},
    )

    period = ProjectPeriod.objects.get()
    assert (period.kmb, period.name) == (kmb_office, "Projekt 2026–2027")
    assertRedirects(response, reverse("reports:period-targets", args=[period.pk]))

    form = {f"{key.replace(':', '__')}-target": "" for key in TARGETABLE}
    form |= {"persons_registered-target": "400", "persons_housed__housing_first-target": "15"}
    form |= {"retention_12m-target": "80", "retention_12m-note": "měřeno po roce"}
    response = client.post(reverse("reports:period-targets", args=[period.pk]), form)

    assertRedirects(response, period.get_absolute_url())
    assert sorted(period.targets.values_list("indicator", "target", "note")) == [
        ("persons_housed:housing_first", Decimal("15.00"), ""),
        ("persons_registered", Decimal("400.00"), ""),
        ("retention_12m", Decimal("80.00"), "měřeno po roce"),
    ]


def test_a_period_cannot_end_before_it_starts(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("reports:period-create"),
        {"name": "Obráceně", "starts_on": "2026-12-01", "ends_on": "2026-01-01"},
    )

    assert ProjectPeriod.objects.count() == 0
    assert (
        czech("A period cannot end before it starts.") in response.context["form"].errors["__all__"]
    )


def test_a_rate_target_above_100_is_refused(client, manager, period):
    client.force_login(manager)

    response = client.post(
        reverse("reports:period-targets", args=[period.pk]),
        {"retention_6m-target": "120", "persons_registered-target": "-1"},
    )

    errors = response.context["form"].errors
    assert set(errors) == {"retention_6m-target", "persons_registered-target"}
    assert period.targets.count() == 0


def test_social_worker_may_not_set_targets(client, social_worker, period):
    client.force_login(social_worker)

    response = client.post(
        reverse("reports:period-targets", args=[period.pk]), {"persons_registered-target": "1"}
    )

    assert response.status_code == 403
    assert period.targets.count() == 0


def test_period_pages_refuse_other_methods(client, manager, period):
    client.force_login(manager)

    assert client.post(reverse("reports:period-detail", args=[period.pk])).status_code == 405
    assert client.put(reverse("reports:period-targets", args=[period.pk])).status_code == 405


# --- Where progress is shown ------------------------------------------------------------------


def test_dashboard_shows_progress_towards_the_targets(client, manager, kmb_office, period):
    target(period, "households_registered", 40)
    for day in (1, 2, 3):
        registered(kmb_office, at(10, day))
    client.force_login(manager)

    response = client.get(reverse("reports:dashboard"), {"month": "2026-10"})

    (line,) = response.context["report"].targets.lines
    assert (line.target.text, line.value.text, line.expected.text, line.percent.text) == (
        "40",
        "3",
        "33,3",
        "7,5 %",
    )
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -2 420 18"' in (
        response.content.decode()
    )


@pytest.mark.parametrize("count", [1, 3])
def test_period_list_query_count_is_constant(
    client, manager, kmb_office, count, django_assert_num_queries
):
    for number in range(count):
        ProjectPeriod.objects.create(
            kmb=kmb_office,
            name=f"Projekt {number}",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
    client.force_login(manager)

    # Session, user, the periods with their targets counted; the navigation's notifications and
    # organisation; the session's update in a savepoint (3).
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:period-list"))

    assert [period.name for period in response.context["periods"]] == [
        f"Projekt {number}" for number in range(count)
    ]


def test_period_detail_before_the_period_starts(client, manager, kmb_office):
    future = ProjectPeriod.objects.create(
        kmb=kmb_office,
        name="Budoucí",
        starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
    )
    client.force_login(manager)

    response = client.get(future.get_absolute_url())

    assert response.context["progress"] is None
    assert czech("The period has not started yet: its progress shows from its first month.") in (
        response.content.decode()
    )
