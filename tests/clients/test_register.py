"""The register of persons in need: applications, changes, support measures, expiring entries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clients.models import RegisterChange, RegisterRecord, SupportMeasure
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from tests.factories.accounts import UserFactory
from tests.factories.clients import CaseFactory, RegisterRecordFactory, SupportMeasureFactory


def czech(message: str) -> str:
    """What a Czech user is shown for `message`, as the page renders it."""
    with translation.override("cs"):
        return escape(gettext(message))


def register_data(**overrides):
    return {
        "applied_on": "2026-01-05",
        "assessed_on": "2026-01-20",
        "assessment_findings": "Matka se třemi dětmi na ubytovně, jeden pokoj.",
        "opinion_on": "2026-02-10",
        "opinion_outcome": "positive",
        "opinion_reference": "UP-1234/2026",
        "entered_on": "2026-02-12",
        "valid_until": "2027-02-11",
        "special_vulnerability": "on",
        "vulnerability_note": "Samoživitelka se třemi dětmi",
        **overrides,
    }


def in_register(household, *, valid_until: datetime.date, **kwargs) -> RegisterRecord:
    """An entry in the register, entered 30 days ago, valid until `valid_until`."""
    today = timezone.localdate()
    return RegisterRecordFactory(
        household=household,
        assessed_on=today - datetime.timedelta(days=50),
        opinion_on=today - datetime.timedelta(days=40),
        opinion_outcome="positive",
        entered_on=today - datetime.timedelta(days=30),
        valid_until=valid_until,
        **kwargs,
    )


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def case(kmb_office):
    return CaseFactory(household__kmb=kmb_office, kmb=kmb_office)


# --- Applications and entries ------------------------------------------------------------------


def test_register_create_saves_the_application_and_returns_to_the_case(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:register-create", args=[case.household.pk]), register_data()
    )

    assertRedirects(response, case.get_absolute_url())
    record = RegisterRecord.objects.get()
    assert (
        record.household,
        record.applied_on,
        record.assessed_on,
        record.opinion_on,
        record.opinion_outcome,
        record.opinion_reference,
        record.entered_on,
        record.valid_until,
        record.special_vulnerability,
        record.vulnerability_note,
    ) == (
        case.household,
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 20),
        datetime.date(2026, 2, 10),
        "positive",
        "UP-1234/2026",
        datetime.date(2026, 2, 12),
        datetime.date(2027, 2, 11),
        True,
        "Samoživitelka se třemi dětmi",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"assessed_on": "2026-01-04"},
            "The assessment cannot come before the application.",
            id="assessment-before-application",
        ),
        pytest.param(
            {"opinion_outcome": "negative"},
            "An entry needs a positive opinion and a validity ending after the entry.",
            id="entry-without-positive-opinion",
        ),
        pytest.param(
            {"valid_until": "2026-02-11"},
            "An entry needs a positive opinion and a validity ending after the entry.",
            id="valid-until-before-entry",
        ),
    ],
)
def test_register_create_refuses_dates_out_of_order(
    client, social_worker, case, overrides, message
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:register-create", args=[case.household.pk]), register_data(**overrides)
    )

    assertContains(response, czech(message))
    assert response.context["form"].non_field_errors() == [czech(message)]
    assert not RegisterRecord.objects.exists()


def test_register_edit_shows_the_record_and_logs_the_read(client, social_worker, case):
    record = in_register(case.household, valid_until=in_days(200), opinion_reference="UP-77/2026")
    client.force_login(social_worker)

    response = client.get(reverse("clients:register-edit", args=[record.pk]))

    assert response.context["form"].instance == record
    assertContains(response, 'value="UP-77/2026"')
    assert [(entry.user, entry.object_id) for entry in AccessLog.objects.all()] == [
        (social_worker, str(record.pk))
    ]


def test_register_edit_saves_the_new_validity(client, manager, case):
    record = in_register(case.household, valid_until=in_days(10))
    client.force_login(manager)

    response = client.post(
        reverse("clients:register-edit", args=[record.pk]),
        register_data(entered_on="2026-02-12", valid_until="2028-02-11"),
    )

    assertRedirects(response, case.get_absolute_url())
    record.refresh_from_db()
    assert (record.entered_on, record.valid_until) == (
        datetime.date(2026, 2, 12),
        datetime.date(2028, 2, 11),
    )


def test_register_edit_outsider_gets_404(client, case, other_kmb_office):
    record = in_register(case.household, valid_until=in_days(200))
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)
    client.force_login(outsider)

    response = client.post(
        reverse("clients:register-edit", args=[record.pk]), register_data(valid_until="2030-01-01")
    )

    assertContains(response, "Stránka nenalezena", status_code=404)
    record.refresh_from_db()
    assert record.valid_until == in_days(200)
    assert not AccessLog.objects.exists()


def test_register_edit_administrator_reads_only(client, administrator, case):
    record = in_register(case.household, valid_until=in_days(200))
    client.force_login(administrator)

    response = client.get(reverse("clients:register-edit", args=[record.pk]))

    assertContains(response, "Toto vaše role nemůže otevřít", status_code=403)
    assert not AccessLog.objects.exists()


def test_register_change_create_adds_the_change_to_the_record(client, social_worker, case):
    record = in_register(case.household, valid_until=in_days(200))
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:register-change-create", args=[record.pk]),
        {"changed_on": "2026-03-02", "description": "Narodilo se čtvrté dítě."},
    )

    assertRedirects(response, case.get_absolute_url())
    assert [
        (change.record, change.changed_on, change.description)
        for change in RegisterChange.objects.all()
    ] == [(record, datetime.date(2026, 3, 2), "Narodilo se čtvrté dítě.")]


def test_register_change_create_outsider_gets_404(client, case, other_kmb_office):
    record = in_register(case.household, valid_until=in_days(200))
    client.force_login(UserFactory(username="cizi", organisation=other_kmb_office))

    response = client.post(
        reverse("clients:register-change-create", args=[record.pk]),
        {"changed_on": "2026-03-02", "description": "Cizí zápis"},
    )

    assertContains(response, "Stránka nenalezena", status_code=404)
    assert not RegisterChange.objects.exists()


# --- Support measures --------------------------------------------------------------------------


def test_measure_create_adds_the_measure_to_the_household(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:measure-create", args=[case.household.pk]),
        {"kind": "ASISTENCE_V_BYDLENI", "since": "2026-07-01", "until": "2027-06-30"},
    )

    assertRedirects(response, case.get_absolute_url())
    assert [
        (measure.household, measure.kind, measure.since, measure.until)
        for measure in SupportMeasure.objects.all()
    ] == [
        (
            case.household,
            "ASISTENCE_V_BYDLENI",
            datetime.date(2026, 7, 1),
            datetime.date(2027, 6, 30),
        )
    ]


def test_measure_create_refuses_an_end_before_the_start(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:measure-create", args=[case.household.pk]),
        {"kind": "PORADENSTVI", "since": "2026-07-01", "until": "2026-06-30"},
    )

    assertContains(response, czech("A measure cannot end before it starts."))
    assert not SupportMeasure.objects.exists()


def test_measure_edit_ends_the_measure(client, social_worker, case):
    measure = SupportMeasureFactory(household=case.household, since=datetime.date(2026, 7, 1))
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:measure-edit", args=[measure.pk]),
        {"kind": "PORADENSTVI", "since": "2026-07-01", "until": "2026-12-31"},
    )

    assertRedirects(response, case.get_absolute_url())
    measure.refresh_from_db()
    assert (measure.kind, measure.until) == ("PORADENSTVI", datetime.date(2026, 12, 31))


def test_measure_edit_outsider_gets_404(client, case, other_kmb_office):
    measure = SupportMeasureFactory(household=case.household)
    client.force_login(UserFactory(username="cizi", organisation=other_kmb_office))

    response = client.post(
        reverse("clients:measure-edit", args=[measure.pk]),
        {"kind": "BYDLENI_S_RUCENIM", "since": "2026-07-01", "until": ""},
    )

    assertContains(response, "Stránka nenalezena", status_code=404)
    measure.refresh_from_db()
    assert measure.kind == "PORADENSTVI"


# --- The worklist of expiring entries ----------------------------------------------------------


def listed(response) -> list[int]:
    return [record.pk for record in response.context["records"]]


def test_register_expiring_lists_only_own_entries_ending_within_30_days(
    client, social_worker, kmb_office, other_kmb_office
):
    soon = in_register(
        CaseFactory(
            household__kmb=kmb_office,
            kmb=kmb_office,
            applicant__first_name="Jana",
            applicant__last_name="Dvořáková",
        ).household,
        valid_until=in_days(10),
        special_vulnerability=True,
    )
    in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(40))
    in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(-1))
    in_register(CaseFactory(household__kmb=other_kmb_office).household, valid_until=in_days(10))
    client.force_login(social_worker)

    response = client.get(reverse("clients:register-expiring"))

    assert listed(response) == [soon.pk]
    row = response.context["records"][0]
    assert (row.applicant_first_name, row.applicant_last_name, row.days_left) == (
        "Jana",
        "Dvořáková",
        datetime.timedelta(days=10),
    )
    case = soon.household.cases.get()
    assertContains(response, f'<a href="{case.get_absolute_url()}">Jana Dvořáková</a>', html=True)
    assertContains(response, f'<td class="text-nowrap">{in_days(10):%-d. %-m. %Y}</td>', html=True)
    assert not AccessLog.objects.exists()


def test_register_expiring_links_the_latest_case_of_the_household(
    client, social_worker, kmb_office
):
    older = CaseFactory(household__kmb=kmb_office, opened_on=datetime.date(2025, 3, 1))
    newer = CaseFactory(household=older.household, opened_on=datetime.date(2026, 1, 10))
    CaseFactory(household=older.household, opened_on=datetime.date(2025, 9, 1))
    in_register(older.household, valid_until=in_days(5))
    client.force_login(social_worker)

    response = client.get(reverse("clients:register-expiring"))

    assert [row.latest_case_id for row in response.context["records"]] == [newer.pk]


def test_register_expiring_orders_by_the_end_of_validity(client, social_worker, kmb_office):
    later = in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(20))
    sooner = in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(3))
    client.force_login(social_worker)

    response = client.get(reverse("clients:register-expiring"))

    assert listed(response) == [sooner.pk, later.pk]


def test_register_expiring_empty_says_nothing_ends_soon(client, social_worker, kmb_office):
    in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(40))
    client.force_login(social_worker)

    response = client.get(reverse("clients:register-expiring"))

    assert listed(response) == []
    with translation.override("cs"):
        empty = gettext("No register entries end within the next %(days)s days.") % {"days": 30}
    assertContains(response, escape(empty))
    assertNotContains(response, "<table")


def test_register_expiring_hidden_from_housing_department(client, staff):
    client.force_login(staff[Role.HOUSING_DEPARTMENT])

    response = client.get(reverse("clients:register-expiring"))

    assertContains(response, "Toto vaše role nemůže otevřít", status_code=403)


# Session, user, the records with their applicant and latest case, the user's organisation (menu),
# session save (3).
REGISTER_EXPIRING_QUERIES = 8


@pytest.mark.parametrize("rows", [1, 3])
def test_register_expiring_query_count_is_constant(
    client, social_worker, kmb_office, django_assert_num_queries, rows
):
    for _ in range(rows):
        in_register(CaseFactory(household__kmb=kmb_office).household, valid_until=in_days(10))
    client.force_login(social_worker)

    with django_assert_num_queries(REGISTER_EXPIRING_QUERIES):
        response = client.get(reverse("clients:register-expiring"))

    assert len(listed(response)) == rows
