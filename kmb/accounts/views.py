from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kmb import access
from kmb.access import Can
from kmb.accounts import services
from kmb.accounts.forms import OrganisationForm, ProfileForm, UserForm
from kmb.accounts.models import User
from kmb.audit.services import record_read


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@access.require(Can.VIEW_STAFF)
def user_list(request):
    users = access.users_visible_to(request.user)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@access.require(Can.VIEW_STAFF)
def user_detail(request, pk):
    staff_member = access.get_user_for(request.user, pk)
    record_read(request=request, obj=staff_member)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "staff_member": staff_member,
            "may_edit": access.can_edit_user(request.user, staff_member),
        },
    )


@access.require(Can.MANAGE_STAFF)
def user_create(request):
    form = UserForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.create_staff_member(user=form.save(commit=False), request=request)
        messages.success(
            request,
            _("%(name)s has been added and will get an e-mail with a link to set a password.")
            % {"name": user},
        )
        return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form})


@access.require(Can.MANAGE_STAFF)
def user_edit(request, pk):
    staff_member = access.get_user_for(request.user, pk, write=True)
    form = UserForm(request.POST or None, instance=staff_member, editor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes have been saved."))
        return redirect(staff_member)
    return render(request, "accounts/user_form.html", {"form": form, "staff_member": staff_member})


@require_POST
@access.require(Can.MANAGE_STAFF)
def user_send_password_link(request, pk):
    staff_member = access.get_user_for(request.user, pk, write=True)
    if not staff_member.email:
        messages.error(request, _("This user has no e-mail address; add one first."))
    else:
        services.send_password_link(user=staff_member, request=request)
        messages.success(
            request,
            _("A link to set a password has been sent to %(email)s.")
            % {"email": staff_member.email},
        )
    return redirect(staff_member)


@access.require(Can.MANAGE_ORGANISATIONS)
def organisation_list(request):
    organisations = access.organisations_visible_to(request.user)
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@access.require(Can.MANAGE_ORGANISATIONS)
def organisation_detail(request, pk):
    organisation = access.get_organisation_for(request.user, pk)
    members = User.objects.filter(organisation=organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "members": members},
    )


@access.require(Can.MANAGE_ORGANISATIONS)
def organisation_create(request):
    return _organisation_form(request, organisation=None)


@access.require(Can.MANAGE_ORGANISATIONS)
def organisation_edit(request, pk):
    return _organisation_form(
        request, organisation=access.get_organisation_for(request.user, pk, write=True)
    )


def _organisation_form(request, *, organisation):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("The organisation has been saved."))
        return redirect(organisation)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )
