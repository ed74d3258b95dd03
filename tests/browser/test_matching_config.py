"""A KMB manager makes Liberec's flats require permanent residence: the preview shows, before
anything is saved, which waiting household the rule would remove; then she saves it."""

import re

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from housing.models import MunicipalRules
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory, IncomeFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def liberec(db):
    orp = OrpFactory(name="Liberec")
    return {
        "liberec": MunicipalityFactory(orp=orp, name="Liberec", population=104_000),
        "chrastava": MunicipalityFactory(orp=orp, name="Chrastava", population=6_300),
        "office": OrganisationFactory(name="KMB Liberec", orp=orp),
    }


@pytest.fixture
def manager(liberec):
    return UserFactory(
        username="vedouci",
        first_name="Marta",
        last_name="Vedoucí",
        manager=True,
        organisation=liberec["office"],
    )


def waiting(office, residence):
    case = CaseFactory(household__kmb=office, kmb=office, active=True)
    case.household.permanent_residence = residence
    case.household.save()
    IncomeFactory(household=case.household, monthly_amount=20000)
    return HousingApplicationFactory(case=case)


def test_manager_previews_and_saves_a_residence_rule(
    page: Page, page_problems, live_server, log_in, liberec, manager
):
    from_liberec = waiting(liberec["office"], liberec["liberec"])
    from_chrastava = waiting(liberec["office"], liberec["chrastava"])
    FlatFactory(municipality=liberec["liberec"])
    log_in(page, manager)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + reverse("housing:matching-rules"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("Allocation rules"))
    rows = page.get_by_test_id("rules-row")
    expect(rows).to_have_count(2)
    rows.filter(has_text="Liberec").get_by_role("link", name=czech("Edit the rules")).click()
    url = reverse("housing:matching-rules-edit", args=[liberec["liberec"].pk])
    expect(page).to_have_url(live_server.url + url)

    # Ticking the rule refreshes the preview at once (htmx); nothing is saved.
    label = capfirst(czech("permanent residence in the municipality required"))
    page.get_by_label(re.compile(rf"^\s*{re.escape(label)}")).check()
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_test_id("removed")).to_have_text(from_chrastava.pseudonym)
    expect(preview.get_by_test_id("eligible-before")).to_have_text("2")
    expect(preview.get_by_test_id("eligible-after")).to_have_text("1")
    expect(preview).not_to_contain_text(from_liberec.pseudonym)
    applicant = from_chrastava.household.members.get()
    expect(preview).not_to_contain_text(applicant.last_name)
    page.screenshot(path=SCREENSHOTS / "matching-rules-preview.png", full_page=True)
    assert not MunicipalRules.objects.exists()

    # Without JavaScript the Preview button shows the same on the whole page.
    page.get_by_role("button", name=czech("Preview")).click()
    expect(page.get_by_test_id("removed")).to_have_text(from_chrastava.pseudonym)
    assert not MunicipalRules.objects.exists()

    page.get_by_role("button", name=czech("Save"), exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        czech("The allocation rules of %(municipality)s have been saved.")
        % {"municipality": "Liberec"}
    )
    rules = MunicipalRules.objects.get()
    assert (rules.municipality, rules.require_residence) == (liberec["liberec"], True)
    assert list(rules.history.values_list("history_user", flat=True)) == [manager.pk]
    expect(page.get_by_test_id("history")).to_contain_text("Vedoucí")

    # A maximum rent for programs without the rent is refused next to the field.
    page.locator("#id_max_rent_programs_0").check()  # the first program: social flats
    page.get_by_role("button", name=czech("Save"), exact=True).click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.locator("#id_max_rent")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=SCREENSHOTS / "matching-rules-error.png", full_page=True)
    assert MunicipalRules.objects.get().max_rent_programs == []
    assert page_problems == []
