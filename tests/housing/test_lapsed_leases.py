"""Flats whose lease ended on a day recorded ahead of time: the flat pages show them free from the
next day, and the daily `free_lapsed_flats` job records it (once, by nobody, with history).
Time is frozen by patching django.utils.timezone.now."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains

from housing.models import Flat, FlatStatus, Lease, LeaseEndReason
from housing.services import leases as services
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory, LeaseFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


@pytest.fixture
def freeze(monkeypatch):
    """freeze(date): from now on it is noon of `date` in Prague."""

    def to(day: datetime.date) -> None:
        moment = datetime.datetime.combine(
            day, datetime.time(12), tzinfo=timezone.get_default_timezone()
        )
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return to


@pytest.fixture
def flat(kmb_office):
    municipality = MunicipalityFactory(name="Testov", orp=kmb_office.orp)
    return FlatFactory(municipality=municipality, street="Lipová", number="12")


@pytest.fixture
def lease(flat, kmb_office, social_worker):
    """A lease signed a month ago, whose end in ten days has been recorded today: the flat stays
    let until then."""
    household = CaseFactory(household__kmb=kmb_office).household
    lease = services.sign_lease(
        lease=Lease(
            flat=flat,
            household=household,
            start_on=TODAY - 30 * DAY,
            rent=Decimal("6000.00"),
        ),
        by=social_worker,
    )
    return services.end_lease(
        lease=lease, ended_on=TODAY + 10 * DAY, reason=LeaseEndReason.MOVED_OUT, by=social_worker
    )


def status_history(flat) -> list[tuple]:
    return list(
        flat.status_changes.order_by("changed_at", "pk").values_list(
            "from_status", "to_status", "by", "note"
        )
    )


def test_a_lease_ended_ahead_of_time_keeps_the_flat_let_until_its_last_day(lease, flat, freeze):
    freeze(TODAY + 10 * DAY)

    freed = services.free_lapsed_flats()

    flat.refresh_from_db()
    assert (freed, flat.status) == ([], FlatStatus.LET)
    assert list(Flat.objects.lapsed()) == []


def test_free_lapsed_flats_frees_the_flat_the_day_after_the_lease_ended(
    lease, flat, social_worker, freeze
):
    freeze(TODAY + 11 * DAY)

    freed = services.free_lapsed_flats()

    flat.refresh_from_db()
    assert (freed, flat.status) == ([flat], FlatStatus.FREE)
    assert status_history(flat) == [
        ("free", "let", social_worker.pk, str(lease)),
        ("let", "free", None, str(lease)),
    ]
    latest = flat.history.first()
    assert (latest.status, latest.history_user) == ("free", None)


def test_free_lapsed_flats_run_again_frees_nothing_more(lease, flat, freeze):
    freeze(TODAY + 11 * DAY)
    services.free_lapsed_flats()

    freed_again = services.free_lapsed_flats()

    assert freed_again == []
    assert len(status_history(flat)) == 2
    assert flat.history.count() == 3  # created, let with the lease, freed by the job


def test_free_lapsed_flats_keeps_a_flat_let_to_the_next_household(
    lease, flat, kmb_office, social_worker, freeze
):
    successor = services.sign_lease(
        lease=Lease(
            flat=flat,
            household=CaseFactory(household__kmb=kmb_office).household,
            start_on=TODAY + 11 * DAY,
            rent=Decimal("6000.00"),
        ),
        by=social_worker,
    )
    freeze(TODAY + 20 * DAY)

    freed = services.free_lapsed_flats()

    flat.refresh_from_db()
    assert (freed, flat.status, successor.is_running) == ([], FlatStatus.LET, True)


def test_free_lapsed_flats_leaves_flats_it_has_no_ended_lease_for(kmb_office, freeze):
    """A flat let without a lease in the system, and one whose lease passed its agreed end with
    no end recorded (the household may still live there): someone has to record what happened."""
    municipality = MunicipalityFactory(orp=kmb_office.orp)
    let_without_lease = FlatFactory(municipality=municipality, status=FlatStatus.LET)
    overstayed = LeaseFactory(
        flat__municipality=municipality,
        flat__status=FlatStatus.LET,
        start_on=TODAY - 400 * DAY,
        end_on=TODAY - 35 * DAY,
    )
    freeze(TODAY + 1 * DAY)

    freed = services.free_lapsed_flats()

    assert freed == []
    assert list(Flat.objects.filter(status=FlatStatus.LET).order_by("pk")) == [
        let_without_lease,
        overstayed.flat,
    ]


def test_free_lapsed_flats_command_says_how_many_flats_it_freed(lease, flat, freeze):
    freeze(TODAY + 11 * DAY)
    out = io.StringIO()

    call_command("free_lapsed_flats", stdout=out)

    summary = czech("Flats freed after their lease ended: %(count)s", count=1)
    with translation.override("cs"):
        flat_name = str(flat)
    assert out.getvalue() == f"{summary}\n  {flat_name}\n"
    flat.refresh_from_db()
    assert flat.status == FlatStatus.FREE


# --- The flat pages before the job has run ---------------------------------------------------


def test_flat_pages_show_a_flat_free_once_its_lease_has_ended(
    client, social_worker, lease, flat, freeze
):
    freeze(TODAY + 11 * DAY)
    client.force_login(social_worker)
    ended = lease.ended_on

    detail = client.get(flat.get_absolute_url())
    listing = client.get(reverse("housing:flat-list"))
    summary = client.get(reverse("housing:flat-summary"))
    owner_page = client.get(flat.owner.get_absolute_url())

    free = czech("Free")
    assertContains(detail, f'data-testid="flat-status">{free}</span>', html=False)
    assertContains(
        detail,
        czech(
            "The last lease ended on %(date)s: the flat is free. Its status history records it "
            "overnight.",
            date=f"{ended.day}. {ended.month}. {ended.year}",
        ),
    )
    assert detail.context["may_lease"] is True
    assert [(f, f.status_today) for f in listing.context["page"].object_list] == [(flat, "free")]
    assertContains(listing, f'<span class="badge text-bg-success">{free}</span>', html=False)
    #                                           free reserved let repair withdrawn
    assert summary.context["by_municipality"] == [("Testov", [1, 0, 0, 0, 0], 1)]
    assertContains(owner_page, f"<td>{free}</td>", html=False)
    assertNotContains(owner_page, f"<td>{czech('Let')}</td>", html=False)
    flat.refresh_from_db()
    assert flat.status == FlatStatus.LET  # a GET changes nothing


def test_flat_list_filters_by_todays_status(client, social_worker, lease, flat, freeze):
    freeze(TODAY + 11 * DAY)
    client.force_login(social_worker)
    url = reverse("housing:flat-list")

    free = client.get(url, {"status": "free"}).context["page"].object_list
    let = client.get(url, {"status": "let"}).context["page"].object_list

    assert (list(free), list(let)) == ([flat], [])


def test_flat_page_shows_the_flat_let_until_the_lease_ends(client, social_worker, lease, flat):
    client.force_login(social_worker)

    detail = client.get(flat.get_absolute_url())

    assertContains(detail, f'data-testid="flat-status">{czech("Let")}</span>', html=False)
    assertNotContains(detail, 'data-testid="lease-lapsed"')
    assert detail.context["may_lease"] is False


def test_flat_page_says_the_job_freed_the_flat(client, social_worker, lease, flat, freeze):
    freeze(TODAY + 11 * DAY)
    services.free_lapsed_flats()
    client.force_login(social_worker)

    detail = client.get(flat.get_absolute_url())

    assertContains(detail, czech("automatically, after the lease ended"))
    assertNotContains(detail, 'data-testid="lease-lapsed"')
