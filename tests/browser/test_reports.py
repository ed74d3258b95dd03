"""A manager looks at the month on the dashboard, issues the monthly PDF report for the whole ORP
and downloads it again from the archive: the very bytes that were issued."""

import hashlib
import io

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from reports.models import IssuedReport
from tests.browser.conftest import SCREENSHOTS, czech
from tests.reports.helpers import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_issues_and_downloads_the_monthly_report(
    page: Page, page_problems, live_server, log_in, manager, kmb_office, other_kmb_office
):
    build_world(kmb_office, other_kmb_office, manager)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, manager)

    page.get_by_test_id("main-nav").get_by_role("link", name=czech("Reports"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("reports:dashboard"))
    page.get_by_label(czech("Month"), exact=True).fill("2026-10")
    page.get_by_role("button", name=czech("Show"), exact=True).click()
    expect(page.get_by_test_id("report-heading")).to_contain_text("říjen 2026")
    registered = page.locator('tr[data-indicator="households_registered"] td')
    expect(registered.nth(0)).to_have_text("7")
    expect(registered.nth(1)).to_have_text("3")
    expect(page.get_by_test_id("section-housing").locator("svg").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "reports-dashboard.png", full_page=True)

    page.get_by_role("link", name=czech("Monthly report (PDF)"), exact=True).first.click()
    expect(page).to_have_url(live_server.url + reverse("reports:issue"))
    page.get_by_label(czech("Month"), exact=True).fill("2026-10")
    page.get_by_role("button", name=czech("Issue the report"), exact=True).click()

    issued = IssuedReport.objects.get()
    expect(page).to_have_url(live_server.url + reverse("reports:issued-report-list"))
    row = page.locator(f'tr[data-report="{issued.pk}"]')
    expect(row).to_contain_text("říjen 2026")
    expect(row).to_contain_text(issued.sha256)
    page.screenshot(path=SCREENSHOTS / "reports-archive.png", full_page=True)

    with page.expect_download() as download:
        row.get_by_role("link", name=czech("Download")).click()
    content = download.value.path().read_bytes()
    assert download.value.suggested_filename == f"kmb-kmb-testov-2026-10-{issued.pk}.pdf"
    assert content == bytes(issued.pdf)
    assert hashlib.sha256(content).hexdigest() == issued.sha256
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "KMB Testov" in text
    assert "říjen 2026" in text
    assert page_problems == []
