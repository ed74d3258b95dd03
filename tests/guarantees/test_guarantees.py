"""Guarantees on leases, their funds and claims: the arithmetic that must never break (a fund
never goes below zero, claims never exceed a guarantee's cap, a municipality's cap is at most
4 × the maximum permissible rent), the pages, the 60-day worklist and who sees what."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from guarantees import services
from guarantees.models import Claim, FundMovement, Guarantee, GuaranteeFund
from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import ClientFactory, HouseholdFactory
from tests.factories.guarantees import (
    ClaimFactory,
    FundMovementFactory,
    GuaranteeFactory,
    GuaranteeFundFactory,
)
from tests.factories.housing import FlatFactory, LeaseFactory

TODAY = timezone.localdate()
NBSP = "\xa0"  # the Czech thousands separator


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def czk(amount: str) -> str:
    """An amount as Czech pages and messages print it: "20 000,00" with a no-break space."""
    whole, cents = amount.split(".")
    return f"{int(whole):,}".replace(",", NBSP) + "," + cents


def field_error(response, name: str) -> str | None:
    """The error crispy-forms shows under the field `name`."""
    match = re.search(
        rf'<p id="error_1_id_{name}"><strong>(.*?)</strong></p>', response.content.decode()
    )
    return unescape(match[1]) if match else None


def help_text(response, name: str) -> str | None:
    """The help text crispy-forms shows under the field `name`."""
    match = re.search(
        rf'<div id="id_{name}_helptext" class="form-text">(.*?)</div>', response.content.decode()
    )
    return unescape(match[1]) if match else None


def refusal(call, **kwargs) -> dict | list:
    """The messages of the ValidationError the service raises (by field where it names one)."""
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def contribute(fund, amount: str, by, on=TODAY):
    return services.contribute(fund=fund, amount=Decimal(amount), on=on, note="", by=by)


# --- The world: a KMB, a municipality of its ORP with a flat let to a household ----------------


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Testov")


@pytest.fixture
def flat(testov):
    """Maximum permissible rent 5,000 CZK: a municipality's guarantee is at most 20,000 CZK."""
    return FlatFactory(
        municipality=testov,
        street="Husova",
        number="12",
        rent=Decimal("4500.00"),
        max_permissible_rent=Decimal("5000.00"),
    )


@pytest.fixture
def household(kmb_office):
    household = HouseholdFactory(kmb=kmb_office)
    ClientFactory(household=household, first_name="Marie", last_name="Zlatohlávková")
    return household


@pytest.fixture
def lease(flat, household):
    return LeaseFactory(flat=flat, household=household, rent=Decimal("4500.00"))


@pytest.fixture
def fund(testov, social_worker):
    """30,000 CZK put in."""
    fund = GuaranteeFundFactory(name="Garanční fond Testov", municipality=testov)
    FundMovementFactory(fund=fund, amount=Decimal("30000.00"), recorded_by=social_worker)
    return fund


@pytest.fixture
def guarantee(lease, fund):
    return GuaranteeFactory(lease=lease, fund=fund, cap=Decimal("20000.00"))


@pytest.fixture
def housing_department(testov):
    """Staff of Testov's housing department."""
    office = OrganisationFactory(municipal=True, municipality=testov, name="Testov – bytový odbor")
    return UserFactory(username="bytovy-testov", housing_department=True, organisation=office)


@pytest.fixture
def outsider(other_kmb_office):
    return UserFactory(username="cizi", organisation=other_kmb_office)


@pytest.fixture
def foreign_guarantee(other_kmb_office):
    """A guarantee in another KMB's ORP."""
    elsewhere = MunicipalityFactory(orp=other_kmb_office.orp, name="Jinde")
    lease = LeaseFactory(flat__municipality=elsewhere, household__kmb=other_kmb_office)
    return GuaranteeFactory(lease=lease)


# --- Fund balances ---------------------------------------------------------------------------


def test_fund_balance_is_contributions_less_payouts(testov, social_worker):
    fund = GuaranteeFundFactory(municipality=testov)
    other = GuaranteeFundFactory(municipality=testov)
    contribute(fund, "10000.00", social_worker)
    contribute(fund, "2500.50", social_worker)
    contribute(other, "99999.00", social_worker)
    FundMovementFactory(fund=fund, kind=FundMovement.Kind.PAYOUT, amount=Decimal("4000.25"))

    balances = {
        f.pk: f.current_balance for f in services.with_balances(GuaranteeFund.objects.all())
    }

    assert fund.balance() == Decimal("8500.25")
    assert balances == {fund.pk: Decimal("8500.25"), other.pk: Decimal("99999.00")}


def test_fund_balance_of_a_new_fund_is_zero(testov):
    fund = GuaranteeFundFactory(municipality=testov)

    (listed,) = services.with_balances(GuaranteeFund.objects.filter(pk=fund.pk))

    assert (fund.balance(), listed.contributed, listed.paid_out, listed.current_balance) == (
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
    )


def test_contribute_records_the_movement(testov, social_worker):
    fund = GuaranteeFundFactory(municipality=testov)

    movement = services.contribute(
        fund=fund,
        amount=Decimal("50000.00"),
        on=days(-3),
        note="Rozpočet města 2026",
        by=social_worker,
    )

    assert list(
        FundMovement.objects.values_list("fund", "kind", "amount", "on", "note", "recorded_by")
    ) == [
        (
            fund.pk,
            FundMovement.Kind.CONTRIBUTION,
            Decimal("50000.00"),
            days(-3),
            "Rozpočet města 2026",
            social_worker.pk,
        )
    ]
    assert movement.claim is None


@pytest.mark.parametrize(
    ("amount", "on", "errors"),
    [
        pytest.param("0", TODAY, {"amount": ["Enter an amount above zero."]}, id="zero"),
        pytest.param("-100", TODAY, {"amount": ["Enter an amount above zero."]}, id="negative"),
        pytest.param(
            "100",
            days(1),
            {"on": ["Record a contribution once the money has arrived."]},
            id="future",
        ),
    ],
)
def test_contribute_refuses_a_wrong_contribution(testov, social_worker, amount, on, errors):
    fund = GuaranteeFundFactory(municipality=testov)

    found = refusal(contribute, fund=fund, amount=amount, by=social_worker, on=on)

    assert found == {field: [czech(m) for m in messages] for field, messages in errors.items()}
    assert not FundMovement.objects.exists()


# --- The cap: 4 × the maximum permissible rent -----------------------------------------------


def guarantee_data(fund, **overrides) -> dict:
    return {
        "fund": fund.pk,
        "by_municipality": "on",
        "covers_rent": "on",
        "covers_damage": "on",
        "cap": "20000",
        "valid_from": TODAY.isoformat(),
        "valid_until": days(300).isoformat(),
        **overrides,
    }


def test_guarantee_create_records_a_municipal_guarantee_at_the_ceiling(
    client, social_worker, lease, fund
):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-create", args=[lease.pk]), guarantee_data(fund)
    )

    guarantee = Guarantee.objects.get()
    assertRedirects(response, guarantee.get_absolute_url())
    assert (
        guarantee.lease,
        guarantee.fund,
        guarantee.by_municipality,
        guarantee.covers_rent,
        guarantee.covers_damage,
        guarantee.cap,
        guarantee.valid_from,
        guarantee.valid_until,
    ) == (lease, fund, True, True, True, Decimal("20000.00"), TODAY, days(300))
    assert guarantee.history.latest().history_user == social_worker


def test_guarantee_create_refuses_a_municipal_cap_above_four_rents(
    client, social_worker, lease, fund
):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-create", args=[lease.pk]),
        guarantee_data(fund, cap="20000.01"),
    )

    message = czech(
        "A municipality's guarantee is at most 4 × the maximum permissible rent (%(max)s CZK).",
        max="20000.00",
    )
    assert response.context["form"].errors == {"cap": [message]}
    assert field_error(response, "cap") == message
    assert not Guarantee.objects.exists()


def test_guarantee_create_for_a_flat_without_maximum_rent_says_to_record_it(
    client, social_worker, lease, fund
):
    lease.flat.max_permissible_rent = None
    lease.flat.save()
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-create", args=[lease.pk]), guarantee_data(fund, cap="1000")
    )

    message = czech(
        "Record the flat's maximum permissible rent first: a municipality's guarantee "
        "is capped at four times it."
    )
    assert response.context["form"].errors == {"cap": [message]}
    assert field_error(response, "cap") == message
    assert not Guarantee.objects.exists()


def test_guarantee_create_by_another_guarantor_is_not_capped_by_the_rent(
    client, social_worker, lease, fund
):
    lease.flat.max_permissible_rent = None
    lease.flat.save()
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-create", args=[lease.pk]),
        guarantee_data(fund, by_municipality="", cap="50000"),
    )

    assert response.status_code == 302
    assert list(Guarantee.objects.values_list("by_municipality", "cap")) == [
        (False, Decimal("50000.00"))
    ]


def test_guarantee_create_shows_the_ceiling_and_suggests_the_terms(
    client, social_worker, lease, fund
):
    GuaranteeFundFactory(name="Fond jinde")  # another ORP: not offered
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-create", args=[lease.pk]))

    form = response.context["form"]
    ceiling = czech(
        "A municipality's guarantee is at most 4 × the maximum permissible rent: "
        "%(max)s CZK for this flat.",
        max=czk("20000.00"),
    )
    assert form.fields["cap"].help_text == ceiling
    assert help_text(response, "cap") == ceiling
    assert list(form.fields["fund"].queryset) == [fund]
    assert (form["cap"].value(), form["valid_from"].value(), form["valid_until"].value()) == (
        Decimal("20000.00"),
        lease.start_on,
        lease.end_on,
    )
    assertContains(response, "Marie Zlatohlávková")


def test_guarantee_create_without_maximum_rent_says_so_in_the_help(
    client, social_worker, lease, fund
):
    lease.flat.max_permissible_rent = None
    lease.flat.save()
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-create", args=[lease.pk]))

    assert response.context["form"].fields["cap"].help_text == czech(
        "The flat has no maximum permissible rent recorded: a municipality's guarantee needs "
        "it, as it is capped at four times it."
    )


def test_guarantee_create_without_a_fund_says_to_create_one(client, social_worker, lease):
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-create", args=[lease.pk]))

    assertContains(
        response,
        czech("There is no fund of this municipality or its ORP to pay the guarantee from."),
    )


def test_guarantee_create_refuses_a_period_outside_the_lease(client, social_worker, lease, fund):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-create", args=[lease.pk]),
        guarantee_data(
            fund,
            valid_from=(lease.start_on - datetime.timedelta(days=1)).isoformat(),
            valid_until=(lease.end_on + datetime.timedelta(days=1)).isoformat(),
        ),
    )

    assert response.context["form"].errors == {
        "valid_from": [
            czech(
                "The guarantee cannot start before the lease (%(date)s).",
                date=date_format(lease.start_on, "j. n. Y"),
            )
        ],
        "valid_until": [
            czech(
                "The guarantee cannot last beyond the lease (%(date)s).",
                date=date_format(lease.end_on, "j. n. Y"),
            )
        ],
    }
    assert not Guarantee.objects.exists()


def test_guarantee_edit_refuses_a_cap_below_what_claims_took(client, social_worker, guarantee):
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("12000.00"), approved=True)
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-edit", args=[guarantee.pk]),
        guarantee_data(
            guarantee.fund,
            cap="11999.99",
            valid_from=guarantee.valid_from.isoformat(),
            valid_until=guarantee.valid_until.isoformat(),
        ),
    )

    assert response.context["form"].errors == {
        "cap": [
            czech(
                "The claims already take %(committed)s CZK; the cap cannot be lower.",
                committed=czk("12000.00"),
            )
        ]
    }
    guarantee.refresh_from_db()
    assert guarantee.cap == Decimal("20000.00")


def test_guarantee_edit_saves_new_terms(client, social_worker, guarantee):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:guarantee-edit", args=[guarantee.pk]),
        guarantee_data(
            guarantee.fund,
            cap="15000",
            covers_damage="",
            valid_from=guarantee.valid_from.isoformat(),
            valid_until=days(100).isoformat(),
        ),
    )

    assertRedirects(response, guarantee.get_absolute_url())
    guarantee.refresh_from_db()
    assert (guarantee.cap, guarantee.covers_damage, guarantee.valid_until) == (
        Decimal("15000.00"),
        False,
        days(100),
    )


# --- Claims against the cap ------------------------------------------------------------------


def submit(guarantee, amount: str, *, kind=Claim.Kind.RENT_ARREARS, on=TODAY, by):
    claim = Claim(guarantee=guarantee, kind=kind, amount_claimed=Decimal(amount), claimed_on=on)
    return services.submit_claim(claim=claim, by=by)


def decide(claim, amount: str | None, *, by, note=""):
    return services.decide_claim(
        claim=claim,
        approve=amount is not None,
        amount_approved=Decimal(amount) if amount else None,
        note=note,
        by=by,
    )


def test_submit_claim_up_to_the_remaining_cap(guarantee, social_worker):
    claim = submit(guarantee, "20000.00", by=social_worker)

    assert (claim.state, claim.amount_claimed, claim.amount_approved) == (
        Claim.State.SUBMITTED,
        Decimal("20000.00"),
        None,
    )
    assert (guarantee.committed(), guarantee.remaining_cap()) == (
        Decimal("20000.00"),
        Decimal("0.00"),
    )


def test_submit_claim_above_the_remaining_cap_is_refused(guarantee, social_worker):
    submit(guarantee, "15000.00", by=social_worker)

    found = refusal(submit, guarantee=guarantee, amount="5000.01", by=social_worker)

    assert found == {
        "amount_claimed": [
            czech(
                "Only %(remaining)s CZK remain of the guarantee's cap of %(cap)s CZK.",
                remaining=czk("5000.00"),
                cap=czk("20000.00"),
            )
        ]
    }
    assert list(Claim.objects.values_list("amount_claimed", flat=True)) == [Decimal("15000.00")]


@pytest.mark.parametrize(
    ("covers", "kind", "message"),
    [
        pytest.param(
            {"covers_rent": False},
            Claim.Kind.RENT_ARREARS,
            "This guarantee does not cover rent arrears.",
            id="rent",
        ),
        pytest.param(
            {"covers_damage": False},
            Claim.Kind.DAMAGE,
            "This guarantee does not cover damage to the flat.",
            id="damage",
        ),
    ],
)
def test_submit_claim_of_a_kind_not_covered_is_refused(
    lease, fund, social_worker, covers, kind, message
):
    guarantee = GuaranteeFactory(lease=lease, fund=fund, **covers)

    found = refusal(submit, guarantee=guarantee, amount="100.00", kind=kind, by=social_worker)

    assert found == {"kind": [czech(message)]}
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        pytest.param(days(1), days(200), id="not-yet-valid"),
        pytest.param(days(-20), days(-1), id="already-ended"),
    ],
)
def test_submit_claim_when_the_guarantee_was_not_valid_is_refused(
    lease, fund, social_worker, valid_from, valid_until
):
    guarantee = GuaranteeFactory(
        lease=lease, fund=fund, valid_from=valid_from, valid_until=valid_until
    )

    found = refusal(submit, guarantee=guarantee, amount="100.00", by=social_worker)

    assert found == {
        "claimed_on": [
            czech(
                "The guarantee was valid from %(start)s to %(end)s, not on this day.",
                start=date_format(valid_from, "j. n. Y"),
                end=date_format(valid_until, "j. n. Y"),
            )
        ]
    }
    assert not Claim.objects.exists()


def test_submit_claim_on_the_last_valid_day_is_accepted(lease, fund, social_worker):
    guarantee = GuaranteeFactory(lease=lease, fund=fund, valid_from=days(-20), valid_until=TODAY)

    claim = submit(guarantee, "100.00", by=social_worker)

    assert claim.state == Claim.State.SUBMITTED


def test_decide_claim_approves_at_most_what_was_claimed(guarantee, social_worker):
    claim = submit(guarantee, "5000.00", by=social_worker)

    found = refusal(decide, claim=claim, amount="5000.01", by=social_worker)

    assert found == {
        "amount_approved": [czech("The approved amount cannot exceed the amount claimed.")]
    }
    claim.refresh_from_db()
    assert (claim.state, claim.amount_approved) == (Claim.State.SUBMITTED, None)


def test_decide_claim_counts_the_other_claims_against_the_cap(guarantee, social_worker):
    # Recorded before the rules were enforced: together the claims ask for more than the cap.
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("18000.00"), approved=True)
    claim = ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("5000.00"))

    found = refusal(decide, claim=claim, amount="2000.01", by=social_worker)
    decide(claim, "2000.00", by=social_worker, note="Zbytek limitu")

    assert found == {
        "amount_approved": [
            czech(
                "Only %(remaining)s CZK remain of the guarantee's cap of %(cap)s CZK.",
                remaining=czk("2000.00"),
                cap=czk("20000.00"),
            )
        ]
    }
    claim.refresh_from_db()
    assert (claim.state, claim.amount_approved, claim.note) == (
        Claim.State.APPROVED,
        Decimal("2000.00"),
        "Zbytek limitu",
    )
    assert guarantee.remaining_cap() == Decimal("0.00")


def test_decide_claim_rejection_frees_the_cap(guarantee, social_worker):
    claim = submit(guarantee, "20000.00", by=social_worker)

    decide(claim, None, by=social_worker, note="Nedoloženo")

    claim.refresh_from_db()
    assert (claim.state, claim.amount_approved, claim.note) == (
        Claim.State.REJECTED,
        None,
        "Nedoloženo",
    )
    assert guarantee.remaining_cap() == Decimal("20000.00")


def test_decide_claim_twice_is_refused(guarantee, social_worker):
    claim = submit(guarantee, "1000.00", by=social_worker)
    decide(claim, "1000.00", by=social_worker)

    found = refusal(decide, claim=claim, amount=None, by=social_worker)

    assert found == [czech("This claim has already been decided.")]
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED


# --- Paying from the fund --------------------------------------------------------------------


def test_pay_claim_writes_the_payout_and_marks_the_claim_paid(guarantee, social_worker):
    claim = decide(submit(guarantee, "8000.00", by=social_worker), "7500.00", by=social_worker)

    services.pay_claim(claim=claim, paid_on=TODAY, by=social_worker)

    claim.refresh_from_db()
    assert (claim.state, claim.paid_on) == (Claim.State.PAID, TODAY)
    payout = FundMovement.objects.get(kind=FundMovement.Kind.PAYOUT)
    assert (payout.fund, payout.amount, payout.on, payout.claim, payout.recorded_by) == (
        guarantee.fund,
        Decimal("7500.00"),
        TODAY,
        claim,
        social_worker,
    )
    assert guarantee.fund.balance() == Decimal("22500.00")


def test_pay_claim_that_would_make_the_fund_negative_is_refused(lease, social_worker, testov):
    fund = GuaranteeFundFactory(municipality=testov)
    contribute(fund, "4999.99", social_worker)
    guarantee = GuaranteeFactory(lease=lease, fund=fund)
    claim = decide(submit(guarantee, "5000.00", by=social_worker), "5000.00", by=social_worker)

    found = refusal(services.pay_claim, claim=claim, paid_on=TODAY, by=social_worker)

    assert found == [
        czech(
            "The fund %(fund)s holds %(balance)s CZK: not enough to pay %(amount)s CZK.",
            fund=fund.name,
            balance=czk("4999.99"),
            amount=czk("5000.00"),
        )
    ]
    claim.refresh_from_db()
    assert (claim.state, claim.paid_on) == (Claim.State.APPROVED, None)
    assert not FundMovement.objects.filter(kind=FundMovement.Kind.PAYOUT).exists()
    assert fund.balance() == Decimal("4999.99")


def test_pay_claim_may_empty_the_fund_exactly(lease, social_worker, testov):
    fund = GuaranteeFundFactory(municipality=testov)
    contribute(fund, "5000.00", social_worker)
    guarantee = GuaranteeFactory(lease=lease, fund=fund)
    claim = decide(submit(guarantee, "5000.00", by=social_worker), "5000.00", by=social_worker)

    services.pay_claim(claim=claim, paid_on=TODAY, by=social_worker)

    assert fund.balance() == Decimal("0.00")


@pytest.mark.parametrize("state", [Claim.State.SUBMITTED, Claim.State.REJECTED, Claim.State.PAID])
def test_pay_claim_pays_only_an_approved_claim(guarantee, social_worker, state):
    paid = {"amount_approved": Decimal("5000.00"), "paid_on": TODAY}
    claim = ClaimFactory(guarantee=guarantee, state=state, **(paid if state == "paid" else {}))

    found = refusal(services.pay_claim, claim=claim, paid_on=TODAY, by=social_worker)

    assert found == [czech("Only an approved claim can be paid.")]
    assert not FundMovement.objects.filter(kind=FundMovement.Kind.PAYOUT).exists()


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [
        pytest.param(days(1), "Record the payment once it has been made.", id="future"),
        pytest.param(days(-1), "A claim cannot be paid before it was made.", id="before-claim"),
    ],
)
def test_pay_claim_refuses_an_impossible_date(guarantee, social_worker, paid_on, message):
    claim = decide(submit(guarantee, "100.00", by=social_worker), "100.00", by=social_worker)

    found = refusal(services.pay_claim, claim=claim, paid_on=paid_on, by=social_worker)

    assert found == {"paid_on": [czech(message)]}
    assert not FundMovement.objects.filter(kind=FundMovement.Kind.PAYOUT).exists()


def test_claims_in_sequence_keep_within_the_cap_and_the_fund(lease, testov, social_worker):
    """Cap 20,000 CZK, fund 30,000 CZK shared with a second guarantee."""
    fund = GuaranteeFundFactory(municipality=testov)
    contribute(fund, "30000.00", social_worker)
    guarantee = GuaranteeFactory(lease=lease, fund=fund, cap=Decimal("20000.00"))
    second = GuaranteeFactory(fund=fund, cap=Decimal("20000.00"), lease__flat__municipality=testov)
    by = social_worker

    first = decide(submit(guarantee, "8000.00", by=by), "8000.00", by=by)
    services.pay_claim(claim=first, paid_on=TODAY, by=by)
    assert (guarantee.remaining_cap(), fund.balance()) == (Decimal("12000.00"), Decimal("22000.00"))

    assert "amount_claimed" in refusal(submit, guarantee=guarantee, amount="12000.01", by=by)
    damage = submit(guarantee, "12000.00", kind=Claim.Kind.DAMAGE, by=by)
    decide(damage, "9000.00", by=by)  # 3,000 not proven: freed again
    assert guarantee.remaining_cap() == Decimal("3000.00")

    rejected = submit(guarantee, "3000.00", by=by)
    decide(rejected, None, by=by)
    assert guarantee.remaining_cap() == Decimal("3000.00")
    last = decide(submit(guarantee, "3000.00", by=by), "3000.00", by=by)
    assert guarantee.remaining_cap() == Decimal("0.00")
    assert "amount_claimed" in refusal(submit, guarantee=guarantee, amount="0.01", by=by)

    # The second guarantee spends the fund first; this guarantee's claims then wait.
    other = decide(submit(second, "20000.00", by=by), "20000.00", by=by)
    services.pay_claim(claim=other, paid_on=TODAY, by=by)
    assert fund.balance() == Decimal("2000.00")
    refusal(services.pay_claim, claim=damage, paid_on=TODAY, by=by)
    refusal(services.pay_claim, claim=last, paid_on=TODAY, by=by)
    contribute(fund, "10000.00", by)
    services.pay_claim(claim=damage, paid_on=TODAY, by=by)
    assert fund.balance() == Decimal("3000.00")
    services.pay_claim(claim=last, paid_on=TODAY, by=by)
    assert fund.balance() == Decimal("0.00")
    assert list(
        Claim.objects.filter(guarantee=guarantee).order_by("pk").values_list("state", flat=True)
    ) == [Claim.State.PAID, Claim.State.PAID, Claim.State.REJECTED, Claim.State.PAID]
    assert guarantee.committed() == Decimal("20000.00")


# Each step: (claim amount, approved share in %, or None to reject, pay it?)
steps = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("15000"), places=2),
        st.one_of(st.none(), st.integers(min_value=1, max_value=100)),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps, money=st.decimals(min_value=Decimal("0"), max_value=Decimal("30000"), places=2))
def test_no_sequence_of_claims_breaks_the_cap_or_the_fund(testov, social_worker, steps, money):
    fund = GuaranteeFundFactory(municipality=testov)
    if money:
        contribute(fund, str(money), social_worker)
    guarantee = GuaranteeFactory(
        fund=fund, cap=Decimal("20000.00"), lease__flat__municipality=testov
    )
    paid = Decimal("0")
    for amount, share, pay in steps:
        fits = amount <= guarantee.remaining_cap()
        try:
            claim = submit(guarantee, str(amount), by=social_worker)
        except ValidationError:
            assert not fits
            continue
        assert fits
        approved = (
            None
            if share is None
            else max((amount * share / 100).quantize(Decimal("0.01")), Decimal("0.01"))
        )
        claim = decide(claim, str(approved) if approved else None, by=social_worker)
        if pay and approved:
            affordable = approved <= fund.balance()
            try:
                services.pay_claim(claim=claim, paid_on=TODAY, by=social_worker)
                paid += approved
            except ValidationError:
                assert not affordable
        assert Decimal("0") <= guarantee.remaining_cap() <= guarantee.cap
        assert fund.balance() == money - paid >= 0


# --- Claim pages -----------------------------------------------------------------------------


def test_claim_create_records_the_claim(client, social_worker, guarantee):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-create", args=[guarantee.pk]),
        {
            "kind": Claim.Kind.DAMAGE,
            "claimed_on": TODAY.isoformat(),
            "amount_claimed": "6400.50",
            "note": "Rozbité dveře",
        },
    )

    assertRedirects(response, guarantee.get_absolute_url())
    assert list(
        Claim.objects.values_list("guarantee", "kind", "claimed_on", "amount_claimed", "state")
    ) == [(guarantee.pk, Claim.Kind.DAMAGE, TODAY, Decimal("6400.50"), Claim.State.SUBMITTED)]


def test_claim_create_above_the_remaining_cap_shows_the_refusal(client, social_worker, guarantee):
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("15000.00"))
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-create", args=[guarantee.pk]),
        {
            "kind": Claim.Kind.RENT_ARREARS,
            "claimed_on": TODAY.isoformat(),
            "amount_claimed": "5001",
        },
    )

    message = czech(
        "Only %(remaining)s CZK remain of the guarantee's cap of %(cap)s CZK.",
        remaining=czk("5000.00"),
        cap=czk("20000.00"),
    )
    assert field_error(response, "amount_claimed") == message
    assert Claim.objects.count() == 1


def test_claim_create_offers_only_the_kinds_covered(client, social_worker, lease, fund):
    guarantee = GuaranteeFactory(lease=lease, fund=fund, covers_damage=False)
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:claim-create", args=[guarantee.pk]))

    assert response.context["form"].fields["kind"].choices == [
        (Claim.Kind.RENT_ARREARS, Claim.Kind.RENT_ARREARS.label)
    ]


def test_claim_decide_approves_with_an_amount(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("5000.00"))
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-decide", args=[claim.pk]),
        {"decision": "approve", "amount_approved": "4200", "note": "Doloženo fakturou"},
    )

    assertRedirects(response, guarantee.get_absolute_url())
    claim.refresh_from_db()
    assert (claim.state, claim.amount_approved, claim.note) == (
        Claim.State.APPROVED,
        Decimal("4200.00"),
        "Doloženo fakturou",
    )


def test_claim_decide_approval_needs_the_amount(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee)
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-decide", args=[claim.pk]),
        {"decision": "approve", "amount_approved": ""},
    )

    assert response.context["form"].errors == {
        "amount_approved": [czech("Enter the amount approved.")]
    }
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED


def test_claim_decide_rejects(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee)
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-decide", args=[claim.pk]),
        {"decision": "reject", "amount_approved": "5000", "note": "Nedoloženo"},
    )

    assertRedirects(response, guarantee.get_absolute_url())
    claim.refresh_from_db()
    assert (claim.state, claim.amount_approved) == (Claim.State.REJECTED, None)


def test_claim_decide_a_decided_claim_goes_back_to_the_guarantee(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee, approved=True)
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:claim-decide", args=[claim.pk]), follow=True)

    assert response.redirect_chain == [(guarantee.get_absolute_url(), 302)]
    assertContains(response, czech("This claim has already been decided."))


def test_claim_pay_pays_from_the_fund(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("7000.00"), approved=True)
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-pay", args=[claim.pk]), {"paid_on": TODAY.isoformat()}
    )

    assertRedirects(response, guarantee.get_absolute_url())
    claim.refresh_from_db()
    assert (claim.state, claim.paid_on) == (Claim.State.PAID, TODAY)
    assert guarantee.fund.balance() == Decimal("23000.00")


def test_claim_pay_beyond_the_fund_shows_the_refusal_and_saves_nothing(
    client, social_worker, guarantee
):
    claim = ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("20000.00"), approved=True)
    FundMovementFactory(fund=guarantee.fund, kind=FundMovement.Kind.PAYOUT, amount=Decimal("15000"))
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:claim-pay", args=[claim.pk]), {"paid_on": TODAY.isoformat()}
    )

    message = czech(
        "The fund %(fund)s holds %(balance)s CZK: not enough to pay %(amount)s CZK.",
        fund="Garanční fond Testov",
        balance=czk("15000.00"),
        amount=czk("20000.00"),
    )
    assert response.status_code == 200
    assertContains(response, message)
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED
    assert guarantee.fund.balance() == Decimal("15000.00")


def test_claim_pay_needs_post(client, social_worker, guarantee):
    claim = ClaimFactory(guarantee=guarantee, approved=True)
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:claim-pay", args=[claim.pk]))

    assert response.status_code == 405
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED


# --- Guarantee page ---------------------------------------------------------------------------


def test_guarantee_detail_shows_cap_committed_remaining_and_claims(
    client, social_worker, guarantee
):
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("5000.00"), approved=True)
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("2500.00"))
    ClaimFactory(guarantee=guarantee, amount_claimed=Decimal("9000.00"), rejected=True)
    client.force_login(social_worker)

    response = client.get(guarantee.get_absolute_url())

    assert (response.context["committed"], response.context["remaining"]) == (
        Decimal("7500.00"),
        Decimal("12500.00"),
    )
    assert [claim.amount_claimed for claim in response.context["claims"]] == [
        Decimal("9000.00"),
        Decimal("2500.00"),
        Decimal("5000.00"),
    ]
    assertContains(response, "Marie Zlatohlávková")
    assertContains(response, f"{czk('12500.00')} Kč")
    assertContains(
        response, reverse("guarantees:claim-pay", args=[guarantee.claims.get(state="approved").pk])
    )
    assertContains(
        response,
        reverse("guarantees:claim-decide", args=[guarantee.claims.get(state="submitted").pk]),
    )


def test_guarantee_detail_without_claims_says_what_to_do(client, social_worker, guarantee):
    client.force_login(social_worker)

    response = client.get(guarantee.get_absolute_url())

    assertContains(
        response,
        czech(
            "No claim yet. When the landlord claims rent arrears or damage under this guarantee, "
            "record the claim here and then decide on it."
        ),
    )


# --- The worklist: guarantees ending within 60 days ------------------------------------------


def listed(response, key: str) -> list:
    return [guarantee.pk for guarantee in response.context[key]]


def test_guarantee_list_worklist_shows_guarantees_ending_within_60_days(
    client, social_worker, lease, fund
):
    soon = GuaranteeFactory(lease=lease, fund=fund, valid_until=days(59))
    today = GuaranteeFactory(lease=lease, fund=fund, valid_until=TODAY)
    GuaranteeFactory(lease=lease, fund=fund, valid_until=days(61))
    GuaranteeFactory(lease=lease, fund=fund, valid_until=days(-1))  # already ended
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-list"))

    assert listed(response, "ending") == [today.pk, soon.pk]
    assert len(response.context["page"].object_list) == 4


def test_guarantee_list_worklist_boundary_is_the_60th_day(client, social_worker, lease, fund):
    last = GuaranteeFactory(lease=lease, fund=fund, valid_until=days(60))
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-list"))

    assert listed(response, "ending") == [last.pk]


@pytest.mark.parametrize(
    ("state", "expected"),
    [("", ["running", "ended"]), ("running", ["running"]), ("ended", ["ended"])],
)
def test_guarantee_list_filters_running_and_ended(
    client, social_worker, lease, fund, state, expected
):
    made = {
        "running": GuaranteeFactory(
            lease=lease, fund=fund, valid_from=days(-10), valid_until=days(100)
        ),
        "ended": GuaranteeFactory(
            lease=lease, fund=fund, valid_from=days(-30), valid_until=days(-1)
        ),
    }
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-list"), {"state": state})

    assert listed(response, "page") == [made[name].pk for name in expected]


def test_guarantee_list_empty_says_where_guarantees_come_from(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-list"))

    assertContains(response, czech("No guarantee ends within the next %(days)s days.", days=60))
    assertContains(
        response,
        czech(
            "No guarantee has been recorded yet. A guarantee is recorded on a lease: open the "
            "lease of a flat and choose “New guarantee”."
        ),
    )


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("guarantees:guarantee-detail", "get"),
        ("guarantees:guarantee-edit", "get"),
        ("guarantees:claim-create", "get"),
    ],
)
def test_another_kmbs_guarantee_is_hidden(
    client, social_worker, foreign_guarantee, url_name, method
):
    client.force_login(social_worker)

    response = getattr(client, method)(reverse(url_name, args=[foreign_guarantee.pk]))

    assert response.status_code == 404


def test_another_kmbs_guarantee_is_missing_from_the_list(
    client, social_worker, guarantee, foreign_guarantee
):
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:guarantee-list"))

    assert listed(response, "page") == [guarantee.pk]


@pytest.mark.parametrize(
    ("url_name", "method"),
    [("guarantees:claim-decide", "get"), ("guarantees:claim-pay", "post")],
)
def test_another_kmbs_claim_is_hidden(client, social_worker, foreign_guarantee, url_name, method):
    claim = ClaimFactory(guarantee=foreign_guarantee, approved=True)
    client.force_login(social_worker)

    response = getattr(client, method)(
        reverse(url_name, args=[claim.pk]), {"paid_on": TODAY.isoformat()}
    )

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED


def test_another_kmbs_lease_and_fund_are_hidden(client, social_worker, foreign_guarantee):
    client.force_login(social_worker)

    responses = [
        client.get(reverse("guarantees:guarantee-create", args=[foreign_guarantee.lease.pk])),
        client.get(reverse("guarantees:fund-detail", args=[foreign_guarantee.fund.pk])),
        client.get(reverse("guarantees:contribution-create", args=[foreign_guarantee.fund.pk])),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]


def test_housing_department_sees_its_municipalitys_guarantees_without_names(
    client, housing_department, guarantee, foreign_guarantee
):
    elsewhere = GuaranteeFactory(
        lease__flat__municipality__orp=guarantee.lease.flat.municipality.orp
    )
    client.force_login(housing_department)

    listing = client.get(reverse("guarantees:guarantee-list"))
    detail = client.get(guarantee.get_absolute_url())

    assert listed(listing, "page") == [guarantee.pk]
    household_label = czech("Household no. %(number)s", number=guarantee.lease.household.pk)
    assertContains(detail, household_label)
    assertNotContains(detail, "Zlatohlávková")
    assertNotContains(listing, "Zlatohlávková")
    assertNotContains(detail, reverse("guarantees:claim-create", args=[guarantee.pk]))
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_housing_department_may_not_change_guarantees(client, housing_department, guarantee):
    claim = ClaimFactory(guarantee=guarantee, approved=True)
    client.force_login(housing_department)

    responses = {
        "create": client.get(reverse("guarantees:guarantee-create", args=[guarantee.lease.pk])),
        "edit": client.get(reverse("guarantees:guarantee-edit", args=[guarantee.pk])),
        "claim": client.get(reverse("guarantees:claim-create", args=[guarantee.pk])),
        "decide": client.get(reverse("guarantees:claim-decide", args=[claim.pk])),
        "pay": client.post(
            reverse("guarantees:claim-pay", args=[claim.pk]), {"paid_on": TODAY.isoformat()}
        ),
        "fund": client.get(reverse("guarantees:fund-create")),
        "contribution": client.get(
            reverse("guarantees:contribution-create", args=[guarantee.fund.pk])
        ),
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 403)
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED


def test_housing_department_sees_its_municipalitys_fund(
    client, housing_department, guarantee, testov
):
    GuaranteeFundFactory(name="Fond ORP", municipality=None, orp=testov.orp)
    client.force_login(housing_department)

    response = client.get(reverse("guarantees:fund-list"))

    assert [fund.name for fund in response.context["funds"]] == ["Garanční fond Testov"]
    assertNotContains(response, reverse("guarantees:fund-create"))


def test_provider_staff_sees_no_guarantees(client, staff, guarantee):
    client.force_login(staff[Role.PROVIDER_STAFF])

    responses = [
        client.get(reverse("guarantees:guarantee-list")),
        client.get(guarantee.get_absolute_url()),
        client.get(reverse("guarantees:fund-list")),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]


# --- Funds pages -----------------------------------------------------------------------------


def test_fund_list_shows_balances(client, social_worker, fund, guarantee):
    ClaimFactory(
        guarantee=guarantee,
        approved=True,
        state=Claim.State.PAID,
        paid_on=TODAY,
        amount_claimed=Decimal("4000.00"),
    )
    FundMovementFactory(fund=fund, kind=FundMovement.Kind.PAYOUT, amount=Decimal("4000.00"))
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:fund-list"))

    assert [
        (f.name, f.contributed, f.paid_out, f.current_balance) for f in response.context["funds"]
    ] == [("Garanční fond Testov", Decimal("30000.00"), Decimal("4000.00"), Decimal("26000.00"))]
    assertContains(response, f"{czk('26000.00')} Kč")


def test_fund_list_empty_says_to_create_a_fund(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:fund-list"))

    assertContains(
        response,
        czech(
            "No guarantee fund yet. Guarantees are paid from a fund: create the municipality's or "
            "the ORP's fund and record the money put into it."
        ),
    )


def test_fund_create_offers_the_territory_of_the_kmb(client, social_worker, testov, kmb_office):
    MunicipalityFactory(name="Jinde")  # another ORP
    client.force_login(social_worker)

    response = client.get(reverse("guarantees:fund-create"))

    form = response.context["form"]
    assert list(form.fields["municipality"].queryset) == [testov]
    assert list(form.fields["orp"].queryset) == [kmb_office.orp]


def test_fund_create_saves_an_orp_fund(client, social_worker, testov, kmb_office):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:fund-create"), {"name": "Fond ORP Testov", "orp": kmb_office.orp.pk}
    )

    fund = GuaranteeFund.objects.get()
    assertRedirects(response, fund.get_absolute_url())
    assert (fund.name, fund.municipality, fund.orp) == ("Fond ORP Testov", None, kmb_office.orp)


def test_fund_create_refuses_both_a_municipality_and_the_orp(
    client, social_worker, testov, kmb_office
):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:fund-create"),
        {"name": "Fond", "orp": kmb_office.orp.pk, "municipality": testov.pk},
    )

    assert response.context["form"].errors == {
        "__all__": [czech("A fund belongs either to a municipality or to an ORP.")]
    }
    assert not GuaranteeFund.objects.exists()


def test_contribution_create_records_the_money(client, social_worker, fund):
    client.force_login(social_worker)

    response = client.post(
        reverse("guarantees:contribution-create", args=[fund.pk]),
        {"amount": "12500.50", "on": TODAY.isoformat(), "note": "Dotace kraje"},
    )

    assertRedirects(response, fund.get_absolute_url())
    assert fund.balance() == Decimal("42500.50")
    assert FundMovement.objects.filter(note="Dotace kraje", recorded_by=social_worker).exists()


def test_fund_detail_shows_movements_and_guarantees(client, social_worker, fund, guarantee):
    client.force_login(social_worker)

    response = client.get(fund.get_absolute_url())

    assert response.context["balance"] == Decimal("30000.00")
    assert [m.amount for m in response.context["movements"]] == [Decimal("30000.00")]
    assert [g.pk for g in response.context["guarantees"]] == [guarantee.pk]
    assertContains(response, "Marie Zlatohlávková")


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_fund_list_query_count_is_constant(
    client, social_worker, testov, django_assert_num_queries, rows
):
    for number in range(rows):
        fund = GuaranteeFundFactory(municipality=testov)
        contribute(fund, f"{number + 1}000.00", social_worker)
        FundMovementFactory(fund=fund, kind=FundMovement.Kind.PAYOUT, amount=Decimal("10"))
    client.force_login(social_worker)

    with django_assert_num_queries(FUND_LIST_QUERIES):
        response = client.get(reverse("guarantees:fund-list"))

    assert len(response.context["funds"]) == rows


# Session, user, the user's organisation (scope), the funds with their balances (one query),
# session save (3).
FUND_LIST_QUERIES = 8


@pytest.mark.parametrize(
    ("viewer", "queries"),
    [
        # Session, user, the user's organisation (scope); the worklist and its applicants; count,
        # the page and its applicants; session save (3).
        pytest.param("social_worker", 12, id="kmb"),
        # The same without the applicants: their names are never loaded for the department.
        pytest.param("housing_department", 10, id="housing-department"),
    ],
)
@pytest.mark.parametrize("rows", [1, 3])
def test_guarantee_list_query_count_is_constant(
    client, request, lease, fund, django_assert_num_queries, rows, viewer, queries
):
    for _ in range(rows):
        other_lease = LeaseFactory(
            flat__municipality=lease.flat.municipality, household__kmb=lease.household.kmb
        )
        ClientFactory(household=other_lease.household)
        GuaranteeFactory(lease=other_lease, fund=fund, valid_until=days(30))
    client.force_login(request.getfixturevalue(viewer))

    with django_assert_num_queries(queries):
        response = client.get(reverse("guarantees:guarantee-list"))

    assert (len(response.context["ending"]), len(response.context["page"].object_list)) == (
        rows,
        rows,
    )


def test_guarantee_list_htmx_filter_renders_only_the_results(client, social_worker, guarantee):
    client.force_login(social_worker)

    response = client.get(
        reverse("guarantees:guarantee-list"), {"state": "running"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert 'data-testid="all"' in html
    assert "<html" not in html
    assert 'data-testid="ending"' not in html


# --- Two requests at once (PostgreSQL: SQLite has no row locks and serialises writers) --------

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def at_once(*calls) -> list[str]:
    """Run the calls in parallel threads, each in its own connection; "ok" or the refusal."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            call()
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return sorted(pool.map(run, calls))


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_payouts_at_once_cannot_overdraw_the_fund():
    fund = GuaranteeFundFactory()
    by = UserFactory()
    contribute(fund, "5000.00", by)
    claims = [
        ClaimFactory(
            guarantee__fund=fund,
            guarantee__lease__flat__municipality=fund.municipality,
            amount_claimed=Decimal("5000.00"),
            approved=True,
        )
        for _ in range(2)
    ]

    outcomes = at_once(
        *[lambda c=c: services.pay_claim(claim=c, paid_on=TODAY, by=by) for c in claims]
    )

    assert outcomes == ["ok", "refused"]
    assert fund.balance() == Decimal("0.00")
    assert FundMovement.objects.filter(kind=FundMovement.Kind.PAYOUT).count() == 1


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_claims_at_once_cannot_exceed_the_cap():
    guarantee = GuaranteeFactory(cap=Decimal("20000.00"))
    by = UserFactory()

    outcomes = at_once(
        lambda: submit(guarantee, "15000.00", by=by), lambda: submit(guarantee, "15000.00", by=by)
    )

    assert outcomes == ["ok", "refused"]
    assert guarantee.remaining_cap() == Decimal("5000.00")


def test_contribution_sent_twice_is_recorded_once(client, social_worker, fund):
    client.force_login(social_worker)
    data = {
        "amount": "1000",
        "on": timezone.localdate().isoformat(),
        "note": "Rozpočet",
        "token": "6f1c1b2e-4b1a-4c8e-9a43-2b2a0e6b4f11",
    }
    url = reverse("guarantees:contribution-create", args=[fund.pk])
    before = fund.balance()

    client.post(url, data)
    client.post(url, data)

    assert fund.balance() - before == Decimal("1000.00")
