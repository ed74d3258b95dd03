"""In-app notifications: what a colleague must learn at once (a provider ended its cooperation,
a proposal was declined after acceptance, a check-in found a problem)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    COOPERATION_ENDED = "cooperation_ended", _("Cooperation ended")
    REFERRAL_ANSWERED = "referral_answered", _("Referral answered")
    CHECK_IN_PROBLEM = "check_in_problem", _("Check-in found a problem")
    PROPOSAL_DECLINED = "proposal_declined", _("Proposal declined")
    COMMISSION_DECISION = "commission_decision", _("Commission decision")
    CASE_ASSIGNED = "case_assigned", _("Case assigned")
    OTHER = "other", _("Other")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    # The English source text (marked with gettext_noop where it is written) and its parameters:
    # it is translated when shown, so each reader sees it in their own language.
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return gettext(self.message)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
