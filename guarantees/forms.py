import datetime
import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guarantees.models import MUNICIPAL_CAP_RENTS, Claim, FundMovement, Guarantee, GuaranteeFund
from kmb import access
from kmb.lib.forms import DateInput, date_widgets
from kmb.lib.money import format_czk
from kmb.territory.models import Municipality, Orp


class FundForm(forms.ModelForm):
    class Meta:
        model = GuaranteeFund
        fields = ["name", "municipality", "orp"]
        help_texts = {
            "municipality": _("A municipality's own fund; leave empty for a fund of the ORP."),
            "orp": _("A fund shared by the whole ORP; leave empty for a municipality's fund."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = access.municipalities_managed_by(user, Municipality.objects.all())
        self.fields["municipality"].queryset = municipalities
        self.fields["orp"].queryset = Orp.objects.filter(
            pk__in=municipalities.values("orp_id")
        ).distinct()


class ContributionForm(forms.ModelForm):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = FundMovement
        fields = ["amount", "on", "note"]
        widgets = date_widgets("on")


class GuaranteeForm(forms.ModelForm):
    """The terms of a guarantee on `lease`; funds are those of the flat's municipality or ORP that
    the user reaches."""

    class Meta:
        model = Guarantee
        fields = [
            "fund",
            "by_municipality",
            "covers_rent",
            "covers_damage",
            "cap",
            "valid_from",
            "valid_until",
        ]
        widgets = date_widgets("valid_from", "valid_until")

    def __init__(self, *args, lease, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.lease = lease
        municipality = lease.flat.municipality
        self.fields["fund"].queryset = access.funds_visible_to(
            user, GuaranteeFund.objects.all()
        ).filter(Q(municipality=municipality) | Q(orp_id=municipality.orp_id))
        self.fields["cap"].help_text = cap_help_text(lease.flat.max_permissible_rent)
        if not self.instance.pk:
            ceiling = lease.flat.max_permissible_rent
            suggested = {
                "valid_from": lease.start_on,
                "valid_until": lease.end_on,
                "cap": ceiling * MUNICIPAL_CAP_RENTS if ceiling else None,
            }
            for name, value in suggested.items():
                if self.initial.get(name) is None:
                    self.initial[name] = value


def cap_help_text(max_permissible_rent) -> str:
    if max_permissible_rent is None:
        return _(
            "The flat has no maximum permissible rent recorded: a municipality's guarantee needs "
            "it, as it is capped at four times it."
        )
    return _(
        "A municipality's guarantee is at most 4 × the maximum permissible rent: "
        "%(max)s CZK for this flat."
    ) % {"max": format_czk(max_permissible_rent * MUNICIPAL_CAP_RENTS)}


class ClaimForm(forms.ModelForm):
    """A claim under `guarantee`; only the kinds it covers are offered."""

    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = Claim
        fields = ["kind", "claimed_on", "amount_claimed", "note"]
        widgets = date_widgets("claimed_on")

    def __init__(self, *args, guarantee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.guarantee = guarantee
        covered = {
            Claim.Kind.RENT_ARREARS: guarantee.covers_rent,
            Claim.Kind.DAMAGE: guarantee.covers_damage,
        }
        self.fields["kind"].choices = [
            (value, label) for value, label in Claim.Kind.choices if covered[value]
        ]


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    amount_approved = Claim._meta.get_field("amount_approved").formfield(
        help_text=_("Only when approving: at most the amount claimed.")
    )
    note = Claim._meta.get_field("note").formfield()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.APPROVE and cleaned.get("amount_approved") is None:
            self.add_error("amount_approved", _("Enter the amount approved."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class PaymentForm(forms.Form):
    paid_on = Claim._meta.get_field("paid_on").formfield(
        required=True, widget=DateInput(), initial=timezone.localdate
    )


class GuaranteeFilterForm(forms.Form):
    RUNNING, ENDED = "running", "ended"

    state = forms.ChoiceField(
        label=_("Guarantees"),
        choices=[("", _("All")), (RUNNING, _("Not yet ended")), (ENDED, _("Ended"))],
        required=False,
    )

    def filter(self, guarantees, today: datetime.date | None = None):
        day = today or timezone.localdate()
        state = self.cleaned_data.get("state") if self.is_valid() else ""
        if state == self.RUNNING:
            return guarantees.filter(valid_until__gte=day)
        if state == self.ENDED:
            return guarantees.filter(valid_until__lt=day)
        return guarantees
