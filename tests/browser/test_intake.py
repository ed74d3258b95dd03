"""A social worker registers a new household through the intake form and finds it again."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, Response, expect

from clients.models import (
    BenefitKind,
    BenefitState,
    CaseReason,
    CaseStatus,
    Client,
    DsspComponent,
    Ethos,
    IncomeKind,
    Relationship,
)
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

REASONS = [CaseReason.HOUSING_NEED, CaseReason.ARREARS]


@pytest.fixture
def liberec_worker(db):
    """A social worker of the KMB in Liberec, whose ORP has two municipalities."""
    orp = OrpFactory(name="Liberec")
    MunicipalityFactory(orp=orp, name="Liberec", population=104_000)
    MunicipalityFactory(orp=orp, name="Chrastava", population=6_300)
    office = OrganisationFactory(name="KMB Liberec", orp=orp)
    # Another open case of the office, so that the search visibly narrows the list.
    CaseFactory(household__kmb=office, applicant__first_name="Karel", applicant__last_name="Dvořák")
    return UserFactory(
        username="pracovnice",
        first_name="Jana",
        last_name="Svobodová",
        organisation=office,
    )


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field with exactly this label, capitalised as Django capitalises a model field's
    verbose name (crispy-forms marks required fields with *)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(capfirst(label))}\s*\*?\s*$"))


def section(page: Page, number: int) -> Locator:
    """One numbered card of the intake form (by number: the titles are for people to word)."""
    heading = page.get_by_role("heading", level=2, name=re.compile(rf"^{number}\. "))
    return page.locator(".card").filter(has=heading)


def fill_intake(page: Page, worker) -> None:
    applicant = section(page, 1)
    field(applicant, czech("first name")).fill("Žofie")
    field(applicant, czech("last name")).fill("Nováková")
    field(applicant, czech("date of birth")).fill("1991-04-12")
    field(applicant, czech("phone")).fill("603 123 456")

    member = section(page, 2).get_by_test_id("member-row").first
    field(member, czech("first name")).fill("Eliška")
    field(member, czech("last name")).fill("Nováková")
    field(member, czech("date of birth")).fill("2016-09-03")
    field(member, czech("relationship to the applicant")).select_option(Relationship.CHILD.value)
    field(member, czech("dependent child")).check()

    housing = section(page, 3)
    field(housing, czech("ETHOS category")).select_option(Ethos.INSECURE_ACCOMMODATION.value)
    field(housing, czech("permanent residence")).select_option(label="Liberec")

    money = section(page, 4)
    field(money, czech("kind of income")).first.select_option(IncomeKind.EMPLOYMENT.value)
    field(money, czech("per month (CZK)")).first.fill("18500")
    field(money, czech("benefit")).first.select_option(label=czech(BenefitKind.DSSP.label))
    field(money, czech("DSSP component")).first.select_option(label="Bydlení")
    field(money, czech("state")).first.select_option(label="Přiznáno")
    field(money, czech("amount (CZK)")).first.fill("4200")

    case = section(page, 6)
    for reason in REASONS:
        case.get_by_label(czech(reason.label), exact=True).check()
    # The worker who registers the household is offered as its case manager; keep it.
    expect(field(case, czech("Case manager"))).to_have_value(str(worker.pk))


def test_social_worker_registers_a_household_and_finds_it_by_name(
    page: Page, page_problems, live_server, log_in, liberec_worker
):
    log_in(page, liberec_worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.get_by_test_id("main-nav").get_by_role("link", name=czech("New client")).click()
    expect(page).to_have_url(live_server.url + reverse("clients:intake"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("New client"))
    fill_intake(page, liberec_worker)
    page.screenshot(path=SCREENSHOTS / "intake-form.png", full_page=True)

    page.get_by_role("button", name="Zaevidovat domácnost").click()

    # The case page of the new household.
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/.+/\d+/$"))
    applicant = Client.objects.get(search_name="zofie novakova")
    case = applicant.household.cases.get()
    expect(page).to_have_url(live_server.url + case.get_absolute_url())
    expect(page.get_by_role("alert").filter(has_text=case.number)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Žofie Nováková")
    expect(page.get_by_test_id("case-status")).to_have_text("Aktivní")
    members = page.locator("section").filter(has=page.locator("#members-title"))
    expect(members.get_by_role("row").filter(has_text="Eliška Nováková")).to_contain_text(
        czech(Relationship.CHILD.label)
    )
    expect(members.get_by_role("row").filter(has_text="Žofie Nováková")).to_contain_text(
        czech(Relationship.APPLICANT.label)
    )
    situation = page.locator("section").filter(has=page.locator("#situation-title"))
    expect(situation).to_contain_text(czech(Ethos.INSECURE_ACCOMMODATION.label))
    money = page.locator("section").filter(has=page.locator("#money-title"))
    expect(money).to_contain_text(czech(IncomeKind.EMPLOYMENT.label))
    expect(money).to_contain_text("Bydlení")
    expect(money).to_contain_text("Přiznáno")
    the_case = page.locator("section").filter(has=page.locator("#case-title"))
    for reason in REASONS:
        expect(the_case).to_contain_text(czech(reason.label))
    needs = page.locator("section").filter(has=page.locator("#needs-title"))
    expect(needs).to_contain_text("Liberec")
    page.screenshot(path=SCREENSHOTS / "case-detail.png", full_page=True)

    # What the form sent is what was stored.
    household = applicant.household
    assert applicant.birth_date == datetime.date(1991, 4, 12)
    assert applicant.phone_digits == "603123456"
    assert case.status == CaseStatus.ACTIVE
    assert case.case_manager == liberec_worker
    assert sorted(case.reasons.values_list("reason", flat=True)) == sorted(REASONS)
    assert household.permanent_residence.name == "Liberec"
    assert household.members.count() == 2
    assert household.situations.get().ethos == Ethos.INSECURE_ACCOMMODATION
    income = household.incomes.get()
    assert (income.kind, income.monthly_amount) == (IncomeKind.EMPLOYMENT, Decimal("18500"))
    benefit = household.benefits.get()
    assert (benefit.kind, benefit.dssp_component, benefit.state, benefit.amount) == (
        BenefitKind.DSSP,
        DsspComponent.HOUSING,
        BenefitState.GRANTED,
        Decimal("4200"),
    )

    # Found again by the surname typed without diacritics, with the search button…
    page.get_by_test_id("main-nav").get_by_role("link", name=czech("Cases")).click()
    rows = page.get_by_test_id("case-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    search_box = page.get_by_role("textbox", name=czech("Search"))
    # Set without an input event, so that the list's debounced search-as-you-type cannot stand in
    # for a broken button; typing gets its own check below.
    search_box.evaluate("(box, text) => { box.value = text; }", "novakova")
    with page.expect_response(lambda response: "q=novakova" in response.url) as search:
        page.get_by_role("button", name=czech("Search"), exact=True).click()
    assert search.value.ok
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Žofie Nováková")
    expect(page).to_have_url(re.compile(r"[?&]q=novakova(&|$)"))
    page.screenshot(path=SCREENSHOTS / "case-search.png", full_page=True)

    # …and by typing alone: htmx replaces the table without reloading the page.
    page.goto(live_server.url + reverse("clients:case-list"))
    expect(rows).to_have_count(2)
    page.evaluate("window.kmbSamePage = true")

    def is_search(response: Response) -> bool:
        request = response.request
        return request.headers.get("hx-request") == "true" and "q=novakova" in request.url

    with page.expect_response(is_search) as typed_search:
        search_box.press_sequentially("novakova")
    assert typed_search.value.ok
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Žofie Nováková")
    assert page.evaluate("window.kmbSamePage") is True
    expect(page).to_have_url(re.compile(r"[?&]q=novakova(&|$)"))
    assert page_problems == []
