"""Pairing proposals: a case manager for each case without one (territory, caseload, specialisation,
continuity, balance) accepted by a manager, and support services for a household's needs (type,
territory, free places, consent)."""

import datetime
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from clients.models import CaseStatus, CaseStatusChange, Relationship, SupportIntensity
from housing.matching import pairing
from kmb.accounts.models import Role, Specialisation
from kmb.audit.models import AccessLog
from providers.models import ReferralState, ServiceType
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import (
    CaseFactory,
    CaseReasonEntryFactory,
    ClientFactory,
    ConsentFactory,
    HousingSituationFactory,
)
from tests.factories.providers import (
    AssistancePlanFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceReferralFactory,
)

MANAGERS_URL = reverse("housing:pairing-case-managers")
ACCEPT_URL = reverse("housing:pairing-case-managers-accept")
SUPPORT_URL = reverse("housing:pairing-support")
TODAY = timezone.localdate()


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def czech_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("cs"):
        return ngettext(singular, plural, count) % {"count": count, **values}


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    return MunicipalityFactory(name="Lhota", orp=kmb_office.orp)


def new_case(kmb, *, residence=None, preferred=(), reasons=(), **household):
    """A new case without a case manager, of a household of one living in `residence`."""
    case = CaseFactory(
        household__kmb=kmb,
        kmb=kmb,
        applicant__birth_date=TODAY - datetime.timedelta(days=365 * 40),
        **{f"household__{k}": v for k, v in household.items()},
    )
    case.household.permanent_residence = residence
    case.household.save()
    case.household.preferred_municipalities.set(preferred)
    for reason in reasons:
        CaseReasonEntryFactory(case=case, reason=reason)
    return case


def worker(kmb, name, *, territory=(), specialisations=(), max_caseload=30, open_cases=0):
    user = UserFactory(
        username=name,
        last_name=name.capitalize(),
        organisation=kmb,
        max_caseload=max_caseload,
        specialisations=list(specialisations),
    )
    user.municipalities.set(territory)
    for _ in range(open_cases):
        CaseFactory(household__kmb=kmb, kmb=kmb, status=CaseStatus.ACTIVE, case_manager=user)
    return user


def proposed(proposals) -> dict:
    """Case id → the username of the proposed case manager (None: nobody)."""
    return {row.case.pk: row.manager.username if row.manager else None for row in proposals.rows}


@pytest.fixture
def no_staff(staff):
    """The shared staff fixture's social worker and manager would cover the whole ORP: give them
    a full caseload in a municipality elsewhere, so that each test decides who may be proposed."""
    elsewhere = MunicipalityFactory(name="Jinde")
    for role in (Role.SOCIAL_WORKER, Role.MANAGER):
        staff[role].max_caseload = 0
        staff[role].save()
        staff[role].municipalities.set([elsewhere])
    return staff


# --- Case managers ------------------------------------------------------------------------------


def test_the_manager_looking_after_the_residence_is_proposed(kmb_office, no_staff, testov, lhota):
    case = new_case(kmb_office, residence=testov)
    worker(kmb_office, "lhotska", territory=[lhota])
    worker(kmb_office, "testovska", territory=[testov])

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert proposed(proposals) == {case.pk: "testovska"}
    assert proposals.rows[0].reasons == [
        czech(
            "Looks after %(municipality)s, the household's permanent residence.",
            municipality="Testov",
        ),
        czech("Carries %(caseload)s of at most %(max)s open cases.", caseload=0, max=30),
    ]


def test_a_preferred_municipality_counts_when_nobody_looks_after_the_residence(
    kmb_office, no_staff, testov, lhota
):
    case = new_case(kmb_office, residence=testov, preferred=[lhota])
    worker(kmb_office, "lhotska", territory=[lhota])

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert proposed(proposals) == {case.pk: "lhotska"}
    assert proposals.rows[0].reasons[0] == czech(
        "Looks after %(municipalities)s, where the household wants to live.",
        municipalities="Lhota",
    )


def test_nobody_is_proposed_outside_their_territory(kmb_office, no_staff, testov, lhota):
    case = new_case(kmb_office, residence=testov)
    worker(kmb_office, "lhotska", territory=[lhota])

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert proposed(proposals) == {case.pk: None}
    assert proposals.rows[0].reasons == [
        czech(
            "No case manager looks after %(municipalities)s: add the municipality to someone's "
            "territory, or assign the case by hand.",
            municipalities="Testov",
        )
    ]


def test_the_previous_case_manager_is_proposed_again(kmb_office, no_staff, testov, lhota):
    earlier = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)
    household = earlier.household
    household.permanent_residence = testov
    household.save()
    previous = worker(kmb_office, "predchozi", territory=[lhota], open_cases=5)
    earlier.case_manager = previous
    earlier.status = CaseStatus.CLOSED
    earlier.closed_on = TODAY
    earlier.close_reason = "housed"
    earlier.save()
    case = CaseFactory(household=household, kmb=kmb_office)
    worker(kmb_office, "testovska", territory=[testov])

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert proposed(proposals) == {case.pk: "predchozi"}
    assert proposals.rows[0].reasons[0] == czech(
        "Was the household's case manager in an earlier case."
    )


def test_the_specialisation_the_case_needs_wins(kmb_office, no_staff, testov):
    case = new_case(kmb_office, residence=testov, reasons=["debts"])
    ClientFactory(
        household=case.household,
        relationship=Relationship.CHILD,
        dependent_child=True,
        birth_date=TODAY - datetime.timedelta(days=365 * 6),
    )
    worker(kmb_office, "obecna", territory=[testov])
    worker(
        kmb_office,
        "rodinna",
        territory=[testov],
        specialisations=[Specialisation.FAMILIES, Specialisation.DEBTS],
    )

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    row = proposals.rows[0]
    assert proposed(proposals) == {case.pk: "rodinna"}
    assert row.needs == {
        "families": [czech_plural("%(count)s dependent child", "%(count)s dependent children", 1)],
        "debts": [czech("Debts, distraint")],
    }
    with translation.override("cs"):
        skills = ", ".join(
            str(label) for label in (Specialisation.FAMILIES.label, Specialisation.DEBTS.label)
        )
    assert row.reasons[1] == czech(
        "Knows best what the case needs: %(specialisations)s.", specialisations=skills
    )


def test_needs_come_from_the_situation_and_the_household(kmb_office, no_staff, testov):
    case = new_case(
        kmb_office,
        residence=testov,
        reasons=["violence", "leaving_institution"],
        support_intensity=SupportIntensity.HIGH,
        barrier_free=True,
    )
    HousingSituationFactory(household=case.household, ethos="1")
    applicant = case.household.members.get()
    applicant.birth_date = TODAY.replace(year=TODAY.year - 70) - datetime.timedelta(days=1)
    applicant.save()

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert set(proposals.rows[0].needs) == {
        "seniors",
        "housing_first",
        "violence",
        "institutions",
        "health",
    }


def test_caseloads_are_respected_and_balanced(kmb_office, no_staff, testov):
    cases = [new_case(kmb_office, residence=testov) for _ in range(5)]
    worker(kmb_office, "plna", territory=[testov], max_caseload=3, open_cases=3)
    worker(kmb_office, "vytizena", territory=[testov], max_caseload=30, open_cases=10)
    worker(kmb_office, "volna", territory=[testov], max_caseload=30, open_cases=7)

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    chosen = list(proposed(proposals).values())
    # 7 + 4 = 11 and 10 + 1 = 11: the caseloads end even; the full one gets nothing.
    assert sorted(chosen) == ["volna"] * 4 + ["vytizena"]
    assert {m.user.username: m.proposed for m in proposals.managers} == {
        "plna": 0,
        "vytizena": 1,
        "volna": 4,
        "socialni": 0,
        "vedouci": 0,
    }
    assert len(cases) == 5


def test_capacity_runs_out(kmb_office, no_staff, testov):
    cases = [new_case(kmb_office, residence=testov) for _ in range(3)]
    worker(kmb_office, "jedina", territory=[testov], max_caseload=2)

    proposals = pairing.propose_case_managers(kmb=kmb_office)

    assert proposed(proposals) == {
        cases[0].pk: "jedina",
        cases[1].pk: "jedina",
        cases[2].pk: None,
    }
    assert proposals.rows[2].reasons == [
        czech(
            "Every case manager who looks after the household's municipality is at their "
            "maximum caseload (or takes other cases of this proposal)."
        )
    ]


def test_page_lists_the_proposals(client, manager, kmb_office, no_staff, testov):
    case = new_case(kmb_office, residence=testov)
    worker(kmb_office, "testovska", territory=[testov])
    client.force_login(manager)

    response = client.get(MANAGERS_URL)

    page = text_of(response)
    assert case.number in page
    assert "Testovska" in page
    assert f'value="{case.pk}:' in page
    assert (
        escape(
            czech(
                "Looks after %(municipality)s, the household's permanent residence.",
                municipality="Testov",
            )
        )
        in page
    )


def test_page_says_what_to_do_when_every_case_has_a_manager(client, manager):
    client.force_login(manager)

    response = client.get(MANAGERS_URL)

    assert czech(
        "Every open case has a case manager. Cases registered without one appear here with a "
        "proposal."
    ) in text_of(response)


def test_page_query_count_does_not_grow_with_cases(
    client, manager, kmb_office, no_staff, testov, lhota, django_assert_num_queries
):
    worker(kmb_office, "testovska", territory=[testov])
    new_case(kmb_office, residence=testov, preferred=[lhota], reasons=["debts"])
    client.force_login(manager)
    with CaptureQueriesContext(connection) as one:
        client.get(MANAGERS_URL)
    for _ in range(2):
        case = new_case(kmb_office, residence=lhota, preferred=[testov], reasons=["violence"])
        HousingSituationFactory(household=case.household)
    worker(kmb_office, "lhotska", territory=[lhota])

    with django_assert_num_queries(len(one)):
        response = client.get(MANAGERS_URL)

    assert len(response.context["proposals"].rows) == 3


def test_manager_accepts_one_proposal(client, manager, kmb_office, no_staff, testov):
    case = new_case(kmb_office, residence=testov)
    other = new_case(kmb_office, residence=testov)
    chosen = worker(kmb_office, "testovska", territory=[testov])
    client.force_login(manager)

    response = client.post(ACCEPT_URL, {"pair": f"{case.pk}:{chosen.pk}"})

    assert response.status_code == 302
    assert response.url == MANAGERS_URL
    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.case_manager, case.status) == (chosen, CaseStatus.ACTIVE)
    assert other.case_manager is None
    assert list(case.status_changes.values_list("to_status", "by")) == [
        (CaseStatus.ACTIVE, manager.pk)
    ]
    page = client.get(MANAGERS_URL)
    assert czech_plural(
        "%(count)s case has its case manager.", "%(count)s cases have their case managers.", 1
    ) in text_of(page)


def test_manager_accepts_all_proposals(client, manager, kmb_office, no_staff, testov, lhota):
    first = new_case(kmb_office, residence=testov)
    second = new_case(kmb_office, residence=lhota)
    testovska = worker(kmb_office, "testovska", territory=[testov])
    lhotska = worker(kmb_office, "lhotska", territory=[lhota])
    client.force_login(manager)
    pairs = [
        f"{r.case.pk}:{r.manager.pk}"
        for r in pairing.propose_case_managers(kmb=kmb_office).proposed
    ]

    client.post(ACCEPT_URL, {"pair": pairs})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.case_manager, second.case_manager) == (testovska, lhotska)
    assert CaseStatusChange.objects.filter(to_status=CaseStatus.ACTIVE, by=manager).count() == 2


def test_accepting_over_the_maximum_caseload_assigns_nothing(
    client, manager, kmb_office, no_staff, testov
):
    first = new_case(kmb_office, residence=testov)
    second = new_case(kmb_office, residence=testov)
    small = worker(kmb_office, "mala", territory=[testov], max_caseload=1)
    client.force_login(manager)

    client.post(ACCEPT_URL, {"pair": [f"{first.pk}:{small.pk}", f"{second.pk}:{small.pk}"]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.case_manager, second.case_manager) == (None, None)
    page = text_of(client.get(MANAGERS_URL))
    assert (
        czech(
            "%(name)s already carries %(caseload)s of at most %(max)s open cases.",
            name=str(small),
            caseload=1,
            max=1,
        )
        in page
    )


def test_accepting_a_case_that_meanwhile_got_a_manager_is_refused(
    client, manager, kmb_office, no_staff, testov
):
    case = new_case(kmb_office, residence=testov)
    first = worker(kmb_office, "prvni", territory=[testov])
    second = worker(kmb_office, "druha", territory=[testov])
    client.force_login(manager)
    client.post(ACCEPT_URL, {"pair": f"{case.pk}:{first.pk}"})

    client.post(ACCEPT_URL, {"pair": f"{case.pk}:{second.pk}"})

    case.refresh_from_db()
    assert case.case_manager == first
    page = text_of(client.get(MANAGERS_URL))
    assert (
        czech(
            "Case %(number)s already has a case manager: %(name)s.",
            number=case.number,
            name=str(first),
        )
        in page
    )


def test_another_kmbs_case_is_not_found(client, manager, other_kmb_office, kmb_office):
    foreign = CaseFactory(household__kmb=other_kmb_office, kmb=other_kmb_office)
    client.force_login(manager)

    response = client.post(ACCEPT_URL, {"pair": f"{foreign.pk}:{manager.pk}"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.case_manager is None


def test_another_kmbs_staff_cannot_be_assigned(client, manager, other_kmb_office, kmb_office):
    case = new_case(kmb_office)
    outsider = UserFactory(organisation=other_kmb_office)
    client.force_login(manager)

    response = client.post(ACCEPT_URL, {"pair": f"{case.pk}:{outsider.pk}"})

    assert response.status_code == 404


def test_a_malformed_pair_is_refused_with_a_message(client, manager):
    client.force_login(manager)

    response = client.post(ACCEPT_URL, {"pair": "nonsense"}, follow=True)

    assert czech("The proposals sent are not valid: reload the page and try again.") in text_of(
        response
    )


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.HOUSING_DEPARTMENT, Role.PROVIDER_STAFF, Role.ADMINISTRATOR]
)
def test_only_a_manager_assigns_case_managers(client, staff, kmb_office, role):
    case = new_case(kmb_office)
    client.force_login(staff[role])

    assert client.get(MANAGERS_URL).status_code == 403
    response = client.post(ACCEPT_URL, {"pair": f"{case.pk}:{staff[Role.SOCIAL_WORKER].pk}"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.case_manager is None


def test_accept_is_post_only(client, manager):
    client.force_login(manager)

    assert client.get(ACCEPT_URL).status_code == 405
    assert client.post(MANAGERS_URL).status_code == 405


# --- Support services for a household ------------------------------------------------------------


def service(kind, municipalities, *, free=3, name=None, provider=None):
    return ServiceFactory(
        kind=kind,
        municipalities=municipalities,
        free_places=free,
        **({"name": name} if name else {}),
        **({"provider": provider} if provider else {}),
    )


@pytest.fixture
def indebted(kmb_office, testov):
    """An open case of a Testov household with debts that needs regular support."""
    return new_case(
        kmb_office,
        residence=testov,
        reasons=["debts"],
        support_intensity=SupportIntensity.MEDIUM,
    )


def test_services_are_ranked_with_reasons_and_consent(kmb_office, indebted, testov, lhota):
    consented = ProviderFactory()
    ConsentFactory(household=indebted.household, recipient=consented.organisation)
    ready = service(
        ServiceType.INDEPENDENT_LIVING, [testov], name="Bydlení s podporou", provider=consented
    )
    no_consent = service(ServiceType.DEBT_COUNSELLING, [testov], name="Dluhová poradna")
    full = service(ServiceType.FIELD_PROGRAMME, [testov], free=0, name="Terénní program")
    service(ServiceType.INDEPENDENT_LIVING, [lhota], name="Lhotecká podpora")  # elsewhere
    service(ServiceType.FOOD_BANK, [testov], name="Potravinová banka")  # not needed

    proposals = pairing.propose_services(case=indebted)

    assert [need.code for need in proposals.needs] == ["housing_support", "debts"]
    assert [(o.service, o.status) for o in proposals.options] == [
        (ready, pairing.Fitness.READY),
        (no_consent, pairing.Fitness.CONSENT_NEEDED),
    ]
    assert [(o.service, o.status) for o in proposals.full] == [(full, pairing.Fitness.FULL)]
    with translation.override("cs"):
        need = gettext("Social work to settle in and keep the housing").lower()
    assert proposals.options[0].reasons == [
        czech("Gives what the household needs: %(needs)s.", needs=need),
        czech(
            "Covers %(municipality)s, the household's permanent residence.",
            municipality="Testov",
        ),
        czech_plural("%(count)s free place.", "%(count)s free places.", 3),
        czech(
            "%(provider)s has the household's consent to share information.",
            provider=str(consented.organisation),
        ),
    ]
    assert proposals.options[1].reasons[-1] == czech(
        "Consent needed: the household has not consented to share information with "
        "%(provider)s, so it cannot be referred there yet.",
        provider=str(no_consent.provider),
    )


def test_an_expired_consent_does_not_count(kmb_office, indebted, testov):
    provider = ProviderFactory()
    ConsentFactory(
        household=indebted.household,
        recipient=provider.organisation,
        given_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    service(ServiceType.INDEPENDENT_LIVING, [testov], provider=provider)

    proposals = pairing.propose_services(case=indebted)

    assert [o.status for o in proposals.options] == [pairing.Fitness.CONSENT_NEEDED]


def test_an_open_referral_is_shown_as_referred(kmb_office, indebted, testov):
    referred = service(ServiceType.INDEPENDENT_LIVING, [testov])
    ServiceReferralFactory(case=indebted, service=referred, state=ReferralState.ACCEPTED)

    proposals = pairing.propose_services(case=indebted)

    assert [o.status for o in proposals.options] == [pairing.Fitness.REFERRED]


def test_the_case_page_of_services_offers_the_referral_form(
    client, social_worker, kmb_office, indebted, testov
):
    provider = ProviderFactory()
    ConsentFactory(household=indebted.household, recipient=provider.organisation)
    service(ServiceType.INDEPENDENT_LIVING, [testov], provider=provider)
    service(ServiceType.DEBT_COUNSELLING, [testov])
    client.force_login(social_worker)

    response = client.get(reverse("housing:pairing-case-services", args=[indebted.pk]))

    page = text_of(response)
    assert response.status_code == 200
    assert reverse("providers:referral-create", args=[indebted.pk]) in page
    assert reverse("clients:consent-create", args=[indebted.household_id]) in page
    assert czech("consent needed") in page
    assert AccessLog.objects.filter(user=social_worker, object_id=str(indebted.pk)).count() == 1


def test_an_administrator_reads_the_services_without_the_referral_buttons(
    client, administrator, indebted, testov
):
    provider = ProviderFactory()
    ConsentFactory(household=indebted.household, recipient=provider.organisation)
    service(ServiceType.INDEPENDENT_LIVING, [testov], provider=provider)
    client.force_login(administrator)

    response = client.get(reverse("housing:pairing-case-services", args=[indebted.pk]))

    assert response.status_code == 200
    assert reverse("providers:referral-create", args=[indebted.pk]) not in text_of(response)


def test_services_page_query_count_does_not_grow_with_services(
    client, social_worker, indebted, testov, django_assert_num_queries
):
    url = reverse("housing:pairing-case-services", args=[indebted.pk])
    provider = ProviderFactory()
    ConsentFactory(household=indebted.household, recipient=provider.organisation)
    service(ServiceType.INDEPENDENT_LIVING, [testov], provider=provider)
    client.force_login(social_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    service(ServiceType.DEBT_COUNSELLING, [testov])
    service(ServiceType.FIELD_PROGRAMME, [testov], free=0)

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    proposals = response.context["proposals"]
    assert len(proposals.options) + len(proposals.full) == 3


def test_another_kmbs_case_services_are_not_found(client, social_worker, other_kmb_office):
    foreign = CaseFactory(household__kmb=other_kmb_office, kmb=other_kmb_office)
    client.force_login(social_worker)

    response = client.get(reverse("housing:pairing-case-services", args=[foreign.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.HOUSING_DEPARTMENT, Role.PROVIDER_STAFF])
def test_providers_and_the_housing_department_do_not_see_the_proposals(
    client, staff, indebted, role
):
    ConsentFactory(household=indebted.household, recipient=staff[Role.PROVIDER_STAFF].organisation)
    client.force_login(staff[role])

    response = client.get(reverse("housing:pairing-case-services", args=[indebted.pk]))

    assert response.status_code == 403


def test_services_page_is_get_only(client, social_worker, indebted):
    client.force_login(social_worker)

    response = client.post(reverse("housing:pairing-case-services", args=[indebted.pk]))

    assert response.status_code == 405


# --- Support for the KMB's households within free places ---------------------------------------


def test_support_is_proposed_within_the_free_places(kmb_office, testov):
    cases = [
        new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
        for _ in range(3)
    ]
    one_place = service(ServiceType.INDEPENDENT_LIVING, [testov], free=1)
    two_places = service(ServiceType.FIELD_PROGRAMME, [testov], free=2)
    supported = new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
    AssistancePlanFactory(case=supported, provider=ProviderFactory())
    new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.LOW)

    proposals = pairing.propose_support(kmb=kmb_office)

    assert [row.case for row in proposals.rows] == cases
    chosen = sorted(row.option.service.pk for row in proposals.rows)
    assert chosen == sorted([one_place.pk, two_places.pk, two_places.pk])
    assert {s.pk: count for s, count in proposals.services} == {
        one_place.pk: 1,
        two_places.pk: 2,
    }


def test_support_says_when_no_service_has_room(kmb_office, testov):
    new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
    service(ServiceType.INDEPENDENT_LIVING, [testov], free=0)

    proposals = pairing.propose_support(kmb=kmb_office)

    assert proposals.rows[0].option is None
    assert proposals.rows[0].reason == czech(
        "No social-work service with a free place covers the household's municipality."
    )


def test_support_page_query_count_does_not_grow(
    client, social_worker, kmb_office, testov, django_assert_num_queries
):
    service(ServiceType.INDEPENDENT_LIVING, [testov], free=5)
    new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
    client.force_login(social_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(SUPPORT_URL)
    for _ in range(2):
        case = new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.MEDIUM)
        ConsentFactory(household=case.household)
    service(ServiceType.FIELD_PROGRAMME, [testov], free=2)

    with django_assert_num_queries(len(one)):
        response = client.get(SUPPORT_URL)

    assert len(response.context["proposals"].rows) == 3


@pytest.mark.parametrize("role", [Role.HOUSING_DEPARTMENT, Role.PROVIDER_STAFF, Role.ADMINISTRATOR])
def test_support_page_is_the_kmbs_own(client, staff, role):
    client.force_login(staff[role])

    assert client.get(SUPPORT_URL).status_code == 403


def test_support_says_when_the_free_places_went_to_other_households(kmb_office, testov):
    first = new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
    second = new_case(kmb_office, residence=testov, support_intensity=SupportIntensity.HIGH)
    only_place = service(ServiceType.INDEPENDENT_LIVING, [testov], free=1)

    proposals = pairing.propose_support(kmb=kmb_office)

    assert [(row.case, row.option and row.option.service) for row in proposals.rows] == [
        (first, only_place),
        (second, None),
    ]
    assert proposals.rows[1].reason == czech(
        "Every free place of the services covering the household's municipality is proposed to "
        "another household."
    )
