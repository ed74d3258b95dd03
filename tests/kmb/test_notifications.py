"""The notification centre: only the user's own notifications, unread first and paged; opening one
marks it read and follows its link (to this site only); marking all read; the bell's count."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from pytest_django.asserts import assertInHTML, assertRedirects

from kmb.notifications import services
from kmb.notifications.models import Notification, NotificationKind
from kmb.notifications.views import PAGE_SIZE
from tests.factories.accounts import UserFactory

URL = reverse("notifications:list")
MARK_ALL = reverse("notifications:mark-all-read")
CASE_ASSIGNED = gettext_noop("You are the case manager of case %(case)s now.")
ENDED = gettext_noop("Cooperation ended")


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def open_url(notification) -> str:
    return reverse("notifications:open", args=[notification.pk])


def tell(user, message=CASE_ASSIGNED, *, kind=NotificationKind.CASE_ASSIGNED, url="", **params):
    return services.notify(
        recipient=user, kind=kind, message=message, params=params or {"case": "2026/00001"}, url=url
    )


def texts(response) -> list[str]:
    html = response.content.decode()
    return [
        unescape(text).strip()
        for text in re.findall(r'<div(?: class="fw-semibold")?>([^<]*)</div>', html)
    ]


@pytest.fixture
def colleague(kmb_office):
    return UserFactory(username="kolega", organisation=kmb_office)


def test_list_shows_own_notifications_unread_first_newest_first(client, social_worker, colleague):
    oldest_read = tell(social_worker, case="2026/00001")
    older_unread = tell(social_worker, case="2026/00002")
    newer_read = tell(social_worker, case="2026/00003")
    newest_unread = tell(social_worker, case="2026/00004")
    tell(colleague, case="2026/00009")
    Notification.objects.filter(pk__in=[oldest_read.pk, newer_read.pk]).update(
        read_at=timezone.now()
    )
    client.force_login(social_worker)

    response = client.get(URL)

    assert [n.pk for n in response.context["page"].object_list] == [
        newest_unread.pk,
        older_unread.pk,
        newer_read.pk,
        oldest_read.pk,
    ]
    assert texts(response) == [
        czech(CASE_ASSIGNED, case=number)
        for number in ("2026/00004", "2026/00002", "2026/00003", "2026/00001")
    ]
    assert "2026/00009" not in response.content.decode()


def test_list_shows_the_kind_icon_and_an_open_button(client, social_worker):
    problem = tell(
        social_worker,
        gettext_noop("The check-in of %(month)s: the household of case %(case)s needs a visit."),
        kind=NotificationKind.CHECK_IN_PROBLEM,
        url="/cases/1/",
        month="3/2026",
        case="2026/00001",
    )
    client.force_login(social_worker)

    response = client.get(URL)

    html = response.content.decode()
    assertInHTML(
        '<i class="bi bi-telephone-x fs-4 text-primary" '
        f'title="{czech("Check-in found a problem")}" aria-hidden="true"></i>',
        html,
    )
    assertInHTML(
        f'<form method="post" action="{open_url(problem)}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{response.context["csrf_token"]}">'
        f'<button type="submit" class="btn btn-sm btn-primary text-nowrap">{czech("Show")} '
        '<i class="bi bi-arrow-right" aria-hidden="true"></i></button></form>',
        html,
    )


def test_list_without_notifications_says_what_comes_here(client, social_worker):
    client.force_login(social_worker)

    response = client.get(URL)

    assert list(response.context["page"].object_list) == []
    assert czech(
        "You have no notifications. When a provider ends its cooperation, a check-in finds a "
        "problem or a case is assigned to you, you will learn it here and by the bell in the menu."
    ) in unescape(response.content.decode())
    assert 'data-testid="mark-all-read"' not in response.content.decode()


def test_list_is_paged(client, social_worker):
    for n in range(PAGE_SIZE + 3):
        tell(social_worker, case=f"2026/{n:05d}")
    client.force_login(social_worker)

    response = client.get(URL, {"page": 2})

    assert [n.message for n in response.context["page"].object_list] == [CASE_ASSIGNED] * 3


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_constant(client, social_worker, django_assert_num_queries, count):
    for n in range(count):
        tell(social_worker, case=f"2026/{n:05d}")
    client.force_login(social_worker)

    # Session, user, the page's count and rows, the unread count (bell), the user's organisation
    # (menu), session save (3).
    with django_assert_num_queries(9):
        response = client.get(URL)

    assert len(response.context["page"].object_list) == count


# --- Opening a notification -------------------------------------------------------------------


def test_open_marks_read_and_follows_the_link(client, social_worker):
    notification = tell(social_worker, url="/cases/7/")
    client.force_login(social_worker)

    response = client.post(open_url(notification))

    assertRedirects(response, "/cases/7/", fetch_redirect_response=False)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_without_link_marks_read_and_returns_to_the_list(client, social_worker):
    notification = tell(social_worker)
    client.force_login(social_worker)

    response = client.post(open_url(notification))

    assertRedirects(response, URL)
    assert Notification.objects.get().is_read


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/cases/", "/\\evil.example", "javascript:x"]
)
def test_open_never_leaves_the_site(client, social_worker, url):
    notification = Notification.objects.create(
        recipient=social_worker, kind=NotificationKind.OTHER, message=ENDED, url=url
    )
    client.force_login(social_worker)

    response = client.post(open_url(notification))

    assertRedirects(response, URL)
    notification.refresh_from_db()
    assert notification.is_read


def test_open_of_another_users_notification_is_404(client, social_worker, colleague):
    theirs = tell(colleague, url="/cases/7/")
    client.force_login(social_worker)

    response = client.post(open_url(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_is_a_post(client, social_worker):
    notification = tell(social_worker, url="/cases/7/")
    client.force_login(social_worker)

    response = client.get(open_url(notification))

    assert response.status_code == 405
    assert Notification.objects.get().read_at is None


# --- Mark all read ----------------------------------------------------------------------------


def test_mark_all_read_marks_only_own_notifications(client, social_worker, colleague):
    mine = [tell(social_worker), tell(social_worker)]
    theirs = tell(colleague)
    client.force_login(social_worker)

    response = client.post(MARK_ALL, follow=True)

    assertRedirects(response, URL)
    assert [Notification.objects.get(pk=n.pk).is_read for n in [*mine, theirs]] == [
        True,
        True,
        False,
    ]
    assert czech("All notifications are marked as read.") in [
        str(m) for m in response.context["messages"]
    ]


def test_mark_all_read_is_a_post(client, social_worker):
    tell(social_worker)
    client.force_login(social_worker)

    response = client.get(MARK_ALL)

    assert response.status_code == 405
    assert Notification.objects.get().read_at is None


# --- The bell ---------------------------------------------------------------------------------


def bell(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="notifications-link"')
    return html[start : html.index("</a>", start)]


def test_the_bell_counts_own_unread_notifications(client, social_worker, colleague):
    tell(social_worker)
    tell(social_worker)
    Notification.objects.filter(pk=tell(social_worker).pk).update(read_at=timezone.now())
    tell(colleague)
    client.force_login(social_worker)

    response = client.get(reverse("home"))

    assertInHTML(
        '<span class="badge rounded-pill text-bg-warning" data-testid="unread-count">2'
        f'<span class="visually-hidden"> {czech("unread")}</span></span>',
        bell(response),
    )
    assert "bi-bell-fill" in bell(response)


def test_the_bell_without_unread_notifications_has_no_badge(client, social_worker):
    Notification.objects.filter(pk=tell(social_worker).pk).update(read_at=timezone.now())
    client.force_login(social_worker)

    response = client.get(reverse("home"))

    assert 'data-testid="unread-count"' not in bell(response)
    assert 'class="bi bi-bell"' in bell(response)


def test_opening_a_notification_lowers_the_count(client, social_worker):
    first = tell(social_worker)
    tell(social_worker)
    client.force_login(social_worker)

    client.post(open_url(first))
    response = client.get(URL)

    assert response.context["unread_notifications"] == 1
