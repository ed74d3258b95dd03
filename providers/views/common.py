"""Scoped fetching for the support-network views: every lookup goes through kmb.access."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from clients.models import Household
from clients.models.people import applicant_field
from kmb import access
from providers.models import AssistancePlan, Goal, Provider, Service, ServiceReferral, Step

form_methods = require_http_methods(["GET", "POST"])


def with_applicant(records: QuerySet, household: str = "household") -> QuerySet:
    """Annotate each record with the name of its household's applicant."""
    return records.annotate(
        applicant_first_name=applicant_field("first_name", household),
        applicant_last_name=applicant_field("last_name", household),
    )


def visible_providers(user) -> QuerySet:
    return access.providers_visible_to(user, Provider.objects.select_related("organisation"))


def provider_for(user, pk: int, *, write: bool = False) -> Provider:
    provider = get_object_or_404(visible_providers(user), pk=pk)
    if write and not access.may_manage_provider(user, provider):
        raise PermissionDenied
    return provider


def service_for(user, pk: int, *, write: bool = False) -> Service:
    services = Service.objects.select_related("provider__organisation")
    service = get_object_or_404(services.filter(provider__in=visible_providers(user)), pk=pk)
    if write and not access.may_manage_provider(user, service.provider):
        raise PermissionDenied
    return service


def visible_referrals(user, referrals: QuerySet | None = None) -> QuerySet:
    if referrals is None:
        referrals = ServiceReferral.objects.all()
    return access.referrals_visible_to(user, referrals, Household.objects.all())


def referral_for(user, pk: int) -> ServiceReferral:
    referrals = ServiceReferral.objects.select_related(
        "household__kmb", "case", "service__provider__organisation", "consent", "sent_by"
    )
    return get_object_or_404(visible_referrals(user, referrals), pk=pk)


def visible_plans(user, plans: QuerySet | None = None) -> QuerySet:
    if plans is None:
        plans = AssistancePlan.objects.all()
    return access.plans_visible_to(user, plans, Household.objects.all())


PLAN_RELATED = ("household__kmb", "case", "case_manager", "provider__organisation")


def plan_for(user, pk: int, *, report: bool = False, change: bool = False) -> AssistancePlan:
    """The plan if the user sees it (else 404). report=True: 403 unless they may log support
    and progress on it; change=True: 403 unless they keep the household's file."""
    plan = get_object_or_404(
        visible_plans(user, AssistancePlan.objects.select_related(*PLAN_RELATED)), pk=pk
    )
    if report and not access.may_report_on_plan(user, plan):
        raise PermissionDenied
    if change and not access.may_change_case_file(user, plan.household):
        raise PermissionDenied
    return plan


def goal_for(user, pk: int) -> Goal:
    """A goal of a plan the user may report on (404 if they do not see the plan)."""
    goal = get_object_or_404(
        Goal.objects.select_related(*(f"plan__{name}" for name in PLAN_RELATED)).filter(
            plan__in=visible_plans(user)
        ),
        pk=pk,
    )
    if not access.may_report_on_plan(user, goal.plan):
        raise PermissionDenied
    return goal


def step_for(user, pk: int) -> Step:
    step = get_object_or_404(
        Step.objects.select_related(*(f"goal__plan__{name}" for name in PLAN_RELATED)).filter(
            goal__plan__in=visible_plans(user)
        ),
        pk=pk,
    )
    if not access.may_report_on_plan(user, step.goal.plan):
        raise PermissionDenied
    return step


def safe_next(request, default: str) -> str:
    """The `next` page the form came from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of ours only: `redirect()` would take a bare word for the name of a view.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def form_page(request, *, form, title: str, crumbs: list, back: str, **extra):
    """The one page for a form: breadcrumbs, title, optional intro, the form."""
    template = extra.pop("template", "providers/form.html")
    context = {"form": form, "title": title, "crumbs": crumbs, "back": back, **extra}
    return render(request, template, context)
