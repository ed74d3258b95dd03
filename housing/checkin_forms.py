"""Forms of the check-in worklist. They validate; housing.services.checkins records."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.models import CheckIn, CheckInResult
from housing.services.checkins import month_of

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


# No KMB kept check-ins before this year; earlier months only overflow the date arithmetic.
FIRST_YEAR = 2000


class MonthForm(forms.Form):
    """Which month's worklist to show (GET): this month unless another past one is chosen."""

    # The template draws the browser's month picker (<input type="month">: YYYY-MM).
    month = forms.CharField(label=_("Month"), required=False)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = month_of(today)

    def clean_month(self) -> datetime.date:
        text = (self.cleaned_data["month"] or "").strip()
        if not text:
            return self.current
        found = MONTH_PATTERN.match(text)
        try:
            month = datetime.date(int(found[1]), int(found[2]), 1) if found else None
        except ValueError:
            month = None
        if month is None or month.year < FIRST_YEAR:
            raise forms.ValidationError(_("Choose a month, e.g. 2026-11."))
        if month > self.current:
            raise forms.ValidationError(_("Check-ins are made for this month or earlier ones."))
        return month

    def chosen(self) -> datetime.date:
        """The month to show: the valid choice, else this month."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["month"]
        return self.current


class HiddenDateInput(forms.DateInput):
    input_type = "hidden"


class RentPaidSelect(forms.NullBooleanSelect):
    """Yes / no / not asked, said so that the choice reads alone in a narrow row."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("Rent: not asked")),
            ("true", _("Rent paid")),
            ("false", _("Rent not paid")),
        ]


class CheckInForm(forms.ModelForm):
    """One call, in a row of the worklist (the row's lease names its prefix)."""

    month = forms.DateField(widget=HiddenDateInput(format="%Y-%m-%d"))

    class Meta:
        model = CheckIn
        fields = ["result", "rent_paid", "note"]
        widgets = {
            "result": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "rent_paid": RentPaidSelect(attrs={"class": "form-select form-select-sm"}),
            "note": forms.TextInput(
                attrs={"class": "form-control form-control-sm", "placeholder": _("Note")}
            ),
        }

    def __init__(self, *args, month: datetime.date, **kwargs):
        super().__init__(*args, initial={"month": month}, **kwargs)
        self.fields["rent_paid"].required = False
        self.fields["result"].choices = [("", _("Result…")), *CheckInResult.choices]
