from django import forms
from django.utils.translation import gettext_lazy as _

from kmb import access
from kmb.accounts.models import Organisation, User


class UserForm(forms.ModelForm):
    """Staff member; roles and organisations are narrowed to what the editor may assign."""

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "username",
            "email",
            "phone",
            "role",
            "organisation",
            "is_active",
        ]

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["role"].choices = [
            (role.value, role.label) for role in access.assignable_roles(editor)
        ]
        self.fields["organisation"].queryset = access.assignable_organisations(editor)
        self.fields["is_active"].help_text = _(
            "Untick when someone leaves: the account stays in the history but cannot log in."
        )
        if not access.is_administrator(editor):
            self.fields["organisation"].empty_label = None


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "ico",
            "orp",
            "municipality",
            "email",
            "phone",
            "address",
            "is_active",
        ]


class ProfileForm(forms.ModelForm):
    """What any user may change about themselves."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone"]
