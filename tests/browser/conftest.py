"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser builds cannot be downloaded here, so the launch points at the system
Chromium (KMB_CHROMIUM overrides the path). Without a Chromium the tests skip, except where
KMB_REQUIRE_BROWSER=1 (CI): there a missing browser must fail the run, not pass it quietly.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, expect

# Playwright's sync API runs an event loop in the main thread, and Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate. Process-wide on purpose: the
# session-scoped browser keeps that loop alive for every test collected after these ones too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("KMB_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach Google's servers and logs the failures.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHROMIUM_MISSING = (
    f"Chromium not found at {CHROMIUM}; install Debian's chromium package "
    "(apt-get install chromium) or point KMB_CHROMIUM at the binary."
)
BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parents[1]
SCREENSHOTS = REPO_ROOT / "test-results" / "screenshots"
PASSWORD = "kmb-demo-2026"  # tests.factories.accounts.UserFactory's password

# Reports every Content-Security-Policy violation to the test, whether or not the browser also logs
# it to the console. Playwright injects this over the DevTools protocol, so the CSP does not apply.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.kmbReportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def _chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _browser_required() -> bool:
    return os.environ.get("KMB_REQUIRE_BROWSER") == "1"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    skip_all = not _chromium_available() and not _browser_required()
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if skip_all:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not _chromium_available():
        # Only reached with KMB_REQUIRE_BROWSER=1; otherwise the tests were skipped at collection.
        pytest.fail(f"KMB_REQUIRE_BROWSER=1, but {CHROMIUM_MISSING}", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "cs-CZ"}


@pytest.fixture
def page_problems(page: Page) -> list[str]:
    """Console errors, uncaught script errors and CSP violations of every page the test opens.

    A healthy page reports none; tests assert the list stays empty.
    """
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.expose_function(
        "kmbReportCspViolation", lambda text: problems.append(f"CSP violation: {text}")
    )
    page.add_init_script(_REPORT_CSP_VIOLATIONS)
    return problems


def czech(message: str) -> str:
    """The Czech translation the app shows for an English source string."""
    with translation.override("cs"):
        return translation.gettext(message)


@pytest.fixture
def log_in(live_server) -> Callable[[Page, object], None]:
    """Log a user in through the real login form, as a person would, and wait for the home page."""

    def _log_in(page: Page, user) -> None:
        with translation.override("cs"):
            labels = {name: str(field.label) for name, field in AuthenticationForm().fields.items()}
        page.goto(live_server.url + reverse("login"))
        # Not exact: crispy-forms appends an asterisk to the labels of required fields.
        page.get_by_label(labels["username"]).fill(user.username)
        page.get_by_label(labels["password"]).fill(PASSWORD)
        page.get_by_role("button", name=czech("Log in"), exact=True).click()
        expect(page).to_have_url(live_server.url + reverse("home"))
        page.wait_for_load_state()

    return _log_in
