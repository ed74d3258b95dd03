"""Owners and realtors of flats: who lets to the KMB's households."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from housing.forms import OwnerForm, RealtorForm
from housing.models import Flat, Lease, Owner, OwnerKind, Realtor
from housing.services import owners as services
from housing.views.flats import owners_visible_to, realtors_visible_to, with_tenants
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read


def _count_visible_flats(user, queryset: QuerySet) -> QuerySet:
    """`flat_count`: how many of their flats the user sees (flats elsewhere stay unmentioned)."""
    visible = access.flats_visible_to(user, Flat.objects.all())
    counted = queryset.annotate(flat_count=Count("flats", filter=Q(flats__in=visible)))
    # A query with GROUP BY ignores Meta.ordering.
    return counted.order_by("name", "pk")


@access.require(Can.VIEW_FLATS)
def owner_list(request):
    owners = owners_visible_to(request.user, Owner.objects.all())
    page = Paginator(_count_visible_flats(request.user, owners), 25).get_page(
        request.GET.get("page")
    )
    engaged = owners.filter(kind=OwnerKind.PRIVATE_PERSON, engaged_on__isnull=False).count()
    return render(
        request, "housing/owner_list.html", {"page": page, "private_owners_engaged": engaged}
    )


@access.require(Can.VIEW_FLATS)
def owner_detail(request, pk):
    owner = get_object_or_404(
        owners_visible_to(request.user, Owner.objects.select_related("organisation")), pk=pk
    )
    flats = access.flats_visible_to(
        request.user, owner.flats.with_status_today().select_related("municipality")
    )
    if owner.kind == OwnerKind.PRIVATE_PERSON:
        record_read(request=request, obj=owner)
    return render(request, "housing/owner_detail.html", _holder_page(request, owner, flats))


def _holder_page(request, holder, flats) -> dict:
    """What the owner and realtor pages share: the flats the user sees and their leases."""
    leases = Lease.objects.filter(flat__in=flats).select_related("flat__municipality", "household")
    return {
        "holder": holder,
        "flats": list(flats),
        "leases": with_tenants(request.user, leases),
        "may_manage": access.can(request.user, Can.MANAGE_FLATS),
    }


@access.require(Can.MANAGE_FLATS)
def owner_create(request):
    form = OwnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owner = services.create_owner(owner=form.instance, by=request.user)
        messages.success(request, _("Saved."))
        return redirect(owner)
    return _save_page(request, form, title=_("New owner"), crumbs=_owner_crumbs())


@access.require(Can.MANAGE_FLATS)
def owner_edit(request, pk):
    owner = get_object_or_404(owners_visible_to(request.user, Owner.objects.all()), pk=pk)
    form = OwnerForm(request.POST or None, instance=owner)
    if request.method == "GET" and owner.kind == OwnerKind.PRIVATE_PERSON:
        record_read(request=request, obj=owner)
    return _save_page(request, form, title=_("Edit the owner"), crumbs=_owner_crumbs(owner))


@access.require(Can.VIEW_FLATS)
def realtor_list(request):
    realtors = realtors_visible_to(request.user, Realtor.objects.all())
    page = Paginator(_count_visible_flats(request.user, realtors), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "housing/realtor_list.html", {"page": page})


@access.require(Can.VIEW_FLATS)
def realtor_detail(request, pk):
    realtor = get_object_or_404(realtors_visible_to(request.user, Realtor.objects.all()), pk=pk)
    flats = access.flats_visible_to(
        request.user, realtor.flats.with_status_today().select_related("municipality")
    )
    return render(request, "housing/realtor_detail.html", _holder_page(request, realtor, flats))


@access.require(Can.MANAGE_FLATS)
def realtor_create(request):
    form = RealtorForm(request.POST or None)
    return _save_page(request, form, title=_("New realtor"), crumbs=_realtor_crumbs())


@access.require(Can.MANAGE_FLATS)
def realtor_edit(request, pk):
    realtor = get_object_or_404(realtors_visible_to(request.user, Realtor.objects.all()), pk=pk)
    form = RealtorForm(request.POST or None, instance=realtor)
    return _save_page(request, form, title=_("Edit the realtor"), crumbs=_realtor_crumbs(realtor))


def _owner_crumbs(owner: Owner | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("housing:owner-list"), _("Owners"))]
    return [*crumbs, (owner.get_absolute_url(), str(owner))] if owner else crumbs


def _realtor_crumbs(realtor: Realtor | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("housing:realtor-list"), _("Realtors"))]
    return [*crumbs, (realtor.get_absolute_url(), str(realtor))] if realtor else crumbs


def _save_page(request, form, *, title: str, crumbs: list[tuple[str, str]]):
    """Show the form; when valid, save the single row and open its page."""
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved."))
        return redirect(saved)
    context = {"form": form, "title": title, "back": crumbs[-1][0], "crumbs": crumbs}
    return render(request, "housing/housing_form.html", context)
