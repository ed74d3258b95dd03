"""Monthly check-ins with housed households (Praha 7 phones about 50 a month): is the rent paid,
is all well. A problem opens prevention on the case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kmb.lib.validators import validate_plausible_date


class CheckInResult(models.TextChoices):
    ALL_WELL = "all_well", _("All well, rent paid")
    PROBLEMS = "problems", _("Problems (arrears, neighbours, repairs)")
    NEEDS_VISIT = "needs_visit", _("Needs a visit")
    NOT_REACHED = "not_reached", _("Not reached")


# The results that open a prevention step on the case.
PROBLEM_RESULTS = [CheckInResult.PROBLEMS, CheckInResult.NEEDS_VISIT]


class CheckIn(models.Model):
    lease = models.ForeignKey(
        "housing.Lease", on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("lease")
    )
    # The first day of the month the check-in belongs to.
    month = models.DateField(_("month"), validators=[validate_plausible_date])
    done_on = models.DateField(
        _("done on"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    result = models.CharField(_("result"), max_length=12, choices=CheckInResult.choices)
    rent_paid = models.BooleanField(_("rent paid"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lease", "month"],
                name="check_in_once_a_month",
                violation_error_message=_("This month's check-in is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="check_in_month_is_first_day",
                violation_error_message=_("The month is given by its first day."),
            ),
        ]

    def __str__(self):
        return _("Check-in %(month)s") % {"month": self.month.strftime("%m/%Y")}
