"""The case and its file: status lifecycle, case manager, consultations, referrals, members,
housing situation history, and the query counts of the case page and the case list."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertRedirects

from clients import services
from clients.models import (
    CaseStatus,
    CaseStatusChange,
    Client,
    CloseReason,
    Consultation,
    HousingSituation,
    Referral,
)
from tests.factories.accounts import UserFactory
from tests.factories.clients import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    ConsultationFactory,
    ConsultationTopicEntryFactory,
    HousingSituationFactory,
    IncomeFactory,
    ReferralFactory,
)

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def field_error(name: str, message: str) -> str:
    """The error crispy-forms renders under the field."""
    return f'<p id="error_1_id_{name}"><strong>{message}</strong></p>'


def path_of(case) -> list[tuple[str, str]]:
    return list(case.status_changes.values_list("from_status", "to_status"))


@pytest.fixture
def new_case(kmb_office):
    return CaseFactory(
        household__kmb=kmb_office,
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
        applicant__birth_date=datetime.date(1984, 6, 12),
        opened_on=days_ago(60),
    )


@pytest.fixture
def case(new_case, social_worker):
    """An active case managed by the social worker."""
    new_case.status = CaseStatus.ACTIVE
    new_case.case_manager = social_worker
    new_case.save()
    return new_case


@pytest.fixture
def person(case):
    return case.household.members.get()


# --- Status lifecycle: services ---------------------------------------------------------------


def test_change_status_to_active_needs_a_case_manager(new_case, manager):
    with pytest.raises(ValidationError) as refused:
        services.change_status(case=new_case, to=CaseStatus.ACTIVE, by=manager)

    assert refused.value.messages == [
        "Nejdřív přidělte case managera: bez něj nemůže být případ aktivní."
    ]
    new_case.refresh_from_db()
    assert (new_case.status, path_of(new_case)) == ("new", [])


def test_change_status_goes_from_active_to_closed_through_housing(case, social_worker):
    for status in (CaseStatus.HOUSING, CaseStatus.FOLLOW_UP):
        services.change_status(case=case, to=status, by=social_worker)

    services.change_status(
        case=case, to=CaseStatus.CLOSED, close_reason=CloseReason.HOUSED, by=social_worker
    )

    case.refresh_from_db()
    assert (case.status, case.closed_on, case.close_reason) == ("closed", TODAY, "housed")
    assert path_of(case) == [
        ("active", "housing"),
        ("housing", "follow_up"),
        ("follow_up", "closed"),
    ]


def test_change_status_closing_needs_a_reason(case, social_worker):
    with pytest.raises(ValidationError) as refused:
        services.change_status(case=case, to=CaseStatus.CLOSED, by=social_worker)

    assert refused.value.message_dict == {"close_reason": ["Vyberte, proč se případ uzavírá."]}
    case.refresh_from_db()
    assert (case.status, case.closed_on, path_of(case)) == ("active", None, [])


def test_change_status_closing_on_a_given_day(case, social_worker):
    services.change_status(
        case=case,
        to=CaseStatus.CLOSED,
        close_reason=CloseReason.NO_CONTACT,
        on=days_ago(3),
        by=social_worker,
    )

    case.refresh_from_db()
    assert (case.closed_on, case.close_reason) == (days_ago(3), "no_contact")


def test_change_status_reopening_clears_the_closing_and_keeps_the_path(case, social_worker):
    services.change_status(
        case=case, to=CaseStatus.CLOSED, close_reason=CloseReason.NO_CONTACT, by=social_worker
    )

    services.change_status(
        case=case, to=CaseStatus.ACTIVE, note="Ozvala se znovu.", by=social_worker
    )

    case.refresh_from_db()
    assert (case.status, case.closed_on, case.close_reason) == ("active", None, "")
    assert [
        (change.from_status, change.to_status, change.by, change.note)
        for change in CaseStatusChange.objects.filter(case=case)
    ] == [
        ("active", "closed", social_worker, ""),
        ("closed", "active", social_worker, "Ozvala se znovu."),
    ]


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        pytest.param(
            "active",
            CaseStatus.FOLLOW_UP,
            "Případ nemůže přejít ze stavu „Aktivní“ do stavu „Udržení bydlení“.",
            id="active-to-follow-up",
        ),
        pytest.param(
            "new",
            CaseStatus.HOUSING,
            "Případ nemůže přejít ze stavu „Nový“ do stavu „Zabydlování“.",
            id="new-to-housing",
        ),
        pytest.param(
            "active",
            CaseStatus.ACTIVE,
            "Případ nemůže přejít ze stavu „Aktivní“ do stavu „Aktivní“.",
            id="to-the-same-status",
        ),
    ],
)
def test_change_status_refuses_an_impossible_transition(case, social_worker, start, to, message):
    case.status = start
    case.save()

    with pytest.raises(ValidationError) as refused:
        services.change_status(case=case, to=to, by=social_worker)

    assert refused.value.messages == [message]
    case.refresh_from_db()
    assert (case.status, path_of(case)) == (start, [])


# --- Status lifecycle: the page ---------------------------------------------------------------


def status_url(case) -> str:
    return reverse("clients:case-status", args=[case.pk])


def test_case_status_page_offers_only_the_possible_statuses(client, social_worker, case):
    client.force_login(social_worker)

    response = client.get(status_url(case))

    assert list(response.context["form"].fields["status"].choices) == [
        ("housing", "Zabydlování"),
        ("prevention", "Prevence"),
        ("closed", "Uzavřený"),
    ]
    assertContains(response, "Nyní: Aktivní")


def test_case_status_moves_the_case_and_says_so(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        status_url(case), {"status": "housing", "note": "Podepsaná smlouva."}, follow=True
    )

    assertRedirects(response, case.get_absolute_url())
    assertContains(response, "Případ je nyní ve stavu „Zabydlování“.")
    case.refresh_from_db()
    assert case.status == "housing"
    assert [
        (change.from_status, change.to_status, change.by, change.note)
        for change in case.status_changes.all()
    ] == [("active", "housing", social_worker, "Podepsaná smlouva.")]


def test_case_status_new_to_active_without_case_manager_is_refused(client, social_worker, new_case):
    client.force_login(social_worker)

    response = client.post(status_url(new_case), {"status": "active"})

    message = "Nejdřív přidělte case managera: bez něj nemůže být případ aktivní."
    assert response.context["form"].non_field_errors() == [message]
    assertContains(response, message)
    new_case.refresh_from_db()
    assert (new_case.status, path_of(new_case)) == ("new", [])


def test_case_status_full_lifecycle_then_reopening(client, social_worker, case):
    client.force_login(social_worker)

    for status in ("housing", "follow_up"):
        assertRedirects(client.post(status_url(case), {"status": status}), case.get_absolute_url())
    refused = client.post(status_url(case), {"status": "closed"})
    closed = client.post(status_url(case), {"status": "closed", "close_reason": "housed"})
    case.refresh_from_db()
    closed_state = (case.status, case.closed_on, case.close_reason)
    reopened = client.post(status_url(case), {"status": "active", "note": "Znovu výpověď."})

    assertContains(
        refused, field_error("close_reason", "Vyberte, proč se případ uzavírá."), html=True
    )
    assertRedirects(closed, case.get_absolute_url())
    assert closed_state == ("closed", TODAY, "housed")
    assertRedirects(reopened, case.get_absolute_url())
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.close_reason) == ("active", None, "")
    assert path_of(case) == [
        ("active", "housing"),
        ("housing", "follow_up"),
        ("follow_up", "closed"),
        ("closed", "active"),
    ]


def test_case_status_refuses_an_impossible_transition(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(status_url(case), {"status": "follow_up"})

    assert response.context["form"].errors == {
        "status": ['Vyberte platnou možnost, "follow_up" není k dispozici.']
    }
    case.refresh_from_db()
    assert (case.status, path_of(case)) == ("active", [])


def test_case_page_shows_the_closing(client, social_worker, case):
    services.change_status(
        case=case, to=CaseStatus.CLOSED, close_reason=CloseReason.MOVED_AWAY, by=social_worker
    )
    client.force_login(social_worker)

    response = client.get(case.get_absolute_url())

    assertInHTML(
        f'<dt class="col-5">Uzavřený</dt><dd class="col-7">{TODAY:%-d. %-m. %Y} – '
        "Odstěhovali se mimo území KMB</dd>",
        response.content.decode(),
    )
    assertContains(
        response,
        '<span class="badge fs-6 text-bg-secondary" data-testid="case-status">Uzavřený</span>',
        html=True,
    )


# --- Case manager -----------------------------------------------------------------------------


def assign_url(case) -> str:
    return reverse("clients:case-assign", args=[case.pk])


def test_case_assign_makes_a_new_case_active(client, manager, social_worker, new_case):
    client.force_login(manager)

    response = client.post(assign_url(new_case), {"case_manager": social_worker.pk}, follow=True)

    assertRedirects(response, new_case.get_absolute_url())
    assertContains(response, f"Case managerem je nyní {social_worker}.")
    new_case.refresh_from_db()
    assert (new_case.status, new_case.case_manager) == ("active", social_worker)
    assert [
        (change.from_status, change.to_status, change.by)
        for change in new_case.status_changes.all()
    ] == [("new", "active", manager)]


def test_case_assign_hands_an_active_case_over(client, manager, kmb_office, case):
    successor = UserFactory(username="nastupkyne", organisation=kmb_office)
    client.force_login(manager)

    response = client.post(assign_url(case), {"case_manager": successor.pk})

    assertRedirects(response, case.get_absolute_url())
    case.refresh_from_db()
    assert (case.status, case.case_manager, path_of(case)) == ("active", successor, [])


def test_case_assign_refuses_a_user_of_another_kmb(client, manager, other_kmb_office, new_case):
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)
    client.force_login(manager)

    response = client.post(assign_url(new_case), {"case_manager": outsider.pk})

    assert response.context["form"].errors == {
        "case_manager": ["Vyberte platnou možnost. Tato není k dispozici."]
    }
    new_case.refresh_from_db()
    assert (new_case.status, new_case.case_manager, path_of(new_case)) == ("new", None, [])


def test_case_assign_is_for_the_manager_only(client, social_worker, new_case):
    client.force_login(social_worker)

    response = client.post(assign_url(new_case), {"case_manager": social_worker.pk})

    assertContains(response, "Toto vaše role nemůže otevřít", status_code=403)
    new_case.refresh_from_db()
    assert (new_case.status, new_case.case_manager) == ("new", None)


@pytest.mark.parametrize(
    "someone",
    [
        pytest.param(
            lambda kmb, other_kmb: UserFactory(username="cizi", organisation=other_kmb),
            id="another-kmb",
        ),
        pytest.param(
            lambda kmb, other_kmb: UserFactory(
                username="odesla", organisation=kmb, is_active=False
            ),
            id="left-the-office",
        ),
    ],
)
def test_assign_case_manager_refuses_someone_outside_the_kmb(
    manager, kmb_office, other_kmb_office, new_case, someone
):
    user = someone(kmb_office, other_kmb_office)

    with pytest.raises(ValidationError) as refused:
        services.assign_case_manager(case=new_case, case_manager=user, by=manager)

    assert refused.value.message_dict == {
        "case_manager": ["Case manager musí pracovat pro toto KMB."]
    }
    new_case.refresh_from_db()
    assert (new_case.status, new_case.case_manager) == ("new", None)


# --- Consultations and referrals --------------------------------------------------------------


def consultation_data(**overrides):
    return {
        "date": days_ago(1).isoformat(),
        "minutes": "50",
        "channel": "office",
        "topics": ["notice_to_quit", "debts"],
        "notes": "Výpověď ke konci prosince, dluh na nájemném 14 000 Kč.",
        "referrals-TOTAL_FORMS": "2",
        "referrals-INITIAL_FORMS": "0",
        "referrals-MIN_NUM_FORMS": "0",
        "referrals-MAX_NUM_FORMS": "1000",
        "referrals-0-kind": "debt_counselling",
        "referrals-0-recipient": "Poradna Člověk v tísni",
        **overrides,
    }


def test_consultation_create_records_topics_and_referrals(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consultation-create", args=[case.pk]), consultation_data(), follow=True
    )

    assertRedirects(response, case.get_absolute_url())
    assertContains(response, "Konzultace je zapsána.")
    assertContains(response, "Doporučeno do: Dluhová poradna (Poradna Člověk v tísni)")
    consultation = Consultation.objects.get()
    assert (
        consultation.case,
        consultation.date,
        consultation.minutes,
        consultation.channel,
        consultation.notes,
        consultation.by,
    ) == (
        case,
        days_ago(1),
        50,
        "office",
        "Výpověď ke konci prosince, dluh na nájemném 14 000 Kč.",
        social_worker,
    )
    assert sorted(consultation.topics.values_list("topic", flat=True)) == [
        "debts",
        "notice_to_quit",
    ]
    assert [
        (referral.kind, referral.recipient, referral.outcome, referral.outcome_on)
        for referral in Referral.objects.all()
    ] == [("debt_counselling", "Poradna Člověk v tísni", "pending", None)]


def test_consultation_submitted_twice_is_recorded_once(client, social_worker, case):
    client.force_login(social_worker)
    url = reverse("clients:consultation-create", args=[case.pk])
    data = {**consultation_data(), "token": "5b0b0f4e-3c55-4a55-9d0c-0d1c2b3a4f5e"}

    first = client.post(url, data)
    second = client.post(url, data)

    assertRedirects(first, case.get_absolute_url(), fetch_redirect_response=False)
    assertRedirects(second, case.get_absolute_url(), fetch_redirect_response=False)
    assert Consultation.objects.count() == 1
    assert Referral.objects.count() == 1


def test_consultation_create_refuses_a_date_in_the_future(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consultation-create", args=[case.pk]),
        consultation_data(date=(TODAY + datetime.timedelta(days=1)).isoformat()),
    )

    assert response.context["form"].errors == {"date": ["Konzultaci nelze zapsat předem."]}
    assertContains(response, field_error("date", "Konzultaci nelze zapsat předem."), html=True)
    assertContains(response, "Výpověď ke konci prosince, dluh na nájemném 14 000 Kč.")
    assert (Consultation.objects.count(), Referral.objects.count()) == (0, 0)


def test_consultation_create_needs_a_topic(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:consultation-create", args=[case.pk]), consultation_data(topics=[])
    )

    assert response.context["form"].errors == {"topics": ["Toto pole je třeba vyplnit."]}
    assert not Consultation.objects.exists()


def test_referral_outcome_is_recorded(client, social_worker, case):
    referral = ReferralFactory(consultation__case=case, consultation__by=social_worker)
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:referral-outcome", args=[referral.pk]),
        {
            "outcome": "used",
            "outcome_on": days_ago(2).isoformat(),
            "outcome_note": "Splátkový kalendář domluven.",
        },
    )

    assertRedirects(response, case.get_absolute_url())
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on, referral.outcome_note) == (
        "used",
        days_ago(2),
        "Splátkový kalendář domluven.",
    )


def test_referral_outcome_needs_the_date_it_became_known(client, social_worker, case):
    referral = ReferralFactory(consultation__case=case)
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:referral-outcome", args=[referral.pk]),
        {"outcome": "used", "outcome_on": "", "outcome_note": ""},
    )

    assertContains(response, "Zadejte, kdy byl výsledek znám.")
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == ("pending", None)


# --- Members and the housing situation --------------------------------------------------------


def member_data(**overrides):
    return {
        "first_name": "Tobiáš",
        "last_name": "Novák",
        "birth_date": "2015-02-01",
        "relationship": "child",
        "sex": "m",
        "dependent_child": "on",
        "has_valid_id": "on",
        **overrides,
    }


def test_member_create_adds_the_member_to_the_household(client, social_worker, case, person):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:member-create", args=[case.household.pk]), member_data()
    )

    assertRedirects(response, case.get_absolute_url())
    child = case.household.members.get(relationship="child")
    assert (child.first_name, child.birth_date, child.dependent_child, child.search_name) == (
        "Tobiáš",
        datetime.date(2015, 2, 1),
        True,
        "tobias novak",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"birth_date": "1980-01-01"},
            "Dítě nemůže být starší než žadatel.",
            id="child-older-than-applicant",
        ),
        pytest.param(
            {"birth_date": "1990-01-01", "relationship": "parent", "dependent_child": ""},
            "Rodič nemůže být mladší než žadatel.",
            id="parent-younger-than-applicant",
        ),
    ],
)
def test_member_create_refuses_impossible_ages(
    client, social_worker, case, person, overrides, message
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:member-create", args=[case.household.pk]), member_data(**overrides)
    )

    assert response.context["form"].errors == {"birth_date": [message]}
    assertContains(response, field_error("birth_date", message), html=True)
    assert list(Client.objects.all()) == [person]


def test_situation_create_keeps_the_earlier_situation_as_history(client, social_worker, case):
    earlier = HousingSituationFactory(
        household=case.household,
        ethos="8",
        since=datetime.date(2026, 5, 1),
        description="U sestry na gauči.",
    )
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:situation-create", args=[case.household.pk]),
        {"ethos": "9", "since": "2026-11-02", "description": "Výpověď z nájmu."},
    )

    assertRedirects(response, case.get_absolute_url())
    newer = HousingSituation.objects.exclude(pk=earlier.pk).get()
    assert (newer.household, newer.ethos, newer.since, newer.recorded_by) == (
        case.household,
        "9",
        datetime.date(2026, 11, 2),
        social_worker,
    )
    page = client.get(case.get_absolute_url())
    assert page.context["situations"] == [newer, earlier]
    html = page.content.decode()
    assertInHTML('<p class="mb-1"><strong>9 Ohrožení vystěhováním</strong></p>', html)
    assertInHTML('<h3 class="h6 mt-3">Dříve</h3>', html)
    assertInHTML(
        "<li>1. 5. 2026: 8 Dočasně u příbuzných či známých, bez nájemní smlouvy, nelegální "
        "obsazení – U sestry na gauči.</li>",
        html,
    )


def test_situation_create_refuses_a_commercial_hostel_outside_ethos_3_and_8(
    client, social_worker, case
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:situation-create", args=[case.household.pk]),
        {"ethos": "1", "in_commercial_hostel": "on", "since": "2026-11-02"},
    )

    assertContains(response, "Komerční ubytovna patří do ETHOS 3 nebo 8.")
    assert not HousingSituation.objects.exists()


# --- Query counts -----------------------------------------------------------------------------


def fill_case_file(case, size: int, by) -> None:
    """`size` of each kind of record the case page lists; consultations with topics and
    referrals."""
    applicant = case.household.members.get()
    for n in range(size - 1):
        ClientFactory(
            household=case.household,
            relationship="child",
            birth_date=datetime.date(2010 + n, 1, 1),
        )
    for n in range(size):
        consultation = ConsultationFactory(case=case, date=days_ago(n + 1), by=by)
        ConsultationTopicEntryFactory(consultation=consultation, topic="debts")
        ConsultationTopicEntryFactory(consultation=consultation, topic="benefits")
        ReferralFactory(consultation=consultation)
        IncomeFactory(household=case.household, member=applicant, monthly_amount=Decimal(9000 + n))
        ConsentFactory(household=case.household, given_by=applicant)
        HousingSituationFactory(household=case.household, since=days_ago(10 * n), recorded_by=by)


# Session, user, the case with its household, residence, KMB and case manager; the access-log
# entry (content type, insert); members, reasons, status changes, situations, incomes, benefits,
# preferred municipalities, consents, consultations with their topics and referrals (3), register
# records, support measures, other cases; the menu's organisation; session save (3).
CASE_DETAIL_QUERIES = 28


@pytest.mark.parametrize("size", [1, 3])
def test_case_detail_query_count_is_constant(
    client, social_worker, case, django_assert_num_queries, size
):
    fill_case_file(case, size, social_worker)
    client.force_login(social_worker)
    # The content type of the access log is cached per process: count its query every time.
    ContentType.objects.clear_cache()

    with django_assert_num_queries(CASE_DETAIL_QUERIES):
        response = client.get(case.get_absolute_url())

    assert [
        len(response.context[key]) for key in ("members", "consultations", "incomes", "consents")
    ] == [size] * 4


# Session, user, the user's KMB, the count of the cases (paginator), the case managers and the
# municipalities of the filter form, the page of cases with their applicant, ETHOS and last
# contact; session save (3).
CASE_LIST_QUERIES = 11


@pytest.mark.parametrize("cases", [1, 3])
def test_case_list_query_count_is_constant(
    client, social_worker, kmb_office, django_assert_num_queries, cases
):
    for n in range(cases):
        listed = CaseFactory(household__kmb=kmb_office, active=True)
        HousingSituationFactory(household=listed.household)
        ConsultationFactory(case=listed, date=days_ago(n + 1))
    client.force_login(social_worker)

    with django_assert_num_queries(CASE_LIST_QUERIES):
        response = client.get(reverse("clients:case-list"))

    assert len(response.context["page"].object_list) == cases
