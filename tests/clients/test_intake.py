"""Intake: one form registers the household with its situation, income and benefits, and opens
its case."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertRedirects

from clients import services
from clients.models import (
    Benefit,
    Case,
    CaseReasonEntry,
    CaseStatusChange,
    Client,
    Household,
    HousingSituation,
    Income,
)
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import CaseFactory

TOKEN = "5f0c2d7e-3b1a-4c55-9d0e-7a1b2c3d4e5f"
URL = reverse("clients:intake")
NOT_SAVED = {
    "households": 0,
    "people": 0,
    "situations": 0,
    "incomes": 0,
    "benefits": 0,
    "cases": 0,
    "reasons": 0,
    "status changes": 0,
}


def saved() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "people": Client.objects.count(),
        "situations": HousingSituation.objects.count(),
        "incomes": Income.objects.count(),
        "benefits": Benefit.objects.count(),
        "cases": Case.objects.count(),
        "reasons": CaseReasonEntry.objects.count(),
        "status changes": CaseStatusChange.objects.count(),
    }


@pytest.fixture
def residence(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def colleague(kmb_office):
    return UserFactory(username="kolegyne", organisation=kmb_office)


@pytest.fixture
def form_data(residence, colleague):
    """What the browser sends for a mother with two members; unused rows stay as rendered."""
    return {
        "applicant-first_name": "Žofie",
        "applicant-last_name": "Nováková",
        "applicant-birth_date": "1984-06-12",
        "applicant-birth_number": "",
        "applicant-sex": "f",
        "applicant-phone": "603 111 222",
        "applicant-email": "zofie@example.cz",
        "applicant-has_valid_id": "on",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-first_name": "Tobiáš",
        "members-0-last_name": "Novák",
        "members-0-birth_date": "2015-02-01",
        "members-0-relationship": "child",
        "members-0-sex": "m",
        "members-0-dependent_child": "on",
        "members-1-first_name": "Karel",
        "members-1-last_name": "Novák",
        "members-1-birth_date": "1980-11-03",
        "members-1-relationship": "partner",
        "members-1-sex": "m",
        "household-permanent_residence": str(residence.pk),
        "household-permanent_residence_elsewhere": "",
        "household-address": "Ubytovna Na Stráni 12, pokoj 5",
        "household-support_intensity": "medium",
        "household-pets": "",
        "household-preferred_municipalities": [str(residence.pk)],
        "household-needs_note": "",
        "situation-ethos": "8",
        "situation-in_commercial_hostel": "on",
        "situation-description": "Pokoj na ubytovně, smlouva na měsíc.",
        "situation-since": "2026-09-01",
        "incomes-TOTAL_FORMS": "2",
        "incomes-INITIAL_FORMS": "0",
        "incomes-MIN_NUM_FORMS": "0",
        "incomes-MAX_NUM_FORMS": "1000",
        "incomes-0-kind": "parental",
        "incomes-0-monthly_amount": "9500",
        "benefits-TOTAL_FORMS": "2",
        "benefits-INITIAL_FORMS": "0",
        "benefits-MIN_NUM_FORMS": "0",
        "benefits-MAX_NUM_FORMS": "1000",
        "benefits-0-kind": "dssp",
        "benefits-0-dssp_component": "housing",
        "benefits-0-state": "granted",
        "benefits-0-amount": "4500",
        "benefits-0-monthly": "on",
        "benefits-0-applied_on": "2026-10-01",
        "benefits-0-decided_on": "2026-10-20",
        # An untouched row: "paid monthly" is ticked when the form is shown.
        "benefits-1-monthly": "on",
        "case-reasons": ["notice_to_quit", "arrears"],
        "case-case_manager": str(colleague.pk),
        "case-intake_token": TOKEN,
    }


def existing_case(kmb, **applicant):
    return CaseFactory(
        household__kmb=kmb,
        kmb=kmb,
        applicant__first_name=applicant.get("first_name", "Žofie"),
        applicant__last_name=applicant.get("last_name", "Nováková"),
        applicant__birth_date=applicant.get("birth_date", datetime.date(1984, 6, 12)),
        applicant__phone=applicant.get("phone", "777 888 999"),
    )


def field_error(name: str, message: str) -> str:
    """The error crispy-forms renders under the field."""
    return f'<p id="error_1_id_{name}"><strong>{message}</strong></p>'


# --- Registering ------------------------------------------------------------------------------


def test_intake_registers_the_household_and_opens_its_case(
    client, social_worker, kmb_office, residence, colleague, form_data
):
    client.force_login(social_worker)

    response = client.post(URL, form_data)

    case = Case.objects.get()
    assertRedirects(response, reverse("clients:case-detail", args=[case.pk]))
    household = Household.objects.get()
    assert (
        household.kmb,
        household.permanent_residence,
        household.address,
        household.support_intensity,
        household.intake_token,
        list(household.preferred_municipalities.all()),
    ) == (
        kmb_office,
        residence,
        "Ubytovna Na Stráni 12, pokoj 5",
        "medium",
        uuid.UUID(TOKEN),
        [residence],
    )
    assert [
        (
            person.first_name,
            person.last_name,
            person.birth_date,
            person.relationship,
            person.dependent_child,
            person.household,
        )
        for person in Client.objects.order_by("birth_date")
    ] == [
        ("Karel", "Novák", datetime.date(1980, 11, 3), "partner", False, household),
        ("Žofie", "Nováková", datetime.date(1984, 6, 12), "applicant", False, household),
        ("Tobiáš", "Novák", datetime.date(2015, 2, 1), "child", True, household),
    ]
    person = Client.objects.get(relationship="applicant")
    assert (person.phone, person.email, person.search_name, person.phone_digits) == (
        "603 111 222",
        "zofie@example.cz",
        "zofie novakova",
        "603111222",
    )
    assert [
        (s.household, s.ethos, s.in_commercial_hostel, s.description, s.since, s.recorded_by)
        for s in HousingSituation.objects.all()
    ] == [
        (
            household,
            "8",
            True,
            "Pokoj na ubytovně, smlouva na měsíc.",
            datetime.date(2026, 9, 1),
            social_worker,
        )
    ]
    assert [
        (income.household, income.member, income.kind, income.monthly_amount, income.since)
        for income in Income.objects.all()
    ] == [(household, None, "parental", Decimal("9500.00"), timezone.localdate())]
    assert [
        (b.household, b.kind, b.dssp_component, b.state, b.amount, b.monthly, b.decided_on)
        for b in Benefit.objects.all()
    ] == [
        (
            household,
            "dssp",
            "housing",
            "granted",
            Decimal("4500.00"),
            True,
            datetime.date(2026, 10, 20),
        )
    ]
    assert (case.household, case.kmb, case.status, case.case_manager, case.opened_on) == (
        household,
        kmb_office,
        "active",
        colleague,
        timezone.localdate(),
    )
    assert sorted(case.reasons.values_list("reason", flat=True)) == ["arrears", "notice_to_quit"]
    assert [
        (change.case, change.from_status, change.to_status, change.by)
        for change in CaseStatusChange.objects.all()
    ] == [(case, "", "active", social_worker)]


def test_intake_without_a_case_manager_opens_a_new_case(client, social_worker, form_data):
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "case-case_manager": ""})

    case = Case.objects.get()
    assertRedirects(response, case.get_absolute_url())
    assert (case.status, case.case_manager) == ("new", None)
    assert list(case.status_changes.values_list("from_status", "to_status")) == [("", "new")]


def test_intake_tells_the_case_number_on_the_case_page(client, social_worker, form_data):
    client.force_login(social_worker)

    response = client.post(URL, form_data, follow=True)

    case = Case.objects.get()
    assertContains(
        response,
        f"Domácnost je zaevidována: případ {case.number}. Jako první konzultaci zapište "
        "rozhovor při příjmu.",
    )
    assertContains(
        response, f'Žofie Nováková <span class="text-body-secondary fs-5">· {case.number}'
    )


def test_intake_form_offers_the_user_as_case_manager_and_a_fresh_token(client, social_worker):
    client.force_login(social_worker)

    first = client.get(URL)
    second = client.get(URL)

    case_form = first.context["case"]
    assert case_form.initial["case_manager"] == social_worker
    assert case_form.initial["intake_token"] != second.context["case"].initial["intake_token"]


# --- Sent twice -------------------------------------------------------------------------------


def test_intake_sent_twice_creates_nothing_the_second_time(client, social_worker, form_data):
    client.force_login(social_worker)
    client.post(URL, form_data)
    after_first = saved()

    client.post(URL, form_data)

    assert (
        saved()
        == after_first
        == {
            "households": 1,
            "people": 3,
            "situations": 1,
            "incomes": 1,
            "benefits": 1,
            "cases": 1,
            "reasons": 2,
            "status changes": 1,
        }
    )


def test_intake_sent_twice_redirects_to_the_same_case(client, social_worker, form_data):
    client.force_login(social_worker)
    client.post(URL, form_data)
    case = Case.objects.get()

    response = client.post(URL, form_data)

    assertRedirects(response, case.get_absolute_url())


def test_intake_sent_twice_after_confirming_redirects_to_the_same_case(
    client, social_worker, form_data
):
    data = {**form_data, "case-not_a_duplicate": "on"}
    client.force_login(social_worker)
    client.post(URL, data)
    case = Case.objects.get()

    response = client.post(URL, data)

    assertRedirects(response, case.get_absolute_url())
    assert (Household.objects.count(), Case.objects.count()) == (1, 1)


def test_register_household_with_a_used_token_returns_the_first_case(social_worker, kmb_office):
    def register():
        return services.register_household(
            kmb=kmb_office,
            applicant=Client(
                first_name="Jan", last_name="Dvořák", birth_date=datetime.date(1970, 1, 5)
            ),
            household=Household(),
            members=[],
            situation=HousingSituation(ethos="9"),
            incomes=[],
            benefits=[],
            reasons=["risk_of_loss"],
            case_manager=None,
            intake_token=uuid.UUID(TOKEN),
            by=social_worker,
        )

    first = register()

    assert register() == first
    assert (Household.objects.count(), Client.objects.count(), Case.objects.count()) == (1, 1, 1)


# --- Possible duplicates ----------------------------------------------------------------------


def test_intake_warns_of_the_same_name_and_birth_date(client, social_worker, kmb_office, form_data):
    known = existing_case(kmb_office)
    client.force_login(social_worker)

    response = client.post(URL, form_data)

    assertContains(response, "Tato osoba už možná je v evidenci")
    assertInHTML(
        f'<a href="{known.get_absolute_url()}" target="_blank" rel="noopener">Žofie Nováková</a>',
        response.content.decode(),
    )
    assert [person.pk for person in response.context["duplicates"]] == [
        known.household.members.get().pk
    ]
    assert saved() == {**NOT_SAVED, "households": 1, "people": 1, "cases": 1}


def test_intake_warns_of_the_same_phone_written_otherwise(
    client, social_worker, kmb_office, form_data
):
    known = existing_case(
        kmb_office, first_name="Jiřina", last_name="Malá", phone="+420 603 111 222"
    )
    client.force_login(social_worker)

    response = client.post(URL, form_data)

    assertContains(response, "Tato osoba už možná je v evidenci")
    assertInHTML(
        f'<a href="{known.get_absolute_url()}" target="_blank" rel="noopener">Jiřina Malá</a>',
        response.content.decode(),
    )
    assert Case.objects.get() == known


def test_intake_keeps_what_was_typed_next_to_the_duplicate_warning(
    client, social_worker, kmb_office, form_data
):
    existing_case(kmb_office)
    client.force_login(social_worker)

    response = client.post(URL, form_data)

    assertContains(response, 'value="Tobiáš"')
    assertContains(response, 'value="Ubytovna Na Stráni 12, pokoj 5"')
    assertContains(response, "Ověřil(a) jsem, že jde o jinou osobu – přesto zaevidovat")


def test_intake_confirmed_as_another_person_registers(client, social_worker, kmb_office, form_data):
    known = existing_case(kmb_office)
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "case-not_a_duplicate": "on"})

    case = Case.objects.exclude(pk=known.pk).get()
    assertRedirects(response, case.get_absolute_url())
    assert [str(person) for person in case.household.members.order_by("birth_date")] == [
        "Karel Novák",
        "Žofie Nováková",
        "Tobiáš Novák",
    ]


def test_intake_ignores_people_of_another_kmb(client, social_worker, other_kmb_office, form_data):
    existing_case(other_kmb_office, phone="603 111 222")
    client.force_login(social_worker)

    response = client.post(URL, form_data)

    case = Case.objects.get(kmb=social_worker.organisation)
    assertRedirects(response, case.get_absolute_url())
    assert [str(person) for person in case.household.members.order_by("birth_date")] == [
        "Karel Novák",
        "Žofie Nováková",
        "Tobiáš Novák",
    ]


# --- Refused input ----------------------------------------------------------------------------

IN_THE_FUTURE = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "form", "row", "field", "message"),
    [
        pytest.param(
            {"applicant-birth_date": IN_THE_FUTURE},
            "applicant",
            None,
            "birth_date",
            "Datum narození nemůže být v budoucnosti.",
            id="birth-date-in-the-future",
        ),
        pytest.param(
            {"members-1-birth_date": IN_THE_FUTURE},
            "members",
            1,
            "birth_date",
            "Datum narození nemůže být v budoucnosti.",
            id="member-born-in-the-future",
        ),
        pytest.param(
            {"incomes-0-monthly_amount": "-100"},
            "incomes",
            0,
            "monthly_amount",
            "Částka nemůže být záporná.",
            id="negative-income",
        ),
        pytest.param(
            {"members-0-birth_date": "1979-05-05"},
            "members",
            0,
            "birth_date",
            "Dítě nemůže být starší než žadatel.",
            id="child-older-than-applicant",
        ),
        pytest.param(
            {"benefits-0-dssp_component": ""},
            "benefits",
            0,
            "dssp_component",
            "Vyberte složku DSSP.",
            id="dssp-without-component",
        ),
        pytest.param(
            {"benefits-0-amount": "", "benefits-0-state": "granted"},
            "benefits",
            0,
            "amount",
            "Zadejte přiznanou částku.",
            id="granted-benefit-without-amount",
        ),
    ],
)
def test_intake_refuses_bad_input_next_to_the_field(
    client, social_worker, form_data, overrides, form, row, field, message
):
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, **overrides})

    bound = response.context[form] if row is None else response.context[form][row]
    assert bound.errors == {field: [message]}
    assertContains(response, field_error(bound[field].html_name, message), html=True)
    assertContains(response, 'value="Nováková"')
    assert saved() == NOT_SAVED


def test_intake_refuses_a_commercial_hostel_outside_ethos_3_and_8(client, social_worker, form_data):
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "situation-ethos": "1"})

    assert saved() == NOT_SAVED
    assertContains(response, "Komerční ubytovna patří do ETHOS 3 nebo 8.")


def test_intake_commercial_hostel_outside_ethos_3_and_8_saves_nothing(
    client, social_worker, form_data
):
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "situation-ethos": "1"})

    assert response.context["situation"].errors == {
        "in_commercial_hostel": ["Komerční ubytovna patří do ETHOS 3 nebo 8."]
    }
    assertContains(response, 'value="Nováková"')
    assert saved() == NOT_SAVED


def test_intake_without_a_reason_for_coming_saves_nothing(client, social_worker, form_data):
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "case-reasons": []})

    assert response.context["case"].errors == {"reasons": ["Toto pole je třeba vyplnit."]}
    assert saved() == NOT_SAVED


def test_intake_refuses_a_case_manager_of_another_kmb(
    client, social_worker, other_kmb_office, form_data
):
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)
    client.force_login(social_worker)

    response = client.post(URL, {**form_data, "case-case_manager": str(outsider.pk)})

    assert response.context["case"].errors == {
        "case_manager": ["Vyberte platnou možnost. Tato není k dispozici."]
    }
    assert saved() == NOT_SAVED
