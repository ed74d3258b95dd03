"""The demo housing stock (demo.housing): seed_demo builds it once, consistent with the services'
rules, and the demo users can open it."""

from collections import Counter, defaultdict
from itertools import pairwise

from django.core.management import call_command
from django.urls import reverse

from clients.models import CaseStatus
from guarantees.models import MUNICIPAL_CAP_RENTS, Claim, FundMovement, Guarantee, GuaranteeFund
from guarantees.services import with_balances
from housing.models import (
    Flat,
    FlatStatus,
    FlatStatusChange,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    Owner,
    OwnerKind,
    TenancyEvent,
    TenancyEventKind,
)
from housing.models.flats import MAX_DEPOSIT_RENTS
from kmb.accounts.models import User

COUNTED = [
    Flat,
    FlatStatusChange,
    Lease,
    LeaseExtension,
    TenancyEvent,
    Owner,
    Guarantee,
    Claim,
    FundMovement,
    GuaranteeFund,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_the_housing_stock_once(db, client):
    call_command("seed_demo", verbosity=0)
    first = counts()

    call_command("seed_demo", verbosity=0)

    assert counts() == first
    assert all(first.values()), first
    assert_no_flat_has_overlapping_leases()
    assert_funds_never_below_zero()
    assert_stock_is_believable()
    assert_demo_users_open_the_pages(client)


def assert_no_flat_has_overlapping_leases():
    leases = defaultdict(list)
    for lease in Lease.objects.order_by("start_on", "pk"):
        leases[lease.flat_id].append(lease)
    for flat_leases in leases.values():
        for earlier, later in pairwise(flat_leases):
            assert earlier.last_day is not None
            assert earlier.last_day < later.start_on


def assert_funds_never_below_zero():
    funds = list(with_balances(GuaranteeFund.objects.all()))
    assert len(funds) == 2
    for fund in funds:
        assert fund.current_balance >= 0
        assert fund.current_balance == GuaranteeFund.objects.get(pk=fund.pk).balance()
    for claim in Claim.objects.filter(state=Claim.State.PAID):
        assert claim.payout.amount == claim.amount_approved


def assert_stock_is_believable():
    assert 70 <= Flat.objects.count() <= 90
    statuses = Counter(Flat.objects.values_list("status", flat=True))
    assert set(statuses) == set(FlatStatus.values)
    assert statuses[FlatStatus.LET] > Flat.objects.count() / 2
    for flat in Flat.objects.all():
        assert flat.deposit <= flat.rent * MAX_DEPOSIT_RENTS
        history = list(flat.status_changes.order_by("changed_at", "pk"))
        assert history[0].from_status == ""
        assert history[-1].to_status == flat.status
        for before, after in pairwise(history):
            assert before.to_status == after.from_status
    # Each let flat has exactly the one running lease, to a household of KMB Liberec.
    running = Lease.objects.running().select_related("flat", "household__kmb")
    assert Counter(lease.flat_id for lease in running).most_common(1)[0][1] == 1
    assert {lease.flat.status for lease in running} == {FlatStatus.LET}
    assert running.count() == statuses[FlatStatus.LET]
    assert {lease.household.kmb.name for lease in Lease.objects.all()} == {"KMB Liberec"}
    reasons = set(Lease.objects.values_list("end_reason", flat=True))
    assert {LeaseEndReason.MOVED_OUT, LeaseEndReason.STANDARD_LEASE, LeaseEndReason.EVICTION} <= (
        reasons
    )
    assert Lease.objects.filter(continues__isnull=False).exists()
    assert LeaseExtension.objects.exists()
    notice = TenancyEvent.objects.filter(
        kind=TenancyEventKind.NOTICE_TO_QUIT, prevention_case__status=CaseStatus.PREVENTION
    )
    assert notice.exists()

    private = Owner.objects.filter(kind=OwnerKind.PRIVATE_PERSON)
    assert private.count() >= 6
    assert private.filter(engaged_on__isnull=False).count() > private.count() / 2

    for guarantee in Guarantee.objects.filter(by_municipality=True).select_related("lease__flat"):
        assert guarantee.cap <= guarantee.lease.flat.max_permissible_rent * MUNICIPAL_CAP_RENTS
    assert Guarantee.objects.ending_within(60).count() >= 2
    assert set(Claim.objects.values_list("state", flat=True)) == set(Claim.State.values)
    for guarantee in Guarantee.objects.all():
        assert guarantee.remaining_cap() >= 0


def assert_demo_users_open_the_pages(client):
    flat = (
        Flat.objects.filter(municipality__name="Liberec", status=FlatStatus.LET)
        .order_by("pk")
        .first()
    )
    lease = flat.leases.order_by("-start_on").first()
    pages = [
        reverse("housing:flat-list"),
        reverse("housing:flat-summary"),
        reverse("housing:flat-detail", args=[flat.pk]),
        reverse("housing:lease-detail", args=[lease.pk]),
        reverse("guarantees:guarantee-list"),
        reverse("guarantees:fund-list"),
    ]
    for username in ("socialni", "bytovy"):
        client.force_login(User.objects.get(username=username))
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (username, page)
