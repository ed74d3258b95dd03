"""Assistance plans: agreeing one, goals and steps, reviews, support logged, the end of the
cooperation."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.models import Case
from kmb import access
from kmb.access import Can
from kmb.accounts.models import Role
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors
from providers import intensity, services
from providers.forms import (
    EndCooperationForm,
    GoalForm,
    GoalStateForm,
    PlanForm,
    ReviewForm,
    StepDoneForm,
    StepForm,
    VisitForm,
    case_managers_of,
)
from providers.models import (
    AssistancePlan,
    GoalState,
    Participant,
    PlanStatus,
    Provider,
    ReferralState,
    ServiceReferral,
    Step,
)
from providers.views.common import form_methods, form_page, goal_for, plan_for, step_for

VISITS_SHOWN = 20


def _consented_providers(household, *, keep: int | None = None):
    """Providers the household has consented to share with (and the plan's own, `keep`)."""
    consented = Q(organisation__in=household.consents.valid().values("recipient_id"))
    return Provider.objects.filter(consented | Q(pk=keep)).select_related("organisation")


def _plan_crumbs(plan) -> list:
    return [
        (plan.case.get_absolute_url(), plan.case.number),
        (plan.get_absolute_url(), _("Assistance plan")),
    ]


@form_methods
@access.require(Can.EDIT_CASES)
def plan_create(request, pk):
    case = access.get_case_for(
        request.user, Case.objects.select_related("household", "case_manager"), pk, write=True
    )
    today = timezone.localdate()
    supporting = (
        ServiceReferral.objects.filter(
            household=case.household,
            state__in=[ReferralState.ACCEPTED, ReferralState.STARTED],
        )
        .values_list("service__provider", flat=True)
        .first()
    )
    form = PlanForm(
        request.POST or None,
        providers=_consented_providers(case.household),
        case_managers=case_managers_of(case.kmb_id, keep=case.case_manager),
        initial={
            "provider": supporting,
            "case_manager": case.case_manager or request.user,
            "starts_on": today,
            "next_review_on": today + datetime.timedelta(days=91),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(plan=form.save(commit=False), case=case, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan has been agreed; now add its goals."))
            return redirect(plan)
    return form_page(
        request,
        form=form,
        title=_("New assistance plan"),
        crumbs=[(reverse("clients:case-list"), _("Cases")), (case.get_absolute_url(), case.number)],
        back=case.get_absolute_url(),
        intro=_(
            "Agree the plan with the household: who supports it, how many hours a week, and when "
            "you will review it together. Goals and steps follow on the plan's page."
        ),
    )


@require_GET
def plan_detail(request, pk):
    plan = plan_for(request.user, pk)
    record_read(request=request, obj=plan)
    return render(request, "providers/plan_detail.html", _plan_page(request.user, plan))


def _plan_page(user, plan: AssistancePlan) -> dict:
    today = timezone.localdate()
    mondays = intensity.weeks_before(today)
    recent = plan.visits.filter(date__gte=mondays[0]).values_list("date", "minutes")
    may_report = access.may_report_on_plan(user, plan) and plan.status != PlanStatus.ENDED
    visits = list(plan.visits.select_related("by", "organisation")[: VISITS_SHOWN + 1])
    return {
        "plan": plan,
        "applicant": plan.household.members.filter(relationship="applicant").first(),
        "goals": list(
            plan.goals.prefetch_related(
                Prefetch("steps", queryset=Step.objects.order_by("due_on", "pk"))
            )
        ),
        "reviews": list(plan.reviews.select_related("by")),
        "visits": visits[:VISITS_SHOWN],
        "more_visits": len(visits) > VISITS_SHOWN,
        "intensity": intensity.measure(
            hours_per_week=plan.hours_per_week,
            starts_on=plan.starts_on,
            ended_on=plan.ended_on,
            visits=recent,
            today=today,
        ),
        "review_overdue": plan.status == PlanStatus.ACTIVE and plan.next_review_on < today,
        "may_report": may_report,
        "may_change": may_report and access.may_change_case_file(user, plan.household),
        "goal_states": GoalState.choices,
        "today": today,
    }


@form_methods
@access.require(Can.EDIT_CASES)
def plan_edit(request, pk):
    plan = plan_for(request.user, pk, change=True)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        providers=_consented_providers(plan.household, keep=plan.provider_id),
        case_managers=case_managers_of(plan.case.kmb_id, keep=plan.case_manager),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(plan=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(plan)
    if request.method == "GET":
        record_read(request=request, obj=plan)
    return form_page(
        request,
        form=form,
        title=_("Edit the assistance plan"),
        crumbs=_plan_crumbs(plan),
        back=plan.get_absolute_url(),
    )


@form_methods
def goal_create(request, pk):
    plan = plan_for(request.user, pk, report=True)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(plan=plan, goal=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The goal has been added."))
            return redirect(f"{plan.get_absolute_url()}#goals")
    return form_page(
        request,
        form=form,
        title=_("New goal"),
        crumbs=_plan_crumbs(plan),
        back=plan.get_absolute_url(),
    )


@require_POST
def goal_state(request, pk):
    goal = goal_for(request.user, pk)
    form = GoalStateForm(request.POST)
    if form.is_valid():
        try:
            services.set_goal_state(goal=goal, state=form.cleaned_data["state"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose the state of the goal."))
    return _after_goal_change(request, goal)


def _after_goal_change(request, goal):
    """htmx swaps the goal in place; without JavaScript, back to the plan."""
    if request.htmx:
        may_report = goal.plan.status != PlanStatus.ENDED  # goal_for checked the user
        return render(
            request,
            "providers/plan_detail.html#goal",
            {"goal": goal, "may_report": may_report, "goal_states": GoalState.choices},
        )
    return redirect(f"{goal.plan.get_absolute_url()}#goal-{goal.pk}")


@form_methods
def step_create(request, pk):
    goal = goal_for(request.user, pk)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_step(goal=goal, step=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The step has been added."))
            return redirect(f"{goal.plan.get_absolute_url()}#goal-{goal.pk}")
    return form_page(
        request,
        form=form,
        title=_("New step towards “%(goal)s”") % {"goal": goal.description},
        crumbs=_plan_crumbs(goal.plan),
        back=goal.plan.get_absolute_url(),
    )


@require_POST
def step_done(request, pk):
    step = step_for(request.user, pk)
    form = StepDoneForm(request.POST)
    form.is_valid()
    try:
        services.set_step_done(step=step, done=form.cleaned_data["done"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _after_goal_change(request, step.goal)


@form_methods
def review_create(request, pk):
    plan = plan_for(request.user, pk, report=True)
    today = timezone.localdate()
    mine = Participant.PROVIDER if request.user.role == Role.PROVIDER_STAFF else None
    form = ReviewForm(
        request.POST or None,
        initial={
            "held_on": today,
            "next_review_on": today + datetime.timedelta(days=91),
            "participants": [Participant.CLIENT, mine or Participant.CASE_MANAGER],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(plan=plan, review=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The review has been recorded; the next one is planned."))
            return redirect(plan)
    return form_page(
        request,
        form=form,
        title=_("Record a review or tripartite meeting"),
        crumbs=_plan_crumbs(plan),
        back=plan.get_absolute_url(),
    )


@form_methods
def visit_create(request, pk):
    plan = plan_for(request.user, pk, report=True)
    form = VisitForm(request.POST or None, initial={"date": timezone.localdate(), "minutes": 60})
    if request.method == "POST" and form.is_valid():
        try:
            services.log_visit(
                plan=plan,
                visit=form.save(commit=False),
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The support has been logged."))
            return redirect(plan)
    return form_page(
        request,
        form=form,
        title=_("Log support given"),
        crumbs=_plan_crumbs(plan),
        back=plan.get_absolute_url(),
    )


@form_methods
def plan_end(request, pk):
    plan = plan_for(request.user, pk, report=True)
    if plan.status == PlanStatus.ENDED:
        messages.info(request, _("This cooperation has already ended."))
        return redirect(plan)
    form = EndCooperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_cooperation(
                plan=plan,
                end_reason=form.cleaned_data["end_reason"],
                note=form.cleaned_data["note"],
                on=form.cleaned_data["ended_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _end_message(request.user, plan))
            if request.user.role == Role.PROVIDER_STAFF:
                return redirect("providers:portal")
            return redirect(plan)
    return form_page(
        request,
        form=form,
        title=_("End the cooperation"),
        crumbs=_plan_crumbs(plan),
        back=plan.get_absolute_url(),
        intro=_(
            "The plan ends, and so does the referral to your service; the case manager is told "
            "at once, in KMB and by e-mail."
        )
        if request.user.role == Role.PROVIDER_STAFF
        else _("The plan ends, and so do the household's referrals to the plan's provider."),
    )


def _end_message(user, plan) -> str:
    if plan.case_manager_id == user.pk:
        return _("The cooperation has ended.")
    return _("The cooperation has ended; %(name)s, the case manager, has been notified.") % {
        "name": plan.case_manager
    }
