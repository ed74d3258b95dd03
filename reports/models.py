"""What reporting keeps: a manager's indicator targets for a project period, and the archive of
issued monthly reports (downloadable again unchanged)."""

import hashlib

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class ProjectPeriod(TimeStampedModel):
    """E.g. Liberec's project 2026–2027 with its targets (DOMAIN.md, "Reports and indicators")."""

    kmb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="project_periods",
        verbose_name=_("KMB"),
    )
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("from"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("to"), validators=[validate_plausible_date])

    class Meta:
        verbose_name = _("project period")
        verbose_name_plural = _("project periods")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="project_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:period-detail", args=[self.pk])


class IndicatorTarget(models.Model):
    period = models.ForeignKey(
        ProjectPeriod, on_delete=models.CASCADE, related_name="targets", verbose_name=_("period")
    )
    # A code of reports.indicators.
    indicator = models.CharField(_("indicator"), max_length=60)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "indicator"],
                name="indicator_target_once_per_period",
                violation_error_message=_("This indicator already has a target in the period."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.target}"


class IssuedReport(models.Model):
    """A monthly report as it was issued: who, when, for what, and the very file."""

    kmb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="issued_reports",
        verbose_name=_("KMB"),
    )
    month = models.DateField(_("month"), validators=[validate_plausible_date])
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="issued_report_month_is_first_day",
                violation_error_message=_("The month is given by its first day."),
            ),
        ]

    def __str__(self):
        return _("Monthly report %(month)s") % {"month": self.month.strftime("%m/%Y")}

    def get_absolute_url(self):
        return reverse("reports:issued-report-download", args=[self.pk])

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
