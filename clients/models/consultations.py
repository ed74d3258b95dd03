"""Consultations (poradenství v bydlení, §12) and the referrals made during them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models.codes import (
    ConsultationChannel,
    ConsultationTopic,
    ReferralKind,
    ReferralOutcome,
)
from kmb.lib.dates import format_day
from kmb.lib.validators import validate_plausible_date


class Consultation(models.Model):
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("case"),
    )
    date = models.DateField(
        _("date"), default=timezone.localdate, db_index=True, validators=[validate_plausible_date]
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsultationChannel.choices)
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The form's one-time token: a second submit of the same form records the consultation once.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-date", "-pk"]
        indexes = [
            # The monthly indicators read a month's consultations by case, channel and minutes.
            models.Index(
                fields=["date", "case", "channel", "minutes"], name="consultation_month_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=600),
                name="consultation_minutes_plausible",
                violation_error_message=_("A consultation lasts 1 to 600 minutes."),
            ),
        ]

    def __str__(self):
        return _("Consultation of %(date)s") % {"date": format_day(self.date)}


class ConsultationTopicEntry(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=ConsultationTopic.choices)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "topic"], name="consultation_topic_once"
            ),
        ]

    def __str__(self):
        return self.get_topic_display()


class Referral(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("consultation"),
    )
    kind = models.CharField(_("referred to"), max_length=20, choices=ReferralKind.choices)
    recipient = models.CharField(
        _("organisation or person"),
        max_length=150,
        blank=True,
        help_text=_("E.g. the counselling centre's name."),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    outcome_on = models.DateField(
        _("outcome known on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    outcome_note = models.CharField(_("note on the outcome"), max_length=250, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=ReferralOutcome.PENDING) | Q(outcome_on__isnull=False),
                name="referral_outcome_has_a_date",
                violation_error_message=_("Enter when the outcome became known."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()
