"""The housing department of Liberec holds a commission session: plans it, puts two reserved
flats on the agenda with their anonymised summaries, approves one, rejects the other (after being
told that a rejection needs reasons), closes the session and downloads the minutes."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from housing.models import (
    CommissionSession,
    Decision,
    DeclineParty,
    FlatStatus,
    ProposalStatus,
    Readiness,
    Recommendation,
    SessionStatus,
)
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import HousingSituationFactory, IncomeFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory, ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def liberec(db):
    orp = OrpFactory(name="Liberec")
    return MunicipalityFactory(orp=orp, name="Liberec", population=104_000)


@pytest.fixture
def clerk(liberec):
    return UserFactory(
        username="bytovy",
        first_name="Bára",
        last_name="Úřednice",
        housing_department=True,
        organisation=OrganisationFactory(
            name="Statutární město Liberec – odbor správy bytů",
            municipal=True,
            municipality=liberec,
        ),
    )


def reserved(liberec, *, street, surname, text):
    """A household of the Liberec KMB that reserved a flat in Liberec, recommended by its case
    manager."""
    kmb = OrganisationFactory(name="KMB Liberec", orp=liberec.orp)
    application = HousingApplicationFactory(
        case__household__kmb=kmb,
        case__kmb=kmb,
        case__household__permanent_residence=liberec,
        case__applicant__last_name=surname,
        recommendation=Recommendation.RECOMMEND,
        readiness=[Readiness.COOPERATES, Readiness.PAYS_REGULARLY],
        recommendation_text=text,
    )
    HousingSituationFactory(household=application.household, ethos="9")
    IncomeFactory(household=application.household)
    return ProposalFactory(
        application=application,
        flat=FlatFactory(
            municipality=liberec, street=street, number="12", status=FlatStatus.RESERVED
        ),
        status=ProposalStatus.RESERVED,
        # What propose() would have kept; the workflow's steps validate that it is there.
        snapshot={"score": 10},
    )


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(capfirst(label))}\s*\*?\s*$"))


def test_housing_department_holds_a_session_from_agenda_to_minutes(
    page: Page, page_problems, live_server, log_in, clerk, liberec
):
    first = reserved(
        liberec, street="Husova", surname="Nováková", text="Rodina spolupracuje a platí včas."
    )
    second = reserved(liberec, street="Jungmannova", surname="Dvořáková", text="Dluh městu splácí.")
    codes = [first.application.pseudonym, second.application.pseudonym]
    held_on = timezone.localdate() + datetime.timedelta(days=7)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, clerk)

    # No session yet: the page says what to do.
    navigation = page.get_by_test_id("main-nav")
    with translation.override("cs"):
        housing_menu = translation.pgettext("navigation", "Housing")
    navigation.get_by_role("button", name=housing_menu).click()
    navigation.get_by_role("link", name=czech("Commission"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:session-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("Housing commission"))
    expect(page.get_by_test_id("no-planned-sessions")).to_be_visible()

    page.get_by_role("link", name=czech("New session"), exact=True).click()
    field(page, czech("date of the session")).fill(held_on.isoformat())
    field(page, czech("place")).fill("Zasedací místnost radnice")
    page.get_by_role("button", name=czech("Save"), exact=True).click()

    session = CommissionSession.objects.get()
    expect(page).to_have_url(live_server.url + session.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text(
        czech("The session is planned. Add the proposals to its agenda.")
    )
    expect(page.get_by_test_id("empty-agenda")).to_be_visible()

    # Both reserved flats wait for the commission, each household under its code only.
    for code in codes:
        page.get_by_role("link", name=czech("Add to the agenda"), exact=True).click()
        waiting = 2 if code == codes[0] else 1
        expect(page.get_by_test_id("reserved-proposal")).to_have_count(waiting)
        page.get_by_label(re.compile(re.escape(code))).check()
        page.get_by_role("button", name=czech("Add to the agenda"), exact=True).click()
        expect(page).to_have_url(live_server.url + session.get_absolute_url())
    items = page.get_by_test_id("agenda-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(codes[0])
    expect(items.nth(0)).to_contain_text("Husova 12")
    expect(items.nth(0)).to_contain_text("Rodina spolupracuje a platí včas.")
    expect(items.nth(1)).to_contain_text(codes[1])
    expect(page.locator("main")).not_to_contain_text("Nováková")
    expect(page.locator("main")).not_to_contain_text("Dvořáková")
    page.screenshot(path=SCREENSHOTS / "commission-agenda.png", full_page=True)

    # Item 1: approved with a condition.
    items.nth(0).get_by_role("link", name=czech("Record the decision")).click()
    page.get_by_label(czech(Decision.APPROVE.label), exact=True).check()
    field(page, czech("Conditions")).fill("Podpora terénní služby 2 hodiny týdně.")
    page.get_by_role("button", name=czech("Record the decision"), exact=True).click()
    expect(page).to_have_url(live_server.url + session.get_absolute_url())
    expect(items.nth(0).get_by_test_id("decision")).to_contain_text(czech(Decision.APPROVE.label))

    # Item 2: a rejection without reasons is refused, then recorded with them.
    items.nth(1).get_by_role("link", name=czech("Record the decision")).click()
    page.get_by_label(czech(Decision.REJECT.label), exact=True).check()
    page.get_by_role("button", name=czech("Record the decision"), exact=True).click()
    reasons = field(page, czech("Reasons"))
    expect(reasons).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback")).to_have_text(czech("A rejection needs its reasons."))
    page.screenshot(path=SCREENSHOTS / "commission-item-rejection.png", full_page=True)
    reasons.fill("Byt je pro domácnost příliš drahý.")
    page.get_by_role("button", name=czech("Record the decision"), exact=True).click()
    expect(page).to_have_url(live_server.url + session.get_absolute_url())
    expect(items.nth(1).get_by_test_id("decision")).to_contain_text(czech(Decision.REJECT.label))

    # Every item decided: the session is closed.
    page.get_by_test_id("close-session").get_by_role("button").click()
    expect(page.get_by_test_id("session-status")).to_have_text(czech(SessionStatus.CLOSED.label))
    expect(page.get_by_role("link", name=czech("Add to the agenda"))).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "commission-closed.png", full_page=True)

    # The minutes: what the commission saw and decided, no names.
    href = page.get_by_test_id("minutes-link").get_attribute("href")
    minutes = page.request.get(live_server.url + href)
    assert minutes.headers["content-type"] == "application/pdf"
    (SCREENSHOTS / "commission-minutes.pdf").write_bytes(minutes.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(minutes.body())).pages)
    text = " ".join(text.split())
    for expected in [czech("Minutes of the housing commission"), *codes, "Husova 12"]:
        assert expected in text
    assert "Podpora terénní služby 2 hodiny týdně." in text
    assert "Byt je pro domácnost příliš drahý." in text
    assert "Nováková" not in text
    assert "Dvořáková" not in text

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.declined_by) == (
        ProposalStatus.APPROVED,
        ProposalStatus.DECLINED,
        DeclineParty.COMMISSION,
    )
    assert page_problems == []
