"""The territory a KMB serves: an ORP and the municipalities in it."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

csu_code = RegexValidator(r"^\d{6}$", _("The code has six digits (ČSÚ municipality code)."))


class Orp(models.Model):
    """Obec s rozšířenou působností: the district a KMB serves."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("ČSÚ code"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("ORP")
        verbose_name_plural = _("ORPs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def in_orp(self, orp):
        return self.filter(orp=orp)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("ČSÚ code"),
        max_length=6,
        blank=True,
        validators=[csu_code],
        help_text=_("Six-digit municipality code from the Czech Statistical Office, if known."),
    )
    orp = models.ForeignKey(
        Orp, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("ORP")
    )
    population = models.PositiveIntegerField(
        _("population"),
        validators=[MinValueValidator(1)],
        help_text=_("Used to keep small municipalities unnamed in anonymised outputs."),
    )
    history = HistoricalRecords()

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["orp", "name"],
                name="municipality_unique_name_in_orp",
                violation_error_message=_("This ORP already has a municipality of this name."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="municipality_unique_code",
                violation_error_message=_("Another municipality already has this ČSÚ code."),
            ),
            models.CheckConstraint(
                condition=models.Q(population__gte=1), name="municipality_population_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territory:municipality-edit", args=[self.pk])
