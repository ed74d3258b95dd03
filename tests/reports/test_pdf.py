"""The monthly report PDF: what its text says (pypdf), small counts suppressed, the archive keeps
who issued it, when, for what and the SHA-256 of the very bytes."""

import datetime
import hashlib
import io
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from pytest_django.asserts import assertRedirects

from clients.models import Client
from kmb.accounts.models import Role
from reports.charts import Bar, html_bar_chart
from reports.models import IndicatorTarget, IssuedReport, ProjectPeriod
from reports.pdf import fixed_columns
from reports.queries import Area
from reports.report import build_report, printed
from reports.services import issue_report
from tests.factories.accounts import MunicipalityFactory, OrpFactory
from tests.reports.helpers import MONTH, build_world, czech


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(kmb_office, other_kmb_office, social_worker):
    return build_world(kmb_office, other_kmb_office, social_worker)


@pytest.fixture
def period(kmb_office):
    period = ProjectPeriod.objects.create(
        kmb=kmb_office,
        name="Housing First Testov 2026",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    IndicatorTarget.objects.create(
        period=period, indicator="households_registered", target=Decimal(40)
    )
    return period


@pytest.fixture
def issued(world, period, kmb_office, manager):
    report = issue_report(kmb=kmb_office, month=MONTH, by=manager)
    if os.environ.get("KMB_KEEP_PDF"):
        with open(os.environ["KMB_KEEP_PDF"], "wb") as file:
            file.write(bytes(report.pdf))
    return report


def test_issued_report_is_archived_with_its_hash(issued, kmb_office, manager):
    stored = IssuedReport.objects.get()

    assert stored == issued
    assert (stored.kmb, stored.issued_by, stored.municipality) == (kmb_office, manager, None)
    assert stored.month == datetime.date(2026, 10, 1)
    assert bytes(stored.pdf).startswith(b"%PDF-")
    assert stored.sha256 == IssuedReport.digest(bytes(stored.pdf))
    assert stored.parameters["month"] == "2026-10"


def lines_of(pdf: bytes) -> list[str]:
    return text_of(pdf).splitlines()


def test_pdf_has_a_cover_and_contents(issued):
    lines = lines_of(bytes(issued.pdf))

    assert lines[:4] == ["KMB Testov", czech("Monthly report"), "říjen 2026", "ORP Testov"]
    assert f"{czech('Issued by')} Ctibor Vedoucí" in lines
    assert czech("Contents") in lines
    assert any(line.startswith(czech("Project targets") + " ...") for line in lines)
    # Page numbers in the margin: "n / pages" at the foot of each page but the first.
    pages = PdfReader(io.BytesIO(bytes(issued.pdf))).pages
    assert pages[-1].extract_text().rstrip().endswith(f"{len(pages)} / {len(pages)}")
    assert pages[1].extract_text().rstrip().endswith(f"2 / {len(pages)}")


def test_pdf_has_the_figures_with_the_previous_month(issued):
    lines = lines_of(bytes(issued.pdf))

    # 7 households in October, 3 in September: "<5", so no change is shown.
    assert f"{czech('Households registered')} 7 <5" in lines
    assert f"{czech('Consultations')} 12 8 +4" in lines
    assert f"{czech('Leases signed')} <5 0" in lines
    # The targets: 10 households registered since 1 September, 6.7 expected by the end of October
    # (a long label wraps in its narrow column).
    words = " ".join(text_of(bytes(issued.pdf)).split())
    assert f"{czech('Households registered')} 40 10 6,7 25,0 %" in words


def test_pdf_names_nobody(issued, world):
    text = text_of(bytes(issued.pdf))

    names = Client.objects.values_list("first_name", "last_name")
    assert names
    assert [
        (first, last) for first, last in names if f"{first} {last}" in text or last in text
    ] == []


def test_pdf_of_a_small_municipality_does_not_name_it(world, kmb_office, manager):
    issued = issue_report(kmb=kmb_office, month=MONTH, municipality=world["village"], by=manager)

    lines = lines_of(bytes(issued.pdf))
    label = czech(
        "a municipality under %(population)s inhabitants (ORP %(orp)s)",
        population="2\xa0000",
        orp="Testov",
    )
    assert lines[3] == label
    assert "Lhota" not in text_of(bytes(issued.pdf))
    assert issued.municipality == world["village"]
    assert issued.parameters["area"] == label
    # Its two households: "<5" this month.
    assert f"{czech('Households registered')} <5 0" in lines


# --- Issuing through the pages ----------------------------------------------------------------


def test_manager_issues_the_report_and_downloads_it_unchanged(client, manager, world, period):
    client.force_login(manager)

    response = client.post(reverse("reports:issue"), {"month": "2026-10", "municipality": ""})

    issued = IssuedReport.objects.get()
    assertRedirects(response, reverse("reports:issued-report-list"))
    assert (issued.month, issued.municipality, issued.issued_by) == (
        datetime.date(2026, 10, 1),
        None,
        manager,
    )
    download = client.get(issued.get_absolute_url())
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="kmb-kmb-testov-2026-10-{issued.pk}.pdf"'
    )
    assert download.content == bytes(issued.pdf)
    assert hashlib.sha256(download.content).hexdigest() == issued.sha256


def test_issue_form_refuses_a_municipality_of_another_orp(client, manager, world):
    elsewhere = MunicipalityFactory(orp=OrpFactory(name="Jinde"))
    client.force_login(manager)

    response = client.post(
        reverse("reports:issue"), {"month": "2026-10", "municipality": elsewhere.pk}
    )

    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert IssuedReport.objects.count() == 0


def test_social_worker_may_not_issue(client, social_worker, world):
    client.force_login(social_worker)

    response = client.post(reverse("reports:issue"), {"month": "2026-10"})

    assert response.status_code == 403
    assert IssuedReport.objects.count() == 0


def test_issue_refuses_other_methods(client, manager):
    client.force_login(manager)

    assert client.put(reverse("reports:issue")).status_code == 405


def archived(kmb, manager, month: int, municipality=None) -> IssuedReport:
    pdf = f"%PDF-1.7 {month}".encode()
    return IssuedReport.objects.create(
        kmb=kmb,
        month=datetime.date(2026, month, 1),
        municipality=municipality,
        parameters={"month": f"2026-{month:02d}", "area": "ORP Testov"},
        issued_by=manager,
        pdf=pdf,
        sha256=IssuedReport.digest(pdf),
    )


@pytest.mark.parametrize("count", [1, 3])
def test_archive_lists_the_kmbs_reports_with_their_hashes(
    client, manager, kmb_office, other_kmb_office, count, django_assert_num_queries
):
    reports = [archived(kmb_office, manager, month) for month in range(1, count + 1)]
    archived(other_kmb_office, manager, 5)
    client.force_login(manager)

    # Session, user, the page's count and rows; the navigation's notifications and
    # organisation; the session's update in a savepoint (3).
    with django_assert_num_queries(9):
        response = client.get(reverse("reports:issued-report-list"))

    assert list(response.context["page"]) == reports[::-1]
    html = response.content.decode()
    assert all(report.sha256 in html for report in reports)


def test_housing_department_downloads_the_reports_of_its_municipality(
    client, staff, kmb_office, manager
):
    user = staff[Role.HOUSING_DEPARTMENT]
    own = archived(kmb_office, manager, 9, municipality=user.organisation.municipality)
    archived(kmb_office, manager, 10)
    client.force_login(user)

    response = client.get(reverse("reports:issued-report-list"))

    assert list(response.context["page"]) == [own]


# --- Cheap to lay out -------------------------------------------------------------------------


def test_printed_bar_chart_is_html_with_the_svg_charts_rows():
    bars = [Bar("Debts", 40, "40", 20), Bar("Benefits", 10, "10", None), Bar("Legal", "<5", "<5")]

    with translation.override("en"):
        chart = html_bar_chart(bars, title="By topic")

    assert chart == (
        '<div class="bars compare" role="img" aria-label="By topic">'
        '<div class="label">Debts</div><div class="now w100">\xa040</div>'
        '<div class="prev w50"></div>'
        '<div class="label">Benefits</div><div class="now w25">\xa010</div>'
        '<div class="label">Legal</div><div class="now w0">\xa0&lt;5</div>'
        '<div class="legend"><span class="key"></span>this month'
        '<span class="key previous"></span>previous month</div></div>'
    )


def test_pdf_tables_have_measured_number_columns(world, kmb_office):
    report = printed(build_report(Area.of(kmb_office), MONTH, anonymised=True, area_name="ORP"))

    fixed = fixed_columns(report)

    clients = next(section for section in fixed.sections if section.key == "clients")
    assert [column.startswith("cw-") for column in clients.columns] == [True, True, True]
    # A wider text needs a wider column.
    month, _previous, change = (int(column[3:]) for column in clients.columns)
    assert month > change
