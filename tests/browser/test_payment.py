"""A social worker records a payment against a running repayment schedule from the case page."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from clients.debts import record_payment
from clients.models import DebtState, Payment
from clients.schedules import add_months
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.clients import CaseFactory, DebtFactory, RepaymentScheduleFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()
NBSP = "\xa0"


# Posts the payment form twice, one request after the other, as the browser would send it.
SUBMIT_THE_FORM_TWICE = """async () => {
  const form = document.querySelector("form[action$='/payments/new/']");
  const send = () =>
    fetch(form.action, {method: "POST", body: new FormData(form), redirect: "manual"});
  const first = await send();
  const second = await send();
  return [first.type, second.type];
}"""


def czech_date(day: datetime.date) -> str:
    return f"{day.day}. {day.month}. {day.year}"


@pytest.fixture
def schedule(kmb_office, social_worker):
    """10,000 CZK owed to ČEZ at 1,500 a month on the 1st, from two months ago; the first
    instalment paid on time, so 8,500 remain."""
    case = CaseFactory(
        household__kmb=kmb_office,
        kmb=kmb_office,
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
    )
    debt = DebtFactory(
        debtor=case.household.members.get(),
        creditor_name="ČEZ",
        original_amount=Decimal("10000.00"),
        state=DebtState.SCHEDULE,
    )
    schedule = RepaymentScheduleFactory(
        debt=debt,
        instalment=Decimal("1500.00"),
        first_due_on=add_months(TODAY, -2, 1),
        agreed_with="ČEZ Prodej, s. r. o.",
    )
    record_payment(
        schedule=schedule,
        paid_on=schedule.first_due_on,
        amount=Decimal("1500.00"),
        token=uuid.uuid4(),
        by=social_worker,
    )
    return schedule


def test_social_worker_records_a_payment_from_the_case_page(
    page: Page, page_problems, live_server, log_in, social_worker, schedule
):
    case = schedule.debt.debtor.household.cases.get()
    detail_url = live_server.url + reverse("clients:schedule-detail", args=[schedule.pk])
    log_in(page, social_worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + case.get_absolute_url())
    debts = page.locator("section").filter(
        has=page.get_by_role("heading", level=2, name="Dluhy", exact=True)
    )
    row = debts.get_by_role("row").filter(has_text="ČEZ")
    expect(row).to_contain_text(f"8{NBSP}500,00 Kč")
    expect(row).to_contain_text(czech("In a repayment schedule"))
    row.get_by_role("link", name=re.compile(r"^1\s500 Kč\/měsíc$")).click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{czech('Repayment schedule')}: ČEZ")
    yesterday = TODAY - datetime.timedelta(days=1)
    page.get_by_label("Zaplaceno dne").fill(yesterday.isoformat())
    page.get_by_label("Částka (Kč)").fill("2000")
    page.get_by_role("button", name="Zapsat platbu").click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("alert")).to_contain_text(czech("The payment has been recorded."))
    payments = page.get_by_role("table").get_by_role("row")
    expect(payments).to_have_count(3)  # the header, the first instalment, this payment
    expect(payments.nth(2)).to_contain_text(czech_date(yesterday))
    expect(payments.nth(2)).to_contain_text(f"2{NBSP}000,00")
    expect(payments.nth(2)).to_contain_text(social_worker.get_full_name())
    remaining = page.get_by_test_id("standing").locator(".card").filter(has_text="Zbývá")
    expect(remaining).to_contain_text(f"6{NBSP}500,00 Kč")
    page.screenshot(path=SCREENSHOTS / "schedule-detail.png", full_page=True)
    assert list(Payment.objects.values_list("paid_on", "amount", "recorded_by")) == [
        (schedule.first_due_on, Decimal("1500.00"), social_worker.pk),
        (yesterday, Decimal("2000.00"), social_worker.pk),
    ]

    # A double click on the button records the payment once. (Chromium folds the two clicks
    # into one submission; the one-time token in the form covers a second one that gets through.)
    page.get_by_label("Částka (Kč)").fill("500")
    page.get_by_role("button", name="Zapsat platbu").dblclick()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("alert")).to_contain_text(czech("The payment has been recorded."))
    expect(remaining).to_contain_text(f"6{NBSP}000,00 Kč")
    expect(payments).to_have_count(4)
    assert list(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("1500.00"),
        Decimal("2000.00"),
        Decimal("500.00"),
    ]

    # The same form really sent twice (as after a click on a slow connection): one payment.
    page.get_by_label("Částka (Kč)").fill("250")
    replies = page.evaluate(SUBMIT_THE_FORM_TWICE)
    page.reload()

    assert replies == ["opaqueredirect", "opaqueredirect"]  # both answered "recorded"
    expect(payments).to_have_count(5)
    expect(remaining).to_contain_text(f"5{NBSP}750,00 Kč")
    assert list(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("1500.00"),
        Decimal("2000.00"),
        Decimal("500.00"),
        Decimal("250.00"),
    ]
    schedule.debt.refresh_from_db()
    assert schedule.debt.current_amount == Decimal("5750.00")
    assert page_problems == []
