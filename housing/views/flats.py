"""The flat inventory: list, summary, the flat's page, its status and photos."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.models import Case, Client, Relationship
from housing.filters import FlatFilter
from housing.forms import FlatForm, FlatPhotoForm, FlatStatusForm
from housing.models import (
    Disposition,
    Flat,
    FlatPhoto,
    FlatStatus,
    Lease,
    Owner,
    Program,
    Realtor,
    TechnicalState,
)
from housing.services import flats as services
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.territory.models import Municipality

# A new lease can be signed only for a flat that is waiting for a household.
LETTABLE = (FlatStatus.FREE, FlatStatus.RESERVED)


def _visible_flats(user):
    return access.flats_visible_to(user, Flat.objects.all())


def owners_visible_to(user, owners: QuerySet) -> QuerySet:
    return access.owners_visible_to(user, owners, Flat.objects.all())


def realtors_visible_to(user, realtors: QuerySet) -> QuerySet:
    return access.with_flats_visible_to(user, realtors, Flat.objects.all())


@access.require(Can.VIEW_FLATS)
def flat_list(request):
    flats = access.flats_visible_to(
        request.user, Flat.objects.with_status_today().select_related("municipality", "owner")
    )
    municipalities = Municipality.objects.filter(pk__in=flats.values("municipality_id"))
    flat_filter = FlatFilter(request.GET, queryset=flats, municipalities=municipalities)
    page = Paginator(flat_filter.qs, 25).get_page(request.GET.get("page"))
    template = "housing/flat_list.html#results" if request.htmx else "housing/flat_list.html"
    context = {
        "filter": flat_filter,
        "page": page,
        "has_flats": page.paginator.count > 0 or flats.exists(),
    }
    return render(request, template, context)


@access.require(Can.VIEW_FLATS)
def flat_summary(request):
    flats = _visible_flats(request.user).with_status_today()
    per_status = {
        status: Count("pk", filter=Q(status_today=status)) for status in FlatStatus.values
    }
    rows = flats.values("municipality_id", "municipality__name").annotate(
        **per_status, total=Count("pk")
    )
    totals = flats.aggregate(**per_status, total=Count("pk"))
    context = {
        "statuses": FlatStatus.choices,
        "by_municipality": [
            (row["municipality__name"], [row[s] for s in FlatStatus.values], row["total"])
            for row in rows.order_by("municipality__name", "municipality_id")
        ],
        "status_totals": [totals[s] for s in FlatStatus.values],
        "total": totals["total"],
        "breakdowns": [
            (_("By disposition"), "by-disposition", _counts(flats, "disposition", Disposition)),
            (_("By program"), "by-program", _counts(flats, "program", Program)),
            (
                _("By technical state"),
                "by-technical-state",
                _counts(flats, "technical_state", TechnicalState),
            ),
        ],
    }
    return render(request, "housing/flat_summary.html", context)


def _counts(flats, field: str, choices) -> list[tuple[str, int]]:
    """(label, number of flats) for every choice, zeros included, in the code list's order."""
    counted = dict(flats.values_list(field).annotate(count=Count("pk")).order_by())
    return [(label, counted.get(value, 0)) for value, label in choices.choices]


@access.require(Can.VIEW_FLATS)
def flat_detail(request, pk):
    flat = access.get_flat_for(
        request.user,
        Flat.objects.with_status_today().select_related(
            "municipality__orp", "owner", "realtor", "head_lease_holder"
        ),
        pk,
    )
    leases = flat.leases.select_related("household").prefetch_related("guarantees")
    may_manage = access.may_manage_flat(request.user, flat)
    context = {
        "flat": flat,
        "may_manage": may_manage,
        "may_lease": may_manage and flat.status_today in LETTABLE,
        "status_changes": list(flat.status_changes.select_related("by")),
        "photos": list(flat.photos.all()),
        "leases": with_tenants(request.user, leases),
    }
    # The page names the flat's tenants to those who may see them: an audited read.
    record_read(request=request, obj=flat)
    return render(request, "housing/flat_detail.html", context)


@dataclass(frozen=True)
class Tenant:
    name: str
    url: str = ""


def with_tenants(user, leases) -> list[Lease]:
    """The leases, each with `tenant`. Those who may see the household's case file get the
    applicant's name and a link to the case; others (the housing department) only "Household
    no. N". Names are fetched only for the households that may be named."""
    leases = list(leases)
    named = {lease.pk for lease in leases if access.may_see_household(user, lease.household)}
    prefetch_related_objects(
        [lease.household for lease in leases if lease.pk in named],
        Prefetch(
            "members",
            queryset=Client.objects.filter(relationship=Relationship.APPLICANT),
            to_attr="applicants",
        ),
        Prefetch("cases", queryset=Case.objects.order_by("-opened_on", "-pk"), to_attr="newest"),
    )
    for lease in leases:
        household = lease.household
        if lease.pk not in named:
            lease.tenant = Tenant(str(household))
            continue
        name = str(household.applicants[0]) if household.applicants else str(household)
        url = household.newest[0].get_absolute_url() if household.newest else ""
        lease.tenant = Tenant(name, url)
    return leases


def _flat_form(request, instance: Flat | None = None) -> FlatForm:
    user = request.user
    return FlatForm(
        request.POST or None,
        instance=instance,
        municipalities=access.municipalities_managed_by(user, Municipality.objects.all()),
        owners=owners_visible_to(user, Owner.objects.all()),
        realtors=realtors_visible_to(user, Realtor.objects.all()),
    )


def _form_page(request, form, *, title: str, flat: Flat | None = None, template="housing_form"):
    crumbs = [(reverse("housing:flat-list"), _("Flats"))]
    if flat:
        crumbs.append((flat.get_absolute_url(), str(flat)))
    context = {"form": form, "title": title, "back": crumbs[-1][0], "crumbs": crumbs}
    return render(request, f"housing/{template}.html", context)


@access.require(Can.MANAGE_FLATS)
def flat_create(request):
    form = _flat_form(request)
    if request.method == "POST" and form.is_valid():
        flat = services.create_flat(flat=form.instance, by=request.user)
        messages.success(request, _("The flat has been added to the inventory."))
        return redirect(flat)
    return _form_page(request, form, title=_("New flat"), template="flat_form")


@access.require(Can.MANAGE_FLATS)
def flat_edit(request, pk):
    flat = access.get_flat_for(request.user, Flat.objects.all(), pk, write=True)
    form = _flat_form(request, instance=flat)
    if request.method == "POST" and form.is_valid():
        services.update_flat(flat=form.instance, by=request.user)
        messages.success(request, _("Saved."))
        return redirect(flat)
    return _form_page(request, form, title=_("Edit the flat"), flat=flat, template="flat_form")


@access.require(Can.MANAGE_FLATS)
def flat_status(request, pk):
    flat = access.get_flat_for(request.user, Flat.objects.all(), pk, write=True)
    form = FlatStatusForm(request.POST or None, flat=flat)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_flat_status(
                flat=flat,
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("The flat is now “%(status)s”.") % {"status": flat.get_status_display()}
            )
            return redirect(flat)
    return _form_page(request, form, title=_("Change the status"), flat=flat)


@access.require(Can.MANAGE_FLATS)
def photo_create(request, pk):
    flat = access.get_flat_for(request.user, Flat.objects.all(), pk, write=True)
    form = FlatPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.instance.flat = flat
        form.save()
        messages.success(request, _("The photo has been added."))
        return redirect(flat)
    return _form_page(request, form, title=_("Add a photo"), flat=flat)


@require_GET
@access.require(Can.VIEW_FLATS)
def photo(request, pk):
    """The photo file, only for those who see the flat: photos are not public media."""
    photos = FlatPhoto.objects.filter(flat__in=_visible_flats(request.user))
    response = FileResponse(get_object_or_404(photos, pk=pk).image.open("rb"))
    patch_cache_control(response, private=True)
    return response
