"""Debts of household members and their repayment schedules (splátkové kalendáře)."""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients import schedules
from kmb.lib.models import TimeStampedModel
from kmb.lib.money import MONEY, POSITIVE_MONEY
from kmb.lib.validators import validate_plausible_date

# A municipality's own confirmation of a debt to it goes stale after this many days.
CONFIRMATION_VALID_DAYS = 90


class CreditorKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    LANDLORD = "landlord", _("Landlord (rent arrears)")
    ENERGY = "energy", _("Energy")
    WATER = "water", _("Water")
    TELECOM = "telecom", _("Telecom")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    BANK_LOAN = "bank_loan", _("Bank loan")
    NON_BANK_LOAN = "non_bank_loan", _("Non-bank loan")
    FINES = "fines", _("Fines")
    OTHER = "other", _("Other")


class DebtState(models.TextChoices):
    OPEN = "open", _("Open")
    SCHEDULE = "schedule", _("In a repayment schedule")
    DISTRAINT = "distraint", _("In distraint (exekuce)")
    INSOLVENCY = "insolvency", _("In insolvency (oddlužení)")
    PAID = "paid", _("Paid")
    WRITTEN_OFF = "written_off", _("Written off")


# States in which the debt still burdens the household.
OUTSTANDING_STATES = [DebtState.OPEN, DebtState.SCHEDULE, DebtState.DISTRAINT, DebtState.INSOLVENCY]


class DebtQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(state__in=OUTSTANDING_STATES)

    def to_municipality(self, municipality_id: int | None = None):
        debts = self.filter(creditor_kind=CreditorKind.MUNICIPALITY)
        return debts.filter(creditor_municipality_id=municipality_id) if municipality_id else debts

    def confirmation_stale(self, *, today: datetime.date | None = None):
        """Outstanding debts to a municipality not confirmed by its housing department for
        CONFIRMATION_VALID_DAYS days (or never)."""
        since = (today or timezone.localdate()) - datetime.timedelta(days=CONFIRMATION_VALID_DAYS)
        return (
            self.outstanding()
            .to_municipality()
            .filter(Q(confirmed_on__isnull=True) | Q(confirmed_on__lt=since))
        )


class Debt(TimeStampedModel):
    debtor = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="debts", verbose_name=_("debtor")
    )
    creditor_kind = models.CharField(_("creditor"), max_length=20, choices=CreditorKind.choices)
    creditor_municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("which municipality"),
    )
    creditor_name = models.CharField(
        _("creditor's name"),
        max_length=150,
        blank=True,
        help_text=_("E.g. ČEZ, VZP, the landlord."),
    )
    original_amount = models.DecimalField(_("original amount (CZK)"), **POSITIVE_MONEY)
    current_amount = models.DecimalField(_("current amount (CZK)"), **MONEY)
    since = models.DateField(_("owed since"), validators=[validate_plausible_date])
    state = models.CharField(
        _("state"), max_length=12, choices=DebtState.choices, default=DebtState.OPEN
    )
    confirmed_by = models.CharField(
        _("confirmed by (housing department)"),
        max_length=120,
        blank=True,
        help_text=_("Who at the municipality's housing department confirmed the amount."),
    )
    confirmed_on = models.DateField(
        _("confirmed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    history = HistoricalRecords()

    objects = DebtQuerySet.as_manager()

    class Meta:
        verbose_name = _("debt")
        verbose_name_plural = _("debts")
        ordering = ["-current_amount", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(original_amount__gt=0) & Q(current_amount__gte=0),
                name="debt_amounts_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(
                    creditor_kind=CreditorKind.MUNICIPALITY, creditor_municipality__isnull=False
                )
                | (
                    ~Q(creditor_kind=CreditorKind.MUNICIPALITY)
                    & Q(creditor_municipality__isnull=True)
                ),
                name="debt_municipality_named_for_municipal_debts",
                violation_error_message=_(
                    "Name the municipality for a debt to a municipality (and only then)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(creditor_kind=CreditorKind.MUNICIPALITY),
                name="debt_confirmation_only_for_municipal_debts",
                violation_error_message=_(
                    "Only a debt to a municipality is confirmed by its housing department."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.creditor_label}: {self.current_amount} Kč"

    @property
    def creditor_label(self) -> str:
        if self.creditor_kind == CreditorKind.MUNICIPALITY and self.creditor_municipality_id:
            return str(self.creditor_municipality)
        return self.creditor_name or self.get_creditor_kind_display()

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING_STATES

    def confirmation_is_stale(self, today: datetime.date | None = None) -> bool:
        if self.creditor_kind != CreditorKind.MUNICIPALITY or not self.is_outstanding:
            return False
        since = (today or timezone.localdate()) - datetime.timedelta(days=CONFIRMATION_VALID_DAYS)
        return self.confirmed_on is None or self.confirmed_on < since

    def clean(self):
        today = timezone.localdate()
        if self.since and self.since > today:
            raise ValidationError({"since": _("A debt cannot start in the future.")})
        if self.confirmed_on and self.confirmed_on > today:
            raise ValidationError(
                {"confirmed_on": _("A confirmation cannot be dated in the future.")}
            )
        if self.confirmed_on and not self.confirmed_by:
            raise ValidationError({"confirmed_by": _("Write who confirmed the amount.")})
        if self.creditor_kind == CreditorKind.MUNICIPALITY and not self.creditor_municipality_id:
            raise ValidationError({"creditor_municipality": _("Choose the municipality.")})
        if self.creditor_kind != CreditorKind.MUNICIPALITY:
            self.creditor_municipality = None


class RepaymentScheduleQuerySet(models.QuerySet):
    def running(self):
        return self.filter(ended_on__isnull=True)


class RepaymentSchedule(TimeStampedModel):
    """An agreed plan to pay a debt off: `instalment` CZK on `day_of_month`, from `first_due_on`,
    until `total` is paid. The arithmetic is in clients.schedules."""

    debt = models.ForeignKey(
        Debt, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("debt")
    )
    total = models.DecimalField(
        _("amount to repay (CZK)"),
        help_text=_("Usually the debt's current amount."),
        **POSITIVE_MONEY,
    )
    instalment = models.DecimalField(_("monthly instalment (CZK)"), **POSITIVE_MONEY)
    first_due_on = models.DateField(_("first instalment due"), validators=[validate_plausible_date])
    day_of_month = models.PositiveSmallIntegerField(
        _("due on day of the month"),
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 to 28, so that every month has the day."),
    )
    planned_end_on = models.DateField(_("planned end"), validators=[validate_plausible_date])
    agreed_with = models.CharField(_("agreed with"), max_length=150, blank=True)
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    history = HistoricalRecords()

    objects = RepaymentScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("repayment schedule")
        verbose_name_plural = _("repayment schedules")
        ordering = ["-first_due_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instalment__gt=0) & Q(total__gt=0) & Q(instalment__lte=F("total")),
                name="schedule_instalment_within_total",
                violation_error_message=_(
                    "The instalment must be above zero and at most the amount to repay."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=F("first_due_on")),
                name="schedule_ends_after_it_starts",
                violation_error_message=_("A schedule cannot end before its first instalment."),
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="schedule_day_of_month_in_every_month",
                violation_error_message=_("The day of the month is 1 to 28."),
            ),
        ]

    def __str__(self):
        return _("%(instalment)s CZK a month on %(debt)s") % {
            "instalment": self.instalment,
            "debt": self.debt.creditor_label,
        }

    def clean(self):
        if (
            self.total
            and self.instalment
            and self.instalment > 0
            and math.ceil(self.total / self.instalment) > schedules.MAX_INSTALMENTS
        ):
            raise ValidationError(
                {
                    "instalment": _(
                        "At this instalment the debt would be repaid over more than %(years)s "
                        "years: agree a higher instalment."
                    )
                    % {"years": schedules.MAX_INSTALMENTS // 12}
                }
            )
        if self.first_due_on and self.day_of_month and self.first_due_on.day != self.day_of_month:
            raise ValidationError(
                {"first_due_on": _("The first instalment falls on the agreed day of the month.")}
            )


class Payment(models.Model):
    schedule = models.ForeignKey(
        RepaymentSchedule,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("repayment schedule"),
    )
    paid_on = models.DateField(_("paid on"), validators=[validate_plausible_date])
    amount = models.DecimalField(_("amount (CZK)"), **POSITIVE_MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The form's one-time token: a second submit of the same payment is recognised, not repeated.
    token = models.UUIDField(unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("Enter an amount above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.paid_on:%d.%m.%Y}: {self.amount} Kč"
