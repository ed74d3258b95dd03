"""Leases of flats: signing, the lease's page, extending, ending, converting, tenancy events."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.models import Household
from housing.lease_forms import (
    ConvertForm,
    EndForm,
    ExtendForm,
    LeaseEditForm,
    SignLeaseForm,
    TenancyEventForm,
)
from housing.models import Flat, Lease, Program
from housing.services import leases as services
from housing.views.flats import with_tenants
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors

form_methods = require_http_methods(["GET", "POST"])


def _lease_for(user, pk: int, *, write: bool = False) -> Lease:
    """The lease if the user sees its flat (else 404); write=True: 403 unless they manage it."""
    leases = Lease.objects.select_related("flat__municipality", "household")
    lease = get_object_or_404(access.leases_visible_to(user, leases, Flat.objects.all()), pk=pk)
    if write and not access.may_manage_flat(user, lease.flat):
        raise PermissionDenied
    return lease


def _form_page(request, form, *, act, title: str, done: str, flat: Flat, lease=None, intro=""):
    """Show `form`; when it is valid, `act(form)` (a service) and go to the object it returns.
    A refusal from the service shows next to the field it concerns."""
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(target)
    crumbs = [(reverse("housing:flat-list"), _("Flats")), (flat.get_absolute_url(), flat)]
    if lease:
        crumbs.append((lease.get_absolute_url(), lease))
    context = {
        "form": form,
        "title": title,
        "intro": intro,
        "crumbs": crumbs,
        "back": crumbs[-1][0],
    }
    return render(request, "housing/lease_form.html", context)


@form_methods
@access.require(Can.MANAGE_FLATS)
def lease_create(request, pk):
    user = request.user
    flat = access.get_flat_for(user, Flat.objects.select_related("municipality"), pk, write=True)
    form = SignLeaseForm(
        request.POST or None,
        instance=Lease(flat=flat),
        households=access.households_visible_to(user, Household.objects.all()),
    )
    return _form_page(
        request,
        form,
        act=lambda f: services.sign_lease(lease=f.instance, by=user),
        title=_("New lease"),
        intro=_("Once the lease is recorded, the flat is let."),
        done=_("The lease has been recorded."),
        flat=flat,
    )


@require_GET
@access.require(Can.VIEW_FLATS)
def lease_detail(request, pk):
    user = request.user
    leases = Lease.objects.select_related(
        "flat__municipality", "flat__owner", "household", "continues", "continued_by"
    ).prefetch_related("guarantees__fund")
    lease = get_object_or_404(access.leases_visible_to(user, leases, Flat.objects.all()), pk=pk)
    record_read(request=request, obj=lease)
    may_manage = access.may_manage_flat(user, lease.flat)
    context = {
        "lease": with_tenants(user, [lease])[0],
        "may_see_household": access.may_see_household(user, lease.household),
        "may_manage": may_manage,
        "may_convert": lease.flat.program != Program.STANDARD_MUNICIPAL,
        "may_guarantee": may_manage and access.can(user, Can.MANAGE_GUARANTEES),
        "extensions": list(lease.extensions.select_related("by")),
        "events": list(lease.events.select_related("recorded_by", "prevention_case")),
    }
    return render(request, "housing/lease_detail.html", context)


@form_methods
@access.require(Can.MANAGE_FLATS)
def lease_edit(request, pk):
    lease = _lease_for(request.user, pk, write=True)
    if lease.ended_on:
        messages.info(request, _("An ended lease is kept as it was; it cannot be edited."))
        return redirect(lease)
    return _form_page(
        request,
        LeaseEditForm(request.POST or None, instance=lease),
        act=lambda f: f.save(),
        title=_("Edit the lease"),
        done=_("Saved."),
        flat=lease.flat,
        lease=lease,
    )


@form_methods
@access.require(Can.MANAGE_FLATS)
def lease_extend(request, pk):
    lease = _lease_for(request.user, pk, write=True)
    return _form_page(
        request,
        ExtendForm(request.POST or None, lease=lease),
        act=lambda f: services.extend_lease(by=request.user, lease=lease, **f.cleaned_data).lease,
        title=_("Extend the lease"),
        intro=_("The previous end stays in the lease's history."),
        done=_("The lease has been extended."),
        flat=lease.flat,
        lease=lease,
    )


@form_methods
@access.require(Can.MANAGE_FLATS)
def lease_end(request, pk):
    lease = _lease_for(request.user, pk, write=True)
    form = EndForm(request.POST or None)
    return _form_page(
        request,
        form,
        act=lambda f: services.end_lease(
            lease=lease,
            ended_on=f.cleaned_data["ended_on"],
            reason=f.cleaned_data["end_reason"],
            by=request.user,
        ),
        title=_("End the lease"),
        intro=_(
            "The flat becomes free after the last day of the lease, unless another of its "
            "leases runs on or starts later."
        ),
        done=_("The end of the lease has been recorded."),
        flat=lease.flat,
        lease=lease,
    )


@form_methods
@access.require(Can.MANAGE_FLATS)
def lease_convert(request, pk):
    lease = _lease_for(request.user, pk, write=True)
    return _form_page(
        request,
        ConvertForm(request.POST or None, lease=lease),
        act=lambda f: services.convert_to_standard_lease(
            lease=lease, by=request.user, **f.cleaned_data
        ),
        title=_("Convert to a standard lease"),
        intro=_(
            "The support is no longer needed: this lease and its guarantees end the day before, "
            "a new indefinite lease at the standard rent continues it, and the flat becomes a "
            "standard municipal flat. This lease, its events and guarantees stay in the history."
        ),
        done=_("The household now has a standard lease."),
        flat=lease.flat,
        lease=lease,
    )


@form_methods
@access.require(Can.MANAGE_FLATS)
def event_create(request, pk):
    lease = _lease_for(request.user, pk, write=True)
    form = TenancyEventForm(
        request.POST or None,
        may_open_prevention=access.may_change_case_file(request.user, lease.household),
    )

    def act(form):
        event = services.record_tenancy_event(
            lease=lease,
            event=form.instance,
            open_prevention=form.cleaned_data.get("open_prevention", False),
            by=request.user,
        )
        if event.prevention_case:
            messages.info(request, _("The household's case is in prevention now."))
        return lease

    return _form_page(
        request,
        form,
        act=act,
        title=_("Record a tenancy event"),
        done=_("The tenancy event has been recorded."),
        flat=lease.flat,
        lease=lease,
    )
