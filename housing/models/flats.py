"""The housing stock the KMB can place households in: flats, their owners and realtors."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel
from kmb.lib.money import format_czk
from kmb.lib.validators import validate_ico, validate_plausible_date

money = {
    "max_digits": 10,
    "decimal_places": 2,
    "validators": [MinValueValidator(0, message=_("An amount cannot be negative."))],
}
postcode_validator = RegexValidator(
    r"^\d{3} ?\d{2}$", _("A postcode has five digits, e.g. 460 01.")
)

# A deposit (jistota) may be at most three monthly rents (§2254 of the Civil Code).
MAX_DEPOSIT_RENTS = 3


class OwnerKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    PRIVATE_PERSON = "private_person", _("Private person")
    COMPANY = "company", _("Company")
    NGO = "ngo", _("NGO")


class Owner(TimeStampedModel):
    """Who lets the flat: a municipality, a private owner, a company or an NGO."""

    kind = models.CharField(_("kind"), max_length=20, choices=OwnerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_flats_owner",
        verbose_name=_("organisation in KMB"),
        help_text=_("For a municipality or an NGO that has an account here."),
    )
    ico = models.CharField(
        _("ID number (IČO)"), max_length=8, blank=True, validators=[validate_ico]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    engaged_on = models.DateField(
        _("engaged on"),
        null=True,
        blank=True,
        help_text=_("When the owner agreed to let to the KMB's households (a project indicator)."),
        validators=[validate_plausible_date],
    )
    note = models.TextField(_("note"), blank=True)
    # An owner with no flat yet is visible only to the organisation that added it (kmb.access).
    created_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("housing:owner-detail", args=[self.pk])


class Realtor(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("realtor")
        verbose_name_plural = _("realtors")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.company})" if self.company else self.name

    def get_absolute_url(self):
        return reverse("housing:realtor-detail", args=[self.pk])


class Disposition(models.TextChoices):
    ONE_KK = "1+kk", "1+kk"
    ONE_ONE = "1+1", "1+1"
    TWO_KK = "2+kk", "2+kk"
    TWO_ONE = "2+1", "2+1"
    THREE_KK = "3+kk", "3+kk"
    THREE_ONE = "3+1", "3+1"
    FOUR_KK = "4+kk", "4+kk"
    FOUR_ONE = "4+1", "4+1"
    FIVE = "5+", _("5 rooms or more")


class TechnicalState(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    UNFIT = "unfit", _("Unfit for living")


class FlatKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal flat")
    GUARANTEED = "guaranteed", _("Guaranteed flat from a private owner")
    NGO_SUBLET = "ngo_sublet", _("NGO sublet")


class Program(models.TextChoices):
    SOCIAL = "social", _("Social flat")
    HOUSING_FIRST = "housing_first", _("Housing First")
    GUARANTEED = "guaranteed", _("Guaranteed housing")
    CRISIS = "crisis", _("Crisis flat")
    SUPPORTED_MUNICIPAL = "supported_municipal", _("Supported municipal housing")
    STANDARD_MUNICIPAL = "standard_municipal", _("Standard municipal flat")


class FlatStatus(models.TextChoices):
    FREE = "free", _("Free")
    RESERVED = "reserved", _("Reserved")
    LET = "let", _("Let")
    UNDER_REPAIR = "under_repair", _("Under repair")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FlatQuerySet(models.QuerySet):
    def in_orp(self, orp_id: int):
        return self.filter(municipality__orp_id=orp_id)

    def of_municipality(self, municipality_id: int):
        return self.filter(municipality_id=municipality_id)

    def free(self):
        return self.filter(status=FlatStatus.FREE)

    def with_status_today(self, on: datetime.date | None = None):
        """`lease_lapsed_on`: for a let flat whose every lease ended before `on` (today), the day
        the last one ended, else None; `status_today`: the status, but free for such a flat.
        An end recorded ahead of time leaves the flat let until free_lapsed_flats frees it."""
        from housing.models.leases import Lease  # leases.py imports this module

        day = on or timezone.localdate()
        leases = Lease.objects.filter(flat=OuterRef("pk"))
        still_on = leases.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        last_end = leases.order_by("-ended_on").values("ended_on")[:1]
        lapsed = Q(status=FlatStatus.LET) & ~Exists(still_on)
        return self.annotate(
            lease_lapsed_on=Case(
                When(lapsed, then=Subquery(last_end)), default=None, output_field=DateField()
            )
        ).annotate(
            status_today=Case(
                When(lease_lapsed_on__isnull=False, then=Value(FlatStatus.FREE.value)),
                default=F("status"),
            )
        )

    def lapsed(self, on: datetime.date | None = None):
        """Let flats whose every lease ended before `on` (today): free, but not yet in status."""
        return self.with_status_today(on).filter(lease_lapsed_on__isnull=False)


class Flat(TimeStampedModel):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="flats",
        verbose_name=_("municipality"),
    )
    street = models.CharField(_("street"), max_length=120)
    number = models.CharField(_("house number"), max_length=20, help_text=_("E.g. 1234/5."))
    unit = models.CharField(_("flat number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, validators=[postcode_validator])
    disposition = models.CharField(_("disposition"), max_length=5, choices=Disposition.choices)
    rooms = models.PositiveSmallIntegerField(
        _("rooms"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    area = models.DecimalField(
        _("area (m²)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("5"), message=_("A flat has at least 5 m²."))],
    )
    floor = models.SmallIntegerField(
        _("floor"),
        validators=[MinValueValidator(-2), MaxValueValidator(50)],
        help_text=_("0 is the ground floor."),
    )
    lift = models.BooleanField(_("lift"), default=False)
    barrier_free = models.BooleanField(_("barrier-free"), default=False)
    technical_state = models.CharField(
        _("technical state"),
        max_length=10,
        choices=TechnicalState.choices,
        default=TechnicalState.GOOD,
    )
    # Not in the future (clean), which also refuses a mistyped far year.
    last_inspection_on = models.DateField(_("last inspection"), null=True, blank=True)
    rent = models.DecimalField(_("rent (CZK a month)"), **money)
    service_charges = models.DecimalField(_("service charges (CZK a month)"), default=0, **money)
    deposit = models.DecimalField(
        _("deposit (CZK)"), default=0, help_text=_("At most three monthly rents."), **money
    )
    qualifies_for_register = models.BooleanField(
        _("qualifies for the register of flats"),
        default=False,
        help_text=_("Způsobilý byt under §3 of zákon 175/2025 Sb."),
    )
    max_permissible_rent = models.DecimalField(
        _("maximum permissible rent (CZK a month)"),
        null=True,
        blank=True,
        help_text=_("Set by the municipality for supported housing (§9)."),
        **money,
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FlatKind.choices)
    program = models.CharField(_("program"), max_length=20, choices=Program.choices)
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="flats", verbose_name=_("owner")
    )
    realtor = models.ForeignKey(
        Realtor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flats",
        verbose_name=_("realtor"),
    )
    head_lease_holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="head_leases",
        verbose_name=_("NGO holding the head lease"),
        help_text=_("For an NGO sublet."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FlatStatus.choices, default=FlatStatus.FREE
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = FlatQuerySet.as_manager()

    class Meta:
        verbose_name = _("flat")
        verbose_name_plural = _("flats")
        ordering = ["municipality__name", "street", "number", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rent__gte=0) & Q(service_charges__gte=0) & Q(deposit__gte=0),
                name="flat_money_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(deposit__lte=F("rent") * MAX_DEPOSIT_RENTS),
                name="flat_deposit_at_most_three_rents",
                violation_error_message=_("The deposit can be at most three monthly rents."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=FlatKind.NGO_SUBLET) | Q(head_lease_holder__isnull=False),
                name="flat_sublet_names_its_ngo",
                violation_error_message=_("An NGO sublet needs the NGO that holds the head lease."),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="flat_municipality_status_idx")
        ]

    def __str__(self):
        unit = f", {_('flat')} {self.unit}" if self.unit else ""
        return f"{self.street} {self.number}{unit}, {self.municipality}"

    def get_absolute_url(self):
        return reverse("housing:flat-detail", args=[self.pk])

    @property
    def address(self) -> str:
        return f"{self.street} {self.number}, {self.postcode} {self.municipality}"

    @property
    def monthly_cost(self) -> Decimal:
        return self.rent + self.service_charges

    def get_status_today_display(self) -> str:
        """Needs FlatQuerySet.with_status_today()."""
        return FlatStatus(self.status_today).label

    def clean(self):
        errors = {}
        if self.rent is not None and self.rent < 0:
            errors["rent"] = _("An amount cannot be negative.")
        elif (
            self.rent is not None
            and self.deposit is not None
            and self.deposit > self.rent * MAX_DEPOSIT_RENTS
        ):
            errors["deposit"] = _(
                "The deposit can be at most three monthly rents (%(max)s CZK)."
            ) % {"max": format_czk(self.rent * MAX_DEPOSIT_RENTS)}
        if self.kind == FlatKind.NGO_SUBLET and not self.head_lease_holder_id:
            errors["head_lease_holder"] = _("Choose the NGO that holds the head lease.")
        if self.last_inspection_on and self.last_inspection_on > timezone.localdate():
            errors["last_inspection_on"] = _("An inspection cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class FlatStatusChange(models.Model):
    flat = models.ForeignKey(Flat, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=FlatStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=FlatStatus.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    # Empty: made by a periodic job (free_lapsed_flats), not by a person.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class FlatPhoto(models.Model):
    flat = models.ForeignKey(Flat, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="flats/%Y/")
    caption = models.CharField(_("caption"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self):
        return self.caption or self.image.name
