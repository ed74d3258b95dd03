"""Leases and subleases of flats to households, their extensions and tenancy events."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.models.flats import Flat, money
from kmb.lib.dates import format_day
from kmb.lib.models import TimeStampedModel
from kmb.lib.money import format_czk
from kmb.lib.validators import validate_plausible_date

# The database refuses two leases of one flat that overlap in time (exclusion constraint, added
# on PostgreSQL by migration 0002); Lease.clean says the same in words, on every database.


class LeaseKind(models.TextChoices):
    LEASE = "lease", _("Lease")
    SUBLEASE = "sublease", _("Sublease")


class LeaseEndReason(models.TextChoices):
    STANDARD_LEASE = "standard_lease", _("Moved to a standard lease")
    MOVED_OUT = "moved_out", _("Moved out")
    EVICTION = "eviction", _("Eviction")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


class LeaseQuerySet(models.QuerySet):
    def with_last_day(self):
        """`last_day_on`: when the lease ends or ended (None: open-ended)."""
        return self.annotate(last_day_on=Coalesce("ended_on", "end_on"))

    def running(self, on: datetime.date | None = None):
        day = on or timezone.localdate()
        return self.with_last_day().filter(
            Q(last_day_on__isnull=True) | Q(last_day_on__gte=day), start_on__lte=day
        )

    def overlapping(self, *, flat_id: int, start_on: datetime.date, last_day: datetime.date | None):
        """Leases of the flat whose period meets [start_on, last_day] (both days included)."""
        leases = self.with_last_day().filter(flat_id=flat_id)
        leases = leases.filter(Q(last_day_on__isnull=True) | Q(last_day_on__gte=start_on))
        return leases.filter(start_on__lte=last_day) if last_day else leases


class Lease(TimeStampedModel):
    flat = models.ForeignKey(
        Flat, on_delete=models.PROTECT, related_name="leases", verbose_name=_("flat")
    )
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="leases",
        verbose_name=_("household"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=LeaseKind.choices, default=LeaseKind.LEASE
    )
    start_on = models.DateField(_("start"), validators=[validate_plausible_date])
    end_on = models.DateField(
        _("end"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_(
            "The agreed end (e.g. 12 months for Housing First in Liberec); empty: indefinite."
        ),
    )
    rent = models.DecimalField(_("rent (CZK a month)"), **money)
    deposit = models.DecimalField(_("deposit (CZK)"), default=0, **money)
    notarial_clause = models.BooleanField(
        _("notarial deed with consent to enforcement"),
        default=False,
        help_text=_("Notářský zápis se svolením k vykonatelnosti."),
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=LeaseEndReason.choices, blank=True
    )
    # A lease that continues an earlier one (a social flat converted to a standard lease).
    continues = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    history = HistoricalRecords()

    objects = LeaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="lease_ends_after_it_starts",
                violation_error_message=_("A lease cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_on")),
                name="lease_ended_after_it_started",
                violation_error_message=_("A lease cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="lease_ended_with_a_reason",
                violation_error_message=_("An ended lease needs the date and how it ended."),
            ),
            models.CheckConstraint(
                condition=Q(rent__gte=0) & Q(deposit__gte=0) & Q(deposit__lte=F("rent") * 3),
                name="lease_deposit_at_most_three_rents",
                violation_error_message=_("The deposit can be at most three monthly rents."),
            ),
        ]

    def __str__(self):
        return _("%(kind)s of %(flat)s from %(start)s") % {
            "kind": self.get_kind_display(),
            "flat": self.flat,
            "start": format_day(self.start_on),
        }

    def get_absolute_url(self):
        return reverse("housing:lease-detail", args=[self.pk])

    @property
    def last_day(self) -> datetime.date | None:
        return self.ended_on or self.end_on

    @property
    def is_running(self) -> bool:
        today = timezone.localdate()
        return self.start_on <= today and (self.last_day is None or self.last_day >= today)

    def clean(self):
        errors = {}
        if self.end_on and self.start_on and self.end_on < self.start_on:
            errors["end_on"] = _("A lease cannot end before it starts.")
        if self.ended_on and self.start_on and self.ended_on < self.start_on:
            errors["ended_on"] = _("A lease cannot end before it starts.")
        if self.rent is not None and self.deposit is not None and self.deposit > self.rent * 3:
            errors["deposit"] = _(
                "The deposit can be at most three monthly rents (%(max)s CZK)."
            ) % {"max": format_czk(self.rent * 3)}
        if errors:
            raise ValidationError(errors)
        if self.flat_id and self.start_on:
            clash = (
                Lease.objects.overlapping(
                    flat_id=self.flat_id, start_on=self.start_on, last_day=self.last_day
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                raise ValidationError(
                    {
                        "start_on": _(
                            "The flat is already let in this period (%(start)s – %(end)s)."
                        )
                        % {
                            "start": format_day(clash.start_on),
                            "end": format_day(clash.last_day) if clash.last_day else "…",
                        }
                    }
                )


class LeaseExtension(models.Model):
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="extensions")
    extended_on = models.DateField(
        _("agreed on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    previous_end_on = models.DateField(
        _("previous end"), null=True, blank=True, validators=[validate_plausible_date]
    )
    new_end_on = models.DateField(_("new end"), validators=[validate_plausible_date])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["extended_on", "pk"]

    def __str__(self):
        return _("extended until %(date)s") % {"date": format_day(self.new_end_on)}


class TenancyEventKind(models.TextChoices):
    ARREARS_WARNING = "arrears_warning", _("Arrears warning")
    NOTICE_TO_QUIT = "notice_to_quit", _("Notice to quit")
    EVICTION_LAWSUIT = "eviction_lawsuit", _("Eviction lawsuit")
    EVICTION_ORDER = "eviction_order", _("Eviction order (rozkaz k vyklizení)")
    OTHER = "other", _("Other")


class TenancyEvent(models.Model):
    lease = models.ForeignKey(
        Lease, on_delete=models.PROTECT, related_name="events", verbose_name=_("lease")
    )
    kind = models.CharField(_("event"), max_length=20, choices=TenancyEventKind.choices)
    occurred_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # The case moved to prevention because of this event, if any.
    prevention_case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenancy_events",
        verbose_name=_("prevention case"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tenancy event")
        verbose_name_plural = _("tenancy events")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({date_format(self.occurred_on, 'j. n. Y')})"

    def clean(self):
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError(
                {"occurred_on": _("An event cannot be recorded before it happens.")}
            )
