"""The register of persons in need (evidence potřebných, zákon 175/2025 Sb., §13–27)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models.cases import latest_case_id
from clients.models.people import applicant_field
from kmb.lib.dates import format_day
from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class OpinionOutcome(models.TextChoices):
    POSITIVE = "positive", _("Confirms the need")
    NEGATIVE = "negative", _("Does not confirm the need")


class SupportMeasureKind(models.TextChoices):
    COUNSELLING = "PORADENSTVI", _("Housing counselling")
    ASSISTANCE = "ASISTENCE_V_BYDLENI", _("Assistance in housing")
    GUARANTEED_HOUSING = "BYDLENI_S_RUCENIM", _("Housing with a guarantee")
    SUBLET = "PODNAJEMNI_BYDLENI", _("Sublet housing")
    SUPPORTED_MUNICIPAL = "PODPOROVANE_OBECNI_BYDLENI", _("Supported municipal housing")


class RegisterRecordQuerySet(models.QuerySet):
    def in_register(self, on: datetime.date | None = None):
        day = on or timezone.localdate()
        return self.filter(entered_on__lte=day, valid_until__gte=day)

    def for_worklist(self, today: datetime.date):
        """With the applicant's name, the days left and the household's latest case."""
        return self.annotate(
            applicant_first_name=applicant_field("first_name"),
            applicant_last_name=applicant_field("last_name"),
            latest_case_id=latest_case_id(),
            days_left=F("valid_until") - Value(today, output_field=models.DateField()),
        ).order_by("valid_until", "pk")

    def expiring(self, *, days: int = 30, today: datetime.date | None = None):
        """Entries whose validity ends within `days` days: time to renew them (§23)."""
        day = today or timezone.localdate()
        return self.in_register(day).filter(valid_until__lte=day + datetime.timedelta(days=days))


class RegisterRecord(TimeStampedModel):
    """One application to the register and its way through it: assessment, the Labour Office's
    binding opinion, the entry and its validity."""

    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="register_records",
        verbose_name=_("household"),
    )
    applied_on = models.DateField(_("application submitted"), validators=[validate_plausible_date])
    assessed_on = models.DateField(
        _("housing assessment done"), null=True, blank=True, validators=[validate_plausible_date]
    )
    assessment_findings = models.TextField(_("findings of the housing assessment"), blank=True)
    opinion_on = models.DateField(
        _("binding opinion of the Labour Office"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    opinion_outcome = models.CharField(
        _("outcome of the opinion"), max_length=10, choices=OpinionOutcome.choices, blank=True
    )
    opinion_reference = models.CharField(_("reference number"), max_length=50, blank=True)
    entered_on = models.DateField(
        _("entered in the register"), null=True, blank=True, validators=[validate_plausible_date]
    )
    valid_until = models.DateField(
        _("entry valid until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    special_vulnerability = models.BooleanField(_("special vulnerability (§6)"), default=False)
    vulnerability_note = models.CharField(
        _("grounds of the vulnerability"), max_length=250, blank=True
    )
    history = HistoricalRecords()

    objects = RegisterRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("register record")
        verbose_name_plural = _("register records")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessed_on__isnull=True) | Q(assessed_on__gte=F("applied_on")),
                name="register_assessed_after_applied",
                violation_error_message=_("The assessment cannot come before the application."),
            ),
            models.CheckConstraint(
                condition=Q(opinion_on__isnull=True)
                | (Q(assessed_on__isnull=False) & Q(opinion_on__gte=F("assessed_on"))),
                name="register_opinion_after_assessment",
                violation_error_message=_("The Labour Office's opinion follows the assessment."),
            ),
            models.CheckConstraint(
                condition=Q(entered_on__isnull=True)
                | Q(opinion_outcome=OpinionOutcome.POSITIVE, valid_until__gt=F("entered_on")),
                name="register_entry_needs_positive_opinion_and_validity",
                violation_error_message=_(
                    "An entry needs a positive opinion and a validity ending after the entry."
                ),
            ),
        ]

    def __str__(self):
        return _("Register application of %(date)s") % {"date": format_day(self.applied_on)}

    def get_absolute_url(self):
        return reverse("clients:register-edit", args=[self.pk])

    @property
    def stage(self) -> str:
        if self.entered_on:
            if self.valid_until and self.valid_until < timezone.localdate():
                return _("Entry expired")
            return _("In the register")
        if self.opinion_outcome == OpinionOutcome.NEGATIVE:
            return _("Need not confirmed")
        if self.opinion_on:
            return _("Opinion received, entry pending")
        if self.assessed_on:
            return _("Waiting for the Labour Office")
        return _("Waiting for the housing assessment")

    def clean(self):
        if self.opinion_on and not self.opinion_outcome:
            raise ValidationError({"opinion_outcome": _("Record the outcome of the opinion.")})
        if self.entered_on and not self.valid_until:
            raise ValidationError({"valid_until": _("Enter until when the entry is valid.")})


class RegisterChange(models.Model):
    """A change of the entry (§24): new household member, new address, changed income..."""

    record = models.ForeignKey(
        RegisterRecord,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("register record"),
    )
    changed_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    description = models.CharField(_("what changed"), max_length=250)

    class Meta:
        verbose_name = _("change of the entry")
        verbose_name_plural = _("changes of the entry")
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return self.description


class SupportMeasure(models.Model):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="support_measures",
        verbose_name=_("household"),
    )
    kind = models.CharField(_("support measure"), max_length=30, choices=SupportMeasureKind.choices)
    since = models.DateField(
        _("since"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    until = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")
        ordering = ["-since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="support_measure_ends_after_it_starts",
                violation_error_message=_("A measure cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()
