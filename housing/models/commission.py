"""The municipal housing commission: sessions, their agenda of anonymised summaries, and the
decision on each item, which feeds the proposal's workflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.dates import format_day
from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed, minutes issued")


class CommissionSession(TimeStampedModel):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="commission_sessions",
        verbose_name=_("municipality"),
    )
    held_on = models.DateField(_("date of the session"), validators=[validate_plausible_date])
    place = models.CharField(_("place"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commission session")
        verbose_name_plural = _("commission sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return _("Housing commission of %(date)s") % {"date": format_day(self.held_on)}

    def get_absolute_url(self):
        return reverse("housing:session-detail", args=[self.pk])


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    DEFER = "defer", _("Deferred")


class AgendaItem(TimeStampedModel):
    session = models.ForeignKey(
        CommissionSession,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("session"),
    )
    proposal = models.ForeignKey(
        "housing.Proposal",
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("proposal"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # The anonymised summary as the commission saw it (built by the redaction policy), kept
    # unchanged for the minutes.
    summary = models.JSONField(_("anonymised summary"), default=dict)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "proposal"],
                name="agenda_item_once_per_session",
                violation_error_message=_("The proposal is already on this session's agenda."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="agenda_item_decision_has_a_time",
                violation_error_message=_("A decision needs the time it was taken."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="reject") | ~Q(reasons=""),
                name="agenda_item_rejection_has_reasons",
                violation_error_message=_("A rejection needs its reasons."),
            ),
        ]

    def __str__(self):
        return _("Item %(order)s") % {"order": self.order}
