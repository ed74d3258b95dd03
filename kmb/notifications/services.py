"""Writing and reading notifications. Other apps call `notify`; nothing else creates them."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from kmb.notifications.models import Notification, NotificationKind


@transaction.atomic
def notify(
    *,
    recipient,
    kind: NotificationKind,
    message: str,
    params: dict | None = None,
    url: str = "",
    email: bool = False,
) -> Notification:
    """Tell `recipient` something at once. `message`: an English source string marked with
    gettext_noop, with %(name)s parameters from `params`.

    Side effects: a Notification; with email=True, an e-mail in Czech (the office language) sent
    through Django's mail backend once the transaction commits — if the user has an address."""
    notification = Notification(
        recipient=recipient, kind=kind, message=message, params=params or {}, url=url
    )
    notification.full_clean()
    notification.save()
    if email and recipient.email:
        transaction.on_commit(lambda: _send(notification))
    return notification


def _send(notification: Notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = notification.text
        link = f"{settings.KMB_SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"[KMB] {text[:120]}",
            message=f"{text}\n\n{link}".strip(),
            from_email=None,
            recipient_list=[notification.recipient.email],
            fail_silently=True,
        )


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()
