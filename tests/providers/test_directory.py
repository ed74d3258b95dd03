"""The directory of providers: the list and its filters, a provider's page, registering and
editing a provider, its services and their free places."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kmb.accounts.models import Organisation, Role
from kmb.audit.models import AccessLog
from providers import services
from providers.models import Provider, Service
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory
from tests.factories.clients import CaseFactory
from tests.factories.providers import ProviderFactory, ServiceFactory, ServiceReferralFactory
from tests.providers.conftest import TODAY, czech, days_ago

LIST = reverse("providers:provider-list")


def listed(response) -> list[tuple[str, list[str]]]:
    return [
        (str(provider), [service.name for service in provider.listed_services])
        for provider in response.context["page"].object_list
    ]


@pytest.fixture
def directory(provider, service, other_provider, other_service, lhota):
    """Naděje: its §43 service in Testov (2 free) and a full field programme in Lhota; Jiná
    pomoc: a debt counselling in Testov (1 free); a provider with no service yet."""
    ServiceFactory(
        provider=provider,
        name="Terénní program Lhota",
        kind="s69",
        capacity=4,
        free_places=0,
        municipalities=[lhota],
    )
    ServiceFactory(provider=provider, name="Ukončená služba", is_active=False)
    ProviderFactory(organisation=OrganisationFactory(provider=True, name="Nováček, z. ú."))


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_every_provider_with_its_active_services(client, social_worker, directory):
    client.force_login(social_worker)

    response = client.get(LIST)

    assert listed(response) == [
        ("Jiná pomoc, o. p. s.", ["Dluhová poradna Jiná"]),
        ("Naděje Testov, z. s.", ["Podpora bydlení Testov", "Terénní program Lhota"]),
        ("Nováček, z. ú.", []),
    ]
    assertContains(response, "Ivana Terénní")
    assertContains(response, czech("No active service recorded."))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "s43"}, [("Naděje Testov, z. s.", ["Podpora bydlení Testov"])]),
        (
            {"municipality": "lhota"},
            [("Naděje Testov, z. s.", ["Terénní program Lhota"])],
        ),
        (
            {"free": "on"},
            [
                ("Jiná pomoc, o. p. s.", ["Dluhová poradna Jiná"]),
                ("Naděje Testov, z. s.", ["Podpora bydlení Testov"]),
            ],
        ),
        ({"q": "poradna"}, [("Jiná pomoc, o. p. s.", ["Dluhová poradna Jiná"])]),
        ({"q": "nováček"}, [("Nováček, z. ú.", [])]),
    ],
)
def test_list_filters(client, social_worker, directory, lhota, query, expected):
    if query.get("municipality") == "lhota":
        query = {"municipality": lhota.pk}
    client.force_login(social_worker)

    response = client.get(LIST, query)

    assert listed(response) == expected


def test_list_finds_a_provider_by_its_ico(client, social_worker, directory, other_provider):
    other_provider.organisation.ico = "25596641"
    other_provider.organisation.save()
    client.force_login(social_worker)

    response = client.get(LIST, {"q": "25596641"})

    assert listed(response) == [("Jiná pomoc, o. p. s.", ["Dluhová poradna Jiná"])]


def test_list_answers_htmx_with_the_results_only(client, social_worker, directory):
    client.force_login(social_worker)

    response = client.get(LIST, {"kind": "s43"}, headers={"HX-Request": "true"})

    assertNotContains(response, "<nav")
    assertContains(response, 'data-testid="provider-table"')


def test_list_without_providers_says_what_to_do(client, manager):
    client.force_login(manager)

    response = client.get(LIST)

    assertContains(
        response,
        czech(
            "No support provider is recorded yet. Add the NGOs and social services your "
            "households are referred to, with their services, capacity and the municipalities "
            "they cover."
        ),
    )
    assertContains(response, reverse("providers:provider-create"))


def test_list_with_no_match_says_so(client, social_worker, directory):
    client.force_login(social_worker)

    response = client.get(LIST, {"q": "nic takového"})

    assertContains(
        response,
        czech(
            "No provider matches these filters. Clear the filters or choose fewer of them; the "
            "coverage map shows which services the ORP lacks."
        ),
    )


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.HOUSING_DEPARTMENT])
def test_list_is_for_the_kmb(client, staff, role):
    client.force_login(staff[role])

    assert client.get(LIST).status_code == 403


def test_list_refuses_a_post(client, social_worker):
    client.force_login(social_worker)

    assert client.post(LIST).status_code == 405


@pytest.mark.parametrize("providers", [1, 3])
def test_list_query_count_is_constant(
    client, social_worker, testov, django_assert_num_queries, providers
):
    for _ in range(providers):
        provider = ProviderFactory()
        ServiceFactory.create_batch(2, provider=provider, municipalities=[testov])
    client.force_login(social_worker)

    # Session, user, the count, the page of providers, their services, the services'
    # municipalities; the filter's municipalities; the menu's notifications and organisation;
    # session save (3).
    with django_assert_num_queries(12):
        response = client.get(LIST)

    assert len(response.context["page"].object_list) == providers


# --- A provider's page -------------------------------------------------------------------------


def test_provider_page_shows_services_contacts_and_the_households_referred(
    client, social_worker, provider, service, case, consent
):
    referral = ServiceReferralFactory(case=case, service=service, consent=consent)
    # Another KMB's household referred to the same provider: not this KMB's business.
    ServiceReferralFactory(service=service)
    client.force_login(social_worker)

    response = client.get(provider.get_absolute_url())

    assert response.context["services"] == [service]
    assert response.context["referrals"] == [referral]
    assertContains(response, "Žofie Zlatohlávková")
    assertContains(response, "Testov")
    assertContains(response, "Ivana Terénní")
    assert list(AccessLog.objects.values_list("object_id", "view_name")) == [
        (str(provider.pk), "providers:provider-detail")
    ]


def test_provider_page_without_referrals_is_not_an_audited_read(client, social_worker, service):
    client.force_login(social_worker)

    response = client.get(service.provider.get_absolute_url())

    assertContains(response, "Podpora bydlení Testov")
    assert not AccessLog.objects.exists()


def test_provider_staff_see_their_own_profile_and_only_consented_households(
    client, provider_user, provider, service, case, consent, kmb_office
):
    visible = ServiceReferralFactory(case=case, service=service, consent=consent)
    unconsented = ServiceReferralFactory(case__household__kmb=kmb_office, service=service)
    unconsented.consent.withdrawn_on = TODAY
    unconsented.consent.save()
    client.force_login(provider_user)

    response = client.get(provider.get_absolute_url())

    assert response.context["referrals"] == [visible]
    assert response.context["may_manage"]
    assertContains(response, 'data-testid="free-places-form"')


def test_provider_staff_do_not_see_another_provider(client, provider_user, other_provider):
    client.force_login(provider_user)

    assert client.get(other_provider.get_absolute_url()).status_code == 404


def test_provider_without_services_says_what_to_do(client, manager, provider):
    client.force_login(manager)

    response = client.get(provider.get_absolute_url())

    assertContains(
        response,
        czech(
            "No service recorded yet. Add the services the provider offers, with their capacity "
            "and the municipalities they cover: only then do they count on the coverage map and "
            "can households be referred to them."
        ),
    )


def test_provider_page_refuses_a_post(client, social_worker, provider):
    client.force_login(social_worker)

    assert client.post(provider.get_absolute_url()).status_code == 405


# --- Registering and editing a provider ----------------------------------------------------------


def provider_data(**overrides) -> dict:
    return {
        "name": "Romodrom, o. p. s.",
        "ico": "25596641",
        "address": "Kořenského 1107/15, Praha 5",
        "contact_person": "Jana Dvořáková",
        "phone": "+420 777 000 111",
        "email": "dvorakova@example.cz",
        "website": "https://example.cz",
        "note": "",
        **overrides,
    }


def test_manager_registers_a_provider_with_its_organisation(client, manager):
    client.force_login(manager)

    response = client.post(reverse("providers:provider-create"), provider_data())

    provider = Provider.objects.get()
    assertRedirects(response, provider.get_absolute_url())
    assert (
        provider.organisation.name,
        provider.organisation.kind,
        provider.organisation.ico,
        provider.organisation.address,
        provider.contact_person,
        provider.email,
    ) == (
        "Romodrom, o. p. s.",
        Organisation.Kind.PROVIDER,
        "25596641",
        "Kořenského 1107/15, Praha 5",
        "Jana Dvořáková",
        "dvorakova@example.cz",
    )
    assert provider.history.get().history_user == manager


@pytest.mark.parametrize(
    ("ico", "message"),
    [
        ("", "This field is required."),
        ("2559664", "An ID number (IČO) has exactly eight digits."),
        ("25596642", "This ID number (IČO) is not valid: please check the digits."),
    ],
)
def test_provider_needs_a_valid_ico(client, manager, ico, message):
    client.force_login(manager)

    response = client.post(reverse("providers:provider-create"), provider_data(ico=ico))

    assert response.status_code == 200
    assertContains(response, czech(message))
    assert not Organisation.objects.filter(name="Romodrom, o. p. s.").exists()


def test_provider_name_is_unique_among_organisations(client, manager, provider):
    client.force_login(manager)

    response = client.post(
        reverse("providers:provider-create"), provider_data(name="Naděje Testov, z. s.")
    )

    assert response.status_code == 200
    assert response.context["organisation_form"].errors["name"]
    assert Provider.objects.count() == 1


def test_social_worker_may_not_register_a_provider(client, social_worker):
    client.force_login(social_worker)

    response = client.post(reverse("providers:provider-create"), provider_data())

    assert response.status_code == 403
    assert not Provider.objects.exists()


def test_provider_staff_edit_their_own_profile(client, provider_user, provider):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:provider-edit", args=[provider.pk]),
        provider_data(name="Naděje Testov, z. s.", ico="25596641", phone="+420 600 600 600"),
    )

    assertRedirects(response, provider.get_absolute_url())
    provider.refresh_from_db()
    assert (provider.phone, provider.organisation.ico, provider.organisation.kind) == (
        "+420 600 600 600",
        "25596641",
        Organisation.Kind.PROVIDER,
    )


def test_social_worker_may_not_edit_a_provider(client, social_worker, provider):
    client.force_login(social_worker)

    response = client.post(reverse("providers:provider-edit", args=[provider.pk]), provider_data())

    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.organisation.ico == ""


def test_provider_edit_refuses_a_put(client, manager, provider):
    client.force_login(manager)

    assert client.put(reverse("providers:provider-edit", args=[provider.pk])).status_code == 405


# --- Services ----------------------------------------------------------------------------------


def service_data(*municipalities, **overrides) -> dict:
    return {
        "kind": "s43",
        "name": "Podpora samostatného bydlení Lhota",
        "form": "field",
        "registration_number": "1234567",
        "capacity": "8",
        "free_places": "3",
        "municipalities": [m.pk for m in municipalities],
        "is_active": "on",
        "note": "",
        **overrides,
    }


def test_manager_adds_a_service_with_its_municipalities(client, manager, provider, testov, lhota):
    client.force_login(manager)

    response = client.post(
        reverse("providers:service-create", args=[provider.pk]), service_data(testov, lhota)
    )

    assertRedirects(response, provider.get_absolute_url())
    service = Service.objects.get()
    assert (service.provider, service.capacity, service.free_places, service.free_places_on) == (
        provider,
        8,
        3,
        TODAY,
    )
    assert list(service.municipalities.order_by("name")) == [lhota, testov]


def test_service_form_offers_the_municipalities_of_orps_with_a_kmb(
    client, manager, provider, testov
):
    elsewhere = MunicipalityFactory(name="Mimo KMB")
    client.force_login(manager)

    response = client.get(reverse("providers:service-create", args=[provider.pk]))

    assert list(response.context["form"].fields["municipalities"].queryset) == [testov]
    assert elsewhere.pk


def test_service_cannot_have_more_free_places_than_capacity(client, manager, provider, testov):
    client.force_login(manager)

    response = client.post(
        reverse("providers:service-create", args=[provider.pk]),
        service_data(testov, capacity="2", free_places="3"),
    )

    assertContains(response, czech("There cannot be more free places than the capacity."))
    assert not Service.objects.exists()


def test_editing_a_service_keeps_the_free_places_it_has_now(client, provider_user, service, testov):
    """The form was opened before a referral took a place: saving it does not give the place
    back. Free places change only through their own control."""
    client.force_login(provider_user)
    page = client.get(reverse("providers:service-edit", args=[service.pk]))
    assert "free_places" not in page.context["form"].fields
    Service.objects.filter(pk=service.pk).update(free_places=1, free_places_on=days_ago(20))

    client.post(
        reverse("providers:service-edit", args=[service.pk]),
        service_data(testov, name=service.name, capacity="5", free_places="2", note="Nová"),
    )

    service.refresh_from_db()
    assert (service.note, service.free_places, service.free_places_on) == ("Nová", 1, days_ago(20))


def test_a_capacity_below_the_free_places_is_refused_on_the_capacity(
    client, provider_user, service, testov
):
    Service.objects.filter(pk=service.pk).update(capacity=5, free_places=3)
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-edit", args=[service.pk]),
        service_data(testov, name=service.name, capacity="2"),
    )

    assert response.context["form"].errors["capacity"] == [
        czech(
            "The capacity cannot be lower than the free places now (%(free)s): "
            "change the free places first."
        )
        % {"free": 3}
    ]
    service.refresh_from_db()
    assert (service.capacity, service.free_places) == (5, 3)


def test_provider_staff_may_not_edit_another_providers_service(
    client, provider_user, other_service, testov
):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-edit", args=[other_service.pk]), service_data(testov)
    )

    assert response.status_code == 404


def test_service_page_shows_capacity_places_territory_and_referral_counts(
    client, social_worker, service, case, consent
):
    ServiceReferralFactory(case=case, service=service, consent=consent, accepted=True)
    client.force_login(social_worker)

    response = client.get(service.get_absolute_url())

    assert response.context["referral_counts"][:2] == [(czech("Sent"), 0), (czech("Accepted"), 1)]
    assertContains(response, "Testov")
    assert not response.context["may_manage"]
    assert not AccessLog.objects.exists()


def test_service_page_refuses_a_post(client, social_worker, service):
    client.force_login(social_worker)

    assert client.post(service.get_absolute_url()).status_code == 405


# --- Free places ---------------------------------------------------------------------------------


def test_provider_staff_update_free_places_from_the_portal(client, provider_user, service):
    Service.objects.filter(pk=service.pk).update(free_places_on=days_ago(5))
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-free-places", args=[service.pk]),
        {"free_places": "4", "next": reverse("providers:portal")},
    )

    assertRedirects(response, reverse("providers:portal"))
    service.refresh_from_db()
    assert (service.free_places, service.free_places_on) == (4, TODAY)


def test_free_places_by_htmx_answer_with_the_form_only(client, provider_user, service):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-free-places", args=[service.pk]),
        {"free_places": "0"},
        headers={"HX-Request": "true"},
    )

    assertContains(response, czech("Saved."))
    assertNotContains(response, "<nav")
    service.refresh_from_db()
    assert service.free_places == 0


def test_free_places_never_above_the_capacity(client, provider_user, service):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-free-places", args=[service.pk]), {"free_places": "6"}
    )

    assertContains(
        response,
        czech("There cannot be more free places than the capacity (%(capacity)s).", capacity=5),
    )
    service.refresh_from_db()
    assert service.free_places == 2


def test_free_places_redirect_only_within_the_site(client, provider_user, service):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:service-free-places", args=[service.pk]),
        {"free_places": "1", "next": "https://example.com/"},
    )

    assertRedirects(response, service.provider.get_absolute_url())


def test_social_worker_may_not_change_free_places(client, social_worker, service):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:service-free-places", args=[service.pk]), {"free_places": "0"}
    )

    assert response.status_code == 403


def test_set_free_places_refuses_more_than_capacity(service, provider_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_free_places(service=service, free_places=6, by=provider_user)
    service.refresh_from_db()
    assert service.free_places == 2


def test_audit_entries_name_the_provider(client, social_worker, provider, service, case, consent):
    ServiceReferralFactory(case=case, service=service, consent=consent)
    client.force_login(social_worker)

    client.get(provider.get_absolute_url())

    assert AccessLog.objects.get().content_type == ContentType.objects.get_for_model(Provider)


def test_other_kmbs_cases_referred_stay_hidden_from_the_kmb(
    client, social_worker, service, other_kmb_office
):
    ServiceReferralFactory(case=CaseFactory(household__kmb=other_kmb_office), service=service)
    client.force_login(social_worker)

    response = client.get(service.provider.get_absolute_url())

    assert response.context["referrals"] == []
