"""Consents to share information (souhlas se sdílením), checked by kmb.access."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class ConsentRecipient(models.TextChoices):
    LANDLORD = "landlord", _("Landlord")
    PROVIDER = "provider", _("Support provider")
    HOUSING_DEPARTMENT = "housing_department", _("Housing department of the municipality")
    OTHER = "other", _("Other")


class ConsentScope(models.TextChoices):
    CONTACT = "contact", _("Contact details")
    SITUATION = "situation", _("Household and housing situation")
    FINANCES = "finances", _("Income, benefits and debts")
    SUPPORT = "support", _("Assistance plan and its progress")
    HEALTH = "health", _("Health and support needs")


class ConsentQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None):
        day = on or timezone.localdate()
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
            given_on__lte=day,
        )

    def expiring(self, *, days: int = 30, today: datetime.date | None = None):
        day = today or timezone.localdate()
        return self.valid(day).filter(expires_on__lte=day + datetime.timedelta(days=days))


class Consent(TimeStampedModel):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("household"),
    )
    given_by = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="consents_given",
        verbose_name=_("given by"),
    )
    recipient_kind = models.CharField(
        _("shared with"), max_length=20, choices=ConsentRecipient.choices
    )
    recipient = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
        verbose_name=_("organisation"),
    )
    recipient_name = models.CharField(
        _("name of the recipient"),
        max_length=150,
        blank=True,
        help_text=_("For a landlord who is a private person, or another recipient."),
    )
    scope = models.JSONField(_("what may be shared"), default=list)
    given_on = models.DateField(
        _("given on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    history = HistoricalRecords()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")),
                name="consent_expires_after_given",
                violation_error_message=_("A consent cannot end before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(recipient_name=""),
                name="consent_names_its_recipient",
                violation_error_message=_("Choose the organisation or write the recipient's name."),
            ),
        ]

    def __str__(self):
        return _("Consent to share with %(recipient)s") % {"recipient": self.recipient_label}

    @property
    def recipient_label(self) -> str:
        return str(self.recipient or self.recipient_name)

    def scope_labels(self) -> list[str]:
        return [ConsentScope(code).label for code in self.scope if code in ConsentScope.values]

    def is_valid(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.given_on <= day
            and (self.expires_on is None or self.expires_on >= day)
            and (self.withdrawn_on is None or self.withdrawn_on > day)
        )

    def covers(self, scope: str, on: datetime.date | None = None) -> bool:
        return self.is_valid(on) and scope in self.scope

    def clean(self):
        if self.given_on and self.expires_on and self.expires_on < self.given_on:
            raise ValidationError({"expires_on": _("A consent cannot end before it was given.")})
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
            )
        if not self.scope:
            raise ValidationError({"scope": _("Choose what may be shared.")})
        unknown = set(self.scope) - set(ConsentScope.values)
        if unknown:
            raise ValidationError({"scope": _("Unknown scope of sharing.")})
        if self.recipient_kind == ConsentRecipient.PROVIDER and not self.recipient_id:
            raise ValidationError({"recipient": _("Choose the support provider.")})
