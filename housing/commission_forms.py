"""Forms of the housing commission and of the case manager's recommendation to it.

Free text that reaches the commission is checked against the household's own identifiers
(`kmb.redaction.HouseholdIdentifiers`, passed in by the view) and refused until clean; the
services check it again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.models import (
    CommissionSession,
    Decision,
    HousingApplication,
    Proposal,
    Readiness,
    Recommendation,
)
from kmb.lib.forms import date_widgets
from kmb.redaction import HouseholdIdentifiers


class RecommendationForm(forms.ModelForm):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )
    readiness = forms.MultipleChoiceField(
        label=_("The case manager vouches that the household"),
        choices=Readiness.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = HousingApplication
        fields = ["recommendation", "readiness", "recommendation_text"]
        widgets = {"recommendation_text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "recommendation_text": _(
                "The commission reads this word for word. Describe roles, not people (“the "
                "applicant”, “the older child”), and leave out names, dates of birth, ages, birth "
                "numbers, phones, e-mails and addresses: the text is refused until it is clean."
            )
        }

    def __init__(self, *args, identifiers: HouseholdIdentifiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.identifiers = identifiers

    def clean_recommendation_text(self):
        return self.identifiers.check(self.cleaned_data["recommendation_text"].strip())


class SessionForm(forms.ModelForm):
    class Meta:
        model = CommissionSession
        fields = ["held_on", "place"]
        widgets = date_widgets("held_on")


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, proposal: Proposal) -> str:
        # The household only by its code: this list is read by the housing department.
        return f"{proposal.application.pseudonym} · {proposal.flat}"


class AgendaItemForm(forms.Form):
    proposal = ProposalChoiceField(
        label=_("Reserved proposal"),
        queryset=Proposal.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class DecisionForm(forms.Form):
    """The decision as the commission takes it; the service records it with its time and author
    (so this is not a ModelForm: an item is never half-decided)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. a repayment schedule for the debt to the municipality, support visits."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required for a rejection. The minutes carry it: no names, dates of birth or addresses."
        ),
    )

    def __init__(self, *args, identifiers: HouseholdIdentifiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.identifiers = identifiers

    def clean_conditions(self):
        return self.identifiers.check(self.cleaned_data["conditions"].strip())

    def clean_reasons(self):
        return self.identifiers.check(self.cleaned_data["reasons"].strip())

    def clean(self):
        cleaned = super().clean()
        rejected = cleaned.get("decision") == Decision.REJECT
        if rejected and not cleaned.get("reasons") and "reasons" not in self.errors:
            self.add_error("reasons", _("A rejection needs its reasons."))
        return cleaned
