"""A social worker opens a free flat's shortlist, reads why the best household fits, proposes the
flat to it and reserves it; the flat is then reserved and its shortlist says so."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from housing.models import FlatStatus, Proposal, ProposalStatus
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory, ClientFactory, IncomeFactory
from tests.factories.housing import FlatFactory, OwnerFactory
from tests.factories.matching import HousingApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def liberec_office(db):
    orp = OrpFactory(name="Liberec")
    MunicipalityFactory(orp=orp, name="Liberec", population=104_000)
    return OrganisationFactory(name="KMB Liberec", orp=orp)


@pytest.fixture
def worker(liberec_office):
    return UserFactory(
        username="pracovnice", first_name="Jana", last_name="Svobodová", organisation=liberec_office
    )


def household(kmb, first_name, last_name, *, days):
    """A couple earning 22,000 CZK a month, waiting for `days` days."""
    case = CaseFactory(
        household__kmb=kmb,
        kmb=kmb,
        applicant__first_name=first_name,
        applicant__last_name=last_name,
    )
    ClientFactory(household=case.household, relationship="partner")
    IncomeFactory(
        household=case.household,
        monthly_amount=22000,
        since=timezone.localdate() - datetime.timedelta(days=200),
    )
    return HousingApplicationFactory(
        case=case, submitted_on=timezone.localdate() - datetime.timedelta(days=days)
    )


def test_from_a_flats_shortlist_to_a_reserved_flat(
    page: Page, page_problems, live_server, log_in, worker, liberec_office
):
    liberec = liberec_office.orp.municipalities.get()
    flat = FlatFactory(
        municipality=liberec,
        street="Jablonecká",
        number="310/4",
        rent=Decimal("6500"),
        owner=OwnerFactory(name="Statutární město Liberec"),
    )
    first = household(liberec_office, "Marie", "Dlouhá", days=500)
    household(liberec_office, "Karel", "Krátký", days=20)
    log_in(page, worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # From the navigation to the overview, where the free flat waits with its shortlist.
    navigation = page.get_by_test_id("main-nav")
    with translation.override("cs"):
        housing_menu = translation.pgettext("navigation", "Housing")
    navigation.get_by_role("button", name=housing_menu).click()
    navigation.get_by_role("link", name=czech("Matching"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:matching-overview"))
    free_flats = page.get_by_test_id("free-flats")
    expect(free_flats).to_contain_text("Jablonecká 310/4")
    expect(page.get_by_test_id("figures")).to_contain_text("2")
    page.screenshot(path=SCREENSHOTS / "matching-overview.png", full_page=True)
    free_flats.get_by_role("link", name=czech("Shortlist"), exact=True).click()

    # The shortlist: both households fit, the one waiting longest first.
    expect(page).to_have_url(live_server.url + reverse("housing:matching-flat", args=[flat.pk]))
    candidates = page.get_by_test_id("candidate")
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0)).to_contain_text("Marie Dlouhá")
    expect(candidates.nth(1)).to_contain_text("Karel Krátký")
    candidates.nth(0).get_by_text(czech("Rules and score"), exact=True).click()
    expect(candidates.nth(0).get_by_test_id("rules")).to_be_visible()
    expect(candidates.nth(0).get_by_test_id("score-parts")).to_contain_text(czech("Waiting time"))
    page.screenshot(path=SCREENSHOTS / "matching-shortlist.png", full_page=True)

    # She proposes the flat to the first household…
    candidates.nth(0).get_by_role("button", name=czech("Propose"), exact=True).click()
    proposal = Proposal.objects.get()
    expect(page).to_have_url(live_server.url + proposal.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text("Byt byl domácnosti navržen.")
    expect(page.get_by_test_id("proposal-status")).to_have_text(czech("Proposed"))
    expect(page.get_by_role("heading", name=czech("Why this household?"))).to_be_visible()
    assert proposal.application == first

    # …and reserves it once the household has said yes.
    page.get_by_role("button", name=czech("Reserve the flat"), exact=True).click()
    expect(page).to_have_url(live_server.url + proposal.get_absolute_url())
    expect(page.get_by_role("alert").first).to_contain_text("Byt je pro domácnost rezervován.")
    expect(page.get_by_test_id("proposal-status")).to_have_text(czech("Flat reserved"))
    expect(page.get_by_test_id("events")).to_contain_text(czech("Flat reserved"))
    page.screenshot(path=SCREENSHOTS / "matching-reserved.png", full_page=True)
    proposal.refresh_from_db()
    flat.refresh_from_db()
    assert (proposal.status, flat.status) == (ProposalStatus.RESERVED, FlatStatus.RESERVED)

    # The flat's page and its shortlist agree: it is reserved, nothing more to propose.
    page.goto(live_server.url + flat.get_absolute_url())
    expect(page.get_by_test_id("flat-status")).to_have_text(czech("Reserved"))
    page.goto(live_server.url + reverse("housing:matching-flat", args=[flat.pk]))
    expect(page.get_by_test_id("not-free")).to_contain_text(czech("Reserved"))
    assert page_problems == []


def test_global_proposal_proposes_the_ticked_pairs(
    page: Page, page_problems, live_server, log_in, worker, liberec_office
):
    liberec = liberec_office.orp.municipalities.get()
    small = FlatFactory(municipality=liberec, street="Malá", rooms=1, area=Decimal("30"))
    large = FlatFactory(municipality=liberec, street="Velká", rooms=2, area=Decimal("55"))
    couple = household(liberec_office, "Marie", "Dlouhá", days=500)
    single = household(liberec_office, "Karel", "Krátký", days=20)
    single.household.members.exclude(relationship="applicant").delete()
    log_in(page, worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + reverse("housing:matching-global"))
    allocations = page.get_by_test_id("allocations")
    expect(allocations.locator("tbody tr")).to_have_count(2)
    page.screenshot(path=SCREENSHOTS / "matching-global.png", full_page=True)
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name=czech("Propose the ticked pairs"), exact=True).click()

    expect(page).to_have_url(live_server.url + reverse("housing:proposal-list"))
    expect(page.get_by_role("alert")).to_contain_text("Navržen 1 byt.")
    proposal = Proposal.objects.get()
    assert (proposal.application, proposal.flat) in {(single, small), (couple, large)}
    assert page_problems == []
