"""The audit trail: reads of personal data are logged, changes are kept, managers see their own."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML

from kmb.accounts.models import User
from kmb.audit.models import AccessLog
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.audit import AccessLogFactory

PRAGUE = ZoneInfo("Europe/Prague")


def change_last_name(user, last_name, *, by):
    user.last_name = last_name
    user._history_user = by
    user.save()
    return user.history.latest()


def listed(response) -> list:
    return list(response.context["page"].object_list)


# --- Reads -------------------------------------------------------------------------------------


def test_user_detail_logs_one_read_without_the_query_string(
    client, manager, social_worker, kmb_office
):
    client.force_login(manager)

    response = client.get(
        reverse("accounts:user-detail", args=[social_worker.pk]), {"q": "Nováková"}
    )

    assertContains(response, f'<h1 class="h3 mb-0">{social_worker}</h1>', html=True)
    entry = AccessLog.objects.get()
    assert (
        entry.user,
        entry.organisation,
        entry.view_name,
        entry.path,
        entry.content_type,
        entry.object_id,
    ) == (
        manager,
        kmb_office,
        "accounts:user-detail",
        f"/accounts/staff/{social_worker.pk}/",
        ContentType.objects.get_for_model(User),
        str(social_worker.pk),
    )


def test_access_log_keeps_the_organisation_at_the_time_of_reading(
    client, manager, social_worker, kmb_office, other_kmb_office
):
    client.force_login(manager)
    client.get(reverse("accounts:user-detail", args=[social_worker.pk]))

    User.objects.filter(pk=manager.pk).update(organisation=other_kmb_office)

    assert AccessLog.objects.get().organisation == kmb_office


def test_access_log_manager_sees_only_reads_by_own_organisation(
    client, manager, social_worker, other_kmb_office
):
    outsider = UserFactory(username="cizi", manager=True, organisation=other_kmb_office)
    own_early = AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 2, 9, 0, tzinfo=PRAGUE)
    )
    own_late = AccessLogFactory(
        user=manager, record=social_worker, at=datetime(2026, 3, 3, 9, 0, tzinfo=PRAGUE)
    )
    AccessLogFactory(user=outsider, record=outsider, at=datetime(2026, 3, 4, 9, 0, tzinfo=PRAGUE))
    client.force_login(manager)

    response = client.get(reverse("audit:access-log"))

    assert listed(response) == [own_late, own_early]
    assertInHTML(
        f'<tr><td class="text-nowrap">3. 3. 2026 09:00:00</td><td>{manager}</td>'
        f"<td>KMB Testov</td><td>uživatel #{social_worker.pk}</td>"
        f"<td><code>/accounts/staff/{social_worker.pk}/</code></td></tr>",
        response.content.decode(),
    )
    assert outsider.get_full_name() not in response.content.decode()


def test_access_log_administrator_sees_reads_of_every_organisation(
    client, administrator, social_worker, other_kmb_office
):
    outsider = UserFactory(username="cizi", manager=True, organisation=other_kmb_office)
    own = AccessLogFactory(
        user=social_worker, record=social_worker, at=datetime(2026, 3, 2, 9, 0, tzinfo=PRAGUE)
    )
    other = AccessLogFactory(
        user=outsider, record=outsider, at=datetime(2026, 3, 4, 9, 0, tzinfo=PRAGUE)
    )
    client.force_login(administrator)

    response = client.get(reverse("audit:access-log"))

    assert listed(response) == [other, own]


def test_access_log_filters_by_user_and_dates(client, manager, social_worker):
    AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 4, 23, 59, tzinfo=PRAGUE)
    )
    in_range = AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 10, 9, 0, tzinfo=PRAGUE)
    )
    AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 16, 0, 1, tzinfo=PRAGUE)
    )
    AccessLogFactory(
        user=manager, record=social_worker, at=datetime(2026, 3, 10, 10, 0, tzinfo=PRAGUE)
    )
    client.force_login(manager)

    response = client.get(
        reverse("audit:access-log"),
        {"user": social_worker.pk, "date_from": "2026-03-05", "date_to": "2026-03-15"},
    )

    assert listed(response) == [in_range]


def test_access_log_dates_are_prague_dates(client, manager, social_worker):
    # 00:30 in Prague is still the previous day in UTC.
    just_after_midnight = AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 5, 0, 30, tzinfo=PRAGUE)
    )
    AccessLogFactory(
        user=social_worker, record=manager, at=datetime(2026, 3, 4, 23, 30, tzinfo=PRAGUE)
    )
    client.force_login(manager)

    response = client.get(
        reverse("audit:access-log"), {"date_from": "2026-03-05", "date_to": "2026-03-05"}
    )

    assert listed(response) == [just_after_midnight]


def test_access_log_filter_offers_only_visible_users(
    client, manager, social_worker, other_kmb_office
):
    UserFactory(username="cizi", organisation=other_kmb_office)
    client.force_login(manager)

    response = client.get(reverse("audit:access-log"))

    choices = response.context["filter"].form.fields["user"].queryset
    assert sorted(user.username for user in choices) == ["socialni", "vedouci"]


def test_access_log_empty_result_says_what_to_do(client, manager):
    client.force_login(manager)

    response = client.get(reverse("audit:access-log"), {"date_from": "2030-01-01"})

    assertContains(
        response, "Filtrům neodpovídá žádný přístup. Rozšiřte rozmezí dat nebo filtry zrušte."
    )


# --- Change history ----------------------------------------------------------------------------


@pytest.fixture
def colleague_changes(manager, social_worker, administrator, other_kmb_office):
    """One change to the social worker by each of: their manager, an outside manager, the
    administrator (in that order)."""
    outsider = UserFactory(username="cizi", manager=True, organisation=other_kmb_office)
    return {
        "own": change_last_name(social_worker, "Dvořáková", by=manager),
        "outsider": change_last_name(social_worker, "Malá", by=outsider),
        "administrator": change_last_name(social_worker, "Veselá", by=administrator),
    }


def test_history_manager_sees_only_changes_by_own_staff(client, manager, colleague_changes):
    client.force_login(manager)

    response = client.get(reverse("audit:history"), {"model": "accounts.user"})

    assert listed(response) == [colleague_changes["own"]]


def test_history_administrator_sees_every_change(
    client, administrator, social_worker, colleague_changes
):
    client.force_login(administrator)

    response = client.get(
        reverse("audit:history"), {"model": "accounts.user", "object_id": social_worker.pk}
    )

    creation = social_worker.history.earliest()
    assert listed(response) == [
        colleague_changes["administrator"],
        colleague_changes["outsider"],
        colleague_changes["own"],
        creation,
    ]
    assertContains(response, "<td>systém</td>", html=True)


def test_history_lists_who_changed_what(client, manager, social_worker, colleague_changes):
    client.force_login(manager)

    response = client.get(reverse("audit:history"), {"model": "accounts.user"})

    record = colleague_changes["own"]
    detail = reverse("audit:history-detail", args=["accounts.user", record.history_id])
    assertInHTML(
        f"<td>{manager}</td><td>změněno</td><td>#{social_worker.pk} {record.instance}</td>"
        f'<td><a href="{detail}">Co se změnilo</a></td>',
        response.content.decode(),
    )


def test_history_filters_by_who_changed(client, administrator, manager, colleague_changes):
    client.force_login(administrator)

    response = client.get(reverse("audit:history"), {"model": "accounts.user", "user": manager.pk})

    assert listed(response) == [colleague_changes["own"]]


def test_history_shows_organisation_changes_too(client, administrator, kmb_office):
    kmb_office.phone = "485 000 111"
    kmb_office._history_user = administrator
    kmb_office.save()
    client.force_login(administrator)

    response = client.get(
        reverse("audit:history"), {"model": "accounts.organisation", "object_id": kmb_office.pk}
    )

    assert [(r.history_type, r.history_user, r.phone) for r in listed(response)] == [
        ("~", administrator, "485 000 111"),
        ("+", None, ""),
    ]


def test_history_pages_hold_fifty_changes(client, administrator, kmb_office):
    UserFactory.create_batch(50, organisation=kmb_office)  # 55 accounts with the staff
    client.force_login(administrator)

    response = client.get(reverse("audit:history"), {"model": "accounts.user", "page": 2})

    assert (response.context["page"].number, len(listed(response))) == (2, 5)


def test_history_second_page_keeps_the_default_record_type(client, administrator, kmb_office):
    UserFactory.create_batch(50, organisation=kmb_office)
    client.force_login(administrator)

    response = client.get(reverse("audit:history"), {"page": 2})

    assert response.context["form"].errors == {}
    assert (response.context["page"].number, len(listed(response))) == (2, 5)


def test_history_detail_shows_before_and_after(client, manager, social_worker):
    social_worker.last_name = "Nováková"
    social_worker.save()
    record = change_last_name(social_worker, "Dvořáková", by=manager)
    client.force_login(manager)

    response = client.get(
        reverse("audit:history-detail", args=["accounts.user", record.history_id])
    )

    assert response.context["changes"] == [
        {"field": "příjmení", "old": "Nováková", "new": "Dvořáková"}
    ]
    assertInHTML(
        "<tr><td>Příjmení</td><td>Nováková</td><td>Dvořáková</td></tr>",
        response.content.decode(),
    )


def test_history_detail_of_another_organisations_change_is_hidden(
    client, manager, colleague_changes
):
    client.force_login(manager)

    response = client.get(
        reverse(
            "audit:history-detail",
            args=["accounts.user", colleague_changes["outsider"].history_id],
        )
    )

    assert response.status_code == 404
    assertContains(response, "Stránka nenalezena", status_code=404)


def test_history_detail_of_an_untracked_model_is_not_found(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("audit:history-detail", args=["audit.accesslog", 1]))

    assertContains(response, "Stránka nenalezena", status_code=404)


def test_login_records_last_login_without_a_history_row(client, social_worker):
    rows_before = list(User.history.values_list("history_id", flat=True))

    client.post(reverse("login"), {"username": social_worker.username, "password": "kmb-demo-2026"})

    assert client.session["_auth_user_id"] == str(social_worker.pk)
    social_worker.refresh_from_db()
    assert timezone.now() - social_worker.last_login < timedelta(minutes=1)
    assert list(User.history.values_list("history_id", flat=True)) == rows_before


# --- Query counts ------------------------------------------------------------------------------


# Session, user, count, the user's organisation (menu), the filter's user and record-type choices,
# the page of entries with their users, organisations and record types, session save (3).
ACCESS_LOG_QUERIES = 11


@pytest.mark.parametrize("rows", [1, 3])
def test_access_log_query_count_is_constant(client, db, django_assert_num_queries, rows):
    office = OrganisationFactory(name="KMB Počty")
    manager = UserFactory(username="pocty", manager=True, organisation=office)
    for hour in range(rows):
        AccessLogFactory(
            user=manager, record=manager, at=datetime(2026, 3, 2, 9 + hour, 0, tzinfo=PRAGUE)
        )
    client.force_login(manager)

    with django_assert_num_queries(ACCESS_LOG_QUERIES):
        response = client.get(reverse("audit:access-log"))

    assert len(listed(response)) == rows


# Session, user, the user's organisation (menu), count, the filter's user choices, the page of
# changes with their authors, session save (3).
HISTORY_QUERIES = 10


@pytest.mark.parametrize("rows", [1, 3])
def test_history_query_count_is_constant(client, db, django_assert_num_queries, rows):
    office = OrganisationFactory(name="KMB Počty")
    manager = UserFactory(username="pocty", manager=True, organisation=office)
    for number in range(rows):
        change_last_name(manager, f"Příjmení {number}", by=manager)
    client.force_login(manager)

    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(reverse("audit:history"), {"model": "accounts.user"})

    assert len(listed(response)) == rows
