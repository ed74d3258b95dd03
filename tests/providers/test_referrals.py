"""Referrals of households to services: only under a valid consent to the provider, the path
sent → accepted/refused → started → ended, the places they hold, and the pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kmb.audit.models import AccessLog
from kmb.notifications.models import Notification
from providers import services
from providers.models import ReferralState, ReferralStateChange, Service, ServiceReferral
from tests.factories.clients import ConsentFactory
from tests.factories.providers import ServiceFactory, ServiceReferralFactory
from tests.providers.conftest import TODAY, czech, days_ago


def refer(case, service, by):
    return services.refer_household(
        case=case, service=service, reason="Pomoc s rozpočtem a zabydlením.", by=by
    )


def history(referral) -> list[tuple[str, str]]:
    return list(referral.state_changes.values_list("from_state", "to_state"))


def free_places(service) -> int:
    return Service.objects.get(pk=service.pk).free_places


# --- Sending -----------------------------------------------------------------------------------


def test_referral_under_a_valid_consent(case, service, consent, social_worker):
    referral = refer(case, service, social_worker)

    assert (
        referral.household,
        referral.case,
        referral.consent,
        referral.state,
        referral.sent_on,
        referral.sent_by,
    ) == (case.household, case, consent, ReferralState.SENT, TODAY, social_worker)
    assert history(referral) == [("", "sent")]
    assert free_places(service) == 2  # a sent referral holds no place yet


@pytest.mark.parametrize(
    "consent_change",
    [
        {},  # no consent at all
        {"withdrawn_on": TODAY},
        {"expires_on": days_ago(1), "given_on": days_ago(30)},
        {"recipient": "other"},
    ],
    ids=["none", "withdrawn", "expired", "to another provider"],
)
def test_referral_needs_a_valid_consent_to_that_provider(
    case, service, other_provider, social_worker, consent_change
):
    if consent_change:
        recipient = (
            other_provider.organisation
            if consent_change.pop("recipient", None)
            else service.provider.organisation
        )
        ConsentFactory(household=case.household, recipient=recipient, **consent_change)

    with pytest.raises(ValidationError) as refused:
        refer(case, service, social_worker)

    assert refused.value.message_dict == {
        "service": [
            czech(
                "The household has not given a valid consent to share with %(provider)s. "
                "Record the consent first: without it the provider may not learn about the "
                "household.",
                provider="Naděje Testov, z. s.",
            )
        ]
    }
    assert not ServiceReferral.objects.exists()


def test_one_open_referral_per_service(case, service, consent, social_worker):
    refer(case, service, social_worker)

    with pytest.raises(ValidationError) as refused:
        refer(case, service, social_worker)

    assert refused.value.messages == [
        czech("The household already has an open referral to this service.")
    ]
    assert ServiceReferral.objects.count() == 1


def test_an_inactive_service_takes_no_referral(case, service, consent, social_worker):
    service.is_active = False
    service.save()

    with pytest.raises(ValidationError):
        refer(case, service, social_worker)


# --- The provider's answers and the places -----------------------------------------------------


@pytest.fixture
def referral(case, service, consent, social_worker):
    return refer(case, service, social_worker)


def test_accepting_takes_a_place_and_tells_the_case_manager(referral, service, provider_user):
    services.answer_referral(
        referral=referral, to=ReferralState.ACCEPTED, note="Přijdeme v pondělí.", by=provider_user
    )

    referral.refresh_from_db()
    assert (referral.state, referral.answer) == (ReferralState.ACCEPTED, "Přijdeme v pondělí.")
    assert free_places(service) == 1
    assert history(referral) == [("", "sent"), ("sent", "accepted")]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url, notification.params) == (
        referral.case.case_manager,
        "referral_answered",
        referral.get_absolute_url(),
        {
            "provider": "Naděje Testov, z. s.",
            "case": referral.case.number,
            "service": "Podpora bydlení Testov",
        },
    )


def test_refusing_a_sent_referral_keeps_the_places(referral, service, provider_user):
    services.answer_referral(
        referral=referral, to=ReferralState.REFUSED, note="Nemáme kapacitu.", by=provider_user
    )

    assert free_places(service) == 2
    assert ServiceReferral.objects.get().state == ReferralState.REFUSED
    assert Notification.objects.get().message == (
        "%(provider)s refused the referral of case %(case)s to %(service)s."
    )


def test_starting_then_ending_gives_the_place_back(referral, service, provider_user):
    services.answer_referral(referral=referral, to="accepted", by=provider_user)
    services.answer_referral(referral=referral, to="started", by=provider_user)
    assert free_places(service) == 1

    services.answer_referral(
        referral=referral, to="ended", end_reason="goals_met", by=provider_user
    )

    referral.refresh_from_db()
    assert (referral.state, referral.end_reason, referral.ended_on) == ("ended", "goals_met", TODAY)
    assert free_places(service) == 2
    assert history(referral) == [
        ("", "sent"),
        ("sent", "accepted"),
        ("accepted", "started"),
        ("started", "ended"),
    ]


def test_ending_needs_a_reason(referral, provider_user):
    services.answer_referral(referral=referral, to="accepted", by=provider_user)

    with pytest.raises(ValidationError) as refused:
        services.answer_referral(referral=referral, to="ended", by=provider_user)

    assert refused.value.message_dict == {
        "end_reason": [czech("Choose why the cooperation ended.")]
    }


@pytest.mark.parametrize(
    ("path", "to"),
    [([], "started"), ([], "ended"), (["refused"], "accepted"), (["accepted"], "refused")],
)
def test_referral_moves_only_along_its_path(referral, provider_user, path, to):
    for state in path:
        services.answer_referral(referral=referral, to=state, by=provider_user)

    with pytest.raises(ValidationError):
        services.answer_referral(referral=referral, to=to, end_reason="other", by=provider_user)


def test_accepting_twice_takes_one_place(referral, service, provider_user):
    stale = ServiceReferral.objects.get(pk=referral.pk)
    services.answer_referral(referral=referral, to="accepted", by=provider_user)

    with pytest.raises(ValidationError):
        services.answer_referral(referral=stale, to="accepted", by=provider_user)

    assert free_places(service) == 1
    assert ReferralStateChange.objects.filter(to_state="accepted").count() == 1


def test_accepting_with_no_free_place_never_goes_below_zero(referral, service, provider_user):
    Service.objects.filter(pk=service.pk).update(free_places=0)

    services.answer_referral(referral=referral, to="accepted", by=provider_user)

    assert free_places(service) == 0


def test_ending_never_gives_back_more_than_the_capacity(referral, service, provider_user):
    services.answer_referral(referral=referral, to="accepted", by=provider_user)
    Service.objects.filter(pk=service.pk).update(free_places=5)  # the provider recounted

    services.answer_referral(referral=referral, to="ended", end_reason="other", by=provider_user)

    assert free_places(service) == 5


def test_kmb_withdraws_a_referral_in_any_open_state(referral, service, provider_user, manager):
    services.answer_referral(referral=referral, to="accepted", by=provider_user)

    services.withdraw_referral(
        referral=referral, end_reason="handed_over", note="Jde do jiné služby.", by=manager
    )

    referral.refresh_from_db()
    assert (referral.state, referral.end_reason) == ("ended", "handed_over")
    assert free_places(service) == 2
    assert history(referral)[-1] == ("accepted", "ended")
    assert ReferralStateChange.objects.last().note == "Jde do jiné služby."


def test_a_closed_referral_cannot_be_withdrawn(referral, provider_user, manager):
    services.answer_referral(referral=referral, to="refused", by=provider_user)

    with pytest.raises(ValidationError):
        services.withdraw_referral(referral=referral, end_reason="other", by=manager)


# --- Pages -------------------------------------------------------------------------------------


def test_referral_form_offers_only_services_of_consented_providers(
    client, social_worker, case, consent, service, other_service
):
    ServiceFactory(provider=service.provider, name="Neaktivní", is_active=False)
    client.force_login(social_worker)

    response = client.get(reverse("providers:referral-create", args=[case.pk]))

    assert list(response.context["form"].fields["service"].queryset) == [service]
    assertContains(
        response,
        czech(
            "Only the services of providers to which the household has given a valid consent to "
            "share its data are offered. To refer it elsewhere, record that consent first."
        ),
    )


def test_referral_form_without_any_consent_asks_for_one_first(client, social_worker, case, service):
    client.force_login(social_worker)

    response = client.get(reverse("providers:referral-create", args=[case.pk]))

    assertContains(response, 'data-testid="no-consented-services"')
    assertContains(response, reverse("clients:consent-create", args=[case.household.pk]))
    assertNotContains(response, 'name="reason"')


def refer_page(client, case, service: str):
    return client.get(reverse("providers:referral-create", args=[case.pk]), {"service": service})


def test_referral_form_preselects_the_service_a_link_names(
    client, social_worker, case, consent, service
):
    second = ServiceFactory(provider=service.provider, name="Dluhová poradna Testov")
    client.force_login(social_worker)

    response = refer_page(client, case, str(second.pk))

    form = response.context["form"]
    assert (form["service"].value(), form.not_offered) == (second.pk, None)
    assertContains(response, f'<option value="{second.pk}" selected>', html=False)
    assertNotContains(response, 'data-testid="not-offered"')


def test_referral_form_says_why_a_linked_service_without_consent_is_not_offered(
    client, social_worker, case, consent, service, other_service
):
    client.force_login(social_worker)

    response = refer_page(client, case, str(other_service.pk))

    form = response.context["form"]
    assert (form["service"].value(), form.not_offered) == (None, other_service)
    assertContains(
        response,
        czech(
            "%(service)s of %(provider)s cannot be chosen: the household has not given a valid "
            "consent to share its data with %(provider)s.",
            service="Dluhová poradna Jiná",
            provider="Jiná pomoc, o. p. s.",
        ),
    )


@pytest.mark.parametrize("requested", ["inactive", "missing", "abc", ""])
def test_referral_form_ignores_a_link_to_no_active_service(
    client, social_worker, case, consent, service, requested
):
    inactive = ServiceFactory(provider=service.provider, is_active=False)
    value = {"inactive": str(inactive.pk), "missing": str(inactive.pk + 100)}.get(
        requested, requested
    )
    client.force_login(social_worker)

    response = refer_page(client, case, value)

    form = response.context["form"]
    assert (form["service"].value(), form.not_offered) == (None, None)
    assertNotContains(response, 'data-testid="not-offered"')


def test_social_worker_refers_from_the_case_page(client, social_worker, case, consent, service):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:referral-create", args=[case.pk]),
        {"service": service.pk, "reason": "Podpora v bytě, dluh na nájmu."},
    )

    assertRedirects(response, case.get_absolute_url())
    referral = ServiceReferral.objects.get()
    assert (referral.service, referral.reason, referral.sent_by) == (
        service,
        "Podpora v bytě, dluh na nájmu.",
        social_worker,
    )


def test_referral_to_a_service_without_consent_is_refused_with_a_message(
    client, social_worker, case, consent, other_service
):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:referral-create", args=[case.pk]),
        {"service": other_service.pk, "reason": "Dluhy."},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["service"]
    assert not ServiceReferral.objects.exists()


def test_referral_form_is_for_the_kmb_that_keeps_the_file(client, staff, case, consent):
    from kmb.accounts.models import Role

    for role, status in [(Role.ADMINISTRATOR, 403), (Role.PROVIDER_STAFF, 403)]:
        client.force_login(staff[role])
        assert client.get(reverse("providers:referral-create", args=[case.pk])).status_code == (
            status
        )


def test_referral_form_of_another_kmbs_case_is_hidden(client, social_worker, other_kmb_office):
    from tests.factories.clients import CaseFactory

    other = CaseFactory(household__kmb=other_kmb_office)
    client.force_login(social_worker)

    assert client.get(reverse("providers:referral-create", args=[other.pk])).status_code == 404


def test_referral_form_refuses_a_put(client, social_worker, case):
    client.force_login(social_worker)

    assert client.put(reverse("providers:referral-create", args=[case.pk])).status_code == 405


def test_referral_page_shows_the_referral_and_is_audited(client, social_worker, referral):
    client.force_login(social_worker)

    response = client.get(referral.get_absolute_url())

    assertContains(response, "Pomoc s rozpočtem a zabydlením.")
    assertContains(response, "Žofie Zlatohlávková")
    assert not response.context["may_answer"]
    assert response.context["may_withdraw"]
    assert list(AccessLog.objects.values_list("view_name", "object_id")) == [
        ("providers:referral-detail", str(referral.pk))
    ]


def test_provider_answers_on_the_referral_page(client, provider_user, referral, service):
    client.force_login(provider_user)
    page = client.get(referral.get_absolute_url())
    assert page.context["answers"] == [("accepted", czech("Accept")), ("refused", czech("Refuse"))]

    response = client.post(
        reverse("providers:referral-answer", args=[referral.pk]),
        {"to": "accepted", "note": "Ozveme se do pátku."},
    )

    assertRedirects(response, referral.get_absolute_url())
    referral.refresh_from_db()
    assert (referral.state, referral.answer) == ("accepted", "Ozveme se do pátku.")
    assert free_places(service) == 1


def test_provider_cannot_skip_a_step(client, provider_user, referral):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:referral-answer", args=[referral.pk]), {"to": "started"}, follow=True
    )

    assertContains(response, czech("Choose an answer this referral can take now."))
    assert ServiceReferral.objects.get().state == "sent"


def test_kmb_cannot_answer_for_the_provider(client, social_worker, referral):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:referral-answer", args=[referral.pk]), {"to": "accepted"}
    )

    assert response.status_code == 403
    assert ServiceReferral.objects.get().state == "sent"


def test_another_provider_does_not_see_the_referral(client, other_provider_user, referral):
    client.force_login(other_provider_user)

    assert client.get(referral.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("providers:referral-answer", args=[referral.pk]), {"to": "accepted"}
    )
    assert response.status_code == 404


def test_provider_loses_the_referral_when_the_consent_is_withdrawn(
    client, provider_user, referral, consent
):
    consent.withdrawn_on = TODAY
    consent.save()
    client.force_login(provider_user)

    assert client.get(referral.get_absolute_url()).status_code == 404


def test_referral_answer_is_post_only(client, provider_user, referral):
    client.force_login(provider_user)

    assert client.get(reverse("providers:referral-answer", args=[referral.pk])).status_code == 405


def test_kmb_withdraws_a_referral_from_its_page(client, social_worker, referral):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:referral-withdraw", args=[referral.pk]),
        {"end_reason": "client_ended", "note": "Rodina se odstěhovala k matce."},
    )

    assertRedirects(response, referral.case.get_absolute_url())
    referral.refresh_from_db()
    assert (referral.state, referral.end_reason) == ("ended", "client_ended")


def test_provider_may_not_withdraw_a_referral(client, provider_user, referral):
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:referral-withdraw", args=[referral.pk]), {"end_reason": "other"}
    )

    assert response.status_code == 403


def test_withdrawing_a_closed_referral_says_so(client, social_worker, referral, provider_user):
    services.answer_referral(referral=referral, to="refused", by=provider_user)
    client.force_login(social_worker)

    response = client.get(reverse("providers:referral-withdraw", args=[referral.pk]), follow=True)

    assertContains(response, czech("This referral has already been closed."))


def test_referral_withdraw_refuses_a_put(client, social_worker, referral):
    client.force_login(social_worker)

    assert client.put(reverse("providers:referral-withdraw", args=[referral.pk])).status_code == 405


def test_referral_factory_makes_a_valid_referral(db):
    referral = ServiceReferralFactory()

    assert referral.consent.recipient == referral.service.provider.organisation
    assert referral.consent.is_valid()


def test_provider_ending_a_referral_without_a_plan_tells_the_case_manager(
    referral, provider_user, social_worker, mailoutbox, django_capture_on_commit_callbacks
):
    services.answer_referral(referral=referral, to="accepted", by=provider_user)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_referral(
            referral=referral, to="ended", end_reason="no_contact", by=provider_user
        )

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url) == (
        social_worker,
        "cooperation_ended",
        referral.get_absolute_url(),
    )
    assert [mail.to for mail in mailoutbox] == [[social_worker.email]]


def test_provider_ending_a_referral_ends_the_households_plan_with_it(
    referral, provider_user, social_worker, provider
):
    from providers.models import AssistancePlan
    from tests.factories.providers import AssistancePlanFactory

    services.answer_referral(referral=referral, to="accepted", by=provider_user)
    plan = AssistancePlanFactory(
        case=referral.case, case_manager=social_worker, provider=provider, referral=referral
    )

    services.answer_referral(
        referral=referral,
        to="ended",
        end_reason="capacity",
        note="Odchod pracovnice.",
        by=provider_user,
    )

    plan.refresh_from_db()
    referral.refresh_from_db()
    assert (plan.status, plan.end_reason, plan.ended_by) == ("ended", "capacity", "provider")
    assert (referral.state, referral.end_reason) == ("ended", "capacity")
    assert AssistancePlan.objects.count() == 1
    assert Notification.objects.filter(kind="cooperation_ended").count() == 1


@pytest.mark.django_db(transaction=True)
def test_answering_runs_in_its_own_transaction(kmb_office, staff):
    """Outside a test's transaction, as in production: the row locks need the service's own
    transaction (PostgreSQL refuses SELECT … FOR UPDATE without one)."""
    from kmb.accounts.models import Role
    from tests.factories.providers import ProviderFactory

    provider = ProviderFactory(organisation=staff[Role.PROVIDER_STAFF].organisation)
    referral = ServiceReferralFactory(
        case__household__kmb=kmb_office, service=ServiceFactory(provider=provider)
    )

    services.answer_referral(referral=referral, to="accepted", by=staff[Role.PROVIDER_STAFF])
    services.withdraw_referral(referral=referral, end_reason="other", by=staff[Role.MANAGER])

    assert history(referral) == [("sent", "accepted"), ("accepted", "ended")]
    assert free_places(referral.service) == 3
