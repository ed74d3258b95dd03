"""Housing applications: the waiting list the matching service draws from, with the case
manager's structured recommendation that the housing commission reads."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    HOUSED = "housed", _("Housed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommended")
    RECOMMEND_WITH_SUPPORT = "with_support", _("Recommended with support from a provider")
    NOT_YET = "not_yet", _("Not yet: the household is not ready")


class Readiness(models.TextChoices):
    """What the case manager vouches for, each a yes/no the commission reads."""

    COOPERATES = "cooperates", _("Cooperates with the case manager")
    PAYS_REGULARLY = "pays_regularly", _("Pays regular costs (rent, energy) now")
    KEEPS_SCHEDULE = "keeps_schedule", _("Keeps to its repayment schedules")
    SUPPORT_AGREED = "support_agreed", _("Agreed to support from a provider")
    DOCUMENTS_READY = "documents_ready", _("Has valid documents")
    INCOME_SECURED = "income_secured", _("Income or benefits secured")


class HousingApplicationQuerySet(models.QuerySet):
    def waiting(self, on: datetime.date | None = None):
        """Waiting and not parked on that day, of an open case (a closed case keeps its
        application until it is reopened, but nobody is proposed a flat meanwhile)."""
        day = on or timezone.localdate()
        return (
            self.filter(status=ApplicationStatus.WAITING)
            .exclude(parked_until__gt=day)
            .exclude(case__status="closed")
        )

    def parked(self, on: datetime.date | None = None):
        day = on or timezone.localdate()
        return self.filter(status=ApplicationStatus.WAITING, parked_until__gt=day).exclude(
            case__status="closed"
        )

    def of_kmb(self, organisation_id: int):
        return self.filter(household__kmb_id=organisation_id)


class HousingApplication(TimeStampedModel):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="housing_applications",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        related_name="housing_applications",
        verbose_name=_("case"),
    )
    submitted_on = models.DateField(
        _("waiting since"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    # Programs (housing.Program values) the household applies for; empty: any that fits.
    programs = models.JSONField(_("programs"), default=list, blank=True)
    emergency = models.BooleanField(
        _("emergency"),
        default=False,
        help_text=_("Needs a roof at once (crisis flat): violence, eviction, fire."),
    )
    vulnerable = models.BooleanField(
        _("special vulnerability"),
        default=False,
        help_text=_("Zvláštní zranitelnost under §6 of the housing support act."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.WAITING,
    )
    parked_until = models.DateField(
        _("parked until"),
        null=True,
        blank=True,
        help_text=_("Not proposed for any flat until this day (e.g. in hospital)."),
        validators=[validate_plausible_date],
    )
    park_reason = models.CharField(_("why parked"), max_length=250, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    # Never derived from personal data: what the commission and reports call the household.
    pseudonym = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    recommendation = models.CharField(
        _("recommendation"), max_length=15, choices=Recommendation.choices, blank=True
    )
    readiness = models.JSONField(_("the case manager vouches for"), default=list, blank=True)
    recommendation_text = models.TextField(
        _("recommendation for the commission"),
        blank=True,
        help_text=_(
            "Read by the housing commission: no names, dates of birth, contacts or addresses."
        ),
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    recommended_on = models.DateField(
        _("recommended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    history = HistoricalRecords()

    objects = HousingApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("housing application")
        verbose_name_plural = _("housing applications")
        ordering = ["submitted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="waiting"),
                name="housing_application_one_waiting_per_household",
                violation_error_message=_("The household is already on the waiting list."),
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", closed_on__isnull=True)
                | (~Q(status="waiting") & Q(closed_on__isnull=False)),
                name="housing_application_closed_has_a_date",
                violation_error_message=_("A closed application needs the date of closing."),
            ),
        ]

    def __str__(self):
        return _("Housing application %(code)s") % {"code": self.pseudonym}

    def get_absolute_url(self):
        return reverse("housing:application-detail", args=[self.pk])

    def is_parked(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.parked_until is not None and self.parked_until > day

    def waiting_days(self, on: datetime.date | None = None) -> int:
        return ((on or timezone.localdate()) - self.submitted_on).days
