"""The overview page: what each role sees when it logs in."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.audit import AccessLogFactory

PRAGUE = ZoneInfo("Europe/Prague")

ORGANISATION_KINDS = {
    Role.SOCIAL_WORKER: "Kontaktní místo pro bydlení (KMB) · ORP Testov",
    Role.MANAGER: "Kontaktní místo pro bydlení (KMB) · ORP Testov",
    Role.HOUSING_DEPARTMENT: "Obec",
    Role.PROVIDER_STAFF: "Poskytovatel podpory",
    Role.ADMINISTRATOR: "Správa systému",
}


def organisation_card(response) -> str:
    html = response.content.decode()
    return html.split('data-testid="organisation-card"', 1)[1].split("</div>\n    </div>", 1)[0]


@pytest.mark.parametrize("role", list(Role))
def test_home_shows_each_role_its_organisation(client, staff, role):
    user = staff[role]
    client.force_login(user)

    response = client.get(reverse("home"))

    card = organisation_card(response)
    assertInHTML(f'<h2 class="h5 card-title">{user.organisation}</h2>', card)
    assert ORGANISATION_KINDS[role] in card
    assert response.context["organisation"] == user.organisation


def test_home_of_a_kmb_lists_its_municipalities_and_active_colleagues(
    client, social_worker, kmb_office
):
    for name in ("Testov", "Malá Lhota", "Horní Ves"):
        MunicipalityFactory(name=name, orp=kmb_office.orp)
    MunicipalityFactory(name="Jinde", orp__name="Jinde")
    UserFactory(username="odesla", organisation=kmb_office, is_active=False)
    client.force_login(social_worker)

    response = client.get(reverse("home"))

    card = organisation_card(response)
    assertInHTML(
        '<ul class="list-unstyled small kmb-muni-list mb-0">'
        "<li>Horní Ves</li><li>Malá Lhota</li><li>Testov</li></ul>",
        card,
    )
    # The social worker and the manager; the colleague who left is not counted.
    assert "2 aktivní účty" in card


def test_home_of_a_municipality_lists_no_served_municipalities(client, staff):
    user = staff[Role.HOUSING_DEPARTMENT]
    client.force_login(user)

    response = client.get(reverse("home"))

    assert "municipalities" not in response.context
    assertNotContains(response, "Obsluhované obce")


def test_home_of_a_user_without_organisation_says_whom_to_ask(client, db):
    user = UserFactory(username="bezorg", administrator=True, organisation=None)
    client.force_login(user)

    response = client.get(reverse("home"))

    assertContains(
        response,
        "Váš účet není přiřazen k žádné organizaci. Požádejte správce systému o doplnění.",
    )


def test_home_administrator_sees_active_users_by_role_and_organisations_by_kind(
    client, staff, kmb_office
):
    UserFactory(username="druha", organisation=kmb_office)
    UserFactory(username="odesla", organisation=kmb_office, is_active=False)
    OrganisationFactory(provider=True)
    client.force_login(staff[Role.ADMINISTRATOR])

    response = client.get(reverse("home"))

    html = response.content.decode()
    assertInHTML(
        '<tbody><tr><td>Sociální pracovník</td><td class="text-end">2</td></tr>'
        '<tr><td>Vedoucí KMB</td><td class="text-end">1</td></tr>'
        '<tr><td>Bytový odbor</td><td class="text-end">1</td></tr>'
        '<tr><td>Pracovník poskytovatele podpory</td><td class="text-end">1</td></tr>'
        '<tr><td>Správce</td><td class="text-end">1</td></tr></tbody>',
        html,
    )
    assertInHTML(
        '<tbody><tr><td>Kontaktní místo pro bydlení (KMB)</td><td class="text-end">1</td></tr>'
        '<tr><td>Obec</td><td class="text-end">1</td></tr>'
        '<tr><td>Poskytovatel podpory</td><td class="text-end">2</td></tr>'
        '<tr><td>Správa systému</td><td class="text-end">1</td></tr></tbody>',
        html,
    )


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER])
def test_home_counts_by_role_are_for_the_administrator_only(client, staff, role):
    client.force_login(staff[role])

    response = client.get(reverse("home"))

    assertNotContains(response, "Aktivní uživatelé podle role")
    assert "users_by_role" not in response.context


def test_home_manager_sees_the_five_latest_reads_of_own_organisation(
    client, manager, social_worker, other_kmb_office
):
    reads = [
        AccessLogFactory(
            user=social_worker, record=manager, at=datetime(2026, 3, day, 9, 0, tzinfo=PRAGUE)
        )
        for day in range(1, 7)
    ]
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)
    AccessLogFactory(user=outsider, record=outsider, at=datetime(2026, 3, 9, 9, 0, tzinfo=PRAGUE))
    client.force_login(manager)

    response = client.get(reverse("home"))

    assert list(response.context["recent_reads"]) == reads[:0:-1]
    assertInHTML(
        '<li class="list-group-item d-flex justify-content-between">'
        f"<span>{social_worker} · uživatel #{manager.pk}</span>"
        '<span class="text-body-secondary small">6. 3. 2026 09:00</span></li>',
        response.content.decode(),
    )
    assertContains(response, "Celý záznam přístupů")


def test_home_manager_without_reads_is_told_where_they_will_appear(client, manager):
    client.force_login(manager)

    response = client.get(reverse("home"))

    assertContains(
        response,
        "Zatím nikdo neotevřel stránku s osobními údaji. Každé takové nahlédnutí se objeví zde.",
    )


def test_home_social_worker_sees_no_reads(client, manager, social_worker):
    AccessLogFactory(
        user=manager, record=social_worker, at=datetime(2026, 3, 1, 9, 0, tzinfo=PRAGUE)
    )
    client.force_login(social_worker)

    response = client.get(reverse("home"))

    assertNotContains(response, "Poslední nahlédnutí do osobních údajů")
    assert "recent_reads" not in response.context


CASEWORK_SHORTCUTS = [
    "Případy",
    "Nový klient",
    "Pravidelné kontakty",
    "Evidence potřebných",
    "Dluhy",
    "Byty",
    "Garance",
    "Párování",
    "Komise",
    "Síť podpory",
    "Výkazy",
]


@pytest.mark.parametrize(
    ("role", "shortcuts"),
    [
        (Role.SOCIAL_WORKER, CASEWORK_SHORTCUTS),
        (
            Role.MANAGER,
            [*CASEWORK_SHORTCUTS, "Pracovníci", "Záznam přístupů", "Historie změn"],
        ),
        (Role.HOUSING_DEPARTMENT, ["Byty", "Garance", "Komise", "Výkazy"]),
        (Role.PROVIDER_STAFF, ["Moje domácnosti"]),
        (
            Role.ADMINISTRATOR,
            [
                "Případy",
                "Evidence potřebných",
                "Dluhy",
                "Byty",
                "Garance",
                "Párování",
                "Komise",
                "Síť podpory",
                "Výkazy",
                "Pracovníci",
                "Organizace",
                "Obce",
                "Záznam přístupů",
                "Historie změn",
            ],
        ),
    ],
)
def test_home_shortcuts_follow_the_role(client, staff, role, shortcuts):
    client.force_login(staff[role])

    response = client.get(reverse("home"))

    assert [str(item.label) for item in response.context["shortcuts"]] == shortcuts
