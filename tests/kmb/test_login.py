"""Logging in and out: throttling, idle sessions, Czech first."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

PASSWORD = "kmb-demo-2026"  # the factories' password
WRONG_CREDENTIALS = (
    "Zadejte správnou hodnotu pole uživatelské jméno a heslo. "
    "Pozor, obě pole mohou rozlišovat malá a velká písmena."
)
LOCKED_OUT = "Příliš mnoho neúspěšných přihlášení"


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_until_limit(client, username, **extra):
    """Mistype the password as often as the lockout allows; return the last response."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, username, "spatne-heslo", **extra)
    return response


# --- Login page --------------------------------------------------------------------------------


def test_login_page_is_in_czech_by_default(client, db):
    response = client.get(reverse("login"))

    assertContains(response, '<html lang="cs">')
    assertContains(response, "<title>Přihlásit se · KMB</title>", html=True)
    assertContains(response, '<h1 class="h3 mb-3">Přihlášení do KMB</h1>', html=True)
    assertContains(
        response, '<button type="submit" class="btn btn-primary w-100">Přihlásit se</button>'
    )
    assertContains(response, "Uživatelské jméno")
    assertContains(response, "Heslo")
    assertContains(response, "Zapomenuté heslo?")


def test_login_page_follows_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")

    assertContains(response, '<html lang="en">')
    assertContains(response, '<h1 class="h3 mb-3">Log in to KMB</h1>', html=True)
    assertNotContains(response, "Přihlášení do KMB")


def test_login_with_wrong_password_says_so_in_czech(client, social_worker):
    response = log_in(client, social_worker.username, "spatne-heslo")

    assertContains(response, WRONG_CREDENTIALS)
    assert "_auth_user_id" not in client.session


def test_login_goes_to_the_overview(client, social_worker):
    response = log_in(client, social_worker.username, PASSWORD)

    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(social_worker.pk)


# --- Throttling (django-axes) ------------------------------------------------------------------


def test_login_failures_below_the_limit_do_not_lock_out(client, social_worker):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, social_worker.username, "spatne-heslo")

    response = log_in(client, social_worker.username, PASSWORD)

    assert response.url == reverse("home")


def test_login_locks_out_after_failure_limit_with_czech_page(client, social_worker):
    response = fail_until_limit(client, social_worker.username)

    assert response.status_code == 429
    assertContains(response, f'<h1 class="h3 mb-3">{LOCKED_OUT}</h1>', html=True, status_code=429)
    assertContains(response, "Zapomenuté heslo?", status_code=429)


def test_login_locked_out_refuses_even_the_right_password(client, social_worker):
    fail_until_limit(client, social_worker.username)

    response = log_in(client, social_worker.username, PASSWORD)

    assertContains(response, LOCKED_OUT, status_code=429)
    assert "_auth_user_id" not in client.session


def test_login_lockout_page_says_how_long_the_block_lasts(client, social_worker):
    response = fail_until_limit(client, social_worker.username)

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assertContains(
        response,
        f"Z bezpečnostních důvodů je přihlášení k tomuto účtu z tohoto počítače na {minutes} "
        "minut zablokováno.",
        status_code=429,
    )


def test_login_lockout_leaves_colleagues_on_the_same_address_alone(client, social_worker, manager):
    fail_until_limit(client, social_worker.username)

    response = log_in(client, manager.username, PASSWORD)

    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_login_lockout_is_per_address(client, social_worker):
    fail_until_limit(client, social_worker.username, REMOTE_ADDR="203.0.113.7")

    response = log_in(client, social_worker.username, PASSWORD, REMOTE_ADDR="203.0.113.8")

    assert response.url == reverse("home")


# --- Idle sessions -----------------------------------------------------------------------------


def test_session_settings_end_sessions_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_each_request_pushes_the_expiry_thirty_minutes_ahead(client, social_worker):
    log_in(client, social_worker.username, PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    client.get(reverse("home"))

    session.refresh_from_db()
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_session_after_thirty_idle_minutes_needs_a_new_login(client, social_worker):
    log_in(client, social_worker.username, PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("home"))

    assert response.url == f"{reverse('login')}?next=/"


def test_footer_tells_the_user_about_the_idle_logout(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("home"))

    assertContains(
        response, "Kvůli ochraně údajů klientů budete po 30 minutách nečinnosti odhlášeni."
    )


# --- Logout ------------------------------------------------------------------------------------


def test_logout_refuses_get_and_keeps_the_session(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert client.session["_auth_user_id"] == str(social_worker.pk)


def test_logout_by_post_ends_the_session_and_shows_the_login_page(client, social_worker):
    client.force_login(social_worker)

    response = client.post(reverse("logout"))

    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).url == f"{reverse('login')}?next=/"
