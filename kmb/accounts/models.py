"""Organisations and the people who work in them.

Every user belongs to one organisation and has one role; kmb.access turns the pair into permissions.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.models import TimeStampedModel
from kmb.lib.validators import validate_ico


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        KMB = "kmb", _("Housing contact point (KMB)")
        MUNICIPALITY = "municipality", _("Municipality")
        PROVIDER = "provider", _("Support provider")
        ADMINISTRATION = "administration", _("System administration")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ico = models.CharField(
        _("ID number (IČO)"), max_length=8, blank=True, validators=[validate_ico]
    )
    orp = models.ForeignKey(
        "territory.Orp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kmb_offices",
        verbose_name=_("ORP served"),
        help_text=_("For a KMB: the ORP whose territory it serves."),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("For a municipality: which one."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="kmb") | models.Q(orp__isnull=False),
                name="organisation_kmb_serves_an_orp",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="municipality") | models.Q(municipality__isnull=False),
                name="organisation_municipality_named",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organisation-detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.KMB and not self.orp_id:
            raise ValidationError({"orp": _("A KMB must serve an ORP.")})
        if self.kind == self.Kind.MUNICIPALITY and not self.municipality_id:
            raise ValidationError({"municipality": _("Choose the municipality.")})


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    MANAGER = "manager", _("KMB manager")
    HOUSING_DEPARTMENT = "housing_department", _("Housing department")
    PROVIDER_STAFF = "provider_staff", _("Support provider staff")
    ADMINISTRATOR = "administrator", _("Administrator")


# Which kind of organisation each role works for; administrators may sit anywhere.
ROLE_ORGANISATION_KINDS = {
    Role.SOCIAL_WORKER: {Organisation.Kind.KMB},
    Role.MANAGER: {Organisation.Kind.KMB},
    Role.HOUSING_DEPARTMENT: {Organisation.Kind.MUNICIPALITY},
    Role.PROVIDER_STAFF: {Organisation.Kind.PROVIDER},
    Role.ADMINISTRATOR: set(Organisation.Kind),
}


class Specialisation(models.TextChoices):
    """What a case manager knows best; a case's needs point to one of these."""

    FAMILIES = "families", _("Families with children")
    SENIORS = "seniors", _("Seniors")
    DEBTS = "debts", _("Debts and money")
    HOUSING_FIRST = "housing_first", _("Housing First")
    VIOLENCE = "violence", _("Domestic violence")
    INSTITUTIONS = "institutions", _("Leaving an institution")
    HEALTH = "health", _("Health and disability")


class KmbUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # What the matching service weighs when it proposes a case manager for a case.
    max_caseload = models.PositiveSmallIntegerField(
        _("maximum caseload"),
        default=30,
        help_text=_("How many open cases this case manager can carry."),
    )
    specialisations = models.JSONField(
        _("specialisations"),
        default=list,
        blank=True,
        help_text=_("What the case manager knows best (families, debts, Housing First, …)."),
    )
    municipalities = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("municipalities looked after"),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = KmbUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="administrator") | models.Q(organisation__isnull=False),
                name="user_belongs_to_an_organisation",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("accounts:user-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.role != Role.ADMINISTRATOR and not self.organisation_id:
            raise ValidationError(
                {"organisation": _("Choose the organisation the user works for.")}
            )
        if self.organisation_id and self.role:
            allowed = ROLE_ORGANISATION_KINDS[Role(self.role)]
            if self.organisation.kind not in allowed:
                kinds = ", ".join(str(Organisation.Kind(kind).label) for kind in sorted(allowed))
                raise ValidationError(
                    {
                        "organisation": _(
                            "A user with the role “%(role)s” must work for: %(kinds)s."
                        )
                        % {"role": self.get_role_display(), "kinds": kinds}
                    }
                )
