"""Export of the flat inventory (CSV, XLSX) and the bulk import of flats with its preview."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import Workbook, load_workbook

from housing import bulk_import, resources
from housing.models import (
    Flat,
    FlatKind,
    FlatStatus,
    FlatStatusChange,
    Owner,
    Program,
    TechnicalState,
)
from housing.views.transfer import SESSION_KEY
from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.housing import FlatFactory, OwnerFactory

EXPORT_URL = reverse("housing:flat-export")
IMPORT_URL = reverse("housing:flat-import")
SAMPLE = Path(settings.BASE_DIR) / "docs" / "flats-import-sample.csv"

# A valid row of an import, headed by our column names (labels are read as well, see below).
ROW = {
    "municipality": "Testov",
    "street": "Sokolská",
    "number": "12",
    "unit": "3",
    "postcode": "460 01",
    "disposition": "2+1",
    "rooms": "2",
    "area": "55,5",
    "floor": "1",
    "lift": "ano",
    "barrier_free": "ne",
    "technical_state": "good",
    "last_inspection_on": "1. 3. 2025",
    "rent": "6500",
    "service_charges": "2 000",
    "deposit": "13000",
    "qualifies_for_register": "ne",
    "max_permissible_rent": "",
    "kind": "municipal",
    "program": "social",
    "owner": "Město Testov",
    "status": "free",
}
DUPLICATE = "A flat at this address is already in the inventory."
NOT_ALLOWED_HERE = "You may not add flats in %(name)s."
NOT_A_DATE = "“%(value)s” is not a date; write it as 15. 3. 2025."


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    """Another municipality of the same ORP."""
    return MunicipalityFactory(name="Lhota", orp=kmb_office.orp)


@pytest.fixture
def jinde(other_kmb_office):
    return MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)


@pytest.fixture
def owner(kmb_office):
    """Added by the KMB, with no flat yet."""
    return OwnerFactory(name="Město Testov", created_by_organisation=kmb_office)


@pytest.fixture
def housing_officer(testov):
    """The housing department of Testov."""
    organisation = OrganisationFactory(municipal=True, municipality=testov)
    return UserFactory(username="odbor-testov", housing_department=True, organisation=organisation)


def czech(text_of):
    with translation.override("cs"):
        return text_of()


def czech_gettext(message: str, **params) -> str:
    return czech(lambda: translation.gettext(message) % params)


def problem(column: str, message: str, **params) -> str:
    """A row's problem as the preview words it."""
    return czech(
        lambda: f"{resources.column_label(column)}: {translation.gettext(message) % params}"
    )


def labels(names) -> list[str]:
    return czech(lambda: [resources.column_label(name) for name in names])


def csv_upload(*rows: dict, delimiter=";", encoding="utf-8") -> SimpleUploadedFile:
    """A file of ROW once for each of `rows`, with the values in it changed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(ROW)
    writer.writerows([{**ROW, **row}[column] for column in ROW] for row in rows)
    return SimpleUploadedFile("byty.csv", out.getvalue().encode(encoding), "text/csv")


def preview(client, upload):
    return client.post(IMPORT_URL, {"file": upload})


def confirm(client, previewed):
    return client.post(IMPORT_URL, {"token": previewed.context["token"]})


def flats_saved() -> list[tuple]:
    return list(
        Flat.objects.order_by("pk").values_list("municipality__name", "street", "number", "unit")
    )


def problems_of(response) -> list[tuple[int, list[str]]]:
    return [(check.line, check.problems) for check in response.context["wrong"]]


def form_errors(response) -> list[str]:
    return response.context["form"].errors["file"]


# --- Export ------------------------------------------------------------------------------------


@pytest.fixture
def inventory(testov, lhota, jinde, owner):
    """Two flats of the KMB's ORP and one of another ORP."""
    return [
        FlatFactory(
            municipality=testov,
            street="Sokolská",
            number="12",
            unit="3",
            area=Decimal("55.5"),
            rent=Decimal("6500.50"),
            deposit=Decimal("13000"),
            lift=True,
            last_inspection_on=datetime.date(2025, 3, 1),
            program=Program.HOUSING_FIRST,
            owner=owner,
        ),
        FlatFactory(municipality=lhota, street="Polní", number="7", status=FlatStatus.LET),
        FlatFactory(municipality=jinde, street="Cizí", number="1"),
    ]


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_export_csv_downloads_as_an_attachment(client, social_worker, inventory):
    client.force_login(social_worker)

    response = client.get(EXPORT_URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="byty-{timezone.localdate():%Y-%m-%d}.csv"'
    )


def test_export_csv_contains_the_visible_flats_only(client, social_worker, inventory):
    client.force_login(social_worker)

    header, *rows = read_csv(client.get(EXPORT_URL))

    assert header == labels(resources.COLUMNS)
    assert [(row[0], row[1]) for row in rows] == [("Lhota", "Polní"), ("Testov", "Sokolská")]


def test_export_csv_writes_values_as_a_czech_office_reads_them(client, social_worker, inventory):
    client.force_login(social_worker)

    _header, _lhota, sokolska = read_csv(client.get(EXPORT_URL))

    yes, no, good, municipal, housing_first, free = czech(
        lambda: [
            *resources.yes_and_no(),
            str(TechnicalState.GOOD.label),
            str(FlatKind.MUNICIPAL.label),
            str(Program.HOUSING_FIRST.label),
            str(FlatStatus.FREE.label),
        ]
    )
    assert sokolska == [
        *("Testov", "Sokolská", "12", "3", "460 01", "2+1", "2", "55,5", "1", yes, no, good),
        *("2025-03-01", "6500,50", "0,00", "13000,00", no, "", municipal, housing_first),
        *("Město Testov", free),
    ]


def test_export_xlsx_contains_the_visible_flats_only(client, social_worker, inventory):
    client.force_login(social_worker)

    response = client.get(EXPORT_URL, {"format": "xlsx"})

    assert response["Content-Disposition"] == (
        f'attachment; filename="byty-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    header, *rows = read_xlsx(response)
    assert list(header) == labels(resources.COLUMNS)
    assert [row[:4] for row in rows] == [
        ("Lhota", "Polní", "7", None),
        ("Testov", "Sokolská", "12", "3"),
    ]
    # Numbers and dates are cells of their type, not texts.
    assert (rows[1][7], rows[1][12], rows[1][13]) == (55.5, datetime.datetime(2025, 3, 1), 6500.5)


def test_export_keeps_a_formula_like_text_as_text(client, social_worker, testov, owner):
    FlatFactory(municipality=testov, street="=HYPERLINK(1)", owner=owner)
    client.force_login(social_worker)

    csv_rows = read_csv(client.get(EXPORT_URL))
    xlsx = client.get(EXPORT_URL, {"format": "xlsx"})

    assert csv_rows[1][1] == "'=HYPERLINK(1)"
    cell = load_workbook(io.BytesIO(xlsx.content)).active["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_export_is_filtered_like_the_inventory(client, social_worker, inventory):
    client.force_login(social_worker)

    _header, *rows = read_csv(client.get(EXPORT_URL, {"status": FlatStatus.LET}))

    assert [row[1] for row in rows] == ["Polní"]


def test_export_ignores_a_filter_value_it_does_not_know_as_the_inventory_does(
    client, social_worker, inventory
):
    client.force_login(social_worker)

    _header, *rows = read_csv(client.get(EXPORT_URL, {"status": "??"}))

    assert [row[1] for row in rows] == ["Polní", "Sokolská"]


def test_export_for_the_housing_department_has_its_municipality_only(
    client, housing_officer, inventory
):
    client.force_login(housing_officer)

    _header, *rows = read_csv(client.get(EXPORT_URL))

    assert [row[1] for row in rows] == ["Sokolská"]


def test_export_of_an_unknown_format_is_not_found(client, social_worker):
    client.force_login(social_worker)

    response = client.get(EXPORT_URL, {"format": "pdf"})

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_export_query_count_does_not_grow_with_the_flats(
    client, social_worker, testov, owner, count
):
    FlatFactory.create_batch(count, municipality=testov, owner=owner)
    client.force_login(social_worker)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT_URL)

    assert len(read_csv(response)) == count + 1
    # Session, user, organisation, the flats; then the session is saved (in a savepoint).
    assert len(queries) == 7


# --- Import: valid files -----------------------------------------------------------------------


def test_import_page_lists_the_columns_and_the_municipalities(client, social_worker, testov, lhota):
    client.force_login(social_worker)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    columns = response.context["columns"]
    assert columns[0] == (labels(["municipality"])[0], True, "Lhota, Testov")
    assert [label for label, required, _values in columns if required] == labels(
        name for name in resources.COLUMNS if name in resources.REQUIRED
    )


def test_import_preview_shows_every_row_and_saves_nothing(client, social_worker, testov, owner):
    client.force_login(social_worker)

    response = preview(client, csv_upload({"number": "12"}, {"number": "14", "unit": ""}))

    assert response.status_code == 200
    assert [(c.line, c.cells[2], c.cells[3], c.problems) for c in response.context["checks"]] == [
        (2, ("12", False), ("3", False), []),
        (3, ("14", False), ("", False), []),
    ]
    assert response.context["token"] == client.session[SESSION_KEY]["token"]
    assert b'data-testid="import-ready"' in response.content
    assert flats_saved() == []
    assert FlatStatusChange.objects.count() == 0


def test_import_of_a_valid_file_creates_all_rows(client, social_worker, testov, owner):
    client.force_login(social_worker)
    previewed = preview(
        client, csv_upload({"number": "12"}, {"number": "14", "unit": "", "status": "let"})
    )

    response = confirm(client, previewed)

    assert response.status_code == 302
    assert response["Location"] == reverse("housing:flat-list")
    assert flats_saved() == [("Testov", "Sokolská", "12", "3"), ("Testov", "Sokolská", "14", "")]
    flat = Flat.objects.get(number="12")
    assert [getattr(flat, name) for name in resources.COLUMNS] == [
        *(testov, "Sokolská", "12", "3", "460 01", "2+1", 2, Decimal("55.5"), 1, True, False),
        *("good", datetime.date(2025, 3, 1), Decimal("6500"), Decimal("2000"), Decimal("13000")),
        *(False, None, "municipal", "social", owner, "free"),
    ]
    note = czech_gettext("Imported from the file %(name)s.", name="byty.csv")
    assert list(
        FlatStatusChange.objects.order_by("flat__number").values_list(
            "flat__number", "from_status", "to_status", "by", "note"
        )
    ) == [
        ("12", "", "free", social_worker.pk, note),
        ("14", "", "let", social_worker.pk, note),
    ]
    assert SESSION_KEY not in client.session


def test_import_says_how_many_flats_it_added(client, social_worker, testov, owner):
    client.force_login(social_worker)
    previewed = preview(client, csv_upload({"number": "12"}, {"number": "14"}))

    response = confirm(client, previewed)

    expected = czech(
        lambda: (
            translation.ngettext(
                "%(count)s flat was imported.", "%(count)s flats were imported.", 2
            )
            % {"count": 2}
        )
    )
    assert [str(message) for message in get_messages(response.wsgi_request)] == [expected]


def test_import_confirmed_twice_imports_once(client, social_worker, testov, owner):
    client.force_login(social_worker)
    previewed = preview(client, csv_upload({}))
    confirm(client, previewed)

    response = confirm(client, previewed)

    assert response["Location"] == IMPORT_URL
    assert flats_saved() == [("Testov", "Sokolská", "12", "3")]


def test_import_reads_commas_labels_and_windows_1250(client, social_worker, testov, owner):
    client.force_login(social_worker)
    values = {
        "area": "40.5",
        "rent": "5000.50",
        "deposit": "0",
        "technical_state": "Unfit for living",
        "kind": czech(lambda: str(FlatKind.GUARANTEED.label)),
        "program": "housing first",
    }

    confirm(client, preview(client, csv_upload(values, delimiter=",", encoding="cp1250")))

    flat = Flat.objects.get()
    assert (flat.area, flat.rent, flat.technical_state, flat.kind, flat.program) == (
        Decimal("40.5"),
        Decimal("5000.50"),
        "unfit",
        "guaranteed",
        "housing_first",
    )


def test_import_of_an_xlsx_workbook(client, social_worker, testov, owner):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(labels(ROW))
    # What openpyxl gives for cells that Excel holds as numbers, dates and booleans.
    typed = {
        "postcode": 46001,
        "rooms": 2,
        "area": 55.5,
        "floor": 0,
        "lift": True,
        "last_inspection_on": datetime.datetime(2025, 3, 1),
        "rent": 6500,
        "deposit": 6500.25,
    }
    sheet.append([typed.get(name, value) for name, value in ROW.items()])
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(social_worker)

    confirm(client, preview(client, SimpleUploadedFile("byty.xlsx", out.getvalue())))

    flat = Flat.objects.get()
    saved = (flat.postcode, flat.area, flat.floor, flat.lift, flat.last_inspection_on)
    assert saved == ("46001", Decimal("55.5"), 0, True, datetime.date(2025, 3, 1))
    assert (flat.rent, flat.deposit) == (Decimal("6500"), Decimal("6500.25"))


def test_import_of_the_sample_file(client, social_worker, kmb_office):
    MunicipalityFactory(name="Liberec", orp=kmb_office.orp)
    OwnerFactory(name="Statutární město Liberec", created_by_organisation=kmb_office)
    OwnerFactory(name="Jan Novák", private=True, created_by_organisation=kmb_office)
    client.force_login(social_worker)
    upload = SimpleUploadedFile("flats-import-sample.csv", SAMPLE.read_bytes())

    previewed = preview(client, upload)
    confirm(client, previewed)

    assert problems_of(previewed) == []
    assert flats_saved() == [
        ("Liberec", "Sokolská", "123/4", "12"),
        ("Liberec", "Masarykova", "850/12", "3"),
        ("Liberec", "Husova", "77", ""),
    ]


def test_an_exported_file_reads_back_and_its_flats_are_known(client, social_worker, inventory):
    client.force_login(social_worker)
    exported = client.get(EXPORT_URL, {"format": "xlsx"}).content

    response = preview(client, SimpleUploadedFile("byty.xlsx", exported))

    assert problems_of(response) == [
        (2, [czech_gettext(DUPLICATE)]),
        (3, [czech_gettext(DUPLICATE)]),
    ]


# --- Import: rows with errors ------------------------------------------------------------------


def test_import_with_one_bad_row_saves_nothing_and_shows_that_rows_error(
    client, social_worker, testov, owner
):
    client.force_login(social_worker)

    response = preview(client, csv_upload({"number": "12"}, {"number": "14", "deposit": "20000"}))

    deposit = problem(
        "deposit",
        "The deposit can be at most three monthly rents (%(max)s CZK).",
        max="19\xa0500,00",
    )
    assert problems_of(response) == [(3, [deposit])]
    assert deposit in response.content.decode()
    assert b'name="token"' not in response.content
    assert SESSION_KEY not in client.session
    assert flats_saved() == []


def test_import_names_each_wrong_value(client, social_worker, testov, jinde, owner):
    client.force_login(social_worker)
    yes, no = czech(resources.yes_and_no)
    dispositions = czech(lambda: ", ".join(str(label) for label in resources.Disposition.labels))

    response = preview(
        client,
        csv_upload(
            {"number": "2", "municipality": "Nikde"},
            {"number": "3", "municipality": "Jinde"},
            {"number": "4", "owner": "Neznámý Vlastník"},
            {"number": "5", "disposition": "7+kk", "floor": "1,5", "lift": "?", "rent": "x"},
            {"number": "6", "street": "", "rooms": "0", "last_inspection_on": "1. 1. 2999"},
            {"number": "7", "last_inspection_on": "včera"},
        ),
    )

    assert problems_of(response) == [
        (2, [problem("municipality", "There is no municipality called “%(name)s”.", name="Nikde")]),
        (3, [problem("municipality", NOT_ALLOWED_HERE, name="Jinde")]),
        (
            4,
            [
                problem(
                    "owner",
                    "There is no owner called “%(name)s”; add the owner first.",
                    name="Neznámý Vlastník",
                )
            ],
        ),
        (
            5,
            [
                problem(
                    "disposition",
                    "“%(value)s” is not one of: %(choices)s.",
                    value="7+kk",
                    choices=dispositions,
                ),
                problem("floor", "“%(value)s” is not a whole number.", value="1,5"),
                problem("lift", "Write “%(yes)s” or “%(no)s”.", yes=yes, no=no),
                problem("rent", "“%(value)s” is not a number.", value="x"),
            ],
        ),
        (
            6,
            [
                problem("street", "This field is required."),
                problem(
                    "rooms",
                    "Ensure this value is greater than or equal to %(limit_value)s.",
                    limit_value=1,
                ),
                problem("last_inspection_on", "An inspection cannot be in the future."),
            ],
        ),
        (7, [problem("last_inspection_on", NOT_A_DATE, value="včera")]),
    ]
    wrong_cells = [
        [name for name, (_value, wrong) in zip(ROW, check.cells, strict=True) if wrong]
        for check in response.context["wrong"]
    ]
    assert wrong_cells[3:] == [
        ["disposition", "floor", "lift", "rent"],
        ["street", "rooms", "last_inspection_on"],
        ["last_inspection_on"],
    ]
    assert flats_saved() == []


def test_import_finds_the_same_address_twice_in_the_file(client, social_worker, testov, owner):
    client.force_login(social_worker)

    response = preview(client, csv_upload({}, {"street": "sokolská"}))

    assert problems_of(response) == [(3, [czech_gettext(DUPLICATE)])]


def test_import_saves_nothing_if_a_row_became_invalid_before_the_confirmation(
    client, social_worker, testov, owner
):
    client.force_login(social_worker)
    previewed = preview(client, csv_upload({"number": "12"}, {"number": "14"}))
    FlatFactory(municipality=testov, street="Sokolská", number="14", unit="3", owner=owner)

    response = confirm(client, previewed)

    assert response.status_code == 200
    assert problems_of(response) == [(3, [czech_gettext(DUPLICATE)])]
    assert flats_saved() == [("Testov", "Sokolská", "14", "3")]
    assert FlatStatusChange.objects.count() == 0


def test_housing_department_imports_only_for_its_municipality(
    client, housing_officer, testov, lhota, owner
):
    # The town as the housing department added it: an owner with no flat is its adder's only.
    Owner.objects.filter(pk=owner.pk).update(created_by_organisation=housing_officer.organisation)
    client.force_login(housing_officer)

    refused = preview(client, csv_upload({"number": "1"}, {"number": "2", "municipality": "Lhota"}))
    accepted = preview(client, csv_upload({"number": "1"}))
    confirm(client, accepted)

    assert problems_of(refused) == [(3, [problem("municipality", NOT_ALLOWED_HERE, name="Lhota")])]
    assert flats_saved() == [("Testov", "Sokolská", "1", "3")]
    assert FlatStatusChange.objects.get().by == housing_officer


def test_import_does_not_find_owners_of_another_orp(client, social_worker, testov, jinde):
    FlatFactory(municipality=jinde, owner=OwnerFactory(name="Cizí Vlastník"))
    client.force_login(social_worker)

    response = preview(client, csv_upload({"owner": "Cizí Vlastník"}))

    assert [line for line, _problems in problems_of(response)] == [2]


def test_import_does_not_find_an_owner_with_no_flat_another_kmb_added(
    client, social_worker, testov, other_kmb_office
):
    OwnerFactory(name="Cizí Nováček", created_by_organisation=other_kmb_office)
    client.force_login(social_worker)

    response = preview(client, csv_upload({"owner": "Cizí Nováček"}))

    assert [line for line, _problems in problems_of(response)] == [2]


# --- Import: files that cannot be read ---------------------------------------------------------


NOT_A_WORKBOOK = "The file is not an Excel workbook (.xlsx) that can be read."
NOT_CSV = "The file is not a CSV file. Save it from Excel as CSV in UTF-8."
NO_FLATS = "The file has no flats in it, only the header or nothing at all."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("byty.xlsx", b"this is not a workbook", NOT_A_WORKBOOK),
        ("byty.csv", bytes(range(256)) * 4, NOT_CSV),
        ("byty.pdf", b"%PDF-1.7", "Upload a CSV file or an Excel workbook (.xlsx)."),
        ("byty.csv", b"\r\n;;\r\n", "The file is empty."),
        ("byty.csv", ";".join(ROW).encode(), NO_FLATS),
    ],
)
def test_import_of_a_file_that_cannot_be_read_says_why(
    client, social_worker, name, content, message
):
    client.force_login(social_worker)

    response = preview(client, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert form_errors(response) == [czech_gettext(message)]
    assert flats_saved() == []


def test_import_of_a_zip_that_is_not_a_workbook_says_why(client, social_worker):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    client.force_login(social_worker)

    response = preview(client, SimpleUploadedFile("byty.xlsx", out.getvalue()))

    assert form_errors(response) == [czech_gettext(NOT_A_WORKBOOK)]


def test_import_names_unknown_twice_given_and_missing_columns(client, social_worker):
    client.force_login(social_worker)
    upload = SimpleUploadedFile("byty.csv", "Barva;Ulice?;street;street\nmodrá;x;y;z\n".encode())

    response = preview(client, upload)

    required = [name for name in resources.COLUMNS if name in resources.REQUIRED]
    missing = ", ".join(labels(name for name in required if name != "street"))
    assert form_errors(response) == [
        czech_gettext("Unknown columns: %(columns)s.", columns="Barva, Ulice?"),
        czech_gettext("Columns given twice: %(columns)s.", columns=labels(["street"])[0]),
        czech_gettext("Missing columns: %(columns)s.", columns=missing),
    ]


def test_import_refuses_a_file_over_the_size_limit(client, social_worker):
    client.force_login(social_worker)
    upload = SimpleUploadedFile("byty.csv", b"x" * (bulk_import.MAX_UPLOAD_BYTES + 1))

    response = preview(client, upload)

    limit = czech(lambda: filesizeformat(bulk_import.MAX_UPLOAD_BYTES))
    assert form_errors(response) == [
        czech_gettext("The file is larger than %(max)s. Split it into smaller files.", max=limit)
    ]


def test_import_refuses_more_rows_than_the_limit(client, social_worker, testov, owner):
    client.force_login(social_worker)
    rows = [{"number": str(n)} for n in range(bulk_import.MAX_ROWS + 1)]

    response = preview(client, csv_upload(*rows))

    limit = czech(lambda: formats.number_format(bulk_import.MAX_ROWS, force_grouping=True))
    assert form_errors(response) == [
        czech_gettext(
            "The file has more than %(max)s rows. Split it into smaller files.", max=limit
        )
    ]


def test_import_refuses_a_workbook_that_unpacks_too_large(client, social_worker, monkeypatch):
    monkeypatch.setattr(bulk_import, "MAX_UNPACKED_BYTES", 1000)
    out = io.BytesIO()
    Workbook().save(out)
    client.force_login(social_worker)

    response = preview(client, SimpleUploadedFile("byty.xlsx", out.getvalue()))

    assert form_errors(response) == [
        czech_gettext("The workbook holds too much. Keep only the sheet of flats in it.")
    ]


# --- Access ------------------------------------------------------------------------------------


def test_import_is_forbidden_to_those_who_only_read_flats(client, administrator):
    client.force_login(administrator)

    assert client.get(IMPORT_URL).status_code == 403


def test_export_is_forbidden_to_provider_staff(client, staff):
    client.force_login(staff[Role.PROVIDER_STAFF])

    assert client.get(EXPORT_URL).status_code == 403


def test_export_refuses_post(client, social_worker):
    client.force_login(social_worker)

    assert client.post(EXPORT_URL).status_code == 405


def test_import_refuses_put(client, social_worker):
    client.force_login(social_worker)

    assert client.put(IMPORT_URL).status_code == 405
