"""Pairing pages: the proposed case manager of each case without one (a manager accepts one or
all), the support services that fit a household (from its case page) and social-work support
for the KMB's households within the services' free places."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clients.forms import case_managers_of
from clients.models import Case
from housing.config_forms import AcceptPairsForm
from housing.matching import pairing
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read


def _crumbs() -> list:
    return [(reverse("housing:matching-overview"), _("Matching"))]


@require_GET
@access.require(Can.ASSIGN_CASES)
def case_managers(request):
    proposals = pairing.propose_case_managers(kmb=request.user.organisation)
    context = {"proposals": proposals, "crumbs": _crumbs()}
    return render(request, "housing/pairing/case_managers.html", context)


@require_POST
@access.require(Can.ASSIGN_CASES)
def case_managers_accept(request):
    form = AcceptPairsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["pair"]))
        return redirect("housing:pairing-case-managers")
    try:
        cases = pairing.accept_case_managers(
            pairs=_pairs(request.user, form.cleaned_data["pair"]), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s case has its case manager.",
                "%(count)s cases have their case managers.",
                len(cases),
            )
            % {"count": len(cases)},
        )
    return redirect("housing:pairing-case-managers")


def _pairs(user, ids: list[tuple[int, int]]) -> list:
    """The posted (case, case manager) pairs; a case or a manager not of the user's KMB is not
    found (404)."""
    kmb_id = user.organisation_id
    cases = access.cases_visible_to(user, Case.objects.filter(kmb_id=kmb_id)).in_bulk(
        {case_id for case_id, _ in ids}
    )
    managers = case_managers_of(kmb_id).in_bulk({manager_id for _, manager_id in ids})
    if len(cases) < len({c for c, _ in ids}) or len(managers) < len({m for _, m in ids}):
        raise Http404
    return [(cases[case_id], managers[manager_id]) for case_id, manager_id in ids]


@require_GET
@access.require(Can.VIEW_MATCHING)
def case_services(request, pk):
    """The services that fit the household of the case, best first; a referral from there."""
    case = access.get_case_for(request.user, Case.objects.select_related("household", "kmb"), pk)
    context = {
        "case": case,
        "proposals": pairing.propose_services(case=case),
        "may_refer": access.may_change_case_file(request.user, case.household),
        "crumbs": [
            (reverse("clients:case-list"), _("Cases")),
            (case.get_absolute_url(), case.number),
        ],
    }
    record_read(request=request, obj=case)
    return render(request, "housing/pairing/case_services.html", context)


@require_GET
@access.require(Can.VIEW_MATCHING)
def support_overview(request):
    if request.user.role not in access.CASEWORK_ROLES:
        raise PermissionDenied  # the KMB's own work; administrators read the cases themselves
    context = {"proposals": pairing.propose_support(kmb=request.user.organisation)}
    context["crumbs"] = _crumbs()
    return render(request, "housing/pairing/support.html", context)
