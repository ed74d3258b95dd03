"""The access log: who opened which personal data, when, through which page.

Changes are recorded separately, by django-simple-history on each model with personal data.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AccessLog(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_log",
        verbose_name=_("who"),
    )
    # The organisation at the time of reading: users can move between organisations.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    view_name = models.CharField(_("page"), max_length=100)
    # The path only, never the query string: a search for a name is personal data itself.
    path = models.CharField(_("address"), max_length=500)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record"), max_length=64)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="accesslog_object_idx")]

    def __str__(self):
        return (
            f"{self.user} → {self.content_type.model} #{self.object_id} ({self.at:%Y-%m-%d %H:%M})"
        )
