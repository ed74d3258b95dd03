"""Each role logs in through the real form and sees its own home page and navigation."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from kmb.access import navigation_for
from kmb.accounts.models import Role
from tests.browser.conftest import SCREENSHOTS, czech

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_home_shows_the_navigation_of_each_role(
    page: Page, page_problems, live_server, log_in, staff, role
):
    user = staff[role]
    with translation.override("cs"):
        expected_labels = [str(item.label) for item in navigation_for(user)]
        expected_urls = [reverse(item.url_name) for item in navigation_for(user)]

    log_in(page, user)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"home-{role.value}.png", full_page=True)

    # Links in a drop-down are hidden until it opens; they belong to the navigation all the same.
    links = page.get_by_test_id("main-nav").get_by_role("link", include_hidden=True)
    expect(links).to_have_text(expected_labels)
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == expected_urls
    assert "Přehled" in expected_labels
    expect(page.locator("html")).to_have_attribute("lang", "cs")
    assert page_problems == []


def test_logging_out_through_the_user_menu_returns_to_the_login_page(
    page: Page, page_problems, live_server, log_in, social_worker
):
    log_in(page, social_worker)

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Odhlásit").click()

    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text(czech("Log in to KMB"))
    # The session is really gone: the home page sends the visitor back to log in.
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}?next=/")
    assert page_problems == []


def test_login_page_switches_to_english(page: Page, page_problems, live_server):
    page.goto(live_server.url + reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", "cs")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to KMB")
    expect(page).to_have_url(live_server.url + reverse("login"))
    assert page_problems == []
