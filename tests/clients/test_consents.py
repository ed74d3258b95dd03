"""Consents to share: recording and withdrawing them, and what a support provider sees of a case
file under them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clients.models import Consent, Household
from kmb.access import may_share_with
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from tests.factories.accounts import OrganisationFactory
from tests.factories.clients import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    ConsultationFactory,
    HousingSituationFactory,
    IncomeFactory,
)

TODAY = timezone.localdate()
NOTE = "Výpověď ke konci prosince, partner pije."
PHONE = "+420 603 111 222"


def in_days(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def field_error(name: str, message: str) -> str:
    """The error crispy-forms renders under the field."""
    return f'<p id="error_1_id_{name}"><strong>{message}</strong></p>'


@pytest.fixture
def case(kmb_office, social_worker):
    """A case file with something in each part a consent may open."""
    case = CaseFactory(
        household__kmb=kmb_office,
        household__address="Ubytovna Na Stráni 12, pokoj 5",
        status="active",
        case_manager=social_worker,
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
        applicant__birth_date=datetime.date(1984, 6, 12),
        applicant__phone=PHONE,
    )
    ClientFactory(
        household=case.household,
        relationship="child",
        first_name="Tobiáš",
        last_name="Novák",
        birth_date=datetime.date(2015, 2, 1),
        dependent_child=True,
        phone="",
    )
    HousingSituationFactory(
        household=case.household, ethos="8", description="U sestry na gauči.", since=in_days(-30)
    )
    IncomeFactory(household=case.household, kind="parental", monthly_amount=9500)
    ConsultationFactory(case=case, notes=NOTE, by=social_worker, date=in_days(-3))
    return case


@pytest.fixture
def person(case):
    return case.household.members.get(relationship="applicant")


@pytest.fixture
def provider(staff):
    """A support provider's worker; their organisation is the one consents name."""
    return staff[Role.PROVIDER_STAFF]


# --- Recording a consent ----------------------------------------------------------------------


def consent_data(person, organisation, **overrides):
    return {
        "given_by": person.pk,
        "recipient_kind": "provider",
        "recipient": organisation.pk,
        "recipient_name": "",
        "scope": ["contact", "situation"],
        "given_on": TODAY.isoformat(),
        "expires_on": in_days(365).isoformat(),
        "note": "Podepsáno na pracovišti.",
        **overrides,
    }


def test_consent_create_records_the_consent(client, social_worker, case, person, provider):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consent-create", args=[case.household.pk]),
        consent_data(person, provider.organisation),
        follow=True,
    )

    assertRedirects(response, case.get_absolute_url())
    assertContains(response, "Uloženo.")
    assert [
        (
            consent.household,
            consent.given_by,
            consent.recipient_kind,
            consent.recipient,
            consent.scope,
            consent.given_on,
            consent.expires_on,
            consent.withdrawn_on,
            consent.note,
        )
        for consent in Consent.objects.all()
    ] == [
        (
            case.household,
            person,
            "provider",
            provider.organisation,
            ["contact", "situation"],
            TODAY,
            in_days(365),
            None,
            "Podepsáno na pracovišti.",
        )
    ]
    assertContains(response, "Kontaktní údaje, Domácnost a bytová situace")


def test_consent_create_refuses_an_end_before_the_start(
    client, social_worker, case, person, provider
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consent-create", args=[case.household.pk]),
        consent_data(person, provider.organisation, expires_on=in_days(-1).isoformat()),
    )

    assertContains(response, "Souhlas nemůže skončit dříve, než byl udělen.")
    assertContains(response, 'value="Podepsáno na pracovišti."')
    assert not Consent.objects.exists()


def test_consent_create_shows_the_end_before_the_start_next_to_the_field(
    client, social_worker, case, person, provider
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consent-create", args=[case.household.pk]),
        consent_data(person, provider.organisation, expires_on=in_days(-1).isoformat()),
    )

    assert response.context["form"].errors == {
        "expires_on": ["Souhlas nemůže skončit dříve, než byl udělen."]
    }


def test_consent_create_for_a_provider_needs_the_provider(
    client, social_worker, case, person, provider
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consent-create", args=[case.household.pk]),
        consent_data(person, provider.organisation, recipient=""),
    )

    message = "Vyberte poskytovatele podpory."
    assert response.context["form"].errors == {"recipient": [message]}
    assertContains(response, field_error("recipient", message), html=True)
    assert not Consent.objects.exists()


def test_consent_create_without_scope_says_so_once(client, social_worker, case, person, provider):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consent-create", args=[case.household.pk]),
        consent_data(person, provider.organisation, scope=[]),
    )

    assert not Consent.objects.exists()
    assert response.context["form"].errors == {"scope": ["Vyberte, co se smí sdílet."]}


def test_consent_form_offers_no_dependent_child_as_the_giver(client, social_worker, case, person):
    client.force_login(social_worker)

    response = client.get(reverse("clients:consent-create", args=[case.household.pk]))

    assert list(response.context["form"].fields["given_by"].queryset) == [person]


# --- Withdrawing a consent --------------------------------------------------------------------


def withdraw_url(consent) -> str:
    return reverse("clients:consent-withdraw", args=[consent.pk])


def test_consent_withdraw_today_stops_sharing_at_once(
    client, social_worker, case, person, provider
):
    consent = ConsentFactory(
        household=case.household, given_by=person, recipient=provider.organisation
    )
    client.force_login(social_worker)

    response = client.post(withdraw_url(consent), {"withdrawn_on": TODAY.isoformat()}, follow=True)

    assertRedirects(response, case.get_absolute_url())
    assertContains(response, "Souhlas byl odvolán; sdílení skončilo.")
    assertContains(response, '<span class="badge text-bg-secondary">odvolaný</span>', html=True)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    client.force_login(provider)
    assertContains(client.get(case.get_absolute_url()), "Stránka nenalezena", status_code=404)


def test_consent_withdraw_from_tomorrow_shares_until_the_day_after(
    client, social_worker, case, person, provider
):
    consent = ConsentFactory(
        household=case.household, given_by=person, recipient=provider.organisation
    )
    client.force_login(social_worker)

    response = client.post(withdraw_url(consent), {"withdrawn_on": in_days(1).isoformat()})

    assertRedirects(response, case.get_absolute_url())
    consent.refresh_from_db()
    assert consent.withdrawn_on == in_days(1)
    shared = Household.objects.shared_with(provider.organisation_id, on=TODAY)
    shared_tomorrow = Household.objects.shared_with(provider.organisation_id, on=in_days(1))
    assert (list(shared), list(shared_tomorrow)) == ([case.household], [])
    client.force_login(provider)
    assertContains(client.get(case.get_absolute_url()), "Žofie Nováková")


def test_consent_withdraw_twice_keeps_the_first_date(client, social_worker, case, person):
    consent = ConsentFactory(household=case.household, given_by=person, withdrawn_on=in_days(-2))
    client.force_login(social_worker)

    response = client.post(withdraw_url(consent), {"withdrawn_on": TODAY.isoformat()}, follow=True)

    assertContains(response, "Tento souhlas už byl odvolán.")
    consent.refresh_from_db()
    assert consent.withdrawn_on == in_days(-2)


def test_consent_withdraw_before_it_was_given_is_refused(client, social_worker, case, person):
    consent = ConsentFactory(household=case.household, given_by=person, given_on=in_days(-10))
    client.force_login(social_worker)

    response = client.post(
        withdraw_url(consent), {"withdrawn_on": in_days(-11).isoformat()}, follow=True
    )

    assertContains(response, "Souhlas nelze odvolat dříve, než byl udělen.")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_consent_withdraw_needs_a_date(client, social_worker, case, person):
    consent = ConsentFactory(household=case.household, given_by=person)
    client.force_login(social_worker)

    response = client.post(withdraw_url(consent), {"withdrawn_on": "zítra"}, follow=True)

    assertContains(response, "Zadejte platné datum odvolání.")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_consent_withdraw_by_get_is_not_allowed(client, social_worker, case, person):
    consent = ConsentFactory(household=case.household, given_by=person)
    client.force_login(social_worker)

    response = client.get(withdraw_url(consent))

    assert response.status_code == 405
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- What a support provider sees -------------------------------------------------------------


def consent_for(provider, case, **fields) -> Consent:
    return ConsentFactory(
        household=case.household,
        given_by=case.household.members.get(relationship="applicant"),
        recipient=provider.organisation,
        **fields,
    )


def test_provider_sees_the_case_under_a_valid_consent(client, provider, case):
    consent_for(provider, case, scope=["situation"], expires_on=TODAY)
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assertContains(response, "Žofie Nováková")
    assert [(entry.user, entry.object_id) for entry in AccessLog.objects.all()] == [
        (provider, str(case.pk))
    ]


@pytest.mark.parametrize(
    "consent",
    [
        pytest.param({"expires_on": in_days(-1)}, id="expired"),
        pytest.param({"withdrawn_on": TODAY}, id="withdrawn-today"),
        pytest.param({"withdrawn_on": in_days(-1)}, id="withdrawn"),
        pytest.param({"given_on": in_days(1)}, id="not-yet-given"),
    ],
)
def test_provider_without_a_valid_consent_gets_404(client, provider, case, consent):
    consent_for(provider, case, **consent)
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assertContains(response, "Stránka nenalezena", status_code=404)
    assert not AccessLog.objects.exists()


def test_provider_named_in_no_consent_gets_404(client, provider, case):
    ConsentFactory(
        household=case.household,
        given_by=case.household.members.get(relationship="applicant"),
        recipient=OrganisationFactory(provider=True, name="Jiný poskytovatel, z. s."),
    )
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assertContains(response, "Stránka nenalezena", status_code=404)


def test_provider_under_a_situation_consent_sees_the_household_but_no_contacts(
    client, provider, case
):
    consent_for(provider, case, scope=["situation"])
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assert response.context["sections"] == frozenset({"situation"})
    assertContains(response, "<td>Tobiáš Novák</td>", html=True)
    assertContains(response, "8 Dočasně u příbuzných či známých")
    assertNotContains(response, "603 111 222")
    assertNotContains(response, '<th scope="col">Kontakt</th>', html=True)
    assertNotContains(response, "Příjmy a dávky")
    assertNotContains(response, "Rodičovský příspěvek")
    assertNotContains(response, NOTE)
    assertNotContains(response, "Souhlasy se sdílením")
    assertNotContains(response, "Ubytovna Na Stráni")


def test_provider_under_a_contact_and_situation_consent_sees_the_phone(client, provider, case):
    consent_for(provider, case, scope=["contact", "situation"])
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assert response.context["sections"] == frozenset({"contact", "situation"})
    assertContains(response, f'<td class="small">{PHONE}</td>', html=True)
    assertNotContains(response, "Rodičovský příspěvek")
    assertNotContains(response, NOTE)


def test_provider_under_a_finances_consent_sees_income_but_not_the_household(
    client, provider, case
):
    consent_for(provider, case, scope=["finances"])
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assertContains(response, "Rodičovský příspěvek")
    assertNotContains(response, "Tobiáš Novák")
    assertNotContains(response, "603 111 222")


def test_provider_sees_what_all_their_valid_consents_cover(client, provider, case):
    consent_for(provider, case, scope=["situation"])
    consent_for(provider, case, scope=["contact"], given_on=in_days(-400), expires_on=in_days(-1))
    consent_for(provider, case, scope=["finances"])
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assert response.context["sections"] == frozenset({"situation", "finances"})


def test_provider_never_sees_consultation_notes_or_edit_buttons(client, provider, case):
    consent_for(provider, case)  # every scope there is
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assert response.context["sections"] == frozenset(
        {"contact", "situation", "finances", "support", "health"}
    )
    assert (response.context["may_change"], response.context["may_export"]) == (False, False)
    assertContains(response, PHONE)
    assertContains(response, "Rodičovský příspěvek")
    assertNotContains(response, NOTE)
    assertNotContains(response, 'data-testid="consultation"')
    for button in (
        "Zapsat konzultaci",
        "Změnit stav",
        "Přidat člena",
        "Upravit",
        "Přidat",
        "Zapsat změnu",
    ):
        assertNotContains(response, button)


# --- kmb.access.may_share_with ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent", "scope", "shared"),
    [
        pytest.param({}, "finances", True, id="valid-and-covering"),
        pytest.param({"expires_on": TODAY}, "finances", True, id="last-day"),
        pytest.param({}, "health", False, id="scope-not-covered"),
        pytest.param({"expires_on": in_days(-1)}, "finances", False, id="expired"),
        pytest.param({"withdrawn_on": TODAY}, "finances", False, id="withdrawn"),
        pytest.param({"withdrawn_on": in_days(1)}, "finances", True, id="withdrawn-from-tomorrow"),
        pytest.param({"given_on": in_days(1)}, "finances", False, id="not-yet-given"),
    ],
)
def test_may_share_with_needs_a_valid_covering_consent(provider, case, consent, scope, shared):
    consent_for(provider, case, **{"scope": ["contact", "finances"], **consent})

    assert may_share_with(case.household, provider.organisation_id, scope) is shared


def test_may_share_with_another_organisation_is_false(provider, case):
    consent_for(provider, case, scope=["contact", "finances"])
    other = OrganisationFactory(provider=True, name="Jiný poskytovatel, z. s.")

    assert may_share_with(case.household, other.pk, "contact") is False


def test_may_share_with_no_consent_is_false(provider, case):
    assert may_share_with(case.household, provider.organisation_id, "contact") is False
