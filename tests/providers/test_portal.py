"""The provider's portal and the support section of the case page: consent-gated, each provider
sees its own households only."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from kmb.accounts.models import Role
from tests.factories.clients import CaseFactory, ConsentFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    GoalFactory,
    ServiceReferralFactory,
    SupportVisitFactory,
)
from tests.providers.conftest import TODAY, czech, days_ago

PORTAL = reverse("providers:portal")


@pytest.fixture
def referral(case, service, consent, social_worker):
    return ServiceReferralFactory(
        case=case, service=service, consent=consent, sent_by=social_worker, started=True
    )


@pytest.fixture
def plan(case, social_worker, provider, referral):
    return AssistancePlanFactory(
        case=case, case_manager=social_worker, provider=provider, referral=referral
    )


def household_names(response) -> list[str]:
    return [row.name for row in response.context["households"]]


# --- The portal --------------------------------------------------------------------------------


def test_portal_lists_referrals_to_answer_and_households_supported(
    client, provider_user, plan, referral, service, kmb_office
):
    waiting = ServiceReferralFactory(
        case=CaseFactory(household__kmb=kmb_office, applicant__first_name="Adam"),
        service=service,
    )
    SupportVisitFactory(plan=plan, date=days_ago(3))
    client.force_login(provider_user)

    response = client.get(PORTAL)

    assert response.context["to_answer"] == [waiting]
    (row,) = response.context["households"]
    assert (row.name, row.case, row.referrals, row.plan) == (
        "Žofie Zlatohlávková",
        plan.case,
        [referral],
        plan,
    )
    assert row.plan.last_report_on == days_ago(3)
    assert [service for service, _ in response.context["services"]] == [service]
    assertContains(response, reverse("providers:visit-create", args=[plan.pk]))


def test_portal_never_shows_a_household_without_a_valid_consent(
    client, provider_user, plan, consent, service, kmb_office
):
    ServiceReferralFactory(case__household__kmb=kmb_office, service=service, accepted=True)
    stale = ServiceReferralFactory(case__household__kmb=kmb_office, service=service)
    stale.consent.expires_on = days_ago(1)
    stale.consent.given_on = days_ago(30)
    stale.consent.save()
    client.force_login(provider_user)
    assert len(client.get(PORTAL).context["households"]) == 2

    consent.withdrawn_on = TODAY
    consent.save()
    response = client.get(PORTAL)

    assert len(response.context["households"]) == 1
    assert response.context["to_answer"] == []
    assertNotContains(response, "Zlatohlávková")


def test_a_plan_is_shown_to_the_provider_only_under_a_consent_that_covers_support(
    client, provider_user, plan, consent
):
    consent.scope = ["contact", "situation", "finances"]
    consent.save()
    client.force_login(provider_user)

    assert client.get(reverse("providers:plan-detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("providers:visit-create", args=[plan.pk])).status_code == 404
    (row,) = client.get(PORTAL).context["households"]
    assert row.plan is None

    consent.scope = ["contact", "support"]
    consent.save()
    assert client.get(reverse("providers:plan-detail", args=[plan.pk])).status_code == 200


def test_portal_shows_only_the_own_organisations_households(
    client, other_provider_user, plan, other_service, case
):
    ConsentFactory(household=case.household, recipient=other_service.provider.organisation)
    client.force_login(other_provider_user)

    response = client.get(PORTAL)

    assert response.context["households"] == []
    assertContains(
        response,
        czech(
            "No household is in your care yet. Accept a referral above; the case manager then "
            "agrees the assistance plan with you."
        ),
    )


def test_portal_without_a_profile_says_what_to_do(client, provider_user):
    client.force_login(provider_user)

    response = client.get(PORTAL)

    assertContains(
        response,
        czech(
            "Your organisation has no active service in the directory yet. Ask the KMB to add "
            "it, with its capacity and the municipalities it covers."
        ),
    )


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.HOUSING_DEPARTMENT, Role.ADMINISTRATOR]
)
def test_portal_is_for_provider_staff(client, staff, role):
    client.force_login(staff[role])

    assert client.get(PORTAL).status_code == 403


def test_portal_refuses_a_post(client, provider_user):
    client.force_login(provider_user)

    assert client.post(PORTAL).status_code == 405


@pytest.mark.parametrize("households", [1, 3])
def test_portal_query_count_is_constant(
    client, provider_user, provider, service, kmb_office, django_assert_num_queries, households
):
    for _ in range(households):
        case = CaseFactory(household__kmb=kmb_office, active=True)
        referral = ServiceReferralFactory(case=case, service=service, started=True)
        AssistancePlanFactory(case=case, provider=provider, referral=referral)
        ServiceReferralFactory(case__household__kmb=kmb_office, service=service)
    client.force_login(provider_user)

    # Session, user, referrals, plans, own services; the menu's notifications and organisation;
    # session save (3).
    with django_assert_num_queries(10):
        response = client.get(PORTAL)

    assert (len(response.context["households"]), len(response.context["to_answer"])) == (
        households,
        households,
    )


# --- The case page's support section ----------------------------------------------------------


def render_support(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load support %}{% case_support case %}")
    return template.render(Context({"request": request, "case": case}))


def test_case_page_shows_referrals_and_the_current_plan_to_the_kmb(
    client, social_worker, plan, referral
):
    GoalFactory(plan=plan, state="met")
    GoalFactory(plan=plan)
    client.force_login(social_worker)

    response = client.get(plan.case.get_absolute_url())

    assertContains(response, 'data-testid="case-support"')
    assertContains(response, referral.get_absolute_url())
    assertContains(response, plan.get_absolute_url())
    assertContains(
        response,
        czech("goals met: %(met)s of %(total)s", met=1, total=2),
    )
    assertContains(response, reverse("providers:referral-withdraw", args=[referral.pk]))
    assertContains(response, reverse("providers:referral-create", args=[plan.case.pk]))
    assertNotContains(response, reverse("providers:plan-create", args=[plan.case.pk]))


def test_case_page_without_support_says_what_to_do(client, social_worker, case):
    client.force_login(social_worker)

    response = client.get(case.get_absolute_url())

    assertContains(
        response,
        czech(
            "No referral yet. Refer the household to a provider's service once it has consented "
            "to share its data with that provider."
        ),
    )
    assertContains(response, reverse("providers:plan-create", args=[case.pk]))


def test_provider_sees_only_its_own_referrals_on_the_case_page(
    provider_user, plan, referral, case, other_service
):
    other = ServiceReferralFactory(case=case, service=other_service)

    html = render_support(provider_user, case)

    assert referral.get_absolute_url() in html
    assert other.get_absolute_url() not in html
    assert plan.get_absolute_url() in html
    assert reverse("providers:referral-create", args=[case.pk]) not in html


def test_provider_without_a_consent_to_support_sees_no_section(provider_user, plan, case, consent):
    consent.scope = ["contact"]
    consent.save()

    assert render_support(provider_user, case).strip() == ""


def test_another_providers_plan_stays_hidden(other_provider_user, plan, case):
    ConsentFactory(household=case.household, recipient=other_provider_user.organisation)

    html = render_support(other_provider_user, case)

    assert plan.get_absolute_url() not in html
    assert czech("No referral to your services.") in html


@pytest.mark.parametrize("size", [1, 3])
def test_case_support_takes_two_queries(
    social_worker, case, provider, service, consent, django_assert_num_queries, size
):
    plan = AssistancePlanFactory(case=case, provider=provider)
    for n in range(size):
        ServiceReferralFactory(
            case=case,
            service=service,
            consent=consent,
            state="ended",
            ended_on=TODAY,
            end_reason="other",
        )
        GoalFactory(plan=plan)
        SupportVisitFactory(plan=plan, date=TODAY - datetime.timedelta(days=n))
    ContentType.objects.clear_cache()

    with django_assert_num_queries(2):
        render_support(social_worker, case)
