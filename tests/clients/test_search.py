"""Finding a household on the case list: search by name, birth date, phone or case number,
the filters, ordering, pages and the htmx partial."""

import datetime

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from clients.models import Case
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import (
    CaseFactory,
    ClientFactory,
    ConsultationFactory,
    HousingSituationFactory,
)

URL = reverse("clients:case-list")
TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def case_of(
    first_name: str,
    last_name: str,
    *,
    kmb,
    birth_date=datetime.date(1975, 7, 7),
    phone: str = "",
    **case_fields,
) -> Case:
    """A case of a household whose applicant is named; no phone unless given, so that digit
    searches match only what a test means them to."""
    return CaseFactory(
        household__kmb=kmb,
        applicant__first_name=first_name,
        applicant__last_name=last_name,
        applicant__birth_date=birth_date,
        applicant__phone=phone,
        **case_fields,
    )


def case_number_42(kmb) -> Case:
    """The KMB's case 2026/00042. Its id is set by hand, so the id sequence is moved past it, as
    loaddata does, for the cases a test creates after it (create it first)."""
    case = case_of("Marie", "Veselá", kmb=kmb, pk=42, opened_on=datetime.date(2026, 3, 2))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cursor.execute(sql)
    return case


def listed(response) -> list[int]:
    return [case.pk for case in response.context["page"].object_list]


@pytest.fixture
def logged_in(client, social_worker):
    client.force_login(social_worker)
    return client


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["novak", "NOVÁK", "Novák", "  novák "])
def test_search_ignores_diacritics_and_case(logged_in, kmb_office, q):
    zofie = case_of("Žofie", "Nováková", kmb=kmb_office)
    petr = case_of("Petr", "Novák", kmb=kmb_office)
    case_of("Jana", "Dvořáková", kmb=kmb_office)

    response = logged_in.get(URL, {"q": q})

    assert listed(response) == [petr.pk, zofie.pk]


def test_search_with_the_feminine_surname_finds_only_it(logged_in, kmb_office):
    zofie = case_of("Žofie", "Nováková", kmb=kmb_office)
    case_of("Petr", "Novák", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "novakova"})

    assert listed(response) == [zofie.pk]


@pytest.mark.parametrize("q", ["jan novak", "Novák Jan", "JAN NOVÁK"])
def test_search_needs_every_word_somewhere_in_the_name(logged_in, kmb_office, q):
    jan = case_of("Jan", "Novák", kmb=kmb_office)
    jana = case_of("Jana", "Nováková", kmb=kmb_office)
    case_of("Petr", "Novák", kmb=kmb_office)
    case_of("Jan", "Dvořák", kmb=kmb_office)

    response = logged_in.get(URL, {"q": q})

    # Each word is looked for inside the name: "jan" is in "Jana" as well.
    assert listed(response) == [jana.pk, jan.pk]


@pytest.mark.parametrize("q", ["1. 2. 1980", "01.02.1980", "1.2.1980", "1980-02-01"])
def test_search_by_birth_date_as_czechs_write_it(logged_in, kmb_office, q):
    born = case_of("Eva", "Malá", kmb=kmb_office, birth_date=datetime.date(1980, 2, 1))
    case_of("Ema", "Malá", kmb=kmb_office, birth_date=datetime.date(1980, 1, 2))
    case_of("Iva", "Malá", kmb=kmb_office, birth_date=datetime.date(1981, 2, 1))

    response = logged_in.get(URL, {"q": q})

    assert listed(response) == [born.pk]


@pytest.mark.parametrize("q", ["603 123 456", "603123456", "603 123", "123456"])
def test_search_by_phone_with_or_without_spaces(logged_in, kmb_office, q):
    called = case_of("Eva", "Malá", kmb=kmb_office, phone="+420 603 123 456")
    case_of("Ema", "Malá", kmb=kmb_office, phone="+420 777 888 999")

    response = logged_in.get(URL, {"q": q})

    assert listed(response) == [called.pk]


def test_search_by_phone_with_the_country_code(logged_in, kmb_office):
    called = case_of("Eva", "Malá", kmb=kmb_office, phone="+420 603 123 456")
    case_of("Ema", "Malá", kmb=kmb_office, phone="+420 777 888 999")

    response = logged_in.get(URL, {"q": "+420 603 123 456"})

    assert listed(response) == [called.pk]


@pytest.mark.parametrize("q", ["2026/00042", "2026/42", "00042", "42"])
def test_search_by_case_number(logged_in, kmb_office, q):
    numbered = case_number_42(kmb_office)
    case_of("Eva", "Malá", kmb=kmb_office, phone="777 888 999")
    case_of("Ema", "Malá", kmb=kmb_office)

    response = logged_in.get(URL, {"q": q})

    assert listed(response) == [numbered.pk]
    assertInHTML(
        f'<a href="{numbered.get_absolute_url()}">2026/00042</a>', response.content.decode()
    )


def test_search_by_a_short_case_number_ignores_phone_prefixes(logged_in, kmb_office):
    numbered = case_number_42(kmb_office)
    case_of("Eva", "Malá", kmb=kmb_office, phone="+420 777 888 999")

    response = logged_in.get(URL, {"q": "42"})

    assert listed(response) == [numbered.pk]


def test_search_finds_the_household_of_a_member(logged_in, kmb_office):
    household = case_of("Jana", "Dvořáková", kmb=kmb_office)
    ClientFactory(
        household=household.household,
        relationship="child",
        first_name="Tobiáš",
        last_name="Dvořák",
        birth_date=datetime.date(2015, 2, 1),
    )
    case_of("Tomáš", "Malý", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "tobias"})

    assert listed(response) == [household.pk]
    assertInHTML(
        f'<a href="{household.get_absolute_url()}">Jana Dvořáková</a>', response.content.decode()
    )


def test_search_never_finds_households_of_another_kmb(logged_in, kmb_office, other_kmb_office):
    ours = case_of("Žofie", "Nováková", kmb=kmb_office)
    case_of("Petr", "Novák", kmb=other_kmb_office, phone="603 123 456")
    case_of(
        "Jan", "Novák", kmb=other_kmb_office, status="closed", closed_on=TODAY, close_reason="other"
    )

    by_name = logged_in.get(URL, {"q": "novak", "status": ""})
    by_phone = logged_in.get(URL, {"q": "603 123 456", "status": ""})

    assert (listed(by_name), listed(by_phone)) == ([ours.pk], [])


def test_search_without_a_match_suggests_what_to_try(logged_in, kmb_office):
    case_of("Žofie", "Nováková", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "Procházka"})

    assert listed(response) == []
    assertContains(
        response,
        "Hledání „Procházka“ nic nenašlo. Zkuste jen příjmení, datum narození (např. 1. 2. 1980) "
        "nebo telefon.",
    )
    assertContains(response, "Zaevidovat nového klienta")


# --- Filters ----------------------------------------------------------------------------------


def closed_case(*args, **kwargs) -> Case:
    return case_of(*args, status="closed", closed_on=TODAY, close_reason="housed", **kwargs)


def test_case_list_shows_only_open_cases_by_default(logged_in, kmb_office, social_worker):
    new = case_of("Eva", "Malá", kmb=kmb_office)
    active = case_of("Ema", "Malá", kmb=kmb_office, status="active", case_manager=social_worker)
    closed_case("Iva", "Malá", kmb=kmb_office)

    response = logged_in.get(URL)

    assert listed(response) == [active.pk, new.pk]
    assertContains(response, "2 případy")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param("closed", ["closed"], id="closed"),
        pytest.param("new", ["new"], id="new"),
        pytest.param("open", ["active", "new"], id="open"),
        pytest.param("", ["closed", "active", "new"], id="all"),
    ],
)
def test_case_list_filters_by_status(logged_in, kmb_office, social_worker, status, expected):
    cases = {
        "new": case_of("Eva", "Malá", kmb=kmb_office),
        "active": case_of(
            "Ema", "Malá", kmb=kmb_office, status="active", case_manager=social_worker
        ),
        "closed": closed_case("Iva", "Malá", kmb=kmb_office),
    }

    response = logged_in.get(URL, {"status": status})

    assert listed(response) == [cases[name].pk for name in expected]


def test_case_list_filters_by_case_manager(logged_in, kmb_office, social_worker, manager):
    mine = case_of("Eva", "Malá", kmb=kmb_office, status="active", case_manager=social_worker)
    case_of("Ema", "Malá", kmb=kmb_office, status="active", case_manager=manager)
    case_of("Iva", "Malá", kmb=kmb_office)

    response = logged_in.get(URL, {"case_manager": social_worker.pk})

    assert listed(response) == [mine.pk]


def test_case_list_filters_by_the_current_ethos_category(logged_in, kmb_office):
    moved_in = case_of("Eva", "Malá", kmb=kmb_office)
    HousingSituationFactory(household=moved_in.household, ethos="1", since=days_ago(90))
    HousingSituationFactory(household=moved_in.household, ethos="8", since=days_ago(10))
    outdoors = case_of("Ema", "Malá", kmb=kmb_office)
    HousingSituationFactory(household=outdoors.household, ethos="1", since=days_ago(20))

    living_rough = logged_in.get(URL, {"ethos": "1"})
    with_friends = logged_in.get(URL, {"ethos": "8"})

    assert (listed(living_rough), listed(with_friends)) == ([outdoors.pk], [moved_in.pk])


def test_case_list_filters_by_permanent_residence(logged_in, kmb_office):
    testov = MunicipalityFactory(name="Testov", orp=kmb_office.orp)
    lhota = MunicipalityFactory(name="Malá Lhota", orp=kmb_office.orp)
    local = case_of("Eva", "Malá", kmb=kmb_office, household__permanent_residence=testov)
    case_of("Ema", "Malá", kmb=kmb_office, household__permanent_residence=lhota)
    case_of("Iva", "Malá", kmb=kmb_office)

    response = logged_in.get(URL, {"municipality": testov.pk})

    assert listed(response) == [local.pk]
    assertContains(response, "<td>Testov</td>", html=True)


def test_case_list_filters_cases_without_contact_for_30_days(logged_in, kmb_office):
    contacted_long_ago = case_of("Eva", "Malá", kmb=kmb_office, opened_on=days_ago(100))
    ConsultationFactory(case=contacted_long_ago, date=days_ago(40))
    ConsultationFactory(case=contacted_long_ago, date=days_ago(70))
    contacted_lately = case_of("Ema", "Malá", kmb=kmb_office, opened_on=days_ago(90))
    ConsultationFactory(case=contacted_lately, date=days_ago(5))
    ConsultationFactory(case=contacted_lately, date=days_ago(60))
    never_contacted = case_of("Iva", "Malá", kmb=kmb_office, opened_on=days_ago(40))
    case_of("Ida", "Malá", kmb=kmb_office, opened_on=days_ago(10))

    stale = logged_in.get(URL, {"contact": "stale"})
    recent = logged_in.get(URL, {"contact": "recent"})

    assert listed(stale) == [never_contacted.pk, contacted_long_ago.pk]
    assert listed(recent) == [contacted_lately.pk]


# --- Ordering and pages -----------------------------------------------------------------------


def test_case_list_orders_by_the_applicants_surname(logged_in, kmb_office):
    bily = case_of("Jan", "Bílý", kmb=kmb_office)
    adamkova = case_of("Eva", "Adámková", kmb=kmb_office)
    dvorak = case_of("Petr", "Dvořák", kmb=kmb_office)

    by_name = logged_in.get(URL, {"order": "name"})
    by_name_backwards = logged_in.get(URL, {"order": "-name"})

    assert listed(by_name) == [adamkova.pk, bily.pk, dvorak.pk]
    assert listed(by_name_backwards) == [dvorak.pk, bily.pk, adamkova.pk]


def test_case_list_shows_25_cases_a_page(logged_in, kmb_office):
    cases = [case_of("Eva", f"Malá {n}", kmb=kmb_office) for n in range(26)]

    first = logged_in.get(URL)
    second = logged_in.get(URL, {"page": 2})

    assert listed(first) == [case.pk for case in reversed(cases[1:])]
    assert listed(second) == [cases[0].pk]
    assertContains(second, "26 případů")
    assertContains(second, "Strana 2 z 2")


def test_case_list_keeps_the_filters_on_the_next_page(logged_in, kmb_office):
    for n in range(26):
        case_of("Eva", f"Nováková {n}", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "novakova"})

    assertContains(
        response, '<a class="page-link" href="?q=novakova&amp;page=2">Další</a>', html=True
    )


# --- htmx -------------------------------------------------------------------------------------


def test_case_list_htmx_request_gets_only_the_results(logged_in, kmb_office):
    zofie = case_of("Žofie", "Nováková", kmb=kmb_office)
    case_of("Jana", "Dvořáková", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "novak"}, headers={"HX-Request": "true"})

    assert listed(response) == [zofie.pk]
    html = response.content.decode()
    assert html.lstrip().startswith("<p")
    assert "<html" not in html
    assertNotContains(response, 'role="search"')
    assertInHTML(f'<a href="{zofie.get_absolute_url()}">Žofie Nováková</a>', html)
    assertContains(response, "1 případ")


def test_case_list_without_htmx_gets_the_whole_page(logged_in, kmb_office):
    case_of("Žofie", "Nováková", kmb=kmb_office)

    response = logged_in.get(URL, {"q": "novak"})

    assertContains(response, "<html", count=1)
    assertContains(response, 'role="search"', count=1)
