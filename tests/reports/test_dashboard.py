"""The reporting dashboard: a month and an area, every section with the previous month and the
change, drill-down links for the KMB's staff, the anonymised variant for the housing department,
the administrator's choice of KMB, and a fixed number of queries whatever the data."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from clients.models import ConsultationChannel, Ethos, EthosGroup
from clients.models.codes import ETHOS_GROUPS
from kmb.accounts.models import Role
from reports.anonymised import redact_in
from reports.indicators import IndicatorValue, Row
from reports.report import SECTIONS
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, OrpFactory
from tests.factories.clients import ConsultationFactory
from tests.reports.helpers import build_world, czech, registered

URL = reverse("reports:dashboard")
OCTOBER = {"month": "2026-10"}


@pytest.fixture
def world(kmb_office, other_kmb_office, social_worker):
    return build_world(kmb_office, other_kmb_office, social_worker)


def figure(response, code: str) -> list[str]:
    """The texts of a figure's row: label, this month, the previous month, the change."""
    html = response.content.decode()
    row = re.search(rf'<tr data-indicator="{code}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {code}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_dashboard_shows_the_month_against_the_previous_one(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, OCTOBER)

    assert response.status_code == 200
    assert figure(response, "households_registered") == [
        czech("Households registered"),
        "7",
        "3",
        "+4",
    ]
    assert figure(response, "consultations") == [czech("Consultations"), "12", "8", "+4"]
    assert figure(response, "leases_signed") == [czech("Leases signed"), "2", "0", "+2"]
    assert [section.key for section in response.context["report"].sections] == [
        key for key, _title, _codes in SECTIONS
    ]
    assert response.context["report"].area_label == czech("ORP %(orp)s", orp="Testov")


def test_dashboard_narrowed_to_a_municipality(client, manager, world):
    client.force_login(manager)

    town = client.get(URL, {**OCTOBER, "municipality": world["town"].pk})
    village = client.get(URL, {**OCTOBER, "municipality": world["village"].pk})

    assert figure(town, "households_registered")[1:] == ["5", "3", "+2"]
    assert figure(village, "households_registered")[1:] == ["2", "0", "+2"]
    assert village.context["report"].area_label == "Lhota"
    assert czech("The project's targets are set for the whole KMB.") in unescape(
        village.content.decode()
    )


def test_kmb_staff_drill_down_to_the_lists(client, social_worker, world):
    client.force_login(social_worker)

    response = client.get(URL, OCTOBER)

    html = response.content.decode()
    assert '<a href="/cases/?status=prevention"' in html
    assert f'<a href="{reverse("clients:debt-analysis")}"' in html


def test_a_municipality_outside_the_orp_is_refused(client, manager, world):
    client.force_login(manager)
    elsewhere = MunicipalityFactory(orp=OrpFactory(name="Jinde"), name="Jinde")

    response = client.get(URL, {**OCTOBER, "municipality": elsewhere.pk})

    assert response.context["form"].errors["municipality"]
    # The whole ORP of this month is shown instead.
    assert response.context["report"].area.municipality_id is None


def test_a_future_month_is_refused(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"month": "2999-01"})

    assert response.context["form"].errors["month"] == [
        czech("Reports are made for this month or earlier ones.")
    ]


def test_a_month_before_2000_is_refused(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"month": "0001-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [
        czech("Reports are made for months from %(year)s on.") % {"year": 2000}
    ]


# --- The housing department's anonymised view --------------------------------------------------


@pytest.fixture
def housing_department(staff, world):
    """The housing department of the town Testov (20,000 inhabitants)."""
    user = staff[Role.HOUSING_DEPARTMENT]
    organisation = user.organisation
    organisation.municipality = world["town"]
    organisation.save()
    return user


def test_housing_department_sees_its_municipality_anonymised(client, housing_department, world):
    client.force_login(housing_department)

    response = client.get(URL, OCTOBER)

    report = response.context["report"]
    assert report.anonymised
    assert report.area_label == "Testov"
    # Five October households of the town, three of September: "<5", so no change is shown.
    assert figure(response, "households_registered")[1:] == ["5", "<5", ""]
    assert figure(response, "leases_signed")[1:] == ["<5", "0", ""]
    html = response.content.decode()
    assert "/cases/" not in html
    note = czech(
        "Anonymised view: no person is shown, and the figures that could identify someone "
        "are suppressed."
    )
    assert note in html


def test_housing_department_of_a_small_municipality_is_not_named(client, staff, kmb_office, world):
    user = staff[Role.HOUSING_DEPARTMENT]
    user.organisation.municipality = world["village"]
    user.organisation.save()
    client.force_login(user)

    response = client.get(URL, OCTOBER)

    label = czech(
        "a municipality under %(population)s inhabitants (ORP %(orp)s)",
        population="2\xa0000",
        orp="Testov",
    )
    assert response.context["report"].area_label == label
    assert "Lhota" not in response.content.decode()


def table(response, code: str):
    return next(
        table
        for section in response.context["report"].sections
        for table in section.tables
        if table.code == code
    )


def test_housing_department_consultations_under_five_are_suppressed(
    client, housing_department, world, social_worker
):
    for day in (20, 21):
        ConsultationFactory(
            case=world["october"][0],
            date=datetime.date(2026, 10, day),
            channel=ConsultationChannel.PHONE,
            minutes=20,
            by=social_worker,
        )
    client.force_login(housing_department)

    response = client.get(URL, OCTOBER)

    # Of the 14 October consultations the town's households had 12: 10 at the office, 2 by
    # phone. The two are "<5", and the ten are hidden too, or the total would give them away.
    by_channel = table(response, "consultations_by_channel")
    assert [(line.key, line.value.text) for line in by_channel.lines] == [
        ("office", "×"),
        ("phone", "<5"),
    ]
    assert by_channel.total.value.text == "12"
    assert by_channel.note == czech(
        "× hidden so that counts under %(threshold)s cannot be worked out from the totals.",
        threshold=5,
    )
    # Their minutes go with them.
    minutes = table(response, "consultation_minutes_by_channel")
    assert [line.value.text for line in minutes.lines] == ["×", "×"]
    assert figure(response, "consultation_minutes")[1] == "490"


def test_kmb_staff_see_the_same_consultations_unsuppressed(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {**OCTOBER, "municipality": world["town"].pk})

    assert [line.value.text for line in table(response, "consultations_by_channel").lines] == ["10"]


# --- Administrators ---------------------------------------------------------------------------


def test_administrator_chooses_the_kmb(client, administrator, world, kmb_office):
    client.force_login(administrator)

    response = client.get(URL, {**OCTOBER, "kmb": kmb_office.pk})

    assert response.context["report"].kmb_name == "KMB Testov"
    assert figure(response, "households_registered")[1] == "7"


def test_administrator_sees_the_first_kmb_until_choosing(client, administrator, world):
    client.force_login(administrator)

    response = client.get(URL, OCTOBER)

    # "KMB Jinde" comes before "KMB Testov": its one October household.
    assert response.context["report"].kmb_name == "KMB Jinde"
    assert figure(response, "households_registered")[1] == "1"


def test_administrator_without_any_kmb_is_told_so(client, db):
    from tests.factories.accounts import UserFactory

    admin = UserFactory(username="spravce", administrator=True)
    client.force_login(admin)

    response = client.get(URL)

    assert "report" not in response.context
    assert (
        czech(
            "There is no KMB to report on yet. An administrator creates the KMB's organisation "
            "first; its reports appear here."
        )
        in response.content.decode()
    )


# --- Queries ----------------------------------------------------------------------------------

# Session and user, the user's KMB and its ORP, the indicators of the month (28) and of the
# previous one (24: neither the retention cohorts nor the network are compared) less those that
# count both months at once (4: the consultations' topics, the debts' totals and kinds, the
# repayment schedules), the project period, the municipalities to choose from, the unread
# notifications (the navigation), the session's update in a savepoint (3).
DASHBOARD_QUERIES = 2 + 2 + 28 + 24 - 4 + 1 + 1 + 1 + 3


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count_is_constant(
    client, manager, kmb_office, social_worker, count, django_assert_num_queries
):
    town = MunicipalityFactory(orp=kmb_office.orp, name="Testov")
    for number in range(count):
        case = registered(
            kmb_office, datetime.datetime(2026, 10, 1 + number, 9, tzinfo=datetime.UTC), town
        )
        ConsultationFactory(case=case, date=datetime.date(2026, 10, 2), by=social_worker)
    client.force_login(manager)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL, OCTOBER)

    assert figure(response, "households_registered")[1] == str(count)


def test_dashboard_refuses_other_methods(client, manager):
    client.force_login(manager)

    assert client.post(URL).status_code == 405


def test_provider_staff_may_not_open_reports(client, staff):
    client.force_login(staff[Role.PROVIDER_STAFF])

    assert client.get(URL).status_code == 403


def test_another_kmb_is_not_reachable_by_its_id(client, manager, other_kmb_office, world):
    """A KMB's staff cannot ask for another KMB: the choice is an administrator's only."""
    client.force_login(manager)

    response = client.get(URL, {**OCTOBER, "kmb": other_kmb_office.pk})

    assert response.context["report"].kmb_name == "KMB Testov"
    assert OrganisationFactory._meta.model.objects.count() >= 2


# --- Figures derived from others, outside the KMB ---------------------------------------------


def test_a_sum_is_hidden_when_one_of_its_parts_is():
    values = {
        "leases_signed": IndicatorValue("leases_signed", 7),
        "leases_extended": IndicatorValue("leases_extended", 2),
        "leases_signed_or_extended": IndicatorValue("leases_signed_or_extended", 9),
    }

    # 9 less the 7 signed would give away the 2 extensions.
    assert redact_in(values["leases_signed_or_extended"], values).value == "×"
    assert redact_in(values["leases_extended"], values).value == "<5"
    assert redact_in(values["leases_signed"], values).value == 7


def test_a_share_is_hidden_when_its_count_is():
    results = tuple(Row(key, key, n) for key, n in [("all_well", 3), ("problems", 0)])
    values = {
        "checkins_due": IndicatorValue("checkins_due", 40),
        "checkins_done": IndicatorValue("checkins_done", 3, results, base=40),
        "checkins_done_share": IndicatorValue("checkins_done_share", Decimal("7.5"), base=40),
    }

    assert redact_in(values["checkins_done"], values).value == "<5"
    assert redact_in(values["checkins_done_share"], values).value == "×"


def test_an_ethos_group_is_hidden_when_one_of_its_categories_is():
    categories = {"1": 3, "2": 7, "3": 6, "4": 5}
    detail = tuple(Row(code.value, code.label, categories.get(code.value, 0)) for code in Ethos)
    groups = tuple(
        Row(
            group.value,
            group.label,
            sum(n for c, n in categories.items() if ETHOS_GROUPS[Ethos(c)] == group),
        )
        for group in EthosGroup
    )
    values = {
        "need_households": IndicatorValue("need_households", 21, detail),
        "need_households_by_group": IndicatorValue("need_households_by_group", 21, groups),
    }

    shown = redact_in(values["need_households_by_group"], values)

    # Roofless: 3 + 7, and the 3 is "<5". Houseless: 6 + 5, and the 5 is hidden in the
    # categories so that the total does not give the 3 away.
    assert redact_in(values["need_households"], values).rows[:4] == ["<5", 7, 6, "×"]
    assert shown.rows == ["×", "×", 0, 0]
    assert shown.value == 21
