"""Debts, repayment schedules and payments: the pages, the services behind them, the household's
summary on the case page, the KMB's debt worklist and its debt analysis."""

import datetime
import re
import uuid
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clients import schedules
from clients.debts import (
    DebtAnalysis,
    DebtSummary,
    debt_analysis,
    household_debt_summary,
    record_payment,
)
from clients.models import (
    CreditorKind,
    Debt,
    DebtState,
    Household,
    Payment,
    RepaymentSchedule,
)
from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    DebtFactory,
    HouseholdFactory,
    PaymentFactory,
    RepaymentScheduleFactory,
)

TODAY = timezone.localdate()
NBSP = "\xa0"  # the Czech thousands separator


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message` (unescaped)."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def czk(amount: str) -> str:
    """An amount as the pages print it: Czech separators, 2 places (`floatformat:"2g"`)."""
    whole, cents = amount.split(".")
    return f"{int(whole):,}".replace(",", NBSP) + "," + cents


def field_error(response, name: str) -> str | None:
    """The error crispy-forms shows under the field `name`."""
    match = re.search(
        rf'<p id="error_1_id_{name}"><strong>(.*?)</strong></p>', response.content.decode()
    )
    return unescape(match[1]) if match else None


class _TextOf(HTMLParser):
    """Collects the text inside the element with a given data-testid."""

    def __init__(self, test_id: str):
        super().__init__()
        self.test_id, self.depth, self.parts = test_id, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "hr", "img", "input"}:
            return
        if self.depth or ("data-testid", self.test_id) in attrs:
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(response, test_id: str) -> str:
    """The visible text of the element with `data-testid`, runs of spaces and newlines collapsed
    (not the no-break spaces: they are part of the Czech numbers)."""
    parser = _TextOf(test_id)
    parser.feed(response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts)).strip()


def links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def section(response, title_id: str) -> str:
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{title_id}"')
    return html[start : html.index("</section>", start)]


def first_of_the_month(months_ago: int) -> datetime.date:
    """Instalments due on the 1st: by today, one has fallen due for every month since then."""
    return schedules.add_months(TODAY, -months_ago, 1)


@pytest.fixture
def case(kmb_office):
    return CaseFactory(household__kmb=kmb_office, kmb=kmb_office)


@pytest.fixture
def person(case):
    return case.household.members.get()


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(orp=kmb_office.orp, name="Testov")


@pytest.fixture
def outsider(other_kmb_office):
    return UserFactory(username="cizi", organisation=other_kmb_office)


@pytest.fixture
def administrator(staff):
    return staff[Role.ADMINISTRATOR]


@pytest.fixture
def debt(person):
    """10,000 CZK owed to ČEZ for a year and a half."""
    return DebtFactory(
        debtor=person,
        creditor_name="ČEZ",
        original_amount=Decimal("10000.00"),
        since=days_ago(540),
    )


@pytest.fixture
def schedule(debt):
    """The whole debt at 1,500 a month on the 1st, from two months ago: 7 instalments, 3 due."""
    debt.state = DebtState.SCHEDULE
    debt.save()
    return RepaymentScheduleFactory(
        debt=debt, instalment=Decimal("1500.00"), first_due_on=first_of_the_month(2)
    )


# --- Recording a debt --------------------------------------------------------------------------


def debt_data(person, municipality, **overrides) -> dict:
    return {
        "debtor": person.pk,
        "creditor_kind": CreditorKind.MUNICIPALITY,
        "creditor_municipality": municipality.pk,
        "creditor_name": "",
        "original_amount": "15000",
        "current_amount": "12500.50",
        "since": "2024-03-01",
        "state": DebtState.OPEN,
        "confirmed_by": "Ing. Jana Malá",
        "confirmed_on": days_ago(5).isoformat(),
        "note": "Nájemné za obecní byt v Husově ulici",
        **overrides,
    }


def test_debt_create_records_a_municipal_debt_and_returns_to_the_case(
    client, social_worker, case, person, testov
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]), debt_data(person, testov)
    )

    assertRedirects(response, case.get_absolute_url())
    debt = Debt.objects.get()
    assert (
        debt.debtor,
        debt.creditor_kind,
        debt.creditor_municipality,
        debt.original_amount,
        debt.current_amount,
        debt.since,
        debt.state,
        debt.confirmed_by,
        debt.confirmed_on,
        debt.note,
    ) == (
        person,
        CreditorKind.MUNICIPALITY,
        testov,
        Decimal("15000.00"),
        Decimal("12500.50"),
        datetime.date(2024, 3, 1),
        DebtState.OPEN,
        "Ing. Jana Malá",
        days_ago(5),
        "Nájemné za obecní byt v Husově ulici",
    )


def test_debt_create_offers_the_household_and_the_municipalities_of_the_kmb(
    client, social_worker, case, person, testov
):
    child = ClientFactory(household=case.household, relationship="child", first_name="Eliška")
    MunicipalityFactory(name="Jinde")  # another ORP
    ClientFactory(first_name="Cizí")  # another household
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-create", args=[case.household.pk]))

    form = response.context["form"]
    assert list(form.fields["debtor"].queryset) == [person, child]
    assert list(form.fields["creditor_municipality"].queryset) == [testov]


def test_debt_create_municipal_debt_needs_the_municipality(
    client, social_worker, case, person, testov
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]),
        debt_data(person, testov, creditor_municipality=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "creditor_municipality": [czech("Choose the municipality.")]
    }
    assert field_error(response, "creditor_municipality") == czech("Choose the municipality.")
    assert not Debt.objects.exists()


def test_debt_create_confirmation_only_for_municipal_debts(
    client, social_worker, case, person, testov
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]),
        debt_data(person, testov, creditor_kind=CreditorKind.ENERGY, creditor_municipality=""),
    )

    message = czech("Only a debt to a municipality is confirmed by its housing department.")
    assert response.context["form"].errors == {"__all__": [message]}
    assertContains(response, escape(message))
    assert not Debt.objects.exists()


def test_debt_create_without_a_confirmation_for_another_creditor(
    client, social_worker, case, person, testov
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]),
        debt_data(
            person,
            testov,
            creditor_kind=CreditorKind.ENERGY,
            creditor_municipality=testov.pk,  # left chosen by mistake: dropped, not refused
            creditor_name="ČEZ",
            confirmed_by="",
            confirmed_on="",
        ),
    )

    assertRedirects(response, case.get_absolute_url())
    assert list(
        Debt.objects.values_list("creditor_kind", "creditor_municipality", "creditor_name")
    ) == [(CreditorKind.ENERGY, None, "ČEZ")]


def test_debt_create_refuses_a_debt_since_a_future_date(
    client, social_worker, case, person, testov
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]),
        debt_data(person, testov, since=(TODAY + datetime.timedelta(days=1)).isoformat()),
    )

    assert response.context["form"].errors == {
        "since": [czech("A debt cannot start in the future.")]
    }
    assert field_error(response, "since") == czech("A debt cannot start in the future.")
    assert not Debt.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        pytest.param("current_amount", "An amount cannot be negative.", id="current"),
        pytest.param("original_amount", "Enter an amount above zero.", id="original"),
    ],
)
def test_debt_create_refuses_a_negative_amount(
    client, social_worker, case, person, testov, field, message
):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]),
        debt_data(person, testov, **{field: "-100"}),
    )

    assert response.context["form"].errors == {field: [czech(message)]}
    assert field_error(response, field) == czech(message)
    assert czech(message) != message  # shown in Czech, not in the source language
    assert not Debt.objects.exists()


def test_debt_create_of_another_kmb_is_hidden(client, outsider, case, person, testov):
    client.force_login(outsider)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]), debt_data(person, testov)
    )

    assert response.status_code == 404
    assert not Debt.objects.exists()


def test_debt_create_is_not_for_an_administrator(client, administrator, case, person, testov):
    client.force_login(administrator)

    response = client.post(
        reverse("clients:debt-create", args=[case.household.pk]), debt_data(person, testov)
    )

    assert response.status_code == 403
    assert not Debt.objects.exists()


def test_debt_edit_records_the_confirmation_of_the_housing_department(
    client, social_worker, case, person, testov
):
    debt = DebtFactory(debtor=person, municipal=True, creditor_municipality=testov)
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:debt-edit", args=[debt.pk]),
        debt_data(person, testov, confirmed_by="Bc. Petr Dvořák", confirmed_on=TODAY.isoformat()),
    )

    assertRedirects(response, case.get_absolute_url())
    debt.refresh_from_db()
    assert (debt.confirmed_by, debt.confirmed_on, debt.current_amount) == (
        "Bc. Petr Dvořák",
        TODAY,
        Decimal("12500.50"),
    )


# --- Agreeing a schedule -----------------------------------------------------------------------


def schedule_data(**overrides) -> dict:
    # 10,000 at 1,500 a month from 15 January 2026: 7 instalments, the last on 15 July 2026.
    return {
        "total": "10000",
        "instalment": "1500",
        "first_due_on": "2026-01-15",
        "day_of_month": "15",
        "planned_end_on": "2026-07-15",
        "agreed_with": "ČEZ Prodej, s. r. o., oddělení pohledávek",
        **overrides,
    }


def test_schedule_create_records_the_schedule_and_puts_the_debt_in_it(client, social_worker, debt):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:schedule-create", args=[debt.pk]), schedule_data(), follow=True
    )

    schedule = RepaymentSchedule.objects.get()
    assertRedirects(response, reverse("clients:schedule-detail", args=[schedule.pk]))
    assertContains(response, czech("The repayment schedule has been recorded."))
    assert (
        schedule.debt,
        schedule.total,
        schedule.instalment,
        schedule.first_due_on,
        schedule.day_of_month,
        schedule.planned_end_on,
        schedule.agreed_with,
        schedule.ended_on,
    ) == (
        debt,
        Decimal("10000.00"),
        Decimal("1500.00"),
        datetime.date(2026, 1, 15),
        15,
        datetime.date(2026, 7, 15),
        "ČEZ Prodej, s. r. o., oddělení pohledávek",
        None,
    )
    debt.refresh_from_db()
    assert debt.state == DebtState.SCHEDULE
    assert czech(DebtState.SCHEDULE.label) == "Ve splátkovém kalendáři"


def test_schedule_create_offers_the_current_amount(client, social_worker, debt):
    client.force_login(social_worker)

    response = client.get(reverse("clients:schedule-create", args=[debt.pk]))

    assert response.context["form"].initial["total"] == Decimal("10000.00")


def test_schedule_create_refuses_to_repay_more_than_is_owed(client, social_worker, debt):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:schedule-create", args=[debt.pk]), schedule_data(total="10000.01")
    )

    message = czech(
        "The schedule cannot repay more than is owed (%(amount)s CZK).",
        amount=czk("10000.00"),
    )
    assert response.context["form"].errors == {"total": [message]}
    assert field_error(response, "total") == message
    assert not RepaymentSchedule.objects.exists()
    debt.refresh_from_db()
    assert debt.state == DebtState.OPEN


def test_schedule_create_refuses_a_first_instalment_off_the_agreed_day(client, social_worker, debt):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:schedule-create", args=[debt.pk]), schedule_data(first_due_on="2026-01-20")
    )

    message = czech("The first instalment falls on the agreed day of the month.")
    assert response.context["form"].errors == {"first_due_on": [message]}
    assert not RepaymentSchedule.objects.exists()


def test_schedule_create_refuses_a_second_running_schedule(client, social_worker, schedule):
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:schedule-create", args=[schedule.debt.pk]),
        schedule_data(total="5000", instalment="500"),
    )

    message = czech("The debt already has a running schedule; end it first.")
    assert response.context["form"].errors == {"__all__": [message]}
    assertContains(response, escape(message))
    assert list(RepaymentSchedule.objects.all()) == [schedule]


def test_schedule_create_refuses_a_schedule_of_centuries(client, social_worker, person):
    debt = DebtFactory(debtor=person, original_amount=Decimal("1000000.00"))
    client.force_login(social_worker)

    response = client.post(
        reverse("clients:schedule-create", args=[debt.pk]),
        schedule_data(total="1000000", instalment="10", planned_end_on="2030-01-15"),
    )

    assert response.status_code == 200
    assert "instalment" in response.context["form"].errors
    assert not RepaymentSchedule.objects.exists()


def test_schedule_create_keeps_no_planned_end_the_instalments_do_not_reach(
    client, social_worker, debt
):
    client.force_login(social_worker)

    # 7 instalments of 1,500 end on 15 July 2026, not on 15 March.
    client.post(
        reverse("clients:schedule-create", args=[debt.pk]),
        schedule_data(planned_end_on="2026-03-15"),
    )

    assert list(RepaymentSchedule.objects.values_list("planned_end_on", flat=True)) in (
        [],
        [datetime.date(2026, 7, 15)],
    )


def test_schedule_create_of_another_kmb_is_hidden(client, outsider, debt):
    client.force_login(outsider)

    response = client.post(reverse("clients:schedule-create", args=[debt.pk]), schedule_data())

    assert response.status_code == 404
    assert not RepaymentSchedule.objects.exists()


# --- Recording payments ------------------------------------------------------------------------


def pay(client, schedule, *, paid_on=None, amount="1500", token=None, follow=False):
    return client.post(
        reverse("clients:payment-create", args=[schedule.pk]),
        {
            "paid_on": (paid_on or TODAY).isoformat(),
            "amount": amount,
            "token": str(token or uuid.uuid4()),
        },
        follow=follow,
    )


def test_payment_create_records_the_payment_and_lowers_the_debt(client, social_worker, schedule):
    client.force_login(social_worker)
    token = uuid.uuid4()

    response = pay(client, schedule, paid_on=days_ago(1), amount="1500", token=token, follow=True)

    assertRedirects(response, reverse("clients:schedule-detail", args=[schedule.pk]))
    assertContains(response, czech("The payment has been recorded."))
    payment = Payment.objects.get()
    assert (
        payment.schedule,
        payment.paid_on,
        payment.amount,
        payment.token,
        payment.recorded_by,
    ) == (schedule, days_ago(1), Decimal("1500.00"), token, social_worker)
    schedule.refresh_from_db()
    assert (schedule.ended_on, schedule.debt.current_amount, schedule.debt.state) == (
        None,
        Decimal("8500.00"),
        DebtState.SCHEDULE,
    )
    assert response.context["payments"] == [payment]


@pytest.mark.parametrize(
    ("paid_on", "amount", "field", "message"),
    [
        pytest.param(
            TODAY + datetime.timedelta(days=1),
            "1500",
            "paid_on",
            czech("A payment cannot be recorded before it is made."),
            id="future",
        ),
        pytest.param(TODAY, "0", "amount", czech("Enter an amount above zero."), id="zero"),
        pytest.param(TODAY, "-1500", "amount", czech("Enter an amount above zero."), id="negative"),
        pytest.param(
            TODAY,
            "8500.01",
            "amount",
            czech(
                "Only %(remaining)s CZK remain to be paid in this schedule.",
                remaining=czk("8500.00"),
            ),
            id="more-than-remains",
        ),
        pytest.param(
            days_ago(541),
            "1500",
            "paid_on",
            czech("The payment is dated before the debt arose."),
            id="before-the-debt",
        ),
    ],
)
def test_payment_create_refuses_an_impossible_payment(
    client, social_worker, schedule, paid_on, amount, field, message
):
    earlier = PaymentFactory(schedule=schedule, amount=Decimal("1500.00"))  # 8,500 remain
    client.force_login(social_worker)

    response = pay(client, schedule, paid_on=paid_on, amount=amount)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert field_error(response, field) == message
    assert list(Payment.objects.all()) == [earlier]
    schedule.debt.refresh_from_db()
    assert schedule.debt.current_amount == Decimal("10000.00")


def test_payment_create_twice_with_the_same_token_records_one_payment(
    client, social_worker, schedule
):
    client.force_login(social_worker)
    token = uuid.uuid4()

    first = pay(client, schedule, amount="1500", token=token)
    second = pay(client, schedule, amount="1500", token=token)

    detail = reverse("clients:schedule-detail", args=[schedule.pk])
    assertRedirects(first, detail)
    assertRedirects(second, detail)
    assert list(Payment.objects.values_list("token", "amount")) == [(token, Decimal("1500.00"))]
    schedule.debt.refresh_from_db()
    assert schedule.debt.current_amount == Decimal("8500.00")


def test_payment_create_of_the_rest_ends_the_schedule_and_pays_the_debt(
    client, social_worker, schedule
):
    record_payment(
        schedule=schedule,
        paid_on=days_ago(30),
        amount=Decimal("8500.00"),
        token=uuid.uuid4(),
        by=social_worker,
    )
    client.force_login(social_worker)

    response = pay(client, schedule, paid_on=days_ago(2), amount="1500")

    assertRedirects(response, reverse("clients:schedule-detail", args=[schedule.pk]))
    schedule.refresh_from_db()
    debt = schedule.debt
    assert (schedule.ended_on, debt.state, debt.current_amount) == (
        days_ago(2),
        DebtState.PAID,
        Decimal("0.00"),
    )
    page = client.get(response.url)
    assert page.context["standing"].is_paid
    assertNotContains(page, reverse("clients:payment-create", args=[schedule.pk]))


def test_payment_create_of_the_rest_of_a_partial_schedule_reopens_the_debt(
    client, social_worker, person
):
    debt = DebtFactory(debtor=person, original_amount=Decimal("12000.00"), state=DebtState.SCHEDULE)
    schedule = RepaymentScheduleFactory(debt=debt, total=Decimal("10000.00"))
    PaymentFactory(schedule=schedule, amount=Decimal("9000.00"))
    client.force_login(social_worker)

    pay(client, schedule, amount="1000")

    schedule.refresh_from_db()
    assert schedule.ended_on == TODAY
    assert (schedule.debt.current_amount, schedule.debt.state) == (
        Decimal("11000.00"),
        DebtState.OPEN,
    )


def test_payment_create_after_a_tiny_payment_is_recorded(client, social_worker, person):
    # 10,000 at 1,000 a month; 1 CZK paid: 10 instalments due on date.max, pace 0.10 CZK a month.
    debt = DebtFactory(debtor=person, original_amount=Decimal("10000.00"), state=DebtState.SCHEDULE)
    schedule = RepaymentScheduleFactory(debt=debt, first_due_on=first_of_the_month(1))
    PaymentFactory(schedule=schedule, amount=Decimal("1.00"))
    client.force_login(social_worker)

    response = pay(client, schedule, amount="1000")

    assertRedirects(response, reverse("clients:schedule-detail", args=[schedule.pk]))
    assert Payment.objects.count() == 2


def test_payment_create_is_post_only(client, social_worker, schedule):
    client.force_login(social_worker)

    response = client.get(reverse("clients:payment-create", args=[schedule.pk]))

    assert response.status_code == 405
    assert not Payment.objects.exists()


def test_payment_create_of_another_kmb_is_hidden(client, outsider, schedule):
    client.force_login(outsider)

    response = pay(client, schedule)

    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_payment_create_is_not_for_an_administrator(client, administrator, schedule):
    client.force_login(administrator)

    response = pay(client, schedule)

    assert response.status_code == 403
    assert not Payment.objects.exists()


# --- The schedule page -------------------------------------------------------------------------


def test_schedule_detail_shows_the_standing_and_offers_the_next_instalment(
    client, social_worker, schedule
):
    PaymentFactory(schedule=schedule, paid_on=schedule.first_due_on, amount=Decimal("1500.00"))
    client.force_login(social_worker)

    response = client.get(reverse("clients:schedule-detail", args=[schedule.pk]))

    # Three instalments due (the 1st two months ago, last month, this month): expected 4,500,
    # paid 1,500, arrears 3,000 = 2 instalments. Pace 1,500 / 3 = 500 a month: the 8,500 left
    # takes 17 months from the 1st of next month. Planned: 7 instalments, the last in 6 months.
    first = schedule.first_due_on
    projected = schedules.add_months(first, 3 + 16, 1)
    planned = schedules.add_months(first, 6, 1)
    with translation.override("cs"):
        behind = ngettext("%(counter)s instalment behind", "%(counter)s instalments behind", 2) % {
            "counter": 2
        }
    of_total = czech("of %(total)s CZK", total=czk("10000.00"))
    assert text_of(response, "standing") == (
        f"{czech('Paid so far')} {czk('1500.00')} Kč {of_total} "
        f"{czech('Remaining')} {czk('8500.00')} Kč "
        f"{czech('Arrears')} {czk('3000.00')} Kč {behind} "
        f"{czech('Expected end')} {projected.month}/{projected.year} "
        f"{czech('planned %(planned)s', planned=f'{planned.month}/{planned.year}')}"
    )
    assert response.context["form"].initial["amount"] == Decimal("1500.00")
    assert response.context["form"].initial["paid_on"] == TODAY


def test_schedule_detail_for_an_administrator_is_read_only(client, administrator, schedule):
    client.force_login(administrator)

    response = client.get(reverse("clients:schedule-detail", args=[schedule.pk]))

    assert response.status_code == 200
    assert response.context["may_change"] is False
    assertNotContains(response, reverse("clients:payment-create", args=[schedule.pk]))


def test_schedule_detail_of_another_kmb_is_hidden(client, outsider, schedule):
    client.force_login(outsider)

    response = client.get(reverse("clients:schedule-detail", args=[schedule.pk]))

    assert response.status_code == 404


def test_schedule_detail_is_never_for_a_provider(client, staff, case, schedule):
    provider = staff[Role.PROVIDER_STAFF]
    ConsentFactory(household=case.household, recipient=provider.organisation)
    client.force_login(provider)

    response = client.get(reverse("clients:schedule-detail", args=[schedule.pk]))

    assert response.status_code == 403


# --- The household's debts on the case page ----------------------------------------------------


@pytest.fixture
def indebted_household(case, person, testov, kmb_office):
    """Debts of two members: to two municipalities, one in distraint, one paid, one written off.
    Outstanding: 5,000 + 2,000 + 8,000 = 15,000."""
    child = ClientFactory(household=case.household, relationship="child", first_name="Eliška")
    lhota = MunicipalityFactory(orp=kmb_office.orp, name="Dolní Lhota")
    DebtFactory(
        debtor=person,
        municipal=True,
        creditor_municipality=testov,
        original_amount=Decimal("5000.00"),
        confirmed_by="Ing. Jana Malá",
        confirmed_on=days_ago(10),
    )
    DebtFactory(
        debtor=child, municipal=True, creditor_municipality=lhota, original_amount=Decimal("2000")
    )
    DebtFactory(
        debtor=person,
        creditor_kind=CreditorKind.LANDLORD,
        original_amount=Decimal("8000.00"),
        state=DebtState.DISTRAINT,
    )
    DebtFactory(debtor=person, current_amount=Decimal("0.00"), state=DebtState.PAID)
    DebtFactory(debtor=person, original_amount=Decimal("1000"), state=DebtState.WRITTEN_OFF)
    return case.household


def test_household_debt_summary_counts_outstanding_debts_only(indebted_household):
    summary = household_debt_summary(indebted_household)

    assert summary == DebtSummary(
        total=Decimal("15000.00"),
        by_kind=[
            (CreditorKind.MUNICIPALITY.label, Decimal("7000.00")),
            (CreditorKind.LANDLORD.label, Decimal("8000.00")),
        ],
        by_municipality=[("Dolní Lhota", Decimal("2000.00")), ("Testov", Decimal("5000.00"))],
        in_distraint=True,
        in_insolvency=False,
    )
    assert summary.owed_to_municipality("Testov") == Decimal("5000.00")


def test_case_detail_shows_the_debt_summary_with_the_distraint_badge(
    client, social_worker, case, person, indebted_household
):
    client.force_login(social_worker)

    response = client.get(case.get_absolute_url())

    assert text_of(response, "debt-summary") == " ".join(
        [
            czech("Owed now: %(total)s CZK", total=czk("15000.00")),
            "·",
            czech("to %(name)s: %(amount)s CZK", name="Dolní Lhota", amount=czk("2000.00")),
            "·",
            czech("to %(name)s: %(amount)s CZK", name="Testov", amount=czk("5000.00")),
            czech("distraint"),
        ]
    )
    assert [
        (debt.creditor_label, debt.debtor.first_name, debt.current_amount)
        for debt in response.context["debts"]
    ] == [
        (czech(CreditorKind.LANDLORD.label), person.first_name, Decimal("8000.00")),
        ("Testov", person.first_name, Decimal("5000.00")),
        ("Dolní Lhota", "Eliška", Decimal("2000.00")),
        (czech(CreditorKind.ENERGY.label), person.first_name, Decimal("1000.00")),  # written off
        (czech(CreditorKind.ENERGY.label), person.first_name, Decimal("0.00")),  # paid
    ]


def test_case_detail_links_each_schedule_with_its_standing(client, social_worker, case, schedule):
    client.force_login(social_worker)

    response = client.get(case.get_absolute_url())

    debts = section(response, "debts-title")
    link = reverse("clients:schedule-detail", args=[schedule.pk])
    assert f'<a href="{link}">1{NBSP}500 Kč/{czech("month")}</a>' in debts
    # Nothing paid, three instalments due: 4,500 behind.
    assert escape(czech("%(amount)s CZK behind", amount=f"4{NBSP}500")) in debts


def test_case_detail_without_debts_says_what_to_ask(client, social_worker, case):
    client.force_login(social_worker)

    response = client.get(case.get_absolute_url())

    assert escape(
        czech(
            "No debt recorded. Ask about rent and utility arrears, debts to the municipality, "
            "loans and distraint."
        )
    ) in section(response, "debts-title")


@pytest.mark.parametrize(
    ("scope", "sees_debts"),
    [
        pytest.param(["contact", "situation"], False, id="without-finances"),
        pytest.param(["contact", "finances"], True, id="with-finances"),
    ],
)
def test_case_detail_shows_debts_to_a_provider_only_with_a_finances_consent(
    client, staff, case, schedule, scope, sees_debts
):
    provider = staff[Role.PROVIDER_STAFF]
    ConsentFactory(household=case.household, recipient=provider.organisation, scope=scope)
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert ('aria-labelledby="debts-title"' in html) is sees_debts
    assert ("ČEZ" in html) is sees_debts
    assert czech("Record a debt") not in html  # a provider reads, never records


def test_case_detail_offers_a_provider_no_schedule_link_they_cannot_open(
    client, staff, case, schedule
):
    provider = staff[Role.PROVIDER_STAFF]
    ConsentFactory(household=case.household, recipient=provider.organisation)
    client.force_login(provider)

    response = client.get(case.get_absolute_url())

    assertContains(response, 'aria-labelledby="debts-title"')
    assertNotContains(response, reverse("clients:schedule-detail", args=[schedule.pk]))


# --- The debt worklist -------------------------------------------------------------------------


def schedule_of(household_kmb, name: str, *, months_ago: int = 3, **fields) -> RepaymentSchedule:
    """12,000 at 1,000 a month on the 1st from `months_ago` months back (that many + 1 due)."""
    person = ClientFactory(
        household=HouseholdFactory(kmb=household_kmb), first_name=name, last_name="Dlužný"
    )
    return RepaymentScheduleFactory(
        debt__debtor=person, first_due_on=first_of_the_month(months_ago), **fields
    )


def paid(schedule, amount: str) -> None:
    PaymentFactory(schedule=schedule, paid_on=schedule.first_due_on, amount=Decimal(amount))


def test_debt_worklist_lists_the_schedules_behind_by_an_instalment_or_more(
    client, social_worker, kmb_office, other_kmb_office
):
    # 4 instalments due (4,000) in each schedule.
    far_behind = schedule_of(kmb_office, "Adam")  # nothing paid: 4,000 behind
    one_behind = schedule_of(kmb_office, "Bohdana")
    paid(one_behind, "3000")  # 1,000 behind
    almost = schedule_of(kmb_office, "Cyril")
    paid(almost, "3500")  # 500 behind: less than an instalment
    on_track = schedule_of(kmb_office, "Dana")
    paid(on_track, "4000")
    schedule_of(kmb_office, "Emil", ended_on=days_ago(10))  # ended
    schedule_of(kmb_office, "Filip", months_ago=-1)  # the first instalment is next month
    schedule_of(other_kmb_office, "Gustav")  # behind, but in another KMB
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-worklist"))

    assert response.context["behind"] == [far_behind, one_behind]
    assert [s.standing.arrears for s in response.context["behind"]] == [
        Decimal("4000.00"),
        Decimal("1000.00"),
    ]
    rows = section(response, "behind-title")
    assert links(rows) == [
        reverse("clients:schedule-detail", args=[far_behind.pk]),
        reverse("clients:schedule-detail", args=[one_behind.pk]),
    ]
    assert "Adam Dlužný</a>" in rows
    with translation.override("cs"):
        four = ngettext("%(counter)s instalment", "%(counter)s instalments", 4) % {"counter": 4}
    assert f"{four}</td>" in rows


def stale_debt(kmb, name: str, *, confirmed: int | None, **fields) -> Debt:
    """A municipal debt confirmed `confirmed` days ago (None: never)."""
    person = ClientFactory(household=HouseholdFactory(kmb=kmb), first_name=name)
    return DebtFactory(
        debtor=person,
        municipal=True,
        creditor_municipality=MunicipalityFactory(orp=kmb.orp, name="Testov"),
        confirmed_by="" if confirmed is None else "Ing. Malá",
        confirmed_on=None if confirmed is None else days_ago(confirmed),
        **fields,
    )


def test_debt_worklist_lists_municipal_debts_not_confirmed_for_90_days(
    client, social_worker, kmb_office, other_kmb_office
):
    long_ago = stale_debt(kmb_office, "Hana", confirmed=100)
    never = stale_debt(kmb_office, "Ivan", confirmed=None)
    stale_debt(kmb_office, "Jana", confirmed=10)
    stale_debt(kmb_office, "Karel", confirmed=90)  # exactly 90 days: still fresh
    stale_debt(kmb_office, "Lucie", confirmed=None, state=DebtState.PAID)
    stale_debt(other_kmb_office, "Marek", confirmed=None)
    DebtFactory(debtor=ClientFactory(household=HouseholdFactory(kmb=kmb_office)))  # not municipal
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-worklist"))

    assert sorted(response.context["stale"], key=lambda debt: debt.pk) == [long_ago, never]
    rows = section(response, "stale-title")
    assert sorted(links(rows)) == sorted(
        reverse("clients:debt-edit", args=[debt.pk]) for debt in (long_ago, never)
    )
    assert f"{days_ago(100).day}. {days_ago(100).month}. {days_ago(100).year}" in rows
    assert czech("never") in rows


def test_debt_worklist_puts_never_confirmed_debts_first(client, social_worker, kmb_office):
    recent = stale_debt(kmb_office, "Hana", confirmed=100)
    older = stale_debt(kmb_office, "Ivan", confirmed=200)
    never = stale_debt(kmb_office, "Jana", confirmed=None)
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-worklist"))

    assert response.context["stale"] == [never, older, recent]


def test_debt_worklist_when_all_is_well_says_so(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-worklist"))

    assertContains(response, escape(czech("Every running repayment schedule is paid as agreed.")))
    assertContains(
        response, escape(czech("All debts to municipalities have a fresh confirmation."))
    )


def test_debt_worklist_is_not_for_a_provider(client, staff):
    client.force_login(staff[Role.PROVIDER_STAFF])

    response = client.get(reverse("clients:debt-worklist"))

    assert response.status_code == 403


# --- The debt analysis -------------------------------------------------------------------------


def household_owing(kmb, *debts: tuple) -> Household:
    """A household whose applicant owes (kind, amount, days owed[, state]) for each debt."""
    person = ClientFactory(household=HouseholdFactory(kmb=kmb))
    for kind, amount, days, *state in debts:
        DebtFactory(
            debtor=person,
            creditor_kind=kind,
            original_amount=Decimal(amount),
            since=days_ago(days),
            state=state[0] if state else DebtState.OPEN,
            **({"municipal": True} if kind == CreditorKind.MUNICIPALITY else {}),
        )
    return person.household


@pytest.fixture
def analysed(kmb_office, other_kmb_office):
    """Four indebted households owing 1,000; 3,000; 10,000; 40,000; one that has paid its
    debt; one that never had any; and a household of another KMB."""
    household_owing(kmb_office, (CreditorKind.MUNICIPALITY, 1000, 200))
    household_owing(kmb_office, (CreditorKind.ENERGY, 3000, 365))  # a full year: 1 to 3 years
    household_owing(
        kmb_office, (CreditorKind.LANDLORD, 6000, 400), (CreditorKind.ENERGY, 4000, 1460)
    )
    household_owing(kmb_office, (CreditorKind.BANK_LOAN, 40000, 6 * 365, DebtState.DISTRAINT))
    household_owing(kmb_office, (CreditorKind.ENERGY, 5000, 100, DebtState.PAID))
    HouseholdFactory(kmb=kmb_office)
    household_owing(other_kmb_office, (CreditorKind.ENERGY, 99000, 10))


def test_debt_analysis_of_the_kmb(analysed, kmb_office):
    analysis = debt_analysis(Household.objects.filter(kmb=kmb_office), today=TODAY)

    # Sorted: 1,000; 3,000; 10,000; 40,000. Median (3,000 + 10,000) / 2 = 6,500. Quartiles,
    # inclusive method (positions (n − 1)·p = 0.75, 1.5, 2.25): 1,000 + 0.75 × 2,000 = 2,500;
    # 3,000 + 0.5 × 7,000 = 6,500; 10,000 + 0.25 × 30,000 = 17,500.
    assert (
        analysis.households,
        analysis.indebted,
        analysis.total,
        analysis.median,
        analysis.quartiles,
        analysis.smallest,
        analysis.largest,
        analysis.in_distraint,
        analysis.in_insolvency,
    ) == (
        6,
        4,
        Decimal("54000.00"),
        Decimal("6500.00"),
        (Decimal("2500.00"), Decimal("6500.00"), Decimal("17500.00")),
        Decimal("1000.00"),
        Decimal("40000.00"),
        1,
        0,
    )
    assert [
        (row["label"], row["households"], row["debts"], row["amount"]) for row in analysis.by_kind
    ] == [
        (CreditorKind.MUNICIPALITY.label, 1, 1, Decimal("1000.00")),
        (CreditorKind.LANDLORD.label, 1, 1, Decimal("6000.00")),
        (CreditorKind.ENERGY.label, 2, 2, Decimal("7000.00")),
        (CreditorKind.BANK_LOAN.label, 1, 1, Decimal("40000.00")),
    ]
    # 200 days; 365 and 400 days; 1,460 days (4 years); 2,190 days (6 years).
    assert [(str(row["label"]), row["debts"], row["amount"]) for row in analysis.by_age] == [
        (czech("Up to 1 year"), 1, Decimal("1000.00")),
        (czech("1 to 3 years"), 2, Decimal("9000.00")),
        (czech("3 to 5 years"), 1, Decimal("4000.00")),
        (czech("Over 5 years"), 1, Decimal("40000.00")),
    ]


def test_debt_analysis_page_shows_the_distribution(client, social_worker, analysed):
    client.force_login(social_worker)

    response = client.get(reverse("clients:debt-analysis"))

    assert text_of(response, "distribution") == " ".join(
        [
            czech("Indebted households"),
            "4",
            czech("of %(all)s", all=6),
            czech("Median debt"),
            f"6{NBSP}500 Kč",
            # makemessages doubles a template's "%" in the message id.
            czech("Quartiles (25 %% · 50 %% · 75 %%)").replace("%%", "%"),
            f"2{NBSP}500 · 6{NBSP}500 · 17{NBSP}500 Kč",
            czech("Range"),
            f"1{NBSP}000 – 40{NBSP}000 Kč",
            czech("Total"),
            f"54{NBSP}000 Kč",
        ]
    )


def test_debt_analysis_of_a_single_debtor_and_of_none(kmb_office):
    household_owing(kmb_office, (CreditorKind.WATER, 700, 30))
    HouseholdFactory(kmb=kmb_office)

    one = debt_analysis(Household.objects.filter(kmb=kmb_office), today=TODAY)
    none = debt_analysis(Household.objects.none(), today=TODAY)

    assert (one.indebted, one.median, one.quartiles) == (
        1,
        Decimal("700.00"),
        (Decimal("700.00"),) * 3,
    )
    assert none == DebtAnalysis(
        households=0,
        indebted=0,
        total=Decimal("0"),
        median=None,
        quartiles=None,
        smallest=None,
        largest=None,
        by_kind=[],
        by_age=none.by_age,
        in_distraint=0,
        in_insolvency=0,
    )
    assert [(row["debts"], row["amount"]) for row in none.by_age] == [(0, Decimal("0"))] * 4


# --- Query counts ------------------------------------------------------------------------------


def debts_with_schedules(person, count: int) -> None:
    for n in range(count):
        schedule = RepaymentScheduleFactory(
            debt__debtor=person, first_due_on=first_of_the_month(3 + n)
        )
        paid(schedule, "1000")
        paid(schedule, "500")


# Session, user, the case with its household, residence, KMB and case manager; the access-log
# entry (content type, insert); the debts with their debtors and municipalities, their schedules,
# their payments (the summary is computed from these); members, reasons, status changes,
# situations, incomes, benefits, preferred municipalities, consents, consultations, register
# records, support measures, other cases; the menu's organisation; session save (3).
CASE_DETAIL_QUERIES = 28


@pytest.mark.parametrize("size", [1, 3])
def test_case_detail_with_debts_query_count_is_constant(
    client, social_worker, case, person, django_assert_num_queries, size
):
    debts_with_schedules(person, size)
    client.force_login(social_worker)
    ContentType.objects.clear_cache()

    with django_assert_num_queries(CASE_DETAIL_QUERIES):
        response = client.get(case.get_absolute_url())

    assert [len(debt.schedules.all()[0].payments.all()) for debt in response.context["debts"]] == [
        2
    ] * size


# Session, user; the running schedules with their debts and debtors, their payments; the stale
# municipal debts with their debtors and municipalities; the menu's organisation; session save (3).
DEBT_WORKLIST_QUERIES = 10


@pytest.mark.parametrize("size", [1, 3])
def test_debt_worklist_query_count_is_constant(
    client, social_worker, kmb_office, django_assert_num_queries, size
):
    for n in range(size):
        schedule_of(kmb_office, f"Dlužník {n}")
        stale_debt(kmb_office, f"Obecní {n}", confirmed=None)
    client.force_login(social_worker)

    with django_assert_num_queries(DEBT_WORKLIST_QUERIES):
        response = client.get(reverse("clients:debt-worklist"))

    assert (len(response.context["behind"]), len(response.context["stale"])) == (size, size)


# Session, user, the schedule with its debt, debtor, household, KMB and municipality; the
# access-log entry (content type, insert); the payments twice (for the standing; for the table,
# with who recorded them); the household's latest case (the way back); the menu's organisation;
# session save (3).
SCHEDULE_DETAIL_QUERIES = 13


@pytest.mark.parametrize("size", [1, 3])
def test_schedule_detail_query_count_is_constant(
    client, social_worker, schedule, django_assert_num_queries, size
):
    for _ in range(size):
        paid(schedule, "100")
    client.force_login(social_worker)
    ContentType.objects.clear_cache()

    with django_assert_num_queries(SCHEDULE_DETAIL_QUERIES):
        response = client.get(reverse("clients:schedule-detail", args=[schedule.pk]))

    assert len(response.context["payments"]) == size
