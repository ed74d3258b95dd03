"""The support network: providers and their services, referrals of households to them, assistance
plans with goals, steps, reviews and the support actually given."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kmb.lib.dates import format_day
from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_plausible_date


class ServiceType(models.TextChoices):
    """Social services of zákon 108/2006 Sb. relevant to housing (with their §), and the other
    help a KMB refers to."""

    COUNSELLING = "s37", _("§37 Professional social counselling")
    INDEPENDENT_LIVING = "s43", _("§43 Support of independent living")
    SHELTERED_HOUSING = "s51", _("§51 Sheltered housing")
    ASYLUM_HOUSE = "s57", _("§57 Asylum house")
    HALFWAY_HOUSE = "s58", _("§58 Halfway house")
    CONTACT_CENTRE = "s59", _("§59 Contact centre")
    CRISIS_HELP = "s60", _("§60 Crisis help")
    INTERVENTION_CENTRE = "s60a", _("§60a Intervention centre")
    DAY_CENTRE = "s61", _("§61 Low-threshold day centre")
    NIGHT_SHELTER = "s63", _("§63 Night shelter")
    AFTERCARE = "s64", _("§64 Aftercare services")
    FAMILY_ACTIVATION = "s65", _("§65 Social activation services for families with children")
    FIELD_PROGRAMME = "s69", _("§69 Field programmes")
    REHABILITATION = "s70", _("§70 Social rehabilitation")
    DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    FOUNDATION = "foundation", _("Foundation")
    FOOD_BANK = "food_bank", _("Food bank")
    FURNITURE_BANK = "furniture_bank", _("Furniture bank")
    MOVING_HELP = "moving_help", _("Moving help")

    @property
    def is_social_service(self) -> bool:
        return self.value.startswith("s")


# The services that give social work in the flat: what "a support provider" means for the
# matching rules (Brno: social flats only with social-work support) and Housing First.
HOUSING_SUPPORT_TYPES = [
    ServiceType.INDEPENDENT_LIVING,
    ServiceType.FIELD_PROGRAMME,
    ServiceType.FAMILY_ACTIVATION,
    ServiceType.REHABILITATION,
    ServiceType.COUNSELLING,
]


class ServiceForm(models.TextChoices):
    """The forms of a social service (§ 33 of zákon 108/2006 Sb.)."""

    OUTPATIENT = "outpatient", pgettext_lazy("form of a social service", "Outpatient")
    RESIDENTIAL = "residential", pgettext_lazy("form of a social service", "Residential")
    FIELD = "field", pgettext_lazy("form of a social service", "Field")


class Provider(TimeStampedModel):
    """A support provider's profile; its name, IČO, address and staff come from its Organisation
    (the recipient of the households' consents)."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="provider",
        verbose_name=_("organisation"),
        limit_choices_to={"kind": "provider"},
    )
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support provider")
        verbose_name_plural = _("support providers")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)

    def get_absolute_url(self):
        return reverse("providers:provider-detail", args=[self.pk])


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_free_places(self):
        return self.active().filter(free_places__gt=0)

    def covering(self, municipality_id: int):
        return self.filter(municipalities=municipality_id)


class Service(TimeStampedModel):
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    kind = models.CharField(_("type of service"), max_length=20, choices=ServiceType.choices)
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(
        _("form"), max_length=12, choices=ServiceForm.choices, default=ServiceForm.FIELD
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=7,
        blank=True,
        help_text=_("The service's identifier in the registry of social-service providers."),
    )
    capacity = models.PositiveIntegerField(_("capacity (households)"))
    free_places = models.PositiveIntegerField(_("free places"))
    free_places_on = models.DateField(
        _("free places as of"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    municipalities = models.ManyToManyField(
        "territory.Municipality",
        related_name="services",
        verbose_name=_("municipalities covered"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=250, blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["provider__organisation__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(free_places__lte=F("capacity")),
                name="service_free_places_within_capacity",
                violation_error_message=_("There cannot be more free places than the capacity."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.provider})"

    def get_absolute_url(self):
        return reverse("providers:service-detail", args=[self.pk])

    def clean(self):
        if (
            self.capacity is not None
            and self.free_places is not None
            and self.free_places > self.capacity
        ):
            raise ValidationError(
                {"free_places": _("There cannot be more free places than the capacity.")}
            )


# --- Referrals -----------------------------------------------------------------------------


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    STARTED = "started", _("Support started")
    ENDED = "ended", pgettext_lazy("referral", "Ended")


NEXT_REFERRAL_STATES = {
    ReferralState.SENT: [ReferralState.ACCEPTED, ReferralState.REFUSED],
    ReferralState.ACCEPTED: [ReferralState.STARTED, ReferralState.ENDED],
    ReferralState.STARTED: [ReferralState.ENDED],
    ReferralState.REFUSED: [],
    ReferralState.ENDED: [],
}
# Referrals that hold one of the service's places.
PLACE_HOLDING_STATES = [ReferralState.ACCEPTED, ReferralState.STARTED]


class CooperationEndReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met, support no longer needed")
    CLIENT_ENDED = "client_ended", _("The client ended the cooperation")
    NO_CONTACT = "no_contact", _("Contact with the client lost")
    BREACH = "breach", _("The client did not keep the agreement")
    CAPACITY = "capacity", _("The provider cannot continue (capacity, staff)")
    MOVED_AWAY = "moved_away", _("The household moved away")
    HANDED_OVER = "handed_over", _("Handed over to another service")
    OTHER = "other", _("Other")


class ServiceReferralQuerySet(models.QuerySet):
    def to_organisation(self, organisation_id: int):
        return self.filter(service__provider__organisation_id=organisation_id)

    def open(self):
        return self.exclude(state__in=[ReferralState.REFUSED, ReferralState.ENDED])


class ServiceReferral(TimeStampedModel):
    """A household referred to a provider's service (not the informal referral noted during a
    consultation): possible only under a valid consent to share with that provider."""

    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="service_referrals",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        related_name="service_referrals",
        verbose_name=_("case"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    consent = models.ForeignKey(
        "clients.Consent",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent"),
        help_text=_("The household's consent to share with the provider."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReferralState.choices, default=ReferralState.SENT
    )
    sent_on = models.DateField(
        _("sent on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    reason = models.TextField(
        _("what the household needs"),
        help_text=_("What the provider should help with. The provider reads it."),
    )
    answer = models.CharField(_("reason or note of the provider"), max_length=500, blank=True)
    end_reason = models.CharField(
        _("why the cooperation ended"),
        max_length=20,
        choices=CooperationEndReason.choices,
        blank=True,
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    history = HistoricalRecords()

    objects = ServiceReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral to a service")
        verbose_name_plural = _("referrals to services")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="ended") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="service_referral_ended_with_date_and_reason",
                violation_error_message=_("An ended cooperation needs its date and reason."),
            ),
            models.UniqueConstraint(
                fields=["household", "service"],
                condition=Q(state__in=["sent", "accepted", "started"]),
                name="service_referral_one_open_per_service",
                violation_error_message=_(
                    "The household already has an open referral to this service."
                ),
            ),
        ]

    def __str__(self):
        return _("Referral to %(service)s") % {"service": self.service.name}

    def get_absolute_url(self):
        return reverse("providers:referral-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in (ReferralState.REFUSED, ReferralState.ENDED)

    def next_states(self) -> list[ReferralState]:
        return NEXT_REFERRAL_STATES[ReferralState(self.state)]


class ReferralStateChange(models.Model):
    referral = models.ForeignKey(
        ServiceReferral, on_delete=models.CASCADE, related_name="state_changes"
    )
    from_state = models.CharField(
        _("from"), max_length=10, choices=ReferralState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=ReferralState.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


# --- Assistance plans ----------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", pgettext_lazy("plan", "Ended")


class EndedBy(models.TextChoices):
    CLIENT = "client", _("The client")
    PROVIDER = "provider", _("The provider")
    KMB = "kmb", _("The KMB")


class AssistancePlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PlanStatus.ACTIVE)

    def of_provider(self, organisation_id: int):
        return self.filter(provider__organisation_id=organisation_id)

    def review_overdue(self, today: datetime.date | None = None):
        day = today or timezone.localdate()
        return self.active().filter(next_review_on__lt=day)


class AssistancePlan(TimeStampedModel):
    household = models.ForeignKey(
        "clients.Household",
        on_delete=models.PROTECT,
        related_name="assistance_plans",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        related_name="assistance_plans",
        verbose_name=_("case"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assistance_plans",
        verbose_name=_("case manager"),
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_plans",
        verbose_name=_("support provider"),
    )
    referral = models.ForeignKey(
        ServiceReferral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_plans",
        verbose_name=_("referral"),
    )
    starts_on = models.DateField(
        _("agreed on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    hours_per_week = models.DecimalField(
        _("agreed support (hours a week)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text=_("E.g. Housing First: at least 2 hours a week of social work in the flat."),
    )
    next_review_on = models.DateField(_("next review"), validators=[validate_plausible_date])
    status = models.CharField(
        _("cooperation"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    ended_by = models.CharField(_("ended by"), max_length=10, choices=EndedBy.choices, blank=True)
    end_reason = models.CharField(
        _("why the cooperation ended"),
        max_length=20,
        choices=CooperationEndReason.choices,
        blank=True,
    )
    end_note = models.CharField(_("note on the end"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = AssistancePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="assistance_plan_ended_with_date_and_reason",
                violation_error_message=_("An ended cooperation needs its date and reason."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=0, hours_per_week__lte=40),
                name="assistance_plan_hours_plausible",
                violation_error_message=_("The agreed support is 0 to 40 hours a week."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=["active", "paused"]),
                name="assistance_plan_one_current_per_household",
                violation_error_message=_("The household already has a current assistance plan."),
            ),
        ]

    def __str__(self):
        return _("Assistance plan of %(date)s") % {"date": format_day(self.starts_on)}

    def get_absolute_url(self):
        return reverse("providers:plan-detail", args=[self.pk])


class GoalArea(models.TextChoices):
    HOUSING = "housing", _("Housing")
    MONEY = "money", _("Money and debts")
    WORK = "work", _("Work and income")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family and children")
    DOCUMENTS = "documents", _("Documents and authorities")
    RELATIONSHIPS = "relationships", _("Neighbours and relationships")
    OTHER = "other", _("Other")


class GoalState(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    DROPPED = "dropped", _("Dropped")


class Goal(TimeStampedModel):
    plan = models.ForeignKey(
        AssistancePlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    area = models.CharField(_("area"), max_length=15, choices=GoalArea.choices)
    description = models.CharField(_("goal"), max_length=300)
    target_on = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    state = models.CharField(
        _("state"), max_length=12, choices=GoalState.choices, default=GoalState.OPEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["target_on", "pk"]

    def __str__(self):
        return self.description


class StepOwner(models.TextChoices):
    CLIENT = "client", _("Client")
    CASE_MANAGER = "case_manager", _("Case manager")
    PROVIDER = "provider", _("Provider")


class Step(TimeStampedModel):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="steps", verbose_name=_("goal")
    )
    description = models.CharField(_("step"), max_length=300)
    who = models.CharField(_("who does it"), max_length=15, choices=StepOwner.choices)
    due_on = models.DateField(_("due"), null=True, blank=True, validators=[validate_plausible_date])
    done_on = models.DateField(
        _("done on"), null=True, blank=True, validators=[validate_plausible_date]
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description


class ReviewKind(models.TextChoices):
    REVIEW = "review", _("Plan review")
    TRIPARTITE = "tripartite", _("Tripartite meeting (landlord, provider, client)")


class Participant(models.TextChoices):
    CLIENT = "client", _("Client")
    CASE_MANAGER = "case_manager", _("Case manager")
    PROVIDER = "provider", _("Provider")
    LANDLORD = "landlord", _("Landlord")
    OTHER = "other", _("Other")


class PlanReview(models.Model):
    plan = models.ForeignKey(
        AssistancePlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    held_on = models.DateField(
        _("held on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    participants = models.JSONField(_("participants"), default=list)
    participants_note = models.CharField(_("other participants"), max_length=250, blank=True)
    summary = models.TextField(_("what was agreed"))
    next_review_on = models.DateField(_("next review"), validators=[validate_plausible_date])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gte=F("held_on")),
                name="plan_review_next_after_held",
                violation_error_message=_("The next review cannot be before this one."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"

    def participant_labels(self) -> list[str]:
        return [Participant(code).label for code in self.participants if code in Participant.values]


class VisitKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Visit in the flat")
    OFFICE = "office", _("At the office")
    PHONE = "phone", _("Phone")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment (office, doctor, court)")


class SupportVisitQuerySet(models.QuerySet):
    def by_organisation(self, organisation_id: int):
        return self.filter(organisation_id=organisation_id)

    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(date__gte=start, date__lte=end)


class SupportVisit(models.Model):
    """Support actually given under a plan (a provider's report of a visit and its progress)."""

    plan = models.ForeignKey(
        AssistancePlan, on_delete=models.PROTECT, related_name="visits", verbose_name=_("plan")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    date = models.DateField(
        _("date"), default=timezone.localdate, db_index=True, validators=[validate_plausible_date]
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    kind = models.CharField(_("kind"), max_length=15, choices=VisitKind.choices)
    progress = models.TextField(_("progress"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The form's one-time token: a second submit of the same form records the visit once.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SupportVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("support given")
        verbose_name_plural = _("support given")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720),
                name="support_visit_minutes_plausible",
                violation_error_message=_("A visit lasts 1 to 720 minutes."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"
