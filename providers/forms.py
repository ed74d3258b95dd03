import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kmb.accounts.models import Organisation, Role, User
from kmb.lib.forms import DateInput, date_widgets, is_id
from kmb.lib.validators import validate_ico, validate_plausible_date
from kmb.territory.models import Municipality, Orp
from providers.models import (
    NEXT_REFERRAL_STATES,
    AssistancePlan,
    CooperationEndReason,
    Goal,
    GoalState,
    Participant,
    PlanReview,
    Provider,
    ReferralState,
    Service,
    ServiceType,
    Step,
    SupportVisit,
)

# --- The directory ----------------------------------------------------------------------------


class ProviderOrganisationForm(forms.ModelForm):
    """The provider as an organisation: what consents and staff accounts refer to."""

    class Meta:
        model = Organisation
        fields = ["name", "ico", "address"]
        labels = {"name": _("Name of the provider")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every provider in the registry of social services has one.
        self.fields["ico"].required = True
        self.fields["ico"].validators = [validate_ico]


class ProviderForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Provider
        fields = ["contact_person", "phone", "email", "website", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "kind",
            "name",
            "form",
            "registration_number",
            "capacity",
            "free_places",
            "municipalities",
            "is_active",
            "note",
        ]
        widgets = {"municipalities": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The territories the system serves (ORPs with a KMB), and whatever the service already
        # covers elsewhere.
        chosen = self.instance.municipalities.all() if self.instance.pk else []
        self.fields["municipalities"].queryset = (
            Municipality.objects.filter(
                Q(orp__in=Organisation.objects.filter(kind=Organisation.Kind.KMB).values("orp"))
                | Q(pk__in=[m.pk for m in chosen])
            )
            .select_related("orp")
            .order_by("orp__name", "name")
        )
        self.fields["municipalities"].label_from_instance = lambda m: f"{m.name} ({m.orp})"
        if self.instance.pk:
            # Referrals move the free places while the form is open: an existing service's
            # count is changed only by the "free places" control, which records that moment.
            del self.fields["free_places"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        free_places = self.instance.free_places if self.instance.pk else None
        if capacity is not None and free_places is not None and capacity < free_places:
            raise forms.ValidationError(
                _(
                    "The capacity cannot be lower than the free places now (%(free)s): "
                    "change the free places first."
                )
                % {"free": free_places}
            )
        return capacity


class FreePlacesForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["free_places"]

    def clean_free_places(self):
        free_places = self.cleaned_data["free_places"]
        if free_places > self.instance.capacity:
            raise forms.ValidationError(
                _("There cannot be more free places than the capacity (%(capacity)s).")
                % {"capacity": self.instance.capacity}
            )
        return free_places


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Provider, service or IČO")}),
    )
    kind = forms.ChoiceField(
        label=_("Type of service"),
        required=False,
        choices=[("", _("Any")), *ServiceType.choices],
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality covered"), queryset=None, required=False, empty_label=_("Any")
    )
    free = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class CoverageFilterForm(forms.Form):
    orp = forms.ModelChoiceField(label=_("ORP"), queryset=Orp.objects.none(), required=False)
    social_only = forms.BooleanField(label=_("Only social services"), required=False)

    def __init__(self, *args, orps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orps is None:
            del self.fields["orp"]
        else:
            self.fields["orp"].queryset = orps


# --- Referrals --------------------------------------------------------------------------------


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    reason = forms.CharField(
        label=_("What the household needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the provider should help with. The provider reads it."),
    )

    def __init__(self, *args, services, requested: str | None = None, **kwargs):
        """`requested`: the pk of a service a link asked for (`?service=` from the coverage map
        or a pairing proposal). It is preselected when it is among `services`; otherwise, if it
        is an active service, `not_offered` holds it so that the page can say why."""
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = service_label
        self.not_offered = None
        if requested and is_id(requested):
            if services.filter(pk=requested).exists():
                self.initial.setdefault("service", int(requested))
            else:
                self.not_offered = (
                    Service.objects.active().select_related("provider").filter(pk=requested).first()
                )


def service_label(service: Service) -> str:
    return (
        f"{service.provider} – {service.name} ({service.get_kind_display()}; "
        + str(_("free places: %(free)s of %(capacity)s"))
        % {"free": service.free_places, "capacity": service.capacity}
        + ")"
    )


class AnswerForm(forms.Form):
    to = forms.ChoiceField(choices=ReferralState.choices)
    note = forms.CharField(label=_("Note for the KMB"), max_length=500, required=False)
    end_reason = forms.ChoiceField(
        label=_("Why the cooperation ended"),
        choices=[("", "—"), *CooperationEndReason.choices],
        required=False,
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = NEXT_REFERRAL_STATES[ReferralState(referral.state)]
        self.fields["to"].choices = [(s.value, s.label) for s in allowed]


class WithdrawForm(forms.Form):
    end_reason = forms.ChoiceField(
        label=_("Why the referral ends"), choices=CooperationEndReason.choices
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- Assistance plans -------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = AssistancePlan
        fields = ["provider", "case_manager", "starts_on", "hours_per_week", "next_review_on"]
        widgets = date_widgets("starts_on", "next_review_on")

    def __init__(self, *args, providers, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = _("— none (the KMB supports the household) —")
        self.fields["provider"].help_text = _(
            "Only providers to which the household has consented to share its data."
        )
        self.fields["case_manager"].queryset = case_managers
        if self.instance.pk:
            del self.fields["starts_on"]


def case_managers_of(kmb_id: int, *, keep: User | None = None):
    return User.objects.filter(
        Q(organisation_id=kmb_id, is_active=True, role__in=[Role.SOCIAL_WORKER, Role.MANAGER])
        | Q(pk=keep.pk if keep else None)
    ).order_by("last_name", "first_name")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["area", "description", "target_on", "state"]
        widgets = date_widgets("target_on")


class GoalStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=GoalState.choices)


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["description", "who", "due_on"]
        widgets = date_widgets("due_on")


class StepDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class ReviewForm(forms.ModelForm):
    participants = forms.MultipleChoiceField(
        label=_("Who took part"),
        choices=Participant.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanReview
        fields = [
            "kind",
            "held_on",
            "participants",
            "participants_note",
            "summary",
            "next_review_on",
        ]
        widgets = {
            **date_widgets("held_on", "next_review_on"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "participants_note": _("Names or roles, e.g. the landlord's representative."),
            "next_review_on": _("The plan's next review moves to this date."),
        }


class VisitForm(forms.ModelForm):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = SupportVisit
        fields = ["date", "minutes", "kind", "progress"]
        widgets = {
            **date_widgets("date"),
            "progress": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "minutes": _("How long the support took, e.g. 90 for an hour and a half."),
            "progress": _("What was done and how the household is getting on."),
        }


class EndCooperationForm(forms.Form):
    end_reason = forms.ChoiceField(
        label=_("Why the cooperation ended"), choices=CooperationEndReason.choices
    )
    ended_on = forms.DateField(
        label=_("Ended on"),
        widget=DateInput,
        validators=[validate_plausible_date],
        initial=timezone.localdate,
    )
    note = forms.CharField(
        label=_("Note for the case manager"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
