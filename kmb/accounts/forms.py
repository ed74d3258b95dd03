from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from kmb import access
from kmb.accounts.models import Organisation, User


class ProfileForm(forms.ModelForm):
    """What any user may change about themselves."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Password links are sent by e-mail, so nobody may leave the address empty.
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True


class UserForm(ProfileForm):
    """Staff member; roles and organisations are narrowed to what the editor may assign."""

    class Meta(ProfileForm.Meta):
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
        self.fields["role"].choices = [
            (role.value, role.label) for role in access.assignable_roles(editor)
        ]
        organisations = access.assignable_organisations(editor)
        if self.instance.organisation_id:
            # The user's own organisation stays choosable even when it has been deactivated.
            organisations |= Organisation.objects.filter(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = organisations
        if not access.is_administrator(editor):
            self.fields["organisation"].empty_label = None
        self.fields["is_active"].help_text = _(
            "Untick when someone leaves: the account stays in the history but cannot log in."
        )

    def _post_clean(self):
        # An organisation the editor may not assign is already refused by the field; the model's
        # "choose an organisation" would only repeat it in other words.
        refused = self.has_error("organisation")
        super()._post_clean()
        if refused:
            del self._errors["organisation"][1:]


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


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username longer than any user's before trying it: a
    failed attempt is recorded (django-axes) in a column that would not hold it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PasswordResetForm(DjangoPasswordResetForm):
    """Also reaches invited staff who have not set a password yet (their link may have expired)."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)
