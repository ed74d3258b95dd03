"""Assistance plans: agreeing and changing them, goals and steps, reviews, the support logged
and the end of the cooperation."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Case
from kmb.accounts.models import Role, User
from providers.models import (
    AssistancePlan,
    CooperationEndReason,
    EndedBy,
    Goal,
    GoalState,
    Participant,
    PlanReview,
    PlanStatus,
    ReferralState,
    ReviewKind,
    ServiceReferral,
    Step,
    SupportVisit,
)
from providers.services.common import (
    audited,
    locked_referral,
    move_referral,
    no_consent_error,
    tell_of_end,
    valid_consent_to,
)

# Who must have been at a tripartite meeting (trojstranná schůzka).
TRIPARTITE = {Participant.LANDLORD, Participant.PROVIDER, Participant.CLIENT}


def _check_plan_people(plan: AssistancePlan, on: datetime.date) -> None:
    case_manager = plan.case_manager
    if case_manager.organisation_id != plan.case.kmb_id or case_manager.role not in (
        Role.SOCIAL_WORKER,
        Role.MANAGER,
    ):
        raise ValidationError({"case_manager": _("The case manager must work for this KMB.")})
    if (
        plan.provider_id
        and valid_consent_to(plan.household, plan.provider.organisation_id, on) is None
    ):
        raise ValidationError({"provider": no_consent_error(plan.provider)})


def _open_referral_to(plan: AssistancePlan) -> ServiceReferral | None:
    """The household's open referral to a service of the plan's provider, the furthest along
    first."""
    referrals = ServiceReferral.objects.open().filter(
        household=plan.household, service__provider=plan.provider_id
    )
    for state in (ReferralState.STARTED, ReferralState.ACCEPTED, ReferralState.SENT):
        referral = referrals.filter(state=state).order_by("-sent_on", "-pk").first()
        if referral:
            return referral
    return None


@transaction.atomic
def create_plan(*, plan: AssistancePlan, case: Case, by: User) -> AssistancePlan:
    """Agree an assistance plan for the case's household. A provider in the plan must have the
    household's valid consent (it will see the plan); the plan is linked to the household's open
    referral to that provider.

    Side effects: the plan with its history row."""
    plan.case = case
    plan.household = case.household
    _check_plan_people(plan, plan.starts_on or timezone.localdate())
    if plan.provider_id and not plan.referral_id:
        plan.referral = _open_referral_to(plan)
    plan.full_clean()
    try:
        with transaction.atomic():
            audited(plan, by).save()
    except IntegrityError as error:
        raise ValidationError(_("The household already has a current assistance plan.")) from error
    return plan


@transaction.atomic
def update_plan(*, plan: AssistancePlan, by: User) -> AssistancePlan:
    """Save changes of a plan's terms (provider, case manager, agreed support, next review)."""
    if plan.status == PlanStatus.ENDED:
        raise ValidationError(_("This plan has ended; agree a new one."))
    _check_plan_people(plan, timezone.localdate())
    if plan.provider_id and (
        plan.referral_id is None or plan.referral.service.provider_id != plan.provider_id
    ):
        plan.referral = _open_referral_to(plan)
    if not plan.provider_id:
        plan.referral = None
    plan.full_clean()
    audited(plan, by).save()
    return plan


def _check_current(plan: AssistancePlan) -> None:
    if plan.status == PlanStatus.ENDED:
        raise ValidationError(_("This plan has ended; agree a new one."))


@transaction.atomic
def add_goal(*, plan: AssistancePlan, goal: Goal, by: User) -> Goal:
    _check_current(plan)
    goal.plan = plan
    goal.full_clean()
    audited(goal, by).save()
    return goal


@transaction.atomic
def set_goal_state(*, goal: Goal, state: GoalState | str, by: User) -> Goal:
    """Record how far the goal has come (its history keeps the earlier states)."""
    _check_current(goal.plan)
    goal.state = state
    goal.full_clean()
    audited(goal, by).save()
    return goal


@transaction.atomic
def add_step(*, goal: Goal, step: Step, by: User) -> Step:
    _check_current(goal.plan)
    step.goal = goal
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def set_step_done(*, step: Step, done: bool, by: User, on: datetime.date | None = None) -> Step:
    """Tick a step off as done on `on` (today), or untick it."""
    _check_current(step.goal.plan)
    step.done_on = (on or timezone.localdate()) if done else None
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def record_review(*, plan: AssistancePlan, review: PlanReview, by: User) -> PlanReview:
    """Record a plan review or a tripartite meeting (landlord, provider and client).

    Side effects: the review; the plan's next review moves to the date agreed at it."""
    _check_current(plan)
    participants = list(dict.fromkeys(review.participants))
    if set(participants) - set(Participant.values):
        raise ValidationError({"participants": _("Unknown participant.")})
    if review.kind == ReviewKind.TRIPARTITE and not set(participants) >= TRIPARTITE:
        raise ValidationError(
            {
                "participants": _(
                    "A tripartite meeting brings together the landlord, the provider and the "
                    "client: tick all three."
                )
            }
        )
    if review.held_on and review.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a meeting once it has been held.")})
    review.plan = plan
    review.participants = participants
    review.by = by
    review.full_clean()
    review.save()
    plan.next_review_on = review.next_review_on
    plan.full_clean()
    audited(plan, by).save()
    return review


@transaction.atomic
def log_visit(
    *, plan: AssistancePlan, visit: SupportVisit, token: uuid.UUID | None, by: User
) -> SupportVisit:
    """Log support given under the plan, with the progress seen.

    Idempotent on `token`: a second submit of the same form returns the visit the first one
    logged. Side effects: the visit, counted for the user's organisation (a provider's visit is
    its report)."""
    if token and (existing := SupportVisit.objects.filter(token=token, plan=plan).first()):
        return existing
    _check_visit_date(plan, visit.date)
    visit.plan = plan
    visit.organisation_id = by.organisation_id
    visit.by = by
    visit.token = token
    visit.full_clean()
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as error:
        # The same form was submitted twice at once; the other request has logged it.
        existing = SupportVisit.objects.filter(token=token, plan=plan).first()
        if existing is None:
            raise ValidationError(_("This form has expired: open it again.")) from error
        return existing
    return visit


def _check_visit_date(plan: AssistancePlan, day: datetime.date | None) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        raise ValidationError({"date": _("Support cannot be logged in advance.")})
    if day < plan.starts_on:
        raise ValidationError({"date": _("The plan had not started yet on that day.")})
    if plan.ended_on and day > plan.ended_on:
        raise ValidationError({"date": _("The cooperation had already ended on that day.")})


@transaction.atomic
def end_cooperation(
    *,
    plan: AssistancePlan,
    end_reason: CooperationEndReason | str,
    note: str = "",
    by: User,
    on: datetime.date | None = None,
) -> AssistancePlan:
    """End the cooperation under the plan, as its provider or the KMB reports it.

    Side effects: the plan ends (date, who ended it, reason); the household's open referrals to
    the plan's provider end with the same reason and give their places back; unless they ended
    it themselves, the case manager is notified at once, in the app and by e-mail."""
    day = on or timezone.localdate()
    # Two clicks at once (the provider and the KMB): the second finds the plan ended.
    plan.status = (
        AssistancePlan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    )
    _check_current(plan)
    if day > timezone.localdate():
        raise ValidationError({"ended_on": _("Report the end once it has happened.")})
    if day < plan.starts_on:
        raise ValidationError({"ended_on": _("The cooperation cannot end before it began.")})
    plan.status = PlanStatus.ENDED
    plan.ended_on = day
    plan.end_reason = end_reason
    plan.end_note = note
    plan.ended_by = _ended_by(end_reason, by)
    plan.full_clean()
    audited(plan, by).save()
    for referral in _referrals_ending_with(plan):
        move_referral(
            locked_referral(referral),
            to=ReferralState.ENDED,
            by=by,
            note=note,
            end_reason=end_reason,
            on=max(day, referral.sent_on),
        )
    if plan.case_manager_id != by.pk:
        _tell_case_manager_of_end(plan)
    return plan


def _ended_by(end_reason: str, by: User) -> EndedBy:
    if end_reason == CooperationEndReason.CLIENT_ENDED:
        return EndedBy.CLIENT
    return EndedBy.PROVIDER if by.role == Role.PROVIDER_STAFF else EndedBy.KMB


def _referrals_ending_with(plan: AssistancePlan) -> list[ServiceReferral]:
    referrals = ServiceReferral.objects.open().select_related("service")
    if plan.provider_id:
        return list(referrals.filter(household=plan.household, service__provider=plan.provider_id))
    return list(referrals.filter(pk=plan.referral_id))


def _tell_case_manager_of_end(plan: AssistancePlan) -> None:
    tell_of_end(
        recipient=plan.case_manager,
        who=str(plan.provider) if plan.provider_id else str(plan.case.kmb),
        case=plan.case,
        on=plan.ended_on,
        end_reason=plan.end_reason,
        url=plan.get_absolute_url(),
    )
