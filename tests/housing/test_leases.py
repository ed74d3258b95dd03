"""Leases: signing (one lease of a flat at a time, on both databases), extending, ending,
tenancy events that open prevention, the Brno conversion to a standard lease, and the lease page
(who sees the household, query count, access)."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clients.models import CaseStatus, CaseStatusChange, CloseReason
from housing.lease_forms import a_year_from
from housing.models import (
    FlatStatusChange,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    Program,
    TenancyEvent,
    TenancyEventKind,
)
from housing.services import leases as services
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory
from tests.factories.guarantees import GuaranteeFactory
from tests.factories.housing import FlatFactory, LeaseFactory

TODAY = timezone.localdate()
D = datetime.date

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def field_error(response, name: str) -> str | None:
    """The error crispy-forms shows under the field `name`."""
    match = re.search(
        rf'<p id="error_1_id_{name}"><strong>(.*?)</strong></p>', response.content.decode()
    )
    return unescape(match[1]) if match else None


def already_let(start: datetime.date, end: datetime.date | None) -> str:
    return czech(
        "The flat is already let in this period (%(start)s – %(end)s).",
        start=f"{start.day}. {start.month}. {start.year}",
        end=f"{end.day}. {end.month}. {end.year}" if end else "…",
    )


@pytest.fixture
def municipality(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def flat(municipality):
    return FlatFactory(
        municipality=municipality, street="Lipová", number="12", rent=Decimal("6000.00")
    )


@pytest.fixture
def case(kmb_office, social_worker):
    """The active case of Žofie Zlatohlávková's household, managed by the social worker."""
    return CaseFactory(
        household__kmb=kmb_office,
        status=CaseStatus.ACTIVE,
        case_manager=social_worker,
        applicant__first_name="Žofie",
        applicant__last_name="Zlatohlávková",
    )


@pytest.fixture
def household(case):
    return case.household


@pytest.fixture
def lease(flat, household, social_worker):
    """A running 12-month lease signed a month ago; the flat is let."""
    start = days_ago(30)
    return services.sign_lease(
        lease=Lease(
            flat=flat,
            household=household,
            start_on=start,
            end_on=start + datetime.timedelta(days=364),
            rent=Decimal("6000.00"),
            deposit=Decimal("12000.00"),
        ),
        by=social_worker,
    )


@pytest.fixture
def housing_officer(municipality):
    """Housing-department staff of the flat's municipality."""
    return UserFactory(
        first_name="Bára",
        last_name="Úřednice",  # fixed: no tenant's surname can turn up as the user's own
        housing_department=True,
        organisation=OrganisationFactory(municipal=True, municipality=municipality),
    )


def lease_post(household, **overrides) -> dict:
    data = {
        "household": household.pk,
        "kind": "lease",
        "start_on": "2026-06-01",
        "end_on": "2027-05-31",
        "rent": "6000",
        "deposit": "12000",
    }
    return {**data, **overrides}


def statuses_of(flat) -> list[tuple[str, str]]:
    return list(
        FlatStatusChange.objects.filter(flat=flat)
        .order_by("changed_at", "pk")
        .values_list("from_status", "to_status")
    )


# --- Signing -------------------------------------------------------------------------------------


def test_sign_lease_lets_the_flat(flat, household, social_worker):
    lease = services.sign_lease(
        lease=Lease(flat=flat, household=household, start_on=D(2026, 6, 1), rent=Decimal("6000")),
        by=social_worker,
    )

    flat.refresh_from_db()
    assert (flat.status, statuses_of(flat)) == ("let", [("free", "let")])
    assert list(Lease.objects.values_list("pk", "household_id", "end_on")) == [
        (lease.pk, household.pk, None)
    ]


def test_sign_lease_refuses_an_overlapping_lease(flat, household, social_worker):
    LeaseFactory(flat=flat, start_on=D(2026, 1, 1), end_on=D(2026, 12, 31))

    with pytest.raises(ValidationError) as refused:
        services.sign_lease(
            lease=Lease(
                flat=flat, household=household, start_on=D(2026, 6, 1), rent=Decimal("6000")
            ),
            by=social_worker,
        )

    assert refused.value.message_dict == {"start_on": [already_let(D(2026, 1, 1), D(2026, 12, 31))]}
    assert Lease.objects.count() == 1


def test_lease_create_form_refuses_an_overlapping_lease(client, social_worker, flat, household):
    LeaseFactory(flat=flat, start_on=D(2026, 1, 1), end_on=None)
    client.force_login(social_worker)

    response = client.post(reverse("housing:lease-create", args=[flat.pk]), lease_post(household))

    assert field_error(response, "start_on") == already_let(D(2026, 1, 1), None)
    assert Lease.objects.count() == 1
    flat.refresh_from_db()
    assert flat.status == "free"


def test_lease_create_allows_a_lease_starting_the_day_after_the_last_one_ends(
    client, social_worker, flat, household
):
    earlier = LeaseFactory(flat=flat, start_on=D(2025, 6, 1), end_on=D(2026, 5, 31))
    client.force_login(social_worker)

    response = client.post(reverse("housing:lease-create", args=[flat.pk]), lease_post(household))

    signed = Lease.objects.exclude(pk=earlier.pk).get()
    assertRedirects(response, signed.get_absolute_url(), fetch_redirect_response=False)
    assert (signed.start_on, signed.end_on, signed.rent, signed.deposit) == (
        D(2026, 6, 1),
        D(2027, 5, 31),
        Decimal("6000.00"),
        Decimal("12000.00"),
    )


@postgresql_only
def test_database_refuses_an_overlapping_lease_that_skips_validation(flat, household):
    LeaseFactory(flat=flat, start_on=D(2026, 1, 1), end_on=D(2026, 12, 31))

    with pytest.raises(IntegrityError, match="housing_lease_no_overlap"), transaction.atomic():
        Lease.objects.create(
            flat=flat, household=household, start_on=D(2026, 12, 31), rent=Decimal("6000")
        )
    with pytest.raises(IntegrityError, match="housing_lease_no_overlap"), transaction.atomic():
        Lease.objects.bulk_create(
            [
                Lease(
                    flat=flat,
                    household=household,
                    start_on=D(2025, 6, 1),
                    end_on=D(2026, 1, 1),
                    rent=Decimal("6000"),
                )
            ]
        )
    # The day after is free, and an ended lease counts until the day it ended.
    Lease.objects.create(flat=flat, household=household, start_on=D(2027, 1, 1), rent=1000)

    assert list(Lease.objects.order_by("start_on").values_list("start_on", flat=True)) == [
        D(2026, 1, 1),
        D(2027, 1, 1),
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message", "values"),
    [
        ({"end_on": "2026-05-31"}, "end_on", "A lease cannot end before it starts.", {}),
        (
            {"deposit": "18000.01"},
            "deposit",
            "The deposit can be at most three monthly rents (%(max)s CZK).",
            {"max": "18\xa0000,00"},
        ),
        ({"rent": "-1"}, "rent", "An amount cannot be negative.", {}),
    ],
    ids=["end-before-start", "deposit-above-three-rents", "negative-rent"],
)
def test_lease_create_form_says_what_is_wrong(
    client, social_worker, flat, household, overrides, field, message, values
):
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:lease-create", args=[flat.pk]), lease_post(household, **overrides)
    )

    errors = response.context["form"].errors
    assert errors == {field: [czech(message, **values)]}
    assert field_error(response, field) == czech(message, **values)
    assert (Lease.objects.count(), FlatStatusChange.objects.count()) == (0, 0)


def test_lease_create_form_offers_the_households_of_the_kmb_by_name(
    client, social_worker, flat, household, other_kmb_office
):
    CaseFactory(household__kmb=other_kmb_office, applicant__last_name="Cizí")
    client.force_login(social_worker)

    response = client.get(reverse("housing:lease-create", args=[flat.pk]))

    form = response.context["form"]
    assert [label for _, label in form.fields["household"].choices] == [
        "---------",
        czech(
            "%(name)s (household no. %(number)s)", name="Žofie Zlatohlávková", number=household.pk
        ),
    ]
    assert {name: form.initial[name] for name in ("start_on", "end_on", "rent", "deposit")} == {
        "start_on": TODAY,
        "end_on": a_year_from(TODAY),
        "rent": Decimal("6000.00"),
        "deposit": Decimal("0.00"),
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 6, 1), D(2027, 5, 31)),
        (D(2028, 2, 29), D(2029, 2, 28)),
        (D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_a_year_from_gives_the_last_day_of_a_12_month_term(start, end):
    assert a_year_from(start) == end


# --- Extending -----------------------------------------------------------------------------------


def test_extend_lease_keeps_the_previous_end(lease, social_worker):
    previous = lease.end_on
    new_end = previous + datetime.timedelta(days=365)

    extension = services.extend_lease(lease=lease, new_end_on=new_end, by=social_worker)

    lease.refresh_from_db()
    assert lease.end_on == new_end
    assert list(LeaseExtension.objects.values_list("lease", "previous_end_on", "new_end_on")) == [
        (lease.pk, previous, new_end)
    ]
    assert extension.by == social_worker


def test_extend_lease_refuses_a_new_end_that_is_not_later(lease, social_worker):
    end = lease.end_on

    with pytest.raises(ValidationError) as refused:
        services.extend_lease(lease=lease, new_end_on=end, by=social_worker)

    assert refused.value.message_dict == {
        "new_end_on": [
            czech(
                "The new end must be after the current end (%(end)s).",
                end=date_format(end, "j. n. Y"),
            )
        ]
    }
    assert LeaseExtension.objects.count() == 0


def test_lease_extend_form_refuses_to_reach_into_the_next_lease(client, social_worker, lease):
    next_start = lease.end_on + datetime.timedelta(days=1)
    LeaseFactory(flat=lease.flat, start_on=next_start, end_on=None)
    end = lease.end_on
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:lease-extend", args=[lease.pk]),
        {"new_end_on": (next_start + datetime.timedelta(days=30)).isoformat()},
    )

    assert field_error(response, "new_end_on") == already_let(next_start, None)
    lease.refresh_from_db()
    assert (lease.end_on, LeaseExtension.objects.count()) == (end, 0)


def test_lease_extend_form_extends_and_goes_back_to_the_lease(client, social_worker, lease):
    client.force_login(social_worker)
    new_end = lease.end_on + datetime.timedelta(days=365)

    response = client.post(
        reverse("housing:lease-extend", args=[lease.pk]), {"new_end_on": new_end.isoformat()}
    )

    assertRedirects(response, lease.get_absolute_url(), fetch_redirect_response=False)
    lease.refresh_from_db()
    assert (lease.end_on, lease.extensions.count()) == (new_end, 1)


# --- Ending --------------------------------------------------------------------------------------


def test_end_lease_frees_the_flat(lease, social_worker):
    services.end_lease(
        lease=lease, ended_on=TODAY, reason=LeaseEndReason.MOVED_OUT, by=social_worker
    )

    lease.refresh_from_db()
    assert (lease.ended_on, lease.end_reason) == (TODAY, "moved_out")
    assert statuses_of(lease.flat) == [("free", "let"), ("let", "free")]
    lease.flat.refresh_from_db()
    assert lease.flat.status == "free"


def test_end_lease_keeps_the_flat_let_for_the_next_lease(lease, social_worker):
    Lease.objects.filter(pk=lease.pk).update(end_on=TODAY)
    LeaseFactory(flat=lease.flat, start_on=TODAY + datetime.timedelta(days=1), end_on=None)

    services.end_lease(lease=lease, ended_on=TODAY, reason=LeaseEndReason.OTHER, by=social_worker)

    lease.flat.refresh_from_db()
    assert (lease.flat.status, statuses_of(lease.flat)) == ("let", [("free", "let")])


def test_lease_end_form_refuses_an_end_before_the_start(client, social_worker, lease):
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:lease-end", args=[lease.pk]),
        {"ended_on": days_ago(31).isoformat(), "end_reason": "moved_out"},
    )

    assert field_error(response, "ended_on") == czech("A lease cannot end before it starts.")
    lease.refresh_from_db()
    lease.flat.refresh_from_db()
    assert (lease.ended_on, lease.end_reason, lease.flat.status) == (None, "", "let")


# --- Tenancy events ------------------------------------------------------------------------------


def test_tenancy_event_opens_prevention_on_the_households_case(lease, case, social_worker):
    event = services.record_tenancy_event(
        lease=lease,
        event=TenancyEvent(kind=TenancyEventKind.ARREARS_WARNING, occurred_on=TODAY),
        open_prevention=True,
        by=social_worker,
    )

    case.refresh_from_db()
    assert case.status == "prevention"
    assert (event.lease, event.prevention_case, event.recorded_by) == (lease, case, social_worker)
    assert list(case.status_changes.values_list("from_status", "to_status", "note")) == [
        ("active", "prevention", czech("Tenancy event: %(event)s", event=event))
    ]


def test_tenancy_event_without_prevention_leaves_the_case(lease, case, social_worker):
    event = services.record_tenancy_event(
        lease=lease,
        event=TenancyEvent(kind=TenancyEventKind.OTHER, occurred_on=TODAY),
        open_prevention=False,
        by=social_worker,
    )

    case.refresh_from_db()
    assert (case.status, event.prevention_case) == ("active", None)


def test_tenancy_event_does_not_reopen_a_closed_case(lease, case, social_worker):
    case.status, case.closed_on, case.close_reason = "closed", TODAY, CloseReason.HOUSED
    case.save()

    with pytest.raises(ValidationError) as refused:
        services.record_tenancy_event(
            lease=lease,
            event=TenancyEvent(kind=TenancyEventKind.NOTICE_TO_QUIT, occurred_on=TODAY),
            open_prevention=True,
            by=social_worker,
        )

    assert refused.value.message_dict == {
        "open_prevention": [czech("The household has no open case to move to prevention.")]
    }
    case.refresh_from_db()
    assert (case.status, TenancyEvent.objects.count(), CaseStatusChange.objects.count()) == (
        "closed",
        0,
        0,
    )


def test_event_create_form_tells_why_a_new_case_cannot_move_to_prevention(
    client, social_worker, lease, case
):
    case.status, case.case_manager = CaseStatus.NEW, None
    case.save()
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:event-create", args=[lease.pk]),
        {"kind": "arrears_warning", "occurred_on": TODAY.isoformat(), "open_prevention": "on"},
    )

    assert field_error(response, "open_prevention") == czech(
        "A case cannot go from “%(from)s” to “%(to)s”.",
        **{"from": czech("New"), "to": czech("Prevention")},
    )
    assert TenancyEvent.objects.count() == 0


def test_event_create_form_records_the_event_and_opens_prevention(
    client, social_worker, lease, case
):
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:event-create", args=[lease.pk]),
        {
            "kind": "notice_to_quit",
            "occurred_on": days_ago(2).isoformat(),
            "note": "Výpověď pro dluh na nájemném.",
            "open_prevention": "on",
        },
        follow=True,
    )

    assertRedirects(response, lease.get_absolute_url())
    assertContains(response, escape(czech("The household's case is in prevention now.")))
    case.refresh_from_db()
    assert case.status == "prevention"
    assert list(TenancyEvent.objects.values_list("kind", "occurred_on", "prevention_case")) == [
        ("notice_to_quit", days_ago(2), case.pk)
    ]


def test_event_create_form_does_not_offer_prevention_to_the_housing_department(
    client, housing_officer, lease
):
    client.force_login(housing_officer)

    response = client.get(reverse("housing:event-create", args=[lease.pk]))

    assert list(response.context["form"].fields) == ["kind", "occurred_on", "note"]


# --- Conversion to a standard lease (Brno) -------------------------------------------------------


def test_convert_to_standard_lease_keeps_the_history(lease, case, social_worker):
    event = services.record_tenancy_event(
        lease=lease,
        event=TenancyEvent(kind=TenancyEventKind.ARREARS_WARNING, occurred_on=TODAY),
        open_prevention=False,
        by=social_worker,
    )
    on = TODAY + datetime.timedelta(days=10)

    standard = services.convert_to_standard_lease(
        lease=lease, on=on, new_rent=Decimal("8500.00"), by=social_worker
    )

    lease.refresh_from_db()
    standard.refresh_from_db()
    assert (lease.ended_on, lease.end_reason) == (on - datetime.timedelta(days=1), "standard_lease")
    assert (
        standard.continues,
        standard.household,
        standard.kind,
        standard.start_on,
        standard.end_on,
        standard.rent,
        standard.deposit,
    ) == (lease, lease.household, "lease", on, None, Decimal("8500.00"), Decimal("12000.00"))
    assert lease.continued_by == standard
    assert list(lease.events.all()) == [event]
    flat = lease.flat
    flat.refresh_from_db()
    assert (flat.program, flat.status) == ("standard_municipal", "let")
    assert flat.history.first().program == "standard_municipal"


def test_convert_to_standard_lease_is_one_action(lease, social_worker):
    """A refused new lease leaves the old one running and the flat's program as it was."""
    with pytest.raises(ValidationError) as refused:
        services.convert_to_standard_lease(
            lease=lease, on=TODAY, new_rent=Decimal("3999.99"), by=social_worker
        )

    assert refused.value.message_dict == {
        "new_rent": [
            czech(
                "The deposit can be at most three monthly rents (%(max)s CZK).",
                max="11\xa0999,97",
            )
        ]
    }
    lease.refresh_from_db()
    lease.flat.refresh_from_db()
    assert (lease.ended_on, Lease.objects.count(), lease.flat.program) == (None, 1, "social")


def test_lease_convert_form_converts_and_shows_the_new_lease(client, social_worker, lease):
    client.force_login(social_worker)
    on = TODAY + datetime.timedelta(days=1)

    response = client.post(
        reverse("housing:lease-convert", args=[lease.pk]),
        {"on": on.isoformat(), "new_rent": "8500"},
    )

    standard = Lease.objects.get(continues=lease)
    assertRedirects(response, standard.get_absolute_url(), fetch_redirect_response=False)
    page = client.get(standard.get_absolute_url())
    assertContains(page, f'href="{lease.get_absolute_url()}" data-testid="continues"')
    assertNotContains(page, reverse("housing:lease-convert", args=[standard.pk]))
    assert standard.flat.program == Program.STANDARD_MUNICIPAL


# --- The lease page ------------------------------------------------------------------------------


def tenant_of(response) -> str:
    match = re.search(r'data-testid="tenant">(.*?)</dd>', response.content.decode(), re.S)
    return unescape(match[1])


def test_lease_detail_names_the_household_with_a_link_to_its_case(
    client, social_worker, lease, case
):
    client.force_login(social_worker)

    response = client.get(lease.get_absolute_url())

    assert tenant_of(response) == f'<a href="{case.get_absolute_url()}">Žofie Zlatohlávková</a>'
    assertContains(response, reverse("housing:lease-end", args=[lease.pk]))


def test_lease_detail_shows_the_housing_department_the_household_by_number_only(
    client, housing_officer, lease, case
):
    services.record_tenancy_event(
        lease=lease,
        event=TenancyEvent(kind=TenancyEventKind.ARREARS_WARNING, occurred_on=TODAY),
        open_prevention=True,
        by=case.case_manager,
    )
    client.force_login(housing_officer)

    response = client.get(lease.get_absolute_url())

    assert tenant_of(response) == czech("Household no. %(number)s", number=lease.household_id)
    assertNotContains(response, "Zlatohlávková")
    assertNotContains(response, case.get_absolute_url())
    # The housing department manages the flat, so it may record events and end the lease.
    assertContains(response, reverse("housing:lease-end", args=[lease.pk]))


def test_lease_detail_keeps_the_kmbs_event_notes_from_the_housing_department(
    client, social_worker, housing_officer, lease
):
    services.record_tenancy_event(
        lease=lease,
        event=TenancyEvent(
            kind=TenancyEventKind.ARREARS_WARNING,
            occurred_on=TODAY,
            note="Paní Zlatohlávková slíbila doplatit do pátku.",
        ),
        open_prevention=False,
        by=social_worker,
    )

    client.force_login(housing_officer)
    for_the_department = client.get(lease.get_absolute_url())
    client.force_login(social_worker)
    for_the_kmb = client.get(lease.get_absolute_url())

    assertNotContains(for_the_department, "slíbila doplatit")
    assertContains(for_the_kmb, "slíbila doplatit")


def test_lease_detail_shows_a_read_only_page_to_the_administrator(client, administrator, lease):
    client.force_login(administrator)

    response = client.get(lease.get_absolute_url())

    assert tenant_of(response).endswith(">Žofie Zlatohlávková</a>")
    assertNotContains(response, reverse("housing:lease-edit", args=[lease.pk]))


def test_lease_detail_records_one_read(client, social_worker, lease):
    client.force_login(social_worker)

    client.get(lease.get_absolute_url())

    assert list(
        AccessLog.objects.values_list("user", "view_name", "content_type", "object_id")
    ) == [
        (
            social_worker.pk,
            "housing:lease-detail",
            ContentType.objects.get_for_model(Lease).pk,
            str(lease.pk),
        )
    ]


def test_lease_detail_lists_guarantees_with_links(client, social_worker, lease):
    guarantee = GuaranteeFactory(lease=lease, fund__name="Fond Testov")
    client.force_login(social_worker)

    response = client.get(lease.get_absolute_url())

    assertContains(response, reverse("guarantees:guarantee-detail", args=[guarantee.pk]))
    assertContains(response, reverse("guarantees:guarantee-create", args=[lease.pk]))
    assertContains(response, "Fond Testov")


# Session, user, the user's KMB (which flats it sees); the lease with its flat, household and the
# leases it continues or is continued by; its guarantees and their funds; the access log's content
# type and entry; the household's applicant and cases (the name and the link); the extensions with
# who; the events with who and case; session save (3).
LEASE_DETAIL_QUERIES = 16


@pytest.mark.parametrize("size", [1, 3])
def test_lease_detail_query_count_is_constant(
    client, social_worker, lease, case, django_assert_num_queries, size
):
    for n in range(size):
        services.extend_lease(
            lease=lease, new_end_on=lease.end_on + datetime.timedelta(days=30), by=social_worker
        )
        services.record_tenancy_event(
            lease=lease,
            event=TenancyEvent(kind=TenancyEventKind.ARREARS_WARNING, occurred_on=days_ago(n)),
            open_prevention=True,
            by=social_worker,
        )
        GuaranteeFactory(lease=lease)
    client.force_login(social_worker)
    ContentType.objects.clear_cache()

    with django_assert_num_queries(LEASE_DETAIL_QUERIES):
        response = client.get(lease.get_absolute_url())

    assert (len(response.context["extensions"]), len(response.context["events"])) == (size, size)


# --- Access --------------------------------------------------------------------------------------


def test_lease_pages_are_hidden_from_a_kmb_of_another_orp(client, other_kmb_office, lease):
    client.force_login(UserFactory(organisation=other_kmb_office))

    for name in ("lease-detail", "lease-edit", "lease-extend", "lease-end", "lease-convert"):
        assert client.get(reverse(f"housing:{name}", args=[lease.pk])).status_code == 404
    assert client.get(reverse("housing:lease-create", args=[lease.flat.pk])).status_code == 404


def test_lease_pages_are_hidden_from_the_housing_department_of_another_municipality(client, lease):
    client.force_login(UserFactory(housing_department=True))

    assert client.get(lease.get_absolute_url()).status_code == 404


def test_lease_changes_are_forbidden_to_the_read_only_administrator(client, administrator, lease):
    client.force_login(administrator)

    response = client.post(
        reverse("housing:lease-end", args=[lease.pk]),
        {"ended_on": TODAY.isoformat(), "end_reason": "moved_out"},
    )

    assert response.status_code == 403
    lease.refresh_from_db()
    assert lease.ended_on is None


def test_lease_pages_are_forbidden_to_provider_staff(client, staff, lease):
    client.force_login(staff[Role.PROVIDER_STAFF])

    assert client.get(lease.get_absolute_url()).status_code == 403


def test_lease_pages_refuse_other_methods(client, social_worker, lease):
    client.force_login(social_worker)

    assert client.post(lease.get_absolute_url()).status_code == 405
    assert client.delete(reverse("housing:lease-edit", args=[lease.pk])).status_code == 405


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("lease-edit", "Edit the lease"),
        ("lease-extend", "Extend the lease"),
        ("lease-end", "End the lease"),
        ("lease-convert", "Convert to a standard lease"),
        ("event-create", "Record a tenancy event"),
    ],
)
def test_lease_action_pages_show_their_form(client, social_worker, lease, name, title):
    client.force_login(social_worker)

    response = client.get(reverse(f"housing:{name}", args=[lease.pk]))

    assertContains(response, f'<h1 class="h3 mb-3">{czech(title)}</h1>', html=True)
    assertContains(response, f'<a class="btn btn-link" href="{lease.get_absolute_url()}">')


def test_lease_create_form_refuses_a_household_of_another_kmb(
    client, social_worker, flat, other_kmb_office
):
    stranger = CaseFactory(household__kmb=other_kmb_office).household
    client.force_login(social_worker)

    response = client.post(reverse("housing:lease-create", args=[flat.pk]), lease_post(stranger))

    assert list(response.context["form"].errors) == ["household"]
    assert Lease.objects.count() == 0


def test_lease_create_form_has_no_household_for_the_housing_department(
    client, housing_officer, flat, household
):
    client.force_login(housing_officer)

    response = client.get(reverse("housing:lease-create", args=[flat.pk]))

    field = response.context["form"].fields["household"]
    assert (list(field.choices), field.help_text) == (
        [("", "---------")],
        czech(
            "No household to choose: a lease is recorded by the KMB that keeps the "
            "household's case file."
        ),
    )


def test_lease_edit_form_saves_the_terms(client, social_worker, lease):
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:lease-edit", args=[lease.pk]),
        {
            "kind": "sublease",
            "start_on": lease.start_on.isoformat(),
            "end_on": lease.end_on.isoformat(),
            "rent": "6500",
            "deposit": "13000",
            "notarial_clause": "on",
        },
    )

    assertRedirects(response, lease.get_absolute_url(), fetch_redirect_response=False)
    lease.refresh_from_db()
    assert (lease.kind, lease.rent, lease.deposit, lease.notarial_clause) == (
        "sublease",
        Decimal("6500.00"),
        Decimal("13000.00"),
        True,
    )
