"""Guarantees on leases (the municipality or another provider vouches for rent and damage), the
funds that pay them, and the claims (garanční plnění) paid from them."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel
from kmb.lib.money import POSITIVE_MONEY, ZERO, format_czk
from kmb.lib.validators import validate_plausible_date

# A municipality's guarantee may be at most 4 × the maximum permissible rent (zákon 176/2025 Sb.).
MUNICIPAL_CAP_RENTS = 4


class GuaranteeFund(TimeStampedModel):
    """Money set aside for guarantee claims, per municipality or per ORP."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantee_funds",
        verbose_name=_("municipality"),
    )
    orp = models.ForeignKey(
        "territory.Orp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantee_funds",
        verbose_name=_("ORP"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guarantee fund")
        verbose_name_plural = _("guarantee funds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) ^ Q(orp__isnull=False),
                name="fund_of_a_municipality_or_an_orp",
                violation_error_message=_("A fund belongs either to a municipality or to an ORP."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guarantees:fund-detail", args=[self.pk])

    def balance(self) -> Decimal:
        totals = self.movements.aggregate(
            contributions=Sum("amount", filter=Q(kind=FundMovement.Kind.CONTRIBUTION)),
            payouts=Sum("amount", filter=Q(kind=FundMovement.Kind.PAYOUT)),
        )
        return (totals["contributions"] or ZERO) - (totals["payouts"] or ZERO)


class FundMovement(models.Model):
    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        PAYOUT = "payout", _("Payout")

    fund = models.ForeignKey(GuaranteeFund, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CZK)"), **POSITIVE_MONEY)
    on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    claim = models.OneToOneField(
        "guarantees.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout",
        verbose_name=_("claim"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # The form's one-time token: the same contribution submitted twice is recorded once.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="fund_movement_positive",
                violation_error_message=_("Enter an amount above zero."),
            ),
            models.CheckConstraint(
                condition=Q(claim__isnull=True) | Q(kind="payout"),
                name="fund_movement_claims_are_payouts",
                violation_error_message=_("Only a payout pays a claim."),
            ),
        ]

    def __str__(self):
        sign = "+" if self.kind == self.Kind.CONTRIBUTION else "−"
        return f"{sign}{format_czk(self.amount)} Kč ({date_format(self.on, 'j. n. Y')})"


class GuaranteeQuerySet(models.QuerySet):
    def ending_within(self, days: int, today: datetime.date | None = None):
        day = today or timezone.localdate()
        return self.filter(
            valid_until__gte=day, valid_until__lte=day + datetime.timedelta(days=days)
        )


class Guarantee(TimeStampedModel):
    lease = models.ForeignKey(
        "housing.Lease",
        on_delete=models.PROTECT,
        related_name="guarantees",
        verbose_name=_("lease"),
    )
    fund = models.ForeignKey(
        GuaranteeFund,
        on_delete=models.PROTECT,
        related_name="guarantees",
        verbose_name=_("paid from fund"),
    )
    by_municipality = models.BooleanField(
        _("provided by the municipality"),
        default=True,
        help_text=_("A municipality's guarantee is capped at 4 × the maximum permissible rent."),
    )
    covers_rent = models.BooleanField(_("covers rent arrears"), default=True)
    covers_damage = models.BooleanField(_("covers damage to the flat"), default=True)
    cap = models.DecimalField(_("cap (CZK)"), **POSITIVE_MONEY)
    valid_from = models.DateField(_("valid from"), validators=[validate_plausible_date])
    valid_until = models.DateField(_("valid until"), validators=[validate_plausible_date])
    history = HistoricalRecords()

    objects = GuaranteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="guarantee_ends_after_it_starts",
                violation_error_message=_("A guarantee cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(covers_rent=True) | Q(covers_damage=True),
                name="guarantee_covers_something",
                violation_error_message=_("A guarantee covers rent arrears, damage or both."),
            ),
            models.CheckConstraint(
                condition=Q(cap__gt=0),
                name="guarantee_cap_positive",
                violation_error_message=_("Enter an amount above zero."),
            ),
        ]

    def __str__(self):
        return _("Guarantee up to %(cap)s CZK on %(lease)s") % {
            "cap": format_czk(self.cap),
            "lease": self.lease,
        }

    def get_absolute_url(self):
        return reverse("guarantees:guarantee-detail", args=[self.pk])

    def committed(self) -> Decimal:
        """What the claims have taken of the cap: approved amounts of claims not rejected."""
        return (
            self.claims.exclude(state=Claim.State.REJECTED).aggregate(
                total=Sum(models.functions.Coalesce("amount_approved", "amount_claimed"))
            )["total"]
            or ZERO
        )

    def remaining_cap(self) -> Decimal:
        return self.cap - self.committed()

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("A guarantee cannot end before it starts.")
        if not (self.covers_rent or self.covers_damage):
            errors["covers_damage"] = _("A guarantee covers rent arrears, damage or both.")
        if self.by_municipality and self.lease_id and self.cap:
            ceiling = self.lease.flat.max_permissible_rent
            if ceiling is None:
                errors["cap"] = _(
                    "Record the flat's maximum permissible rent first: a municipality's guarantee "
                    "is capped at four times it."
                )
            elif self.cap > ceiling * MUNICIPAL_CAP_RENTS:
                errors["cap"] = _(
                    "A municipality's guarantee is at most 4 × the maximum permissible rent "
                    "(%(max)s CZK)."
                ) % {"max": ceiling * MUNICIPAL_CAP_RENTS}
        if errors:
            raise ValidationError(errors)


class Claim(TimeStampedModel):
    """Garanční plnění: the landlord claims rent arrears or damage under a guarantee."""

    class Kind(models.TextChoices):
        RENT_ARREARS = "rent_arrears", _("Rent arrears")
        DAMAGE = "damage", _("Damage to the flat")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", pgettext_lazy("claim state", "Paid")

    guarantee = models.ForeignKey(
        Guarantee, on_delete=models.PROTECT, related_name="claims", verbose_name=_("guarantee")
    )
    claimed_on = models.DateField(
        _("claimed on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    amount_claimed = models.DecimalField(_("amount claimed (CZK)"), **POSITIVE_MONEY)
    amount_approved = models.DecimalField(
        _("amount approved (CZK)"), null=True, blank=True, **POSITIVE_MONEY
    )
    paid_on = models.DateField(
        _("paid on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    # The form's one-time token: the same claim submitted twice is recorded once.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | Q(amount_approved__lte=F("amount_claimed")),
                name="claim_approved_at_most_claimed",
                violation_error_message=_("The approved amount cannot exceed the amount claimed."),
            ),
            models.CheckConstraint(
                condition=~Q(state="paid")
                | (Q(paid_on__isnull=False) & Q(amount_approved__isnull=False)),
                name="claim_paid_with_date_and_amount",
                violation_error_message=_(
                    "A paid claim needs the approved amount and the date of payment."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {format_czk(self.amount_claimed)} Kč"
