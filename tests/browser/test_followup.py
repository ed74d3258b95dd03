"""Follow-up: a social worker phones the housed households of her KMB and records a problem in the
worklist's row; the case manager sees the bell's badge, reads the notification and finds the case
in prevention."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from clients.models import CaseStatus
from housing.models import CheckIn, CheckInResult
from kmb.notifications.models import Notification
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.factories.providers import AssistancePlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def praha7(db):
    orp = OrpFactory(name="Praha 7")
    return OrganisationFactory(name="KMB Praha 7", orp=orp), MunicipalityFactory(
        orp=orp, name="Praha 7"
    )


@pytest.fixture
def case_manager(praha7):
    return UserFactory(
        username="manazerka", first_name="Alena", last_name="Vedená", organisation=praha7[0]
    )


@pytest.fixture
def caller(praha7):
    return UserFactory(
        username="volajici", first_name="Věra", last_name="Volající", organisation=praha7[0]
    )


def housed(praha7, case_manager, first, last, phone):
    office, municipality = praha7
    case = CaseFactory(
        household__kmb=office,
        status=CaseStatus.HOUSING,
        case_manager=case_manager,
        applicant__first_name=first,
        applicant__last_name=last,
        applicant__phone=phone,
    )
    LeaseFactory(
        flat=FlatFactory(municipality=municipality, street="Dukelských hrdinů", number="12"),
        household=case.household,
        start_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=200),
        end_on=None,
    )
    return case


def test_a_problem_found_on_the_phone_reaches_the_case_manager(
    page: Page, page_problems, live_server, log_in, praha7, case_manager, caller
):
    today = timezone.localdate()
    case = housed(praha7, case_manager, "Žofie", "Nováková", "603 123 456")
    housed(praha7, case_manager, "Eva", "Malá", "604 222 333")
    # Žofie's assistance plan was due for review three days ago.
    plan = AssistancePlanFactory(
        case=case,
        starts_on=today - datetime.timedelta(days=100),
        next_review_on=today - datetime.timedelta(days=3),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The caller opens this month's worklist from the menu: two households to call.
    log_in(page, caller)
    with translation.override("cs"):
        check_ins = translation.pgettext("navigation", "Check-ins")
    page.get_by_test_id("main-nav").get_by_role("link", name=check_ins).click()
    expect(page).to_have_url(live_server.url + reverse("housing:checkin-list"))
    counts = page.get_by_test_id("checkin-counts")
    expect(counts).to_contain_text(czech("To call: %(due)s") % {"due": 2})
    row = page.get_by_test_id("checkin-row").filter(has_text="Žofie Nováková")
    expect(row.get_by_role("link", name="603 123 456")).to_have_attribute("href", "tel:603123456")
    page.screenshot(path=SCREENSHOTS / "checkin-list.png", full_page=True)

    # She records arrears in Žofie's row; the row turns into the result, in place.
    row.get_by_label(czech("result")).select_option(CheckInResult.PROBLEMS.value)
    row.get_by_label(czech("rent paid")).select_option("false")
    row.get_by_label(czech("note")).fill("Dluh na nájmu za dva měsíce.")
    row.get_by_role("button", name=czech("Save")).click()
    expect(row.get_by_test_id("checkin-result")).to_have_text(czech(CheckInResult.PROBLEMS.label))
    expect(row.get_by_test_id("checkin-notice")).to_have_text(
        " ".join(
            czech(text)
            for text in (
                "The check-in has been recorded.",
                "The case is in prevention.",
                "A prevention step has been added to the assistance plan.",
                "The case manager has been notified.",
            )
        )
    )
    expect(counts).to_contain_text(czech("To call: %(due)s") % {"due": 1})
    expect(counts).to_contain_text(czech("Done: %(done)s") % {"done": 1})
    expect(page).to_have_url(live_server.url + reverse("housing:checkin-list"))
    page.screenshot(path=SCREENSHOTS / "checkin-recorded.png", full_page=True)
    assert list(CheckIn.objects.values_list("result", "rent_paid", "note", "by")) == [
        ("problems", False, "Dluh na nájmu za dva měsíce.", caller.pk)
    ]

    # The case manager logs in: the bell carries one unread notification, and her overview has
    # no call left to make this month but the plan's overdue review.
    page.context.clear_cookies()
    log_in(page, case_manager)
    expect(page.get_by_test_id("unread-count")).to_contain_text("1")
    alert = page.get_by_test_id("plan-alert")
    expect(alert).to_have_count(1)
    expect(alert.get_by_role("link")).to_have_text("Žofie Nováková")
    expect(alert.get_by_role("link")).to_have_attribute("href", plan.get_absolute_url())
    page.screenshot(path=SCREENSHOTS / "checkin-home.png", full_page=True)
    page.get_by_test_id("notifications-link").click()
    expect(page).to_have_url(live_server.url + reverse("notifications:list"))
    notification = page.get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(case.number)
    page.screenshot(path=SCREENSHOTS / "notifications.png", full_page=True)

    # Opening it marks it read and leads to the case, now in prevention.
    notification.get_by_role("button", name=czech("Show")).click()
    expect(page).to_have_url(live_server.url + case.get_absolute_url())
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    case.refresh_from_db()
    assert case.status == CaseStatus.PREVENTION
    assert Notification.objects.get().read_at is not None
    assert list(plan.goals.values_list("area", flat=True)) == ["housing"]
    assert plan.goals.get().steps.count() == 1
    assert page_problems == []
