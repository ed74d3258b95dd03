import datetime

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from clients.debts import debt_analysis, schedules_behind
from clients.models import (
    Case,
    CaseStatus,
    Client,
    Debt,
    DebtState,
    Household,
    Payment,
    RepaymentSchedule,
)
from clients.models.debts import CONFIRMATION_VALID_DAYS
from clients.models.people import age_on
from demo.builders import DEMO_LOGINS
from kmb.accounts.models import User


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "territory", "clients"}
    }


def debt_counts() -> tuple[int, int, int]:
    return Debt.objects.count(), RepaymentSchedule.objects.count(), Payment.objects.count()


def test_seed_demo_builds_a_kmb_with_case_files_and_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    first = row_counts()
    debts = debt_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == first
    assert debt_counts() == debts
    debt_count, schedule_count, payment_count = debts
    assert debt_count > 300
    assert 40 <= schedule_count <= 60
    assert payment_count > 100
    assert set(User.objects.values_list("username", flat=True)) >= {
        login.username for login in DEMO_LOGINS
    }
    assert Household.objects.count() >= 250
    social_worker = User.objects.get(username="socialni")
    assert Case.objects.open().managed_by(social_worker).count() >= 20
    assert Case.objects.filter(status=CaseStatus.NEW, case_manager__isnull=True).exists()
    # The folded search fields are filled, so the demo can be searched without diacritics.
    assert not Client.objects.filter(search_name="").exists()
    assert_debts_are_believable_and_consistent_with_the_households()


def assert_debts_are_believable_and_consistent_with_the_households():
    """(Checked on the seed of the test above: seeding takes most of the test's time.)"""
    today = timezone.localdate()

    analysis = debt_analysis(Household.objects.all())
    assert 0.5 <= analysis.indebted / analysis.households <= 0.7
    assert 20_000 <= analysis.median <= 80_000
    assert 0.1 <= analysis.in_distraint / analysis.indebted <= 0.3
    assert analysis.in_insolvency >= 2
    states = set(Debt.objects.values_list("state", flat=True))
    assert states == set(DebtState.values)

    for debt in Debt.objects.select_related("debtor"):
        assert debt.since <= today
        assert age_on(debt.debtor.birth_date, debt.since) >= 15  # children owe nothing
    for schedule in RepaymentSchedule.objects.select_related("debt"):
        assert schedule.debt.since <= schedule.first_due_on
        assert schedule.first_due_on.day == schedule.day_of_month
    assert not Payment.objects.filter(paid_on__gt=today).exists()
    assert RepaymentSchedule.objects.filter(ended_on__isnull=False).exists()  # some paid off

    # The worklists have something to show: schedules behind (some in the demo social
    # worker's own cases) and debts to a municipality whose confirmation has gone stale.
    running = RepaymentSchedule.objects.running()
    assert len(schedules_behind(running)) >= running.count() / 4
    social_worker = User.objects.get(username="socialni")
    own = Case.objects.open().managed_by(social_worker).values("household")
    assert len(schedules_behind(running.filter(debt__debtor__household__in=own))) >= 3
    assert Debt.objects.confirmation_stale().exists()
    recently = today - datetime.timedelta(days=CONFIRMATION_VALID_DAYS)
    assert Debt.objects.to_municipality().filter(confirmed_on__gte=recently).exists()
