from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.models import Flat, FlatPhoto, FlatStatus, Owner, Realtor
from housing.services.leases import held_message
from kmb.accounts.models import Organisation
from kmb.lib.forms import date_widgets

MAX_PHOTO_BYTES = 5 * 1024 * 1024


class FlatForm(forms.ModelForm):
    """A flat's particulars. A new flat also gets its first status; later the status changes only
    through FlatStatusForm, which keeps the history."""

    class Meta:
        model = Flat
        fields = [
            "municipality",
            "street",
            "number",
            "unit",
            "postcode",
            "disposition",
            "rooms",
            "area",
            "floor",
            "lift",
            "barrier_free",
            "technical_state",
            "last_inspection_on",
            "kind",
            "program",
            "status",
            "rent",
            "service_charges",
            "deposit",
            "max_permissible_rent",
            "qualifies_for_register",
            "owner",
            "realtor",
            "head_lease_holder",
            "note",
        ]
        widgets = {**date_widgets("last_inspection_on"), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipalities, owners, realtors, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["status"]
        else:
            # A flat becomes let by its lease, never by a choice in this form.
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != FlatStatus.LET
            ]
        self.fields["municipality"].queryset = municipalities
        if not self.instance.pk and len(municipalities) == 1:
            self.initial.setdefault("municipality", municipalities[0].pk)
        self.fields["owner"].queryset = owners
        self.fields["realtor"].queryset = realtors
        # A sublet needs an NGO with an account here; keep a holder that has since left.
        self.fields["head_lease_holder"].queryset = Organisation.objects.filter(
            Q(is_active=True, kind=Organisation.Kind.PROVIDER)
            | Q(pk=self.instance.head_lease_holder_id)
        )


class FlatStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        max_length=250,
        required=False,
        help_text=_("Why, e.g. “repair of the bathroom until March”."),
    )

    def __init__(self, *args, flat: Flat, **kwargs):
        super().__init__(*args, **kwargs)
        self.flat = flat
        # "Let" comes with a lease; it is never chosen by hand.
        self.fields["status"].choices = [
            (value, label)
            for value, label in FlatStatus.choices
            if value not in (flat.status, FlatStatus.LET)
        ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        held = self.flat.proposals.holding().select_related("application").first()
        if held is not None:
            raise ValidationError(held_message(held))
        if status == FlatStatus.FREE and self.flat.leases.running().exists():
            raise ValidationError(
                _("A lease of this flat is running: record the end of the lease instead.")
            )
        return status


class FlatPhotoForm(forms.ModelForm):
    class Meta:
        model = FlatPhoto
        fields = ["image", "caption"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and image.size > MAX_PHOTO_BYTES:
            raise ValidationError(
                _("The photo is too large (%(size)s). Upload a photo of at most %(max)s."),
                params={"size": filesizeformat(image.size), "max": filesizeformat(MAX_PHOTO_BYTES)},
                code="too_large",
            )
        return image


class OwnerForm(forms.ModelForm):
    class Meta:
        model = Owner
        fields = [
            "kind",
            "name",
            "organisation",
            "ico",
            "email",
            "phone",
            "address",
            "engaged_on",
            "note",
        ]
        widgets = {**date_widgets("engaged_on"), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(is_active=True, kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.PROVIDER])
            | Q(pk=self.instance.organisation_id)
        )

    def clean_engaged_on(self):
        engaged_on = self.cleaned_data["engaged_on"]
        if engaged_on and engaged_on > timezone.localdate():
            raise ValidationError(_("Enter the day the owner agreed, not a future date."))
        return engaged_on


class RealtorForm(forms.ModelForm):
    class Meta:
        model = Realtor
        fields = ["name", "company", "email", "phone"]
