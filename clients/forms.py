import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import (
    Benefit,
    Case,
    CaseReason,
    Client,
    CloseReason,
    Consent,
    ConsentRecipient,
    ConsentScope,
    Consultation,
    ConsultationTopic,
    Debt,
    DebtState,
    Household,
    HousingSituation,
    Income,
    Referral,
    RegisterChange,
    RegisterRecord,
    Relationship,
    RepaymentSchedule,
    SupportMeasure,
)
from clients.models.codes import ethos_grouped_choices
from clients.services import check_ages
from kmb.accounts.models import Organisation, Role, User
from kmb.lib.forms import DateInput, date_widgets
from kmb.lib.validators import validate_plausible_date
from kmb.territory.models import Municipality


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "birth_number",
            "sex",
            "phone",
            "email",
            "has_valid_id",
        ]
        widgets = date_widgets("birth_date")


class MemberForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["first_name", "last_name", "birth_date", "relationship", "sex", "dependent_child"]
        widgets = date_widgets("birth_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank first choice, so that an untouched row of the formset stays empty.
        self.fields["relationship"].choices = [("", "---------")] + [
            (value, label)
            for value, label in Relationship.choices
            if value != Relationship.APPLICANT
        ]


# A household's rows at most: more is a forged form, refused with a message instead of building
# (and validating) the thousands of forms its management data asks for.
ROWS = {"max_num": 20, "validate_max": True, "absolute_max": 21}

MemberFormSet = forms.formset_factory(MemberForm, extra=3, **ROWS)


class HouseholdForm(forms.ModelForm):
    """Residence, where the household lives, and its special needs."""

    class Meta:
        model = Household
        fields = [
            "permanent_residence",
            "permanent_residence_elsewhere",
            "address",
            "barrier_free",
            "support_intensity",
            "pets",
            "preferred_municipalities",
            "needs_note",
        ]
        widgets = {
            "preferred_municipalities": forms.CheckboxSelectMultiple,
            "needs_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, kmb: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.filter(orp_id=kmb.orp_id)
        self.fields["permanent_residence"].queryset = municipalities
        self.fields["preferred_municipalities"].queryset = municipalities


class SituationForm(forms.ModelForm):
    class Meta:
        model = HousingSituation
        fields = ["ethos", "in_commercial_hostel", "description", "since"]
        widgets = {**date_widgets("since"), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethos"].choices = [("", "---------"), *ethos_grouped_choices()]


class IncomeForm(forms.ModelForm):
    class Meta:
        model = Income
        fields = ["kind", "monthly_amount", "member", "since", "until"]
        widgets = date_widgets("since", "until")

    def __init__(self, *args, household: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is None:
            # At intake: what the household receives now (the members are not saved yet).
            for name in ("member", "since", "until"):
                del self.fields[name]
        else:
            self.fields["member"].queryset = household.members.all()


IntakeIncomeFormSet = forms.formset_factory(IncomeForm, extra=2, **ROWS)


class BenefitForm(forms.ModelForm):
    class Meta:
        model = Benefit
        fields = [
            "kind",
            "dssp_component",
            "mop_situation",
            "provider_name",
            "state",
            "amount",
            "monthly",
            "applied_on",
            "decided_on",
            "until",
        ]
        widgets = date_widgets("applied_on", "decided_on", "until")


BenefitFormSet = forms.formset_factory(BenefitForm, extra=2, **ROWS)


def case_managers_of(kmb_id: int):
    return User.objects.filter(
        organisation_id=kmb_id, is_active=True, role__in=[Role.SOCIAL_WORKER, Role.MANAGER]
    )


class CaseOpeningForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Why the household came"),
        choices=CaseReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    case_manager = forms.ModelChoiceField(
        label=_("Case manager"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Without a case manager the case waits as new until the manager assigns one."),
    )
    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    not_a_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person, register them anyway"),
        required=False,
    )

    def __init__(self, *args, kmb: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = case_managers_of(kmb.pk)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "---------"), *CloseReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=250, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status.value, status.label) for status in case.next_statuses()
        ]


class AssignForm(forms.Form):
    case_manager = forms.ModelChoiceField(label=_("Case manager"), queryset=User.objects.none())

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = case_managers_of(case.kmb_id)
        self.fields["case_manager"].initial = case.case_manager_id


class MemberEditForm(MemberForm):
    """A member added or corrected on the case file (the applicant keeps their relationship)."""

    class Meta(MemberForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "birth_number",
            "relationship",
            "sex",
            "phone",
            "email",
            "dependent_child",
            "has_valid_id",
        ]

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        if self.instance.relationship == Relationship.APPLICANT:
            del self.fields["relationship"]

    def clean(self):
        cleaned = super().clean()
        member = self.instance
        applicant = self.household.members.filter(relationship=Relationship.APPLICANT).first()
        if applicant and member.pk != applicant.pk and cleaned.get("birth_date"):
            member.birth_date = cleaned["birth_date"]
            member.relationship = cleaned.get("relationship", member.relationship)
            try:
                check_ages(applicant, [member])
            except ValidationError as error:
                self.add_error("birth_date", error.messages[0])
        return cleaned


class ConsultationForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=ConsultationTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    # Sent back with the form: a second submit (double click, back and resend) records it once.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = Consultation
        fields = ["date", "minutes", "channel", "topics", "notes"]
        widgets = {**date_widgets("date"), "notes": forms.Textarea(attrs={"rows": 4})}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["kind", "recipient"]


ReferralFormSet = forms.formset_factory(ReferralForm, extra=2, **ROWS)


class ReferralOutcomeForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["outcome", "outcome_on", "outcome_note"]
        widgets = date_widgets("outcome_on")


class ConsentForm(forms.ModelForm):
    # Not required here: the model says what is missing, once (Consent.clean).
    scope = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Consent
        fields = [
            "given_by",
            "recipient_kind",
            "recipient",
            "recipient_name",
            "scope",
            "given_on",
            "expires_on",
            "note",
        ]
        widgets = date_widgets("given_on", "expires_on")

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = household.members.exclude(dependent_child=True)
        self.fields["recipient"].queryset = Organisation.objects.filter(
            is_active=True, kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.MUNICIPALITY]
        )
        self.fields["recipient_kind"].initial = ConsentRecipient.PROVIDER


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=DateInput, validators=[validate_plausible_date]
    )


class RegisterRecordForm(forms.ModelForm):
    class Meta:
        model = RegisterRecord
        fields = [
            "applied_on",
            "assessed_on",
            "assessment_findings",
            "opinion_on",
            "opinion_outcome",
            "opinion_reference",
            "entered_on",
            "valid_until",
            "special_vulnerability",
            "vulnerability_note",
        ]
        widgets = {
            **date_widgets("applied_on", "assessed_on", "opinion_on", "entered_on", "valid_until"),
            "assessment_findings": forms.Textarea(attrs={"rows": 3}),
        }


class RegisterChangeForm(forms.ModelForm):
    class Meta:
        model = RegisterChange
        fields = ["changed_on", "description"]
        widgets = date_widgets("changed_on")


class SupportMeasureForm(forms.ModelForm):
    class Meta:
        model = SupportMeasure
        fields = ["kind", "since", "until"]
        widgets = date_widgets("since", "until")


class DebtForm(forms.ModelForm):
    class Meta:
        model = Debt
        fields = [
            "debtor",
            "creditor_kind",
            "creditor_municipality",
            "creditor_name",
            "original_amount",
            "current_amount",
            "since",
            "state",
            "confirmed_by",
            "confirmed_on",
            "note",
        ]
        widgets = date_widgets("since", "confirmed_on")

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debtor"].queryset = household.members.applicant_first()
        self.fields["creditor_municipality"].queryset = Municipality.objects.filter(
            orp_id=household.kmb.orp_id
        )

    def clean_state(self):
        """ "In a repayment schedule" is what a running schedule says, not a choice."""
        state = self.cleaned_data["state"]
        running = self.instance.pk and self.instance.schedules.running().exists()
        if state == DebtState.SCHEDULE and not running:
            raise ValidationError(_("Agree a repayment schedule on the debt instead."))
        if (
            running
            and state in (DebtState.OPEN, DebtState.SCHEDULE)
            and state != DebtState.SCHEDULE
        ):
            raise ValidationError(
                _("The debt is being repaid in a schedule; it stays “in a repayment schedule”.")
            )
        return state


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = RepaymentSchedule
        fields = ["total", "instalment", "first_due_on", "day_of_month", "agreed_with"]
        widgets = date_widgets("first_due_on")


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), widget=DateInput, validators=[validate_plausible_date]
    )
    amount = forms.DecimalField(
        label=_("Amount (CZK)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("Enter an amount above zero.")},
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(_("A payment cannot be recorded before it is made."))
        return paid_on
