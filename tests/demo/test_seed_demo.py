from django.apps import apps
from django.core.management import call_command

from clients.models import Case, CaseStatus, Client, Household
from demo.builders import DEMO_LOGINS
from kmb.accounts.models import User


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "territory", "clients"}
    }


def test_seed_demo_builds_a_kmb_with_case_files_and_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    first = row_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == first
    assert set(User.objects.values_list("username", flat=True)) >= {
        login.username for login in DEMO_LOGINS
    }
    assert Household.objects.count() >= 250
    social_worker = User.objects.get(username="socialni")
    assert Case.objects.open().managed_by(social_worker).count() >= 20
    assert Case.objects.filter(status=CaseStatus.NEW, case_manager__isnull=True).exists()
    # The folded search fields are filled, so the demo can be searched without diacritics.
    assert not Client.objects.filter(search_name="").exists()
