"""The household and the people in it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models.codes import Relationship, Sex, SupportIntensity
from clients.models.consents import Consent
from kmb.lib.models import TimeStampedModel
from kmb.lib.text import digits, fold
from kmb.lib.validators import validate_plausible_date

phone_validator = RegexValidator(
    r"^\+?[\d ]{9,20}$",
    _("Enter the phone number as digits, e.g. 603 123 456 or +420 603 123 456."),
)
birth_number_validator = RegexValidator(
    r"^\d{6}/?\d{3,4}$", _("A birth number looks like 850101/1234.")
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


class HouseholdQuerySet(models.QuerySet):
    def kept_by(self, organisation_id: int):
        return self.filter(kmb_id=organisation_id)

    def shared_with(
        self, organisation_id: int, on: datetime.date | None = None, *, scope: str | None = None
    ):
        """Households that gave a consent, valid on that day, to share with the organisation
        (with `scope`: a consent that covers that section of the file)."""
        consents = Consent.objects.valid(on).filter(recipient_id=organisation_id)
        if scope is not None:
            # The scope is a JSON list of section codes; matching the quoted code in its text
            # works on PostgreSQL and SQLite alike (SQLite has no JSON containment lookup).
            consents = consents.filter(scope__icontains=f'"{scope}"')
        return self.filter(pk__in=consents.values("household_id"))


class Household(TimeStampedModel):
    """The unit the KMB works with: its cases, situation, needs, consents and debts."""

    kmb = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("KMB"),
        limit_choices_to={"kind": "kmb"},
    )
    permanent_residence = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("permanent residence"),
        help_text=_("Municipality of permanent residence (trvalý pobyt), if in the ORP."),
    )
    permanent_residence_elsewhere = models.CharField(
        _("permanent residence outside the ORP"), max_length=100, blank=True
    )
    address = models.CharField(
        _("where the household lives now"),
        max_length=250,
        blank=True,
        help_text=_("Address or description of the place, for field visits."),
    )
    # Special needs; their history (what they were when) is kept by simple-history.
    barrier_free = models.BooleanField(_("needs a barrier-free flat"), default=False)
    support_intensity = models.CharField(
        _("support intensity"),
        max_length=10,
        choices=SupportIntensity.choices,
        default=SupportIntensity.LOW,
    )
    pets = models.CharField(_("pets"), max_length=100, blank=True)
    preferred_municipalities = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("preferred municipalities"),
    )
    needs_note = models.TextField(_("other needs"), blank=True)
    # The intake form's one-time token: a second submit of the same form finds this household.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords(m2m_fields=[preferred_municipalities])

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(permanent_residence__isnull=True)
                | models.Q(permanent_residence_elsewhere=""),
                name="household_one_permanent_residence",
                violation_error_message=_(
                    "Give the permanent residence either in the ORP or outside it, not both."
                ),
            ),
        ]

    def __str__(self):
        return _("Household no. %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        case = self.cases.order_by("-opened_on", "-pk").first()
        return case.get_absolute_url() if case else ""

    @property
    def permanent_residence_name(self) -> str:
        return str(self.permanent_residence or self.permanent_residence_elsewhere or "")


class ClientQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Clients whose name, phone or birth date contains every word of `text`, ignoring case
        and Czech diacritics."""
        clients = self
        # "+420 603 …" as shown on the case page: the stored digits carry no "+".
        for word in fold(text).replace(",", " ").replace("+", " ").split():
            clients = clients.filter(search_text__contains=word)
        return clients

    def applicant_first(self):
        """The applicant, then the others from the oldest."""
        is_applicant = models.Case(
            models.When(relationship=Relationship.APPLICANT, then=0), default=1
        )
        return self.order_by(is_applicant, "birth_date", "pk")

    def with_latest_case(self):
        from clients.models.cases import latest_case_id

        return self.annotate(latest_case_id=latest_case_id())

    def possible_duplicates_of(self, *, first_name, last_name, birth_date, phone):
        same_person = models.Q(search_name=fold(f"{first_name} {last_name}"), birth_date=birth_date)
        phone_digits = digits(phone or "")
        if len(phone_digits) >= 9:
            same_person |= models.Q(phone_digits__endswith=phone_digits[-9:])
        return self.filter(same_person)


class Client(TimeStampedModel):
    """A person known to the KMB: the applicant of a household or one of its members."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    relationship = models.CharField(
        _("relationship to the applicant"), max_length=12, choices=Relationship.choices
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    birth_date = models.DateField(_("date of birth"), validators=[validate_plausible_date])
    birth_number = models.CharField(
        _("birth number"), max_length=11, blank=True, validators=[birth_number_validator]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    dependent_child = models.BooleanField(_("dependent child"), default=False)
    has_valid_id = models.BooleanField(
        _("has valid identity documents"),
        default=True,
        help_text=_("Municipalities require valid ID documents for a lease."),
    )
    # Folded copies for search ("novak" finds "Novák"); written by clients.services.
    search_name = models.CharField(max_length=170, editable=False, db_index=True)
    search_text = models.CharField(max_length=250, editable=False)
    phone_digits = models.CharField(max_length=20, editable=False, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["search_name", "search_text", "phone_digits"])

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relationship="applicant"),
                name="client_one_applicant_per_household",
                violation_error_message=_("A household has exactly one applicant."),
            ),
            models.CheckConstraint(
                condition=models.Q(birth_date__gte=EARLIEST_BIRTH_DATE),
                name="client_birth_date_plausible",
                violation_error_message=_("The date of birth cannot be before 1900."),
            ),
        ]
        # On PostgreSQL a trigram index (migration 0002) turns the "contains" search into an
        # index scan; SQLite scans, which is fine at its scale.

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    def refresh_search_fields(self) -> None:
        self.search_name = fold(f"{self.first_name} {self.last_name}")
        self.phone_digits = digits(self.phone)
        self.search_text = " ".join(
            [
                self.search_name,
                self.phone_digits,
                self.birth_date.isoformat(),
                f"{self.birth_date.day}.{self.birth_date.month}.{self.birth_date.year}",
            ]
        )

    def clean(self):
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
        if self.dependent_child and self.relationship == Relationship.APPLICANT:
            raise ValidationError(
                {"dependent_child": _("The applicant cannot be a dependent child.")}
            )


def applicant_field(field: str, outer_ref: str = "household") -> models.Subquery:
    """Subquery: a field of the applicant of the household that `outer_ref` points to."""
    applicant = Client.objects.filter(
        household=models.OuterRef(outer_ref), relationship=Relationship.APPLICANT
    ).order_by()
    return models.Subquery(applicant.values(field)[:1])


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
