"""Forms of the matching and waiting-list pages. They validate and scope choices;
housing.services.matching acts."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from housing.lease_forms import a_year_from, not_negative
from housing.models import DeclineParty, DeclineReason, HousingApplication, Program, Proposal
from kmb.lib import forms as lib_forms
from kmb.lib.forms import DateInput
from kmb.lib.validators import validate_plausible_date


def label_of(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


class ApplicationForm(forms.Form):
    programs = forms.MultipleChoiceField(
        label=_("Programs the household applies for"),
        choices=Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any program whose rules the household meets."),
    )
    emergency = forms.BooleanField(
        label=label_of(HousingApplication, "emergency"),
        required=False,
        help_text=HousingApplication._meta.get_field("emergency").help_text,
    )
    vulnerable = forms.BooleanField(
        label=label_of(HousingApplication, "vulnerable"),
        required=False,
        help_text=HousingApplication._meta.get_field("vulnerable").help_text,
    )


class ParkForm(forms.Form):
    until = forms.DateField(
        label=_("Parked until"), widget=DateInput(), validators=[validate_plausible_date]
    )
    reason = forms.CharField(label=_("Why"), max_length=250)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("Park the household until a day after today."))
        return until


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DeclineForm(forms.Form):
    """Who declined and why: a reason from the KMB's list, or written out when none fits. The
    commission records its own declines on its pages."""

    party = forms.ChoiceField(
        label=_("Who declined"),
        choices=[(p.value, p.label) for p in (DeclineParty.HOUSEHOLD, DeclineParty.OWNER)],
        widget=forms.RadioSelect,
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=DeclineReason.objects.none(),
        required=False,
        empty_label=_("another reason (write it below)"),
    )
    reason_text = forms.CharField(label=_("Another reason"), max_length=200, required=False)
    note = forms.CharField(
        label=label_of(Proposal, "decline_note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kmb, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = DeclineReason.objects.filter(
            kmb=kmb, is_active=True, party__in=[DeclineParty.HOUSEHOLD, DeclineParty.OWNER]
        )
        self.fields["reason"].queryset = reasons
        self.fields["reason"].label_from_instance = lambda reason: (
            f"{reason.get_party_display()}: {reason.text}"
        )

    def clean(self):
        cleaned = super().clean()
        reason, party = cleaned.get("reason"), cleaned.get("party")
        if reason and party and reason.party != party:
            self.add_error("reason", _("Choose one of the reasons of the party that declined."))
        elif not reason and not cleaned.get("reason_text", "").strip():
            self.add_error("reason_text", _("Choose a reason from the list or write one."))
        return cleaned


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm the decline")), ("override", _("Override the decline"))]
    )

    @property
    def confirm(self) -> bool:
        return self.cleaned_data["decision"] == "confirm"


class LeaseFromProposalForm(forms.Form):
    """The terms of the lease of an approved proposal, starting from the flat's rent and deposit
    and a 12-month term."""

    start_on = forms.DateField(
        label=_("Start"), widget=DateInput(), validators=[validate_plausible_date]
    )
    end_on = forms.DateField(
        label=_("End"),
        widget=DateInput(),
        validators=[validate_plausible_date],
        required=False,
        help_text=_(
            "The agreed end (e.g. 12 months for Housing First in Liberec); empty: indefinite."
        ),
    )
    rent = forms.DecimalField(
        label=_("Rent (CZK a month)"), max_digits=10, decimal_places=2, validators=[not_negative]
    )
    deposit = forms.DecimalField(
        label=_("Deposit (CZK)"), max_digits=10, decimal_places=2, validators=[not_negative]
    )

    @classmethod
    def for_flat(cls, data, flat, today: datetime.date | None = None):
        start = today or timezone.localdate()
        initial = {
            "start_on": start,
            "end_on": a_year_from(start),
            "rent": flat.rent,
            "deposit": flat.deposit,
        }
        return cls(data, initial=initial)


class ProposeForm(forms.Form):
    """Which waiting household to propose the flat to (from the flat's shortlist)."""

    application = forms.ModelChoiceField(
        queryset=HousingApplication.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class PairsField(lib_forms.PairsField):
    """Pairs written "application id:flat id" (the checkboxes of the global proposal)."""

    default_error_messages = {"invalid": _("Choose pairs from the proposal.")}


class PairsForm(forms.Form):
    """The pairs of the global proposal to propose; the applications and flats must be among those
    the user may propose."""

    pairs = PairsField(
        error_messages={"required": _("Tick the pairs you want to propose.")},
    )

    def __init__(self, *args, applications, flats, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications, self.flats = applications, flats

    def clean_pairs(self):
        ids = self.cleaned_data["pairs"]
        applications = self.applications.in_bulk([a for a, _flat in ids])
        flats = self.flats.in_bulk([f for _application, f in ids])
        if any(a not in applications or f not in flats for a, f in ids):
            raise forms.ValidationError(_("Choose pairs from the proposal."))
        return [(applications[a], flats[f]) for a, f in ids]
