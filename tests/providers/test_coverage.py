"""The coverage map of the ORP: municipalities × service types, missing and full services, the
gap list for reports, and the page."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from kmb.accounts.models import Role
from providers.coverage import CoverageState, coverage, coverage_gaps, service_kinds
from providers.models import HOUSING_SUPPORT_TYPES, ServiceType
from tests.factories.accounts import MunicipalityFactory
from tests.factories.providers import ServiceFactory
from tests.providers.conftest import czech, czech_plural

S43 = ServiceType.INDEPENDENT_LIVING
S69 = ServiceType.FIELD_PROGRAMME
DEBTS = ServiceType.DEBT_COUNSELLING


@pytest.fixture
def network(kmb_office, testov, lhota, provider, other_provider):
    """In Testov a §43 service with free places and a full one; in Lhota only a full §69
    service; an inactive §43 service in Lhota, and a §43 service of another ORP."""
    ServiceFactory(provider=provider, kind=S43, free_places=2, municipalities=[testov])
    ServiceFactory(provider=other_provider, kind=S43, free_places=0, municipalities=[testov])
    ServiceFactory(provider=provider, kind=S69, free_places=0, municipalities=[lhota])
    ServiceFactory(provider=provider, kind=S43, is_active=False, municipalities=[lhota])
    ServiceFactory(provider=provider, kind=S43, municipalities=[MunicipalityFactory()])
    return kmb_office.orp


def cells(table) -> list[tuple]:
    return [
        (row.municipality.name, cell.kind, cell.services, cell.free_places, cell.state)
        for row in table.rows
        for cell in row.cells
    ]


def test_coverage_counts_services_and_free_places_per_municipality_and_type(network):
    table = coverage(network, kinds=[S43, S69])

    assert cells(table) == [
        ("Lhota u Testova", S43, 0, 0, CoverageState.MISSING),
        ("Lhota u Testova", S69, 1, 0, CoverageState.FULL),
        ("Testov", S43, 2, 2, CoverageState.AVAILABLE),
        ("Testov", S69, 0, 0, CoverageState.MISSING),
    ]
    assert [(t.kind, t.services, t.free_places) for t in table.totals] == [(S43, 2, 2), (S69, 1, 0)]
    assert (table.count(CoverageState.MISSING), table.count(CoverageState.FULL)) == (2, 1)
    assert [row.missing for row in table.rows] == [1, 1]


def test_a_service_covering_two_municipalities_offers_its_places_in_both(
    kmb_office, testov, lhota, provider
):
    ServiceFactory(provider=provider, kind=DEBTS, free_places=4, municipalities=[testov, lhota])

    table = coverage(kmb_office.orp, kinds=[DEBTS])

    assert [(c.services, c.free_places) for row in table.rows for c in row.cells] == [(1, 4)] * 2
    assert [(t.services, t.free_places) for t in table.totals] == [(1, 4)]


def test_coverage_gaps_list_the_missing_and_full_places(network):
    gaps = coverage_gaps(network, kinds=HOUSING_SUPPORT_TYPES)

    assert [(g.municipality.name, g.kind, g.state) for g in gaps] == [
        ("Lhota u Testova", ServiceType.INDEPENDENT_LIVING, CoverageState.MISSING),
        ("Lhota u Testova", ServiceType.FIELD_PROGRAMME, CoverageState.FULL),
        ("Lhota u Testova", ServiceType.FAMILY_ACTIVATION, CoverageState.MISSING),
        ("Lhota u Testova", ServiceType.REHABILITATION, CoverageState.MISSING),
        ("Lhota u Testova", ServiceType.COUNSELLING, CoverageState.MISSING),
        ("Testov", ServiceType.FIELD_PROGRAMME, CoverageState.MISSING),
        ("Testov", ServiceType.FAMILY_ACTIVATION, CoverageState.MISSING),
        ("Testov", ServiceType.REHABILITATION, CoverageState.MISSING),
        ("Testov", ServiceType.COUNSELLING, CoverageState.MISSING),
    ]


def test_coverage_gaps_of_all_types_by_default(network):
    assert len(coverage_gaps(network)) == 2 * len(ServiceType) - 1


def test_social_services_are_those_of_zakon_108():
    assert service_kinds(social_only=True) == [k for k in ServiceType if k.value.startswith("s")]
    assert len(service_kinds(social_only=True)) == 14
    assert service_kinds() == list(ServiceType)


@pytest.mark.parametrize("municipalities", [1, 3])
def test_coverage_takes_two_queries(
    kmb_office, provider, django_assert_num_queries, municipalities
):
    for _ in range(municipalities):
        place = MunicipalityFactory(orp=kmb_office.orp)
        ServiceFactory(provider=provider, kind=S43, municipalities=[place])
        ServiceFactory(provider=provider, kind=DEBTS, municipalities=[place])

    with django_assert_num_queries(2):
        table = coverage(kmb_office.orp)

    assert len(table.rows) == municipalities


# --- The page ----------------------------------------------------------------------------------


def test_coverage_page_shows_the_orp_of_the_users_kmb(client, social_worker, network):
    client.force_login(social_worker)

    response = client.get(reverse("providers:coverage"))

    assert response.context["orp"] == network
    assert [row.municipality.name for row in response.context["table"].rows] == [
        "Lhota u Testova",
        "Testov",
    ]
    assert len(response.context["table"].kinds) == len(ServiceType)
    assertContains(
        response, f'<abbr title="{czech("§43 Support of independent living")}">§43</abbr>'
    )
    assertContains(response, 'data-state="missing"', count=2 * len(ServiceType) - 2)
    assertContains(response, 'data-state="full"', count=1)
    assertContains(response, 'data-state="available"', count=1)
    assertContains(
        response,
        czech_plural(
            "A service is missing in %(counter)s place of the map",
            "A service is missing in %(counter)s places of the map",
            38,
            counter=38,
        ),
    )


def test_coverage_page_filters_to_social_services(client, manager, network):
    client.force_login(manager)

    response = client.get(reverse("providers:coverage"), {"social_only": "on"})

    assert response.context["table"].kinds == service_kinds(social_only=True)
    assertContains(response, '<th scope="col"><abbr', count=14)


def test_coverage_page_lets_the_administrator_choose_the_orp(
    client, administrator, network, other_kmb_office
):
    other = MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)
    client.force_login(administrator)

    first = client.get(reverse("providers:coverage"))
    chosen = client.get(reverse("providers:coverage"), {"orp": network.pk})

    # The ORPs with a KMB in alphabetical order: "Jinde" first.
    assert [row.municipality for row in first.context["table"].rows] == [other]
    assert [row.municipality.name for row in chosen.context["table"].rows] == [
        "Lhota u Testova",
        "Testov",
    ]
    assertContains(first, 'name="orp"')


def test_coverage_page_without_municipalities_says_what_to_do(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("providers:coverage"))

    assertContains(
        response,
        czech(
            "The ORP has no municipalities recorded yet. The administrator adds them under "
            "Administration → Municipalities."
        ),
    )


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.HOUSING_DEPARTMENT])
def test_coverage_page_is_for_the_kmb(client, staff, role):
    client.force_login(staff[role])

    assert client.get(reverse("providers:coverage")).status_code == 403


def test_coverage_page_refuses_a_post(client, social_worker):
    client.force_login(social_worker)

    assert client.post(reverse("providers:coverage")).status_code == 405


@pytest.mark.parametrize("municipalities", [1, 3])
def test_coverage_page_query_count_is_constant(
    client, social_worker, kmb_office, provider, django_assert_num_queries, municipalities
):
    for _ in range(municipalities):
        place = MunicipalityFactory(orp=kmb_office.orp)
        ServiceFactory(provider=provider, kind=S43, municipalities=[place])
    client.force_login(social_worker)

    # Session, user, the user's KMB and its ORP, the municipalities, the services covering
    # them; the menu's notifications; session save (3).
    with django_assert_num_queries(10):
        response = client.get(reverse("providers:coverage"))

    assert len(response.context["table"].rows) == municipalities
