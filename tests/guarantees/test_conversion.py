"""A lease converted to a standard lease takes its guarantees with it: they end on its last day
(housing sends `lease_converted`, guarantees end them), and a guarantee that cannot end then
stops the whole conversion."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from guarantees.models import Guarantee
from housing.models import Lease, Program
from housing.services import leases as housing_services
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import HouseholdFactory
from tests.factories.guarantees import ClaimFactory, GuaranteeFactory, GuaranteeFundFactory
from tests.factories.housing import FlatFactory, LeaseFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


@pytest.fixture
def lease(kmb_office):
    """A 12-month lease of a social flat that started a month ago."""
    testov = MunicipalityFactory(orp=kmb_office.orp, name="Testov")
    flat = FlatFactory(
        municipality=testov, rent=Decimal("4500.00"), max_permissible_rent=Decimal("5000.00")
    )
    return LeaseFactory(
        flat=flat, household=HouseholdFactory(kmb=kmb_office), rent=Decimal("4500.00")
    )


@pytest.fixture
def fund(lease):
    return GuaranteeFundFactory(municipality=lease.flat.municipality)


@pytest.fixture
def guarantee(lease, fund):
    """Over the whole lease."""
    return GuaranteeFactory(lease=lease, fund=fund)


def convert(lease, on, by):
    return housing_services.convert_to_standard_lease(
        lease=lease, on=on, new_rent=Decimal("8500.00"), by=by
    )


def test_conversion_ends_the_old_leases_guarantees_on_its_last_day(
    lease, fund, guarantee, social_worker
):
    ended_before = GuaranteeFactory(lease=lease, fund=fund, valid_until=TODAY - 10 * DAY)
    on = TODAY + 10 * DAY

    standard = convert(lease, on, social_worker)

    guarantee.refresh_from_db()
    ended_before.refresh_from_db()
    assert (guarantee.valid_from, guarantee.valid_until) == (lease.start_on, on - DAY)
    assert ended_before.valid_until == TODAY - 10 * DAY
    assert list(standard.guarantees.all()) == []
    latest = guarantee.history.first()
    assert (latest.valid_until, latest.history_user) == (on - DAY, social_worker)
    assert ended_before.history.count() == 1  # untouched


def test_conversion_is_refused_when_a_claim_is_dated_after_the_old_lease_would_end(
    lease, guarantee, social_worker
):
    ClaimFactory(guarantee=guarantee, claimed_on=TODAY)

    with pytest.raises(ValidationError) as refused:
        convert(lease, TODAY - 5 * DAY, social_worker)

    assert refused.value.messages == [
        czech(
            "A claim under a guarantee of this lease is dated %(date)s, after the lease ends: "
            "the guarantee cannot end before that day.",
            date=date_format(TODAY, "j. n. Y"),
        )
    ]
    lease.refresh_from_db()
    lease.flat.refresh_from_db()
    guarantee.refresh_from_db()
    assert (lease.ended_on, Lease.objects.count(), lease.flat.program) == (None, 1, Program.SOCIAL)
    assert guarantee.valid_until == lease.end_on


def test_conversion_is_refused_when_a_guarantee_starts_after_the_old_lease_would_end(
    lease, fund, social_worker
):
    later = GuaranteeFactory(lease=lease, fund=fund, valid_from=TODAY + 20 * DAY)

    with pytest.raises(ValidationError) as refused:
        convert(lease, TODAY + 10 * DAY, social_worker)

    assert refused.value.messages == [
        czech(
            "A guarantee of this lease starts on %(date)s, after the lease ends: change the "
            "guarantee's period first.",
            date=date_format((TODAY + 20 * DAY), "j. n. Y"),
        )
    ]
    later.refresh_from_db()
    assert (later.valid_from, later.valid_until, Lease.objects.count()) == (
        TODAY + 20 * DAY,
        lease.end_on,
        1,
    )


def test_lease_convert_form_ends_the_guarantee(client, social_worker, lease, guarantee):
    client.force_login(social_worker)
    on = TODAY + DAY

    client.post(
        reverse("housing:lease-convert", args=[lease.pk]),
        {"on": on.isoformat(), "new_rent": "8500"},
    )

    assert Guarantee.objects.get(pk=guarantee.pk).valid_until == TODAY
    assert Lease.objects.get(continues=lease).start_on == on


def test_lease_convert_form_tells_why_the_guarantee_stops_the_conversion(
    client, social_worker, lease, guarantee
):
    ClaimFactory(guarantee=guarantee, claimed_on=TODAY)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:lease-convert", args=[lease.pk]),
        {"on": (TODAY - 5 * DAY).isoformat(), "new_rent": "8500"},
    )

    assert response.context["form"].non_field_errors() == [
        czech(
            "A claim under a guarantee of this lease is dated %(date)s, after the lease ends: "
            "the guarantee cannot end before that day.",
            date=date_format(TODAY, "j. n. Y"),
        )
    ]
    assert Lease.objects.count() == 1


def test_housing_does_not_import_guarantees():
    """The conversion reaches guarantees through a signal: housing stays left of guarantees."""
    from pathlib import Path

    housing = Path(__file__).resolve().parents[2] / "housing"
    importing = [
        str(path.relative_to(housing))
        for path in housing.rglob("*.py")
        if "import guarantees" in (text := path.read_text()) or "from guarantees" in text
    ]
    assert importing == []
