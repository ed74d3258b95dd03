"""The case (zakázka): why a household came, who manages it, where it stands."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models.codes import CaseReason
from clients.models.consultations import Consultation
from clients.models.people import Household, applicant_field
from clients.models.situation import HousingSituation
from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ACTIVE = "active", _("Active")
    HOUSING = "housing", _("Housing")
    PREVENTION = "prevention", _("Prevention")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


# The statuses in which somebody works on the case: they need a case manager.
MANAGED_STATUSES = [
    CaseStatus.ACTIVE,
    CaseStatus.HOUSING,
    CaseStatus.PREVENTION,
    CaseStatus.FOLLOW_UP,
]

# Which status may follow which (a closed case is reopened as active).
NEXT_STATUSES = {
    CaseStatus.NEW: [CaseStatus.ACTIVE, CaseStatus.CLOSED],
    CaseStatus.ACTIVE: [CaseStatus.HOUSING, CaseStatus.PREVENTION, CaseStatus.CLOSED],
    CaseStatus.HOUSING: [
        CaseStatus.FOLLOW_UP,
        CaseStatus.PREVENTION,
        CaseStatus.ACTIVE,
        CaseStatus.CLOSED,
    ],
    CaseStatus.PREVENTION: [
        CaseStatus.ACTIVE,
        CaseStatus.HOUSING,
        CaseStatus.FOLLOW_UP,
        CaseStatus.CLOSED,
    ],
    CaseStatus.FOLLOW_UP: [CaseStatus.PREVENTION, CaseStatus.CLOSED],
    CaseStatus.CLOSED: [CaseStatus.ACTIVE],
}


class CloseReason(models.TextChoices):
    HOUSED = "housed", _("Housed, support no longer needed")
    HOUSING_KEPT = "housing_kept", _("Housing kept (prevention succeeded)")
    SOLVED_ELSEWHERE = "solved_elsewhere", _("Solved by the household or elsewhere")
    REFERRED = "referred", _("Handed over to another service")
    MOVED_AWAY = "moved_away", _("Moved out of the KMB's area")
    NO_CONTACT = "no_contact", _("Contact lost")
    CLIENT_ENDED = "client_ended", _("Client ended the cooperation")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class CaseQuerySet(models.QuerySet):
    def shared_with(self, organisation_id: int):
        return self.filter(household__in=Household.objects.shared_with(organisation_id))

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def managed_by(self, user):
        return self.filter(case_manager=user)

    def without_case_manager(self):
        return self.open().filter(case_manager__isnull=True)

    def with_last_contact(self):
        if "last_contact_on" in self.query.annotations:
            return self
        latest = Consultation.objects.filter(case=OuterRef("pk")).order_by("-date").values("date")
        return self.annotate(last_contact_on=Subquery(latest[:1]))

    def for_list(self):
        """What a list of cases shows, in one query: the applicant, the current ETHOS category
        and the last contact."""
        situation = HousingSituation.objects.filter(household=OuterRef("household")).order_by(
            "-since", "-pk"
        )
        return (
            self.select_related("case_manager", "household__permanent_residence")
            .annotate(
                applicant_first_name=applicant_field("first_name"),
                applicant_last_name=applicant_field("last_name"),
                applicant_birth_date=applicant_field("birth_date"),
                current_ethos=Subquery(situation.values("ethos")[:1]),
            )
            .with_last_contact()
        )

    def needing_contact(self, *, days: int = 30, today: datetime.date | None = None):
        """Open cases with no consultation for `days` days (counted from opening if none yet)."""
        since = (today or timezone.localdate()) - datetime.timedelta(days=days)
        return (
            self.open()
            .with_last_contact()
            .filter(
                Q(last_contact_on__lt=since) | Q(last_contact_on__isnull=True, opened_on__lt=since)
            )
        )


class Case(TimeStampedModel):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("household"),
    )
    kmb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("KMB office"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
        verbose_name=_("case manager"),
    )
    opened_on = models.DateField(
        _("opened"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    closed_on = models.DateField(
        _("closed"), null=True, blank=True, validators=[validate_plausible_date]
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=MANAGED_STATUSES) | Q(case_manager__isnull=False),
                name="case_managed_statuses_have_a_case_manager",
                violation_error_message=_("A case cannot be active without a case manager."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~Q(close_reason="")
                )
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True, close_reason="")),
                name="case_closed_with_date_and_reason",
                violation_error_message=_("A closed case needs the date and reason of closing."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message=_("A case cannot be closed before it was opened."),
            ),
        ]
        indexes = [
            models.Index(fields=["kmb", "status"], name="case_kmb_status_idx"),
            # The case list's default order, newest first within a KMB.
            models.Index(fields=["kmb", "-opened_on", "-id"], name="case_kmb_opened_idx"),
        ]

    def __str__(self):
        return _("Case %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("clients:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The case number staff quote on the phone: year of opening and a serial number."""
        return f"{self.opened_on.year}/{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    def next_statuses(self) -> list[CaseStatus]:
        return NEXT_STATUSES[CaseStatus(self.status)]


class CaseReasonEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(_("reason"), max_length=20, choices=CaseReason.choices)

    class Meta:
        verbose_name = _("reason for coming")
        verbose_name_plural = _("reasons for coming")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reason"], name="case_reason_once"),
        ]

    def __str__(self):
        return self.get_reason_display()


class CaseStatusChange(models.Model):
    """The case's path through its statuses; reopening adds to it, nothing is overwritten."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CaseStatus.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def latest_case_id(outer_ref: str = "household") -> Subquery:
    """Subquery: the id of the latest case of the household that `outer_ref` points to."""
    latest = Case.objects.filter(household=OuterRef(outer_ref)).order_by("-opened_on", "-pk")
    return Subquery(latest.values("pk")[:1])
