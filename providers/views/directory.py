"""The directory of support providers and their services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors
from kmb.territory.models import Municipality
from providers import services
from providers.forms import (
    DirectoryFilterForm,
    FreePlacesForm,
    ProviderForm,
    ProviderOrganisationForm,
    ServiceForm,
)
from providers.models import Provider, ReferralState, Service
from providers.views.common import (
    form_methods,
    form_page,
    provider_for,
    safe_next,
    service_for,
    visible_providers,
    visible_referrals,
    with_applicant,
)


@require_GET
@access.require(Can.VIEW_PROVIDERS)
def provider_list(request):
    municipalities = Municipality.objects.filter(services__is_active=True).distinct()
    form = DirectoryFilterForm(request.GET or None, municipalities=municipalities)
    providers, listed = filter_directory(visible_providers(request.user), form)
    providers = providers.prefetch_related(
        Prefetch(
            "services",
            queryset=listed.prefetch_related("municipalities").order_by("name", "pk"),
            to_attr="listed_services",
        )
    )
    page = Paginator(providers, 25).get_page(request.GET.get("page"))
    template = "providers/provider_list.html"
    context = {"filter_form": form, "page": page, "filtered": form.is_bound}
    return render(request, f"{template}#results" if request.htmx else template, context)


def filter_directory(providers, form: DirectoryFilterForm):
    """(providers, their services to list): active services matching the filters, and the
    providers that have one (or whose name matches the search)."""
    services = Service.objects.active()
    if not form.is_valid():
        return providers, services
    data = form.cleaned_data
    if data["kind"]:
        services = services.filter(kind=data["kind"])
    if data["municipality"]:
        services = services.filter(municipalities=data["municipality"])
    if data["free"]:
        services = services.filter(free_places__gt=0)
    if data["kind"] or data["municipality"] or data["free"]:
        providers = providers.filter(pk__in=services.values("provider_id"))
    if text := data["q"].strip():
        named = Service.objects.filter(name__icontains=text).values("provider_id")
        providers = providers.filter(
            Q(organisation__name__icontains=text) | Q(organisation__ico=text) | Q(pk__in=named)
        )
    return providers, services


@require_GET
def provider_detail(request, pk):
    provider = provider_for(request.user, pk)
    referrals = with_applicant(
        visible_referrals(request.user)
        .open()
        .filter(service__provider=provider)
        .select_related("service", "case")
    )
    context = {
        "provider": provider,
        "services": list(
            provider.services.prefetch_related("municipalities").order_by("-is_active", "name")
        ),
        "referrals": list(referrals.order_by("-sent_on", "-pk")),
        "may_manage": access.may_manage_provider(request.user, provider),
    }
    if context["referrals"]:
        # The page names the households referred: an audited read.
        record_read(request=request, obj=provider)
    return render(request, "providers/provider_detail.html", context)


@form_methods
@access.require(Can.MANAGE_PROVIDERS)
def provider_create(request):
    organisation_form = ProviderOrganisationForm(request.POST or None)
    provider_form = ProviderForm(request.POST or None)
    if request.method == "POST" and organisation_form.is_valid() and provider_form.is_valid():
        try:
            provider = services.create_provider(
                organisation=organisation_form.save(commit=False),
                provider=provider_form.save(commit=False),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(organisation_form, error)
        else:
            messages.success(request, _("The provider has been added; now add its services."))
            return redirect(provider)
    return _provider_form_page(request, organisation_form, provider_form, None)


@form_methods
def provider_edit(request, pk):
    provider = provider_for(request.user, pk, write=True)
    organisation_form = ProviderOrganisationForm(
        request.POST or None, instance=provider.organisation
    )
    provider_form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and organisation_form.is_valid() and provider_form.is_valid():
        organisation_form.save(commit=False)
        provider_form.save(commit=False)
        try:
            services.update_provider(provider=provider, by=request.user)
        except ValidationError as error:
            add_errors(provider_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(provider)
    return _provider_form_page(request, organisation_form, provider_form, provider)


def _provider_form_page(request, organisation_form, provider_form, provider):
    crumbs = [(reverse("providers:provider-list"), _("Support network"))]
    if provider:
        crumbs.append((provider.get_absolute_url(), str(provider)))
    return render(
        request,
        "providers/provider_form.html",
        {
            "organisation_form": organisation_form,
            "provider_form": provider_form,
            "title": _("Edit the provider") if provider else _("New provider"),
            "crumbs": crumbs,
            "back": provider.get_absolute_url() if provider else crumbs[0][0],
        },
    )


@require_GET
def service_detail(request, pk):
    service = service_for(request.user, pk)
    referrals = service.referrals.values("state").annotate(count=Count("pk"))
    counted = {row["state"]: row["count"] for row in referrals}
    context = {
        "service": service,
        "provider": service.provider,
        "municipalities": list(service.municipalities.select_related("orp")),
        "referral_counts": [(state.label, counted.get(state, 0)) for state in ReferralState],
        "may_manage": access.may_manage_provider(request.user, service.provider),
    }
    return render(request, "providers/service_detail.html", context)


@form_methods
def service_create(request, pk):
    provider = provider_for(request.user, pk, write=True)
    form = ServiceForm(request.POST or None, initial={"capacity": 10, "free_places": 0})
    return _service_form(request, form, provider, title=_("New service"))


@form_methods
def service_edit(request, pk):
    service = service_for(request.user, pk, write=True)
    form = ServiceForm(request.POST or None, instance=service)
    return _service_form(request, form, service.provider, title=_("Edit the service"))


def _service_form(request, form, provider: Provider, *, title: str):
    if request.method == "POST" and form.is_valid():
        service = form.save(commit=False)
        service.provider = provider
        try:
            services.save_service(
                service=service,
                municipalities=form.cleaned_data["municipalities"],
                by=request.user,
                keep_free_places="free_places" not in form.fields,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(provider)
    return form_page(
        request,
        form=form,
        title=title,
        crumbs=[
            (reverse("providers:provider-list"), _("Support network")),
            (provider.get_absolute_url(), str(provider)),
        ],
        back=provider.get_absolute_url(),
        form_class="kmb-checkbox-columns",
    )


@form_methods
def service_free_places(request, pk):
    """The number of free places alone: the provider's staff keep it current."""
    service = service_for(request.user, pk, write=True)
    form = FreePlacesForm(request.POST or None, instance=service)
    back = safe_next(request, service.provider.get_absolute_url())
    saved = False
    if request.method == "POST" and form.is_valid():
        services.set_free_places(
            service=service, free_places=form.cleaned_data["free_places"], by=request.user
        )
        saved = True
        if not request.htmx:
            messages.success(
                request,
                _("%(service)s: %(free)s free places.")
                % {"service": service.name, "free": service.free_places},
            )
            return redirect(back)
    if request.htmx:
        return render(
            request,
            "providers/_free_places.html",
            {"service": service, "form": form, "saved": saved, "next": back},
        )
    return form_page(
        request,
        form=form,
        title=_("Free places of %(service)s") % {"service": service.name},
        crumbs=[
            (reverse("providers:provider-list"), _("Support network")),
            (service.provider.get_absolute_url(), str(service.provider)),
        ],
        back=back,
        next=back,
    )
