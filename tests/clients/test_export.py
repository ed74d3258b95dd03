"""Subject-access export (GDPR art. 15): everything kept about one client, as JSON and as PDF."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from clients.models import Client, ConsultationTopicEntry, Relationship
from kmb.audit.models import AccessLog
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.audit import AccessLogFactory
from tests.factories.clients import (
    CaseFactory,
    CaseStatusChangeFactory,
    ClientFactory,
    ConsentFactory,
    ConsultationFactory,
    IncomeFactory,
    ReferralFactory,
)

CONSULTED_ON = datetime.date(2026, 3, 5)
NOTE = "Výpověď z nájmu ke konci dubna, dluh na nájemném 12 000 Kč."


@pytest.fixture
def case(kmb_office):
    return CaseFactory(
        household__kmb=kmb_office,
        kmb=kmb_office,
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
        applicant__birth_date=datetime.date(1984, 6, 12),
    )


@pytest.fixture
def person(case):
    return case.household.members.get(relationship=Relationship.APPLICANT)


@pytest.fixture
def case_file(case, person, social_worker):
    """A case file with something in every part the tests read."""
    ClientFactory(
        household=case.household,
        relationship=Relationship.CHILD,
        first_name="Tobiáš",
        last_name="Novák",
        birth_date=datetime.date(2015, 2, 1),
        dependent_child=True,
    )
    IncomeFactory(household=case.household, member=person, monthly_amount=Decimal("18500.50"))
    CaseStatusChangeFactory(case=case, to_status="new", by=social_worker, note="Přijato.")
    ConsultationFactory(case=case, date=CONSULTED_ON, notes=NOTE, by=social_worker)
    ConsentFactory(
        household=case.household,
        given_by=person,
        recipient=OrganisationFactory(provider=True, name="Naděje, z. s."),
        scope=["contact", "finances"],
        given_on=datetime.date(2026, 3, 5),
    )
    person.phone = "+420 603 111 222"
    person._history_user = social_worker
    person.save()
    AccessLogFactory(user=social_worker, record=case, view_name="clients:case-detail")
    return case


def json_url(person):
    return reverse("clients:client-export-json", args=[person.pk])


def pdf_url(person):
    return reverse("clients:client-export-pdf", args=[person.pk])


def test_json_export_downloads_as_an_attachment(client, manager, person, case_file):
    client.force_login(manager)

    response = client.get(json_url(person))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="klient-{person.pk}-export.json"'
    )


def test_json_export_contains_the_client_and_the_household(client, manager, person, case_file):
    client.force_login(manager)

    data = json.loads(client.get(json_url(person)).content)

    assert data["kmb"]["name"] == "KMB Testov"
    assert data["exported_by"] == str(manager)
    assert (data["client"]["first_name"], data["client"]["last_name"]) == ("Žofie", "Nováková")
    assert data["client"]["birth_date"] == "1984-06-12"
    assert data["client"]["phone"] == "+420 603 111 222"
    assert [
        (m["first_name"], m["relationship"]["code"], m["birth_date"], m["is_client"])
        for m in data["members"]
    ] == [("Tobiáš", "child", "2015-02-01", False), ("Žofie", "applicant", "1984-06-12", True)]
    assert [(i["member"], i["monthly_amount"]) for i in data["incomes"]] == [
        ("Žofie Nováková", "18500.50")
    ]


def test_json_export_contains_the_case_work(client, manager, social_worker, person, case_file):
    client.force_login(manager)

    data = json.loads(client.get(json_url(person)).content)

    [case] = data["cases"]
    assert case["number"] == case_file.number
    assert [(c["from"], c["to"]["code"], c["by"], c["note"]) for c in case["status_changes"]] == [
        (None, "new", str(social_worker), "Přijato.")
    ]
    assert [
        (c["date"], c["minutes"], c["channel"]["code"], c["by"], c["notes"])
        for c in case["consultations"]
    ] == [("2026-03-05", 45, "office", str(social_worker), NOTE)]
    assert [
        (c["recipient"], [s["code"] for s in c["scope"]], c["given_by"], c["given_on"])
        for c in data["consents"]
    ] == [("Naděje, z. s.", ["contact", "finances"], "Žofie Nováková", "2026-03-05")]


def test_json_export_contains_the_change_history(client, manager, social_worker, person, case_file):
    client.force_login(manager)

    data = json.loads(client.get(json_url(person)).content)

    with translation.override("cs"):
        phone = str(Client._meta.get_field("phone").verbose_name)
    assert [
        (r["type"]["code"], r["by"], r["changed_fields"]) for r in data["history"]["client"]
    ] == [
        ("+", None, []),
        ("~", str(social_worker), [phone]),
    ]
    assert [r["type"]["code"] for r in data["history"]["household"]] == ["+"]


def test_json_export_lists_who_read_the_client_and_the_household_records(
    client, manager, social_worker, person, case_file
):
    child = case_file.household.members.get(relationship=Relationship.CHILD)
    income = case_file.household.incomes.get()
    AccessLogFactory(
        user=social_worker, record=income, view_name="clients:income-edit", path="/incomes/1/edit/"
    )
    # The child's own record is the child's data, not the client's.
    AccessLogFactory(
        user=social_worker, record=child, view_name="clients:member-edit", path="/members/2/edit/"
    )
    client.force_login(manager)

    data = json.loads(client.get(json_url(person)).content)

    # The newest first: the export itself is a read too.
    with translation.override("cs"):
        income_name, case_name = str(income), str(case_file)
    assert [(e["by"], e["organisation"], e["record"], e["page"]) for e in data["access_log"]] == [
        (str(manager), "KMB Testov", "Žofie Nováková", "clients:client-export-json"),
        (str(social_worker), "KMB Testov", income_name, "clients:income-edit"),
        (str(social_worker), "KMB Testov", case_name, "clients:case-detail"),
    ]


@pytest.mark.parametrize(
    ("url", "view_name"),
    [(json_url, "clients:client-export-json"), (pdf_url, "clients:client-export-pdf")],
)
def test_export_is_logged_once_as_a_read_of_the_client(client, manager, person, url, view_name):
    client.force_login(manager)

    client.get(url(person))

    assert list(
        AccessLog.objects.values_list("user", "content_type", "object_id", "view_name")
    ) == [(manager.pk, ContentType.objects.get_for_model(Client).pk, str(person.pk), view_name)]


def test_pdf_export_shows_the_client_and_the_consultations(client, manager, person, case_file):
    client.force_login(manager)

    response = client.get(pdf_url(person))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="klient-{person.pk}-export.pdf"'
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Žofie Nováková" in text
    assert "KMB Testov" in text
    assert "5. 3. 2026" in text


def test_administrator_may_export(client, administrator, person):
    client.force_login(administrator)

    data = json.loads(client.get(json_url(person)).content)

    assert data["client"]["last_name"] == "Nováková"


@pytest.mark.parametrize("url", [json_url, pdf_url])
def test_social_worker_may_not_export(client, social_worker, person, url):
    client.force_login(social_worker)

    response = client.get(url(person))

    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("url", [json_url, pdf_url])
def test_manager_of_another_kmb_does_not_find_the_client(client, other_kmb_office, person, url):
    outsider = UserFactory(username="vedouci-jinde", manager=True, organisation=other_kmb_office)
    client.force_login(outsider)

    response = client.get(url(person))

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("url", [json_url, pdf_url])
def test_export_refuses_post(client, manager, person, url):
    client.force_login(manager)

    response = client.post(url(person))

    assert response.status_code == 405
    assert AccessLog.objects.count() == 0


def test_json_export_queries_do_not_grow_with_consultations(
    client, manager, social_worker, person, case
):
    client.force_login(manager)
    add_consultation(case, social_worker)
    client.get(json_url(person))  # warms the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        client.get(json_url(person))
    add_consultation(case, social_worker)
    add_consultation(case, social_worker)

    with CaptureQueriesContext(connection) as three:
        response = client.get(json_url(person))

    assert len(json.loads(response.content)["cases"][0]["consultations"]) == 3
    assert len(three) == len(one)


def add_consultation(case, by):
    consultation = ConsultationFactory(case=case, by=by, notes="Konzultace.")
    ConsultationTopicEntry.objects.create(consultation=consultation, topic="housing_search")
    ReferralFactory(consultation=consultation)
    CaseStatusChangeFactory(case=case, to_status="new", by=by)
