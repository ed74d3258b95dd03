from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kmb.accounts.models import User


@transaction.atomic
def create_staff_member(*, user: User, request: HttpRequest) -> User:
    """Save a new staff member without a password and e-mail them a link to set one.

    Side effects: the user is saved (and its history row written); one e-mail is sent.
    """
    user.set_unusable_password()
    user.full_clean()
    user.save()
    transaction.on_commit(lambda: send_password_link(user=user, request=request))
    return user


def send_password_link(*, user: User, request: HttpRequest) -> None:
    """E-mail the user a one-time link to set a new password (valid PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": request.build_absolute_uri(path)}
    send_mail(
        subject=_("Your KMB account"),
        message=render_to_string("registration/invitation_email.txt", context, request=request),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
