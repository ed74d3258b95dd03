"""The cost of the web stack itself: a trivial authenticated page, and a login."""

from django.test import Client
from django.urls import reverse

from bench.timing import median_ms
from tests.factories.accounts import UserFactory

PASSWORD = "bench-password-2026"


def run(report) -> None:
    user = UserFactory(username="bench", password=PASSWORD)
    client = Client()
    client.force_login(user)
    page = reverse("accounts:profile")

    def bare_view():
        response = client.get(page)
        assert response.status_code == 200

    report("web.bare_view_ms", median_ms(bare_view, repeat=200), "ms")

    login_url = reverse("login")

    def login():
        fresh = Client()
        response = fresh.post(login_url, {"username": "bench", "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    # Dominated by the password hash, which is deliberately slow (PBKDF2).
    report("web.login_ms", median_ms(login, repeat=20), "ms")
