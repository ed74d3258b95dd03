"""A social worker adds a flat to the inventory and records its lease to a household of her KMB."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, expect

from housing.lease_forms import a_year_from
from housing.models import (
    Disposition,
    Flat,
    FlatKind,
    FlatStatus,
    FlatStatusChange,
    Lease,
    LeaseKind,
    Program,
)
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory
from tests.factories.housing import OwnerFactory

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\xa0"


@pytest.fixture
def liberec_office(db):
    """The KMB in Liberec, whose ORP has two municipalities (so the form asks which one)."""
    orp = OrpFactory(name="Liberec")
    MunicipalityFactory(orp=orp, name="Liberec", population=104_000)
    MunicipalityFactory(orp=orp, name="Chrastava", population=6_300)
    # Another ORP's municipality: not one where the Liberec KMB may add flats.
    MunicipalityFactory(orp=OrpFactory(name="Jablonec nad Nisou"), name="Jablonec nad Nisou")
    return OrganisationFactory(name="KMB Liberec", orp=orp)


@pytest.fixture
def worker(liberec_office):
    return UserFactory(
        username="pracovnice", first_name="Jana", last_name="Svobodová", organisation=liberec_office
    )


@pytest.fixture
def owner(liberec_office):
    # No flat yet: the owner is offered to the KMB that added it.
    return OwnerFactory(name="Statutární město Liberec", created_by_organisation=liberec_office)


@pytest.fixture
def case(liberec_office):
    """An open case of a household the Liberec KMB keeps the file of."""
    return CaseFactory(
        household__kmb=liberec_office,
        kmb=liberec_office,
        active=True,
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
    )


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field with exactly this label, capitalised as Django capitalises a model field's
    verbose name (crispy-forms marks required fields with *)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(capfirst(label))}\s*\*?\s*$"))


def fill_flat(page: Page, owner, *, deposit: str) -> None:
    field(page, czech("municipality")).select_option(label="Liberec")
    field(page, czech("street")).fill("Masarykova")
    field(page, czech("house number")).fill("1234/5")
    field(page, czech("postcode")).fill("460 01")
    field(page, czech("disposition")).select_option(Disposition.TWO_ONE.value)
    field(page, czech("rooms")).fill("2")
    field(page, czech("area (m²)")).fill("58.5")
    field(page, czech("floor")).fill("3")
    field(page, czech("kind")).select_option(label=czech(FlatKind.MUNICIPAL.label))
    field(page, czech("program")).select_option(label=czech(Program.SOCIAL.label))
    field(page, czech("rent (CZK a month)")).fill("6500")
    field(page, czech("service charges (CZK a month)")).fill("2100")
    field(page, czech("deposit (CZK)")).fill(deposit)
    field(page, czech("owner")).select_option(label=owner.name)


def test_social_worker_adds_a_flat_and_lets_it_to_a_household(
    page: Page, page_problems, live_server, log_in, worker, owner, case
):
    today = timezone.localdate()
    applicant = case.household.members.get()
    log_in(page, worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The empty inventory invites her to add the first flat.
    navigation = page.get_by_test_id("main-nav")
    with translation.override("cs"):
        housing_menu = translation.pgettext("navigation", "Housing")
    navigation.get_by_role("button", name=housing_menu).click()
    navigation.get_by_role("link", name=czech("Flats"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:flat-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("Flats"))
    expect(page.get_by_test_id("empty-flats")).to_be_visible()
    page.get_by_role("link", name=czech("Add a flat"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:flat-create"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("New flat"))
    # Only the municipalities of her KMB's ORP are offered.
    municipality_options = field(page, czech("municipality")).locator("option")
    expect(municipality_options).to_have_text(["---------", "Chrastava", "Liberec"])
    # A new flat is free unless she says otherwise.
    expect(field(page, czech("status"))).to_have_value(FlatStatus.FREE.value)

    # A deposit above three monthly rents (3 × 6,500 = 19,500) is refused next to its field…
    fill_flat(page, owner, deposit="20000")
    page.get_by_role("button", name=czech("Save"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:flat-create"))
    deposit = field(page, czech("deposit (CZK)"))
    expect(deposit).to_have_attribute("aria-invalid", "true")
    # The error is the field's description (aria-describedby), so a screen reader reads it too.
    # The field's description is its help text, then the error.
    limit = re.escape(czech("The deposit can be at most three monthly rents (%(max)s CZK)."))
    limit = limit.replace(re.escape("%(max)s"), r"19[\s\xa0]?500([.,]00)?")
    expect(deposit).to_have_accessible_description(re.compile(rf"{limit}$"))
    expect(page.locator(".invalid-feedback")).to_have_count(1)  # no other field complains
    # …and what she typed is kept for the correction.
    expect(field(page, czech("street"))).to_have_value("Masarykova")
    expect(field(page, czech("owner"))).to_have_value(str(owner.pk))
    page.screenshot(path=SCREENSHOTS / "flat-form.png", full_page=True)
    assert not Flat.objects.exists()
    assert not FlatStatusChange.objects.exists()

    # Three rents exactly is allowed.
    deposit.fill("13000")
    page.get_by_role("button", name=czech("Save"), exact=True).click()

    flat = Flat.objects.get()
    expect(page).to_have_url(live_server.url + flat.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text(
        czech("The flat has been added to the inventory.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Masarykova 1234/5, Liberec")
    expect(page.get_by_test_id("flat-status")).to_have_text(czech(FlatStatus.FREE.label))
    particulars = page.locator("section").filter(has=page.locator("#flat-title"))
    expect(particulars).to_contain_text("Masarykova 1234/5, 460 01 Liberec")
    expect(particulars).to_contain_text("2+1")
    expect(particulars).to_contain_text(f"6{NBSP}500 Kč")
    expect(particulars).to_contain_text(f"8{NBSP}600 Kč")  # rent and service charges
    expect(particulars).to_contain_text(f"13{NBSP}000 Kč")
    expect(particulars).to_contain_text(owner.name)
    expect(page.get_by_test_id("no-leases")).to_be_visible()

    # What the form sent is what was stored.
    assert (flat.municipality.name, flat.street, flat.number, flat.postcode) == (
        "Liberec",
        "Masarykova",
        "1234/5",
        "460 01",
    )
    assert (flat.disposition, flat.rooms, flat.area, flat.floor) == (
        Disposition.TWO_ONE,
        2,
        Decimal("58.5"),
        3,
    )
    assert (flat.rent, flat.service_charges, flat.deposit) == (
        Decimal("6500"),
        Decimal("2100"),
        Decimal("13000"),
    )
    assert (flat.kind, flat.program, flat.owner, flat.status) == (
        FlatKind.MUNICIPAL,
        Program.SOCIAL,
        owner,
        FlatStatus.FREE,
    )
    assert list(flat.status_changes.values_list("from_status", "to_status", "by")) == [
        ("", FlatStatus.FREE, worker.pk)
    ]

    # The lease: her KMB's household is offered by its applicant's name.
    page.get_by_role("link", name=czech("New lease"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("housing:lease-create", args=[flat.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("New lease"))
    household_label = czech("%(name)s (household no. %(number)s)") % {
        "name": "Žofie Nováková",
        "number": case.household.pk,
    }
    field(page, czech("household")).select_option(label=household_label)
    field(page, czech("start")).fill(today.isoformat())
    field(page, czech("rent (CZK a month)")).fill("6500")
    page.get_by_role("button", name=czech("Save"), exact=True).click()

    lease = Lease.objects.get()
    expect(page).to_have_url(live_server.url + lease.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text(czech("The lease has been recorded."))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{czech(LeaseKind.LEASE.label)} · Masarykova 1234/5, 460 01 Liberec"
    )
    expect(page.get_by_test_id("lease-state")).to_have_text(czech("running"))
    expect(page.get_by_test_id("tenant")).to_have_text(str(applicant))
    page.screenshot(path=SCREENSHOTS / "lease-detail.png", full_page=True)
    assert (lease.flat, lease.household, lease.kind) == (flat, case.household, LeaseKind.LEASE)
    assert (lease.start_on, lease.end_on) == (today, a_year_from(today))
    assert (lease.rent, lease.deposit) == (Decimal("6500"), Decimal("13000"))

    # Back on the flat's page: let, and the lease listed with the household's applicant.
    page.get_by_role("navigation", name=czech("Breadcrumb")).get_by_role(
        "link", name="Masarykova 1234/5, Liberec"
    ).click()
    expect(page).to_have_url(live_server.url + flat.get_absolute_url())
    expect(page.get_by_test_id("flat-status")).to_have_text(czech(FlatStatus.LET.label))
    expect(page.get_by_role("link", name=czech("New lease"), exact=True)).to_have_count(0)
    leases = page.get_by_test_id("lease-table").locator("tbody tr")
    expect(leases).to_have_count(1)
    expect(leases.first).to_contain_text(str(applicant))
    expect(leases.first).to_contain_text(f"{today.day}. {today.month}. {today.year}")
    expect(leases.first).to_contain_text(czech("running"))
    expect(leases.first.get_by_role("link", name=str(applicant))).to_have_attribute(
        "href", case.get_absolute_url()
    )
    history = page.get_by_test_id("status-history").locator("li")
    expect(history.first).to_contain_text(
        f"{czech(FlatStatus.FREE.label)} → {czech(FlatStatus.LET.label)}"
    )
    page.screenshot(path=SCREENSHOTS / "flat-detail.png", full_page=True)
    flat.refresh_from_db()
    assert flat.status == FlatStatus.LET
    assert page_problems == []
