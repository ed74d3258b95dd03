"""Forms a KMB manager configures matching with: weights and norms, a municipality's allocation
rules, decline reasons. They validate (the cross-field checks of housing.services.matching_config
show next to their fields); the services save."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from housing.models import DeclineParty, DeclineReason, MatchingSettings, MunicipalRules, Program
from housing.services.matching_config import check_rules, check_settings
from kmb.lib import forms as lib_forms

WEIGHTS = [
    "weight_urgency",
    "weight_children",
    "weight_waiting",
    "weight_vulnerability",
    "weight_preference",
    "weight_size_fit",
    "weight_support",
]
NORMS = ["max_persons_per_room", "min_area_per_person", "max_spare_rooms", "max_housing_cost_share"]
WEIGHT_MESSAGE = _("A weight is a whole number from 0 to 10.")
NEGATIVE_DEBT = _(
    "The maximum debt cannot be negative: enter 0 for no debt at all, or leave it empty for no "
    "limit."
)


def _weight_field(model_field) -> forms.IntegerField:
    return forms.IntegerField(
        label=capfirst(model_field.verbose_name),
        min_value=0,
        max_value=10,
        error_messages={
            "min_value": WEIGHT_MESSAGE,
            "max_value": WEIGHT_MESSAGE,
            "invalid": WEIGHT_MESSAGE,
            "required": _("Give every weight: 0 when the part should not count at all."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1}),
    )


class SettingsForm(forms.ModelForm):
    """The KMB's weights (0–10) and its occupancy and affordability norms."""

    class Meta:
        model = MatchingSettings
        fields = [*WEIGHTS, *NORMS]
        error_messages = {
            "max_persons_per_room": {
                "min_value": _("Allow at least half a person per room."),
                "max_value": _("At most 6 persons per room."),
            },
            "min_area_per_person": {
                "min_value": _("The area per person cannot be negative."),
                "max_value": _("At most 50 m² per person."),
            },
            "max_spare_rooms": {"max_value": _("At most 5 rooms more than persons.")},
            "max_housing_cost_share": {
                "min_value": _("Enter a share of income from 10 to 100."),
                "max_value": _("Enter a share of income from 10 to 100."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WEIGHTS:
            self.fields[name] = _weight_field(MatchingSettings._meta.get_field(name))

    def weight_fields(self):
        return [self[name] for name in WEIGHTS]

    def norm_fields(self):
        return [self[name] for name in NORMS]

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                check_settings(self.instance)
            except ValidationError as error:
                self._update_errors(error)


class RulesForm(forms.ModelForm):
    """A municipality's own allocation rules."""

    support_required_programs = forms.MultipleChoiceField(
        label=_("Programs let only with support from a provider"),
        choices=Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "E.g. Brno: social flats only with social work. The household needs a provider of "
            "its own, or a support service with free places must cover the municipality."
        ),
    )
    max_rent_programs = forms.MultipleChoiceField(
        label=_("Programs the maximum rent applies to"),
        choices=Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the maximum rent applies to every program."),
    )

    class Meta:
        model = MunicipalRules
        fields = [
            "require_residence",
            "max_municipal_debt",
            "require_valid_id",
            "require_landlord_consent",
            "support_required_programs",
            "max_rent",
            "max_rent_programs",
        ]
        help_texts = {
            "max_municipal_debt": _(
                "Debts to this municipality that its housing department confirmed. "
                "E.g. Liberec: 10,000 CZK. Empty: no limit."
            ),
            "max_rent": _("Flats of the programs below with a higher rent are not proposed."),
        }
        error_messages = {
            "max_municipal_debt": {"min_value": NEGATIVE_DEBT},
            "max_rent": {"min_value": _("The maximum rent must be more than 0 CZK.")},
        }

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                check_rules(self.instance)
            except ValidationError as error:
                self._update_errors(error)


class DeclineReasonForm(forms.ModelForm):
    class Meta:
        model = DeclineReason
        fields = ["party", "text"]
        widgets = {"party": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = DeclineParty.choices


class DeclineReasonTextForm(forms.ModelForm):
    """Rewording a reason; who declines stays (a reason of another party is another reason)."""

    class Meta:
        model = DeclineReason
        fields = ["text"]


class PairsField(lib_forms.PairsField):
    """Pairs of a case and its proposed case manager (or a household and a service)."""

    default_error_messages = {
        "required": _("Choose at least one proposal to accept."),
        "invalid": _("The proposals sent are not valid: reload the page and try again."),
    }


class AcceptPairsForm(forms.Form):
    """The proposals of case managers a manager accepts: one, or all shown."""

    pair = PairsField()
