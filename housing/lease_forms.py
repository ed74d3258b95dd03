"""Forms of the lease pages. They validate and scope choices; housing.services.leases acts."""

import datetime

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clients.models.people import applicant_field
from housing.models import (
    Flat,
    FlatKind,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    LeaseKind,
    TenancyEvent,
)
from kmb.lib.forms import DateInput, date_widgets
from kmb.lib.validators import validate_plausible_date

not_negative = MinValueValidator(0, message=_("An amount cannot be negative."))


def a_year_from(day: datetime.date) -> datetime.date:
    """The last day of a 12-month term starting on `day` (1.6.2026 → 31.5.2027), the usual
    length of a first lease (Liberec's Housing First)."""
    try:
        return day.replace(year=day.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return datetime.date(day.year + 1, 3, 1) - datetime.timedelta(days=1)


def label_of(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


class LeaseForm(forms.ModelForm):
    """The terms of a lease. Lease.clean refuses an overlap with another lease of the flat, an end
    before the start and a deposit above three monthly rents, each next to its field."""

    class Meta:
        model = Lease
        fields = ["kind", "start_on", "end_on", "rent", "deposit", "notarial_clause"]
        widgets = date_widgets("start_on", "end_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rent", "deposit"):
            self.fields[name].validators.append(not_negative)

    def clean_start_on(self):
        start_on = self.cleaned_data["start_on"]
        ends = [self.instance.ended_on]
        if "end_on" not in self.fields:
            # Lease.clean would name the end, which this form does not show (a ValueError).
            ends.append(self.instance.end_on)
        if start_on and any(end and start_on > end for end in ends):
            raise forms.ValidationError(_("A lease cannot end before it starts."))
        return start_on

    def clean(self):
        cleaned = super().clean()
        if "rent" not in cleaned:
            # Without a valid rent there is nothing to measure the deposit against.
            cleaned.pop("deposit", None)
        return cleaned


class LeaseEditForm(LeaseForm):
    """Corrections of a signed lease. Its end moves only by an extension, an ending or a
    conversion, each of which keeps its own record."""

    class Meta(LeaseForm.Meta):
        fields = ["kind", "start_on", "rent", "deposit", "notarial_clause"]


class SignLeaseForm(LeaseForm):
    """A new lease of a flat: the household is one the user keeps the file of, shown by the
    applicant's name; the terms start from the flat's rent and deposit and a 12-month term."""

    class Meta(LeaseForm.Meta):
        fields = ["household", *LeaseForm.Meta.fields]

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["household"]
        field.queryset = households.annotate(
            applicant_first_name=applicant_field("first_name", "pk"),
            applicant_last_name=applicant_field("last_name", "pk"),
        ).order_by("applicant_last_name", "applicant_first_name", "pk")
        field.label_from_instance = household_label
        if not households.exists():
            field.help_text = _(
                "No household to choose: a lease is recorded by the KMB that keeps the "
                "household's case file."
            )
        flat: Flat = self.instance.flat
        today = timezone.localdate()
        self.initial.update(
            start_on=today,
            end_on=a_year_from(today),
            rent=flat.rent,
            deposit=flat.deposit,
            kind=LeaseKind.SUBLEASE if flat.kind == FlatKind.NGO_SUBLET else LeaseKind.LEASE,
        )


def household_label(household) -> str:
    if household.applicant_last_name is None:
        return str(household)
    return _("%(name)s (household no. %(number)s)") % {
        "name": f"{household.applicant_first_name} {household.applicant_last_name}",
        "number": household.pk,
    }


class ExtendForm(forms.Form):
    new_end_on = forms.DateField(
        label=label_of(LeaseExtension, "new_end_on"),
        widget=DateInput,
        validators=[validate_plausible_date],
    )

    def __init__(self, *args, lease: Lease, **kwargs):
        super().__init__(*args, **kwargs)
        if lease.end_on:
            self.fields["new_end_on"].initial = a_year_from(
                lease.end_on + datetime.timedelta(days=1)
            )


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label=label_of(Lease, "ended_on"), widget=DateInput, validators=[validate_plausible_date]
    )
    end_reason = forms.ChoiceField(
        label=label_of(Lease, "end_reason"), choices=[("", "---------"), *LeaseEndReason.choices]
    )


class ConvertForm(forms.Form):
    on = forms.DateField(
        label=_("Standard lease from"), widget=DateInput, validators=[validate_plausible_date]
    )
    new_rent = forms.DecimalField(
        label=_("Standard rent (CZK a month)"),
        max_digits=10,
        decimal_places=2,
        validators=[not_negative],
    )

    def __init__(self, *args, lease: Lease, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].initial = (today.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        )
        self.fields["new_rent"].initial = lease.rent


class TenancyEventForm(forms.ModelForm):
    open_prevention = forms.BooleanField(
        label=_("Move the household's case to prevention"),
        required=False,
        help_text=_(
            "For arrears, a notice or an eviction: the case manager starts working to keep "
            "the household's housing."
        ),
    )

    class Meta:
        model = TenancyEvent
        fields = ["kind", "occurred_on", "note"]
        widgets = {**date_widgets("occurred_on"), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, may_open_prevention: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_open_prevention:
            # Only the KMB that keeps the case file moves its case.
            del self.fields["open_prevention"]
