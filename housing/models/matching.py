"""What the matching service works with: each KMB's weights and norms, each municipality's
allocation rules, the decline reasons a manager edits, and the proposals with their decisions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel


def weight_field(label):
    return models.PositiveSmallIntegerField(
        label,
        default=5,
        validators=[
            MinValueValidator(0, message=_("A weight is from 0 to 10.")),
            MaxValueValidator(10, message=_("A weight is from 0 to 10.")),
        ],
    )


class MatchingSettings(TimeStampedModel):
    """One per KMB: how much each part of the score counts, and the occupancy and affordability
    norms. A manager tunes them; every proposal keeps a copy of what was used."""

    kmb = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="matching_settings",
        verbose_name=_("KMB"),
    )
    weight_urgency = weight_field(_("urgency of the housing situation (ETHOS)"))
    weight_children = weight_field(_("children in the household"))
    weight_waiting = weight_field(_("time on the waiting list"))
    weight_vulnerability = weight_field(_("special vulnerability"))
    weight_preference = weight_field(_("preferred municipality"))
    weight_size_fit = weight_field(_("size of the flat fits the household"))
    weight_support = weight_field(_("support available"))
    max_persons_per_room = models.DecimalField(
        _("at most persons per room"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("6"))],
    )
    min_area_per_person = models.DecimalField(
        _("at least m² per person"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("8.0"),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    max_spare_rooms = models.PositiveSmallIntegerField(
        _("at most rooms more than persons"),
        default=1,
        validators=[MaxValueValidator(5)],
        help_text=_("A flat with more rooms than this over the number of persons is wasted."),
    )
    max_housing_cost_share = models.PositiveSmallIntegerField(
        _("rent and charges at most (percent of income)"),
        default=45,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self):
        return _("Matching settings of %(kmb)s") % {"kmb": self.kmb}

    def weights(self) -> dict[str, int]:
        return {
            name: getattr(self, f"weight_{name}")
            for name in (
                "urgency",
                "children",
                "waiting",
                "vulnerability",
                "preference",
                "size_fit",
                "support",
            )
        }


class MunicipalRules(TimeStampedModel):
    """A municipality's own allocation rules, configured by a manager without code."""

    municipality = models.OneToOneField(
        "territory.Municipality",
        on_delete=models.CASCADE,
        related_name="allocation_rules",
        verbose_name=_("municipality"),
    )
    require_residence = models.BooleanField(
        _("permanent residence in the municipality required"), default=False
    )
    max_municipal_debt = models.DecimalField(
        _("maximum debt to the municipality (CZK)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("E.g. Liberec: 10,000 CZK. Empty: no limit."),
    )
    require_valid_id = models.BooleanField(_("valid identity documents required"), default=False)
    require_landlord_consent = models.BooleanField(
        _("consent to share with the landlord required"), default=False
    )
    # housing.Program values whose flats are let only with a support provider's social work.
    support_required_programs = models.JSONField(
        _("programs let only with support from a provider"), default=list, blank=True
    )
    max_rent = models.DecimalField(
        _("maximum rent (CZK a month)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # housing.Program values the maximum rent applies to; empty: all programs.
    max_rent_programs = models.JSONField(
        _("programs the maximum rent applies to"), default=list, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation rules")
        verbose_name_plural = _("allocation rules")

    def __str__(self):
        return _("Allocation rules of %(municipality)s") % {"municipality": self.municipality}


class DeclineParty(models.TextChoices):
    HOUSEHOLD = "household", _("The household")
    OWNER = "owner", _("The owner")
    COMMISSION = "commission", _("The housing commission")


class DeclineReason(TimeStampedModel):
    """A reason from the list a manager edits; its text is copied onto each decision."""

    kmb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="decline_reasons",
        verbose_name=_("KMB"),
    )
    party = models.CharField(_("who declines"), max_length=12, choices=DeclineParty.choices)
    text = models.CharField(_("reason"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decline reason")
        verbose_name_plural = _("decline reasons")
        ordering = ["party", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["kmb", "party", "text"],
                name="decline_reason_unique_text",
                violation_error_message=_("This reason is already on the list."),
            ),
        ]

    def __str__(self):
        return self.text


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RESERVED = "reserved", _("Flat reserved")
    APPROVED = "approved", _("Approved by the commission")
    DECLINED = "declined", _("Declined")
    LEASED = "leased", _("Lease signed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A flat holds at most one proposal in these statuses.
HOLDING_STATUSES = [ProposalStatus.RESERVED, ProposalStatus.APPROVED]
LIVE_STATUSES = [ProposalStatus.PROPOSED, *HOLDING_STATUSES]


class DeclineReview(models.TextChoices):
    PENDING = "pending", _("Waiting for a manager")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRIDDEN = "overridden", _("Overridden")


class ProposalQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def holding(self):
        """Proposals that hold their flat (reserved, or approved by the commission)."""
        return self.filter(status__in=HOLDING_STATUSES)

    def of_kmb(self, organisation_id: int):
        return self.filter(application__household__kmb_id=organisation_id)

    def stalled(self, *, days: int, now=None):
        """Live proposals whose status has not moved for `days` days."""
        moment = (now or timezone.now()) - timezone.timedelta(days=days)
        return self.live().filter(status_changed_at__lt=moment)

    def excluding_pairs(self):
        """Declines that keep a pair apart for good (not overridden by a manager)."""
        return self.filter(status=ProposalStatus.DECLINED).exclude(
            decline_review=DeclineReview.OVERRIDDEN
        )


class Proposal(TimeStampedModel):
    application = models.ForeignKey(
        "housing.HousingApplication",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("housing application"),
    )
    flat = models.ForeignKey(
        "housing.Flat", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("flat")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    # The rule set, weights, inputs and per-rule results used: "why this household?" later.
    snapshot = models.JSONField(_("what the proposal was based on"), default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    declined_by = models.CharField(
        _("declined by"), max_length=12, choices=DeclineParty.choices, blank=True
    )
    decline_reason = models.ForeignKey(
        DeclineReason,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    decline_reason_text = models.CharField(_("reason"), max_length=200, blank=True)
    decline_note = models.CharField(_("note on the decline"), max_length=500, blank=True)
    declined_after_acceptance = models.BooleanField(default=False, editable=False)
    decline_review = models.CharField(
        _("manager's review"), max_length=10, choices=DeclineReview.choices, blank=True
    )
    decline_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    lease = models.OneToOneField(
        "housing.Lease",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("lease"),
    )
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The database's last word on "two workers accept for the same flat": one wins.
            models.UniqueConstraint(
                fields=["flat"],
                condition=Q(status__in=["reserved", "approved"]),
                name="proposal_one_holding_per_flat",
                violation_error_message=_("The flat is already reserved for another household."),
            ),
            models.UniqueConstraint(
                fields=["application", "flat"],
                condition=~Q(status="withdrawn"),
                name="proposal_pair_once",
                violation_error_message=_("This household was already proposed for this flat."),
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | (~Q(declined_by="") & ~Q(decline_reason_text="")),
                name="proposal_declined_with_party_and_reason",
                violation_error_message=_("A decline needs who declined and why."),
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"], name="proposal_stall_idx")]

    def __str__(self):
        return _("Proposal of %(flat)s for %(code)s") % {
            "flat": self.flat,
            "code": self.application.pseudonym,
        }

    def get_absolute_url(self):
        return reverse("housing:proposal-detail", args=[self.pk])


class ProposalEvent(models.Model):
    """Each step of a proposal: who moved it where, when, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=10, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=ProposalStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
