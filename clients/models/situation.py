"""The household's housing situation, income and benefits, each with its history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models.codes import (
    ETHOS_GROUPS,
    ETHOS_WITH_COMMERCIAL_HOSTEL,
    BenefitKind,
    BenefitState,
    DsspComponent,
    Ethos,
    IncomeKind,
    MopSituation,
)
from kmb.lib.money import MONEY
from kmb.lib.validators import validate_plausible_date


class HousingSituationQuerySet(models.QuerySet):
    def current(self):
        """Each household's latest situation."""
        latest = (
            HousingSituation.objects.filter(household=models.OuterRef("household"))
            .order_by("-since", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(latest))


class HousingSituation(models.Model):
    """Where and how the household lives, from a date on. A change adds a row: the rows are the
    history ("what it was when")."""

    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="situations",
        verbose_name=_("household"),
    )
    ethos = models.CharField(_("ETHOS category"), max_length=2, choices=Ethos.choices)
    in_commercial_hostel = models.BooleanField(
        _("in a commercial hostel (ubytovna)"),
        default=False,
        help_text=_("Czech reports count commercial hostels separately (ETHOS 3 and 8)."),
    )
    description = models.TextField(_("description"), blank=True)
    since = models.DateField(
        _("since"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    objects = HousingSituationQuerySet.as_manager()

    class Meta:
        verbose_name = _("housing situation")
        verbose_name_plural = _("housing situations")
        ordering = ["-since", "-pk"]
        indexes = [
            # A household's latest situation by a day (the reports' housing need), read backwards.
            models.Index(fields=["household", "-since", "-id"], name="situation_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_commercial_hostel=False) | Q(ethos__in=ETHOS_WITH_COMMERCIAL_HOSTEL),
                name="situation_commercial_hostel_only_in_ethos_3_or_8",
                violation_error_message=_("A commercial hostel belongs to ETHOS 3 or 8."),
            ),
        ]

    def __str__(self):
        return self.get_ethos_display()

    @property
    def ethos_group(self):
        return ETHOS_GROUPS[Ethos(self.ethos)]

    def clean(self):
        if self.in_commercial_hostel and self.ethos not in ETHOS_WITH_COMMERCIAL_HOSTEL:
            raise ValidationError(
                {"in_commercial_hostel": _("A commercial hostel belongs to ETHOS 3 or 8.")}
            )


class IncomeQuerySet(models.QuerySet):
    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)


class Income(models.Model):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="incomes",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incomes",
        verbose_name=_("whose"),
        help_text=_("Leave empty for income of the household as a whole."),
    )
    kind = models.CharField(_("kind of income"), max_length=20, choices=IncomeKind.choices)
    monthly_amount = models.DecimalField(_("per month (CZK)"), **MONEY)
    since = models.DateField(
        _("since"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    until = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    history = HistoricalRecords()

    objects = IncomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("income")
        verbose_name_plural = _("incomes")
        ordering = ["-since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="income_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="income_ends_after_it_starts",
                violation_error_message=_("The income cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.monthly_amount} Kč"

    def clean(self):
        if self.member_id and self.household_id and self.member.household_id != self.household_id:
            raise ValidationError({"member": _("Choose a member of this household.")})


class BenefitQuerySet(models.QuerySet):
    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(
            Q(until__isnull=True) | Q(until__gte=day),
            state__in=[BenefitState.APPLIED, BenefitState.GRANTED],
        )


class Benefit(models.Model):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="benefits",
        verbose_name=_("household"),
    )
    kind = models.CharField(_("benefit"), max_length=20, choices=BenefitKind.choices)
    dssp_component = models.CharField(
        _("DSSP component"), max_length=12, choices=DsspComponent.choices, blank=True
    )
    mop_situation = models.CharField(
        _("MOP situation"), max_length=20, choices=MopSituation.choices, blank=True
    )
    provider_name = models.CharField(
        _("foundation"), max_length=150, blank=True, help_text=_("For a foundation grant.")
    )
    state = models.CharField(_("state"), max_length=10, choices=BenefitState.choices)
    amount = models.DecimalField(_("amount (CZK)"), null=True, blank=True, **MONEY)
    monthly = models.BooleanField(
        _("paid monthly"), default=True, help_text=_("Untick for a one-off payment (MOP, grant).")
    )
    applied_on = models.DateField(
        _("applied on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    until = models.DateField(
        _("paid until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    history = HistoricalRecords()

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="benefit_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(dssp_component="") | Q(kind=BenefitKind.DSSP),
                name="benefit_dssp_component_only_for_dssp",
                violation_error_message=_("Only DSSP has components."),
            ),
            models.CheckConstraint(
                condition=Q(mop_situation="") | Q(kind=BenefitKind.MOP),
                name="benefit_mop_situation_only_for_mop",
                violation_error_message=_("Only MOP has a legal situation."),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(applied_on__isnull=True)
                | Q(decided_on__gte=models.F("applied_on")),
                name="benefit_decided_after_applied",
                violation_error_message=_("A decision cannot come before the application."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        errors = {}
        if self.kind == BenefitKind.DSSP and not self.dssp_component:
            errors["dssp_component"] = _("Choose the DSSP component.")
        if self.kind == BenefitKind.MOP and not self.mop_situation:
            errors["mop_situation"] = _("Choose the MOP situation.")
        if self.kind == BenefitKind.FOUNDATION_GRANT and not self.provider_name:
            errors["provider_name"] = _("Name the foundation.")
        if self.kind != BenefitKind.DSSP:
            self.dssp_component = ""
        if self.kind != BenefitKind.MOP:
            self.mop_situation = ""
        if self.state == BenefitState.GRANTED and self.amount is None:
            errors["amount"] = _("Enter the amount granted.")
        if errors:
            raise ValidationError(errors)
