"""CSV and XLSX of every table of the report: anonymised like the PDF, whoever downloads them."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.indicators import Unit
from reports.report import SECTIONS
from tests.reports.helpers import build_world, czech, czech_label

OCTOBER = {"month": "2026-10"}
NUMBER = czech_label(Unit.COUNT.label)


@pytest.fixture
def world(kmb_office, other_kmb_office, social_worker):
    return build_world(kmb_office, other_kmb_office, social_worker)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_of_one_table(client, manager, world):
    client.force_login(manager)

    response = client.get(
        reverse("reports:export-csv"), {**OCTOBER, "table": "households_registered"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="kmb-orp-testov-2026-10-households_registered.csv"'
    )
    assert csv_rows(response) == [
        [
            czech("Section"),
            czech("Indicator"),
            czech("Row"),
            czech("Unit"),
            "2026-10",
            "2026-09",
            czech("Change"),
        ],
        [
            czech("Clients"),
            czech("Households registered"),
            "",
            czech_label(Unit.HOUSEHOLDS.label),
            "7",
            "<5",
            "",
        ],
    ]


def test_csv_of_a_breakdown_suppresses_small_counts_for_the_kmb_staff_too(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("reports:export-csv"), {**OCTOBER, "table": "households_housed"})

    housed = czech("Households housed")
    assert csv_rows(response)[1:] == [
        [
            czech("Housing"),
            housed,
            czech("Social flat"),
            czech_label(Unit.HOUSEHOLDS.label),
            "<5",
            "0",
            "",
        ],
        [
            czech("Housing"),
            housed,
            czech("Total"),
            czech_label(Unit.HOUSEHOLDS.label),
            "<5",
            "0",
            "",
        ],
    ]


def test_csv_of_every_table(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("reports:export-csv"), OCTOBER)

    rows = csv_rows(response)
    sections = {row[0] for row in rows[1:]}
    # Every section but retention: no lease cohort reaches its anniversary in October.
    assert sections == {str(title) for key, title, _codes in SECTIONS if key != "retention"}
    consultations = [row for row in rows if row[1] == czech("Consultations") and not row[2]]
    assert consultations == [
        [czech("Consultations"), czech("Consultations"), "", NUMBER, "12", "8", "4"]
    ]


def test_csv_of_an_unknown_table_is_not_found(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("reports:export-csv"), {**OCTOBER, "table": "nothing"})

    assert response.status_code == 404


def test_xlsx_has_a_sheet_per_section_with_numbers_and_suppressed_counts(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("reports:export-xlsx"), OCTOBER)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [czech("Report")[:31]] + [
        str(title)[:31] for _key, title, _codes in SECTIONS
    ]
    cover = book[czech("Report")]
    assert [cover["A2"].value, cover["B2"].value] == [czech("KMB"), "KMB Testov"]
    clients = [list(row) for row in book[str(SECTIONS[0][1])].iter_rows(values_only=True)]
    assert clients[1] == [
        czech("Households registered"),
        None,
        czech_label(Unit.HOUSEHOLDS.label),
        7,
        "<5",
        None,
    ]
    housing = [list(row) for row in book[str(SECTIONS[2][1])].iter_rows(values_only=True)]
    assert [czech("Leases signed"), None, NUMBER, "<5", 0, None] in housing


def test_housing_department_exports_its_municipality(client, staff, world):
    from kmb.accounts.models import Role

    user = staff[Role.HOUSING_DEPARTMENT]
    user.organisation.municipality = world["town"]
    user.organisation.save()
    client.force_login(user)

    response = client.get(
        reverse("reports:export-csv"), {**OCTOBER, "table": "households_registered"}
    )

    assert csv_rows(response)[1][4:] == ["5", "<5", ""]
