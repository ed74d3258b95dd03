"""The notification centre: the user's own notifications, newest unread first. Nobody else's
notification is reachable (404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kmb import access
from kmb.notifications import services
from kmb.notifications.models import Notification, NotificationKind

PAGE_SIZE = 20

ICONS = {
    NotificationKind.COOPERATION_ENDED: "person-x",
    NotificationKind.REFERRAL_ANSWERED: "reply",
    NotificationKind.CHECK_IN_PROBLEM: "telephone-x",
    NotificationKind.PROPOSAL_DECLINED: "house-x",
    NotificationKind.COMMISSION_DECISION: "people-fill",
    NotificationKind.CASE_ASSIGNED: "folder-plus",
    NotificationKind.OTHER: "bell",
}


def _own(user):
    return access.notifications_visible_to(user, Notification.objects.all())


@require_GET
def notification_list(request):
    unread_first = Case(When(read_at__isnull=True, then=0), default=1, output_field=IntegerField())
    notifications = _own(request.user).order_by(unread_first, "-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.icon = ICONS.get(notification.kind, "bell")
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
def notification_open(request, pk):
    """Mark the notification read and go where it points, if that is a page of this site."""
    notification = get_object_or_404(_own(request.user), pk=pk)
    services.mark_read(notification=notification)
    if notification.url and _is_local(request, notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def notification_mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


def _is_local(request, url: str) -> bool:
    """Only a path on this site ("/cases/1/"): never another host, scheme or "//host"."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
